use crate::api::Severity;
use crate::declare_rule;
use crate::fix::{NewValue, Op, Plan};
use crate::model::{Inventory, NsKey};
use crate::netpol::Direction;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each namespace with workloads in the input that has no default-deny NetworkPolicy
    /// for ingress, for egress, or for either: one finding per namespace, which names the
    /// directions that lack one. A default-deny policy selects every pod of its
    /// namespace (`podSelector: {}`), applies to the direction (`policyTypes`; Egress is only
    /// implied when the policy has egress rules) and has no rule that allows everything on every
    /// port. Policies in other namespaces do not count: a NetworkPolicy only selects pods of its
    /// own namespace. In a namespace where no NetworkPolicy applies to a direction at all, this
    /// finding stands for its workloads: `network-policy-not-covering-pod` does not repeat it for
    /// each of them (it does when this rule is off).
    ///
    /// ## Why is this bad?
    /// A pod that no NetworkPolicy selects accepts traffic from, and may connect to, anything.
    /// "Deny all by default, allow only named paths" needs a default-deny in each namespace, so a
    /// new workload starts isolated instead of open.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   template:
    ///     metadata: {labels: {app: api}}
    ///     spec:
    ///       containers: [{name: api, image: registry.example.com/api:1.0.0}]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   template:
    ///     metadata: {labels: {app: api}}
    ///     spec:
    ///       containers: [{name: api, image: registry.example.com/api:1.0.0}]
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny-all, namespace: prod}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: adds a NetworkPolicy to the file of the finding (a new YAML document, or an item
    /// of a JSON `kind: List`) that selects every pod of the namespace and denies the missing
    /// directions — one policy `default-deny` for both, whose egress still allows DNS (port 53 to the
    /// cluster's `k8s-app: kube-dns` pods). Every connection that no other policy allows stops: add
    /// the allowing policies first (`kubeharden netpol` shows what is allowed). No fix in a JSON file
    /// that holds a single object.
    pub NamespaceDefaultDenyMissing {
        id: "NET001",
        name: "namespace-default-deny-missing",
        severity: Severity::High,
        title: "Namespace has no default-deny NetworkPolicy",
        help: "add a default-deny NetworkPolicy (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) to the namespace",
        references: ["Kubernetes: Network Policies, Default policies", "NSA/CISA Kubernetes Hardening Guide: Network separation"],
        peers: ["kube-linter:non-isolated-pod"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

/// The NetworkPolicy that denies the missing directions in `ns` (both: one policy), egress still allowed to the cluster's DNS on port 53.
fn default_deny_fix(input: &Inventory<'_>, key: NsKey<'_>, missing: &[Direction]) -> Plan {
    let ns = key.name;
    let both = missing.len() == Direction::BOTH.len();
    let base = match missing {
        [Direction::Ingress] => "default-deny-ingress",
        [Direction::Egress] => "default-deny-egress",
        _ => "default-deny",
    };
    let taken = |n: &str| input.get("NetworkPolicy", key, n).next().is_some();
    let name = if taken(base) { format!("{base}-kubeharden") } else { base.to_owned() };
    let types: Vec<NewValue> = missing.iter().map(|d| NewValue::str(d.as_str())).collect();
    let mut spec =
        vec![("podSelector".to_owned(), NewValue::Map(Vec::new())), ("policyTypes".to_owned(), NewValue::Seq(types))];
    if missing.contains(&Direction::Egress) {
        let port = |p: &str| NewValue::map([("protocol", NewValue::str(p)), ("port", NewValue::Int(53))]);
        let dns = NewValue::map([
            ("namespaceSelector", NewValue::Map(Vec::new())),
            ("podSelector", NewValue::map([("matchLabels", NewValue::map([("k8s-app", NewValue::str("kube-dns"))]))])),
        ]);
        spec.push((
            "egress".to_owned(),
            NewValue::Seq(vec![NewValue::map([
                ("to", NewValue::Seq(vec![dns])),
                ("ports", NewValue::Seq(vec![port("UDP"), port("TCP")])),
            ])]),
        ));
    }
    // The `default` of a directory's objects without a namespace is theirs alone: the policy, added
    // to the finding's file, names no namespace either, and so lands in the same one.
    let mut metadata = vec![("name".to_owned(), NewValue::str(name.clone()))];
    if key.scope == 0 {
        metadata.push(("namespace".to_owned(), NewValue::str(ns)));
    }
    let policy = NewValue::map([
        ("apiVersion", NewValue::str("networking.k8s.io/v1")),
        ("kind", NewValue::str("NetworkPolicy")),
        ("metadata", NewValue::Map(metadata)),
        ("spec", NewValue::Map(spec)),
    ]);
    let what = if both {
        "ingress and egress (DNS still allowed)"
    } else if missing.contains(&Direction::Egress) {
        "egress (DNS still allowed)"
    } else {
        "ingress"
    };
    Plan::unsafe_fix(format!("add the NetworkPolicy `{name}` denying {what} in namespace `{ns}`"))
        .op(Op::AddDocument { value: policy })
}

impl Rule for NamespaceDefaultDenyMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        let model = input.network();
        for &ns in model.namespaces.keys() {
            let count = model.workloads_in(ns).len();
            if count == 0 {
                continue;
            }
            let missing: Vec<Direction> =
                Direction::BOTH.into_iter().filter(|&d| model.default_deny(ns, d).is_none()).collect();
            if missing.is_empty() {
                continue;
            }
            let dirs = missing.iter().map(|d| d.field()).collect::<Vec<_>>().join(" and ");
            let types = missing.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ");
            let what = missing
                .iter()
                .map(|d| match d {
                    Direction::Ingress => "accept traffic from anywhere",
                    Direction::Egress => "may connect anywhere",
                })
                .collect::<Vec<_>>()
                .join(" and ");
            let open: Vec<&str> =
                missing.iter().filter(|&&d| !model.has_policy_for(ns, d)).map(|d| d.field()).collect();
            let open = match open.as_slice() {
                [] => String::new(),
                dirs => format!("; no NetworkPolicy of the namespace applies to {}", dirs.join(" or ")),
            };
            super::namespace_finding(
                Self::META,
                input,
                ns,
                out,
                format!(
                    "namespace {} ({count} workload{}) has no default-deny NetworkPolicy for {dirs} (`podSelector: {{}}` with `policyTypes: [{types}]`): pods that no policy selects {what}{open}",
                    input.describe_ns(ns),
                    if count == 1 { "" } else { "s" },
                ),
                Some(default_deny_fix(input, ns, &missing)),
            );
        }
    }
}
