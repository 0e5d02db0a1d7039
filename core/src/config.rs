//! Configuration: `.kubeharden.yaml`. Strict: unknown keys are an error.
//!
//! ```yaml
//! enable: [secret-in-env-var]          # turn on rules that are off by default
//! disable: [image-digest-missing]      # turn off rules (names or ids)
//! severity:                            # override default severities
//!   cpu-limit-missing: info
//! fail-on: high                        # critical|high|medium|low|info|never
//! annotation-suppressions: true        # honour kubeharden.io/ignore.* annotations
//! options:
//!   secret-name-patterns: [PIN, PASSPHRASE]   # extra env-var name fragments that look secret
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::Severity;
use crate::error::ConfigError;

fn yes() -> bool {
    true
}

/// The configuration of a check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to turn on (names or ids), including rules that are off by default.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rules to turn off (names or ids).
    #[serde(default)]
    pub disable: Vec<String>,
    /// When set, only these rules run (names or ids; default-off rules included). `--select`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// Rules not to run (names or ids). `--ignore`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity overrides, by rule name or id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// The exit-code threshold of the CLI: a severity, or `never`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<String>,
    /// Whether `kubeharden.io/ignore.*` annotations suppress findings.
    #[serde(default = "yes")]
    pub annotation_suppressions: bool,
    /// Options of rule families.
    #[serde(default)]
    pub options: Options,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            enable: Vec::new(),
            disable: Vec::new(),
            select: None,
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            fail_on: None,
            annotation_suppressions: true,
            options: Options::default(),
        }
    }
}

/// Options of rule families.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Extra fragments of environment-variable names that look secret (case-insensitive), added to
    /// the built-in list of `literal-secret-in-env`.
    #[serde(default)]
    pub secret_name_patterns: Vec<String>,
    /// Fragments removed from the built-in secret-name list (for names that are not secrets in
    /// your code base, e.g. `TOKEN` for a `TOKEN_URL`).
    #[serde(default)]
    pub secret_name_exclusions: Vec<String>,
    /// `image-too-old`: the maximum age of an image in days (default 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_max_age_days: Option<u32>,
    /// `vulnerability-gate`: the lowest severity that fails (default `high`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability_threshold: Option<Severity>,
    /// `vulnerability-gate`: ignore vulnerabilities without a fix, as `trivy --ignore-unfixed`
    /// does (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability_ignore_unfixed: Option<bool>,
    /// `vulnerability-gate`: accepted vulnerabilities, each with a reason and an expiry date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerability_waivers: Vec<VulnerabilityWaiver>,
}

/// An accepted vulnerability: it stops failing the gate until `expires` (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnerabilityWaiver {
    /// The vulnerability id (`CVE-2024-1234`, `GHSA-...`).
    pub id: String,
    /// Why it is accepted (required, not empty).
    pub reason: String,
    /// The last day the waiver works (`2026-12-31`, or an RFC 3339 time).
    pub expires: String,
    /// Only this package (default: every package).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Only this image, as the report names it (default: every image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Config {
    /// Reads a configuration from YAML text. `file` names it in errors.
    ///
    /// # Errors
    /// A [`ConfigError`] with line and column for malformed YAML, unknown keys, or wrong types.
    pub fn from_yaml(text: &str, file: Option<&str>) -> Result<Config, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_yaml::from_str::<Config>(text).map_err(|e| {
            let (line, col) =
                e.location().map_or((None, None), |l| (u32::try_from(l.line()).ok(), u32::try_from(l.column()).ok()));
            ConfigError::new(e.to_string().split(" at line ").next().unwrap_or_default().to_owned()).at(file, line, col)
        })
    }

    /// The `fail-on` threshold: `Ok(None)` for `never`, the default `high` when unset.
    ///
    /// # Errors
    /// A [`ConfigError`] for an unknown value.
    pub fn fail_threshold(&self) -> Result<Option<Severity>, ConfigError> {
        match self.fail_on.as_deref() {
            None => Ok(Some(Severity::High)),
            Some("never") => Ok(None),
            Some(s) => s.parse().map(Some).map_err(ConfigError::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_lines() {
        let e = Config::from_yaml("enable: [a]\nbogus: 1\n", Some(".kubeharden.yaml")).unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert!(e.message().contains("bogus"), "{e}");
        let e = Config::from_yaml("options:\n  nope: 1\n", None).unwrap_err();
        assert!(e.message().contains("nope"), "{e}");
    }

    #[test]
    fn reads_a_full_config() {
        let c = Config::from_yaml(
            "enable: [secret-in-env-var]\nseverity: {cpu-limit-missing: info}\nfail-on: never\nannotation-suppressions: false\n",
            None,
        )
        .unwrap();
        assert_eq!(c.severity.get("cpu-limit-missing"), Some(&Severity::Info));
        assert_eq!(c.fail_threshold().unwrap(), None);
        assert!(!c.annotation_suppressions);
        assert!(Config::from_yaml("", None).unwrap().annotation_suppressions);
    }
}
