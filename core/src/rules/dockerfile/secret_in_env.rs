use crate::api::Severity;
use crate::config::Options;
use crate::declare_rule;
use crate::dockerfile::Dockerfile;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::report;

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `ARG` instructions that give a literal value to a secret-looking name
    /// (PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, APIKEY, PRIVATE_KEY, CREDENTIAL, ACCESS_KEY,
    /// plus the `secret-name-patterns` option, minus `secret-name-exclusions`), or a value that
    /// looks like a credential whatever its name (a PEM private key, an AWS access key id, a
    /// GitHub or Slack token, a JWT). Names of references rather than secrets (`*_FILE`,
    /// `*_PATH`, `*_URL`, ...), values that only reference another variable, and booleans are
    /// not flagged. The value never appears in any output.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image config: anyone who can pull the image reads them
    /// with `docker inspect`. `ARG` values used by a `RUN` are recorded in the image history
    /// (`docker history`). Secrets belong in the runtime environment (a Kubernetes Secret,
    /// Vault) or, at build time, in a BuildKit secret mount.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DB_PASSWORD=hunter2
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # the password comes from a Kubernetes Secret at runtime
    /// ENV DB_PASSWORD_FILE=/run/secrets/db-password
    /// USER 10001
    /// ```
    pub DockerfileSecretInEnv {
        id: "DKR008",
        name: "dockerfile-secret-in-env",
        severity: Severity::High,
        title: "Secret in ENV or ARG",
        help: "give the container the secret at run time (a mounted Secret, `*_FILE`); at build time use `RUN --mount=type=secret`",
        references: ["CIS Docker Benchmark 4.10", "Docker docs: Build secrets"],
        peers: ["trivy:DS-0031"],
        since: "0.1.0",
        redact: crate::rules::Excerpt::Omit,
    }
}

const SECRET_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "ACCESS_KEY",
    "AUTH_KEY",
    "CLIENT_SECRET",
];

const NOT_SECRET_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_PORT",
    "_NAME",
    "_TYPE",
    "_LENGTH",
    "_TTL",
    "_EXPIRY",
    "_HEADER",
];

fn secret_name(name: &str, opts: &Options) -> bool {
    let up = name.to_ascii_uppercase();
    if NOT_SECRET_SUFFIXES.iter().any(|s| up.ends_with(s)) {
        return false;
    }
    let excluded = |p: &str| opts.secret_name_exclusions.iter().any(|e| e.eq_ignore_ascii_case(p));
    SECRET_NAMES.iter().any(|p| !excluded(p) && up.contains(p))
        || opts.secret_name_patterns.iter().any(|p| !p.is_empty() && up.contains(&p.to_ascii_uppercase()))
}

/// Whether a value looks like a credential by its shape.
fn secret_value(v: &str) -> bool {
    let aws = |s: &str| {
        s.len() >= 20
            && (s.starts_with("AKIA") || s.starts_with("ASIA"))
            && s.get(..20).is_some_and(|k| k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    };
    let jwt = v.starts_with("eyJ") && v.split('.').count() == 3 && v.len() > 30;
    v.contains("-----BEGIN") && v.contains("PRIVATE KEY")
        || aws(v)
        || ["ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "sk_live_"]
            .iter()
            .any(|p| v.starts_with(p) && v.len() > 12)
        || jwt
}

/// Whether a value is no literal secret: empty, a boolean, or only a variable reference.
fn harmless(v: &str) -> bool {
    let t = v.trim();
    if t.is_empty()
        || matches!(
            t.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "none" | "null" | "changeme-at-runtime"
        )
    {
        return true;
    }
    let var = |s: &str| {
        let s = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')).or_else(|| s.strip_prefix('$'));
        s.is_some_and(|n| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-')
        })
    };
    var(t)
}

/// Whether `NAME=value` of an `ENV` or `ARG` (or an assignment on a `RUN` line) sets a secret:
/// `Some(true)` by its name, `Some(false)` by the value's shape, `None` when it does not. The
/// rule's predicate, shared with the classification of secret values
/// ([`crate::rules::secret::values`]).
pub(crate) fn secret_pair(name: &str, value: &str, options: &Options) -> Option<bool> {
    if harmless(value) {
        return None;
    }
    let by_name = secret_name(name, options);
    (by_name || secret_value(value)).then_some(by_name)
}

impl Rule for DockerfileSecretInEnv {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, cx: &Context, out: &mut Sink) {
        for (idx, ins) in df.instructions.iter().enumerate() {
            if ins.keyword != "ENV" && ins.keyword != "ARG" {
                continue;
            }
            for (name, value) in ins.pairs() {
                let Some(value) = value else { continue };
                let Some(by_name) = secret_pair(&name, &value, &cx.options) else { continue };
                let why = if by_name {
                    "a literal value (redacted)"
                } else {
                    "a value that looks like a credential (redacted)"
                };
                let exposure = if ins.keyword == "ENV" {
                    "it is stored in the image config, readable by anyone who can pull the image"
                } else {
                    "build arguments are recorded in the image history"
                };
                report(out, Self::META, file, df, idx, format!(
                    "`{} {name}` sets {why}: {exposure}; provide it at runtime (a Kubernetes Secret) or through a BuildKit secret mount (`RUN --mount=type=secret,id=...`)",
                    ins.keyword
                ));
            }
        }
    }
}
