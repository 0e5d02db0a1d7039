//! SARIF 2.1.0 (the OASIS standard GitHub code scanning, GitLab and Azure DevOps read).
//!
//! `tool.driver.rules` lists every registered rule (ids sorted, so `ruleIndex` is stable across runs)
//! with its docs as help text, its documentation as `helpUri` and `properties.security-severity` on
//! GitHub's scale; each result has a physical location (file, `startLine`, `startColumn`, and
//! `endLine`/`endColumn` where the field ends), a logical location (the object and the
//! field path), `partialFingerprints` (the finding's fingerprint) and, when the finding carries a
//! fix, `fixes` (one artifact change of its file, each edit a replacement; the applicability,
//! safe or unsafe, in the fix's properties). Input errors become
//! `toolExecutionNotifications` of the one invocation. `core/tests/reports.rs` validates the output
//! against the official JSON schema.

use serde_json::{json, Map, Value};

use crate::api::{Finding, InputError, Report, Severity};
use crate::rules::registry::RULES;
use crate::rules::RuleMeta;

/// The `$schema` of the log.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the finding fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "kubeharden/v1";

/// The SARIF level of a severity: critical and high are errors, medium a warning, low and info notes.
#[must_use]
pub const fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score of a severity (over 9.0 critical, 7.0–8.9 high, 4.0–6.9
/// medium, below 4.0 low).
#[must_use]
pub const fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// A file name as a relative URI reference: forward slashes, no leading `./`, and every byte
/// outside the unreserved set and `/` percent-encoded (`<stdin>` becomes `%3Cstdin%3E`).
#[must_use]
pub fn file_uri(name: &str) -> String {
    let slashed = name.replace('\\', "/");
    let mut rest = slashed.as_str();
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    let mut out = String::with_capacity(rest.len());
    for b in rest.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `Deployment/prod/web` (kind, namespace if any, name).
#[must_use]
pub fn object_name(f: &Finding) -> Option<String> {
    let o = f.object.as_ref()?;
    let mut s = o.kind.clone();
    if let Some(ns) = &o.namespace {
        s.push('/');
        s.push_str(ns);
    }
    s.push('/');
    s.push_str(o.name.as_deref().unwrap_or("<unnamed>"));
    Some(s)
}

fn rule_descriptor(m: &RuleMeta) -> Value {
    let md = m.docs_markdown();
    let mut text = md.trim().to_owned();
    if !m.references.is_empty() {
        text.push_str("\n\n## References\n");
        for r in m.references {
            text.push_str(&format!("- {r}\n"));
        }
    }
    let what = crate::report::tickets::docs_section(m, "What it does").unwrap_or_else(|| m.title.to_owned());
    json!({
        "id": m.id.0,
        "name": m.name,
        "shortDescription": { "text": m.title },
        "fullDescription": { "text": what },
        "help": { "text": text, "markdown": text },
        "helpUri": m.url(),
        "defaultConfiguration": { "level": level(m.severity), "enabled": m.enabled_by_default },
        "properties": {
            "security-severity": security_severity(m.severity),
            "precision": "very-high",
            "problem.severity": level(m.severity),
            "tags": ["security", "kubernetes", m.severity.as_str()],
        },
    })
}

/// A region: where it starts, and where it ends when known (`endColumn` is exclusive, as the
/// finding's `end_column`; without one the region runs to the end of `endLine`).
#[derive(Clone, Copy, Default)]
struct Region {
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
}

fn physical(file: &str, r: Region) -> Value {
    let mut loc = Map::new();
    loc.insert("artifactLocation".to_owned(), json!({ "uri": file_uri(file) }));
    if let Some(l) = r.line.filter(|&l| l >= 1) {
        let mut region = Map::new();
        region.insert("startLine".to_owned(), json!(l));
        let start_column = r.column.filter(|&c| c >= 1);
        if let Some(c) = start_column {
            region.insert("startColumn".to_owned(), json!(c));
        }
        if let Some(el) = r.end_line.filter(|&el| el >= l) {
            region.insert("endLine".to_owned(), json!(el));
            // an end column only with a start column, and after it on a one-line region
            if let (Some(c), Some(ec)) = (start_column, r.end_column) {
                if el > l || ec > c {
                    region.insert("endColumn".to_owned(), json!(ec));
                }
            }
        }
        loc.insert("region".to_owned(), Value::Object(region));
    }
    Value::Object(loc)
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".to_owned(), json!(f.rule));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".to_owned(), json!(i));
    }
    r.insert("level".to_owned(), json!(level(f.severity)));
    r.insert("message".to_owned(), json!({ "text": f.message }));
    let mut location = Map::new();
    if let Some(file) = &f.file {
        let region = Region { line: f.line, column: f.column, end_line: f.end_line, end_column: f.end_column };
        location.insert("physicalLocation".to_owned(), physical(file, region));
    }
    let object = object_name(f);
    if object.is_some() || f.path.is_some() {
        let fqn = match (&object, &f.path) {
            (Some(o), Some(p)) => format!("{o}/{p}"),
            (Some(o), None) => o.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        };
        let name = f
            .path
            .as_deref()
            .and_then(|p| p.rsplit('.').next())
            .map(str::to_owned)
            .or_else(|| f.object.as_ref().and_then(|o| o.name.clone()));
        let mut logical = Map::new();
        if let Some(n) = name {
            logical.insert("name".to_owned(), json!(n));
        }
        logical.insert("fullyQualifiedName".to_owned(), json!(fqn));
        logical.insert("kind".to_owned(), json!(if f.path.is_some() { "property" } else { "resource" }));
        location.insert("logicalLocations".to_owned(), json!([Value::Object(logical)]));
    }
    if !location.is_empty() {
        r.insert("locations".to_owned(), json!([Value::Object(location)]));
    }
    r.insert("partialFingerprints".to_owned(), json!({ FINGERPRINT_KEY: f.fingerprint }));
    if let (Some(fix), Some(file)) = (f.fix.as_ref().filter(|x| !x.edits.is_empty()), &f.file) {
        r.insert("fixes".to_owned(), json!([fix_object(fix, file)]));
    }
    let mut props = Map::new();
    props.insert("severity".to_owned(), json!(f.severity.as_str()));
    props.insert("rule-name".to_owned(), json!(f.name));
    if let Some(c) = &f.container {
        props.insert("container".to_owned(), json!(c));
    }
    if let Some(t) = &f.template {
        props.insert("helm-template".to_owned(), json!(t));
    }
    r.insert("properties".to_owned(), Value::Object(props));
    Value::Object(r)
}

/// A finding's fix as a SARIF `fix`: one artifact change of the finding's file, each edit a
/// replacement (an insertion deletes an empty region); the applicability in its properties.
fn fix_object(fix: &crate::api::Fix, file: &str) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.line,
                    "startColumn": e.column,
                    "endLine": e.end_line,
                    "endColumn": e.end_column,
                },
                "insertedContent": { "text": e.content },
            })
        })
        .collect();
    json!({
        "description": { "text": fix.message },
        "artifactChanges": [{ "artifactLocation": { "uri": file_uri(file) }, "replacements": replacements }],
        "properties": { "applicability": fix.applicability },
    })
}

fn notification(e: &InputError) -> Value {
    json!({
        "level": "error",
        "message": { "text": e.message },
        "locations": [{ "physicalLocation": physical(&e.file, Region { line: e.line, column: e.column, ..Region::default() }) }],
    })
}

/// The report as a SARIF 2.1.0 log (pretty-printed JSON).
#[must_use]
pub fn render(report: &Report) -> String {
    let metas: Vec<&'static RuleMeta> = RULES.iter().map(|r| r.meta()).collect();
    let rules: Vec<Value> = metas.iter().map(|m| rule_descriptor(m)).collect();
    let results: Vec<Value> =
        report.findings.iter().map(|f| result(f, metas.iter().position(|m| m.id.0 == f.rule))).collect();
    let notifications: Vec<Value> = report.errors.iter().map(notification).collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}
