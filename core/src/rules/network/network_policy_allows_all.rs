use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::Inventory;
use crate::netpol::{Direction, Peer, PolicyRule};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags an ingress or egress rule that allows everything: a rule without peers (no or an
    /// empty `from`/`to`, e.g. `ingress: [{}]`), an empty peer `{}`, or an `ipBlock` of
    /// `0.0.0.0/0` or `::/0` without `except`, whatever its ports (the message names them). Only
    /// rules that take effect count: those of a direction in the policy's effective
    /// `policyTypes`.
    ///
    /// ## Why is this bad?
    /// "Allow only named paths": a rule open to every source or destination undoes the default
    /// deny for the pods the policy selects, and is usually a placeholder that was never
    /// narrowed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   ingress:
    ///     - ports: [{port: 8080}]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: prod}
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   ingress:
    ///     - from: [{podSelector: {matchLabels: {app: nginx-ingress}}}]
    ///       ports: [{port: 8080}]
    /// ```
    pub NetworkPolicyAllowsAll {
        id: "NET004",
        name: "network-policy-allows-all",
        severity: Severity::Medium,
        title: "NetworkPolicy rule allows every source or destination",
        help: "replace the empty peer or `0.0.0.0/0` with selectors or CIDRs of the peers that need access",
        references: ["Kubernetes: Network Policies, Behavior of to and from selectors"],
        peers: [],
        since: "0.1.0",
    }
}

fn ports_text(r: &PolicyRule) -> String {
    match &r.ports {
        None => "on all ports".to_owned(),
        Some(ps) => format!("on {}", ps.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")),
    }
}

impl Rule for NetworkPolicyAllowsAll {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        for p in &input.network().policies {
            for d in Direction::BOTH {
                if !p.applies(d) {
                    continue;
                }
                let noun = match d {
                    Direction::Ingress => "source",
                    Direction::Egress => "destination",
                };
                for r in p.rules(d) {
                    let rel = FieldPath::root().key("spec").key(d.field()).index(r.index);
                    let Some(peers) = &r.peers else {
                        out.report(
                            Self::META,
                            At::Object(&p.object, p.object.field(&rel)),
                            format!(
                                "{} rule {} of NetworkPolicy `{}` has no `{}`: it allows every {noun} {}",
                                d.field(),
                                r.index,
                                p.name,
                                d.peer_field(),
                                ports_text(r)
                            ),
                        );
                        continue;
                    };
                    for (i, peer) in peers.iter().enumerate() {
                        let prel = rel.key(d.peer_field()).index(i);
                        let empty = p.object.node.at(&prel).and_then(|n| n.as_map()).is_some_and(<[_]>::is_empty);
                        let what = match peer {
                            Peer::Invalid if empty => "the empty peer `{}`".to_owned(),
                            Peer::IpBlock { cidr, except } if cidr.is_all() && except.is_empty() => {
                                format!("`ipBlock` `{cidr}` without `except`")
                            }
                            _ => continue,
                        };
                        out.report(
                            Self::META,
                            At::Object(&p.object, p.object.field(&prel)),
                            format!(
                                "{} rule {} of NetworkPolicy `{}` allows every {noun} ({what}) {}",
                                d.field(),
                                r.index,
                                p.name,
                                ports_text(r)
                            ),
                        );
                    }
                }
            }
        }
    }
}
