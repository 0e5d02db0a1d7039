//! `kubeharden._kubeharden`: the Python extension module. One conversion layer over the core's
//! JSON contract: values cross as contract JSON (`Config`, `Report`, `RuleInfo`), the core runs
//! with the GIL released, and every core error becomes a Python exception in [`to_py_err`].
//! No rule logic, filtering or formatting lives here; the Python package (`python/kubeharden`)
//! builds the typed objects.

use std::path::PathBuf;

use kubeharden::pss::PssRequest;
use kubeharden::{CheckRequest, Checker, Config, ConfigError, Error, FileResult, ParseError, Report, SourceFile, RULES};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use rayon::prelude::*;

// The CLI's input walking (recursive .yaml/.yml/.json, hidden entries skipped, symbolic links not
// followed unless asked, UTF-8 check, size cap), compiled in from the one file that defines it,
// so `scan_paths` and `kubeharden scan` read exactly the same files.
#[path = "../../core/src/bin/kubeharden/inputs.rs"]
mod inputs;

/// mimalloc, for the many small allocations of parsing on Python threads and the rayon pool
/// (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exception classes, created once per process (`ParseError` and `ConfigError` have two bases,
/// which `create_exception!` cannot express).
struct Exceptions {
    base: Py<PyType>,
    parse: Py<PyType>,
    config: Py<PyType>,
    request: Py<PyType>,
}

static EXCEPTIONS: PyOnceLock<Exceptions> = PyOnceLock::new();

fn exceptions(py: Python<'_>) -> PyResult<&'static Exceptions> {
    EXCEPTIONS.get_or_try_init(py, || {
        let type_ = py.import("builtins")?.getattr("type")?;
        let make = |name: &str, bases: Bound<'_, PyTuple>, doc: &str, attrs: &[&str]| -> PyResult<Py<PyType>> {
            let dict = PyDict::new(py);
            dict.set_item("__module__", "kubeharden")?;
            dict.set_item("__doc__", doc)?;
            for a in attrs {
                dict.set_item(*a, py.None())?;
            }
            Ok(type_.call1((name, bases, dict))?.cast_into::<PyType>()?.unbind())
        };
        let exception = py.get_type::<PyException>();
        let value_error = py.get_type::<PyValueError>();
        let base = make("KubehardenError", PyTuple::new(py, [exception])?, "Base class of every kubeharden error.", &[])?;
        let sub = |name: &str, doc: &str, attrs: &[&str]| {
            make(name, PyTuple::new(py, [base.bind(py).clone(), value_error.clone()])?, doc, attrs)
        };
        let parse = sub(
            "ParseError",
            "An input that cannot be read as manifests: `file`, `document` (0-based), `line`, `column` (1-based), `message`.",
            &["file", "document", "line", "column", "message"],
        )?;
        let config = sub(
            "ConfigError",
            "An invalid configuration: `file`, `line`, `column` (when known) and `message`.",
            &["file", "line", "column", "message"],
        )?;
        let request = sub("RequestError", "An unusable argument, such as a `now` that is not an RFC 3339 time.", &["message"])?;
        Ok(Exceptions { base, parse, config, request })
    })
}

/// The one place where core errors become Python exceptions.
fn to_py_err(e: Error) -> PyErr {
    Python::attach(|py| {
        let made = (|| -> PyResult<PyErr> {
            let ex = exceptions(py)?;
            let (ty, attrs): (&Py<PyType>, Vec<(&str, Py<PyAny>)>) = match &e {
                Error::Parse(p) => (
                    &ex.parse,
                    vec![
                        ("file", p.file().into_pyobject(py)?.into_any().unbind()),
                        ("document", p.document().into_pyobject(py)?.unbind()),
                        ("line", p.line().into_pyobject(py)?.unbind()),
                        ("column", p.column().into_pyobject(py)?.unbind()),
                        ("message", p.message().into_pyobject(py)?.into_any().unbind()),
                    ],
                ),
                Error::Config(c) => (
                    &ex.config,
                    vec![
                        ("file", c.file().into_pyobject(py)?.unbind()),
                        ("line", c.line().into_pyobject(py)?.unbind()),
                        ("column", c.column().into_pyobject(py)?.unbind()),
                        ("message", c.message().into_pyobject(py)?.into_any().unbind()),
                    ],
                ),
                Error::Request(m) => (&ex.request, vec![("message", m.into_pyobject(py)?.into_any().unbind())]),
                _ => (&ex.base, Vec::new()),
            };
            let value = ty.bind(py).call1((e.to_string(),))?;
            for (k, v) in attrs {
                value.setattr(k, v)?;
            }
            Ok(PyErr::from_value(value))
        })();
        made.unwrap_or_else(|err| err)
    })
}

fn request_error(message: String) -> PyErr {
    to_py_err(Error::Request(message))
}

fn to_json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| request_error(format!("cannot serialize the result: {e}")))
}

/// Reads contract JSON of a `Config` (`.kubeharden.yaml` keys). Positions in that generated text
/// mean nothing to the caller, so they are dropped.
fn config_from_json(json: Option<&str>) -> Result<Config, Error> {
    match json {
        None => Ok(Config::default()),
        Some(t) => Config::from_yaml(t, None).map_err(|e| Error::Config(ConfigError::new(e.message()))),
    }
}

fn report_from_json(json: &str) -> PyResult<Report> {
    serde_json::from_str(json).map_err(|e| request_error(format!("not a kubeharden report: {e}")))
}

/// The texts a report was made from, kept on the Rust side for the text renderer's excerpts.
#[pyclass(frozen, module = "kubeharden._kubeharden")]
struct Sources {
    files: Vec<SourceFile>,
}

#[pymethods]
impl Sources {
    fn __len__(&self) -> usize {
        self.files.len()
    }

    fn names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }
}

/// Parses `.kubeharden.yaml` text into contract JSON.
#[pyfunction]
#[pyo3(signature = (text, file = None))]
fn parse_config(text: &str, file: Option<&str>) -> PyResult<String> {
    let config = Config::from_yaml(text, file).map_err(|e| to_py_err(e.into()))?;
    to_json(&config)
}

/// The CLI's exit threshold of a configuration: a severity name, or `None` for `never`.
#[pyfunction]
#[pyo3(signature = (config = None))]
fn fail_threshold(config: Option<&str>) -> PyResult<Option<&'static str>> {
    let config = config_from_json(config).map_err(to_py_err)?;
    let t = config.fail_threshold().map_err(|e| to_py_err(e.into()))?;
    Ok(t.map(|s| s.as_str()))
}

/// Checks texts; returns the report JSON and the sources. With `strict`, the first input error
/// is raised as `ParseError` instead of being reported.
#[pyfunction]
#[pyo3(signature = (files, *, config = None, now = None, strict = false))]
fn check_texts(
    py: Python<'_>,
    files: Vec<(String, String)>,
    config: Option<String>,
    now: Option<String>,
    strict: bool,
) -> PyResult<(String, Sources)> {
    let (json, files) = py.detach(move || -> Result<_, PyErr> {
        let config = config_from_json(config.as_deref()).map_err(to_py_err)?;
        let files = files.into_iter().map(|(name, content)| SourceFile::new(name, content)).collect();
        let req = CheckRequest { files, config, now, ..CheckRequest::default() };
        let report = kubeharden::check(&req).map_err(to_py_err)?;
        if let Some(first) = report.errors.first().filter(|_| strict) {
            return Err(to_py_err(ParseError::from(first).into()));
        }
        Ok((to_json(&report)?, req.files))
    })?;
    Ok((json, Sources { files }))
}

/// Reads files and directories as `kubeharden scan` does (in parallel, GIL released) and checks
/// them; returns the report JSON and the sources.
#[pyfunction]
#[pyo3(signature = (paths, *, config = None, now = None, follow_symlinks = false))]
fn check_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: Option<String>,
    now: Option<String>,
    follow_symlinks: bool,
) -> PyResult<(String, Sources)> {
    let (json, files) = py.detach(move || -> Result<_, PyErr> {
        let config = config_from_json(config.as_deref()).map_err(to_py_err)?;
        let checker = Checker::new(&config, now.as_deref()).map_err(to_py_err)?;
        let results: Vec<(Option<SourceFile>, FileResult)> = inputs::expand(&paths, follow_symlinks)
            .into_par_iter()
            .map(|item| match item {
                inputs::Item::Problem(name, msg) => (None, Checker::unreadable(&name, msg)),
                inputs::Item::Path(p) => match inputs::read(&p) {
                    Ok(src) => {
                        let r = checker.analyze(&src);
                        (Some(src), r)
                    }
                    Err((name, msg)) => (None, Checker::unreadable(&name, msg)),
                },
            })
            .collect();
        let (sources, files): (Vec<_>, Vec<_>) = results.into_iter().unzip();
        let report = checker.finish(files);
        Ok((to_json(&report)?, sources.into_iter().flatten().collect()))
    })?;
    Ok((json, Sources { files }))
}

/// Every rule, as contract JSON (a list of `RuleInfo`).
#[pyfunction]
fn rules() -> PyResult<String> {
    let infos: Vec<_> = RULES.iter().map(|r| r.meta().info()).collect();
    to_json(&infos)
}

/// The core's JSON rendering of report contract JSON.
#[pyfunction]
fn report_to_json(report: &str) -> PyResult<String> {
    Ok(report_from_json(report)?.to_json())
}

/// The core's text rendering of report contract JSON, with source excerpts from `sources`.
#[pyfunction]
#[pyo3(signature = (report, sources = None, color = false))]
fn render_text(report: &str, sources: Option<&Sources>, color: bool) -> PyResult<String> {
    let report = report_from_json(report)?;
    let files = sources.map_or(&[][..], |s| s.files.as_slice());
    Ok(kubeharden::report::text::render(&report, files, color))
}

/// Pod Security Standards for one text: `PssReport` JSON. An input error raises `ParseError`.
#[pyfunction]
#[pyo3(signature = (text, name, level, version))]
fn check_pss(py: Python<'_>, text: String, name: String, level: String, version: String) -> PyResult<String> {
    py.detach(move || {
        let req = PssRequest { files: vec![SourceFile::new(name, text)], level, version };
        let report = kubeharden::check_pss(&req).map_err(to_py_err)?;
        if let Some(first) = report.errors.first() {
            return Err(to_py_err(ParseError::from(first).into()));
        }
        to_json(&report)
    })
}

/// The core's SARIF 2.1.0 rendering of report contract JSON.
#[pyfunction]
fn render_sarif(report: &str) -> PyResult<String> {
    Ok(kubeharden::report::sarif::render(&report_from_json(report)?))
}

#[pymodule(gil_used = false)]
fn _kubeharden(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let ex = exceptions(py)?;
    m.add("KubehardenError", ex.base.bind(py))?;
    m.add("ParseError", ex.parse.bind(py))?;
    m.add("ConfigError", ex.config.bind(py))?;
    m.add("RequestError", ex.request.bind(py))?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("REPORT_VERSION", kubeharden::api::REPORT_VERSION)?;
    m.add_class::<Sources>()?;
    m.add_function(wrap_pyfunction!(parse_config, m)?)?;
    m.add_function(wrap_pyfunction!(fail_threshold, m)?)?;
    m.add_function(wrap_pyfunction!(check_texts, m)?)?;
    m.add_function(wrap_pyfunction!(check_paths, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(report_to_json, m)?)?;
    m.add_function(wrap_pyfunction!(render_text, m)?)?;
    m.add_function(wrap_pyfunction!(check_pss, m)?)?;
    m.add_function(wrap_pyfunction!(render_sarif, m)?)?;
    Ok(())
}
