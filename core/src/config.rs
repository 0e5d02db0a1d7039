//! Configuration: `.kubeharden.yaml`. Strict: unknown keys are an error.
//!
//! ```yaml
//! enable: [secret-in-env-var]          # turn on rules that are off by default
//! disable: [image-digest-missing]      # turn off rules (names or ids)
//! severity:                            # override default severities
//!   cpu-limit-missing: info
//! fail-on: high                        # critical|high|medium|low|info|never
//! annotation-suppressions: true        # honour kubeharden.io/ignore.* annotations
//! one-cluster: false                   # every input one cluster, one `default` namespace
//! options:
//!   secret-name-patterns: [PIN, PASSPHRASE]   # extra env-var name fragments that look secret
//!   trusted-registries: [registry.example.com] # image-registry-untrusted: where images may come from
//! fix:                                 # values `kubeharden fix` cannot know (defaults shown)
//!   run-as-user: 65532                 # runAsUser, and the USER of Dockerfiles
//!   resources:
//!     requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 256Mi}
//!     limits: {cpu: "1", memory: 512Mi, ephemeral-storage: 1Gi}
//!   secret-name: "{name}-secrets"      # the Secret a literal secret moves to ({name}: the workload)
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::Severity;
use crate::error::ConfigError;

/// Largest configuration text read: 1 MiB (a configuration is a few hundred bytes; a waiver
/// list of thousands of entries still fits).
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Deepest nesting of a configuration (`options.vulnerability-waivers[0].id` is 3 levels).
pub const MAX_CONFIG_DEPTH: usize = 16;

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
    /// The exit-code threshold of the CLI: a severity, or `never` (default `high`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<FailOn>,
    /// Whether `kubeharden.io/ignore.*` annotations suppress findings.
    #[serde(default = "yes")]
    pub annotation_suppressions: bool,
    /// Treat every input as one cluster, and every object without `metadata.namespace` as in
    /// its one `default` namespace (`--one-cluster`). Default: each input is its own cluster, and
    /// such objects share `default` with those of their directory only (ARCHITECTURE.md,
    /// "Clusters").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_cluster: bool,
    /// Options of rule families.
    #[serde(default)]
    pub options: Options,
    /// The values fixes cannot know (`kubeharden fix`).
    #[serde(default)]
    pub fix: FixSettings,
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
            one_cluster: false,
            options: Options::default(),
            fix: FixSettings::default(),
        }
    }
}

/// `fail-on`: the lowest severity that makes a check fail (the CLI's exit code 1), or `never`.
/// Read case-insensitively (`HIGH` is `high`); written in lowercase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Fail on critical findings.
    Critical,
    /// Fail on high findings or worse (the default).
    #[default]
    High,
    /// Fail on medium findings or worse.
    Medium,
    /// Fail on low findings or worse.
    Low,
    /// Fail on any finding.
    Info,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// Every value, in the order of the docs.
    pub const ALL: [FailOn; 6] =
        [FailOn::Critical, FailOn::High, FailOn::Medium, FailOn::Low, FailOn::Info, FailOn::Never];

    /// The severity at or above which a check fails; `None` for `never`.
    #[must_use]
    pub const fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// The lowercase name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            FailOn::Critical => "critical",
            FailOn::High => "high",
            FailOn::Medium => "medium",
            FailOn::Low => "low",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }
}

impl std::fmt::Display for FailOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FailOn::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown value `{s}` (expected critical, high, medium, low, info or never)"))
    }
}

/// Read while the YAML reader is at the value, so an error carries its line and the key.
impl<'de> Deserialize<'de> for FailOn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = FailOn;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("critical, high, medium, low, info or never")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<FailOn, E> {
                s.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
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
    /// `image-registry-untrusted`: the registries (`registry.example.com`, `docker.io`) or
    /// repository prefixes (`ghcr.io/acme`, `docker.io/library`) images may come from. Unset, the
    /// rule does nothing; set (even empty), every other image is a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_registries: Option<Vec<String>>,
}

/// An accepted vulnerability: it stops failing the gate until `expires` (inclusive). Checked
/// while it is read (a non-empty `id` and `reason`, a date in `expires`), so the error names the
/// file, line and key; [`VulnerabilityWaiver::check`] checks one built in code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnerabilityWaiver {
    /// The vulnerability id (`CVE-2024-1234`, `GHSA-...`).
    #[serde(deserialize_with = "waiver_id")]
    pub id: String,
    /// Why it is accepted (required, not empty).
    #[serde(deserialize_with = "waiver_reason")]
    pub reason: String,
    /// The last day the waiver works (`2026-12-31`, or an RFC 3339 time).
    #[serde(deserialize_with = "waiver_expires")]
    pub expires: String,
    /// Only this package (default: every package).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Only this image, as the report names it (default: every image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// The values fixes cannot know: the `fix:` section of `.kubeharden.yaml`. Checked while read
/// (a UID that is not root, quantities Kubernetes reads), so an error names the line and key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixSettings {
    /// The UID fixes set as `runAsUser` and as a Dockerfile's `USER` (default 65532, the
    /// `nonroot` user of distroless images); 1 to 2147483647.
    #[serde(default = "default_uid", deserialize_with = "fix_uid")]
    pub run_as_user: i64,
    /// The requests and limits fixes add where a container has none.
    #[serde(default)]
    pub resources: ResourceDefaults,
    /// The Secret a literal secret in `env` moves to (`valueFrom.secretKeyRef`; the key is the
    /// variable's name): `{name}` is replaced by the workload's name (default `{name}-secrets`).
    #[serde(default = "default_secret_name")]
    pub secret_name: String,
}

impl Default for FixSettings {
    fn default() -> Self {
        FixSettings {
            run_as_user: default_uid(),
            resources: ResourceDefaults::default(),
            secret_name: default_secret_name(),
        }
    }
}

fn default_uid() -> i64 {
    65532
}

fn default_secret_name() -> String {
    "{name}-secrets".to_owned()
}

/// `fix.resources`: requests and limits by resource name; each one not given has its default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ResourceDefaults {
    /// `resources.requests` added where missing (defaults: cpu `100m`, memory `128Mi`,
    /// ephemeral-storage `256Mi`).
    #[serde(default)]
    pub requests: Quantities,
    /// `resources.limits` added where missing, never below the container's request (defaults:
    /// cpu `1`, memory `512Mi`, ephemeral-storage `1Gi`).
    #[serde(default)]
    pub limits: Quantities,
}

/// Quantities of the three resources the rules ask for; `None`: the default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Quantities {
    /// CPU (`100m`, `1`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "fix_quantity")]
    pub cpu: Option<String>,
    /// Memory (`128Mi`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "fix_quantity")]
    pub memory: Option<String>,
    /// Ephemeral storage (`1Gi`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "fix_quantity")]
    pub ephemeral_storage: Option<String>,
}

impl Quantities {
    /// The quantity given for a resource by its Kubernetes name (`cpu`, `memory`,
    /// `ephemeral-storage`).
    #[must_use]
    pub fn get(&self, resource: &str) -> Option<&str> {
        match resource {
            "cpu" => self.cpu.as_deref(),
            "memory" => self.memory.as_deref(),
            "ephemeral-storage" => self.ephemeral_storage.as_deref(),
            _ => None,
        }
    }
}

impl ResourceDefaults {
    /// The request a fix adds for `resource` (`cpu`, `memory`, `ephemeral-storage`).
    #[must_use]
    pub fn request(&self, resource: &str) -> &str {
        self.requests.get(resource).unwrap_or(match resource {
            "cpu" => "100m",
            "memory" => "128Mi",
            _ => "256Mi",
        })
    }

    /// The limit a fix adds for `resource` (before raising it to the container's request).
    #[must_use]
    pub fn limit(&self, resource: &str) -> &str {
        self.limits.get(resource).unwrap_or(match resource {
            "cpu" => "1",
            "memory" => "512Mi",
            _ => "1Gi",
        })
    }
}

impl FixSettings {
    /// Checks settings built in code as reading them does.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the setting.
    pub fn check(&self) -> Result<(), ConfigError> {
        check_uid(self.run_as_user).map_err(|e| ConfigError::new(format!("fix.run-as-user: {e}")))?;
        for (side, q) in [("requests", &self.resources.requests), ("limits", &self.resources.limits)] {
            for name in ["cpu", "memory", "ephemeral-storage"] {
                if let Some(v) = q.get(name) {
                    check_quantity(v).map_err(|e| ConfigError::new(format!("fix.resources.{side}.{name}: {e}")))?;
                }
            }
        }
        Ok(())
    }
}

fn check_uid(uid: i64) -> Result<(), String> {
    if (1..=i64::from(i32::MAX)).contains(&uid) {
        Ok(())
    } else {
        Err(format!("`{uid}` is not a non-root UID (1 to 2147483647)"))
    }
}

fn check_quantity(q: &str) -> Result<(), String> {
    if crate::fix::quantity(q).is_some() {
        Ok(())
    } else {
        Err(format!("`{q}` is not a Kubernetes quantity (`100m`, `128Mi`, `1`)"))
    }
}

fn fix_uid<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let uid = i64::deserialize(d)?;
    check_uid(uid).map_err(serde::de::Error::custom)?;
    Ok(uid)
}

fn fix_quantity<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    checked(d, check_quantity).map(Some)
}

/// A check of one string value: the error says what is wrong with it.
type Check = fn(&str) -> Result<(), String>;

/// What a waiver's `id` must be: not empty.
fn check_waiver_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("must not be empty: name the vulnerability (`CVE-2024-1234`)".to_owned());
    }
    Ok(())
}

/// What a waiver's `reason` must be: not empty.
fn check_waiver_reason(reason: &str) -> Result<(), String> {
    if reason.trim().is_empty() {
        return Err("must not be empty: say why the vulnerability is accepted".to_owned());
    }
    Ok(())
}

/// What a waiver's `expires` must be: a date (or an RFC 3339 time).
fn check_waiver_expires(expires: &str) -> Result<(), String> {
    if crate::time::parse_rfc3339(expires).is_none() {
        return Err(format!("`{expires}` is not a date (`2026-12-31`)"));
    }
    Ok(())
}

/// Deserializes a string field and checks it while the reader is at its value.
/// (Inside the visitor: an error raised there carries the value's line and key.)
fn checked<'de, D: serde::Deserializer<'de>>(d: D, check: Check) -> Result<String, D::Error> {
    struct V(Check);
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<String, E> {
            (self.0)(s).map_err(E::custom)?;
            Ok(s.to_owned())
        }
    }
    d.deserialize_str(V(check))
}

fn waiver_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, check_waiver_id)
}

fn waiver_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, check_waiver_reason)
}

fn waiver_expires<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, check_waiver_expires)
}

impl VulnerabilityWaiver {
    /// Checks a waiver built in code as reading one does: a non-empty `id` and `reason`, a date in
    /// `expires`.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the waiver.
    pub fn check(&self) -> Result<(), ConfigError> {
        let fields: [(&str, &str, Check); 3] = [
            ("id", &self.id, check_waiver_id),
            ("reason", &self.reason, check_waiver_reason),
            ("expires", &self.expires, check_waiver_expires),
        ];
        for (key, value, check) in fields {
            check(value).map_err(|e| {
                let which = if self.id.trim().is_empty() {
                    "a vulnerability waiver".to_owned()
                } else {
                    format!("the waiver of `{}`", self.id)
                };
                ConfigError::new(format!("{which}: `{key}` {e}"))
            })?;
        }
        Ok(())
    }
}

impl Config {
    /// Reads a configuration from YAML text. `file` names it in errors.
    ///
    /// # Errors
    /// A [`ConfigError`] with line and column for malformed YAML, unknown keys, or wrong types;
    /// for a text over [`MAX_CONFIG_BYTES`], nesting deeper than [`MAX_CONFIG_DEPTH`] or an alias
    /// bomb.
    pub fn from_yaml(text: &str, file: Option<&str>) -> Result<Config, ConfigError> {
        if text.len() > MAX_CONFIG_BYTES {
            let message = format!(
                "the configuration is {} bytes, larger than the limit of {} KiB: refused",
                text.len(),
                MAX_CONFIG_BYTES / 1024
            );
            return Err(ConfigError::new(message).at(file, None, None));
        }
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        // Nesting and aliases first, with the manifests' reader and tighter limits (linear in the
        // text): the YAML library behind serde is quadratic in nesting (a 100,000-deep
        // `enable: [[[...]]]` took 29 s), and a configuration is never more than a few levels
        // deep.
        let limits = crate::syntax::Limits {
            max_depth: MAX_CONFIG_DEPTH,
            max_alias_nodes: 10_000,
            max_alias_bytes: MAX_CONFIG_BYTES,
            max_input_bytes: MAX_CONFIG_BYTES,
            max_tree_bytes: None,
        };
        if let Some((_, e)) = crate::syntax::parse_yaml(text, &limits).error {
            return Err(ConfigError::new(e.message).at(file, Some(e.line), Some(e.column)));
        }
        serde_yaml::from_str::<Config>(text).map_err(|e| {
            let (line, col) =
                e.location().map_or((None, None), |l| (u32::try_from(l.line()).ok(), u32::try_from(l.column()).ok()));
            ConfigError::new(e.to_string().split(" at line ").next().unwrap_or_default().to_owned()).at(file, line, col)
        })
    }

    /// The `fail-on` threshold: `None` for `never`, the default `high` when unset.
    #[must_use]
    pub fn fail_threshold(&self) -> Option<Severity> {
        self.fail_on.unwrap_or_default().threshold()
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
    fn fail_on_is_checked_when_read() {
        let e = Config::from_yaml("enable: []\nfail-on: sometimes\n", Some("k.yaml")).unwrap_err();
        assert_eq!((e.file(), e.line()), (Some("k.yaml"), Some(2)));
        assert_eq!(
            e.message(),
            "fail-on: unknown value `sometimes` (expected critical, high, medium, low, info or never)"
        );
        let e = serde_json::from_str::<Config>(r#"{"fail-on": "sometimes"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown value `sometimes`"), "{e}");
        let c = Config::from_yaml("fail-on: MEDIUM\n", None).unwrap();
        assert_eq!((c.fail_on, c.fail_threshold()), (Some(FailOn::Medium), Some(Severity::Medium)));
        assert_eq!(Config::default().fail_threshold(), Some(Severity::High));
        let json = serde_json::to_string(&Config { fail_on: Some(FailOn::Never), ..Config::default() }).unwrap();
        assert!(json.contains(r#""fail-on":"never""#), "{json}");
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap().fail_threshold(), None);
    }

    #[test]
    fn waivers_are_checked_when_read() {
        let yaml = "options:\n  vulnerability-waivers:\n    - id: CVE-1\n      reason: ok\n      expires: next year\n";
        let e = Config::from_yaml(yaml, Some("k.yaml")).unwrap_err();
        assert_eq!((e.file(), e.line(), e.column()), (Some("k.yaml"), Some(5), Some(16)));
        assert_eq!(e.message(), "options.vulnerability-waivers[0].expires: `next year` is not a date (`2026-12-31`)");
        let json = r#"{"options": {"vulnerability-waivers": [{"id": " ", "reason": "x", "expires": "2026-12-31"}]}}"#;
        let e = serde_json::from_str::<Config>(json).unwrap_err();
        assert!(e.to_string().starts_with("must not be empty: name the vulnerability"), "{e}");
        let ok = "options:\n  vulnerability-waivers:\n    - {id: CVE-1, reason: x, expires: 2026-12-31T12:00:00Z}\n";
        let w = &Config::from_yaml(ok, None).unwrap().options.vulnerability_waivers;
        assert_eq!(w.len(), 1);
        assert!(w.iter().all(|w| w.check().is_ok()));
    }

    #[test]
    fn size_and_nesting_are_bounded() {
        let e = Config::from_yaml(&format!("# {}\n", "x".repeat(MAX_CONFIG_BYTES)), Some("k.yaml")).unwrap_err();
        assert!(e.message().contains("larger than the limit of 1024 KiB"), "{e}");
        let deep = format!("enable: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let t = std::time::Instant::now();
        let e = Config::from_yaml(&deep, Some("k.yaml")).unwrap_err();
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
        assert!(e.message().contains("nested deeper than"), "{e}");
        assert_eq!((e.file(), e.line()), (Some("k.yaml"), Some(1)));
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        let e = Config::from_yaml(bomb, None).unwrap_err();
        assert!(e.message().contains("alias"), "{e}");
        // a configuration as deep as ours is read
        let c = Config::from_yaml(
            "options:\n  vulnerability-waivers:\n    - {id: CVE-1, reason: x, expires: 2026-12-31}\n",
            None,
        );
        assert!(c.is_ok(), "{c:?}");
    }

    #[test]
    fn reads_a_full_config() {
        let c = Config::from_yaml(
            "enable: [secret-in-env-var]\nseverity: {cpu-limit-missing: info}\nfail-on: never\nannotation-suppressions: false\n",
            None,
        )
        .unwrap();
        assert_eq!(c.severity.get("cpu-limit-missing"), Some(&Severity::Info));
        assert_eq!(c.fail_threshold(), None);
        assert!(!c.annotation_suppressions);
        assert!(Config::from_yaml("", None).unwrap().annotation_suppressions);
    }
}
