//! Edits of YAML and JSON documents from field-path changes: the changes of one or many fixes
//! are merged into one tree of changes ([`Patch`]), then walked with the document's syntax tree
//! to place each change in the text ([`DocEditor`]).
//!
//! Placement follows the file: new keys of a block mapping go after its last content line, at
//! the indentation of its keys; nested mappings and lists take the document's own indentation
//! step and dash style; a flow mapping or list (`{...}`, `[...]`) and JSON get the new entries
//! spliced in before the closing bracket, JSON keys and strings quoted, pretty-printed JSON on
//! lines of their own. A scalar is replaced in place, keeping its quotes. Nothing is placed where
//! the text is not understood for sure (a block scalar that keeps trailing lines, a comment
//! inside a removed span, a field reached through an alias): the fix is dropped instead.

use std::collections::HashMap;

use super::text::{ByteEdit, SourceText};
use super::{NewValue, Op};
use crate::location::{FieldPath, Segment};
use crate::syntax::{last_line, resolve_non_str, Entry, Node, Value};

/// A change at one node of the tree of changes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    /// Set a scalar (or a list, or an empty mapping) at a path.
    Set(NewValue),
    /// Append items to a list.
    Push(Vec<NewValue>),
    /// Remove an entry or an item.
    Remove,
    /// Replace an entry by another key and value.
    Replace(String, NewValue),
}

/// The changes of one document, merged by path: every fix's [`Op`]s added to one tree, so that
/// all the keys a pass adds to one mapping become one insertion.
#[derive(Clone, Debug, Default)]
pub(crate) struct Patch {
    /// The children's segments, in the order they were added.
    order: Vec<Segment>,
    children: HashMap<Segment, Patch>,
    action: Option<Action>,
}

/// An op as leaf changes: (path, action); a mapping value is set key by key.
fn leaves(op: &Op, out: &mut Vec<(FieldPath, Action)>) {
    fn set(path: &FieldPath, v: &NewValue, out: &mut Vec<(FieldPath, Action)>) {
        match v {
            NewValue::Map(kvs) if !kvs.is_empty() => {
                for (k, v) in kvs {
                    set(&path.key_owned(k), v, out);
                }
            }
            _ => out.push((path.clone(), Action::Set(v.clone()))),
        }
    }
    match op {
        Op::Set { path, value } => set(path, value, out),
        Op::Push { path, value } => out.push((path.clone(), Action::Push(vec![value.clone()]))),
        Op::Remove { path } => out.push((path.clone(), Action::Remove)),
        Op::ReplaceEntry { path, key, value } => out.push((path.clone(), Action::Replace(key.clone(), value.clone()))),
        _ => {}
    }
}

impl Patch {
    fn child(&self, seg: &Segment) -> Option<&Patch> {
        self.children.get(seg)
    }

    fn child_mut(&mut self, seg: &Segment) -> &mut Patch {
        let order = &mut self.order;
        self.children.entry(seg.clone()).or_insert_with(|| {
            order.push(seg.clone());
            Patch::default()
        })
    }

    /// The children in the order they were added.
    fn kids(&self) -> impl Iterator<Item = (&Segment, &Patch)> {
        self.order.iter().filter_map(|s| self.children.get(s).map(|p| (s, p)))
    }

    /// Whether every op can join this tree without contradicting a change already in it (a
    /// different value at a path, a change under a removed or replaced field).
    pub(crate) fn accepts(&self, ops: &[Op]) -> bool {
        let mut ls = Vec::new();
        for op in ops {
            leaves(op, &mut ls);
        }
        ls.iter().all(|(path, action)| self.accepts_leaf(path.segments(), action))
    }

    fn accepts_leaf(&self, segs: &[Segment], action: &Action) -> bool {
        let mut node = self;
        for seg in segs {
            if node.action.is_some() {
                return false;
            }
            match node.child(seg) {
                Some(c) => node = c,
                None => return true,
            }
        }
        match (&node.action, action) {
            (None, _) => node.children.is_empty(),
            (Some(Action::Set(a)), Action::Set(b)) => a == b,
            (Some(Action::Push(_)), Action::Push(_)) | (Some(Action::Remove), Action::Remove) => true,
            (Some(a @ Action::Replace(..)), b @ Action::Replace(..)) => a == b,
            _ => false,
        }
    }

    /// Adds the ops (check [`Patch::accepts`] first).
    pub(crate) fn add(&mut self, ops: &[Op]) {
        let mut ls = Vec::new();
        for op in ops {
            leaves(op, &mut ls);
        }
        for (path, action) in ls {
            let mut node = &mut *self;
            for seg in path.segments() {
                node = node.child_mut(seg);
            }
            match (&mut node.action, action) {
                (Some(Action::Push(items)), Action::Push(more)) => {
                    for m in more {
                        if !items.contains(&m) {
                            items.push(m);
                        }
                    }
                }
                (slot, a) => *slot = Some(a),
            }
        }
    }

    /// Whether the tree holds no change.
    pub(crate) fn is_empty(&self) -> bool {
        self.action.is_none() && self.children.is_empty()
    }

    /// The content this subtree adds where nothing exists yet: `Ok(None)` when it adds nothing
    /// (only removals), `Err` when it cannot (an index, a replacement of an absent entry).
    fn new_content(&self) -> Result<Option<NewValue>, ()> {
        match &self.action {
            Some(Action::Set(v)) if self.children.is_empty() => return Ok(Some(v.clone())),
            Some(Action::Push(items)) if self.children.is_empty() => return Ok(Some(NewValue::Seq(items.clone()))),
            Some(Action::Remove) if self.children.is_empty() => return Ok(None),
            Some(_) => return Err(()),
            None => {}
        }
        let mut kvs = Vec::new();
        for (seg, child) in self.kids() {
            let Segment::Key(k) = seg else { return Err(()) };
            if let Some(v) = child.new_content()? {
                kvs.push((k.to_string(), v));
            }
        }
        Ok((!kvs.is_empty()).then_some(NewValue::Map(kvs)))
    }
}

/// How a document writes nested blocks: the indentation step of mappings, and how far a list's
/// dashes are indented under their key (0: `key:\n- a`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    step: usize,
    seq_indent: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style { step: 2, seq_indent: 2 }
    }
}

impl Style {
    /// The style of a document, from its first nested block mapping and block list.
    pub(crate) fn of(src: &SourceText<'_>, root: &Node) -> Style {
        let mut step = None;
        let mut seq = None;
        let mut stack = vec![root];
        let mut seen = 0usize;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 2000 || (step.is_some() && seq.is_some()) {
                break;
            }
            match &n.value {
                Value::Map(entries) => {
                    for e in entries.iter() {
                        let v = &e.value;
                        if v.pos.line > e.key_pos.line {
                            match &v.value {
                                Value::Map(_) if step.is_none() && v.pos.column > e.key_pos.column => {
                                    step = Some((v.pos.column - e.key_pos.column) as usize);
                                }
                                Value::Seq(items) if seq.is_none() => {
                                    if let Some(first) = items.first() {
                                        if let Some(dash) = dash_column(src, first) {
                                            seq = Some(
                                                dash.saturating_sub((e.key_pos.column as usize).saturating_sub(1)),
                                            );
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                        stack.push(v);
                    }
                }
                Value::Seq(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        let step = step.filter(|&s| (1..=8).contains(&s)).unwrap_or(2);
        Style { step, seq_indent: seq.filter(|&s| s <= 8).unwrap_or(step) }
    }
}

/// The 0-based column of the dash of a block list item that starts on its dash's line.
fn dash_column(src: &SourceText<'_>, item: &Node) -> Option<usize> {
    let line = src.line(item.pos.line)?;
    let at = src.offset(item.pos)? - src.line_start(item.pos.line)?;
    let before = line.get(..at)?.trim_end_matches(' ');
    before.ends_with('-').then(|| before.len() - 1).filter(|&d| line.get(..d).is_some_and(|p| p.trim().is_empty()))
}

/// Places the changes of one document in its text.
pub(crate) struct DocEditor<'t, 's> {
    src: &'t SourceText<'s>,
    json: bool,
    style: Style,
    /// (edit, rank): insertions at one offset are joined, the higher rank (deeper content) first.
    out: Vec<(ByteEdit, usize)>,
}

/// Where a node sits: in a flow collection (or JSON), and the entry whose value it is.
#[derive(Clone, Copy)]
struct At<'n> {
    flow: bool,
    entry: Option<&'n Entry>,
}

impl<'t, 's> DocEditor<'t, 's> {
    pub(crate) fn new(src: &'t SourceText<'s>, json: bool, style: Style) -> Self {
        DocEditor { src, json, style, out: Vec::new() }
    }

    /// The edits of `patch` in the document whose root is `root`: `None` when a change cannot be
    /// placed for sure.
    pub(crate) fn edits(mut self, root: &Node, patch: &Patch) -> Option<Vec<ByteEdit>> {
        let flow = self.json || self.is_flow(root);
        self.visit(root, patch, At { flow, entry: None })?;
        join_insertions(self.out)
    }

    /// A new document's mapping, as block lines from the first column.
    pub(crate) fn render_document(&self, kvs: &[(String, NewValue)]) -> String {
        let mut s = String::new();
        self.block_entries(kvs, 0, false, &mut s);
        s
    }

    fn text(&self) -> &'s str {
        self.src.text
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text().as_bytes().get(at).copied()
    }

    fn push(&mut self, e: ByteEdit, rank: usize) {
        self.out.push((e, rank));
    }

    fn nl(&self) -> &'static str {
        self.src.newline()
    }

    /// Whether a collection node is written in flow style (`{...}`, `[...]`).
    fn is_flow(&self, node: &Node) -> bool {
        let Some(at) = self.src.offset(node.pos) else { return false };
        match (&node.value, self.byte(at)) {
            (Value::Map(entries), Some(b'{')) => entries.first().is_none_or(|e| e.key_pos != node.pos),
            (Value::Seq(items), Some(b'[')) => items.first().is_none_or(|i| i.pos != node.pos),
            _ => false,
        }
    }

    fn visit(&mut self, node: &Node, patch: &Patch, at: At<'_>) -> Option<()> {
        match &node.value {
            Value::Map(entries) => {
                if patch.action.is_some() {
                    return None;
                }
                let flow = at.flow || self.is_flow(node);
                let mut new = Vec::new();
                for (seg, child) in patch.kids() {
                    let Segment::Key(k) = seg else { return None };
                    match entries.iter().rev().find(|e| e.key == k.as_ref()) {
                        Some(e) => self.at_entry(node, e, child, flow)?,
                        None => {
                            if let Some(v) = child.new_content().ok()? {
                                new.push((k.to_string(), v));
                            }
                        }
                    }
                }
                if !new.is_empty() {
                    self.insert_entries(node, &new, flow)?;
                }
                Some(())
            }
            Value::Seq(items) => {
                let flow = at.flow || self.is_flow(node);
                let removed =
                    patch.kids().filter(|(_, c)| c.action == Some(Action::Remove) && c.children.is_empty()).count();
                let emptied = removed == items.len();
                for (seg, child) in patch.kids() {
                    let Segment::Index(i) = seg else { return None };
                    let item = items.get(*i)?;
                    if child.action == Some(Action::Remove) && child.children.is_empty() {
                        self.remove_item(node, *i, flow, at.entry, emptied)?;
                    } else {
                        self.visit(item, child, At { flow, entry: None })?;
                    }
                }
                match &patch.action {
                    None => Some(()),
                    Some(Action::Push(vals)) => self.append_items(node, vals, flow),
                    Some(_) => None,
                }
            }
            Value::Null => None,
            _ => match &patch.action {
                Some(Action::Set(v)) if patch.children.is_empty() => self.replace_scalar(node, v, at),
                _ => None,
            },
        }
    }

    fn at_entry(&mut self, map: &Node, e: &Entry, patch: &Patch, flow: bool) -> Option<()> {
        match &patch.action {
            Some(Action::Remove) if patch.children.is_empty() => return self.remove_entry(map, e, flow),
            Some(Action::Replace(k, v)) if patch.children.is_empty() => return self.replace_entry(e, k, v, flow),
            Some(Action::Remove | Action::Replace(..)) => return None,
            _ => {}
        }
        if e.value.is_null() {
            return match patch.new_content().ok()? {
                Some(v) => self.fill_null(e, &v, flow),
                None => Some(()),
            };
        }
        self.visit(&e.value, patch, At { flow, entry: Some(e) })
    }

    // ---- scalars ----------------------------------------------------------------------------

    /// The end of the scalar token starting at `start` (on its line, or at its closing quote).
    fn token_end(&self, start: usize, flow: bool) -> Option<usize> {
        let b = self.text().as_bytes();
        match b.get(start)? {
            b'"' => {
                let mut i = start + 1;
                while let Some(&c) = b.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => return Some(i + 1),
                        _ => i += 1,
                    }
                }
                None
            }
            b'\'' => {
                let mut i = start + 1;
                while let Some(&c) = b.get(i) {
                    if c == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        return Some(i + 1);
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let mut i = start;
                let mut end = start;
                while let Some(&c) = b.get(i) {
                    if c == b'\n' || c == b'\r' || (flow && matches!(c, b',' | b']' | b'}')) {
                        break;
                    }
                    if c == b'#' && i > start && matches!(b.get(i - 1), Some(b' ' | b'\t')) {
                        break;
                    }
                    if flow && c == b':' && matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                        break;
                    }
                    i += 1;
                    if !matches!(c, b' ' | b'\t') {
                        end = i;
                    }
                }
                Some(end)
            }
        }
    }

    /// Replaces a one-line scalar by `v` (a scalar), keeping its quoting style.
    fn replace_scalar(&mut self, node: &Node, v: &NewValue, at: At<'_>) -> Option<()> {
        if matches!(v, NewValue::Map(_) | NewValue::Seq(_)) {
            return None;
        }
        if let Some(e) = at.entry {
            if e.key_pos.line != node.pos.line {
                return None; // a block scalar, or a value on the line after its key
            }
        }
        let start = self.src.offset(node.pos)?;
        let end = self.token_end(start, at.flow)?;
        let token = self.text().get(start..end)?;
        if token.contains('\n') || !token_reads_as(token, node) {
            return None;
        }
        let new = match (v, token.as_bytes().first()) {
            (NewValue::Str(s), Some(b'\'')) if !s.contains(['\n', '\r']) => format!("'{}'", s.replace('\'', "''")),
            (NewValue::Str(s), Some(b'"')) => json_string(s),
            _ => self.scalar(v, at.flow),
        };
        if new != token {
            self.push(ByteEdit::replace(start, end, new), 0);
        }
        Some(())
    }

    /// A scalar as the file would write it.
    fn scalar(&self, v: &NewValue, flow: bool) -> String {
        match v {
            NewValue::Bool(b) => b.to_string(),
            NewValue::Int(i) => i.to_string(),
            NewValue::Str(s) if !self.json && plain_ok(s, flow) => s.clone(),
            NewValue::Str(s) => json_string(s),
            NewValue::Map(_) | NewValue::Seq(_) => self.flow_value(v),
        }
    }

    fn key(&self, k: &str) -> String {
        if !self.json && plain_ok(k, true) {
            k.to_owned()
        } else {
            json_string(k)
        }
    }

    // ---- rendering ----------------------------------------------------------------------------

    /// A value in flow style (`{a: 1, b: [x]}`), or JSON.
    fn flow_value(&self, v: &NewValue) -> String {
        match v {
            NewValue::Map(kvs) => {
                let parts: Vec<String> =
                    kvs.iter().map(|(k, v)| format!("{}: {}", self.key(k), self.flow_value(v))).collect();
                format!("{{{}}}", parts.join(", "))
            }
            NewValue::Seq(items) => {
                let parts: Vec<String> = items.iter().map(|i| self.flow_value(i)).collect();
                format!("[{}]", parts.join(", "))
            }
            s => self.scalar(s, true),
        }
    }

    /// JSON on several lines: `indent` is the column of the line the value starts on, `unit`
    /// the file's indentation step.
    fn pretty_json(&self, v: &NewValue, indent: usize, unit: usize, out: &mut String) {
        let nl = self.nl();
        match v {
            NewValue::Map(kvs) if !kvs.is_empty() => {
                out.push('{');
                for (i, (k, v)) in kvs.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { "," });
                    out.push_str(nl);
                    out.push_str(&" ".repeat(indent + unit));
                    out.push_str(&json_string(k));
                    out.push_str(": ");
                    self.pretty_json(v, indent + unit, unit, out);
                }
                out.push_str(nl);
                out.push_str(&" ".repeat(indent));
                out.push('}');
            }
            NewValue::Seq(items) if !items.is_empty() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { "," });
                    out.push_str(nl);
                    out.push_str(&" ".repeat(indent + unit));
                    self.pretty_json(item, indent + unit, unit, out);
                }
                out.push_str(nl);
                out.push_str(&" ".repeat(indent));
                out.push(']');
            }
            other => out.push_str(&self.flow_value(other)),
        }
    }

    /// Block entries, each on its own line at `indent` (the first one without indentation when
    /// `inline`: it follows a `- ` or takes the place of a key already there). Lines end with
    /// the file's line break.
    fn block_entries(&self, kvs: &[(String, NewValue)], indent: usize, inline: bool, out: &mut String) {
        let nl = self.nl();
        for (i, (k, v)) in kvs.iter().enumerate() {
            if !(inline && i == 0) {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(&self.key(k));
            out.push(':');
            match v {
                NewValue::Map(m) if !m.is_empty() => {
                    out.push_str(nl);
                    self.block_entries(m, indent + self.style.step, false, out);
                }
                NewValue::Seq(items) if !items.is_empty() => {
                    out.push_str(nl);
                    self.block_items(items, indent + self.style.seq_indent, out);
                }
                other => {
                    out.push(' ');
                    out.push_str(&self.scalar(other, false));
                    out.push_str(nl);
                }
            }
        }
    }

    /// Block list items (`- x`) with their dashes at `dash`.
    fn block_items(&self, items: &[NewValue], dash: usize, out: &mut String) {
        for item in items {
            out.push_str(&" ".repeat(dash));
            out.push_str("- ");
            match item {
                NewValue::Map(m) if !m.is_empty() => self.block_entries(m, dash + 2, true, out),
                other => {
                    out.push_str(&self.scalar(other, false));
                    out.push_str(self.nl());
                }
            }
        }
    }

    // ---- block geometry -----------------------------------------------------------------------

    /// The last line of a block mapping's content: lines after its last key that are indented
    /// deeper than its keys (and the dashes of a list written at the keys' indentation).
    fn block_map_end(&self, map: &Node) -> Option<u32> {
        let entries = map.as_map()?;
        let last = entries.last()?;
        let key_ind = (map.pos.column as usize).checked_sub(1)?;
        let indentless = match &last.value.value {
            Value::Seq(items) if last.value.pos.line > last.key_pos.line => {
                items.first().and_then(|i| dash_column(self.src, i)) == Some(key_ind)
            }
            _ => false,
        };
        self.scan_block(last.key_pos.line, key_ind, indentless, &last.value)
    }

    /// From `from`, the last line that belongs to a block at indentation `ind`: lines indented
    /// deeper (and, when `dashes`, list items at `ind`); blank lines are crossed but do not end
    /// it. `None` when the tree says the block goes further (a flow collection closed at a
    /// shallower indentation), or a block scalar keeps trailing lines (`|+`).
    fn scan_block(&self, from: u32, ind: usize, dashes: bool, last: &Node) -> Option<u32> {
        let mut end = from;
        let mut l = from + 1;
        while l <= self.src.lines() {
            if !self.src.is_blank(l) {
                let i = self.src.indent(l);
                let line = self.src.line(l).unwrap_or_default();
                let rest = line.get(i..).unwrap_or_default();
                let dash = rest == "-" || rest.starts_with("- ");
                if i > ind || (dashes && i == ind && dash) {
                    end = l;
                } else {
                    break;
                }
            }
            l += 1;
        }
        if last_line(last) > end {
            return None;
        }
        for k in from..=end {
            let line = self.src.line(k).unwrap_or_default();
            if line.contains("|+") || line.contains(">+") {
                return None;
            }
        }
        Some(end)
    }

    /// An insertion of whole lines after line `end` (a line break first when it is the last
    /// line of a text without one).
    fn insert_after_line(&mut self, end: u32, mut lines: String, rank: usize) -> Option<()> {
        let at = self.src.after_line(end)?;
        if !self.src.has_newline(end) {
            if lines.ends_with(self.nl()) {
                lines.truncate(lines.len() - self.nl().len());
            }
            lines.insert_str(0, self.nl());
        }
        self.push(ByteEdit::insert(at, lines), rank);
        Some(())
    }

    // ---- flow geometry ------------------------------------------------------------------------

    /// The offset just after the bracket that closes the flow collection opening at `open`, and
    /// whether a comment is inside.
    fn flow_close(&self, open: usize) -> Option<(usize, bool)> {
        let b = self.text().as_bytes();
        let mut depth = 0usize;
        let mut i = open;
        let mut comment = false;
        let mut prev_sig = b'[';
        while let Some(&c) = b.get(i) {
            match c {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some((i + 1, comment));
                    }
                }
                b'"' | b'\'' if matches!(prev_sig, b'[' | b'{' | b',' | b':') => {
                    i = self.token_end(i, true)?;
                    prev_sig = c;
                    continue;
                }
                b'#' if matches!(b.get(i.wrapping_sub(1)), Some(b' ' | b'\t' | b'\n')) => {
                    comment = true;
                    while b.get(i).is_some_and(|&c| c != b'\n') {
                        i += 1;
                    }
                    continue;
                }
                _ => {}
            }
            if !c.is_ascii_whitespace() {
                prev_sig = c;
            }
            i += 1;
        }
        None
    }

    /// The offset just after a value (for removing or replacing it): a scalar's token (a block
    /// scalar's last line), a flow collection's closing bracket, a block collection's last line.
    fn value_end(&self, v: &Node, key_line: u32, ind: usize, flow: bool) -> Option<usize> {
        let start = self.src.offset(v.pos)?;
        match &v.value {
            Value::Map(_) | Value::Seq(_) if flow || self.is_flow(v) => {
                let (end, comment) = self.flow_close(start)?;
                (!comment).then_some(end)
            }
            Value::Map(_) | Value::Seq(_) => {
                let end = self.scan_block(key_line, ind, matches!(v.value, Value::Seq(_)), v)?;
                self.src.line_end(end)
            }
            _ if v.pos.line == key_line || flow => {
                let end = self.token_end(start, flow)?;
                if !flow && !matches!(self.byte(start), Some(b'"' | b'\'')) {
                    // a plain scalar continued on the next lines
                    let next = self.src.line_of(end) + 1;
                    if next <= self.src.lines() && !self.src.is_blank(next) && self.src.indent(next) > ind {
                        return None;
                    }
                }
                Some(end)
            }
            _ => {
                // A block scalar (`|`, `>-`) whose indicator ends the key's line, no comment.
                let line = self.src.line(key_line)?.trim_end();
                let indicator = line.rsplit([' ', '\t']).next()?;
                let before = line.get(..line.len() - indicator.len())?.trim_end();
                let ok = indicator.starts_with(['|', '>'])
                    && indicator.len() <= 3
                    && indicator.chars().skip(1).all(|c| c == '-' || c.is_ascii_digit())
                    && (before.ends_with(':') || before.ends_with('-'));
                if !ok {
                    return None;
                }
                let end = self.scan_block(key_line, ind, false, v)?;
                self.src.line_end(end)
            }
        }
    }

    /// The offset of the `:` after an entry's key.
    fn colon(&self, e: &Entry) -> Option<usize> {
        let start = self.src.offset(e.key_pos)?;
        let after = match self.byte(start)? {
            b'"' | b'\'' => self.token_end(start, true)?,
            _ => start,
        };
        let b = self.text().as_bytes();
        let mut i = after;
        while let Some(&c) = b.get(i) {
            if c == b'\n' {
                return None;
            }
            if c == b':' && matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']')) {
                return Some(i);
            }
            if c == b':' && self.json {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    // ---- changes ------------------------------------------------------------------------------

    fn insert_entries(&mut self, map: &Node, new: &[(String, NewValue)], flow: bool) -> Option<()> {
        if flow || self.is_flow(map) {
            let open = self.src.offset(map.pos)?;
            let items: Vec<String> =
                new.iter().map(|(k, v)| format!("{}: {}", self.key(k), self.flow_value(v))).collect();
            let first_key = map.as_map().and_then(|m| m.first()).map(|e| e.key_pos);
            return self.splice_flow(open, first_key, &items, new.iter().map(|(k, v)| (Some(k.as_str()), v)).collect());
        }
        let end = self.block_map_end(map)?;
        let ind = (map.pos.column as usize).checked_sub(1)?;
        let mut lines = String::new();
        self.block_entries(new, ind, false, &mut lines);
        self.insert_after_line(end, lines, ind)
    }

    /// Adds items to a flow collection: before its closing bracket, after its last item (on lines
    /// of their own in multi-line JSON, with its indentation).
    fn splice_flow(
        &mut self,
        open: usize,
        first: Option<crate::location::Pos>,
        items: &[String],
        values: Vec<(Option<&str>, &NewValue)>,
    ) -> Option<()> {
        let (after, comment) = self.flow_close(open)?;
        if comment {
            return None;
        }
        let close = after - 1;
        let text = self.text();
        let inner = text.get(open + 1..close)?;
        let last_sig = inner.trim_end().len() + open + 1; // just after the last content byte
        let empty = inner.trim().is_empty();
        let trailing_comma = inner.trim_end().ends_with(',');
        let multiline = !empty && first.is_some_and(|p| p.line > self.src.line_of(open));
        if self.json && multiline {
            let first = first?;
            let indent = self.src.indent(first.line);
            let unit = indent.saturating_sub(self.src.indent(self.src.line_of(open))).max(1);
            let mut out = String::new();
            for (k, v) in values {
                out.push(',');
                out.push_str(self.nl());
                out.push_str(&" ".repeat(indent));
                if let Some(k) = k {
                    out.push_str(&json_string(k));
                    out.push_str(": ");
                }
                self.pretty_json(v, indent, unit, &mut out);
            }
            self.push(ByteEdit::insert(last_sig, out), 0);
            return Some(());
        }
        let joined = items.join(", ");
        let content = if empty {
            joined
        } else if trailing_comma {
            format!(" {joined}")
        } else {
            format!(", {joined}")
        };
        let at = if empty { open + 1 } else { last_sig };
        if empty && !inner.is_empty() {
            self.push(ByteEdit::replace(open + 1, close, content), 0);
        } else {
            self.push(ByteEdit::insert(at, content), 0);
        }
        Some(())
    }

    fn append_items(&mut self, seq: &Node, vals: &[NewValue], flow: bool) -> Option<()> {
        let items = seq.as_seq()?;
        if flow || self.is_flow(seq) {
            let open = self.src.offset(seq.pos)?;
            let rendered: Vec<String> = vals.iter().map(|v| self.flow_value(v)).collect();
            let first = items.first().map(|i| i.pos);
            return self.splice_flow(open, first, &rendered, vals.iter().map(|v| (None, v)).collect());
        }
        let last = items.last()?;
        let dash = dash_column(self.src, last)?;
        let end = self.scan_block(last.pos.line, dash, false, last)?;
        let mut lines = String::new();
        self.block_items(vals, dash, &mut lines);
        self.insert_after_line(end, lines, dash)
    }

    /// Gives an entry whose value is null (`key:`, `key: ~`) the value `v`.
    fn fill_null(&mut self, e: &Entry, v: &NewValue, flow: bool) -> Option<()> {
        let colon = self.colon(e)?;
        let line_end = self.src.line_end(e.key_pos.line)?;
        let rest = self.text().get(colon + 1..line_end)?;
        let trimmed = rest.trim_start();
        let token_start = colon + 1 + (rest.len() - trimmed.len());
        let token_len = if trimmed.is_empty() || trimmed.starts_with('#') {
            0
        } else {
            let t = trimmed.split([' ', '\t', ',', '}', ']']).next().unwrap_or_default();
            if !matches!(t, "~" | "null" | "Null" | "NULL") {
                return None;
            }
            t.len()
        };
        let collection =
            matches!(v, NewValue::Map(m) if !m.is_empty()) || matches!(v, NewValue::Seq(s) if !s.is_empty());
        if flow || !collection {
            let rendered = if flow { self.flow_value(v) } else { self.scalar(v, false) };
            if token_len > 0 {
                self.push(ByteEdit::replace(token_start, token_start + token_len, rendered), 0);
            } else if flow {
                return None;
            } else {
                self.push(ByteEdit::insert(colon + 1, format!(" {rendered}")), 0);
            }
            return Some(());
        }
        if token_len > 0 {
            self.push(ByteEdit::replace(colon + 1, token_start + token_len, ""), 0);
        }
        let key_ind = (e.key_pos.column as usize).checked_sub(1)?;
        let mut lines = String::new();
        match v {
            NewValue::Map(m) => self.block_entries(m, key_ind + self.style.step, false, &mut lines),
            NewValue::Seq(s) => self.block_items(s, key_ind + self.style.seq_indent, &mut lines),
            _ => return None,
        }
        self.insert_after_line(e.key_pos.line, lines, key_ind + 1)
    }

    /// Whether `span` holds a comment (a `#` after a space or at a line's start).
    fn has_comment(&self, start: usize, end: usize) -> bool {
        let b = self.text().as_bytes();
        (start..end).any(|i| b.get(i) == Some(&b'#') && (i == 0 || matches!(b.get(i - 1), Some(b' ' | b'\t' | b'\n'))))
    }

    /// Removes `start..end` from a flow collection with the comma that separates it from its
    /// neighbour.
    fn remove_flow_span(&mut self, start: usize, end: usize) -> Option<()> {
        let b = self.text().as_bytes();
        let mut j = end;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if b.get(j) == Some(&b',') {
            j += 1;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if self.has_comment(start, j) {
                return None;
            }
            self.push(ByteEdit::replace(start, j, ""), 0);
            return Some(());
        }
        let mut k = start;
        while k > 0 && b.get(k - 1).is_some_and(u8::is_ascii_whitespace) {
            k -= 1;
        }
        let from = if k > 0 && b.get(k - 1) == Some(&b',') { k - 1 } else { start };
        if self.has_comment(from, end) {
            return None;
        }
        self.push(ByteEdit::replace(from, end, ""), 0);
        Some(())
    }

    fn remove_entry(&mut self, map: &Node, e: &Entry, flow: bool) -> Option<()> {
        let entries = map.as_map()?;
        if entries.len() < 2 || entries.iter().filter(|x| x.key == e.key).count() != 1 {
            return None; // an empty mapping left, or an earlier duplicate that would win
        }
        let key_ind = (e.key_pos.column as usize).checked_sub(1)?;
        if flow || self.is_flow(map) {
            let start = self.src.offset(e.key_pos)?;
            let end = self.value_end(&e.value, e.key_pos.line, key_ind, true)?;
            return self.remove_flow_span(start, end);
        }
        if self.src.indent(e.key_pos.line) != key_ind {
            return None; // the first key of a list item (`- key: v`)
        }
        let end = self.scan_block(e.key_pos.line, key_ind, matches!(e.value.value, Value::Seq(_)), &e.value)?;
        let (a, b) = (self.src.line_start(e.key_pos.line)?, self.src.after_line(end)?);
        if self.has_comment(a, b) {
            return None;
        }
        self.push(ByteEdit::replace(a, b, ""), 0);
        Some(())
    }

    /// Removes item `i`; `emptied`: every item of the list is removed in this edit (the list
    /// becomes `key: []`, written once, with its last item).
    fn remove_item(&mut self, seq: &Node, i: usize, flow: bool, parent: Option<&Entry>, emptied: bool) -> Option<()> {
        let items = seq.as_seq()?;
        let item = items.get(i)?;
        if emptied && (flow || self.is_flow(seq)) {
            // `[a, b]` becomes `[]`: the whole inside, once (with the last item).
            if i + 1 != items.len() {
                return Some(());
            }
            let open = self.src.offset(seq.pos)?;
            let end = self.value_end(seq, seq.pos.line, 0, true)?;
            let b = self.text().as_bytes();
            if b.get(open) != Some(&b'[') || end == 0 || b.get(end - 1) != Some(&b']') || self.has_comment(open, end) {
                return None;
            }
            self.push(ByteEdit::replace(open + 1, end - 1, ""), 0);
            return Some(());
        }
        if flow || self.is_flow(seq) {
            let start = self.src.offset(item.pos)?;
            let end = self.value_end(item, item.pos.line, 0, true)?;
            return self.remove_flow_span(start, end);
        }
        let dash = dash_column(self.src, item)?;
        let end = self.scan_block(item.pos.line, dash, false, item)?;
        let (a, b) = (self.src.line_start(item.pos.line)?, self.src.after_line(end)?);
        if self.has_comment(a, b) {
            return None;
        }
        self.push(ByteEdit::replace(a, b, ""), 0);
        if emptied && i + 1 == items.len() {
            // the list becomes `key: []`
            let colon = self.colon(parent?)?;
            self.push(ByteEdit::insert(colon + 1, " []"), 0);
        }
        Some(())
    }

    fn replace_entry(&mut self, e: &Entry, key: &str, v: &NewValue, flow: bool) -> Option<()> {
        let start = self.src.offset(e.key_pos)?;
        let key_ind = (e.key_pos.column as usize).checked_sub(1)?;
        let end = self.value_end(&e.value, e.key_pos.line, key_ind, flow)?;
        let content = if flow {
            format!("{}: {}", self.key(key), self.flow_value(v))
        } else {
            let mut s = String::new();
            self.block_entries(&[(key.to_owned(), v.clone())], key_ind, true, &mut s);
            if s.ends_with(self.nl()) {
                s.truncate(s.len() - self.nl().len());
            }
            s
        };
        self.push(ByteEdit::replace(start, end, content), 0);
        Some(())
    }
}

/// Joins insertions at one offset (deeper content first: the inner mapping's new lines before
/// the outer one's) and refuses overlapping edits.
fn join_insertions(mut edits: Vec<(ByteEdit, usize)>) -> Option<Vec<ByteEdit>> {
    edits.sort_by(|(a, ra), (b, rb)| (a.start, a.end).cmp(&(b.start, b.end)).then(rb.cmp(ra)));
    let mut out: Vec<ByteEdit> = Vec::with_capacity(edits.len());
    for (e, _) in edits {
        if let Some(prev) = out.last_mut() {
            if prev.start == prev.end && e.start == e.end && prev.start == e.start {
                prev.content.push_str(&e.content);
                continue;
            }
            if super::text::overlapping(prev, &e) {
                return None;
            }
        }
        out.push(e);
    }
    Some(out)
}

/// Whether a scalar token (as written) reads as the node's value: the edit replaces what the
/// tree says is there, nothing else.
fn token_reads_as(token: &str, node: &Node) -> bool {
    let inner = |q: char| token.strip_prefix(q).and_then(|t| t.strip_suffix(q));
    match &node.value {
        Value::Str(s) => {
            if let Some(i) = inner('"') {
                !i.contains('\\') && i == s.as_str()
            } else if let Some(i) = inner('\'') {
                i.replace("''", "'") == s.as_str()
            } else {
                token == s.as_str()
            }
        }
        other => resolve_non_str(token).as_ref() == Some(other) && !token.starts_with(['"', '\'']),
    }
}

/// Whether a string can be written as a plain scalar (and reads back as this string).
fn plain_ok(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_ascii_alphanumeric() || matches!(first, '/' | '.' | '_' | '$' | '(')) {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if s.chars().any(|c| c.is_control() || (flow && matches!(c, ',' | '[' | ']' | '{' | '}'))) {
        return false;
    }
    resolve_non_str(s).is_none()
}

/// A JSON string literal (also a YAML double-quoted scalar).
pub(crate) fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

#[cfg(test)]
mod tests {
    use super::super::text::{apply, SourceText};
    use super::*;
    use crate::syntax::{parse_json, parse_yaml, Limits};

    fn edit(text: &str, ops: &[Op]) -> Option<String> {
        let src = SourceText::new(text).unwrap();
        let json = text.trim_start().starts_with('{');
        let root = if json {
            parse_json(text, &Limits::default()).unwrap()
        } else {
            parse_yaml(text, &Limits::default()).documents.remove(0).root.unwrap()
        };
        let mut patch = Patch::default();
        assert!(patch.accepts(ops));
        patch.add(ops);
        let edits = DocEditor::new(&src, json, Style::of(&src, &root)).edits(&root, &patch)?;
        apply(text, &edits)
    }

    fn p(s: &str) -> FieldPath {
        FieldPath::parse(s).unwrap()
    }

    #[test]
    fn inserts_into_block_mappings_after_their_last_line() {
        let t = "spec:\n  containers:\n  - name: a\n    image: x # pinned\n    args:\n    - run\n  # about volumes\n  volumes: []\n";
        let out = edit(
            t,
            &[
                Op::Set { path: p("spec.containers[0].securityContext.readOnlyRootFilesystem"), value: true.into() },
                Op::Set { path: p("spec.containers[0].securityContext.allowPrivilegeEscalation"), value: false.into() },
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "spec:\n  containers:\n  - name: a\n    image: x # pinned\n    args:\n    - run\n    securityContext:\n      readOnlyRootFilesystem: true\n      allowPrivilegeEscalation: false\n  # about volumes\n  volumes: []\n"
        );
    }

    #[test]
    fn flow_json_and_scalars() {
        let t = "a: {b: 1}\nc: [x]\nd: 'all'\ne:\nf: ~ # none\n";
        let out = edit(
            t,
            &[
                Op::Set { path: p("a.z"), value: "v".into() },
                Op::Push { path: p("c"), value: "ALL".into() },
                Op::Set { path: p("d"), value: "ALL".into() },
                Op::Set { path: p("e.k"), value: 1i64.into() },
                Op::Set { path: p("f.k"), value: 2i64.into() },
            ],
        )
        .unwrap();
        assert_eq!(out, "a: {b: 1, z: v}\nc: [x, ALL]\nd: 'ALL'\ne:\n  k: 1\nf: # none\n  k: 2\n");
        let j = "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"c\": []\n}\n";
        let out =
            edit(j, &[Op::Set { path: p("a.s.t"), value: true.into() }, Op::Push { path: p("c"), value: "x".into() }])
                .unwrap();
        assert_eq!(
            out,
            "{\n  \"a\": {\n    \"b\": 1,\n    \"s\": {\n      \"t\": true\n    }\n  },\n  \"c\": [\"x\"]\n}\n"
        );
    }

    #[test]
    fn removes_and_replaces() {
        let t = "ports:\n- containerPort: 80\n  hostPort: 80\n  name: http\nadd: [NET_ADMIN, SYS_ADMIN]\nenv:\n- name: P\n  value: |\n    secret\n    more\n- name: Q\n";
        let out = edit(
            t,
            &[
                Op::Remove { path: p("ports[0].hostPort") },
                Op::Remove { path: p("add[1]") },
                Op::ReplaceEntry {
                    path: p("env[0].value"),
                    key: "valueFrom".into(),
                    value: NewValue::map([(
                        "secretKeyRef",
                        NewValue::map([("name", "s".into()), ("key", "P".into())]),
                    )]),
                },
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "ports:\n- containerPort: 80\n  name: http\nadd: [NET_ADMIN]\nenv:\n- name: P\n  valueFrom:\n    secretKeyRef:\n      name: s\n      key: P\n- name: Q\n"
        );
    }

    #[test]
    fn refuses_what_it_cannot_place_for_sure() {
        assert_eq!(edit("b: 1\na: |+\n  x\n\n", &[Op::Set { path: p("c"), value: true.into() }]), None);
        assert_eq!(edit("a: [1, # c\n  2]\n", &[Op::Push { path: p("a"), value: 3i64.into() }]), None);
        assert_eq!(edit("a:\n  b: 1 # keep\n  c: 2\n", &[Op::Remove { path: p("a.b") }]), None);
    }
}
