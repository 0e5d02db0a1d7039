//! The Pod Security Admission policy of a namespace, read from its labels with Kubernetes'
//! defaulting:
//!
//! - `pod-security.kubernetes.io/<mode>` (`enforce`, `audit`, `warn`): the level. Unlabelled =
//!   `privileged` (the default of a cluster without an admission configuration). A value that is
//!   not a level fails closed to `restricted` for `enforce` and open to `privileged` for `audit`
//!   and `warn` (PSA's `PolicyToEvaluate`).
//! - `pod-security.kubernetes.io/<mode>-version`: `latest` or `v1.<minor>` (no leading zero).
//!   Missing or not a version = `latest`.

use super::{PssLevel, PssVersion};

/// The label prefix of Pod Security Admission.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// The three modes of Pod Security Admission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Pods that violate the policy are rejected.
    Enforce,
    /// Violations are recorded in the audit log.
    Audit,
    /// Violations are returned to the client as warnings.
    Warn,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Enforce, Mode::Audit, Mode::Warn];

    /// `enforce`, `audit`, `warn`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
            Mode::Warn => "warn",
        }
    }

    /// The level label (`pod-security.kubernetes.io/enforce`).
    #[must_use]
    pub fn level_label(self) -> String {
        format!("{LABEL_PREFIX}{}", self.as_str())
    }

    /// The version label (`pod-security.kubernetes.io/enforce-version`).
    #[must_use]
    pub fn version_label(self) -> String {
        format!("{LABEL_PREFIX}{}-version", self.as_str())
    }
}

/// The level and version of one mode, and whether its labels were set and valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModePolicy {
    /// The level in effect.
    pub level: PssLevel,
    /// The version in effect.
    pub version: PssVersion,
    /// Whether the level label is present (valid or not).
    pub level_labelled: bool,
}

impl ModePolicy {
    /// `restricted:latest`, `baseline:v1.29`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{}:{}", self.level, self.version)
    }
}

/// A label that is not what PSA expects, and what it is read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelProblem {
    /// The label key.
    pub label: String,
    /// The value as written.
    pub value: String,
    /// What Kubernetes does with it (`restricted`, `latest`).
    pub read_as: String,
}

/// The policy of a namespace for each mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespacePolicy {
    /// `enforce`.
    pub enforce: ModePolicy,
    /// `audit`.
    pub audit: ModePolicy,
    /// `warn`.
    pub warn: ModePolicy,
    /// Labels with values PSA cannot parse.
    pub problems: Vec<LabelProblem>,
}

impl NamespacePolicy {
    /// Reads the policy from a label lookup (`None` = label absent).
    pub fn from_labels<'a>(label: impl Fn(&str) -> Option<&'a str>) -> Self {
        let mut problems = Vec::new();
        let mut read = |mode: Mode| -> ModePolicy {
            let mut p = ModePolicy { level: PssLevel::Privileged, version: PssVersion::Latest, level_labelled: false };
            if let Some(v) = label(&mode.level_label()) {
                p.level_labelled = true;
                match v.parse() {
                    Ok(l) => p.level = l,
                    Err(_) => {
                        // Fail closed for enforce, open for audit and warn.
                        p.level = if mode == Mode::Enforce { PssLevel::Restricted } else { PssLevel::Privileged };
                        problems.push(LabelProblem {
                            label: mode.level_label(),
                            value: v.to_owned(),
                            read_as: p.level.as_str().to_owned(),
                        });
                    }
                }
            }
            if let Some(v) = label(&mode.version_label()) {
                match v.parse() {
                    Ok(ver) => p.version = ver,
                    Err(_) => problems.push(LabelProblem {
                        label: mode.version_label(),
                        value: v.to_owned(),
                        read_as: "latest".to_owned(),
                    }),
                }
            }
            p
        };
        let enforce = read(Mode::Enforce);
        let audit = read(Mode::Audit);
        let warn = read(Mode::Warn);
        NamespacePolicy { enforce, audit, warn, problems }
    }

    /// The policy of one mode.
    #[must_use]
    pub fn mode(&self, mode: Mode) -> &ModePolicy {
        match mode {
            Mode::Enforce => &self.enforce,
            Mode::Audit => &self.audit,
            Mode::Warn => &self.warn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(labels: &[(&str, &'static str)]) -> NamespacePolicy {
        let labels: Vec<(String, &'static str)> =
            labels.iter().map(|(k, v)| (format!("{LABEL_PREFIX}{k}"), *v)).collect();
        NamespacePolicy::from_labels(|k| labels.iter().find(|(l, _)| l == k).map(|(_, v)| *v))
    }

    #[test]
    fn unlabelled_is_privileged_latest() {
        let p = policy(&[]);
        for m in Mode::ALL {
            assert_eq!(p.mode(m).describe(), "privileged:latest");
            assert!(!p.mode(m).level_labelled);
        }
        assert!(p.problems.is_empty());
    }

    #[test]
    fn bad_level_fails_closed_for_enforce_open_for_audit_and_warn() {
        let p = policy(&[
            ("enforce", "strict"),
            ("enforce-version", "1.29"),
            ("audit", "baseline"),
            ("audit-version", "v1.25"),
            ("warn", "strict"),
            ("warn-version", "v1.025"),
        ]);
        assert_eq!(p.enforce.describe(), "restricted:latest");
        assert_eq!(p.audit.describe(), "baseline:v1.25");
        assert_eq!(p.warn.describe(), "privileged:latest");
        assert!(p.warn.level_labelled);
        let read_as: Vec<&str> = p.problems.iter().map(|x| x.read_as.as_str()).collect();
        assert_eq!(read_as, ["restricted", "latest", "privileged", "latest"]);
    }

    #[test]
    fn modes_are_independent() {
        let p = policy(&[("enforce", "baseline"), ("enforce-version", "v1.30")]);
        assert_eq!(p.enforce.describe(), "baseline:v1.30");
        assert_eq!(p.warn.describe(), "privileged:latest");
        assert_eq!(p.audit.describe(), "privileged:latest");
    }
}
