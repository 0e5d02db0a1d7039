//! NetworkPolicy rules (the checklist's "deny all by default, allow only named paths"), over
//! the whole input through [`crate::netpol::NetworkModel`].

mod namespace_default_deny_missing;
mod network_policy_allows_all;
mod network_policy_invalid;
mod network_policy_not_covering_pod;
mod network_policy_selects_nothing;

pub use namespace_default_deny_missing::NamespaceDefaultDenyMissing;
pub use network_policy_allows_all::NetworkPolicyAllowsAll;
pub use network_policy_invalid::NetworkPolicyInvalid;
pub use network_policy_not_covering_pod::NetworkPolicyNotCoveringPod;
pub use network_policy_selects_nothing::NetworkPolicySelectsNothing;

use crate::location::FieldPath;
use crate::model::{Inventory, NsKey, ObjectRef};
use crate::rules::{At, Place, RuleMeta, Sink};

/// Reports a finding about namespace `ns` (with its fix, if any): on its Namespace object when the input has one, else
/// with `object: {kind: Namespace, name}` at the first workload of the namespace (the directory
/// then joins the fingerprint for the `default` namespace of a directory's objects without a
/// namespace: there is one per directory).
pub(crate) fn namespace_finding(
    meta: &'static RuleMeta,
    input: &Inventory<'_>,
    ns: NsKey<'_>,
    out: &mut Sink,
    message: String,
    fix: Option<crate::fix::Plan>,
) {
    let with_fix = |d: crate::rules::Diagnostic<'_, '_>| {
        if let Some(fix) = fix {
            d.fix(fix);
        }
    };
    let model = input.network();
    if let Some(obj) = model.namespaces.get(&ns).and_then(|n| n.object.as_ref()) {
        with_fix(out.report(meta, At::Object(obj, obj.field(&FieldPath::root().key("metadata").key("name"))), message));
        return;
    }
    let first = model.workloads_in(ns).first().and_then(|&w| model.workloads.get(w));
    let (file, document, pos) = match first {
        Some(w) => {
            let o = &w.object;
            let rel = if o.namespace_field().is_some() {
                FieldPath::root().key("metadata").key("namespace")
            } else {
                FieldPath::root().key("metadata")
            };
            let (pos, _) = o.doc.root.resolve(&o.field(&rel));
            (Some(o.doc.file.clone()), Some(o.doc.index), Some(pos))
        }
        None => (None, None, None),
    };
    let place = Place {
        file,
        document,
        pos,
        end_line: None,
        object: Some(ObjectRef {
            api_version: Some("v1".to_owned()),
            kind: "Namespace".to_owned(),
            namespace: None,
            name: Some(ns.name.to_owned()),
        }),
        path: None,
        container: None,
        scope: input.default_directory(ns).map(str::to_owned),
    };
    with_fix(out.report(meta, At::Place(place), message));
}
