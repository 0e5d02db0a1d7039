use super::patterns::{looks_like_secret_value, secret_name_fragment};
use crate::api::Severity;
use crate::config::Options;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::rules::{At, Context, Rule, Sink};
use crate::syntax::{Entry, Node};

declare_rule! {
    /// ## What it does
    /// Flags ConfigMap keys (`data`, `binaryData`) that look like credentials, with the name
    /// fragments of `literal-secret-in-env` (PASSWORD, SECRET, TOKEN, API_KEY, ... at a word end;
    /// extended and trimmed by the `secret_name_patterns` / `secret_name_exclusions` options),
    /// unless the name describes rather than holds one (`*_NAME`, `*_TTL`, `*_URL`, a `*_FILE`
    /// holding a path) or the value is empty or a boolean. Values shaped like a credential (PEM
    /// private key, AWS access key id, GitHub or Slack token, JWT, URL with a password) are
    /// flagged whatever the key. Values are never printed.
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
        help: "move the credential into a Secret",
        references: ["Kubernetes: ConfigMaps (not for confidential data)", "OWASP Kubernetes Top 10 K08: Secrets Management Failures"],
        peers: ["kube-linter:env-var-secret", "trivy:KSV-01010", "trivy:KSV-0109"],
        since: "0.1.0",
        redact: crate::rules::Excerpt::KeyOnly,
    }
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

/// Why the entry `e` of a ConfigMap's `field` (`data`, `binaryData`) looks like a credential, if
/// it does: the rule's predicate, shared with the classification of secret values
/// ([`super::values`]).
pub(crate) fn credential(field: &str, e: &Entry, options: &Options) -> Option<String> {
    let by_value = if field == "data" { e.value.as_str().and_then(looks_like_secret_value) } else { None };
    if let Some(why) = by_value {
        return Some(format!("holds {why} (value redacted)"));
    }
    if trivial(&e.value) && field == "data" {
        return None;
    }
    let value = e.value.as_str().unwrap_or("");
    let p = secret_name_fragment(&e.key, value, options)?;
    Some(format!("looks like a credential (its name contains `{p}`; value redacted)"))
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
        for field in ["data", "binaryData"] {
            let Some(entries) = obj.node.get(field).and_then(Node::as_map) else { continue };
            for e in entries {
                let Some(reason) = credential(field, e, &cx.options) else { continue };
                let path = obj.field(&FieldPath::root().key(field).key_owned(&e.key));
                out.report(
                    Self::META,
                    At::Object(obj, path),
                    format!("the ConfigMap `{name}` key `{}` {reason}: move it to a Secret or a secret store", e.key),
                );
            }
        }
    }
}
