//! A small value tree rendered both as JSON and as block-style YAML, for the property tests
//! (`core/tests/props.rs`) and the structured fuzz target (`fuzz/fuzz_targets/list.rs`, which
//! includes this file with `#[path]`). Pure std, no dependencies.
//!
//! The YAML rendering writes a string plain only when Kubernetes' YAML 1.1 reader reads it back
//! as the same string (never `yes`, `on`, `null`, `0x1F`, `1e3`, ...), and double-quoted
//! (JSON escapes, which are valid YAML escapes) otherwise, so both renderings denote the same
//! object.

#![allow(dead_code)]

use std::fmt::Write as _;

/// A JSON-compatible value. Mapping keys are kept in order (duplicates are the caller's choice).
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Tree>),
    /// A mapping.
    Map(Vec<(String, Tree)>),
}

/// `s` as a JSON string literal (also a valid YAML double-quoted scalar).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Controls and the characters YAML does not allow unescaped (C1, U+2028/9, BOM, U+FFFE/F).
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const YAML11_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on",
    "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
];

/// Whether `s` can be written as a plain YAML scalar and read back as the same string.
pub fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    first.is_ascii_alphabetic()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !YAML11_WORDS.contains(&s)
}

fn yaml_scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_owned()
    } else {
        quote(s)
    }
}

impl Tree {
    /// A mapping from `(key, value)` pairs.
    pub fn map(entries: Vec<(&str, Tree)>) -> Tree {
        Tree::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// A string.
    pub fn s(v: &str) -> Tree {
        Tree::Str(v.to_owned())
    }

    /// The value at a mapping key (the last occurrence).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Tree> {
        match self {
            Tree::Map(m) => m.iter_mut().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Pretty JSON (2-space indent, one entry per line).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.json_into(&mut out, 0);
        out.push('\n');
        out
    }

    fn json_into(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.push_str(&" ".repeat(n));
        match self {
            Tree::Null => out.push_str("null"),
            Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Tree::Int(i) => out.push_str(&i.to_string()),
            Tree::Str(s) => out.push_str(&quote(s)),
            Tree::Seq(items) if items.is_empty() => out.push_str("[]"),
            Tree::Map(m) if m.is_empty() => out.push_str("{}"),
            Tree::Seq(items) => {
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    v.json_into(out, indent + 2);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Tree::Map(m) => {
                out.push_str("{\n");
                for (i, (k, v)) in m.iter().enumerate() {
                    pad(out, indent + 2);
                    out.push_str(&quote(k));
                    out.push_str(": ");
                    v.json_into(out, indent + 2);
                    out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }

    /// Block-style YAML (2-space indent, `- ` items, `{}`/`[]` for empty collections).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Tree::Map(m) if !m.is_empty() => Self::yaml_map(m, &mut out, 0, false),
            Tree::Seq(s) if !s.is_empty() => Self::yaml_seq(s, &mut out, 0, false),
            other => {
                out.push_str(&other.yaml_inline());
                out.push('\n');
            }
        }
        out
    }

    fn yaml_inline(&self) -> String {
        match self {
            Tree::Null => "null".to_owned(),
            Tree::Bool(b) => b.to_string(),
            Tree::Int(i) => i.to_string(),
            Tree::Str(s) => yaml_scalar(s),
            Tree::Seq(_) => "[]".to_owned(),
            Tree::Map(_) => "{}".to_owned(),
        }
    }

    fn is_block(&self) -> bool {
        matches!(self, Tree::Seq(s) if !s.is_empty()) || matches!(self, Tree::Map(m) if !m.is_empty())
    }

    /// Writes mapping entries at `indent`; when `first_inline`, the first entry continues the
    /// current line (after `- `).
    fn yaml_map(m: &[(String, Tree)], out: &mut String, indent: usize, first_inline: bool) {
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 || !first_inline {
                out.push_str(&" ".repeat(indent));
            }
            let key = yaml_scalar(k);
            if key.chars().count() > 1000 {
                // YAML (and libyaml, which Kubernetes uses) limits an implicit key to 1024
                // characters: write a long key as an explicit `? key` / `: value` pair.
                out.push_str("? ");
                out.push_str(&key);
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            } else {
                out.push_str(&key);
            }
            out.push(':');
            match v {
                Tree::Map(cm) if !cm.is_empty() => {
                    out.push('\n');
                    Self::yaml_map(cm, out, indent + 2, false);
                }
                Tree::Seq(cs) if !cs.is_empty() => {
                    out.push('\n');
                    Self::yaml_seq(cs, out, indent + 2, false);
                }
                other => {
                    out.push(' ');
                    out.push_str(&other.yaml_inline());
                    out.push('\n');
                }
            }
        }
    }

    fn yaml_seq(s: &[Tree], out: &mut String, indent: usize, first_inline: bool) {
        for (i, v) in s.iter().enumerate() {
            if i > 0 || !first_inline {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str("- ");
            match v {
                Tree::Map(cm) if !cm.is_empty() => Self::yaml_map(cm, out, indent + 2, true),
                Tree::Seq(cs) if !cs.is_empty() => Self::yaml_seq(cs, out, indent + 2, true),
                other => {
                    debug_assert!(!other.is_block());
                    out.push_str(&other.yaml_inline());
                    out.push('\n');
                }
            }
        }
    }
}
