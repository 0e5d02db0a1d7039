//! Pod Security Standards, evaluated as Kubernetes' Pod Security Admission does: every check of
//! the `baseline` and `restricted` levels, for every version `v1.0` … `v1.37` and `latest`, with
//! PSA's check ids and wording.
//!
//! - [`evaluate_pod`]: one pod spec at a ([`PssLevel`], [`PssVersion`]) → [`Violation`]s.
//! - [`check_pss`]: files in, one [`PssResult`] per pod-bearing object out (the CLI's `pss`).
//! - [`table::CHECKS`]: the control × level × version table (rendered into `docs/pss.md`).
//!
//! ```
//! use kubeharden::pss::{check_pss, PssRequest};
//! use kubeharden::SourceFile;
//!
//! let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx\n";
//! let req = PssRequest { files: vec![SourceFile::new("pod.yaml", pod)], ..PssRequest::default() }; // restricted, latest
//! let report = check_pss(&req).unwrap();
//! let r = &report.results[0];
//! assert!(!r.allowed);
//! assert_eq!(r.violations[0].message, "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)");
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::api::{InputError, InputPolicy, SourceFile};
use crate::error::Error;
use crate::location::FieldPath;
use crate::model::{Inventory, ObjectRef, PodSpec, Reads};
use crate::source::{ParseOptions, Source};

pub(crate) mod checks;
/// The capabilities the baseline level allows to add (also the `dangerous-capabilities` rule's list).
pub use checks::BASELINE_CAPABILITIES;
pub mod namespace;
pub mod table;

pub use checks::Fail;

/// The newest Kubernetes minor version whose Pod Security Standards kubeharden knows (`latest`).
pub const LATEST_MINOR: u32 = 37;

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    /// Everything allowed.
    Privileged,
    /// Known privilege escalations prevented.
    Baseline,
    /// Hardened: baseline and more.
    Restricted,
}

impl PssLevel {
    /// The lowercase name, as in namespace labels.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PssLevel::Privileged => "privileged",
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PssLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "privileged" => Ok(PssLevel::Privileged),
            "baseline" => Ok(PssLevel::Baseline),
            "restricted" => Ok(PssLevel::Restricted),
            _ => Err(format!("unknown level `{s}` (expected baseline, restricted or privileged)")),
        }
    }
}

/// A Pod Security Standards version: `v1.<minor>` or `latest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PssVersion {
    /// `v1.<minor>`.
    V(u32),
    /// The newest version known ([`LATEST_MINOR`]).
    Latest,
}

impl PssVersion {
    /// The minor version the checks run at: `latest`, and versions newer than kubeharden knows,
    /// are evaluated as [`LATEST_MINOR`] (as PSA evaluates versions newer than itself).
    #[must_use]
    pub fn minor(self) -> u32 {
        match self {
            PssVersion::V(n) => n.min(LATEST_MINOR),
            PssVersion::Latest => LATEST_MINOR,
        }
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PssVersion::V(n) => write!(f, "v1.{n}"),
            PssVersion::Latest => f.write_str("latest"),
        }
    }
}

impl FromStr for PssVersion {
    type Err = String;
    /// `latest` or `v1.<minor>` (the format of the `pod-security.kubernetes.io/*-version` labels).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "latest" {
            return Ok(PssVersion::Latest);
        }
        let minor = s
            .strip_prefix("v1.")
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()) && (m.len() == 1 || !m.starts_with('0')))
            .and_then(|m| m.parse::<u32>().ok());
        minor.map(PssVersion::V).ok_or_else(|| format!("unknown version `{s}` (expected `latest` or `v1.<minor>`)"))
    }
}

/// A violated check, typed: the PSA check id, its reason and detail, and the field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The PSA check id (`allowPrivilegeEscalation`).
    pub check: &'static str,
    /// Reason and detail, as PSA gives them.
    pub fail: Fail,
}

impl Violation {
    /// Kubernetes' wording: `<reason> (<detail>)`.
    #[must_use]
    pub fn message(&self) -> String {
        if self.fail.detail.is_empty() {
            self.fail.reason.clone()
        } else {
            format!("{} ({})", self.fail.reason, self.fail.detail)
        }
    }

    /// The field the violation points at, from the document root.
    #[must_use]
    pub fn path(&self) -> &FieldPath {
        &self.fail.path
    }
}

/// Evaluates one pod spec at a level and version: the violated checks, in table order (empty =
/// allowed). `privileged` allows everything.
#[must_use]
pub fn evaluate_pod(pod: &PodSpec<'_>, level: PssLevel, version: PssVersion) -> Vec<Violation> {
    let minor = version.minor();
    table::checks_for(level, version)
        .into_iter()
        .filter_map(|c| (c.eval)(pod, minor).map(|fail| Violation { check: c.id, fail }))
        .collect()
}

/// The level evaluated when none is given: `restricted`, everywhere (CLI, Python, JavaScript).
pub const DEFAULT_LEVEL: &str = "restricted";
/// The version evaluated when none is given: `latest`.
pub const DEFAULT_VERSION: &str = "latest";

/// What to evaluate: files, a level and a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PssRequest {
    /// The input files.
    pub files: Vec<SourceFile>,
    /// `baseline`, `restricted` or `privileged` (default [`DEFAULT_LEVEL`]).
    #[serde(default = "default_level")]
    pub level: String,
    /// `latest` or `v1.<minor>` (default [`DEFAULT_VERSION`]).
    #[serde(default = "default_version")]
    pub version: String,
    /// How the inputs are held to account: `require_content` makes a file with no Kubernetes
    /// object (a Dockerfile, `hello`) an input error.
    #[serde(default)]
    pub inputs: InputPolicy,
}

fn default_level() -> String {
    DEFAULT_LEVEL.to_owned()
}

fn default_version() -> String {
    DEFAULT_VERSION.to_owned()
}

impl Default for PssRequest {
    fn default() -> Self {
        PssRequest {
            files: Vec::new(),
            level: default_level(),
            version: default_version(),
            inputs: InputPolicy::default(),
        }
    }
}

/// A violation in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PssViolation {
    /// The PSA check id (`runAsNonRoot`, `capabilities_restricted`, ...).
    pub check: String,
    /// Kubernetes' wording of the violation.
    pub message: String,
    /// Field path from the document root.
    pub path: String,
    /// 1-based line of the field (or of its nearest existing ancestor).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// The verdict on one pod-bearing object (for controllers: on the pods they would create).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PssResult {
    /// File name as given.
    pub file: String,
    /// 0-based document index.
    pub document: usize,
    /// The object.
    pub object: ObjectRef,
    /// Whether Pod Security Admission would admit its pods.
    pub allowed: bool,
    /// The violated checks (empty when allowed).
    pub violations: Vec<PssViolation>,
}

/// The answer to a [`PssRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PssReport {
    /// The level evaluated.
    pub level: String,
    /// The version evaluated, as requested (`latest` or `v1.<minor>`).
    pub version: String,
    /// One result per pod-bearing object, in input order.
    pub results: Vec<PssResult>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Files that are none of kubeharden's inputs, left out (see [`crate::api::Report::skipped`]).
    #[serde(default)]
    pub skipped: Vec<InputError>,
}

impl PssReport {
    /// Whether every object is allowed.
    #[must_use]
    pub fn all_allowed(&self) -> bool {
        self.results.iter().all(|r| r.allowed)
    }
}

/// The result of one pod spec, with lines resolved in its document.
#[must_use]
pub fn result_for(pod: &PodSpec<'_>, level: PssLevel, version: PssVersion) -> PssResult {
    let violations: Vec<PssViolation> = evaluate_pod(pod, level, version)
        .into_iter()
        .map(|v| {
            let (pos, _) = pod.object.doc.root.resolve(v.path());
            PssViolation {
                check: v.check.to_owned(),
                message: v.message(),
                path: v.path().to_string(),
                line: pos.line,
                column: pos.column,
            }
        })
        .collect();
    PssResult {
        file: pod.object.doc.file.clone(),
        document: pod.object.doc.index,
        object: pod.object.reference(),
        allowed: violations.is_empty(),
        violations,
    }
}

/// Evaluates every pod-bearing object of the files at the request's level and version.
///
/// # Errors
/// [`Error::Request`] for an unknown level or version; unreadable files are reported in
/// [`PssReport::errors`], or returned as [`Error::Input`] by a strict request.
pub fn check_pss(req: &PssRequest) -> Result<PssReport, Error> {
    let level: PssLevel = req.level.parse().map_err(Error::Request)?;
    let version: PssVersion = req.version.parse().map_err(Error::Request)?;
    let options = ParseOptions::default();
    let sources: Vec<Source> = req.files.iter().map(|f| crate::source::parse(f, &options)).collect();
    let inventory = Inventory::new(&sources);
    let results = inventory.pods.iter().map(|pod| result_for(pod, level, version)).collect();
    let mut errors: Vec<InputError> = inventory.input_errors().cloned().collect();
    if req.inputs.require_content {
        errors.extend(inventory.content_errors(Reads::Objects));
    }
    let skipped = inventory.skipped(req.inputs);
    let report = PssReport { level: req.level.clone(), version: req.version.clone(), results, errors, skipped };
    crate::engine::strict(req.inputs, report, |r| &r.errors)
}
