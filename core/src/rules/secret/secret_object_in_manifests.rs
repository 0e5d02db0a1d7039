use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::rules::{At, Context, Rule, Sink};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Flags a `kind: Secret` with a non-empty `data` or `stringData` (a key with a value other
    /// than `""`) in the scanned files: a
    /// secret committed next to the manifests. The finding names the keys, never the values, and
    /// points at the `data` / `stringData` key (renderers hide the source line of its findings).
    ///
    /// ## Why is this bad?
    /// `data` is base64, not encryption: anyone who can read the repository (its history, its
    /// forks, CI logs) has the credentials, and rotating them means rewriting history.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: db-credentials, namespace: prod}
    /// type: Opaque
    /// stringData:
    ///   password: example-only
    /// ```
    ///
    /// ## Fix
    /// Keep the value out of git: Vault agent injection, External Secrets or Sealed Secrets, or
    /// a Secret created at deploy time (`kubectl create secret ... --from-env-file`). Commit
    /// only the reference:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1beta1
    /// kind: ExternalSecret
    /// metadata: {name: db-credentials, namespace: prod}
    /// spec:
    ///   secretStoreRef: {name: vault, kind: ClusterSecretStore}
    ///   target: {name: db-credentials}
    ///   data:
    ///     - secretKey: password
    ///       remoteRef: {key: prod/db, property: password}
    /// ```
    pub SecretObjectInManifests {
        id: "SEC003",
        name: "secret-object-in-manifests",
        severity: Severity::High,
        title: "Secret with data committed in the manifests",
        help: "keep the values out of git: commit an ExternalSecret or SealedSecret, or create the Secret at deploy time",
        references: ["CIS Kubernetes Benchmark 5.4.2: Consider external secret storage", "OWASP Kubernetes Top 10 K08: Secrets Management Failures"],
        peers: ["checkov:CKV_SECRET_*", "trivy:secret"],
        since: "0.1.0",
        redact: crate::rules::Excerpt::KeyOnly,
    }
}

/// Keys with a value: an empty string or `null` commits nothing.
fn keys(node: Option<&Node>) -> Vec<&str> {
    node.and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter(|e| !e.value.is_null() && e.value.as_str() != Some(""))
        .map(|e| e.key.as_str())
        .collect()
}

impl Rule for SecretObjectInManifests {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        if obj.kind != "Secret" || !obj.group().is_empty() {
            return;
        }
        let data = obj.node.get("data");
        let string_data = obj.node.get("stringData");
        let (dk, sk) = (keys(data), keys(string_data));
        if dk.is_empty() && sk.is_empty() {
            return;
        }
        let field = if dk.is_empty() { "stringData" } else { "data" };
        let mut all: Vec<&str> = dk.into_iter().chain(sk).collect();
        let mut seen = std::collections::HashSet::new();
        all.retain(|k| seen.insert(*k));
        let shown: Vec<String> = all.iter().take(5).map(|k| format!("`{k}`")).collect();
        let more = if all.len() > 5 { format!(" and {} more", all.len() - 5) } else { String::new() };
        out.report(
            Self::META,
            At::Object(obj, obj.field(&FieldPath::root().key(field))),
            format!(
                "the Secret `{}` commits {} value{} ({}{more}; values redacted): keep secrets out of git (Vault, External Secrets, Sealed Secrets)",
                obj.name().unwrap_or("<unnamed>"),
                all.len(),
                if all.len() == 1 { "" } else { "s" },
                shown.join(", ")
            ),
        );
    }
}
