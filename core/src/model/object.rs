use serde::{Deserialize, Serialize};

use super::pod::PodSpec;
use crate::location::FieldPath;
use crate::syntax::Node;

/// One parsed document of an input file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The file name as given in the request.
    pub file: String,
    /// 0-based index of the document in its file.
    pub index: usize,
    /// The root node.
    pub root: Node,
    /// The Helm template the document was rendered from (`# Source:` comment), if any.
    pub source: Option<String>,
}

/// The identity of a Kubernetes object, as reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `apps/v1`, `v1`, ...
    pub api_version: Option<String>,
    /// `Deployment`, ...
    pub kind: String,
    /// The namespace, for namespaced objects (`default` when the manifest has none).
    pub namespace: Option<String>,
    /// `metadata.name` (or `generateName`).
    pub name: Option<String>,
}

/// Kinds that are not namespaced (the ones a manifest set is likely to hold).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "IngressClass",
    "RuntimeClass",
    "PodSecurityPolicy",
    "CSIDriver",
    "ClusterIssuer",
    "VolumeSnapshotClass",
];

/// The built-in kinds kubeharden reads (pod-bearing kinds, and the kinds of the cross-resource
/// rules). A kind that matches one of them only when case or surrounding spaces are ignored
/// (`kind: pod`, `kind: "Pod "`) is an input error: the API server rejects it, and no rule would
/// see the object.
const BUILTIN_KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Namespace",
    "NetworkPolicy",
    "Secret",
    "ConfigMap",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Service",
    "List",
];

/// Whether an API group is Kubernetes' own: the core group, a group without a dot (`apps`,
/// `batch`), or a `*.k8s.io` group. Anything else is a custom resource's group.
#[must_use]
pub fn builtin_group(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io")
}

/// The built-in kind `kind` nearly is: equal once case and surrounding spaces are ignored, but
/// not equal as written.
fn near_builtin_kind(kind: &str) -> Option<&'static str> {
    if BUILTIN_KINDS.contains(&kind) {
        return None;
    }
    BUILTIN_KINDS.iter().copied().find(|k| k.eq_ignore_ascii_case(kind.trim()))
}

/// A Kubernetes object found in a document (the document itself, or an item of a `kind: List`).
#[derive(Clone, Debug)]
pub struct K8sObject<'a> {
    /// The document it is in.
    pub doc: &'a Document,
    /// The object's node.
    pub node: &'a Node,
    /// Path from the document root to the object (empty, or `items[3]` inside a List).
    pub path: FieldPath,
    /// `apiVersion`.
    pub api_version: &'a str,
    /// `kind`.
    pub kind: &'a str,
    /// `metadata`, if it is a mapping.
    pub metadata: Option<&'a Node>,
    /// The cluster of its input (set by the inventory; ARCHITECTURE.md, "Clusters").
    pub cluster: u32,
    /// For a namespaced object without `metadata.namespace`, the `default` namespace it is in
    /// (one per directory of the input, set by the inventory); 0 for every other object.
    pub scope: u32,
}

/// A namespace across inputs: its name, the cluster it is in, and for the `default` namespace
/// of objects without `metadata.namespace`, which one (0 for a namespace named in a manifest).
/// Cross-resource lookups compare these, never bare names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NsKey<'a> {
    /// The cluster.
    pub cluster: u32,
    /// 0, or the `default` namespace of one directory's objects without a namespace.
    pub scope: u32,
    /// The namespace's name.
    pub name: &'a str,
}

impl<'a> NsKey<'a> {
    /// The namespace named `name` in the manifests of cluster `cluster`.
    #[must_use]
    pub const fn named(cluster: u32, name: &'a str) -> Self {
        NsKey { cluster, scope: 0, name }
    }
}

/// What a document holds: Kubernetes objects, and problems that make a document unreadable as one.
#[derive(Debug, Default)]
pub struct Extracted<'a> {
    /// The objects (List items expanded, nested Lists too).
    pub objects: Vec<K8sObject<'a>>,
    /// Documents that look like Kubernetes objects but cannot be one: (path, message).
    pub problems: Vec<(FieldPath, String)>,
}

impl<'a> K8sObject<'a> {
    /// Every Kubernetes object in a document. Documents that are not Kubernetes objects (no
    /// `kind`: compose files, CI configs) give nothing.
    #[must_use]
    pub fn extract(doc: &'a Document) -> Extracted<'a> {
        let mut out = Extracted::default();
        collect(doc, &doc.root, FieldPath::root(), &mut out, 0);
        out
    }

    /// `metadata.name`, else `metadata.generateName`.
    #[must_use]
    pub fn name(&self) -> Option<&'a str> {
        let m = self.metadata?;
        m.get("name").and_then(Node::as_str).or_else(|| m.get("generateName").and_then(Node::as_str))
    }

    /// `metadata.namespace` as written.
    #[must_use]
    pub fn namespace_field(&self) -> Option<&'a str> {
        self.metadata?.get("namespace").and_then(Node::as_str)
    }

    /// Whether objects of this kind live in a namespace.
    #[must_use]
    pub fn is_namespaced(&self) -> bool {
        !CLUSTER_SCOPED.contains(&self.kind)
    }

    /// The namespace the object lives in (`default` when unset), `None` for cluster-scoped kinds.
    #[must_use]
    pub fn namespace(&self) -> Option<&'a str> {
        if self.is_namespaced() {
            Some(self.namespace_field().unwrap_or("default"))
        } else {
            None
        }
    }

    /// The namespace the object lives in, across inputs; `None` for cluster-scoped kinds.
    #[must_use]
    pub fn ns_key(&self) -> Option<NsKey<'a>> {
        Some(NsKey { cluster: self.cluster, scope: self.scope, name: self.namespace()? })
    }

    /// The API group of `apiVersion` (`apps` of `apps/v1`, empty for the core group).
    #[must_use]
    pub fn group(&self) -> &'a str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// A label value.
    #[must_use]
    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.metadata?.get("labels")?.get(key)?.as_str()
    }

    /// An annotation value.
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.metadata?.get("annotations")?.get(key)?.as_str()
    }

    /// Path of a field given relative to the object.
    #[must_use]
    pub fn field(&self, rel: &FieldPath) -> FieldPath {
        self.path.join(rel)
    }

    /// The object's identity for reports.
    #[must_use]
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            api_version: Some(self.api_version.to_owned()),
            kind: self.kind.to_owned(),
            namespace: self.namespace().map(str::to_owned),
            name: self.name().map(str::to_owned),
        }
    }

    /// The pod spec this object carries or would create, if it is pod-bearing: Pod (`spec`),
    /// PodTemplate (`template.spec`), CronJob (`spec.jobTemplate.spec.template.spec`), and any
    /// object with a pod template at `spec.template.spec` or `spec.jobTemplate.spec.template.spec`.
    #[must_use]
    pub fn pod_spec(&self) -> Option<PodSpec<'a>> {
        PodSpec::of(self)
    }
}

fn collect<'a>(doc: &'a Document, node: &'a Node, path: FieldPath, out: &mut Extracted<'a>, depth: usize) {
    let kind = node.get("kind").and_then(Node::as_str);
    let api_version = node.get("apiVersion").and_then(Node::as_str);
    let Some(kind) = kind else {
        // `kind: 5` or `kind: null` in something that otherwise looks like an object is not
        // skipped silently.
        if let Some(k) = node.get("kind") {
            if node.get("apiVersion").is_some() || node.get("metadata").is_some() {
                out.problems.push((path.key("kind"), format!("`kind` is {}, but it must be a string", k.short())));
            }
        }
        return;
    };
    if let Some(good) = near_builtin_kind(kind) {
        let group = api_version.and_then(|v| v.rsplit_once('/')).map_or("", |(g, _)| g);
        if builtin_group(group) {
            out.problems.push((
                path.key("kind"),
                format!(
                    "`kind: {kind:?}` is not a Kubernetes kind (kinds are exact and case-sensitive; the API server rejects it): did you mean `{good}`?"
                ),
            ));
            return;
        }
    }
    if is_list_kind(kind) {
        if let Some(items) = node.get("items").filter(|i| !i.is_null() && i.as_seq().is_none()) {
            out.problems.push((
                path.key("items"),
                format!("`items` of a `kind: {kind}` is {}, but it must be a list", items.short()),
            ));
            return;
        }
    }
    if let Some(v) = node.get("apiVersion").filter(|v| !v.is_null() && v.as_str().is_none()) {
        out.problems.push((path.key("apiVersion"), format!("`apiVersion` is {}, but it must be a string", v.short())));
        return;
    }
    // `kind: List` (kubectl get -o json|yaml), and `*List` kinds such as `PodList`.
    if let Some(items) = node.get("items").and_then(Node::as_seq) {
        if is_list_kind(kind) {
            if depth > 32 {
                out.problems.push((path, "lists nested deeper than 32 levels".to_owned()));
                return;
            }
            let items_path = path.key("items");
            for (i, item) in items.iter().enumerate() {
                if item.get("kind").is_none() {
                    out.problems.push((items_path.index(i), item_without_kind(kind, i, &item.short())));
                    continue;
                }
                collect(doc, item, items_path.index(i), out, depth + 1);
            }
            return;
        }
    }
    let Some(api_version) = api_version else {
        if kind.chars().next().is_some_and(char::is_uppercase) && node.get("metadata").is_some() {
            out.problems.push((path, format!("the document has `kind: {kind}` but no `apiVersion`")));
        }
        return;
    };
    let metadata = node.get("metadata").filter(|m| m.as_map().is_some());
    out.objects.push(K8sObject { doc, node, path, api_version, kind, metadata, cluster: 0, scope: 0 });
}

/// Whether a `kind` names a list of objects: `List` (`kubectl get -o json|yaml`) or `*List`
/// (`PodList`).
#[must_use]
pub fn is_list_kind(kind: &str) -> bool {
    kind.ends_with("List")
}

/// The problem of item `index` of a `kind: <list_kind>` that has no `kind` (`short` is the
/// item's [`Node::short`]): kubectl refuses such an item (`Object 'Kind' is missing`), so it is
/// an input error, never skipped silently. Shared by the inventory and the item-by-item reader
/// ([`crate::source::read_list_items`]).
#[must_use]
pub fn item_without_kind(list_kind: &str, index: usize, short: &str) -> String {
    format!("item {index} of a `kind: {list_kind}` is {short}, not a Kubernetes object with a `kind`")
}
