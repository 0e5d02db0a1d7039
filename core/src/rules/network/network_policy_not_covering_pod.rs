use crate::api::Severity;
use crate::declare_rule;
use crate::model::Inventory;
use crate::netpol::Direction;
use crate::rules::network::NamespaceDefaultDenyMissing;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each workload whose pods no NetworkPolicy of their namespace selects, for ingress,
    /// for egress, or for either: one finding per workload, which names the directions.
    /// Selection follows Kubernetes exactly: the policy's `podSelector` against the pod
    /// template's labels, only policies of the pod's own namespace, and only policies whose
    /// effective `policyTypes` include the direction. A direction to which no NetworkPolicy of
    /// the namespace applies at all is one problem of the namespace, reported once by
    /// `namespace-default-deny-missing` (when that rule runs), not once per workload.
    ///
    /// ## Why is this bad?
    /// Pods that no policy selects for a direction are not isolated in that direction: every
    /// source may reach them (ingress), or they may reach every destination (egress), whatever
    /// the other policies say.
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
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    pub NetworkPolicyNotCoveringPod {
        id: "NET002",
        name: "network-policy-not-covering-pod",
        severity: Severity::Medium,
        title: "Workload is selected by no NetworkPolicy",
        help: "add a NetworkPolicy whose `podSelector` matches the workload's pod labels",
        references: ["Kubernetes: Network Policies, The two sorts of pod isolation"],
        peers: ["kube-linter:non-isolated-pod", "kube-score:pod-networkpolicy", "polaris:missingNetworkPolicy"],
        since: "0.1.0",
    }
}

impl Rule for NetworkPolicyNotCoveringPod {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, cx: &Context, out: &mut Sink) {
        let model = input.network();
        let namespace_speaks = cx.runs(NamespaceDefaultDenyMissing::META);
        for (i, w) in model.workloads.iter().enumerate() {
            let Some(pod) = input.pods.get(w.pod) else { continue };
            let open: Vec<Direction> = Direction::BOTH
                .into_iter()
                .filter(|&d| model.policies_of(i, d).is_empty())
                .filter(|&d| !namespace_speaks || model.has_policy_for(w.ns, d))
                .collect();
            if open.is_empty() {
                continue;
            }
            let dirs = open.iter().map(|d| d.field()).collect::<Vec<_>>().join(" or ");
            let what = open
                .iter()
                .map(|d| match d {
                    Direction::Ingress => "every source may reach them",
                    Direction::Egress => "they may reach every destination",
                })
                .collect::<Vec<_>>()
                .join(" and ");
            let host = if pod.host_network.valid() == Some(true) {
                " (it uses `hostNetwork: true`, which most network plugins exempt from NetworkPolicies anyway)"
            } else {
                ""
            };
            out.report(
                Self::META,
                At::Pod(pod, pod.meta_path.key("labels")),
                format!(
                    "the pods of `{}` are selected by no NetworkPolicy for {dirs} in namespace {}: {what}{host}",
                    w.id(),
                    input.describe_ns(w.ns)
                ),
            );
        }
    }
}
