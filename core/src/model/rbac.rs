//! RBAC objects as the rules read them (`rbac.authorization.k8s.io`): Roles and ClusterRoles
//! with their policy rules, RoleBindings and ClusterRoleBindings with their role and subjects.
//! Matching follows Kubernetes' authorizer (`rbac/v1` helpers): `*` matches every verb, group or
//! resource (subresources included), `pods/*` every subresource of pods.
//!
//! Lenient as the rest of the model: a list field given as one string (`verbs: "*"`, which the
//! API server rejects) is read as a list of that string, so a mistyped wildcard still counts;
//! items that are not strings are skipped.

use super::{K8sObject, NsKey};
use crate::location::FieldPath;
use crate::syntax::Node;

/// The RBAC API group.
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// One entry of a Role's or ClusterRole's `rules`.
#[derive(Clone, Debug)]
pub struct RbacRule<'a> {
    /// Index in `rules`.
    pub index: usize,
    /// `apiGroups` (`""` is the core group).
    pub api_groups: Vec<&'a str>,
    /// `resources` (`pods`, `pods/exec`, `*`).
    pub resources: Vec<&'a str>,
    /// `verbs`.
    pub verbs: Vec<&'a str>,
    /// `resourceNames`: empty means every object.
    pub resource_names: Vec<&'a str>,
}

impl RbacRule<'_> {
    /// Whether the rule allows `verb` (`*` allows every verb).
    #[must_use]
    pub fn verb(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| *v == verb || *v == "*")
    }

    /// Whether the rule applies to API group `group` (`*` is every group).
    #[must_use]
    pub fn group(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| *g == group || *g == "*")
    }

    /// Whether the rule applies to `resource` (`pods`, `pods/exec`): named, `*`, or for a
    /// subresource `<resource>/*`.
    #[must_use]
    pub fn resource(&self, resource: &str) -> bool {
        let all_sub = resource.split_once('/').map(|(base, _)| base);
        self.resources
            .iter()
            .any(|r| *r == resource || *r == "*" || all_sub.is_some_and(|b| r.strip_suffix("/*") == Some(b)))
    }

    /// Whether the rule allows `verb` on `resource` of `group`.
    #[must_use]
    pub fn grants(&self, group: &str, resource: &str, verb: &str) -> bool {
        self.group(group) && self.resource(resource) && self.verb(verb)
    }

    /// The path of this rule's `field` (`verbs`, `resources`...) relative to its object.
    #[must_use]
    pub fn path(&self, field: &'static str) -> FieldPath {
        FieldPath::root().key("rules").index(self.index).key(field)
    }
}

/// The strings of a list field (one string counts as a list of it).
fn strings(node: Option<&Node>) -> Vec<&str> {
    match node {
        Some(n) => match n.as_seq() {
            Some(items) => items.iter().filter_map(Node::as_str).collect(),
            None => n.as_str().into_iter().collect(),
        },
        None => Vec::new(),
    }
}

/// Whether `obj` is an RBAC object of kind `kind`.
#[must_use]
pub fn is_rbac(obj: &K8sObject<'_>, kind: &str) -> bool {
    obj.kind == kind && obj.group() == RBAC_GROUP
}

/// The policy rules of a Role or ClusterRole; `None` for any other object.
#[must_use]
pub fn role_rules<'a>(obj: &K8sObject<'a>) -> Option<Vec<RbacRule<'a>>> {
    if !(is_rbac(obj, "Role") || is_rbac(obj, "ClusterRole")) {
        return None;
    }
    let rules = obj.node.get("rules").and_then(Node::as_seq).unwrap_or_default();
    Some(
        rules
            .iter()
            .enumerate()
            .map(|(index, r)| RbacRule {
                index,
                api_groups: strings(r.get("apiGroups")),
                resources: strings(r.get("resources")),
                verbs: strings(r.get("verbs")),
                resource_names: strings(r.get("resourceNames")),
            })
            .collect(),
    )
}

/// A subject of a binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject<'a> {
    /// Index in `subjects`.
    pub index: usize,
    /// `User`, `Group` or `ServiceAccount`.
    pub kind: &'a str,
    /// `name`.
    pub name: &'a str,
    /// `namespace` of a ServiceAccount; for a RoleBinding's ServiceAccount without one, the
    /// binding's namespace (as the authorizer reads it).
    pub namespace: Option<&'a str>,
    /// The namespace of a ServiceAccount across inputs: the binding's own namespace when the
    /// subject names none, else the namespace named in the binding's cluster.
    pub ns_key: Option<NsKey<'a>>,
}

impl Subject<'_> {
    /// `ServiceAccount `ns/name``, `User `alice``, `Group `devs``.
    #[must_use]
    pub fn describe(&self) -> String {
        match self.namespace.filter(|_| self.kind == "ServiceAccount") {
            Some(ns) => format!("{} `{ns}/{}`", self.kind, self.name),
            None => format!("{} `{}`", self.kind, self.name),
        }
    }

    /// Whether this subject covers service account `name` of namespace `ns`: the account
    /// itself, or the groups `system:serviceaccounts` and `system:serviceaccounts:<ns>`.
    #[must_use]
    pub fn covers_service_account(&self, ns: &str, name: &str) -> bool {
        match self.kind {
            "ServiceAccount" => self.name == name && self.namespace == Some(ns),
            "Group" => {
                self.name == "system:serviceaccounts" || self.name.strip_prefix("system:serviceaccounts:") == Some(ns)
            }
            _ => false,
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Clone, Debug)]
pub struct Binding<'a> {
    /// `roleRef.kind` (`Role` or `ClusterRole`).
    pub role_kind: &'a str,
    /// `roleRef.name`.
    pub role_name: &'a str,
    /// `subjects`.
    pub subjects: Vec<Subject<'a>>,
}

/// The role and subjects of a RoleBinding or ClusterRoleBinding; `None` for any other object.
#[must_use]
pub fn binding<'a>(obj: &K8sObject<'a>) -> Option<Binding<'a>> {
    let namespaced = is_rbac(obj, "RoleBinding");
    if !namespaced && !is_rbac(obj, "ClusterRoleBinding") {
        return None;
    }
    let role = obj.node.get("roleRef");
    let role_kind = role.and_then(|r| r.get("kind")).and_then(Node::as_str).unwrap_or("");
    let role_name = role.and_then(|r| r.get("name")).and_then(Node::as_str).unwrap_or("");
    let subjects = obj
        .node
        .get("subjects")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(index, s)| {
            let kind = s.get("kind").and_then(Node::as_str)?;
            let name = s.get("name").and_then(Node::as_str)?;
            let mut namespace = s.get("namespace").and_then(Node::as_str).filter(|n| !n.is_empty());
            let mut ns_key = namespace.map(|n| NsKey::named(obj.cluster, n));
            if namespace.is_none() && namespaced && kind == "ServiceAccount" {
                namespace = obj.namespace();
                ns_key = obj.ns_key();
            }
            Some(Subject { index, kind, name, namespace, ns_key })
        })
        .collect();
    Some(Binding { role_kind, role_name, subjects })
}

#[cfg(test)]
mod tests {
    use super::RbacRule;

    fn rule<'a>(groups: &[&'a str], resources: &[&'a str], verbs: &[&'a str]) -> RbacRule<'a> {
        RbacRule {
            index: 0,
            api_groups: groups.to_vec(),
            resources: resources.to_vec(),
            verbs: verbs.to_vec(),
            resource_names: Vec::new(),
        }
    }

    #[test]
    fn matching_follows_the_authorizer() {
        assert!(rule(&[""], &["pods/*"], &["create"]).grants("", "pods/exec", "create"));
        assert!(rule(&["*"], &["*"], &["*"]).grants("", "pods/exec", "get"));
        assert!(!rule(&[""], &["pods"], &["create"]).grants("", "pods/exec", "create"));
        assert!(!rule(&["apps"], &["secrets"], &["get"]).grants("", "secrets", "get"));
        assert!(!rule(&[""], &["secrets/*"], &["get"]).grants("", "secrets", "get"));
    }
}
