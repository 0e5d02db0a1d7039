//! Rendering reports: text (ruff-like, with source lines and carets), grouped (per file, object
//! and container), statistics (per rule) and JSON (the contract);
//! the other commands' typed results and their renderings: `pss` ([`pss`]) and `netpol`
//! ([`netpol`]).

pub mod baseline;
pub mod escape;
pub mod github;
pub mod grouped;
pub mod junit;
pub mod netpol;
pub mod pss;
pub mod sarif;
pub mod statistics;
pub mod text;
pub mod tickets;

use crate::api::Finding;
use crate::rules::{registry, Excerpt};

/// What a renderer may quote of the source line `f` points at: the `redact` of its rule's
/// declaration; [`Excerpt::Omit`] for a rule this version does not know (a report read back from
/// JSON), since nothing says its lines hold no secret. Every renderer that quotes source asks
/// here (through [`quote`]), so a later per-value redaction changes this one place.
#[must_use]
pub fn excerpt(f: &Finding) -> Excerpt {
    registry::find(&f.rule).map_or(Excerpt::Omit, |r| r.meta().redact)
}

/// The source line `line` of finding `f` as a renderer may show it, or `None` when it may not be
/// shown at all.
#[must_use]
pub fn quote(f: &Finding, line: &str) -> Option<String> {
    match excerpt(f) {
        Excerpt::Full => Some(line.to_owned()),
        Excerpt::Omit => None,
        Excerpt::KeyOnly => {
            let t = line.trim_start().trim_start_matches("- ");
            if t.starts_with("name:") && !t.contains(['{', ',']) {
                return Some(line.to_owned()); // a list item's name: a key, never a secret
            }
            // keep the indentation and the key, hide everything after it; no key, no excerpt
            let key_end = line.find(':')? + 1;
            let key = line.get(..key_end)?;
            Some(if key_end < line.trim_end().len() { format!("{key} <redacted>") } else { key.to_owned() })
        }
    }
}
