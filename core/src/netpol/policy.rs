//! A NetworkPolicy read from the syntax tree, with Kubernetes' defaulting applied.

use std::fmt;
use std::net::IpAddr;

use super::selector::Selector;
use super::Problem;
use crate::location::FieldPath;
use crate::model::{K8sObject, NsKey};
use crate::syntax::Node;

/// A transport protocol of a NetworkPolicy port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proto {
    /// TCP (the default).
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Proto {
    /// Parses `TCP`, `UDP`, `SCTP` (case-sensitive, as the API server validates).
    #[must_use]
    pub fn parse(s: &str) -> Option<Proto> {
        match s {
            "TCP" => Some(Proto::Tcp),
            "UDP" => Some(Proto::Udp),
            "SCTP" => Some(Proto::Sctp),
            _ => None,
        }
    }

    /// Parses a protocol case-insensitively (command-line input).
    #[must_use]
    pub fn parse_loose(s: &str) -> Option<Proto> {
        Proto::parse(&s.to_ascii_uppercase())
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::Sctp => "SCTP",
        })
    }
}

/// The port part of a NetworkPolicy port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMatch {
    /// No `port`: every port of the protocol.
    Any,
    /// `port` (and `endPort`): a range of numbers.
    Range(u16, u16),
    /// A named port, resolved against the destination pod's container ports.
    Named(String),
    /// An invalid port: matches nothing.
    Invalid,
}

/// One entry of a rule's `ports`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyPort {
    /// `protocol` (default TCP).
    pub protocol: Proto,
    /// `port` / `endPort`.
    pub port: PortMatch,
}

impl fmt::Display for PolicyPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.port {
            PortMatch::Any => write!(f, "all {} ports", self.protocol),
            PortMatch::Range(a, b) if a == b => write!(f, "{a}/{}", self.protocol),
            PortMatch::Range(a, b) => write!(f, "{a}-{b}/{}", self.protocol),
            PortMatch::Named(n) => write!(f, "{n}/{}", self.protocol),
            PortMatch::Invalid => f.write_str("<invalid port>"),
        }
    }
}

/// An IPv4 or IPv6 CIDR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `::/0`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = s.trim().split_once('/')?;
        let addr: IpAddr = a.parse().ok()?;
        let prefix: u8 = p.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// The prefix length.
    #[must_use]
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether this is `0.0.0.0/0` or `::/0` (every address of its family).
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.prefix == 0
    }

    fn bits(ip: IpAddr) -> (bool, u128, u32) {
        match ip {
            IpAddr::V4(v) => (false, u128::from(u32::from(v)), 32),
            IpAddr::V6(v) => (true, u128::from(v), 128),
        }
    }

    /// Whether the CIDR contains `ip` (same family only).
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (f1, a, width) = Self::bits(self.addr);
        let (f2, b, _) = Self::bits(ip);
        if f1 != f2 {
            return false;
        }
        let host_bits = width - u32::from(self.prefix);
        a.checked_shr(host_bits).unwrap_or(0) == b.checked_shr(host_bits).unwrap_or(0)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A `from` / `to` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    /// `podSelector` and/or `namespaceSelector`. A `podSelector` alone means the policy's own
    /// namespace; a `namespaceSelector` alone means every pod of the matching namespaces.
    Pods {
        /// `podSelector`, if present.
        pods: Option<Selector>,
        /// `namespaceSelector`, if present.
        namespaces: Option<Selector>,
    },
    /// `ipBlock`: addresses in `cidr` but not in any `except`.
    IpBlock {
        /// `cidr`.
        cidr: Cidr,
        /// `except`.
        except: Vec<Cidr>,
    },
    /// A peer the API server would reject (none or several kinds, a bad CIDR): matches nothing.
    Invalid,
}

/// One ingress or egress rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRule {
    /// Index in `spec.ingress` / `spec.egress`.
    pub index: usize,
    /// `from` / `to`: `None` when absent or empty (every source / destination).
    pub peers: Option<Vec<Peer>>,
    /// `ports`: `None` when absent or empty (every port).
    pub ports: Option<Vec<PolicyPort>>,
}

/// A direction of traffic, as seen by the selected pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Traffic into the pod.
    Ingress,
    /// Traffic out of the pod.
    Egress,
}

impl Direction {
    /// Both directions.
    pub const BOTH: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    /// `Ingress` / `Egress`, as in `policyTypes`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    /// `ingress` / `egress`, the spec field.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// `from` / `to`, the peer field of a rule.
    #[must_use]
    pub const fn peer_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// A NetworkPolicy.
#[derive(Clone, Debug)]
pub struct Policy<'a> {
    /// The object.
    pub object: K8sObject<'a>,
    /// Its namespace (`default` when unset).
    pub namespace: &'a str,
    /// Its namespace across inputs ([`crate::model::NsKey`]).
    pub ns: NsKey<'a>,
    /// Its name.
    pub name: &'a str,
    /// `spec.podSelector` (absent = `{}`).
    pub pod_selector: Selector,
    /// Whether the policy applies to ingress (effective `policyTypes`).
    pub ingress_applies: bool,
    /// Whether the policy applies to egress (effective `policyTypes`).
    pub egress_applies: bool,
    /// Whether `policyTypes` was written (else defaulted).
    pub types_explicit: bool,
    /// `spec.ingress`.
    pub ingress: Vec<PolicyRule>,
    /// `spec.egress`.
    pub egress: Vec<PolicyRule>,
}

impl<'a> Policy<'a> {
    /// Whether the policy applies in a direction.
    #[must_use]
    pub fn applies(&self, d: Direction) -> bool {
        match d {
            Direction::Ingress => self.ingress_applies,
            Direction::Egress => self.egress_applies,
        }
    }

    /// The rules of a direction.
    #[must_use]
    pub fn rules(&self, d: Direction) -> &[PolicyRule] {
        match d {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// `namespace/name`.
    #[must_use]
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The path of `spec.<field>` of the policy.
    #[must_use]
    pub fn spec_path(&self) -> FieldPath {
        self.object.field(&FieldPath::root().key("spec"))
    }

    /// Reads a `kind: NetworkPolicy` object (of group `networking.k8s.io`); problems the API
    /// server would reject are recorded.
    #[must_use]
    pub fn read(object: &K8sObject<'a>, problems: &mut Vec<Problem>) -> Policy<'a> {
        let spec_path = object.field(&FieldPath::root().key("spec"));
        let spec = object.node.get("spec").filter(|s| s.as_map().is_some());
        let get = |k: &str| spec.and_then(|s| s.get(k)).filter(|n| !n.is_null());
        let pod_selector = Selector::parse(get("podSelector"), &spec_path.key("podSelector"), problems);
        let ingress = read_rules(get("ingress"), &spec_path, Direction::Ingress, problems);
        let egress = read_rules(get("egress"), &spec_path, Direction::Egress, problems);
        let types_node = get("policyTypes").and_then(Node::as_seq).filter(|s| !s.is_empty());
        let (ingress_applies, egress_applies, types_explicit) = match types_node {
            Some(types) => {
                let (mut i, mut e) = (false, false);
                for (idx, t) in types.iter().enumerate() {
                    match t.as_str() {
                        Some("Ingress") => i = true,
                        Some("Egress") => e = true,
                        _ => problems.push(Problem {
                            path: spec_path.key("policyTypes").index(idx),
                            message: format!("{} is not a policy type (Ingress, Egress)", t.short()),
                        }),
                    }
                }
                (i, e, true)
            }
            // Kubernetes' defaulting: Ingress always, Egress when there are egress rules.
            None => (true, !egress.is_empty(), false),
        };
        Policy {
            object: object.clone(),
            namespace: object.namespace().unwrap_or("default"),
            ns: object.ns_key().unwrap_or(NsKey::named(object.cluster, "default")),
            name: object.name().unwrap_or(""),
            pod_selector,
            ingress_applies,
            egress_applies,
            types_explicit,
            ingress,
            egress,
        }
    }
}

fn read_rules(
    node: Option<&Node>,
    spec_path: &FieldPath,
    d: Direction,
    problems: &mut Vec<Problem>,
) -> Vec<PolicyRule> {
    let path = spec_path.key(d.field());
    let Some(node) = node else { return Vec::new() };
    let Some(items) = node.as_seq() else {
        problems.push(Problem { path, message: format!("`{}` must be a list, not a {}", d.field(), node.type_name()) });
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let rp = path.index(index);
            let peers_node = item.get(d.peer_field()).filter(|n| !n.is_null());
            let peers = match peers_node {
                None => None,
                Some(n) => match n.as_seq() {
                    Some([]) => None,
                    Some(list) => Some(
                        list.iter()
                            .enumerate()
                            .map(|(i, p)| read_peer(p, &rp.key(d.peer_field()).index(i), problems))
                            .collect(),
                    ),
                    None => {
                        problems.push(Problem {
                            path: rp.key(d.peer_field()),
                            message: format!("`{}` must be a list, not a {}", d.peer_field(), n.type_name()),
                        });
                        Some(vec![Peer::Invalid])
                    }
                },
            };
            let ports_node = item.get("ports").filter(|n| !n.is_null());
            let ports = match ports_node {
                None => None,
                Some(n) => match n.as_seq() {
                    Some([]) => None,
                    Some(list) => Some(
                        list.iter()
                            .enumerate()
                            .map(|(i, p)| read_port(p, &rp.key("ports").index(i), problems))
                            .collect(),
                    ),
                    None => {
                        problems.push(Problem {
                            path: rp.key("ports"),
                            message: format!("`ports` must be a list, not a {}", n.type_name()),
                        });
                        Some(vec![PolicyPort { protocol: Proto::Tcp, port: PortMatch::Invalid }])
                    }
                },
            };
            PolicyRule { index, peers, ports }
        })
        .collect()
}

fn read_peer(p: &Node, path: &FieldPath, problems: &mut Vec<Problem>) -> Peer {
    let get = |k: &str| p.get(k).filter(|n| !n.is_null());
    let pods = get("podSelector");
    let nss = get("namespaceSelector");
    let ip = get("ipBlock");
    if let Some(ip) = ip {
        if pods.is_some() || nss.is_some() {
            problems.push(Problem {
                path: path.clone(),
                message: "a peer may not combine `ipBlock` with a selector".to_owned(),
            });
            return Peer::Invalid;
        }
        let ipp = path.key("ipBlock");
        let Some(cidr) = ip.get("cidr").and_then(Node::as_str).and_then(Cidr::parse) else {
            problems.push(Problem {
                path: ipp.key("cidr"),
                message: format!(
                    "`ipBlock.cidr` {} is not a CIDR",
                    ip.get("cidr").map_or_else(|| "(missing)".to_owned(), Node::short)
                ),
            });
            return Peer::Invalid;
        };
        let mut except = Vec::new();
        for (i, e) in ip.get("except").and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
            match e.as_str().and_then(Cidr::parse) {
                Some(c) => except.push(c),
                None => {
                    problems.push(Problem {
                        path: ipp.key("except").index(i),
                        message: format!("`except` entry {} is not a CIDR", e.short()),
                    });
                    return Peer::Invalid;
                }
            }
        }
        return Peer::IpBlock { cidr, except };
    }
    if pods.is_none() && nss.is_none() {
        problems.push(Problem {
            path: path.clone(),
            message:
                "a peer must have `podSelector`, `namespaceSelector` or `ipBlock`: the API server rejects an empty one"
                    .to_owned(),
        });
        return Peer::Invalid;
    }
    Peer::Pods {
        pods: pods.map(|n| Selector::parse(Some(n), &path.key("podSelector"), problems)),
        namespaces: nss.map(|n| Selector::parse(Some(n), &path.key("namespaceSelector"), problems)),
    }
}

fn port_number(n: &Node) -> Option<u16> {
    n.as_i64().and_then(|v| u16::try_from(v).ok()).filter(|v| *v > 0)
}

fn read_port(p: &Node, path: &FieldPath, problems: &mut Vec<Problem>) -> PolicyPort {
    let mut bad = |p: FieldPath, m: String| {
        problems.push(Problem { path: p, message: m });
        PortMatch::Invalid
    };
    let protocol = match p.get("protocol").filter(|n| !n.is_null()) {
        None => Proto::Tcp,
        Some(n) => match n.as_str().and_then(Proto::parse) {
            Some(pr) => pr,
            None => {
                let port = bad(path.key("protocol"), format!("protocol {} is not TCP, UDP or SCTP", n.short()));
                return PolicyPort { protocol: Proto::Tcp, port };
            }
        },
    };
    let end = p.get("endPort").filter(|n| !n.is_null());
    let port = match p.get("port").filter(|n| !n.is_null()) {
        None => match end {
            Some(_) => bad(path.key("endPort"), "`endPort` needs a numeric `port`".to_owned()),
            None => PortMatch::Any,
        },
        Some(n) => {
            if let Some(s) = n.as_str() {
                let valid = !s.is_empty()
                    && s.len() <= 15
                    && s.bytes().any(|b| b.is_ascii_lowercase())
                    && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    bad(path.key("port"), format!("port `{s}` is neither a number nor a valid port name"))
                } else if end.is_some() {
                    bad(path.key("endPort"), format!("`endPort` cannot be used with the named port `{s}`"))
                } else {
                    PortMatch::Named(s.to_owned())
                }
            } else if let Some(lo) = port_number(n) {
                match end {
                    None => PortMatch::Range(lo, lo),
                    Some(e) => match port_number(e) {
                        Some(hi) if hi >= lo => PortMatch::Range(lo, hi),
                        _ => bad(
                            path.key("endPort"),
                            format!("`endPort` {} must be a port number not below `port` {lo}", e.short()),
                        ),
                    },
                }
            } else {
                bad(path.key("port"), format!("port {} is not between 1 and 65535", n.short()))
            }
        }
    };
    PolicyPort { protocol, port }
}
