//! The JSON contract (version 1): request and report types shared by the CLI, the Python and the
//! WASM bindings. Documented in the README; keep it stable.

use std::borrow::Cow;
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

/// What a file is read as: YAML/JSON documents, or a Dockerfile. Without one, the front door
/// decides by name, then by content ([`crate::source::classify`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// YAML or JSON documents: Kubernetes manifests, image metadata, Trivy reports (`"yaml"`).
    #[serde(rename = "yaml")]
    Documents,
    /// A Dockerfile or Containerfile (`"dockerfile"`).
    #[serde(rename = "dockerfile")]
    Dockerfile,
}

impl SourceKind {
    /// The name in requests and options: `yaml` or `dockerfile`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SourceKind::Documents => "yaml",
            SourceKind::Dockerfile => "dockerfile",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SourceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "yaml" => Ok(SourceKind::Documents),
            "dockerfile" => Ok(SourceKind::Dockerfile),
            _ => Err(format!("unknown kind `{s}` (expected `yaml` or `dockerfile`)")),
        }
    }
}

/// One input file: a name (used in findings), its text and, optionally, what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    /// Name or path, as it should appear in findings (`-` or `<stdin>` for standard input).
    pub name: String,
    /// The file's text.
    pub content: String,
    /// What the file is; `None`: by its name, then by its content ([`crate::source::classify`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SourceKind>,
    /// Why the file could not be read (bytes that are not UTF-8): the front door reports it as an
    /// input error. Never in JSON, whose strings are text.
    #[serde(skip)]
    unreadable: Option<String>,
}

impl SourceFile {
    /// A source file from a name and its text.
    #[must_use]
    pub fn new(name: impl Into<String>, content: impl Into<String>) -> Self {
        SourceFile { name: name.into(), content: content.into(), kind: None, unreadable: None }
    }

    /// A source file from a name and its bytes, decoded as UTF-8 the way the command-line program
    /// reads files: bytes that are not UTF-8 make a file the front door reports as an input error
    /// (with the line and byte of the first bad one), never a lossy text.
    #[must_use]
    pub fn from_utf8(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => SourceFile::new(name, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let line = e.as_bytes().get(..at).map_or(0, |t| t.iter().filter(|&&b| b == b'\n').count()) + 1;
                SourceFile::failed(
                    name,
                    format!("not valid UTF-8 (line {line}, byte {at}): YAML and JSON manifests must be UTF-8"),
                )
            }
        }
    }

    /// A file that could not be read at all (an I/O error, a skipped path): the front door
    /// reports `message` as its input error.
    #[must_use]
    pub fn failed(name: impl Into<String>, message: impl Into<String>) -> Self {
        let mut file = SourceFile::new(name, String::new());
        file.unreadable = Some(message.into());
        file
    }

    /// The same file, read as `kind` (`None`: by name, then by content).
    #[must_use]
    pub fn with_kind(mut self, kind: Option<SourceKind>) -> Self {
        self.kind = kind;
        self
    }

    /// Why the file could not be read, if it could not ([`SourceFile::from_utf8`]).
    #[must_use]
    pub fn unreadable(&self) -> Option<&str> {
        self.unreadable.as_deref()
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
    /// How the inputs are held to account (`{"strict": true, "require_content": true}`).
    #[serde(default)]
    pub inputs: InputPolicy,
}

/// How a request treats its inputs; shared by every request (`check`, `check_pss`, `netpol`).
/// The defaults are the command line's, which reads whole directories; the Python and WASM
/// bindings, given texts one by one, set both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputPolicy {
    /// Fail with the first input error ([`crate::Error::Input`]) instead of reporting it.
    #[serde(default)]
    pub strict: bool,
    /// Every document must be something the command reads (a Kubernetes object, or for `scan`
    /// also image metadata or a Trivy report; a Dockerfile counts for `scan` only): a document
    /// that is none of these (`hello`, a mapping without `kind`) is an input error instead of
    /// being skipped, as a directory walk skips a chart's `values.yaml`.
    #[serde(default)]
    pub require_content: bool,
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
    /// 1-based line where the field ends: the end of its value (or of its nearest existing
    /// ancestor's, as `line` and `column` point at that), so an editor can underline the whole
    /// field. Absent when the input gives no end (image metadata, a report read back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// 1-based column just after the field's last character (exclusive, as SARIF's
    /// `endColumn`), on `end_line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
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
    /// What to do about it: the rule's one-sentence help ([`crate::rules::RuleMeta::help`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Cow<'static, str>>,
    /// The rule's documentation ([`crate::rules::RuleMeta::url`], SARIF's `helpUri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Cow<'static, str>>,
    /// The change that resolves the finding, as text edits of the input (`kubeharden fix`
    /// applies it), when the rule offers one here.
    #[serde(default, skip_serializing_if = "Fix::unresolved")]
    pub fix: Option<Fix>,
}

/// Whether applying a fix may change what a workload that works today does (ruff's
/// applicability): `kubeharden fix` applies safe fixes, `--unsafe-fixes` the others too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change the behaviour of a workload that works today (`drop: ["all"]` → `["ALL"]`).
    Safe,
    /// Valid, but may change behaviour or invents a value (`runAsNonRoot: true`, a memory limit).
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A finding's fix: how sure it is, what it does, and the edits of the finding's file that make
/// it, applied all or nothing. Two fixes are equal when what they show is (the plan they were
/// made from is not compared: a fix read back from JSON has none).
#[derive(Clone, Debug, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// What the fix does, one sentence, lowercase (`set `readOnlyRootFilesystem: true``).
    pub message: String,
    /// The edits, sorted, not overlapping.
    pub edits: Vec<Edit>,
    /// What the rule asked for (field paths and values), turned into `edits` with the source
    /// text by [`crate::fix::resolve`]; never serialized.
    #[serde(skip)]
    pub(crate) plan: Option<std::sync::Arc<crate::fix::Plan>>,
}

impl PartialEq for Fix {
    fn eq(&self, other: &Self) -> bool {
        (self.applicability, &self.message, &self.edits) == (other.applicability, &other.message, &other.edits)
    }
}

impl Fix {
    /// Whether a finding has no fix to show: none, or one whose edits were never made
    /// ([`crate::fix::resolve`] not run): such a fix is never serialized.
    #[must_use]
    pub fn unresolved(fix: &Option<Fix>) -> bool {
        fix.as_ref().is_none_or(|f| f.edits.is_empty())
    }
}

/// One text edit: replace the text from (`line`, `column`) up to (`end_line`, `end_column`)
/// (exclusive) with `content`; an insertion when both ends are the same. Lines and columns are
/// 1-based, columns count characters, as the finding's own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    /// 1-based line where the replaced text starts.
    pub line: u32,
    /// 1-based column (characters) where it starts.
    pub column: u32,
    /// 1-based line where it ends.
    pub end_line: u32,
    /// 1-based column just after its last character.
    pub end_column: u32,
    /// The new text.
    pub content: String,
}

/// Whether a rule offers fixes (ruff's `FixAvailability`): shown by `kubeharden rules` and in
/// docs/rules.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    /// Every finding carries a fix (except in documents rendered by Helm and where the file's
    /// shape is one the edit builder does not handle: an alias, a merge key).
    Always,
    /// Some findings carry a fix.
    Sometimes,
    /// No finding carries a fix.
    Never,
}

impl FixAvailability {
    /// `always`, `sometimes` or `never`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Never => "never",
        }
    }
}

/// An input that could not be read: a syntax error, a document that cannot be a Kubernetes
/// object, a file of an unknown kind. Reported in [`Report::errors`] (and the other reports), or
/// raised as [`crate::Error::Input`] by strict requests: one type for both.
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

/// `file:line:column: document N: message`, as the text report prints it.
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::error::location_prefix(Some(&self.file), self.line, self.column))?;
        if let Some(d) = self.document {
            write!(f, "document {d}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for InputError {}

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
    /// Dockerfiles checked.
    #[serde(default)]
    pub dockerfiles: usize,
    /// Build stages of those Dockerfiles (`FROM` instructions).
    #[serde(default)]
    pub stages: usize,
    /// Image metadata checked (`docker inspect`, `skopeo inspect`, OCI configs, a Trivy report's
    /// image config).
    #[serde(default)]
    pub images: usize,
    /// Trivy reports checked.
    #[serde(default)]
    pub reports: usize,
    /// Findings per severity (every severity present, zeros included).
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings in total.
    pub findings: usize,
    /// Input errors.
    pub errors: usize,
    /// Findings suppressed by annotations or comments.
    pub suppressed: usize,
}

/// One cluster of a check: the files whose objects the cross-resource rules relate to each other
/// (NetworkPolicies, Namespaces, ServiceAccounts, RBAC). Each input is its own cluster unless the
/// configuration's `one-cluster` merges them; within one, objects without `metadata.namespace`
/// share a `default` namespace with those of their directory only (ARCHITECTURE.md, "Clusters").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// The input: a directory given on the command line, or the directory of files given there;
    /// `None` for a request's files (the Python and WASM functions given texts), or when
    /// `one-cluster` merges every input.
    pub input: Option<String>,
    /// How many files it has.
    pub files: usize,
    /// The directories whose objects without `metadata.namespace` were each treated as a
    /// `default` namespace of their own, in input order; empty when no object lacks a namespace,
    /// or with `one-cluster`.
    pub default_namespaces: Vec<String>,
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
    /// Files not checked because they are none of kubeharden's inputs (a kustomization, a JSON
    /// Patch, a Helm values file or `Chart.yaml`, a report kubeharden wrote), recognised by
    /// content, each with why and what to run instead; in input order.
    /// Input errors instead when every input must hold content ([`InputPolicy::require_content`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<InputError>,
    /// How many findings suppressions removed.
    pub suppressed: usize,
    /// Counts.
    pub summary: Summary,
    /// Which inputs were treated as one cluster, in input order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<Cluster>,
    /// The input's secret values, for renderers that quote source lines (never serialized: the
    /// messages above are already free of them).
    #[serde(skip)]
    pub redactions: crate::report::redact::Redactions,
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

    /// Writes [`Report::to_json`]'s text to `w` without building it in memory (a report of
    /// 200,000 findings is 150 MB of JSON).
    ///
    /// # Errors
    /// What writing to `w` returns.
    pub fn write_json<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        serde_json::to_writer_pretty(w, self).map_err(std::io::Error::from)
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
    /// What to do about a finding, one sentence.
    #[serde(default)]
    pub help: String,
    /// The rule's documentation.
    #[serde(default)]
    pub url: String,
    /// Whether the rule runs without being enabled.
    pub enabled_by_default: bool,
    /// Whether its findings carry fixes (`always`, `sometimes`, `never`).
    pub fix: FixAvailability,
    /// References (PSS control, CIS benchmark, ...).
    pub references: Vec<String>,
    /// The same check in other tools, `tool:ID`.
    pub peers: Vec<String>,
    /// The rule's documentation (Markdown).
    pub docs: String,
}
