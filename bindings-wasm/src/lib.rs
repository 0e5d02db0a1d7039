//! kubeharden compiled to WebAssembly. One conversion layer and no rule logic, serde both ways
//! and no `serde_json::Value` in between: JS values in are deserialized straight into the core's
//! request types by serde-wasm-bindgen (through [`strict::Strict`], so that an unknown key is
//! refused at every depth); results out (the report of the JSON contract v1, a `PssReport`, a
//! `NetpolReport`, rules) are serialized to JSON text that the engine's `JSON.parse` turns into
//! plain JS objects, in one function, [`to_js`].
//! Errors become real JS `Error` objects (`name` = `ConfigError` / `ParseError` /
//! `RequestError`, `message`, and `file`, `document`, `line`, `column` when known), in one
//! function, [`to_js_error`]. Types: `index.d.ts` (checked against values of these types by
//! `tests/types.test.mjs`).
//!
//! Every function that reads inputs takes text (`string` or UTF-8 `Uint8Array`) and an options
//! object; the options, their names and defaults are the Python binding's and the command
//! line's (the README's table). A new function is one `#[wasm_bindgen]` function here: read the
//! options ([`options`]), call the core, [`to_js`] the result.

use kubeharden::netpol::NetpolRequest;
use kubeharden::pss::{PssRequest, DEFAULT_LEVEL, DEFAULT_VERSION, LATEST_MINOR};
use kubeharden::{
    api::Tool, CheckRequest, Config, ConfigError, Error, InputPolicy, Report, SourceFile, SourceKind, RULES,
};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

mod strict;

/// The name a text gets in findings when the caller gives none.
const DEFAULT_FILENAME: &str = "<input>";

/// The configuration file name used in the locations of errors of a YAML `config` text.
const CONFIG_FILENAME: &str = ".kubeharden.yaml";

/// Options of `checkManifest` (`checkFiles`: the same without `filename` and `kind`, which each
/// file carries). `config` is read on its own ([`config`]), so that its errors are
/// `ConfigError`s.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object")]
struct CheckOptions {
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    kind: Option<SourceKind>,
    #[serde(default, rename = "config")]
    _config: IgnoredAny,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    strict: Option<bool>,
}

/// Options of `checkFiles`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object")]
struct CheckFilesOptions {
    #[serde(default, rename = "config")]
    _config: IgnoredAny,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    strict: Option<bool>,
}

/// Options of `fix`: those of `checkManifest` but `strict` (an input that cannot be read always
/// throws: nothing is fixed in a text that is not understood), and `unsafe`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object such as `{unsafe: true}`")]
struct FixOptions {
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    kind: Option<SourceKind>,
    #[serde(default, rename = "config")]
    _config: IgnoredAny,
    #[serde(default)]
    now: Option<String>,
    #[serde(default, rename = "unsafe")]
    unsafe_fixes: bool,
}

/// What `fix` returns.
#[derive(serde::Serialize)]
struct FixResult {
    /// The fixed text (the input's when nothing applied).
    text: String,
    /// The findings whose fixes were applied, as reported before the fix.
    applied: Vec<kubeharden::Finding>,
    /// The check of the fixed text.
    remaining: kubeharden::Report,
}

/// Options of `pss` (`pssFiles`: without `filename`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object such as `{level: \"baseline\"}`")]
struct PssOptions {
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    strict: Option<bool>,
}

/// Options of `netpol` (`netpolFiles`: without `filename`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object such as `{from: \"web\"}`")]
struct NetpolOptions {
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    port: Option<Port>,
    #[serde(default)]
    strict: Option<bool>,
}

/// A port: `8080`, `"8080/UDP"` or a port name, as the core parses it (`--port`).
struct Port(String);

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Port;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a port number or a string such as `\"8080/UDP\"` or `\"http\"`")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Port, E> {
                Ok(Port(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Port, E> {
                Ok(Port(v.to_string()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Port, E> {
                Ok(Port(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One file of `checkFiles` / `pssFiles` / `netpolFiles`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a `{name, content}` object")]
struct JsFile {
    name: String,
    content: Content,
    #[serde(default)]
    kind: Option<SourceKind>,
}

/// A file's content: text, or UTF-8 bytes (decoded as the command line decodes files).
enum Content {
    Text(String),
    Bytes(Vec<u8>),
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Content;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a Uint8Array")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Content, E> {
                Ok(Content::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Content, E> {
                Ok(Content::Text(v))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Content, E> {
                Ok(Content::Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Content, E> {
                Ok(Content::Bytes(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsFile {
    fn source(self) -> SourceFile {
        let file = match self.content {
            Content::Text(t) => SourceFile::new(self.name, t),
            Content::Bytes(b) => SourceFile::from_utf8(self.name, b),
        };
        file.with_kind(self.kind)
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Logs the panic message before the trap (for better messages only: a panic still kills the
/// instance, so the core must not panic).
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| console_error(&format!("kubeharden panicked: {info}"))));
}

fn request_error(message: String) -> JsValue {
    to_js_error(&Error::Request(message))
}

/// A JS value as `T`, straight from the JS object (unknown keys refused at every depth);
/// `undefined` and `null` give `T::default()`. Errors are `RequestError`s about `what`.
fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    T::deserialize(strict::Strict(serde_wasm_bindgen::Deserializer::from(value)))
        .map_err(|e| request_error(format!("{what}: {e}")))
}

/// The options object of a function: `undefined`/`null` → the defaults.
fn options<T: DeserializeOwned + Default>(value: &JsValue) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(request_error(format!("options must be an object, not {}", type_of(value))));
    }
    from_js(value.clone(), "options")
}

/// `options.config`: a `.kubeharden.yaml` object, or its YAML text (errors then carry its line);
/// `undefined`/`null`: the defaults. Every error is a `ConfigError`.
fn config(options: &JsValue) -> Result<Config, JsValue> {
    let value = if options.is_object() {
        js_sys::Reflect::get(options, &JsValue::from_str("config")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    if value.is_undefined() || value.is_null() {
        return Ok(Config::default());
    }
    if let Some(text) = value.as_string() {
        return Config::from_yaml(&text, Some(CONFIG_FILENAME)).map_err(|e| to_js_error(&e.into()));
    }
    if !value.is_object() || js_sys::Array::is_array(&value) {
        let message = "`config` must be an object or the text of a `.kubeharden.yaml`";
        return Err(to_js_error(&Error::Config(ConfigError::new(message))));
    }
    Config::deserialize(strict::Strict(serde_wasm_bindgen::Deserializer::from(value)))
        .map_err(|e| to_js_error(&Error::Config(ConfigError::new(e.to_string()))))
}

/// The one text of `checkManifest`, `pss`, `netpol`: a string or UTF-8 bytes.
fn text_file(text: &JsValue, filename: Option<String>, kind: Option<SourceKind>) -> Result<SourceFile, JsValue> {
    let name = filename.unwrap_or_else(|| DEFAULT_FILENAME.to_owned());
    let file = if let Some(t) = text.as_string() {
        SourceFile::new(name, t)
    } else if let Some(bytes) = text.dyn_ref::<js_sys::Uint8Array>() {
        SourceFile::from_utf8(name, bytes.to_vec())
    } else {
        return Err(request_error(format!(
            "the manifest text must be a string or a Uint8Array, not {}",
            type_of(text)
        )));
    };
    Ok(file.with_kind(kind))
}

/// The files of `checkFiles`, `pssFiles`, `netpolFiles`: `{name, content, kind?}` objects.
fn files(files: JsValue) -> Result<Vec<SourceFile>, JsValue> {
    if !js_sys::Array::is_array(&files) {
        return Err(request_error("files must be an array of `{name, content}` objects".to_owned()));
    }
    let files: Vec<JsFile> = from_js(files, "files")?;
    Ok(files.into_iter().map(JsFile::source).collect())
}

/// `typeof`, for messages (`null` and arrays named as such).
fn type_of(v: &JsValue) -> String {
    if v.is_null() {
        "null".to_owned()
    } else if js_sys::Array::is_array(v) {
        "an array".to_owned()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// Texts given one by one must each hold something to check; `strict` (default `true`, as in
/// Python) throws the first input error.
fn policy(strict: Option<bool>) -> InputPolicy {
    InputPolicy { strict: strict.unwrap_or(true), require_content: true }
}

/// "Now" when the caller gives none: the clock, as the command line and Python read it.
fn now_or_clock(now: Option<String>) -> String {
    now.unwrap_or_else(|| js_sys::Date::new_0().to_iso_string().into())
}

/// Checks one text: YAML (several documents allowed), JSON or a Dockerfile, as a string or UTF-8
/// bytes. Throws for a bad configuration or request, and (unless `strict: false`) for the first
/// input error, a document that is no Kubernetes object included.
///
/// # Errors
/// A JS `Error` (see the crate docs).
#[wasm_bindgen(js_name = "checkManifest")]
pub fn check_manifest(text: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let o: CheckOptions = self::options(&options)?;
    let config = config(&options)?;
    let file = text_file(&text, o.filename, o.kind)?;
    run(vec![file], config, o.now, o.strict)
}

/// Checks several files together (cross-resource rules see all of them).
///
/// # Errors
/// A JS `Error` (see the crate docs).
#[wasm_bindgen(js_name = "checkFiles")]
pub fn check_files(files: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let files = self::files(files)?;
    let o: CheckFilesOptions = self::options(&options)?;
    let config = config(&options)?;
    run(files, config, o.now, o.strict)
}

fn run(files: Vec<SourceFile>, config: Config, now: Option<String>, strict: Option<bool>) -> Result<JsValue, JsValue> {
    let req =
        CheckRequest { files, config, now: Some(now_or_clock(now)), inputs: policy(strict), ..Default::default() };
    let report = kubeharden::check(&req).map_err(|e| to_js_error(&e))?;
    to_js(&report)
}

/// Fixes one text as `kubeharden fix` fixes a file: the safe fixes (with `unsafe: true` the
/// unsafe ones too) as edits of the text, everything else byte for byte; checked again until
/// nothing changes. Returns `{text, applied, remaining}`. Throws for a bad configuration or
/// request and for an input that cannot be read.
///
/// # Errors
/// A JS `Error` (see the crate docs).
#[wasm_bindgen(js_name = "fix")]
pub fn fix(text: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let o: FixOptions = self::options(&options)?;
    let config = config(&options)?;
    let file = text_file(&text, o.filename, o.kind)?;
    let req = CheckRequest {
        files: vec![file],
        config,
        now: Some(now_or_clock(o.now)),
        inputs: policy(Some(true)),
        ..Default::default()
    };
    let outcome = kubeharden::fix::fix_files(&req, o.unsafe_fixes).map_err(|e| to_js_error(&e))?;
    let text = outcome.files.first().map(|f| f.fixed.clone()).unwrap_or_default();
    let applied = outcome.fixed().into_iter().cloned().collect();
    to_js(&FixResult { text, applied, remaining: outcome.report })
}

/// Every rule: id, name, default severity, title, references, peers and Markdown docs.
///
/// # Errors
/// A JS `Error` if the list cannot be converted.
#[wasm_bindgen]
pub fn rules() -> Result<JsValue, JsValue> {
    let infos: Vec<kubeharden::RuleInfo> = RULES.iter().map(|r| r.meta().info()).collect();
    to_js(&infos)
}

/// The version of the kubeharden core.
#[wasm_bindgen]
#[must_use]
pub fn version() -> String {
    Tool::default().version
}

/// What the front door reads a file as, `"yaml"` or `"dockerfile"`: the `kind` given, else by
/// name, else by content (a text starting with `FROM`, `ARG` or `# syntax=` is a Dockerfile).
/// For the page, which shows it.
///
/// # Errors
/// A JS `Error` (`RequestError`) when `file` is not a `{name, content, kind?}` object.
#[wasm_bindgen(js_name = "fileKind")]
pub fn file_kind(file: JsValue) -> Result<String, JsValue> {
    let file: JsFile = from_js(file, "file")?;
    Ok(kubeharden::source::classify(&file.source()).as_str().to_owned())
}

/// What a file holds, as the front door reads it: `"manifest"` (Kubernetes objects),
/// `"dockerfile"`, `"image"` (image metadata: `docker inspect`, `skopeo inspect`, an OCI config),
/// `"trivy"` (a Trivy report), `"other"` (a file often given as an input that is none: a
/// kustomization, a values file, a report kubeharden wrote), `"unreadable"` (a syntax error, or
/// no document that is a Kubernetes object) or `"empty"`. For the page, which labels each tab with it.
///
/// # Errors
/// A JS `Error` (`RequestError`) when `file` is not a `{name, content, kind?}` object.
#[wasm_bindgen(js_name = "fileContents")]
pub fn file_contents(file: JsValue) -> Result<String, JsValue> {
    let file: JsFile = from_js(file, "file")?;
    let s = kubeharden::source::parse(&file.source(), &kubeharden::ParseOptions::default());
    let what = if s.dockerfile.is_some() {
        "dockerfile"
    } else if s.trivy.is_some() {
        "trivy"
    } else if !s.images.is_empty() {
        "image"
    } else if s.not_input.is_some() {
        "other"
    } else if s.documents.is_empty() && s.errors.is_empty() {
        "empty"
    } else if s.errors.is_empty() && s.documents.iter().any(|d| d.root.get("kind").is_some()) {
        "manifest"
    } else {
        // a syntax error, or documents of which none is a Kubernetes object
        "unreadable"
    };
    Ok(what.to_owned())
}

/// Pod Security Standards: whether Pod Security Admission would admit each pod-bearing object of
/// one text, at `level` (`baseline`, `restricted` — the default — or `privileged`) and `version`
/// (`latest`, the default, or `v1.<minor>`), with the violations in Kubernetes' wording.
///
/// # Errors
/// A JS `Error`: `RequestError` for a bad level, version or argument; `ParseError` for an input
/// error unless `strict: false`.
#[wasm_bindgen(js_name = "pss")]
pub fn pss(text: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let o: PssOptions = self::options(&options)?;
    let file = text_file(&text, o.filename.clone(), None)?;
    run_pss(vec![file], o)
}

/// Pod Security Standards over several files, as [`pss`].
///
/// # Errors
/// A JS `Error` (see [`pss`]).
#[wasm_bindgen(js_name = "pssFiles")]
pub fn pss_files(files: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let files = self::files(files)?;
    let o: PssOptions = self::options(&options)?;
    if o.filename.is_some() {
        return Err(request_error("options: `filename` is for `pss`; each file of `pssFiles` has its name".to_owned()));
    }
    run_pss(files, o)
}

fn run_pss(files: Vec<SourceFile>, o: PssOptions) -> Result<JsValue, JsValue> {
    let req = PssRequest {
        files,
        level: o.level.unwrap_or_else(|| DEFAULT_LEVEL.to_owned()),
        version: o.version.unwrap_or_else(|| DEFAULT_VERSION.to_owned()),
        inputs: policy(o.strict),
    };
    let report = kubeharden::check_pss(&req).map_err(|e| to_js_error(&e))?;
    to_js(&report)
}

/// The Pod Security Standards versions the core knows, newest first: `latest`, `v1.<newest>`, …,
/// `v1.0`.
#[wasm_bindgen(js_name = "pssVersions")]
#[must_use]
pub fn pss_versions() -> Vec<String> {
    std::iter::once("latest".to_owned()).chain((0..=LATEST_MINOR).rev().map(|m| format!("v1.{m}"))).collect()
}

/// NetworkPolicy reachability, offline: which workloads of one text may reach which. `from` and
/// `to` name workloads (`name`, `namespace/name`, `Kind/namespace/name` or `external`): both give
/// one pair, one a row or a column, neither the matrix; `port` (`8080`, `"8080/UDP"`, a port
/// name) asks about one port.
///
/// # Errors
/// A JS `Error`: `RequestError` for an unknown workload, a bad port or argument; `ParseError` for
/// an input error unless `strict: false`.
#[wasm_bindgen(js_name = "netpol")]
pub fn netpol(text: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let o: NetpolOptions = self::options(&options)?;
    let file = text_file(&text, o.filename.clone(), None)?;
    run_netpol(vec![file], o)
}

/// NetworkPolicy reachability over several files, as [`netpol`].
///
/// # Errors
/// A JS `Error` (see [`netpol`]).
#[wasm_bindgen(js_name = "netpolFiles")]
pub fn netpol_files(files: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let files = self::files(files)?;
    let o: NetpolOptions = self::options(&options)?;
    if o.filename.is_some() {
        return Err(request_error(
            "options: `filename` is for `netpol`; each file of `netpolFiles` has its name".to_owned(),
        ));
    }
    run_netpol(files, o)
}

fn run_netpol(files: Vec<SourceFile>, o: NetpolOptions) -> Result<JsValue, JsValue> {
    let req = NetpolRequest { files, from: o.from, to: o.to, port: o.port.map(|p| p.0), inputs: policy(o.strict) };
    let report = kubeharden::check_netpol(&req).map_err(|e| to_js_error(&e))?;
    to_js(&report)
}

/// A report (as returned by `checkManifest` / `checkFiles`) as a SARIF 2.1.0 log (JSON text).
///
/// # Errors
/// A JS `Error` (`RequestError`) when `report` is not a report object.
#[wasm_bindgen(js_name = "toSarif")]
pub fn to_sarif(report: JsValue) -> Result<String, JsValue> {
    if !report.is_object() || js_sys::Array::is_array(&report) {
        return Err(request_error("report: expected a report object".to_owned()));
    }
    // A report is read as serde-wasm-bindgen reads it (known fields only): the contract allows
    // fields to be added, so a report of a newer version is still one.
    let report: Report = serde_wasm_bindgen::from_value(report).map_err(|e| request_error(format!("report: {e}")))?;
    Ok(kubeharden::report::sarif::render(&report))
}

/// A value of the core as plain JS data (objects, arrays, `null` for `None`): its serde JSON text,
/// read by the engine's `JSON.parse` — no intermediate Rust value. Every result leaves this way.
/// serde-wasm-bindgen's serializer builds the same objects with a call into JS per field and per
/// string, which measured slower on the page's 1 MB example (5 287 findings: best 70–88 ms
/// against 55–70) and much slower on the dense one (27 522: 191–276 ms against 114–160):
/// bindings-wasm/README.md, "Budgets".
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| request_error(format!("cannot convert the result: {e}")))?;
    js_sys::JSON::parse(&json)
}

/// The one mapping of core errors to JS: an `Error` with `name`, `message` and the location.
fn to_js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let (name, file, document, line, column) = match e {
        Error::Config(c) => ("ConfigError", c.file(), None, c.line(), c.column()),
        Error::Input(p) => ("ParseError", Some(p.file.as_str()), p.document, p.line, p.column),
        _ => ("RequestError", None, None, None, None),
    };
    err.set_name(name);
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh `Error` cannot fail; nothing to do if it did.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(key), &value);
    };
    set("file", file.map_or(JsValue::NULL, JsValue::from_str));
    set("document", document.map_or(JsValue::NULL, |d| JsValue::from_f64(d as f64)));
    set("line", line.map_or(JsValue::NULL, JsValue::from));
    set("column", column.map_or(JsValue::NULL, JsValue::from));
    err.into()
}
