//! Namespace and cross-resource rules (the checklist's "Namespace and cross-resource rules").

mod namespace_pss_enforce_missing;
mod pss_admission_rejected;

pub use namespace_pss_enforce_missing::NamespacePssEnforceMissing;
pub use pss_admission_rejected::PssAdmissionRejected;
