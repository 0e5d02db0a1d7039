use crate::api::Severity;
use crate::declare_rule;
use crate::model::{rbac, K8sObject};
use crate::rules::rbac::{describe_role, exec_grants, named, scope};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each rule of a Role or ClusterRole that grants `create` on `pods/exec` or
    /// `pods/attach` — or `get`, which the API server also accepts for exec and attach over
    /// websockets — wildcards included (`pods/*`, `*`).
    ///
    /// ## Why is this bad?
    /// Exec runs any command in a running container, with its service account token, its
    /// mounted secrets and its network access; attach reaches the container's console. A role
    /// meant for debugging becomes a way into every workload it covers. Grant it to people for a
    /// time, not to service accounts.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debug
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/exec"]
    ///     verbs: ["get", "create"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debug
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/log"]
    ///     verbs: ["get"]
    /// ```
    pub RbacPodExec {
        id: "RBC004",
        name: "rbac-pod-exec",
        severity: Severity::Medium,
        title: "Role grants exec or attach into pods",
        help: "remove `create` on `pods/exec` and `pods/attach` from the role, or keep it to a break-glass role",
        references: ["Kubernetes documentation: RBAC Good Practices (exec)"],
        peers: ["trivy:KSV-0053 (partial: `pods/exec` only, write verbs)",
                "checkov:CKV2_K8S_2 (partial: `create` on `pods/exec`, roles bound to a ServiceAccount or Node)"],
        since: "0.1.0",
    }
}

impl Rule for RbacPodExec {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        let Some(rules) = rbac::role_rules(obj) else { return };
        for rule in &rules {
            let grants = exec_grants(rule);
            if grants.is_empty() {
                continue;
            }
            let listed: Vec<String> = grants.iter().map(|(s, v)| format!("`{v}` on `{s}`")).collect();
            out.report(
                Self::META,
                At::Object(obj, obj.field(&rule.path("resources"))),
                format!(
                    "{} grants {}{} (rules[{}]): it can run commands in the containers of pods {}",
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
