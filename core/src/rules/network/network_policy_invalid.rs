use crate::api::Severity;
use crate::declare_rule;
use crate::model::Inventory;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags what the API server would reject in a NetworkPolicy: an unknown selector operator
    /// (operators are case-sensitive: `In`, `NotIn`, `Exists`, `DoesNotExist`), `In`/`NotIn`
    /// without values, a peer with no selector and no `ipBlock` (or an `ipBlock` beside a
    /// selector), a CIDR that does not parse, a protocol other than TCP, UDP or SCTP, a port
    /// out of range, `endPort` with a named port or below `port`, an unknown `policyTypes`
    /// entry. In the reachability model the invalid part matches nothing.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails on such a policy, so the isolation it was written for does not
    /// exist; when it slips through a pipeline that ignores the error, the pods stay open.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   podSelector:
    ///     matchExpressions: [{key: app, operator: in, values: [api]}]
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   podSelector:
    ///     matchExpressions: [{key: app, operator: In, values: [api]}]
    ///   policyTypes: [Ingress]
    /// ```
    pub NetworkPolicyInvalid {
        id: "NET005",
        name: "network-policy-invalid",
        severity: Severity::Medium,
        title: "NetworkPolicy would be rejected by the API server",
        help: "correct the field the message names: the API server rejects the policy as written",
        references: ["Kubernetes API: NetworkPolicy v1 networking.k8s.io", "Kubernetes API: LabelSelector"],
        peers: ["kubeconform:networkpolicy"],
        since: "0.1.0",
    }
}

impl Rule for NetworkPolicyInvalid {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        let model = input.network();
        for (i, problem) in &model.problems {
            if let Some(p) = model.policies.get(*i) {
                out.report(
                    Self::META,
                    At::Object(&p.object, problem.path.clone()),
                    format!("{} (the API server rejects the NetworkPolicy `{}`)", problem.message, p.name),
                );
            }
        }
    }
}
