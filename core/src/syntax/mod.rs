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
