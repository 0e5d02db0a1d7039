//! A diagnostic's `relatedInformation`: the other objects of the workspace a finding involves.
//!
//! The server keeps no rule logic, but pointing at another object means knowing which rules are
//! about which objects. That knowledge is kept to this table of rule ids (public API, stable):
//!
//! - about a namespace's policy or labels — `namespace-default-deny-missing` (NET001),
//!   `network-policy-not-covering-pod` (NET002), `namespace-pss-enforce-missing` (NSP001),
//!   `pss-admission-rejected` (NSP002), `pss-admission-warning` (NSP003): the Namespace object of
//!   the finding's namespace; for NET001 and NET002 also each NetworkPolicy of that namespace;
//! - `service-account-token-automount` (POD021): the pod's ServiceAccount (`serviceAccountName`,
//!   else `default`).
//!
//! The finding's namespace is the one of the object it was reported at, found again in the
//! inventory by file, document, kind and name, so the same cluster and `default` namespace of a
//! directory count as for the rules; the other objects come from the inventory's indexes and
//! one map of NetworkPolicies by namespace, built once per publish. An object is never related
//! to itself, and at most [`MAX_RELATED`] entries are given.

use std::collections::HashMap;

use kubeharden::model::{K8sObject, NsKey};
use kubeharden::syntax::Node;
use kubeharden::{Finding, Inventory};
use lsp_types::{DiagnosticRelatedInformation, Location, Position, Range, Url};

use crate::text::Lines;

/// The most related entries of one diagnostic.
pub const MAX_RELATED: usize = 10;

/// Rules about a namespace's policy or labels: related to its Namespace object.
const NAMESPACE_RULES: &[&str] = &["NET001", "NET002", "NSP001", "NSP002", "NSP003"];
/// Rules about a namespace's NetworkPolicies: related to each of them too.
const POLICY_RULES: &[&str] = &["NET001", "NET002"];
/// Rules about a pod's ServiceAccount.
const SERVICE_ACCOUNT_RULES: &[&str] = &["POD021"];

/// An open document: its URI, text and line starts (for UTF-16 positions).
pub struct OpenText<'t> {
    pub uri: &'t Url,
    pub text: &'t str,
    pub lines: Lines,
}

/// The workspace's objects that diagnostics may point at, for one publish.
pub struct Related<'i, 'a> {
    inventory: &'i Inventory<'a>,
    /// Source name → its index in the inventory's sources.
    slots: &'i HashMap<String, usize>,
    /// Source name → the open document's text.
    open: &'i HashMap<&'i str, OpenText<'i>>,
    /// (cluster, namespace name) → the NetworkPolicies there.
    policies: HashMap<(u32, &'a str), Vec<&'i K8sObject<'a>>>,
}

impl<'i, 'a> Related<'i, 'a> {
    /// The index over `inventory`, whose sources `slots` names.
    pub fn new(
        inventory: &'i Inventory<'a>,
        slots: &'i HashMap<String, usize>,
        open: &'i HashMap<&'i str, OpenText<'i>>,
    ) -> Self {
        let mut policies: HashMap<(u32, &'a str), Vec<&'i K8sObject<'a>>> = HashMap::new();
        for p in inventory.of_kind("NetworkPolicy").filter(|o| o.group() == "networking.k8s.io") {
            if let Some(ns) = p.namespace() {
                policies.entry((p.cluster, ns)).or_default().push(p);
            }
        }
        Related { inventory, slots, open, policies }
    }

    /// The related information of a finding; `None` when it has none.
    pub fn of(&self, f: &Finding) -> Option<Vec<DiagnosticRelatedInformation>> {
        let rule = f.rule.as_str();
        let namespace_rule = NAMESPACE_RULES.contains(&rule);
        let sa_rule = SERVICE_ACCOUNT_RULES.contains(&rule);
        if !namespace_rule && !sa_rule {
            return None;
        }
        let anchor = self.anchor(f)?;
        let ns = anchor.ns_key().or_else(|| {
            (anchor.kind == "Namespace").then(|| NsKey::named(anchor.cluster, anchor.name().unwrap_or("")))
        })?;
        let mut out = Vec::new();
        let mut add = |obj: &K8sObject<'_>, message: String| {
            if out.len() < MAX_RELATED && !std::ptr::eq(obj.node, anchor.node) {
                if let Some(location) = self.location(obj) {
                    out.push(DiagnosticRelatedInformation { location, message });
                }
            }
        };
        if namespace_rule {
            for n in self.inventory.namespaces(ns) {
                add(n, format!("Namespace `{}` (its labels)", ns.name));
            }
        }
        if POLICY_RULES.contains(&rule) {
            // A Namespace object's finding stands for every `default` namespace of its name.
            let scoped = anchor.kind != "Namespace";
            let policies = self.policies.get(&(ns.cluster, ns.name)).map(Vec::as_slice).unwrap_or_default();
            for p in policies.iter().filter(|p| !scoped || p.ns_key() == Some(ns)) {
                add(p, format!("NetworkPolicy `{}` of namespace `{}`", p.name().unwrap_or(""), ns.name));
            }
        }
        if sa_rule {
            if let Some(pod) = anchor.pod_spec() {
                let sa = ["serviceAccountName", "serviceAccount"]
                    .iter()
                    .find_map(|k| pod.node.get(k).and_then(Node::as_str).filter(|s| !s.is_empty()))
                    .unwrap_or("default");
                for o in self.inventory.get("ServiceAccount", ns, sa) {
                    add(o, format!("ServiceAccount `{sa}` of namespace `{}`", ns.name));
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The object a finding was reported at: in its file and document, of its object's kind and
    /// name; for a namespace's finding reported at a workload (no Namespace object), a workload
    /// of that document in the namespace.
    fn anchor(&self, f: &Finding) -> Option<&'i K8sObject<'a>> {
        let slot = *self.slots.get(f.file.as_deref()?)?;
        let r = f.object.as_ref()?;
        let document = f.document?;
        let in_doc = || self.inventory.objects_of(slot).filter(move |(o, _)| o.doc.index == document);
        let found = in_doc().find(|(o, _)| o.kind == r.kind && o.name() == r.name.as_deref()).or_else(|| {
            (r.kind == "Namespace").then_some(())?;
            in_doc().find(|(o, pod)| pod.is_some() && o.namespace().is_some() && o.namespace() == r.name.as_deref())
        });
        found.map(|(o, _)| o)
    }

    /// Where `obj` is: its file's URI, the range of its `metadata.name` (else of the object).
    fn location(&self, obj: &K8sObject<'_>) -> Option<Location> {
        let name = obj.doc.file.as_str();
        let node = obj.metadata.and_then(|m| m.get("name")).unwrap_or(obj.node);
        let open = self.open.get(name);
        let uri = match open {
            Some(o) => o.uri.clone(),
            None => uri_of(name)?,
        };
        let at = |line: u32, column: u32| {
            let (line, column) = (line.saturating_sub(1), column.saturating_sub(1));
            match open {
                Some(o) => o.lines.position(o.text, line, column),
                // Without the text, characters stand for UTF-16 units (the same for every character of the BMP).
                None => Position { line, character: column },
            }
        };
        Some(Location {
            uri,
            range: Range { start: at(node.pos.line, node.pos.column), end: at(node.end.line, node.end.column) },
        })
    }
}

/// The URI of a source name: a file path, or the URI the client gave (not a file).
fn uri_of(name: &str) -> Option<Url> {
    if std::path::Path::new(name).is_absolute() {
        Url::from_file_path(name).ok()
    } else {
        Url::parse(name).ok()
    }
}
