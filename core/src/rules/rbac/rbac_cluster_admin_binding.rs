use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::{rbac, K8sObject};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each subject of a RoleBinding or ClusterRoleBinding whose `roleRef` is the
    /// `cluster-admin` ClusterRole, unless the subject is a `system:` group (Kubernetes binds
    /// `system:masters` itself). A ClusterRoleBinding gives full control of the cluster; a
    /// RoleBinding full control of its namespace, the namespace's RBAC included.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` allows every verb on every resource. Whoever holds the subject's
    /// credentials — a person's kubeconfig, a CI token, the token of a pod's service account —
    /// can read every secret, run anything on any node and grant themselves anything. Bind a role
    /// that grants what the subject needs instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: deployer
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: deployer
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    pub RbacClusterAdminBinding {
        id: "RBC001",
        name: "rbac-cluster-admin-binding",
        severity: Severity::High,
        title: "Binding grants cluster-admin",
        help: "bind a Role or ClusterRole with only the verbs and resources the subject needs, not `cluster-admin`",
        references: ["CIS Kubernetes Benchmark 5.1.1", "Kubernetes documentation: RBAC Good Practices"],
        peers: ["trivy:KSV-0111 (partial: also `admin` and `edit`, and `system:` groups)"],
        since: "0.1.0",
    }
}

impl Rule for RbacClusterAdminBinding {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        let Some(binding) = rbac::binding(obj) else { return };
        if binding.role_kind != "ClusterRole" || binding.role_name != "cluster-admin" {
            return;
        }
        let what = match obj.namespace().filter(|_| obj.kind == "RoleBinding") {
            Some(ns) => format!("full control of namespace `{ns}`"),
            None => "full control of the cluster".to_owned(),
        };
        for s in &binding.subjects {
            if s.kind == "Group" && s.name.starts_with("system:") {
                continue;
            }
            let path = FieldPath::root().key("subjects").index(s.index);
            out.report(
                Self::META,
                At::Object(obj, obj.field(&path)),
                format!(
                    "{} `{}` grants ClusterRole `cluster-admin` to {}: {what}",
                    obj.kind,
                    obj.name().unwrap_or("<unnamed>"),
                    s.describe()
                ),
            );
        }
    }
}
