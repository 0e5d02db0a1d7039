use crate::api::Severity;
use crate::declare_rule;
use crate::model::{rbac, K8sObject};
use crate::rules::rbac::{describe_role, escalation_grants, exec_grants, scope, secrets_read_verbs};
use crate::rules::rbac::{RbacPodExec, RbacPrivilegeEscalationVerbs, RbacSecretsRead};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each rule of a Role or ClusterRole with `*` in `verbs`, `resources` or `apiGroups`.
    /// The finding names the wildcards; when the rule also grants what `rbac-secrets-read`,
    /// `rbac-pod-exec` or `rbac-privilege-escalation-verbs` flag, this one finding says so and
    /// stands for them (one finding per problem).
    ///
    /// ## Why is this bad?
    /// A wildcard grants more than anyone reviewed: every verb includes `delete`, `escalate` and
    /// `impersonate`; every resource includes secrets and the resources that API extensions and
    /// future Kubernetes versions add. Roles that list what they grant stay least-privilege as
    /// the cluster grows.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: operator
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: operator
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "update", "patch"]
    /// ```
    pub RbacWildcardPermission {
        id: "RBC002",
        name: "rbac-wildcard-permission",
        severity: Severity::High,
        title: "Role grants a wildcard",
        help: "list the API groups, resources and verbs the role needs instead of `*`",
        references: ["CIS Kubernetes Benchmark 5.1.3", "Kubernetes documentation: RBAC Good Practices"],
        peers: ["checkov:CKV_K8S_49 (partial: the first rule only)",
                "trivy:KSV-0044 (partial: all three wildcards)",
                "trivy:KSV-0045 (partial: a wildcard verb on listed resources)",
                "trivy:KSV-0046 (partial: ClusterRoles, `resources: [*]`)"],
        since: "0.1.0",
    }
}

impl Rule for RbacWildcardPermission {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        let Some(rules) = rbac::role_rules(obj) else { return };
        for rule in &rules {
            let fields: Vec<(&'static str, &[&str])> =
                vec![("verbs", &rule.verbs), ("resources", &rule.resources), ("apiGroups", &rule.api_groups)];
            let wild: Vec<&'static str> = fields.iter().filter(|(_, v)| v.contains(&"*")).map(|(f, _)| *f).collect();
            let Some(first) = wild.first() else { continue };
            let mut also = Vec::new();
            let secrets = !secrets_read_verbs(rule).is_empty();
            let exec = !exec_grants(rule).is_empty();
            let escalation = !escalation_grants(rule).is_empty();
            if secrets {
                also.push("reads secrets");
            }
            if exec {
                also.push("execs into pods");
            }
            if escalation {
                also.push("can escalate its own privileges");
            }
            let also = if also.is_empty() { String::new() } else { format!("; so it {}", also.join(", ")) };
            let listed: Vec<String> = wild.iter().map(|f| format!("`{f}`")).collect();
            let mut d = out.report(
                Self::META,
                At::Object(obj, obj.field(&rule.path(first))),
                format!(
                    "{} grants `*` in {} (rules[{}]) {}{also}",
                    describe_role(obj),
                    listed.join(" and "),
                    rule.index,
                    scope(obj)
                ),
            );
            if secrets {
                d = d.implies(RbacSecretsRead::META);
            }
            if exec {
                d = d.implies(RbacPodExec::META);
            }
            if escalation {
                d = d.implies(RbacPrivilegeEscalationVerbs::META);
            }
            drop(d);
        }
    }
}
