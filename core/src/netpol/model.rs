//! The network model of an input: workloads, namespaces and NetworkPolicies, indexed by
//! namespace and label, with the policies that select each workload per direction.

use std::collections::{BTreeMap, HashMap};

use super::policy::{Direction, Peer, Policy, PolicyRule, PortMatch, Proto};
use super::ports::PortSet;
use super::selector::Selector;
use super::Problem;
use crate::model::{ContainerKind, K8sObject, NsKey, PodSpec};
use crate::syntax::Node;

/// The label Kubernetes sets on every Namespace (1.21+).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A container port of a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort<'a> {
    /// `name`.
    pub name: Option<&'a str>,
    /// `containerPort`.
    pub number: u16,
    /// `protocol` (default TCP).
    pub protocol: Proto,
}

/// A pod-bearing object: the pods it creates share its template's labels and ports.
#[derive(Clone, Debug)]
pub struct Workload<'a> {
    /// Index of its pod spec in the `pods` the model was built from
    /// ([`crate::model::Inventory::pods`]).
    pub pod: usize,
    /// The object.
    pub object: K8sObject<'a>,
    /// `kind`.
    pub kind: &'a str,
    /// Namespace (`default` when unset).
    pub namespace: &'a str,
    /// Its namespace across inputs ([`NsKey`]).
    pub ns: NsKey<'a>,
    /// Name.
    pub name: &'a str,
    /// The pods' labels.
    pub labels: Vec<(&'a str, &'a str)>,
    /// Container ports (regular and init containers).
    pub ports: Vec<ContainerPort<'a>>,
}

impl Workload<'_> {
    /// `Kind/namespace/name`.
    #[must_use]
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// A namespace: its labels (from a Namespace object of the input, plus
/// `kubernetes.io/metadata.name`) and that object, if any.
#[derive(Clone, Debug, Default)]
pub struct Namespace<'a> {
    /// Labels.
    pub labels: BTreeMap<&'a str, &'a str>,
    /// The Namespace object, if the input has one.
    pub object: Option<K8sObject<'a>>,
}

#[derive(Debug, Default)]
struct NsIndex<'a> {
    workloads: Vec<usize>,
    policies: Vec<usize>,
    postings: HashMap<(&'a str, &'a str), Vec<usize>>,
}

/// A source or destination of traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// A workload, by index in [`NetworkModel::workloads`].
    Workload(usize),
    /// Addresses outside the cluster (ipBlocks, the internet).
    External,
}

/// One rule that allows traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowing {
    /// Index in [`NetworkModel::policies`].
    pub policy: usize,
    /// Index of the rule in `spec.ingress` / `spec.egress`.
    pub rule: usize,
    /// Index of the matching peer in `from` / `to`; `None` when the rule has no peers (all).
    pub peer: Option<usize>,
    /// The ports this rule allows for the pair.
    pub ports: PortSet,
}

/// One direction of a path: the destination's ingress or the source's egress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Whether a NetworkPolicy governs this side: `false` for an external endpoint.
    pub governed: bool,
    /// Policies that select the pod for this direction. Empty: not isolated, everything allowed.
    pub isolating: Vec<usize>,
    /// Rules that allow the pair.
    pub allowing: Vec<Allowing>,
    /// What this side allows.
    pub ports: PortSet,
}

/// The answer for a pair of endpoints, over all ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// Source.
    pub from: Endpoint,
    /// Destination.
    pub to: Endpoint,
    /// The destination's ingress.
    pub ingress: Side,
    /// The source's egress.
    pub egress: Side,
    /// Ports allowed by both sides.
    pub ports: PortSet,
}

/// The answer for one port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortAnswer {
    /// Whether traffic on the port is allowed (both sides allow it).
    pub allowed: bool,
    /// Whether the destination's ingress allows it.
    pub ingress_allowed: bool,
    /// Whether the source's egress allows it.
    pub egress_allowed: bool,
    /// Policies whose ingress rules allow it (empty with `ingress_allowed` = not isolated).
    pub ingress_policies: Vec<usize>,
    /// Policies whose egress rules allow it.
    pub egress_policies: Vec<usize>,
}

impl Reach {
    /// Whether any traffic is allowed.
    #[must_use]
    pub fn any(&self) -> bool {
        !self.ports.is_empty()
    }

    /// The answer for `port`/`proto`.
    #[must_use]
    pub fn on(&self, proto: Proto, port: u16) -> PortAnswer {
        let by = |s: &Side| -> Vec<usize> {
            let mut v: Vec<usize> =
                s.allowing.iter().filter(|a| a.ports.contains(proto, port)).map(|a| a.policy).collect();
            v.dedup();
            v
        };
        let ingress_allowed = self.ingress.ports.contains(proto, port);
        let egress_allowed = self.egress.ports.contains(proto, port);
        PortAnswer {
            allowed: ingress_allowed && egress_allowed,
            ingress_allowed,
            egress_allowed,
            ingress_policies: by(&self.ingress),
            egress_policies: by(&self.egress),
        }
    }
}

/// Workloads, namespaces and NetworkPolicies of an input, indexed.
#[derive(Debug)]
pub struct NetworkModel<'a> {
    /// Pod-bearing objects, in input order.
    pub workloads: Vec<Workload<'a>>,
    /// NetworkPolicies (`networking.k8s.io`), in input order.
    pub policies: Vec<Policy<'a>>,
    /// Namespaces: those of Namespace objects, workloads and policies, across inputs.
    pub namespaces: BTreeMap<NsKey<'a>, Namespace<'a>>,
    /// What the API server would reject, by policy index.
    pub problems: Vec<(usize, Problem)>,
    /// For each policy, the workloads its `podSelector` selects.
    pub selected: Vec<Vec<usize>>,
    /// For each workload, the policies that select it and apply to ingress.
    pub ingress_of: Vec<Vec<usize>>,
    /// For each workload, the policies that select it and apply to egress.
    pub egress_of: Vec<Vec<usize>>,
    by_ns: HashMap<NsKey<'a>, NsIndex<'a>>,
}

fn string_labels(node: Option<&Node>) -> impl Iterator<Item = (&str, &str)> {
    node.and_then(|n| n.get("labels"))
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.key.as_str(), e.value.as_str()?)))
}

/// The NetworkPolicies (`networking.k8s.io`) among `objects`, each with what the API server would
/// reject in it: for rules that need the policies alone.
#[must_use]
pub fn read_policies<'a>(objects: &[K8sObject<'a>]) -> Vec<(Policy<'a>, Vec<Problem>)> {
    objects
        .iter()
        .filter(|o| o.kind == "NetworkPolicy" && o.group() == "networking.k8s.io")
        .map(|o| {
            let mut problems = Vec::new();
            let p = Policy::read(o, &mut problems);
            (p, problems)
        })
        .collect()
}

impl<'a> NetworkModel<'a> {
    /// The model of objects and the pod specs of the pod-bearing ones (the inventory builds it
    /// once: [`crate::model::Inventory::network`]). Pure; cost about O(objects + Σ per namespace
    /// of policies × candidate workloads of their selector).
    #[must_use]
    pub fn new(objects: &[K8sObject<'a>], pods: &[PodSpec<'a>]) -> Self {
        let mut namespaces: BTreeMap<NsKey<'a>, Namespace<'a>> = BTreeMap::new();
        for o in objects.iter().filter(|o| o.kind == "Namespace" && o.group().is_empty()) {
            let Some(name) = o.name() else { continue };
            let ns = namespaces.entry(NsKey::named(o.cluster, name)).or_default();
            ns.labels = string_labels(o.metadata).collect();
            ns.object = Some(o.clone());
        }
        let mut workloads = Vec::with_capacity(pods.len());
        for (index, pod) in pods.iter().enumerate() {
            let ns = pod.object.namespace().unwrap_or("default");
            let key = pod.object.ns_key().unwrap_or(NsKey::named(pod.object.cluster, ns));
            let ports = pod
                .containers
                .iter()
                .filter(|c| c.kind != ContainerKind::Ephemeral)
                .flat_map(|c| c.ports.iter())
                .filter_map(|p| {
                    Some(ContainerPort {
                        name: p.name,
                        number: p.container_port.valid().and_then(|n| u16::try_from(n).ok())?,
                        protocol: p.protocol.map_or(Some(Proto::Tcp), Proto::parse)?,
                    })
                })
                .collect();
            workloads.push(Workload {
                pod: index,
                object: pod.object.clone(),
                kind: pod.object.kind,
                namespace: ns,
                ns: key,
                name: pod.object.name().unwrap_or(""),
                labels: pod.labels(),
                ports,
            });
        }
        let mut policies = Vec::new();
        let mut problems = Vec::new();
        for (i, (p, pr)) in read_policies(objects).into_iter().enumerate() {
            policies.push(p);
            problems.extend(pr.into_iter().map(|p| (i, p)));
        }
        let mut by_ns: HashMap<NsKey<'a>, NsIndex<'a>> = HashMap::new();
        for (i, w) in workloads.iter().enumerate() {
            let idx = by_ns.entry(w.ns).or_default();
            idx.workloads.push(i);
            for (k, v) in &w.labels {
                idx.postings.entry((*k, *v)).or_default().push(i);
            }
            namespaces.entry(w.ns).or_default();
        }
        for (i, p) in policies.iter().enumerate() {
            by_ns.entry(p.ns).or_default().policies.push(i);
            namespaces.entry(p.ns).or_default();
        }
        // The `default` namespace of a directory's objects without a namespace has the labels of
        // its cluster's Namespace `default`, when the input has one (not its object: findings
        // about that namespace point at its workloads).
        let named: Vec<(NsKey<'a>, BTreeMap<&'a str, &'a str>)> = namespaces
            .keys()
            .filter(|k| k.scope > 0)
            .filter_map(|k| {
                let labels = namespaces.get(&NsKey::named(k.cluster, k.name))?.labels.clone();
                Some((*k, labels))
            })
            .collect();
        for (k, labels) in named {
            if let Some(ns) = namespaces.get_mut(&k) {
                ns.labels = labels;
            }
        }
        for (key, ns) in &mut namespaces {
            ns.labels.insert(NAMESPACE_NAME_LABEL, key.name);
        }
        let mut model = NetworkModel {
            selected: Vec::with_capacity(policies.len()),
            ingress_of: vec![Vec::new(); workloads.len()],
            egress_of: vec![Vec::new(); workloads.len()],
            workloads,
            policies,
            namespaces,
            problems,
            by_ns,
        };
        for pi in 0..model.policies.len() {
            let Some(p) = model.policies.get(pi) else { continue };
            let sel = model.select(p.ns, &p.pod_selector);
            for &w in &sel {
                if p.ingress_applies {
                    if let Some(v) = model.ingress_of.get_mut(w) {
                        v.push(pi);
                    }
                }
                if p.egress_applies {
                    if let Some(v) = model.egress_of.get_mut(w) {
                        v.push(pi);
                    }
                }
            }
            model.selected.push(sel);
        }
        model
    }

    /// The workloads of namespace `ns` that `selector` matches, in input order.
    #[must_use]
    pub fn select(&self, ns: NsKey<'a>, selector: &Selector) -> Vec<usize> {
        let Some(idx) = self.by_ns.get(&ns) else { return Vec::new() };
        if selector.invalid {
            return Vec::new();
        }
        // Narrow by the rarest `matchLabels` pair, then check the whole selector.
        let candidates: &[usize] = selector
            .match_labels
            .iter()
            .map(|(k, v)| idx.postings.get(&(k.as_str(), v.as_str())).map_or(&[][..], Vec::as_slice))
            .min_by_key(|s| s.len())
            .unwrap_or(&idx.workloads);
        candidates
            .iter()
            .copied()
            .filter(|&w| self.workloads.get(w).is_some_and(|w| selector.matches(w.labels.as_slice())))
            .collect()
    }

    /// Workload indices of a namespace.
    #[must_use]
    pub fn workloads_in(&self, ns: NsKey<'a>) -> &[usize] {
        self.by_ns.get(&ns).map_or(&[], |i| i.workloads.as_slice())
    }

    /// Policy indices of a namespace.
    #[must_use]
    pub fn policies_in(&self, ns: NsKey<'a>) -> &[usize] {
        self.by_ns.get(&ns).map_or(&[], |i| i.policies.as_slice())
    }

    /// The policies selecting a workload for a direction.
    #[must_use]
    pub fn policies_of(&self, w: usize, d: Direction) -> &[usize] {
        let v = match d {
            Direction::Ingress => &self.ingress_of,
            Direction::Egress => &self.egress_of,
        };
        v.get(w).map_or(&[], Vec::as_slice)
    }

    /// Whether a namespace has a default-deny policy for `d`: a policy selecting every pod
    /// (`podSelector: {}`) that applies to `d` and has no rule allowing everything on every port.
    #[must_use]
    pub fn default_deny(&self, ns: NsKey<'a>, d: Direction) -> Option<usize> {
        self.policies_in(ns).iter().copied().find(|&i| {
            self.policies.get(i).is_some_and(|p| {
                p.pod_selector.is_empty()
                    && p.applies(d)
                    && !p.rules(d).iter().any(|r| r.peers.is_none() && r.ports.is_none())
            })
        })
    }

    /// Whether any NetworkPolicy of a namespace applies to `d` (its effective `policyTypes`).
    #[must_use]
    pub fn has_policy_for(&self, ns: NsKey<'a>, d: Direction) -> bool {
        self.policies_in(ns).iter().any(|&i| self.policies.get(i).is_some_and(|p| p.applies(d)))
    }

    fn ns_labels(&self, ns: NsKey<'a>) -> Option<&BTreeMap<&'a str, &'a str>> {
        self.namespaces.get(&ns).map(|n| &n.labels)
    }

    /// Whether a peer of a policy in namespace `policy_ns` matches an endpoint: a
    /// `namespaceSelector` selects namespaces of the policy's cluster only. An ipBlock never
    /// matches a workload: pod IPs are not known offline (and CNIs differ on in-cluster ipBlocks).
    #[must_use]
    pub fn peer_matches(&self, policy_ns: NsKey<'a>, peer: &Peer, e: Endpoint) -> bool {
        match (peer, e) {
            (Peer::Pods { pods, namespaces }, Endpoint::Workload(w)) => {
                let Some(w) = self.workloads.get(w) else { return false };
                let ns_ok = match namespaces {
                    None => w.ns == policy_ns,
                    Some(sel) => {
                        w.ns.cluster == policy_ns.cluster && self.ns_labels(w.ns).is_some_and(|l| sel.matches(l))
                    }
                };
                ns_ok && pods.as_ref().is_none_or(|s| s.matches(w.labels.as_slice()))
            }
            (Peer::IpBlock { .. }, Endpoint::External) => true,
            _ => false,
        }
    }

    /// The ports a rule allows towards `dest` (named ports resolved against its container ports).
    #[must_use]
    pub fn rule_ports(&self, rule: &PolicyRule, dest: Endpoint) -> PortSet {
        let Some(ports) = &rule.ports else { return PortSet::All };
        let dest_ports: &[ContainerPort<'_>] = match dest {
            Endpoint::Workload(w) => self.workloads.get(w).map_or(&[], |w| w.ports.as_slice()),
            Endpoint::External => &[],
        };
        let mut v = Vec::new();
        for p in ports {
            match &p.port {
                PortMatch::Any => v.push((p.protocol, 1, u16::MAX)),
                PortMatch::Range(a, b) => v.push((p.protocol, *a, *b)),
                PortMatch::Named(n) => v.extend(
                    dest_ports
                        .iter()
                        .filter(|c| c.name == Some(n.as_str()) && c.protocol == p.protocol)
                        .map(|c| (c.protocol, c.number, c.number)),
                ),
                PortMatch::Invalid => {}
            }
        }
        PortSet::from_ranges(v)
    }

    fn side(&self, d: Direction, subject: Endpoint, other: Endpoint, dest: Endpoint) -> Side {
        let Endpoint::Workload(w) = subject else {
            return Side { governed: false, isolating: Vec::new(), allowing: Vec::new(), ports: PortSet::All };
        };
        let isolating = self.policies_of(w, d).to_vec();
        if isolating.is_empty() {
            return Side { governed: true, isolating, allowing: Vec::new(), ports: PortSet::All };
        }
        let mut allowing = Vec::new();
        let mut ports = PortSet::none();
        for &pi in &isolating {
            let Some(p) = self.policies.get(pi) else { continue };
            for r in p.rules(d) {
                let peer = match &r.peers {
                    None => Some(None),
                    Some(peers) => peers.iter().position(|x| self.peer_matches(p.ns, x, other)).map(Some),
                };
                let Some(peer) = peer else { continue };
                let rp = self.rule_ports(r, dest);
                if rp.is_empty() {
                    continue;
                }
                ports.union_with(&rp);
                allowing.push(Allowing { policy: pi, rule: r.index, peer, ports: rp });
            }
        }
        Side { governed: true, isolating, allowing, ports }
    }

    /// What traffic from `from` to `to` is allowed: the destination's ingress and the source's
    /// egress must both allow it; a pod that no policy selects for a direction is not isolated in
    /// that direction (everything allowed).
    #[must_use]
    pub fn reach(&self, from: Endpoint, to: Endpoint) -> Reach {
        let ingress = self.side(Direction::Ingress, to, from, to);
        let egress = self.side(Direction::Egress, from, to, to);
        let ports = ingress.ports.intersect(&egress.ports);
        Reach { from, to, ingress, egress, ports }
    }

    /// Whether traffic from `from` to `to` on `port`/`proto` is allowed, and by which policies.
    #[must_use]
    pub fn allowed(&self, from: Endpoint, to: Endpoint, proto: Proto, port: u16) -> PortAnswer {
        self.reach(from, to).on(proto, port)
    }

    /// Resolves a port name against a workload's container ports.
    #[must_use]
    pub fn resolve_named_port(&self, to: Endpoint, name: &str, proto: Proto) -> Option<u16> {
        let Endpoint::Workload(w) = to else { return None };
        self.workloads.get(w)?.ports.iter().find(|p| p.name == Some(name) && p.protocol == proto).map(|p| p.number)
    }

    /// Every endpoint: the workloads in input order, then [`Endpoint::External`].
    #[must_use]
    pub fn endpoints(&self) -> Vec<Endpoint> {
        (0..self.workloads.len()).map(Endpoint::Workload).chain([Endpoint::External]).collect()
    }

    /// A short name for an endpoint: `Kind/namespace/name` or `external`.
    #[must_use]
    pub fn endpoint_id(&self, e: Endpoint) -> String {
        match e {
            Endpoint::Workload(w) => self.workloads.get(w).map_or_else(|| "?".to_owned(), Workload::id),
            Endpoint::External => super::EXTERNAL.to_owned(),
        }
    }

    /// Finds a workload by `name`, `namespace/name` or `Kind/namespace/name` (`external` is
    /// [`Endpoint::External`]). Errors name the candidates when ambiguous.
    ///
    /// # Errors
    /// A message when nothing or more than one workload matches.
    pub fn find(&self, spec: &str) -> Result<Endpoint, String> {
        if spec == super::EXTERNAL {
            return Ok(Endpoint::External);
        }
        let parts: Vec<&str> = spec.split('/').collect();
        let hits: Vec<usize> = (0..self.workloads.len())
            .filter(|&i| {
                self.workloads.get(i).is_some_and(|w| match parts.as_slice() {
                    [n] => w.name == *n,
                    [ns, n] => w.namespace == *ns && w.name == *n,
                    [k, ns, n] => w.kind.eq_ignore_ascii_case(k) && w.namespace == *ns && w.name == *n,
                    _ => false,
                })
            })
            .collect();
        match hits.as_slice() {
            [one] => Ok(Endpoint::Workload(*one)),
            [] => Err(format!("no workload `{spec}` in the input")),
            many => Err(format!(
                "`{spec}` is ambiguous: {}",
                many.iter()
                    .map(|&i| format!("`{}`", self.endpoint_id(Endpoint::Workload(i))))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}
