//! Rules over RBAC objects (`rbac.authorization.k8s.io`): bindings to `cluster-admin`, and Roles
//! and ClusterRoles that grant wildcards, secrets, exec into pods or the verbs that escalate
//! privileges. They read the objects through [`crate::model::rbac`] (Kubernetes' own matching:
//! `*` matches every verb, group and resource).

mod rbac_cluster_admin_binding;
mod rbac_pod_exec;
mod rbac_privilege_escalation_verbs;
mod rbac_secrets_read;
mod rbac_wildcard_permission;

pub use rbac_cluster_admin_binding::RbacClusterAdminBinding;
pub use rbac_pod_exec::RbacPodExec;
pub use rbac_privilege_escalation_verbs::RbacPrivilegeEscalationVerbs;
pub use rbac_secrets_read::RbacSecretsRead;
pub use rbac_wildcard_permission::RbacWildcardPermission;

use crate::model::rbac::{RbacRule, RBAC_GROUP};
use crate::model::K8sObject;

/// `ClusterRole `name`` or `Role `ns/name``.
pub(crate) fn describe_role(obj: &K8sObject<'_>) -> String {
    let name = obj.name().unwrap_or("<unnamed>");
    match obj.namespace().filter(|_| obj.kind == "Role") {
        Some(ns) => format!("{} `{ns}/{name}`", obj.kind),
        None => format!("{} `{name}`", obj.kind),
    }
}

/// Where a role's grant applies: every namespace for a ClusterRole (a ClusterRoleBinding gives
/// it cluster-wide), its namespace for a Role.
pub(crate) fn scope(obj: &K8sObject<'_>) -> String {
    match obj.namespace().filter(|_| obj.kind == "Role") {
        Some(ns) => format!("in namespace `{ns}`"),
        None => "in every namespace it is bound for".to_owned(),
    }
}

/// ` named `a`, `b`` when the rule has `resourceNames`, else "".
pub(crate) fn named(rule: &RbacRule<'_>) -> String {
    if rule.resource_names.is_empty() {
        return String::new();
    }
    let names: Vec<String> = rule.resource_names.iter().map(|n| format!("`{n}`")).collect();
    format!(" named {}", names.join(", "))
}

/// The verbs among `get`, `list`, `watch` that a rule grants on core-group `secrets`.
pub(crate) fn secrets_read_verbs<'v>(rule: &RbacRule<'_>) -> Vec<&'v str> {
    ["get", "list", "watch"].into_iter().filter(|v| rule.grants("", "secrets", v)).collect()
}

/// The (subresource, verb) pairs of `pods/exec` and `pods/attach` with `create` or `get` that a
/// rule grants (the API accepts `get` for exec over websockets).
pub(crate) fn exec_grants<'v>(rule: &RbacRule<'_>) -> Vec<(&'v str, &'v str)> {
    let mut out = Vec::new();
    for sub in ["pods/exec", "pods/attach"] {
        for verb in ["create", "get"] {
            if rule.grants("", sub, verb) {
                out.push((sub, verb));
            }
        }
    }
    out
}

/// What of the privilege-escalation grants a rule gives: `escalate`/`bind` on roles and
/// clusterroles, `impersonate` on users, groups and serviceaccounts, `create` on
/// `serviceaccounts/token`; each as `` `verb` on `resource` ``.
pub(crate) fn escalation_grants(rule: &RbacRule<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for verb in ["escalate", "bind"] {
        for res in ["roles", "clusterroles"] {
            if rule.grants(RBAC_GROUP, res, verb) {
                out.push(format!("`{verb}` on `{res}`"));
            }
        }
    }
    for res in ["users", "groups", "serviceaccounts"] {
        if rule.grants("", res, "impersonate") {
            out.push(format!("`impersonate` on `{res}`"));
        }
    }
    if rule.grants("", "serviceaccounts/token", "create") {
        out.push("`create` on `serviceaccounts/token`".to_owned());
    }
    out
}
