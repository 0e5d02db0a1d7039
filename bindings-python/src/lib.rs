//! `kubeharden._kubeharden`: the Python extension module. One conversion across the boundary,
//! [`convert`]: serde values of the core become the package's frozen dataclasses (reports,
//! findings, rules, PSS, netpol and audit results) and Python mappings become the core's `Config`.
//! Reports stay in Rust ([`RawReport`]) until a part is read; the core runs with the GIL
//! released; every core error becomes a Python exception in [`to_py_err`]. No rule logic,
//! filtering or formatting lives here; `python -m kubeharden` runs the command-line program
//! itself ([`main`]). A new result is one `#[pyfunction]`: convert the inputs, call the core,
//! `convert::to_py` the result.

use std::ffi::OsString;
use std::path::PathBuf;

use kubeharden::pss::PssRequest;
use kubeharden::{
    CheckRequest, Checker, Config, ConfigError, Error, InputPolicy, NetpolRequest, Report, Severity, SourceFile,
    SourceKind, RULES,
};
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMapping, PyString, PyTuple, PyType};

mod convert;

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
                Error::Input(p) => (
                    &ex.parse,
                    vec![
                        ("file", p.file.as_str().into_pyobject(py)?.into_any().unbind()),
                        ("document", p.document.into_pyobject(py)?.unbind()),
                        ("line", p.line.into_pyobject(py)?.unbind()),
                        ("column", p.column.into_pyobject(py)?.unbind()),
                        ("message", p.message.as_str().into_pyobject(py)?.into_any().unbind()),
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

/// The configuration argument: `None`, a `.kubeharden.yaml`-shaped mapping (read by the one
/// converter, [`convert::from_py`]), or that file's YAML text.
fn config_from(config: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
    let Some(c) = config.filter(|c| !c.is_none()) else { return Ok(Config::default()) };
    if let Ok(text) = c.cast::<PyString>() {
        return Config::from_yaml(&text.to_cow()?, None).map_err(|e| to_py_err(e.into()));
    }
    if c.cast::<PyMapping>().is_ok() {
        return convert::from_py::<Config>(c).map_err(|e| to_py_err(Error::Config(ConfigError::new(e.to_string()))));
    }
    let ty = c.get_type().name()?;
    Err(PyTypeError::new_err(format!("config must be a mapping or YAML text, not {ty}")))
}

/// The inputs of `check_texts`, `check_pss` and `check_netpol`: `(name, text or bytes, kind)`;
/// bytes are decoded as the command line decodes files ([`SourceFile::from_utf8`]).
fn source_files(files: &[(String, Bound<'_, PyAny>, Option<String>)]) -> PyResult<Vec<SourceFile>> {
    files
        .iter()
        .map(|(name, content, kind)| {
            let kind = kind.as_deref().map(str::parse::<SourceKind>).transpose().map_err(request_error)?;
            let file = if let Ok(text) = content.cast::<PyString>() {
                SourceFile::new(name.clone(), text.to_cow()?)
            } else if let Ok(bytes) = content.cast::<PyBytes>() {
                SourceFile::from_utf8(name.clone(), bytes.as_bytes().to_vec())
            } else if let Ok(bytes) = content.cast::<PyByteArray>() {
                SourceFile::from_utf8(name.clone(), bytes.to_vec())
            } else {
                let ty = content.get_type().name()?;
                return Err(PyTypeError::new_err(format!("an input is text or bytes, not {ty}")));
            };
            Ok(file.with_kind(kind))
        })
        .collect()
}

/// The inputs of the package's functions are texts it was given one by one: each must hold
/// something to check, and `strict` raises the first input error.
fn policy(strict: bool) -> InputPolicy {
    InputPolicy { strict, require_content: true }
}

/// A report held in Rust: the core's `Report` and the texts it was made from (for the text
/// renderer's excerpts). Python reads its parts through the one converter ([`convert::to_py`]),
/// on demand; renderings are the core's own.
#[pyclass(frozen, module = "kubeharden._kubeharden")]
struct RawReport {
    report: Report,
    sources: Vec<SourceFile>,
}

#[pymethods]
impl RawReport {
    /// Reads report contract JSON (`kubeharden scan --format json`).
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        let report = serde_json::from_str(json).map_err(|e| request_error(format!("not a kubeharden report: {e}")))?;
        Ok(RawReport { report, sources: Vec::new() })
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

    /// The core's tickets (`report::tickets`, as `scan --format tickets` renders them) as JSON.
    fn tickets(&self) -> PyResult<String> {
        serde_json::to_string(&kubeharden::report::tickets::tickets(&self.report))
            .map_err(|e| request_error(format!("the tickets cannot be written as JSON: {e}")))
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

    /// The summary, a `Summary`.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.report.summary)
    }

    /// The findings, a tuple of `Finding`, in report order.
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.report.findings)
    }

    /// The input errors, a tuple of `InputError`, in input order.
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.report.errors)
    }
}

/// Checks `(name, text or bytes, kind)` inputs; returns the report. Each input must hold
/// something to check; with `strict`, the first input error is raised as `ParseError` instead of
/// being reported.
#[pyfunction]
#[pyo3(signature = (files, *, config = None, now = None, strict = true))]
fn check_texts(
    py: Python<'_>,
    files: Vec<(String, Bound<'_, PyAny>, Option<String>)>,
    config: Option<&Bound<'_, PyAny>>,
    now: Option<String>,
    strict: bool,
) -> PyResult<RawReport> {
    let config = config_from(config)?;
    let files = source_files(&files)?;
    py.detach(move || {
        let req = CheckRequest { files, config, now, inputs: policy(strict), ..CheckRequest::default() };
        let report = kubeharden::check(&req).map_err(to_py_err)?;
        Ok(RawReport { report, sources: req.files })
    })
}

/// Fixes one `(name, text or bytes, kind)` input (`kubeharden::fix::fix_files`, strict: an
/// input error is raised as `ParseError`, nothing fixed); returns the fixed text, the findings
/// whose fixes were applied, and the check of the fixed text.
#[pyfunction]
#[pyo3(signature = (files, *, unsafe_fixes = false, config = None, now = None))]
fn fix_texts<'py>(
    py: Python<'py>,
    files: Vec<(String, Bound<'py, PyAny>, Option<String>)>,
    unsafe_fixes: bool,
    config: Option<&Bound<'py, PyAny>>,
    now: Option<String>,
) -> PyResult<(String, Bound<'py, PyAny>, RawReport)> {
    let config = config_from(config)?;
    let files = source_files(&files)?;
    let (text, applied, report, sources) = py.detach(move || {
        let req = CheckRequest { files, config, now, inputs: policy(true), ..CheckRequest::default() };
        let outcome = kubeharden::fix::fix_files(&req, unsafe_fixes).map_err(to_py_err)?;
        let text = outcome.files.first().map(|f| f.fixed.clone()).unwrap_or_default();
        let sources: Vec<SourceFile> =
            outcome.files.iter().map(|f| SourceFile::new(f.name.clone(), f.fixed.clone())).collect();
        Ok::<_, PyErr>((text, outcome.fixed().into_iter().cloned().collect::<Vec<_>>(), outcome.report, sources))
    })?;
    Ok((text, convert::to_py(py, &applied)?, RawReport { report, sources }))
}

/// Reads files and directories as `kubeharden scan` does (in parallel, GIL released) and checks
/// them; returns the report. Unreadable inputs are reported, as the command reports them.
#[pyfunction]
#[pyo3(signature = (paths, *, config = None, now = None, follow_symlinks = false))]
fn check_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: Option<&Bound<'_, PyAny>>,
    now: Option<String>,
    follow_symlinks: bool,
) -> PyResult<RawReport> {
    let config = config_from(config)?;
    py.detach(move || {
        let checker = Checker::new(&config, now.as_deref()).map_err(to_py_err)?;
        let (sources, parsed) = cli::scan::read_all(&paths, follow_symlinks, checker.parse_options());
        let mut report = cli::scan::check_all(&checker, &parsed);
        // Each finding's fix as edits of the file's text, as `scan` gives them.
        kubeharden::fix::resolve(&mut report, &sources, &parsed);
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

/// Every rule, a tuple of `Rule`, sorted by id.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let infos: Vec<_> = RULES.iter().map(|r| r.meta().info()).collect();
    convert::to_py(py, &infos)
}

/// Pod Security Standards for the inputs, a `PssResult`. An unknown level or version raises
/// `RequestError`; with `strict`, an input error raises `ParseError`.
#[pyfunction]
#[pyo3(signature = (files, *, level, version, strict = true))]
fn check_pss<'py>(
    py: Python<'py>,
    files: Vec<(String, Bound<'py, PyAny>, Option<String>)>,
    level: String,
    version: String,
    strict: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let files = source_files(&files)?;
    let req = PssRequest { files, level, version, inputs: policy(strict) };
    let report = py.detach(|| kubeharden::check_pss(&req)).map_err(to_py_err)?;
    convert::to_py(py, &report)
}

/// NetworkPolicy reachability over the inputs, a `NetpolReport`: the pair asked about
/// (`from_` and `to`), a row, a column or the matrix, on `port` or every port. An unknown
/// workload or a bad port raises `RequestError`; with `strict`, an input error raises
/// `ParseError`.
#[pyfunction]
#[pyo3(signature = (files, *, from_ = None, to = None, port = None, strict = true))]
fn check_netpol<'py>(
    py: Python<'py>,
    files: Vec<(String, Bound<'py, PyAny>, Option<String>)>,
    from_: Option<String>,
    to: Option<String>,
    port: Option<String>,
    strict: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let files = source_files(&files)?;
    let req = NetpolRequest { files, from: from_, to, port, inputs: policy(strict) };
    let report = py.detach(|| kubeharden::check_netpol(&req)).map_err(to_py_err)?;
    convert::to_py(py, &report)
}

/// The registry options of `audit` (`registry=True`), as the command's `--registry` options.
struct RegistryOptions {
    platform: String,
    insecure: Vec<String>,
    ca: Vec<PathBuf>,
    no_cache: bool,
    timeout: u64,
    concurrency: usize,
}

/// The weekly audit of `kubectl get pods -A -o json` with image metadata files and, with
/// `registry`, every image's metadata fetched from its registry (the command's `--registry`
/// code, quiet): an `AuditReport`. The GIL is released while pods are read and images fetched.
/// A bad `now`, platform, CA file or Docker config raises `RequestError`; with `strict`, an input
/// error (in the pods, before anything is fetched, or in the metadata) raises `ParseError`.
#[pyfunction]
#[pyo3(signature = (
    pods, images, *, now, max_image_age_days, strict, registry, platform, insecure_registry,
    registry_ca, no_cache, registry_timeout, registry_concurrency
))]
#[allow(clippy::too_many_arguments, reason = "the keyword arguments of the Python function")]
fn audit<'py>(
    py: Python<'py>,
    pods: (String, Bound<'py, PyAny>, Option<String>),
    images: Vec<(String, Bound<'py, PyAny>, Option<String>)>,
    now: String,
    max_image_age_days: u32,
    strict: bool,
    registry: bool,
    platform: String,
    insecure_registry: Vec<String>,
    registry_ca: Vec<PathBuf>,
    no_cache: bool,
    registry_timeout: u64,
    registry_concurrency: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let pods = source_files(std::slice::from_ref(&pods))?.pop().ok_or_else(|| request_error("no pods".to_owned()))?;
    let mut files = source_files(&images)?;
    let fetch = registry.then_some(RegistryOptions {
        platform,
        insecure: insecure_registry,
        ca: registry_ca,
        no_cache,
        timeout: registry_timeout,
        concurrency: registry_concurrency,
    });
    let report = py
        .detach(move || -> Result<kubeharden::audit::AuditReport, Error> {
            let opts = kubeharden::audit::AuditOptions { max_image_age_days };
            let read = kubeharden::audit::read_pods(&pods, Some(&now), &opts)?;
            drop(pods);
            if let Some(e) = read.errors().first().filter(|_| strict) {
                return Err(Error::Input(e.clone()));
            }
            let mut fetched = None;
            if let Some(o) = fetch {
                let args = cli::registry_cmd::RegistryArgs {
                    registry: true,
                    platform: o.platform.parse().map_err(|e| Error::Request(format!("platform: {e}")))?,
                    insecure_registry: o.insecure,
                    registry_ca: o.ca,
                    no_cache: o.no_cache,
                    fail_on_unreachable: false,
                    registry_concurrency: o.concurrency,
                    registry_timeout: o.timeout,
                    quiet: true,
                };
                let (metadata, outcomes) =
                    cli::registry_cmd::fetch_for_audit(&args, &read.images_in_use()).map_err(Error::Request)?;
                files.extend(metadata);
                fetched = Some(outcomes);
            }
            let report = read.finish(&files, fetched.as_deref());
            match report.errors.first().filter(|_| strict) {
                Some(e) => Err(Error::Input(e.clone())),
                None => Ok(report),
            }
        })
        .map_err(to_py_err)?;
    convert::to_py(py, &report)
}

/// Reads the JSON of `kubeharden audit --format json` (version 2): an `AuditReport`. Raises
/// `ParseError` when it is not one.
#[pyfunction]
fn audit_from_json<'py>(py: Python<'py>, name: String, json: String) -> PyResult<Bound<'py, PyAny>> {
    let report = kubeharden::audit::read_json(&SourceFile::new(name, json)).map_err(to_py_err)?;
    convert::to_py(py, &report)
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
    m.add_function(wrap_pyfunction!(check_texts, m)?)?;
    m.add_function(wrap_pyfunction!(check_paths, m)?)?;
    m.add_function(wrap_pyfunction!(fix_texts, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(check_pss, m)?)?;
    m.add_function(wrap_pyfunction!(check_netpol, m)?)?;
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_function(wrap_pyfunction!(audit_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    Ok(())
}
