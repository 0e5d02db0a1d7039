//! Variable substitution as BuildKit does it in `FROM`, `USER`, `ENV`...: `$VAR`, `${VAR}`,
//! `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`; the escape character before
//! `$` keeps it literal. A variable that is not declared expands to nothing, as in BuildKit.
//!
//! Expansion is bounded: values that reference each other (`ENV B=$A$A`, `ENV C=$B$B`...) double
//! at every step, so every expansion of one Dockerfile draws on one [`Budget`] of produced text,
//! and nested defaults (`${A:-${B:-...}}`) have a depth limit. Exceeding either is an error the
//! parser reports as an input error.

use std::collections::HashMap;

/// Where variable values come from: `Some(Some(v))` a value, `Some(None)` declared without a
/// value (an `ARG` without a default: its value comes from the build), `None` not declared.
pub trait Lookup {
    /// The variable `name`.
    fn var(&self, name: &str) -> Option<Option<&str>>;
}

impl Lookup for HashMap<String, Option<String>> {
    fn var(&self, name: &str) -> Option<Option<&str>> {
        self.get(name).map(Option::as_deref)
    }
}

/// A list of definitions: the last one of a name wins.
impl Lookup for [(String, Option<String>)] {
    fn var(&self, name: &str) -> Option<Option<&str>> {
        self.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_deref())
    }
}

/// The text expansions of one Dockerfile may still produce, in bytes.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    left: usize,
}

impl Budget {
    /// 16 MiB of expanded text per Dockerfile: far beyond any real one (values are short; a
    /// `PATH` is a few hundred bytes), far below what doubling values reach in a few dozen lines.
    pub const DEFAULT: usize = 16 * 1024 * 1024;

    /// A budget of `bytes`.
    #[must_use]
    pub fn new(bytes: usize) -> Self {
        Budget { left: bytes }
    }

    /// Charges `bytes`; `false` when the budget is exhausted.
    pub fn charge(&mut self, bytes: usize) -> bool {
        match self.left.checked_sub(bytes) {
            Some(l) => {
                self.left = l;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Self::DEFAULT)
    }
}

/// Nested `${A:-${B:-...}}` deeper than this is refused.
const MAX_NESTING: usize = 16;

/// Why an expansion stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    /// The Dockerfile's [`Budget`] of expanded text is spent.
    Budget,
    /// Defaults nested deeper than the limit.
    Nesting,
}

/// An expanded text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The text, variables substituted.
    pub text: String,
    /// Whether part of the text is unknown before the build: a variable declared without a
    /// value, a variable that is not declared, or an operation such as `${VAR%suffix}`.
    pub unresolved: bool,
    /// The variables that expanded to nothing because they have no value here (declared without
    /// one, or not declared), in order of appearance.
    pub missing: Vec<String>,
}

/// Expands variables in `s`.
///
/// # Errors
/// [`Exceeded`] when the budget is spent or defaults nest too deep.
pub fn expand<L: Lookup + ?Sized>(s: &str, vars: &L, escape: char, budget: &mut Budget) -> Result<Expansion, Exceeded> {
    let mut out = Expansion::default();
    expand_into(s, vars, escape, budget, 0, &mut out)?;
    Ok(out)
}

fn push(out: &mut Expansion, text: &str, budget: &mut Budget) -> Result<(), Exceeded> {
    if budget.charge(text.len()) {
        out.text.push_str(text);
        Ok(())
    } else {
        Err(Exceeded::Budget)
    }
}

/// A variable without a value here: it expands to nothing.
fn missing(out: &mut Expansion, name: &str) {
    out.unresolved = true;
    out.missing.push(name.to_owned());
}

fn expand_into<L: Lookup + ?Sized>(
    s: &str,
    vars: &L,
    escape: char,
    budget: &mut Budget,
    depth: usize,
    out: &mut Expansion,
) -> Result<(), Exceeded> {
    if depth > MAX_NESTING {
        return Err(Exceeded::Nesting);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut buf = [0u8; 4];
    while let Some(&c) = chars.get(i) {
        if c == escape && chars.get(i + 1) == Some(&'$') {
            push(out, "$", budget)?;
            i += 2;
            continue;
        }
        if c != '$' {
            push(out, c.encode_utf8(&mut buf), budget)?;
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('{') => {
                // find the matching brace (nesting allowed in the default)
                let mut level = 0usize;
                let mut j = i + 1;
                let mut close = None;
                while let Some(&d) = chars.get(j) {
                    if d == '{' {
                        level += 1;
                    } else if d == '}' {
                        level = level.saturating_sub(1);
                        if level == 0 {
                            close = Some(j);
                            break;
                        }
                    }
                    j += 1;
                }
                let Some(close) = close else {
                    let rest: String = chars.get(i..).unwrap_or_default().iter().collect();
                    push(out, &rest, budget)?;
                    break;
                };
                let inner: String = chars.get(i + 2..close).unwrap_or_default().iter().collect();
                let name_len = inner.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')).unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let val = vars.var(name);
                let (kind, word) = if op.is_empty() {
                    ("plain", "")
                } else if let Some(w) = op.strip_prefix(":-") {
                    ("default-empty", w)
                } else if let Some(w) = op.strip_prefix('-') {
                    ("default", w)
                } else if let Some(w) = op.strip_prefix(":+") {
                    ("alt-empty", w)
                } else if let Some(w) = op.strip_prefix('+') {
                    ("alt", w)
                } else {
                    ("other", "")
                };
                match (kind, val) {
                    ("plain" | "default-empty" | "default" | "alt-empty" | "alt", Some(Some(v)))
                        if !(kind == "default-empty" || kind == "alt-empty") || !v.is_empty() =>
                    {
                        if kind.starts_with("alt") {
                            expand_into(word, vars, escape, budget, depth + 1, out)?;
                        } else {
                            push(out, v, budget)?;
                        }
                    }
                    ("plain", _) => missing(out, name),
                    ("default-empty", _) | ("default", None) => {
                        expand_into(word, vars, escape, budget, depth + 1, out)?
                    }
                    ("default", Some(None)) | ("alt-empty" | "alt", Some(None)) => missing(out, name),
                    ("alt-empty" | "alt", _) => {}
                    // `${VAR%suffix}`, `${VAR#prefix}`, `${VAR/a/b}`: the value is unknown
                    _ => out.unresolved = true,
                }
                i = close + 1;
            }
            Some(&n) if n.is_ascii_alphabetic() || n == '_' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|ch| ch.is_ascii_alphanumeric() || *ch == '_') {
                    j += 1;
                }
                let name: String = chars.get(i + 1..j).unwrap_or_default().iter().collect();
                match vars.var(&name) {
                    Some(Some(v)) => push(out, v, budget)?,
                    _ => missing(out, &name),
                }
                i = j;
            }
            _ => {
                push(out, "$", budget)?;
                i += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{expand, Budget, Exceeded};

    fn v(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned))).collect()
    }

    fn x(s: &str, vars: &[(String, Option<String>)]) -> (String, bool) {
        let e = expand(s, vars, '\\', &mut Budget::default()).unwrap();
        (e.text, e.unresolved)
    }

    #[test]
    fn forms() {
        let vars = v(&[("TAG", Some("1.22")), ("EMPTY", Some("")), ("NOVAL", None)]);
        assert_eq!(x("golang:${TAG}", &vars), ("golang:1.22".into(), false));
        assert_eq!(x("golang:$TAG-alpine", &vars), ("golang:1.22-alpine".into(), false));
        assert_eq!(x("x:${MISSING:-3.20}", &vars), ("x:3.20".into(), false));
        assert_eq!(x("x:${EMPTY:-d}", &vars), ("x:d".into(), false));
        assert_eq!(x("x:${EMPTY-d}", &vars), ("x:".into(), false));
        assert_eq!(x("x${TAG:+-t}", &vars), ("x-t".into(), false));
        assert_eq!(x("x:$NOVAL", &vars), ("x:".into(), true));
        assert_eq!(x("x:$MISSING", &vars), ("x:".into(), true));
        assert_eq!(x("a\\$TAG", &vars), ("a$TAG".into(), false));
        assert_eq!(x("${unclosed", &vars), ("${unclosed".into(), false));
        assert_eq!(x("cost $5", &vars), ("cost $5".into(), false));
        let e = expand("$A${B}${TAG}", vars.as_slice(), '\\', &mut Budget::default()).unwrap();
        assert_eq!((e.text.as_str(), e.missing), ("1.22", vec!["A".to_owned(), "B".to_owned()]));
    }

    #[test]
    fn budget_and_nesting_bound_the_work() {
        let vars = v(&[("A", Some(&"x".repeat(1000)))]);
        let mut b = Budget::new(2500);
        assert!(expand("$A$A", vars.as_slice(), '\\', &mut b).is_ok());
        assert_eq!(expand("$A", vars.as_slice(), '\\', &mut b), Err(Exceeded::Budget));
        let deep = format!("{}x{}", "${U:-".repeat(40), "}".repeat(40));
        assert_eq!(expand(&deep, vars.as_slice(), '\\', &mut Budget::default()), Err(Exceeded::Nesting));
        let ok = format!("{}x{}", "${U:-".repeat(10), "}".repeat(10));
        assert_eq!(x(&ok, &vars).0, "x");
    }
}
