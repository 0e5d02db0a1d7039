//! `kubeharden._kubeharden`: the Python extension module. One conversion layer over the core:
//! configurations arrive as contract JSON (`Config`), reports stay in Rust ([`RawReport`]) and
//! are read field by field into the package's frozen dataclasses, the core runs with the GIL
//! released, and every core error becomes a Python exception in [`to_py_err`]. No rule logic,
//! filtering or formatting lives here; `python -m kubeharden` runs the command-line program
//! itself ([`main`]).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use kubeharden::pss::PssRequest;
use kubeharden::{CheckRequest, Checker, Config, ConfigError, Error, ParseError, Report, Severity, SourceFile, RULES};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

// The command-line program's library: `python -m kubeharden` runs the very same code, and
// `scan_paths` reads inputs with the CLI's walker (recursive .yaml/.yml/.json and Dockerfiles,
// hidden entries skipped, symbolic links not followed unless asked, UTF-8 check, size cap) and its
// parallel analysis.
use kubeharden_cli as cli;

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

/// A report held in Rust: the core's `Report` and the texts it was made from (for the text
/// renderer's excerpts). Python reads it through [`RawReport::findings`] and the other methods
/// without a JSON round trip; renderings are the core's own.
#[pyclass(frozen, module = "kubeharden._kubeharden")]
struct RawReport {
    report: Report,
    sources: Vec<SourceFile>,
}

/// Builds instances of the package's frozen dataclasses the way `copy` and `pickle` do: an empty
/// `object.__new__(cls)` whose `__dict__` is set at once. A dataclass `__init__` costs a
/// `object.__setattr__` per field (frozen), about seven times more (benches/python_overhead.py).
/// Strings that repeat (rule ids, names, files, paths, containers) are shared.
struct Builder<'a, 'py> {
    py: Python<'py>,
    new: Bound<'py, PyAny>,
    setattr: Bound<'py, PyAny>,
    strings: HashMap<&'a str, Bound<'py, PyString>>,
}

impl<'a, 'py> Builder<'a, 'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let object = py.get_type::<PyAny>();
        Ok(Builder {
            py,
            new: object.getattr(intern!(py, "__new__"))?,
            setattr: object.getattr(intern!(py, "__setattr__"))?,
            strings: HashMap::new(),
        })
    }

    fn shared(&mut self, s: &'a str) -> Bound<'py, PyString> {
        let py = self.py;
        self.strings.entry(s).or_insert_with(|| PyString::new(py, s)).clone()
    }

    fn shared_opt(&mut self, s: Option<&'a str>) -> Option<Bound<'py, PyString>> {
        s.map(|s| self.shared(s))
    }

    fn make(&self, cls: &Bound<'py, PyType>, fields: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        let inst = self.new.call1((cls,))?;
        self.setattr.call1((&inst, intern!(self.py, "__dict__"), fields))?;
        Ok(inst)
    }
}

#[pymethods]
impl RawReport {
    /// Reads report contract JSON (`kubeharden scan --format json`).
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        Ok(RawReport { report: report_from_json(json)?, sources: Vec::new() })
    }

    /// The core's JSON rendering (`Report::to_json`).
    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// The core's SARIF 2.1.0 rendering.
    fn to_sarif(&self) -> String {
        kubeharden::report::sarif::render(&self.report)
    }

    /// The core's text rendering, with source excerpts.
    #[pyo3(signature = (color = false))]
    fn to_text(&self, color: bool) -> String {
        kubeharden::report::text::render(&self.report, &self.sources, color)
    }

    /// The highest severity of any finding, by name.
    fn max_severity(&self) -> Option<&'static str> {
        self.report.max_severity().map(Severity::as_str)
    }

    /// `(version, tool name, tool version, suppressed)`.
    fn header(&self) -> (u32, String, String, usize) {
        let r = &self.report;
        (r.version, r.tool.name.clone(), r.tool.version.clone(), r.suppressed)
    }

    /// The summary's counts as a dict (`by_severity` maps severity names to counts).
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.report.summary;
        let d = PyDict::new(py);
        d.set_item("files", s.files)?;
        d.set_item("documents", s.documents)?;
        d.set_item("objects", s.objects)?;
        d.set_item("findings", s.findings)?;
        d.set_item("errors", s.errors)?;
        d.set_item("suppressed", s.suppressed)?;
        let by = PyDict::new(py);
        for (k, v) in &s.by_severity {
            by.set_item(k.as_str(), v)?;
        }
        d.set_item("by_severity", by)?;
        Ok(d)
    }

    /// The findings as instances of `finding` (objects as `object_ref`, severities looked up by
    /// name in `severities`), in report order.
    fn findings<'py>(
        &self,
        py: Python<'py>,
        finding: &Bound<'py, PyType>,
        object_ref: &Bound<'py, PyType>,
        severities: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let mut b = Builder::new(py)?;
        let mut sev = HashMap::new();
        for s in Severity::ALL {
            let member = severities
                .get_item(s.as_str())?
                .ok_or_else(|| request_error(format!("no severity `{}`", s.as_str())))?;
            sev.insert(s, member);
        }
        let mut objects = HashMap::new();
        let mut out = Vec::with_capacity(self.report.findings.len());
        for f in &self.report.findings {
            let object = match &f.object {
                None => None,
                Some(o) => Some(match objects.get(o) {
                    Some(made) => Bound::clone(made),
                    None => {
                        let d = PyDict::new(py);
                        d.set_item(intern!(py, "kind"), b.shared(&o.kind))?;
                        d.set_item(intern!(py, "api_version"), b.shared_opt(o.api_version.as_deref()))?;
                        d.set_item(intern!(py, "namespace"), b.shared_opt(o.namespace.as_deref()))?;
                        d.set_item(intern!(py, "name"), b.shared_opt(o.name.as_deref()))?;
                        let made = b.make(object_ref, &d)?;
                        objects.insert(o, made.clone());
                        made
                    }
                }),
            };
            let d = PyDict::new(py);
            d.set_item(intern!(py, "rule"), b.shared(&f.rule))?;
            d.set_item(intern!(py, "name"), b.shared(&f.name))?;
            d.set_item(intern!(py, "severity"), sev.get(&f.severity))?;
            d.set_item(intern!(py, "message"), &f.message)?;
            d.set_item(intern!(py, "file"), b.shared_opt(f.file.as_deref()))?;
            d.set_item(intern!(py, "line"), f.line)?;
            d.set_item(intern!(py, "column"), f.column)?;
            d.set_item(intern!(py, "object"), object)?;
            d.set_item(intern!(py, "container"), b.shared_opt(f.container.as_deref()))?;
            d.set_item(intern!(py, "path"), b.shared_opt(f.path.as_deref()))?;
            d.set_item(intern!(py, "fingerprint"), &f.fingerprint)?;
            d.set_item(intern!(py, "document"), f.document)?;
            d.set_item(intern!(py, "template"), b.shared_opt(f.template.as_deref()))?;
            out.push(b.make(finding, &d)?);
        }
        PyTuple::new(py, out)
    }

    /// The input errors as instances of `input_error`, in input order.
    fn errors<'py>(&self, py: Python<'py>, input_error: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyTuple>> {
        let b = Builder::new(py)?;
        let mut out = Vec::with_capacity(self.report.errors.len());
        for e in &self.report.errors {
            let d = PyDict::new(py);
            d.set_item(intern!(py, "file"), &e.file)?;
            d.set_item(intern!(py, "message"), &e.message)?;
            d.set_item(intern!(py, "document"), e.document)?;
            d.set_item(intern!(py, "line"), e.line)?;
            d.set_item(intern!(py, "column"), e.column)?;
            out.push(b.make(input_error, &d)?);
        }
        PyTuple::new(py, out)
    }
}

/// Parses `.kubeharden.yaml` text into contract JSON.
#[pyfunction]
#[pyo3(signature = (text, file = None))]
fn parse_config(text: &str, file: Option<&str>) -> PyResult<String> {
    let config = Config::from_yaml(text, file).map_err(|e| to_py_err(e.into()))?;
    to_json(&config)
}

/// Checks texts; returns the report. With `strict`, the first input error is raised as
/// `ParseError` instead of being reported.
#[pyfunction]
#[pyo3(signature = (files, *, config = None, now = None, strict = false))]
fn check_texts(
    py: Python<'_>,
    files: Vec<(String, String)>,
    config: Option<String>,
    now: Option<String>,
    strict: bool,
) -> PyResult<RawReport> {
    py.detach(move || {
        let config = config_from_json(config.as_deref()).map_err(to_py_err)?;
        let files = files.into_iter().map(|(name, content)| SourceFile::new(name, content)).collect();
        let req = CheckRequest { files, config, now, ..CheckRequest::default() };
        let report = kubeharden::check(&req).map_err(to_py_err)?;
        if let Some(first) = report.errors.first().filter(|_| strict) {
            return Err(to_py_err(ParseError::from(first).into()));
        }
        Ok(RawReport { report, sources: req.files })
    })
}

/// Reads files and directories as `kubeharden scan` does (in parallel, GIL released) and checks
/// them; returns the report.
#[pyfunction]
#[pyo3(signature = (paths, *, config = None, now = None, follow_symlinks = false))]
fn check_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: Option<String>,
    now: Option<String>,
    follow_symlinks: bool,
) -> PyResult<RawReport> {
    py.detach(move || {
        let config = config_from_json(config.as_deref()).map_err(to_py_err)?;
        let checker = Checker::new(&config, now.as_deref()).map_err(to_py_err)?;
        let (sources, parsed) = cli::scan::read_all(&paths, follow_symlinks, checker.parse_options());
        let report = cli::scan::check_all(&checker, &parsed);
        // Freeing the syntax trees costs about a twentieth of the scan; the caller need not wait.
        rayon::spawn(move || drop(parsed));
        Ok(RawReport { report, sources })
    })
}

/// Runs the `kubeharden` command line `argv` (program name first) in this process, GIL
/// released, and returns its exit code: `python -m kubeharden`. For a process that ends
/// afterwards: like the command, it leaves some memory to the operating system.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    py.detach(move || cli::main(argv))
}

/// Every rule, as contract JSON (a list of `RuleInfo`).
#[pyfunction]
fn rules() -> PyResult<String> {
    let infos: Vec<_> = RULES.iter().map(|r| r.meta().info()).collect();
    to_json(&infos)
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

/// The weekly audit of `kubectl get pods -A -o json` (`kubeharden audit --format json`): image
/// metadata files as (name, text) pairs and, with `registry`, every image's metadata fetched from
/// its registry — the GIL released meanwhile. A pods text that is no list raises `ParseError`;
/// a bad `now`, platform, CA file or Docker config raises `RequestError`.
#[pyfunction]
#[pyo3(signature = (pods, images, now, max_image_age_days, registry, platform, insecure_registries, registry_ca, cache, timeout, concurrency))]
#[allow(clippy::too_many_arguments, reason = "keyword arguments of the Python function")]
fn audit(
    py: Python<'_>,
    pods: String,
    images: Vec<(String, String)>,
    now: String,
    max_image_age_days: i64,
    registry: bool,
    platform: String,
    insecure_registries: Vec<String>,
    registry_ca: Vec<PathBuf>,
    cache: bool,
    timeout: u64,
    concurrency: usize,
) -> PyResult<String> {
    use kubeharden::audit as core_audit;
    py.detach(move || {
        let pods_error = |m: String| to_py_err(ParseError::from(&kubeharden::InputError::in_file("pods", m)).into());
        if kubeharden::time::parse_rfc3339(&now).is_none() {
            return Err(request_error(format!("`{now}` is not an RFC 3339 date-time")));
        }
        let mut files: Vec<SourceFile> = images.into_iter().map(|(n, t)| SourceFile::new(n, t)).collect();
        let mut fetched = None;
        if registry {
            let in_use = core_audit::images_in_use(&pods).map_err(pods_error)?;
            let args = cli::registry_cmd::RegistryArgs {
                registry: true,
                platform,
                insecure_registry: insecure_registries,
                registry_ca,
                no_cache: !cache,
                fail_on_unreachable: false,
                registry_concurrency: concurrency,
                registry_timeout: timeout,
                quiet: true,
            };
            let (metadata, outcomes) = cli::registry_cmd::fetch_for_audit(&args, &in_use).map_err(request_error)?;
            files.extend(metadata);
            fetched = Some(outcomes);
        }
        let opts = core_audit::AuditOptions { max_image_age_days };
        let report = core_audit::audit_with_registry(&pods, &files, fetched.as_deref(), Some(&now), &opts)
            .map_err(pods_error)?;
        Ok(core_audit::to_json(&report))
    })
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
    m.add_class::<RawReport>()?;
    m.add_function(wrap_pyfunction!(parse_config, m)?)?;
    m.add_function(wrap_pyfunction!(check_texts, m)?)?;
    m.add_function(wrap_pyfunction!(check_paths, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(check_pss, m)?)?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    Ok(())
}
