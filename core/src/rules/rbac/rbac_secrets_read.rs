use crate::api::Severity;
use crate::declare_rule;
use crate::model::{rbac, K8sObject};
use crate::rules::rbac::{describe_role, named, scope, secrets_read_verbs};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each rule of a Role or ClusterRole that grants `get`, `list` or `watch` on `secrets`
    /// of the core API group, wildcards included (`verbs: ["*"]`, `resources: ["*"]`,
    /// `apiGroups: ["*"]`). `list` and `watch` return every secret's value, and the message says
    /// so; `get` limited by `resourceNames` names the secrets.
    ///
    /// ## Why is this bad?
    /// Secrets hold database passwords, API keys, TLS keys and service account tokens of other
    /// accounts. Whoever can read them can act as every workload whose secret they read. Reading
    /// secrets is the most common way an over-broad role turns into a cluster compromise.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: reader
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps", "secrets"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: reader
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    pub RbacSecretsRead {
        id: "RBC003",
        name: "rbac-secrets-read",
        severity: Severity::High,
        title: "Role grants reading secrets",
        help: "drop `get`/`list`/`watch` on `secrets`, or name the secrets with `resourceNames`",
        references: ["CIS Kubernetes Benchmark 5.1.2", "Kubernetes documentation: RBAC Good Practices"],
        peers: ["trivy:KSV-0041 (partial: ClusterRoles, every verb, `secrets` named)",
                "trivy:KSV-0113 (partial: Roles, every verb, `secrets` named)",
                "checkov:CKV2_K8S_5 (partial: roles bound to a ServiceAccount or Node)"],
        since: "0.1.0",
        // A Role holds no secret value, but the rule is about secrets: renderers quote only keys.
        redact: crate::rules::Excerpt::KeyOnly,
    }
}

impl Rule for RbacSecretsRead {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        let Some(rules) = rbac::role_rules(obj) else { return };
        for rule in &rules {
            let verbs = secrets_read_verbs(rule);
            if verbs.is_empty() {
                continue;
            }
            let every = verbs.iter().any(|v| *v != "get") && rule.resource_names.is_empty();
            let what = if every { "the value of every secret" } else { "secret values" };
            let listed: Vec<String> = verbs.iter().map(|v| format!("`{v}`")).collect();
            out.report(
                Self::META,
                At::Object(obj, obj.field(&rule.path("resources"))),
                format!(
                    "{} grants {} on `secrets`{} (rules[{}]): it reads {what} {}",
                    describe_role(obj),
                    listed.join(", "),
                    named(rule),
                    rule.index,
                    scope(obj)
                ),
            );
        }
    }
}
