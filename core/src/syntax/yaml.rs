//! YAML streams into [`Node`] trees, through `saphyr-parser`'s spanned events.
//!
//! Scalars are resolved as Kubernetes reads manifests (`sigs.k8s.io/yaml`, go-yaml v2, YAML 1.1):
//! plain `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0x1F` and `0o17` are integers, quoted
//! scalars are always strings. Anchors, aliases and merge keys (`<<`) are expanded, with a node
//! budget against alias bombs; nesting deeper than [`Limits::max_depth`] is an error.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::{Entry, Interner, Limits, Node, SyntaxError, Text, Value};
use crate::location::Pos;

/// One document of a YAML stream.
#[derive(Clone, Debug)]
pub struct RawDocument {
    /// 0-based index of the document in its stream (as `yq`'s `documentIndex`).
    pub index: usize,
    /// The root node; `None` for an empty document.
    pub root: Option<Node>,
    /// The Helm template this document was rendered from (`# Source: chart/templates/x.yaml`).
    pub source: Option<String>,
}

/// A parsed stream: the documents read, and the error that stopped reading, if any.
#[derive(Clone, Debug, Default)]
pub struct YamlStream {
    /// Complete documents, in order.
    pub documents: Vec<RawDocument>,
    /// The syntax error that ended the stream early, with the index of the document it is in.
    pub error: Option<(usize, SyntaxError)>,
}

fn pos_of(span: &Span) -> Pos {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
    let col = u32::try_from(span.start.col()).unwrap_or(u32::MAX - 1);
    // saphyr lines are 1-based, columns 0-based.
    Pos::new(line.max(1), col.saturating_add(1))
}

/// The position just after the last character of `text`: its last line (line breaks counted
/// as YAML counts them: `\r\n`, `\r`, `\n`) and the column after its last character.
fn end_pos(text: &str) -> Pos {
    let b = text.as_bytes();
    // Without `\r` (nearly every manifest) a line break is a `\n`: counted with the bytes
    // searched in bulk instead of one at a time (this walk was 6% of a scan).
    if !b.contains(&b'\r') {
        let breaks = b.iter().filter(|&&c| c == b'\n').count();
        let start = b.iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
        let col = text.get(start..).map_or(0, |l| l.chars().count());
        let line = u32::try_from(breaks).unwrap_or(u32::MAX).saturating_add(1);
        return Pos::new(line, u32::try_from(col).unwrap_or(u32::MAX - 1).saturating_add(1));
    }
    let mut line = 1u32;
    let mut start = 0usize;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line = line.saturating_add(1);
            start = i + 1;
        }
    }
    let col = text.get(start..).map_or(0, |l| l.chars().count());
    Pos::new(line, u32::try_from(col).unwrap_or(u32::MAX - 1).saturating_add(1))
}

/// Where a flow collection whose end event spans `span` ends: just after its bracket, the one
/// character the span starts with (the span itself runs on over a comment after the bracket). A
/// block collection's end event spans nothing: `None`.
fn flow_end(span: &Span, text_end: Pos) -> Option<Pos> {
    (span.end != span.start).then(|| {
        let p = clamp(pos_of(span), text_end);
        Pos::new(p.line, p.column.saturating_add(1))
    })
}

/// Where a span ends, 1-based (see [`pos_of`]).
fn end_of(span: &Span) -> Pos {
    let line = u32::try_from(span.end.line()).unwrap_or(u32::MAX);
    let col = u32::try_from(span.end.col()).unwrap_or(u32::MAX - 1);
    Pos::new(line.max(1), col.saturating_add(1))
}

/// Where quoted and block scalars end. saphyr-parser's spans end plain scalars, aliases and flow
/// brackets exactly, but a quoted scalar's span runs on over a comment after it and a block
/// scalar's to the next token: those two are found in the text, from a line cursor that moves
/// with the events (so the whole stream costs one pass over the lines at most). Lines are
/// counted as `\n`; in a text with a carriage return that ends no `\r\n` (a line break to YAML, not
/// here) nothing is looked up and the parser's spans stand.
struct Ends<'t> {
    text: &'t str,
    usable: bool,
    /// The cursor: a 1-based line and the byte where it starts.
    line: u32,
    start: usize,
}

impl<'t> Ends<'t> {
    fn new(text: &'t str) -> Self {
        let b = text.as_bytes();
        let usable =
            !b.contains(&b'\r') || b.iter().enumerate().all(|(i, &c)| c != b'\r' || b.get(i + 1) == Some(&b'\n'));
        Ends { text, usable, line: 1, start: 0 }
    }

    /// The byte where 1-based `line` starts.
    fn line_start(&mut self, line: u32) -> Option<usize> {
        let b = self.text.as_bytes();
        while self.line < line {
            let nl = b.get(self.start..)?.iter().position(|&c| c == b'\n')?;
            self.start += nl + 1;
            self.line += 1;
        }
        while self.line > line {
            let before = b.get(..self.start.checked_sub(1)?)?;
            self.start = before.iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
            self.line -= 1;
        }
        Some(self.start)
    }

    /// The byte of position `p` (its column counted in characters), at most the end of its line.
    fn byte_of(&mut self, p: Pos) -> Option<usize> {
        let start = self.line_start(p.line)?;
        let line = self.text.get(start..)?;
        let want = p.column.saturating_sub(1) as usize;
        for (n, (i, ch)) in line.char_indices().enumerate() {
            if n == want || ch == '\n' {
                return Some(start + i);
            }
        }
        Some(self.text.len())
    }

    /// The position of byte `at`, which is on line `line` or after it.
    fn pos_at(&mut self, line: u32, at: usize) -> Option<Pos> {
        let start = self.line_start(line)?;
        let between = self.text.get(start..at)?;
        let breaks = between.bytes().filter(|&c| c == b'\n').count();
        let line = line.saturating_add(u32::try_from(breaks).unwrap_or(u32::MAX));
        let start = self.line_start(line)?;
        let col = self.text.get(start..at)?.chars().count();
        Some(Pos::new(line, u32::try_from(col).unwrap_or(u32::MAX - 1).saturating_add(1)))
    }

    /// The end of the quoted scalar starting at `pos` (after an anchor or a tag, if any): just
    /// after its closing quote.
    fn quoted(&mut self, pos: Pos, double: bool) -> Option<Pos> {
        if !self.usable {
            return None;
        }
        let from = self.byte_of(pos)?;
        let quote = if double { b'"' } else { b'\'' };
        let b = self.text.as_bytes();
        let open = from + b.get(from..)?.iter().position(|&c| c == quote)?;
        let mut i = open + 1;
        loop {
            match *b.get(i)? {
                b'\\' if double => i += 2,
                c if c == quote => {
                    if !double && b.get(i + 1) == Some(&b'\'') {
                        i += 2; // `''` is a quote inside a single-quoted scalar
                    } else {
                        return self.pos_at(pos.line, i + 1);
                    }
                }
                _ => i += 1,
            }
        }
    }

    /// The end of a block scalar whose span ends at `end` (where the next token starts): the
    /// last character before it that is not white space.
    fn trim_back(&mut self, end: Pos) -> Option<Pos> {
        if !self.usable {
            return None;
        }
        let at = self.byte_of(end)?;
        let b = self.text.as_bytes();
        let last = b.get(..at)?.iter().rposition(|c| !c.is_ascii_whitespace())? + 1;
        let line_of_last = end.line.saturating_sub(
            u32::try_from(b.get(last..at)?.iter().filter(|&&c| c == b'\n').count()).unwrap_or(u32::MAX),
        );
        self.pos_at(line_of_last, last)
    }
}

/// saphyr-parser places the end of a stream without a final line break on a line after the
/// last one; positions are kept inside the text.
fn clamp(p: Pos, end: Pos) -> Pos {
    if p.line > end.line {
        end
    } else {
        p
    }
}

/// An open collection. Its items (entries) wait on the builder's shared `items` (`entries`)
/// stack from index `start`, and move into a vector of exactly their number when it closes: one
/// allocation per collection instead of a chain of reallocations as it grows.
/// `end` is the greatest end of the values read into it so far: where a block collection ends.
enum Frame {
    Seq { start: usize, pos: Pos, end: Pos, anchor: usize },
    Map { start: usize, merges: Vec<Node>, pos: Pos, end: Pos, anchor: usize, key: Option<(Text, Pos, bool)> },
}

/// What receives list items: (document index, item index, item).
type ItemFn<'f> = dyn FnMut(usize, usize, Node) + 'f;

/// Where the items of a root mapping's `items` sequence go when a stream is read item by item
/// ([`parse_yaml_list`]).
struct ItemSink<'l, 'f> {
    each: &'l mut ItemFn<'f>,
    /// The document being read.
    doc: usize,
    /// Items of the current document handed over so far.
    next: usize,
    /// Items of the whole stream seen so far, and how many of them to drop because a previous
    /// reading of the same text (before a patch, see [`parse_yaml`]) handed them over already.
    seen: usize,
    skip: usize,
    /// Whether the current document's `items` sequence has begun.
    started: bool,
}

struct Builder<'l, 'f> {
    limits: &'l Limits,
    list: Option<ItemSink<'l, 'f>>,
    end: Pos,
    ends: Ends<'l>,
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<Entry>,
    anchors: HashMap<usize, Node>,
    alias_budget: usize,
    alias_bytes_budget: usize,
    /// Values the tree may still take (`Limits::max_tree_bytes`), and the size of the text.
    nodes_left: usize,
    text_len: usize,
    root: Option<Node>,
    interner: Interner,
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / 1024 / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn err(pos: Pos, message: impl Into<String>) -> SyntaxError {
    SyntaxError { message: message.into(), line: pos.line, column: pos.column }
}

/// Resolves a plain scalar the way go-yaml v2 (YAML 1.1) does.
fn resolve_plain(text: &str, interner: &mut Interner) -> Value {
    resolve_non_str(text).unwrap_or_else(|| Value::Str(interner.text(text)))
}

/// The value of a plain scalar that resolves to something other than a string.
pub(crate) fn resolve_non_str(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some(Value::Bool(false))
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(Value::Float(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'a');
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    if let Some(i) = parse_int(text) {
        return Some(Value::Int(i));
    }
    if is_float(text) {
        if let Ok(f) = text.replace('_', "").parse::<f64>() {
            return Some(Value::Float(f));
        }
    }
    None
}

fn parse_int(text: &str) -> Option<i64> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() || body.starts_with('_') {
        return None;
    }
    let (digits, radix) = if let Some(h) = clean.strip_prefix("0x") {
        (h, 16)
    } else if let Some(b) = clean.strip_prefix("0b") {
        (b, 2)
    } else if let Some(o) = clean.strip_prefix("0o") {
        (o, 8)
    } else if clean.len() > 1 && clean.starts_with('0') {
        (clean.get(1..)?, 8)
    } else {
        (clean.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

fn is_float(text: &str) -> bool {
    // go-yaml v2: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (underscores allowed)
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(i) => (t.get(..i).unwrap_or(""), t.get(i + 1..)),
        None => (t, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => {
            (a.is_empty() && !b.is_empty() || !a.is_empty())
                && a.chars().all(|c| c.is_ascii_digit() || c == '_')
                && b.chars().all(|c| c.is_ascii_digit() || c == '_')
        }
        None => !mant.is_empty() && mant.chars().all(|c| c.is_ascii_digit() || c == '_'),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok
}

fn is_str_tag(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|t| t.suffix == "str" || t.suffix == "binary" || t.suffix.ends_with(":str"))
}

impl Builder<'_, '_> {
    fn depth_check(&self, pos: Pos) -> Result<(), SyntaxError> {
        if self.stack.len() >= self.limits.max_depth {
            Err(err(pos, format!("nesting deeper than {} levels", self.limits.max_depth)))
        } else {
            Ok(())
        }
    }

    fn in_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn set_key(&mut self, key: Text, pos: Pos, plain: bool) {
        if let Some(Frame::Map { key: k, .. }) = self.stack.last_mut() {
            *k = Some((key, pos, plain));
        }
    }

    /// Charges a copy of `node` (an anchor kept, or an alias expanded) to the stream's budgets.
    fn charge(&mut self, (n, bytes, height): (usize, usize, usize), pos: Pos) -> Result<usize, SyntaxError> {
        if n > self.alias_budget {
            return Err(err(
                pos,
                format!(
                    "anchors and aliases copy more than {} nodes (a YAML alias bomb?)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        if bytes > self.alias_bytes_budget {
            return Err(err(
                pos,
                format!(
                    "anchors and aliases copy more than {} of text (a YAML alias bomb?)",
                    size(self.limits.max_alias_bytes)
                ),
            ));
        }
        self.alias_budget -= n;
        self.alias_bytes_budget -= bytes;
        Ok(height)
    }

    fn push_value(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        self.nodes_left = match self.nodes_left.checked_sub(1) {
            Some(n) => n,
            None => return Err(self.limits.tree_too_large(self.text_len, node.pos.line, node.pos.column)),
        };
        if anchor > 0 {
            self.charge(node.measure(), node.pos)?;
            self.anchors.insert(anchor, node.clone());
        }
        if self.list.is_some() && self.is_list_item() {
            // The sequence ends where its last item does, handed over or not.
            if let Some(Frame::Seq { end, .. }) = self.stack.last_mut() {
                *end = (*end).max(node.end);
            }
            // Handed over and dropped: the budget is the tree kept.
            self.nodes_left = self.nodes_left.saturating_add(node.count());
            if let Some(sink) = self.list.as_mut() {
                sink.seen += 1;
                if sink.seen > sink.skip {
                    (sink.each)(sink.doc, sink.next, node);
                }
                sink.next += 1;
            }
            return Ok(());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { end, .. }) => {
                *end = (*end).max(node.end);
                self.items.push(node);
            }
            Some(Frame::Map { merges, key, end, .. }) => match key.take() {
                Some((k, kpos, plain)) => {
                    *end = (*end).max(node.end);
                    if plain && k == "<<" {
                        merges.push(node);
                    } else {
                        self.entries.push(Entry { key: k, key_pos: kpos, value: node });
                    }
                }
                None => {
                    // A key that is itself a collection (`? [a, b]: c`) or an alias to one.
                    let k = match &node.value {
                        Value::Str(s) => Clone::clone(s),
                        Value::Null => self.interner.text(""),
                        Value::Bool(b) => self.interner.text(&b.to_string()),
                        Value::Int(i) => self.interner.text(&i.to_string()),
                        Value::Float(f) => self.interner.text(&f.to_string()),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(err(node.pos, "a mapping key that is a list or mapping is not supported"))
                        }
                    };
                    *key = Some((k, node.pos, false));
                }
            },
        }
        Ok(())
    }

    /// How many list items have been handed over, counting those of earlier readings.
    fn handed(&self, before: usize) -> usize {
        self.list.as_ref().map_or(before, |l| l.seen.max(before))
    }

    /// Whether a value pushed now is an element of the root mapping's `items` sequence.
    fn is_list_item(&self) -> bool {
        matches!(
            self.stack.as_slice(),
            [Frame::Map { key: Some((k, _, _)), .. }, Frame::Seq { .. }] if k == "items"
        )
    }

    fn on_event(&mut self, ev: Event<'_>, span: &Span) -> Result<(), SyntaxError> {
        let pos = clamp(pos_of(span), self.end);
        let span_end = clamp(end_of(span), self.end);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                if self.in_key_position() && anchor == 0 {
                    // After the items handed over, another `items` (which a whole reading would
                    // take, the last key winning) is an error: they cannot be taken back.
                    if text == "items" && self.stack.len() == 1 && self.list.as_ref().is_some_and(|l| l.started) {
                        return Err(err(pos, "a second `items` key: the list's items would be read twice"));
                    }
                    let key = self.interner.text(&text);
                    self.set_key(key, pos, style == ScalarStyle::Plain);
                    return Ok(());
                }
                let value = if style == ScalarStyle::Plain && !is_str_tag(tag.as_deref()) {
                    resolve_plain(&text, &mut self.interner)
                } else {
                    Value::Str(self.interner.text(&text))
                };
                let end = match style {
                    ScalarStyle::Plain => span_end,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        self.ends.quoted(pos, style == ScalarStyle::DoubleQuoted).unwrap_or(span_end)
                    }
                    ScalarStyle::Literal | ScalarStyle::Folded => self.ends.trim_back(span_end).unwrap_or(span_end),
                };
                self.push_value(Node::spanning(value, pos, end), anchor)?;
            }
            Event::Alias(id) => {
                let Some(size) = self.anchors.get(&id).map(Node::measure) else {
                    return Err(err(pos, "alias to an unknown anchor"));
                };
                let height = self.charge(size, pos)?;
                // An alias must not nest the tree deeper than a document may be written.
                if self.stack.len() + height > self.limits.max_depth {
                    return Err(err(
                        pos,
                        format!("nesting deeper than {} levels (through aliases)", self.limits.max_depth),
                    ));
                }
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(err(pos, "alias to an unknown anchor"));
                };
                let mut node = target;
                node.pos = pos;
                node.end = span_end.max(pos);
                self.push_value(node, 0)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.depth_check(pos)?;
                if let ([Frame::Map { key: Some((k, _, _)), .. }], Some(sink)) = (self.stack.as_slice(), &mut self.list)
                {
                    if k == "items" {
                        if sink.started {
                            return Err(err(pos, "a second `items` key: the list's items would be read twice"));
                        }
                        sink.started = true;
                    }
                }
                self.stack.push(Frame::Seq { start: self.items.len(), pos, end: pos, anchor });
            }
            Event::MappingStart(anchor, _) => {
                self.depth_check(pos)?;
                self.stack.push(Frame::Map {
                    start: self.entries.len(),
                    merges: Vec::new(),
                    pos,
                    end: pos,
                    anchor,
                    key: None,
                });
            }
            // A flow collection ends at its bracket; a block collection at its last value (its end
            // event is where the next token starts, comments and blank lines later).
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, pos, end, anchor }) = self.stack.pop() {
                    let items: Box<[Node]> = self.items.drain(start.min(self.items.len())..).collect();
                    let end = flow_end(span, self.end).unwrap_or(end);
                    self.push_value(Node::spanning(Value::Seq(items), pos, end), anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { start, merges, pos, end, anchor, .. }) = self.stack.pop() {
                    let mut entries: Vec<Entry> = self.entries.drain(start.min(self.entries.len())..).collect();
                    apply_merges(&mut entries, merges)?;
                    let end = flow_end(span, self.end).unwrap_or(end);
                    self.push_value(Node::spanning(Value::Map(entries.into_boxed_slice()), pos, end), anchor)?;
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => {}
        }
        Ok(())
    }
}

fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) -> Result<(), SyntaxError> {
    if merges.is_empty() {
        return Ok(());
    }
    // The keys present so far, as a set: merging large mappings stays linear.
    let mut present: HashSet<Text> = entries.iter().map(|x| Clone::clone(&x.key)).collect();
    for m in merges {
        let sources: Vec<Node> = match m.value {
            Value::Map(_) => vec![m],
            Value::Seq(items) => items.into_vec(),
            _ => return Err(err(m.pos, "a merge key `<<` needs a mapping or a list of mappings")),
        };
        for src in sources {
            let Value::Map(src_entries) = src.value else {
                return Err(err(src.pos, "a merge key `<<` needs a mapping or a list of mappings"));
            };
            for e in src_entries {
                if present.insert(Clone::clone(&e.key)) {
                    entries.push(e);
                }
            }
        }
    }
    Ok(())
}

/// Lines of `# Source: <template>` comments (Helm's `helm template` output), in order.
fn helm_sources(text: &str) -> Vec<(u32, String)> {
    if !text.contains("# Source: ") {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let t = l.trim_start().strip_prefix("# Source: ")?;
            Some((u32::try_from(i + 1).unwrap_or(u32::MAX), t.trim().to_owned()))
        })
        .collect()
}

/// Reads a YAML stream (one or more documents).
///
/// Kubernetes reads YAML with go-yaml, a port of libyaml, which accepts two things the YAML 1.2
/// spec or `saphyr-parser` do not:
/// - a flow collection whose closing `]` or `}` sits at the indentation of its parent key
///   (Istio's own samples do this): the closing bracket is indented;
/// - a tab after the `:` of a mapping key (`name:\tweb`): the tab is read as a space.
///
/// When one of these is the problem, the text is patched (keeping every other line and column
/// as it was) and read again, a bounded number of times, so such files read as Kubernetes reads
/// them.
#[must_use]
pub fn parse_yaml(text: &str, limits: &Limits) -> YamlStream {
    read_yaml(text, limits, None)
}

/// Reads a YAML stream whose documents are `kind: List`s (as `kubectl get -o yaml` writes them)
/// without building the tree of a whole document: each element of a root mapping's `items` is
/// handed to `each` (document index, item index, item) as soon as it is read. The documents
/// returned are the rest: each root mapping with `items` empty. Positions, limits, errors and
/// go-yaml's leniencies are those of [`parse_yaml`]; a syntax error ends the reading (the items
/// before it have been handed over, each once).
pub fn parse_yaml_list(text: &str, limits: &Limits, each: &mut dyn FnMut(usize, usize, Node)) -> YamlStream {
    read_yaml(text, limits, Some(each))
}

fn read_yaml<'f>(text: &str, limits: &Limits, mut each: Option<&mut ItemFn<'f>>) -> YamlStream {
    // Items handed over by a reading that then failed: a patched reading skips them.
    let mut handed = 0usize;
    let mut out = parse_stream(text, limits, each.as_deref_mut(), &mut handed);
    let mut patched: Option<String> = None;
    // Each retry re-reads the whole text: at most 256 of them, and at most 64 MiB re-read.
    let retries = (64usize << 20).checked_div(text.len()).unwrap_or(256).min(256);
    for _ in 0..retries {
        let Some((_, e)) = &out.error else { break };
        let src = patched.as_deref().unwrap_or(text);
        let idx = e.line.saturating_sub(1) as usize;
        let mut lines: Vec<&str> = src.split('\n').collect();
        let Some(line) = lines.get(idx) else { break };
        let fixed = if e.message.contains("indentation") {
            let t = line.trim_start();
            if !(t.starts_with(']') || t.starts_with('}')) {
                break;
            }
            format!("  {line}")
        } else if e.message == "':' must be followed by a valid YAML whitespace" {
            // The tab after the `:` at or before the error column becomes a space.
            let col = (e.column as usize).min(line.len());
            let Some(at) = line.get(..=col).or(Some(line)).and_then(|h| h.rfind(":\t")) else { break };
            let mut l = (*line).to_owned();
            l.replace_range(at + 1..at + 2, " ");
            l
        } else {
            break;
        };
        if let Some(slot) = lines.get_mut(idx) {
            *slot = &fixed;
        }
        let next = lines.join("\n");
        out = parse_stream(&next, limits, each.as_deref_mut(), &mut handed);
        patched = Some(next);
    }
    out
}

/// One reading of a stream. With `each`, list items go there (see [`parse_yaml_list`]): the
/// first `handed` of them were handed over by an earlier reading and are skipped; `handed` ends
/// as the number handed over so far.
fn parse_stream<'f>(text: &str, limits: &Limits, each: Option<&mut ItemFn<'f>>, handed: &mut usize) -> YamlStream {
    let sources = helm_sources(text);
    let mut out = YamlStream::default();
    let end = end_pos(text);
    let mut builder = Builder {
        limits,
        list: each.map(|each| ItemSink { each, doc: 0, next: 0, seen: 0, skip: *handed, started: false }),
        end,
        ends: Ends::new(text),
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: limits.max_alias_nodes,
        alias_bytes_budget: limits.max_alias_bytes,
        nodes_left: limits.max_tree_nodes(text.len()),
        text_len: text.len(),
        root: None,
        interner: Interner::default(),
    };
    let mut doc_index = 0usize;
    let mut in_doc = false;
    let mut prev_end_line = 0u32;
    let mut doc_first_line: Option<u32> = None;
    for item in Parser::new_from_str(text) {
        let (ev, span) = match item {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let at = clamp(
                    Pos::new(
                        u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
                        u32::try_from(m.col()).unwrap_or(u32::MAX - 1).saturating_add(1),
                    ),
                    end,
                );
                let (line, column) = (at.line, at.column);
                // saphyr counts flow levels in a u8: its "recursion limit exceeded" is a depth limit.
                let message = if e.info() == "recursion limit exceeded" {
                    "flow collections nested deeper than 255 levels".to_owned()
                } else {
                    e.info().to_owned()
                };
                out.error = Some((doc_index, SyntaxError { message, line, column }));
                *handed = builder.handed(*handed);
                return out;
            }
        };
        match ev {
            Event::DocumentStart(_) => {
                in_doc = true;
                doc_first_line = None;
                if let Some(sink) = builder.list.as_mut() {
                    sink.doc = doc_index;
                    sink.next = 0;
                    sink.started = false;
                }
                // Anchors are per document; the alias budgets are per stream, so a file of many
                // small bombs is bounded too.
                builder.anchors.clear();
            }
            Event::DocumentEnd => {
                let end_line = clamp(pos_of(&span), end).line;
                let root = builder.root.take().filter(|r| !r.is_null());
                let first = doc_first_line.unwrap_or(end_line);
                let source =
                    sources.iter().rev().find(|(l, _)| *l > prev_end_line && *l <= first).map(|(_, s)| s.clone());
                out.documents.push(RawDocument { index: doc_index, root, source });
                prev_end_line = first.max(prev_end_line);
                if let Some(last) = out.documents.last().and_then(|d| d.root.as_ref()) {
                    prev_end_line = prev_end_line.max(last_line(last));
                }
                doc_index += 1;
                in_doc = false;
                builder.stack.clear();
                builder.items.clear();
                builder.entries.clear();
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            other => {
                if in_doc && doc_first_line.is_none() {
                    doc_first_line = Some(clamp(pos_of(&span), end).line);
                }
                if let Err(e) = builder.on_event(other, &span) {
                    out.error = Some((doc_index, e));
                    *handed = builder.handed(*handed);
                    return out;
                }
            }
        }
    }
    *handed = builder.handed(*handed);
    out
}

/// The greatest line of any node or key in the tree.
pub(crate) fn last_line(node: &Node) -> u32 {
    match &node.value {
        Value::Seq(s) => s.last().map_or(node.pos.line, last_line),
        Value::Map(m) => m.last().map_or(node.pos.line, |e| last_line(&e.value).max(e.key_pos.line)),
        _ => node.pos.line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::FieldPath;

    fn one(text: &str) -> Node {
        let s = parse_yaml(text, &Limits::default());
        assert!(s.error.is_none(), "{:?}", s.error);
        s.documents.into_iter().next().and_then(|d| d.root).unwrap()
    }

    #[test]
    fn end_positions_with_and_without_carriage_returns() {
        assert_eq!(end_pos(""), Pos::new(1, 1));
        assert_eq!(end_pos("a: 1"), Pos::new(1, 5));
        assert_eq!(end_pos("a: 1\n"), Pos::new(2, 1));
        assert_eq!(end_pos("a: 1\nb: é"), Pos::new(2, 5));
        assert_eq!(end_pos("a: 1\r\nb: é"), Pos::new(2, 5));
        assert_eq!(end_pos("a\rb\r\nc\nde"), Pos::new(4, 3));
    }

    /// The text from a node's start to its end.
    fn spanned(text: &str, n: &Node) -> String {
        let lines: Vec<&str> = text.split('\n').collect();
        let at = |p: Pos| {
            let before: usize = lines.iter().take(p.line as usize - 1).map(|l| l.len() + 1).sum();
            let line = lines[p.line as usize - 1];
            before + line.char_indices().nth(p.column as usize - 1).map_or(line.len(), |(i, _)| i)
        };
        text[at(n.pos)..at(n.end)].to_owned()
    }

    #[test]
    fn values_end_after_their_last_character() {
        let text = "a:\n  b: plain text  # c\n  c: \"quo\\\"ted\"   # it's\n  d: 'it''s'  # x\n  e: |\n    block\n    more\n\n  # dedented comment\n  f: [x, y,\n  ]\n  g: {k: v}  # c\n  h:\n  - one\n  - 'two'\n  i: multi\n    line\n  j: &x é\n  k: *x\n  l:\n  m: >-\n    folded é\n";
        let n = one(text);
        let a = n.get("a").unwrap();
        let span = |k: &str| spanned(text, a.get(k).unwrap());
        assert_eq!(span("b"), "plain text");
        assert_eq!(span("c"), "\"quo\\\"ted\"");
        assert_eq!(span("d"), "'it''s'");
        assert_eq!(span("e"), "block\n    more", "a block scalar's node starts at its first line");
        assert_eq!(span("f"), "[x, y,\n  ]");
        assert_eq!(span("g"), "{k: v}");
        assert_eq!(span("h"), "- one\n  - 'two'".trim_start_matches("- "));
        assert_eq!(span("i"), "multi\n    line");
        assert_eq!(span("j"), "&x é");
        assert_eq!(span("k"), "*x");
        assert_eq!(span("l"), "");
        assert_eq!(span("m"), "folded é");
        assert_eq!(spanned(text, a).lines().last(), Some("    folded é"));
        let f = FieldPath::root().key("a").key("g").key("k");
        let (start, end, exact) = n.resolve_span(&f);
        assert!(exact);
        assert_eq!((start, end), (Pos::new(12, 7), Pos::new(12, 11)));
        // a missing field spans its nearest ancestor
        let (start, end, exact) = n.resolve_span(&FieldPath::root().key("a").key("g").key("nope"));
        assert!(!exact);
        assert_eq!((start, end), (Pos::new(12, 3), Pos::new(12, 12)));
    }

    #[test]
    fn ends_with_carriage_returns() {
        let text = "a: \"x\"  # c\r\nb: |\r\n  y\r\n\r\nc: 1\r\n";
        let n = one(text);
        assert_eq!(n.get("a").unwrap().end, Pos::new(1, 7));
        assert_eq!(n.get("b").unwrap().end, Pos::new(3, 4));
        // a lone carriage return is a line break to YAML: the parser's spans are kept
        let n = one("a: \"x\"\rb: 1\r");
        assert!(n.get("a").unwrap().end >= n.get("a").unwrap().pos);
    }

    #[test]
    fn yaml_1_1_scalars() {
        let n = one("a: yes\nb: 'yes'\nc: on\nd: 0x10\ne: 010\nf: 1.5\ng: ~\nh: nan\ni: 1_000\nj: !!str 12\n");
        assert_eq!(n.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(n.get("b").unwrap().as_str(), Some("yes"));
        assert_eq!(n.get("c").unwrap().as_bool(), Some(true));
        assert_eq!(n.get("d").unwrap().as_i64(), Some(16));
        assert_eq!(n.get("e").unwrap().as_i64(), Some(8));
        assert_eq!(n.get("f").unwrap().value, Value::Float(1.5));
        assert!(n.get("g").unwrap().is_null());
        assert_eq!(n.get("h").unwrap().as_str(), Some("nan"));
        assert_eq!(n.get("i").unwrap().as_i64(), Some(1000));
        assert_eq!(n.get("j").unwrap().as_str(), Some("12"));
    }

    #[test]
    fn positions_are_one_based() {
        let n = one("a:\n  bb: 1\n  cc:\n    - x\n");
        let e = n.get("a").unwrap().entry("cc").unwrap();
        assert_eq!(e.key_pos, Pos::new(3, 3));
        assert_eq!(e.value.as_seq().unwrap()[0].pos, Pos::new(4, 7));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let n = one("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let m = n.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(m.get("y").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut t = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            t.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        let s = parse_yaml(&t, &Limits::default());
        assert!(s.error.unwrap().1.message.contains("alias"));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let t = "[".repeat(100_000);
        let s = parse_yaml(&t, &Limits::default());
        assert!(s.error.is_some());
    }

    #[test]
    fn flow_closing_bracket_at_parent_indent_reads_as_kubernetes_does() {
        let n = one("spec:\n  args: [\n      \"-a\", \"b\",\n  ]\n  env: []\n");
        let spec = n.get("spec").unwrap();
        assert_eq!(spec.get("args").unwrap().as_seq().unwrap().len(), 2);
        assert_eq!(spec.entry("env").unwrap().key_pos, Pos::new(5, 3));
    }

    #[test]
    fn list_items_one_at_a_time_as_the_whole_reading_has_them() {
        let text = "apiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: a}\n- &b {kind: Pod, n: [1, 2]}\n- 3\nkind: List\n---\nkind: List\nitems: [x]\n";
        let whole = parse_yaml(text, &Limits::default());
        let mut items = Vec::new();
        let listed = parse_yaml_list(text, &Limits::default(), &mut |d, i, n| items.push((d, i, n)));
        assert!(listed.error.is_none());
        let mut expected = Vec::new();
        for d in &whole.documents {
            let seq = d.root.as_ref().unwrap().get("items").unwrap().as_seq().unwrap();
            expected.extend(seq.iter().enumerate().map(|(i, n)| (d.index, i, n.clone())));
        }
        assert_eq!(items, expected);
        let header = listed.documents[0].root.as_ref().unwrap();
        assert_eq!(header.get("kind").unwrap().as_str(), Some("List"));
        assert_eq!(header.get("items").unwrap().as_seq().map(<[Node]>::len), Some(0));
        assert!(parse_yaml_list("items: [1]\nitems: [2]\n", &Limits::default(), &mut |_, _, _| {}).error.is_some());
    }

    #[test]
    fn list_items_are_handed_over_once_when_a_patched_reading_follows() {
        // go-yaml's closing bracket at the parent's indentation makes a second reading
        let text = "kind: List\nitems:\n- name: a\n- name: b\n  args: [\n    x,\n  ]\n- name: c\n";
        let mut names = Vec::new();
        let listed = parse_yaml_list(text, &Limits::default(), &mut |_, i, n| {
            names.push((i, n.get("name").and_then(Node::as_str).map(str::to_owned)));
        });
        assert!(listed.error.is_none(), "{:?}", listed.error);
        let got: Vec<(usize, Option<&str>)> = names.iter().map(|(i, n)| (*i, n.as_deref())).collect();
        assert_eq!(got, [(0, Some("a")), (1, Some("b")), (2, Some("c"))]);
    }

    #[test]
    fn multi_docs_and_helm_sources() {
        let s = parse_yaml(
            "---\n# Source: chart/templates/a.yaml\nkind: A\n---\n# Source: chart/templates/b.yaml\nkind: B\n---\n",
            &Limits::default(),
        );
        assert!(s.error.is_none());
        let srcs: Vec<_> = s.documents.iter().map(|d| d.source.clone()).collect();
        assert_eq!(srcs[0].as_deref(), Some("chart/templates/a.yaml"));
        assert_eq!(srcs[1].as_deref(), Some("chart/templates/b.yaml"));
    }
}
