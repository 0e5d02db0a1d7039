//! Rules over pod specs of every pod-bearing kind (the checklist's "Workload rules").

mod duplicate_key;
mod invalid_field_type;
mod privileged_container;
mod run_as_non_root;
mod unknown_api_version;

pub use duplicate_key::DuplicateKey;
pub use invalid_field_type::InvalidFieldType;
pub use privileged_container::PrivilegedContainer;
pub use run_as_non_root::RunAsNonRoot;
pub use unknown_api_version::UnknownApiVersion;
