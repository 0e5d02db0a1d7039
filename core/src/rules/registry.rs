//! The hand-kept list of every rule, sorted by id. Registering a rule is one line here.

use super::workload::*;
use super::Rule;

/// Every rule, sorted by id. Ids are permanent and never reused.
pub static RULES: &[&dyn Rule] = &[
    &PrivilegedContainer,
    &RunAsNonRoot,
    &InvalidFieldType,
    &UnknownApiVersion,
    &DuplicateKey,
];

/// Finds a rule by name or id (ids case-insensitively).
#[must_use]
pub fn find(name_or_id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name_or_id || r.meta().id.0.eq_ignore_ascii_case(name_or_id))
}
