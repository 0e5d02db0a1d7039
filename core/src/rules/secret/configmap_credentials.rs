use std::collections::BTreeSet;

use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::rules::{Context, Rule, Sink};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Flags ConfigMap keys (`data`, `binaryData`) that look like credentials: names containing
    /// PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, APIKEY, PRIVATE_KEY, CREDENTIAL, ACCESS_KEY,
    /// CLIENT_SECRET (case-insensitive, `-`, `.` and camelCase alike; extended and trimmed by the
    /// `secret_name_patterns` / `secret_name_exclusions` options), unless the name says it holds
    /// a reference (`*_FILE`, `*_PATH`, `*_NAME`, `*_REF`, ...) or the value is empty or a
    /// boolean. Values holding a PEM private key or a URL with a password are flagged whatever
    /// the key. Values are never printed.
    ///
    /// ## Why is this bad?
    /// ConfigMaps are not secret: they are readable by anyone with `get configmaps`, are shown by
    /// `kubectl describe`, and are committed in plain text.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: api-config, namespace: prod}
    /// data:
    ///   DB_HOST: postgres.prod.svc
    ///   DB_PASSWORD: example-only
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: api-config, namespace: prod}
    /// data:
    ///   DB_HOST: postgres.prod.svc
    ///   DB_PASSWORD_FILE: /vault/secrets/db-password
    /// ```
    pub ConfigmapCredentials {
        id: "SEC004",
        name: "configmap-credentials",
        severity: Severity::Medium,
        title: "ConfigMap key looks like a credential",
        references: ["Kubernetes: ConfigMaps (not for confidential data)", "OWASP Kubernetes Top 10 K08: Secrets Management Failures"],
        peers: ["kube-linter:env-var-secret"],
        since: "0.1.0",
    }
}

const NAME_PATTERNS: &[&str] = &[
    "PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "PRIVATEKEY", "CREDENTIAL",
    "ACCESS_KEY", "ACCESSKEY",
];

const REFERENCE_SUFFIXES: &[&str] = &[
    "FILE", "PATH", "NAME", "REF", "DIR", "ENABLED", "TTL", "EXPIRY", "EXPIRATION", "LENGTH", "TYPE", "HEADER", "POLICY",
];

/// `dbPassword`, `db-password`, `db.password` → `DB_PASSWORD` (camelCase split).
fn normalise(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        } else {
            out.push('_');
            prev_lower = false;
        }
    }
    out
}

fn name_looks_secret(key: &str, extra: &[String], exclusions: &[String]) -> Option<String> {
    let n = normalise(key);
    if REFERENCE_SUFFIXES.iter().any(|s| n.ends_with(&format!("_{s}"))) {
        return None;
    }
    let squashed = n.replace('_', "");
    NAME_PATTERNS
        .iter()
        .map(|p| (*p).to_owned())
        .filter(|p| !exclusions.iter().any(|e| e.eq_ignore_ascii_case(p)))
        .chain(extra.iter().map(|e| e.to_ascii_uppercase()))
        .find(|p| n.contains(p.as_str()) || squashed.contains(&p.replace('_', "")))
}

/// Why a value is a credential whatever its key.
fn value_looks_secret(v: &str) -> Option<&'static str> {
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY-----") {
        return Some("a PEM private key");
    }
    let (_, rest) = v.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, pass) = userinfo.split_once(':')?;
    (!pass.is_empty() && !pass.starts_with("${") && !pass.starts_with("$(")).then_some("a URL with a password")
}

fn trivial(v: &Node) -> bool {
    match v.as_str() {
        Some(s) => {
            let t = s.trim();
            t.is_empty() || t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") || t.starts_with("${")
        }
        None => true,
    }
}

impl Rule for ConfigmapCredentials {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, cx: &Context, out: &mut Sink) {
        if obj.kind != "ConfigMap" || !obj.group().is_empty() {
            return;
        }
        let name = obj.name().unwrap_or("<unnamed>");
        let mut lines = BTreeSet::new();
        for field in ["data", "binaryData"] {
            super::redact::value_lines(obj.node.get(field), &mut lines);
        }
        for field in ["data", "binaryData"] {
            let Some(entries) = obj.node.get(field).and_then(Node::as_map) else { continue };
            for e in entries {
                let by_value = if field == "data" { e.value.as_str().and_then(value_looks_secret) } else { None };
                let reason = match by_value {
                    Some(why) => format!("holds {why} (value redacted)"),
                    None => {
                        if trivial(&e.value) && field == "data" {
                            continue;
                        }
                        let Some(p) = name_looks_secret(
                            &e.key,
                            &cx.options.secret_name_patterns,
                            &cx.options.secret_name_exclusions,
                        ) else {
                            continue;
                        };
                        format!("looks like a credential (its name contains `{p}`; value redacted)")
                    }
                };
                let key_path = FieldPath::root().key(if field == "data" { "data" } else { "binaryData" }).key_owned(&e.key);
                let candidates = [
                    key_path,
                    FieldPath::root().key(if field == "data" { "data" } else { "binaryData" }),
                    FieldPath::root().key("metadata").key("name"),
                    FieldPath::root().key("kind"),
                ];
                super::redact::report(
                    Self::META,
                    obj,
                    &candidates,
                    &lines,
                    out,
                    format!("the ConfigMap `{name}` key `{}` {reason}: move it to a Secret or a secret store", e.key),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{name_looks_secret, normalise, value_looks_secret};

    #[test]
    fn names() {
        assert_eq!(normalise("dbPassword"), "DB_PASSWORD");
        assert_eq!(normalise("db.password"), "DB_PASSWORD");
        assert_eq!(normalise("apiKey"), "API_KEY");
        for k in ["DB_PASSWORD", "dbPassword", "api-key", "apiKey", "githubToken", "client_secret", "aws.access.key"] {
            assert!(name_looks_secret(k, &[], &[]).is_some(), "{k}");
        }
        for k in ["DB_HOST", "DB_PASSWORD_FILE", "token_ttl", "SECRET_NAME", "LOG_LEVEL", "passwordPolicy"] {
            assert!(name_looks_secret(k, &[], &[]).is_none(), "{k}");
        }
        assert!(name_looks_secret("SIGNING_SALT", &["salt".to_owned()], &[]).is_some());
        assert!(name_looks_secret("TOKEN_URLS", &[], &["token".to_owned()]).is_none());
    }

    #[test]
    fn values() {
        assert_eq!(value_looks_secret("postgres://app:hunter2@db:5432/app"), Some("a URL with a password"));
        assert_eq!(value_looks_secret("postgres://app@db:5432/app"), None);
        assert_eq!(value_looks_secret("https://example.com/a:b@c"), None);
        assert_eq!(value_looks_secret("postgres://app:${DB_PASSWORD}@db/app"), None);
        assert!(value_looks_secret("-----BEGIN RSA PRIVATE KEY-----\nMII...\n-----END RSA PRIVATE KEY-----\n").is_some());
    }
}
