use crate::api::Severity;
use crate::declare_rule;
use crate::model::{rbac, K8sObject};
use crate::rules::rbac::{describe_role, escalation_grants, scope};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each rule of a Role or ClusterRole that grants a verb that escalates privileges past
    /// RBAC's own guard: `escalate` or `bind` on `roles`/`clusterroles`, `impersonate` on
    /// `users`, `groups` or `serviceaccounts`, or `create` on `serviceaccounts/token`; wildcards
    /// included.
    ///
    /// ## Why is this bad?
    /// RBAC refuses to let a subject grant permissions it does not hold — unless it has
    /// `escalate` (edit roles beyond its own) or `bind` (bind roles it does not hold).
    /// `impersonate` acts as any user or group, `system:masters` included; creating tokens for a
    /// service account takes its permissions. Each turns a limited role into any role.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: role-manager
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles", "clusterrolebindings"]
    ///     verbs: ["create", "bind", "escalate"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: role-manager
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles", "clusterrolebindings"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    pub RbacPrivilegeEscalationVerbs {
        id: "RBC005",
        name: "rbac-privilege-escalation-verbs",
        severity: Severity::High,
        title: "Role grants verbs that escalate privileges",
        help: "remove `escalate`, `bind` and `impersonate` (and `create` on tokens) from the role",
        references: ["Kubernetes documentation: RBAC Good Practices (privilege escalation risks)"],
        peers: ["checkov:CKV_K8S_157 (partial: `bind`)", "checkov:CKV_K8S_158 (partial: `escalate`)",
                "trivy:KSV-0050 (partial: roles and rolebindings)",
                "trivy:KSV-0043 (partial: `impersonate` on groups)",
                "checkov:CKV2_K8S_3 (partial: `impersonate`, roles bound to a ServiceAccount or Node)"],
        since: "0.1.0",
    }
}

impl Rule for RbacPrivilegeEscalationVerbs {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        let Some(rules) = rbac::role_rules(obj) else { return };
        for rule in &rules {
            let grants = escalation_grants(rule);
            if grants.is_empty() {
                continue;
            }
            out.report(
                Self::META,
                At::Object(obj, obj.field(&rule.path("verbs"))),
                format!(
                    "{} grants {} (rules[{}]): it can give itself any permission {}",
                    describe_role(obj),
                    grants.join(", "),
                    rule.index,
                    scope(obj)
                ),
            );
        }
    }
}
