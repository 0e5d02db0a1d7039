//! NetworkPolicy semantics, offline, exactly as Kubernetes defines them.
//!
//! - [`Selector`]: `matchLabels` AND `matchExpressions` (`In`, `NotIn`, `Exists`,
//!   `DoesNotExist`); `{}` selects everything; an invalid selector selects nothing and is
//!   reported.
//! - [`Policy`]: `podSelector` (absent or `{}` = every pod of the policy's namespace),
//!   `policyTypes` with Kubernetes' defaulting (Ingress always, Egress only when the policy has
//!   egress rules), `from`/`to` peers (`podSelector` alone = the policy's namespace,
//!   `namespaceSelector` alone = every pod of the matching namespaces, both = matching pods in
//!   matching namespaces, `ipBlock` with `except`), ports with protocol (default TCP), named
//!   ports resolved against the destination pod's container ports, and `endPort`.
//! - [`NetworkModel`]: workloads (pod-bearing objects, labelled by their pod template),
//!   namespaces (labels of Namespace objects plus `kubernetes.io/metadata.name`) and policies,
//!   indexed by namespace and label so that selection is cheap, and [`NetworkModel::reach`]:
//!   is traffic from A to B allowed, on which ports, by which policies.
//! - [`check_netpol`] / [`answer`]: a reachability question (a pair, a row, a column or the
//!   matrix) answered as a typed [`crate::report::netpol::NetpolReport`] (`kubeharden netpol`,
//!   the bindings' `netpol()`).
//!
//! Offline limits: pod IPs are unknown, so an `ipBlock` matches [`Endpoint::External`] only;
//! pods with `hostNetwork: true` are modelled like other pods, although most CNIs do not apply
//! policies to them.

mod model;
mod policy;
mod ports;
mod query;
mod selector;

pub use model::{
    read_policies, Allowing, ContainerPort, Endpoint, Namespace, NetworkModel, PortAnswer, Reach, Side, Workload,
    NAMESPACE_NAME_LABEL,
};
pub use policy::{Cidr, Direction, Peer, Policy, PolicyPort, PolicyRule, PortMatch, Proto};
pub use ports::PortSet;
pub use query::{answer, check_netpol, NetpolRequest, EXTERNAL};
pub use selector::{Labels, Op, Requirement, Selector};

use crate::location::FieldPath;

/// Something in a NetworkPolicy that the API server would reject; the part it concerns matches
/// nothing in the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field.
    pub path: FieldPath,
    /// What is wrong, one sentence.
    pub message: String,
}
