use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use std::collections::HashMap;

use crate::model::{builtin_group, Inventory, NsKey};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a NetworkPolicy whose `podSelector` matches no workload of its namespace, when that
    /// namespace has at least one workload in the input (policies kept apart from their
    /// workloads are not flagged). An invalid selector is reported by `network-policy-invalid`
    /// instead.
    ///
    /// Pods that no workload of the input describes are not seen: those an operator creates for
    /// a custom resource (a `Prometheus`, an `Alertmanager`), or a controller outside the input.
    /// So the message says the policy selects no workload *of the scanned input*, and names a
    /// custom resource of the namespace when there is one.
    ///
    /// ## Why is this bad?
    /// A policy that selects no pod has no effect: usually a label typo (`app: api` for pods
    /// labelled `app: api-service`) or a policy in the wrong namespace, so the pods it was meant
    /// to protect are open.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: postgres, namespace: prod}
    /// spec:
    ///   template:
    ///     metadata: {labels: {app: postgres}}
    ///     spec:
    ///       containers: [{name: db, image: registry.example.com/postgres:16.4}]
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: db-allow-api, namespace: prod}
    /// spec:
    ///   podSelector: {matchLabels: {app: postgresql}}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: postgres, namespace: prod}
    /// spec:
    ///   template:
    ///     metadata: {labels: {app: postgres}}
    ///     spec:
    ///       containers: [{name: db, image: registry.example.com/postgres:16.4}]
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: db-allow-api, namespace: prod}
    /// spec:
    ///   podSelector: {matchLabels: {app: postgres}}
    ///   policyTypes: [Ingress]
    /// ```
    pub NetworkPolicySelectsNothing {
        id: "NET003",
        name: "network-policy-selects-nothing",
        severity: Severity::Low,
        title: "NetworkPolicy selects no workload of its namespace",
        help: "make the policy's `podSelector` match the labels of a workload in its namespace, or remove the policy",
        references: ["Kubernetes: Network Policies, The NetworkPolicy resource"],
        peers: ["kube-linter:non-existent-pod-selector"],
        since: "0.1.0",
    }
}

impl Rule for NetworkPolicySelectsNothing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        let model = input.network();
        // The first custom resource of each namespace: an operator may create pods for it.
        let mut custom: HashMap<NsKey<'_>, String> = HashMap::new();
        for o in input.objects.iter().filter(|o| !builtin_group(o.group())) {
            if let Some(ns) = o.ns_key() {
                custom.entry(ns).or_insert_with(|| format!("{} `{}`", o.kind, o.name().unwrap_or("<unnamed>")));
            }
        }
        for (p, selected) in model.policies.iter().zip(&model.selected) {
            let count = model.workloads_in(p.ns).len();
            if !selected.is_empty() || count == 0 || p.pod_selector.invalid {
                continue;
            }
            let unless = match custom.get(&p.ns) {
                Some(cr) => format!(
                    "check its labels, unless it is meant for pods an operator creates (the namespace has custom resources, such as {cr})"
                ),
                None => "check its labels, unless it is meant for pods created outside the input".to_owned(),
            };
            out.report(
                Self::META,
                At::Object(&p.object, p.object.field(&FieldPath::root().key("spec").key("podSelector"))),
                format!(
                    "the NetworkPolicy `{}` (`{}`) selects no workload of the scanned input in namespace {} ({count} there): {unless}",
                    p.name,
                    p.pod_selector.describe(),
                    input.describe_ns(p.ns),
                ),
            );
        }
    }
}
