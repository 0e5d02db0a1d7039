//! Namespace and cross-resource rules (the checklist's "Namespace and cross-resource rules").

mod namespace_pss_enforce_missing;
mod pss_admission_rejected;
mod pss_admission_warning;

pub use namespace_pss_enforce_missing::NamespacePssEnforceMissing;
pub use pss_admission_rejected::PssAdmissionRejected;
pub use pss_admission_warning::PssAdmissionWarning;

use crate::model::{Inventory, PodSpec};
use crate::pss::namespace::{ModePolicy, NamespacePolicy};
use crate::pss::Violation;

/// The namespace of a pod, described for messages ([`Inventory::describe_ns`]), and the Pod
/// Security policy of each definition of that Namespace in the pod's cluster (one, normally);
/// `None` when the input has no Namespace object for it.
pub(crate) fn namespace_policies(input: &Inventory<'_>, pod: &PodSpec<'_>) -> Option<(String, Vec<NamespacePolicy>)> {
    let key = pod.object.ns_key()?;
    let policies: Vec<NamespacePolicy> =
        input.namespaces(key).map(|ns| NamespacePolicy::from_labels(|k| ns.label(k))).collect();
    (!policies.is_empty()).then(|| (input.describe_ns(key), policies))
}

/// Kubernetes' own wording: `violates PodSecurity "restricted:latest": <violation>, <violation>`.
pub(crate) fn violates(policy: &ModePolicy, violations: &[Violation]) -> String {
    let list: Vec<String> = violations.iter().map(Violation::message).collect();
    format!("violates PodSecurity \"{}\": {}", policy.describe(), list.join(", "))
}
