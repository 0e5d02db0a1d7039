//! kubeharden compiled to WebAssembly. One conversion layer and no rule logic: JS values are
//! deserialized into the core's request types, `kubeharden::check` runs, and the report (the JSON
//! contract v1 of `kubeharden::api`) is serialized back as plain JS objects. Errors become real
//! JS `Error` objects (`name` = `ConfigError` / `ParseError` / `RequestError`, `message`, and
//! `file`, `document`, `line`, `column` when known). Types: `index.d.ts`.
//!
//! Also: `pss` / `pssFiles` (`kubeharden::check_pss`, Pod Security Standards as Pod Security
//! Admission evaluates them), `pssVersions` (the versions the core knows), and `toSarif`
//! (`kubeharden::report::sarif::render` of a report returned by `checkManifest`).

use kubeharden::pss::{PssRequest, LATEST_MINOR};
use kubeharden::{api::Tool, CheckRequest, Config, ConfigError, Error, SourceFile, RULES};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The name a text gets in findings when the caller gives none.
const DEFAULT_FILENAME: &str = "<input>";

/// The configuration file name used in the locations of errors of a YAML `config` text.
const CONFIG_FILENAME: &str = ".kubeharden.yaml";

/// Options of `checkManifest`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object")]
struct ManifestOptions {
    #[serde(default)]
    filename: Option<String>,
    /// A `.kubeharden.yaml` object, or its YAML text.
    #[serde(default)]
    config: serde_json::Value,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    strict: bool,
}

/// Options of `checkFiles`: those of `checkManifest` without `filename`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an options object")]
struct FilesOptions {
    #[serde(default)]
    config: serde_json::Value,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    strict: bool,
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

/// Checks one manifest text (YAML, multi-document, or JSON). Throws for a bad configuration or
/// request (a `text` that is not a string included), and with `strict: true` for the first
/// input error.
///
/// # Errors
/// A JS `Error` (see the crate docs).
#[wasm_bindgen(js_name = "checkManifest")]
pub fn check_manifest(text: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    // Taken as a JsValue: wasm-bindgen's string conversion of a non-string traps the instance.
    let Some(text) = text.as_string() else {
        return Err(to_js_error(&Error::Request("the manifest text must be a string".to_owned())));
    };
    let o: ManifestOptions = from_js(options).map_err(|e| to_js_error(&Error::Request(format!("options: {e}"))))?;
    let name = o.filename.unwrap_or_else(|| DEFAULT_FILENAME.to_owned());
    run(vec![SourceFile::new(name, text)], o.config, o.now, o.strict)
}

/// Checks several files together (cross-resource rules see all of them).
///
/// # Errors
/// A JS `Error` (see the crate docs).
#[wasm_bindgen(js_name = "checkFiles")]
pub fn check_files(files: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    if !js_sys::Array::is_array(&files) {
        return Err(to_js_error(&Error::Request("files must be an array of `{name, content}` objects".to_owned())));
    }
    let files: Vec<SourceFile> = from_js(files).map_err(|e| to_js_error(&Error::Request(format!("files: {e}"))))?;
    let o: FilesOptions = from_js(options).map_err(|e| to_js_error(&Error::Request(format!("options: {e}"))))?;
    run(files, o.config, o.now, o.strict)
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

/// Pod Security Standards: whether Pod Security Admission would admit each pod-bearing object of
/// one manifest text at `level` (`baseline`, `restricted`, `privileged`) and `version` (`latest`
/// or `v1.<minor>`), with the violations in Kubernetes' wording. The text is named `<input>`.
///
/// # Errors
/// A JS `Error` (`RequestError` for a bad level or version, or non-string arguments).
#[wasm_bindgen(js_name = "pss")]
pub fn pss(text: JsValue, level: JsValue, version: JsValue) -> Result<JsValue, JsValue> {
    let Some(text) = text.as_string() else {
        return Err(to_js_error(&Error::Request("the manifest text must be a string".to_owned())));
    };
    run_pss(vec![SourceFile::new(DEFAULT_FILENAME, text)], &level, &version)
}

/// Pod Security Standards over several files (`{name, content}` objects), as [`pss`].
///
/// # Errors
/// A JS `Error` (see [`pss`]).
#[wasm_bindgen(js_name = "pssFiles")]
pub fn pss_files(files: JsValue, level: JsValue, version: JsValue) -> Result<JsValue, JsValue> {
    if !js_sys::Array::is_array(&files) {
        return Err(to_js_error(&Error::Request("files must be an array of `{name, content}` objects".to_owned())));
    }
    let files: Vec<SourceFile> = from_js(files).map_err(|e| to_js_error(&Error::Request(format!("files: {e}"))))?;
    run_pss(files, &level, &version)
}

/// The Pod Security Standards versions the core knows, newest first: `latest`, `v1.<newest>`, …,
/// `v1.0`.
#[wasm_bindgen(js_name = "pssVersions")]
#[must_use]
pub fn pss_versions() -> Vec<String> {
    std::iter::once("latest".to_owned()).chain((0..=LATEST_MINOR).rev().map(|m| format!("v1.{m}"))).collect()
}

/// A report (as returned by `checkManifest` / `checkFiles`) as a SARIF 2.1.0 log (JSON text).
///
/// # Errors
/// A JS `Error` (`RequestError`) when `report` is not a report object.
#[wasm_bindgen(js_name = "toSarif")]
pub fn to_sarif(report: JsValue) -> Result<String, JsValue> {
    let bad = |e: String| to_js_error(&Error::Request(format!("report: {e}")));
    if !report.is_object() {
        return Err(bad("expected a report object".to_owned()));
    }
    let json: serde_json::Value = serde_wasm_bindgen::from_value(report).map_err(|e| bad(e.to_string()))?;
    let report: kubeharden::Report = serde_json::from_value(json).map_err(|e| bad(e.to_string()))?;
    Ok(kubeharden::report::sarif::render(&report))
}

fn run_pss(files: Vec<SourceFile>, level: &JsValue, version: &JsValue) -> Result<JsValue, JsValue> {
    let (Some(level), Some(version)) = (level.as_string(), version.as_string()) else {
        return Err(to_js_error(&Error::Request("the level and the version must be strings".to_owned())));
    };
    let report = kubeharden::check_pss(&PssRequest { files, level, version, ..PssRequest::default() })
        .map_err(|e| to_js_error(&e))?;
    to_js(&report)
}

fn run(
    files: Vec<SourceFile>,
    config: serde_json::Value,
    now: Option<String>,
    strict: bool,
) -> Result<JsValue, JsValue> {
    let config = config_from_js(config).map_err(|e| to_js_error(&e))?;
    let report = kubeharden::check(&CheckRequest { files, config, now, ..CheckRequest::default() })
        .map_err(|e| to_js_error(&e))?;
    if strict {
        if let Some(first) = report.errors.first() {
            return Err(to_js_error(&Error::Input(first.clone())));
        }
    }
    to_js(&report)
}

fn config_from_js(value: serde_json::Value) -> Result<Config, Error> {
    match value {
        serde_json::Value::Null => Ok(Config::default()),
        serde_json::Value::String(text) => Ok(Config::from_yaml(&text, Some(CONFIG_FILENAME))?),
        v @ serde_json::Value::Object(_) => {
            serde_json::from_value(v).map_err(|e| Error::Config(ConfigError::new(e.to_string())))
        }
        _ => Err(Error::Config(ConfigError::new("`config` must be an object or the text of a `.kubeharden.yaml`"))),
    }
}

/// A JS value as `T`. Through `serde_json::Value` because serde-wasm-bindgen reads only the known
/// keys of an object, so `deny_unknown_fields` would not see a misspelt option.
fn from_js<T: DeserializeOwned + Default>(value: JsValue) -> Result<T, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let json: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())?;
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// A value as plain JS data, through a JSON string and `JSON.parse`: for a report of thousands of
/// findings this measured faster than building the objects with serde-wasm-bindgen's
/// serializer, and the result is JSON by construction (the contract's shape, nulls included).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value)
        .map_err(|e| to_js_error(&Error::Request(format!("cannot convert the result: {e}"))))?;
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
