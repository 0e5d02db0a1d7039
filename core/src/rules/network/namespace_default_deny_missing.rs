use crate::api::Severity;
use crate::declare_rule;
use crate::model::Inventory;
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
    pub NamespaceDefaultDenyMissing {
        id: "NET001",
        name: "namespace-default-deny-missing",
        severity: Severity::High,
        title: "Namespace has no default-deny NetworkPolicy",
        help: "add a default-deny NetworkPolicy (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) to the namespace",
        references: ["Kubernetes: Network Policies, Default policies", "NSA/CISA Kubernetes Hardening Guide: Network separation"],
        peers: ["kube-linter:non-isolated-pod"],
        since: "0.1.0",
    }
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
            );
        }
    }
}
