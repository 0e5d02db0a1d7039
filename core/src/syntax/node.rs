use std::collections::HashSet;
use std::sync::Arc;

use crate::location::{FieldPath, Pos, Segment};

/// The text of a key or a string value: shared, so a key written a hundred thousand times in a
/// `kind: List` (`apiVersion`, `name`, `image`) is one allocation ([`Interner`]). Reads as a
/// `str` (`Deref`), compares with `str` and `&str`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Arc<str>);

impl Text {
    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Arc::from(s))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == &*other.0
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value of the syntax tree with the positions where it starts and ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts (1-based).
    pub pos: Pos,
    /// Where the value ends: just after its last character (a scalar's closing quote, a flow
    /// collection's bracket, a block collection's last item). A value copied by an alias or a
    /// merge key keeps the positions of its anchor; the alias node itself spans the `*alias`.
    pub end: Pos,
}

/// A mapping entry: its key (always a string, as Kubernetes reads keys), the key's position, and
/// the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key text.
    pub key: Text,
    /// Where the key starts: the position reported for a field.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// The kinds of values, after Kubernetes' scalar resolution (YAML 1.1 booleans such as `yes` and
/// `on` are booleans, quoted scalars are strings).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(Text),
    /// A sequence.
    Seq(Box<[Node]>),
    /// A mapping, in source order. Duplicate keys are kept; lookups take the last one, as
    /// Kubernetes' decoders do.
    Map(Box<[Entry]>),
}

/// Shares the text of keys and short strings within one input file: the readers build every
/// key and every string of up to [`Interner::MAX_SHARED`] bytes through it, so the tree holds
/// one copy of each distinct text (a `kind: List` repeats the same few dozen keys and values in
/// every item).
#[derive(Debug, Default)]
pub struct Interner {
    seen: HashSet<Text>,
}

impl Interner {
    /// Longer strings (certificates, scripts, base64 data) are rarely repeated: they are not
    /// looked up.
    pub const MAX_SHARED: usize = 64;

    /// The shared text equal to `s`.
    pub fn text(&mut self, s: &str) -> Text {
        if s.len() > Self::MAX_SHARED {
            return Text::from(s);
        }
        if let Some(t) = self.seen.get(s) {
            return t.clone();
        }
        let t = Text::from(s);
        self.seen.insert(t.clone());
        t
    }
}

impl Node {
    /// A node at a position (ending where it starts: see [`Node::spanning`]).
    #[must_use]
    pub fn new(value: Value, pos: Pos) -> Self {
        Node { value, pos, end: pos }
    }

    /// A node from `pos` to `end` (just after its last character).
    #[must_use]
    pub fn spanning(value: Value, pos: Pos, end: Pos) -> Self {
        Node { value, pos, end: end.max(pos) }
    }

    /// The value of mapping key `key` (the last one, if the key is repeated).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The mapping entry of `key` (the last one, if the key is repeated).
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The string, if this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer, if this is an integer (or a float with an integral value, as JSON numbers
    /// such as `1000.0` decode into Go's int64 fields).
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            #[expect(clippy::cast_possible_truncation, reason = "checked to be integral and in range")]
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    #[must_use]
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The name of this value's type, for messages (`string`, `boolean`, ...).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }

    /// A short rendering of a scalar for messages: strings quoted, collections abbreviated.
    #[must_use]
    pub fn short(&self) -> String {
        match &self.value {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => {
                let cut: String = s.chars().take(60).collect();
                if cut.len() < s.len() {
                    format!("\"{cut}...\"")
                } else {
                    format!("\"{cut}\"")
                }
            }
            Value::Seq(_) => "[...]".to_owned(),
            Value::Map(_) => "{...}".to_owned(),
        }
    }

    /// The node at `path`, if it exists.
    #[must_use]
    pub fn at(&self, path: &FieldPath) -> Option<&Node> {
        let mut node = self;
        for seg in path.segments() {
            node = match seg {
                Segment::Key(k) => node.get(k)?,
                Segment::Index(i) => node.as_seq()?.get(*i)?,
            };
        }
        Some(node)
    }

    /// The source position of `path`: the position of its key (for a mapping field) or item
    /// (for a sequence index). When the path does not exist, the position of its nearest existing
    /// ancestor; the boolean says whether the path itself exists.
    #[must_use]
    pub fn resolve(&self, path: &FieldPath) -> (Pos, bool) {
        let (pos, _, exact) = self.resolve_span(path);
        (pos, exact)
    }

    /// The source span of `path`: where it starts (as [`Node::resolve`] gives it: its key, or its
    /// item) and where its value ends. When the path does not exist, the span of its nearest
    /// existing ancestor; the boolean says whether the path itself exists.
    #[must_use]
    pub fn resolve_span(&self, path: &FieldPath) -> (Pos, Pos, bool) {
        let mut node = self;
        let mut span = (self.pos, self.end);
        for seg in path.segments() {
            let next = match seg {
                Segment::Key(k) => node.entry(k).map(|e| ((e.key_pos, e.value.end.max(e.key_pos)), &e.value)),
                Segment::Index(i) => node.as_seq().and_then(|s| s.get(*i)).map(|n| ((n.pos, n.end), n)),
            };
            match next {
                Some((s, n)) => {
                    span = s;
                    node = n;
                }
                None => return (span.0, span.1, false),
            }
        }
        (span.0, span.1, true)
    }

    /// The size of this tree: (nodes, bytes of scalar and key text, height), where the height
    /// counts nested collections (a scalar is 0, `[x]` is 1).
    #[must_use]
    pub fn measure(&self) -> (usize, usize, usize) {
        match &self.value {
            Value::Str(s) => (1, s.len(), 0),
            Value::Seq(items) => items.iter().fold((1, 0, 1), |(n, b, h), c| {
                let (cn, cb, ch) = c.measure();
                (n + cn, b + cb, h.max(ch + 1))
            }),
            Value::Map(entries) => entries.iter().fold((1, 0, 1), |(n, b, h), e| {
                let (cn, cb, ch) = e.value.measure();
                (n + cn, b + cb + e.key.len(), h.max(ch + 1))
            }),
            _ => (1, 0, 0),
        }
    }

    /// Counts the nodes of this tree (itself included).
    #[must_use]
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(s) => s.iter().map(Node::count).sum(),
            Value::Map(m) => m.iter().map(|e| e.value.count()).sum(),
            _ => 0,
        }
    }
}
