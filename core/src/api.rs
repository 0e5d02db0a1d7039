//! The JSON contract (version 1): request and report types shared by the CLI, the Python and the
//! WASM bindings. Documented in the README; keep it stable.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::ObjectRef;

/// Version of the JSON report format.
pub const REPORT_VERSION: u32 = 1;

/// How serious a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// The lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity `{s}` (expected critical, high, medium, low or info)"))
    }
}

/// One input file: a name (used in findings) and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    /// Name or path, as it should appear in findings (`-` or `<stdin>` for standard input).
    pub name: String,
    /// The file's text.
    pub content: String,
}

impl SourceFile {
    /// A source file from a name and its text.
    #[must_use]
    pub fn new(name: impl Into<String>, content: impl Into<String>) -> Self {
        SourceFile { name: name.into(), content: content.into() }
    }
}

/// What to check: files, configuration, and "now" (for image-age rules; never read from a clock
/// inside the library).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The input files.
    pub files: Vec<SourceFile>,
    /// Rule selection, severities, options.
    #[serde(default)]
    pub config: Config,
    /// The current time, RFC 3339 (`2026-11-22T00:00:00Z`), for rules that compare dates.
    #[serde(default)]
    pub now: Option<String>,
    /// Image metadata files that name no image (`skopeo inspect --config`), by reference:
    /// `{"registry.example.com/app:1.0": "app-config.json"}` (`--image REF=FILE` on the CLI).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_files: BTreeMap<String, String>,
}

/// A finding: one rule violated at one place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id (`POD001`).
    pub rule: String,
    /// Rule name (`privileged-container`).
    pub name: String,
    /// Severity (after configuration).
    pub severity: Severity,
    /// One sentence, lowercase, no final period, user values in backticks.
    pub message: String,
    /// File name as given in the request, if the finding has a source file.
    pub file: Option<String>,
    /// 0-based document index in the file.
    pub document: Option<usize>,
    /// 1-based line of the field (or of its nearest existing ancestor).
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// The object the finding is about.
    pub object: Option<ObjectRef>,
    /// The container, when the finding concerns one.
    pub container: Option<String>,
    /// Field path from the document root.
    pub path: Option<String>,
    /// Stable across runs and line moves: rule + object identity + container + path.
    pub fingerprint: String,
    /// The Helm template the document came from (`# Source:` comment), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// An input that could not be read: a syntax error, a document that cannot be a Kubernetes
/// object, a file of an unknown kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// File name.
    pub file: String,
    /// 0-based document index, when known.
    pub document: Option<usize>,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl InputError {
    /// An error about a whole file (no document or position).
    #[must_use]
    pub fn in_file(file: &str, message: String) -> Self {
        InputError { file: file.to_owned(), document: None, line: None, column: None, message }
    }
}

/// The tool that wrote a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// `kubeharden`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool { name: "kubeharden".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() }
    }
}

/// Counts for a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Documents read.
    pub documents: usize,
    /// Kubernetes objects checked.
    pub objects: usize,
    /// Findings per severity (every severity present, zeros included).
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings in total.
    pub findings: usize,
    /// Input errors.
    pub errors: usize,
    /// Findings suppressed by annotations or comments.
    pub suppressed: usize,
}

/// The result of a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Format version ([`REPORT_VERSION`]).
    pub version: u32,
    /// The tool.
    pub tool: Tool,
    /// Findings, sorted by file, document, line, column, rule.
    pub findings: Vec<Finding>,
    /// Input errors, in input order.
    pub errors: Vec<InputError>,
    /// How many findings suppressions removed.
    pub suppressed: usize,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    /// The highest severity of any finding.
    #[must_use]
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Whether any finding is at or above `threshold`.
    #[must_use]
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }

    /// The report as JSON (the version-1 contract).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A rule as listed by `kubeharden rules --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Default severity.
    pub severity: Severity,
    /// One-line title.
    pub title: String,
    /// Whether the rule runs without being enabled.
    pub enabled_by_default: bool,
    /// References (PSS control, CIS benchmark, ...).
    pub references: Vec<String>,
    /// The same check in other tools, `tool:ID`.
    pub peers: Vec<String>,
    /// The rule's documentation (Markdown).
    pub docs: String,
}
