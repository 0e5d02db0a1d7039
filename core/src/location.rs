//! Field paths inside a document and source locations.
//!
//! Rules only ever emit [`FieldPath`]s; the engine resolves them to a [`Location`] through the
//! spanned syntax tree of the document ([`crate::syntax::Node::resolve`]).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One step of a [`FieldPath`]: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A mapping key, e.g. `securityContext`.
    Key(Cow<'static, str>),
    /// A sequence index (0-based), e.g. the `0` of `containers[0]`.
    Index(usize),
}

/// A path from a document's root to a field, e.g.
/// `spec.template.spec.containers[0].securityContext.runAsNonRoot`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The empty path: the document root.
    #[must_use]
    pub const fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// This path extended by a static mapping key.
    #[must_use]
    pub fn key(&self, key: &'static str) -> Self {
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.extend_from_slice(&self.0);
        v.push(Segment::Key(Cow::Borrowed(key)));
        FieldPath(v)
    }

    /// This path extended by a mapping key that is not a compile-time constant (a label, an
    /// annotation, a resource name).
    #[must_use]
    pub fn key_owned(&self, key: &str) -> Self {
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.extend_from_slice(&self.0);
        v.push(Segment::Key(Cow::Owned(key.to_owned())));
        FieldPath(v)
    }

    /// This path extended by a sequence index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.extend_from_slice(&self.0);
        v.push(Segment::Index(index));
        FieldPath(v)
    }

    /// This path followed by every segment of `other`.
    #[must_use]
    pub fn join(&self, other: &FieldPath) -> Self {
        let mut v = Vec::with_capacity(self.0.len() + other.0.len());
        v.extend_from_slice(&self.0);
        v.extend_from_slice(&other.0);
        FieldPath(v)
    }

    /// A path made of the given segments.
    #[must_use]
    pub fn join_segments(&self, segs: &[Segment]) -> Self {
        let mut v = self.0.clone();
        v.extend_from_slice(segs);
        FieldPath(v)
    }

    /// The segments, root first.
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether this is the document root.
    #[must_use]
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The last segment, if any.
    #[must_use]
    pub fn last(&self) -> Option<&Segment> {
        self.0.last()
    }

    /// Whether `prefix` is a prefix of this path.
    #[must_use]
    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Parses the textual form produced by `Display` (`a.b[0]["c.d"]`). Returns `None` on
    /// malformed input.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut segs = Vec::new();
        let mut rest = text;
        let mut first = true;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("[\"") {
                let end = r.find("\"]")?;
                let (k, after) = r.split_at(end);
                segs.push(Segment::Key(Cow::Owned(k.replace("\\\"", "\""))));
                rest = after.get(2..)?;
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                let (n, after) = r.split_at(end);
                segs.push(Segment::Index(n.parse().ok()?));
                rest = after.get(1..)?;
            } else {
                let r = if first { rest } else { rest.strip_prefix('.')? };
                let end = r.find(['.', '[']).unwrap_or(r.len());
                let (k, after) = r.split_at(end);
                if k.is_empty() {
                    return None;
                }
                segs.push(Segment::Key(Cow::Owned(k.to_owned())));
                rest = after;
            }
            first = false;
        }
        Some(FieldPath(segs))
    }
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Writes the textual form of `segs` (`a.b[0]["c.d"]`): the one writer of `Display` and
/// [`FieldPath::render`].
fn write_segments<W: fmt::Write>(segs: &[Segment], w: &mut W) -> fmt::Result {
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Segment::Key(k) if is_plain_key(k) => {
                if i > 0 {
                    w.write_char('.')?;
                }
                w.write_str(k)?;
            }
            Segment::Key(k) => {
                w.write_str("[\"")?;
                for (j, part) in k.split('"').enumerate() {
                    if j > 0 {
                        w.write_str("\\\"")?;
                    }
                    w.write_str(part)?;
                }
                w.write_str("\"]")?;
            }
            Segment::Index(n) => {
                // Digits by hand: `write!` goes through the formatting machinery, which costs
                // more than the rest of the path.
                let mut buf = [0u8; 20];
                let mut at = buf.len();
                let mut v = *n;
                loop {
                    at -= 1;
                    if let Some(slot) = buf.get_mut(at) {
                        *slot = b'0' + (v % 10) as u8;
                    }
                    v /= 10;
                    if v == 0 || at == 0 {
                        break;
                    }
                }
                w.write_char('[')?;
                w.write_str(std::str::from_utf8(buf.get(at..).unwrap_or_default()).unwrap_or_default())?;
                w.write_char(']')?;
            }
        }
    }
    Ok(())
}

impl FieldPath {
    /// The textual form (as `Display` writes it) in one allocation of the right size.
    #[must_use]
    pub fn render(&self) -> String {
        let cap = self
            .0
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.len() + 5,
                Segment::Index(_) => 6,
            })
            .sum();
        let mut out = String::with_capacity(cap);
        let _ = write_segments(&self.0, &mut out);
        out
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_segments(&self.0, f)
    }
}

impl Serialize for FieldPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FieldPath::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid field path `{s}`")))
    }
}

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl Pos {
    /// A position from 1-based line and column.
    #[must_use]
    pub const fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let p = FieldPath::root()
            .key("spec")
            .key("containers")
            .index(0)
            .key("securityContext")
            .key_owned("kubeharden.io/ignore");
        let s = p.to_string();
        assert_eq!(s, "spec.containers[0].securityContext[\"kubeharden.io/ignore\"]");
        assert_eq!(FieldPath::parse(&s), Some(p));
        assert_eq!(FieldPath::parse(""), Some(FieldPath::root()));
        assert_eq!(FieldPath::parse("items[2].spec"), Some(FieldPath::root().key("items").index(2).key("spec")));
        assert_eq!(FieldPath::parse("a..b"), None);
    }

    #[test]
    fn render_is_display() {
        let p = FieldPath::root()
            .key("items")
            .index(1234)
            .key_owned("a \"quoted\" key")
            .index(0)
            .key_owned("x.y")
            .index(10)
            .key("spec");
        assert_eq!(p.render(), "items[1234][\"a \\\"quoted\\\" key\"][0][\"x.y\"][10].spec");
        assert_eq!(p.render(), p.to_string());
        assert_eq!(FieldPath::root().index(usize::MAX).render(), format!("[{}]", usize::MAX));
        assert_eq!(FieldPath::root().render(), "");
    }
}
