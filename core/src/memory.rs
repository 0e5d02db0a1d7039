//! The memory bound of a check: at most 4 × its input + 100 MB, whatever the input
//! (docs/input-handling.md, "Memory"). Each part of a check that grows with the input has a
//! budget taken from that bound, and what would exceed it is refused or cut with an input error
//! that says so, never dropped silently:
//!
//! - the text itself (the caller holds it): 1 × the input;
//! - the syntax tree ([`crate::syntax::Limits::max_tree_bytes`]): 2 × the input + 48 MiB, at
//!   [`crate::syntax::TREE_NODE_BYTES`] per value; a larger tree refuses the input;
//! - the model of its pods ([`model_budget`], by [`crate::model::Inventory::extract`]): what the
//!   tree left, less a reserve for the findings; pods beyond it are not checked (an input error
//!   per file);
//! - the findings ([`findings_budget`]): what is left, at [`FINDING_BYTES`] each, capped by
//!   [`crate::Checker::with_max_findings`]; the others are counted and reported as cut.
//!
//! The costs are estimates measured on the shapes of `benches/src/bin/mem_bound.rs`, which checks
//! the bound on inputs of 25 and 250 MiB.

/// The constant part of the bound: 100 MB.
pub const BOUND_BASE: usize = 100_000_000;

/// What a check needs whatever its input: the program, its tables, the rules.
/// (A scan of the example manifests peaks at 7.6 MB.)
pub const BASELINE: usize = 12 << 20;

/// What the model of a pod spec is taken to cost beside its containers (the object, the pod
/// spec, its volumes and the indexes).
pub const POD_BYTES: usize = 3072;

/// What the model of one container is taken to cost (its paths, settings, ports, env).
pub const CONTAINER_BYTES: usize = 512;

/// What one finding kept in a report is taken to cost (the finding, its strings, its fix plan,
/// and its share of the vectors that hold and sort the findings).
pub const FINDING_BYTES: usize = 2048;

/// The bound for an input of `bytes`: 4 × `bytes` + 100 MB.
#[must_use]
pub const fn bound(bytes: usize) -> usize {
    bytes.saturating_mul(4).saturating_add(BOUND_BASE)
}

/// What is kept for the findings of an input of `bytes` whatever else it needs: ¼ × `bytes` +
/// 16 MiB (8,192 findings at least).
#[must_use]
pub const fn findings_reserve(bytes: usize) -> usize {
    (bytes / 4).saturating_add(16 << 20)
}

/// What the bound of inputs of `bytes` (trees of `tree_bytes`) leaves once the program, the text
/// and the tree are counted: for the model of the pods and the findings.
const fn after_tree(bytes: usize, tree_bytes: usize) -> usize {
    bound(bytes).saturating_sub(BASELINE).saturating_sub(bytes).saturating_sub(tree_bytes)
}

/// What the model of the pods of one input (`bytes` of text, a tree of `tree_bytes`) may take.
#[must_use]
pub const fn model_budget(bytes: usize, tree_bytes: usize) -> usize {
    after_tree(bytes, tree_bytes).saturating_sub(findings_reserve(bytes))
}

/// How many findings a check of inputs of `bytes` in all (trees of `tree_bytes`, models of
/// `model_bytes`) may keep: what the bound leaves, and at least the reserve.
#[must_use]
pub const fn findings_budget(bytes: usize, tree_bytes: usize, model_bytes: usize) -> usize {
    let left = after_tree(bytes, tree_bytes).saturating_sub(model_bytes);
    let reserve = findings_reserve(bytes);
    (if left > reserve { left } else { reserve }) / FINDING_BYTES
}

/// `12.3 MB`.
#[must_use]
pub fn size(bytes: usize) -> String {
    #[allow(clippy::cast_precision_loss, reason = "a size to read, one decimal")]
    let mb = bytes as f64 / 1e6;
    format!("{mb:.1} MB")
}
