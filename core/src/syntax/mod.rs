//! The spanned syntax tree every input is read into, and its two readers.
//!
//! YAML (through `saphyr-parser`'s event stream, with Kubernetes' YAML 1.1 scalar rules) and
//! JSON (a small reader of our own, much faster on `kubectl get -o json` dumps) both produce
//! [`Node`]s that carry the 1-based line and column of every value and every mapping key, so a
//! [`FieldPath`](crate::location::FieldPath) resolves to a precise source position.

mod json;
mod node;
mod yaml;

pub use json::{parse_json, parse_json_list};
pub use node::{Entry, Interner, Node, Text, Value};
pub(crate) use yaml::{last_line, resolve_non_str};
pub use yaml::{parse_yaml, parse_yaml_list, RawDocument, YamlStream};

/// Limits that keep hostile input bounded in time and memory (docs/input-handling.md).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of mappings and sequences, aliases included.
    pub max_depth: usize,
    /// Most nodes the aliases of one input file may copy (billion-laughs guard).
    pub max_alias_nodes: usize,
    /// Most bytes of text (scalars and keys) the aliases of one input file may copy (the same
    /// guard against an alias of one huge scalar repeated many times).
    pub max_alias_bytes: usize,
    /// Largest input file, in bytes; a larger one is refused with an input error.
    pub max_input_bytes: usize,
    /// Most memory the syntax tree of one input may take, estimated at [`TREE_NODE_BYTES`] per
    /// value; a larger tree is refused with an input error as soon as it is reached. `None`:
    /// [`tree_budget`] of the input's size, so that a check stays within 4 × its input + 100 MB
    /// (docs/input-handling.md).
    pub max_tree_bytes: Option<usize>,
}

/// What one value of the syntax tree is taken to cost, in bytes, for [`Limits::max_tree_bytes`]:
/// the node (40 bytes) or mapping entry (64), its share of the vectors that hold it, and its text
/// when not shared. Measured: 72 bytes per value on a minified `kubectl get pods -o json`, 89 on a
/// pod of one-line flow-style containers (`mem_bound`).
pub const TREE_NODE_BYTES: usize = 80;

/// The default budget of the syntax tree of an input of `len` bytes: 2 × `len` + 48 MiB. With the
/// text itself, the model of its objects and the findings (each bounded the same way), a check
/// stays within 4 × its input + 100 MB.
#[must_use]
pub const fn tree_budget(len: usize) -> usize {
    len.saturating_mul(2).saturating_add(48 << 20)
}

impl Limits {
    /// The most values the syntax tree of an input of `len` bytes may have.
    #[must_use]
    pub fn max_tree_nodes(&self, len: usize) -> usize {
        self.tree_bytes(len) / TREE_NODE_BYTES
    }

    /// The budget of the syntax tree of an input of `len` bytes ([`Limits::max_tree_bytes`]).
    fn tree_bytes(&self, len: usize) -> usize {
        self.max_tree_bytes.unwrap_or_else(|| tree_budget(len))
    }

    /// The error of a tree that outgrew [`Limits::max_tree_bytes`] for an input of `len` bytes.
    pub(crate) fn tree_too_large(&self, len: usize, line: u32, column: u32) -> SyntaxError {
        let budget = self.tree_bytes(len);
        SyntaxError {
            message: format!(
                "the syntax tree of this input would take more than {} for {} of text (more than {} values): kubeharden keeps a check within 4 × its input + 100 MB, so the input is refused; split it (one namespace or kind per file), or check `kubectl get -o json` output with `kubeharden audit`, which reads a List item by item",
                crate::memory::size(budget),
                crate::memory::size(len),
                budget / TREE_NODE_BYTES
            ),
            line,
            column,
        }
    }
}

/// The default [`Limits::max_input_bytes`]: 256 MiB (the CLI refuses larger files before reading them).
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_alias_bytes: 16 * 1024 * 1024,
            max_input_bytes: MAX_INPUT_BYTES,
            max_tree_bytes: None,
        }
    }
}

/// A syntax error with its 1-based position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, one sentence, lowercase.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}
