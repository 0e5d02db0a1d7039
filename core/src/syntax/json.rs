//! A small JSON reader producing spanned [`Node`]s (RFC 8259; duplicate keys kept, the last wins
//! on lookup as in Go's `encoding/json`). Much faster than going through the YAML parser on large
//! `kubectl get -o json` dumps.

use super::{Entry, Interner, Limits, Node, SyntaxError, Text, Value};
use crate::location::Pos;

/// An array or object being read: its position, where its elements start in the reader's
/// scratch buffer (an object also holds the key whose value comes next).
enum Open {
    Array(Pos, usize),
    Object(Pos, usize, (Text, Pos)),
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    // column cache: (byte offset, 1-based column) on the current line
    col_at: (usize, u32),
    depth: usize,
    limits: &'a Limits,
    // The elements of the open arrays and objects, innermost last: a closed collection takes
    // its own as a vector of exactly its length (no doubling slack kept in the tree).
    items: Vec<Node>,
    entries: Vec<Entry>,
    interner: Interner,
    // Values the tree may still take (`Limits::max_tree_bytes`).
    nodes_left: usize,
}

/// The end of an ASCII token of `len` bytes on one line, starting at `pos` (a number, `true`).
fn ascii_end(pos: Pos, len: usize) -> Pos {
    Pos::new(pos.line, pos.column.saturating_add(u32::try_from(len).unwrap_or(u32::MAX)))
}

/// Reads one JSON value (the whole text).
///
/// # Errors
/// A [`SyntaxError`] at the first offending character.
pub fn parse_json(text: &str, limits: &Limits) -> Result<Node, SyntaxError> {
    let mut r = Reader::new(text, limits);
    r.ws();
    let v = r.value()?;
    r.ws();
    if r.i < r.bytes.len() {
        return Err(r.err("unexpected characters after the JSON value"));
    }
    Ok(v)
}

/// Reads a JSON text whose top-level value is an object with an `items` array (a `kind: List`,
/// as `kubectl get -o json` writes it) without building the tree of the whole text: each element
/// of `items` is handed to `each` (with its index) as soon as it is read, then dropped by the
/// caller. Returns the top-level object with `items` empty (its other keys as read). Positions
/// are those of the whole text, and the limits and errors are those of [`parse_json`]: a syntax
/// error ends the reading (the items before it have been handed over). A text whose top-level
/// value is not an object is read whole.
///
/// # Errors
/// A [`SyntaxError`] at the first offending character; also a second `items` key (its items
/// would be read twice, where a whole reading keeps the last).
pub fn parse_json_list(text: &str, limits: &Limits, each: &mut dyn FnMut(usize, Node)) -> Result<Node, SyntaxError> {
    let mut r = Reader::new(text, limits);
    r.ws();
    if r.peek() != Some(b'{') {
        return parse_json(text, limits);
    }
    let pos = r.pos();
    r.enter()?;
    r.i += 1;
    r.ws();
    let mut entries = Vec::new();
    let mut seen_items = false;
    if r.peek() == Some(b'}') {
        r.i += 1;
    } else {
        loop {
            let (key, key_pos) = r.key()?;
            r.ws();
            // After the items handed over, another `items` (which a whole reading would take, the
            // last key winning) is an error: they cannot be taken back.
            if key == "items" && seen_items {
                return Err(SyntaxError {
                    message: "a second `items` key: the list's items would be read twice".to_owned(),
                    line: key_pos.line,
                    column: key_pos.column,
                });
            }
            let value = if key == "items" && r.peek() == Some(b'[') {
                seen_items = true;
                r.list_items(each)?
            } else {
                r.value()?
            };
            entries.push(Entry { key, key_pos, value });
            if r.closes(b'}', "expected `,` or `}` in an object")? {
                break;
            }
        }
    }
    r.depth -= 1;
    // Where the object ends, as a whole reading has it (a finding's field range may be the root).
    let end = r.pos();
    r.ws();
    if r.i < r.bytes.len() {
        return Err(r.err("unexpected characters after the JSON value"));
    }
    Ok(Node::spanning(Value::Map(entries.into_boxed_slice()), pos, end))
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, limits: &'a Limits) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            i: 0,
            line: 1,
            line_start: 0,
            col_at: (0, 1),
            depth: 0,
            limits,
            items: Vec::new(),
            entries: Vec::new(),
            interner: Interner::default(),
            nodes_left: limits.max_tree_nodes(text.len()),
        }
    }

    /// The elements of an array (at its `[`), each handed to `each` as soon as it is read;
    /// returns the array's node, empty.
    fn list_items(&mut self, each: &mut dyn FnMut(usize, Node)) -> Result<Node, SyntaxError> {
        let pos = self.pos();
        self.enter()?;
        self.i += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            let mut n = 0usize;
            loop {
                let item = self.value()?;
                // Handed over and dropped: the budget is the tree kept.
                self.nodes_left = self.nodes_left.saturating_add(item.count());
                each(n, item);
                n += 1;
                if self.closes(b']', "expected `,` or `]` in an array")? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(Node::spanning(Value::Seq(Box::default()), pos, self.pos()))
    }

    /// After an element: `,` (more follow: `false`) or the closing bracket (`true`), else `what`.
    fn closes(&mut self, close: u8, what: &str) -> Result<bool, SyntaxError> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                Ok(false)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(true)
            }
            _ => Err(self.err(what)),
        }
    }

    fn pos(&mut self) -> Pos {
        let (off, col) = if self.col_at.0 >= self.line_start && self.col_at.0 <= self.i {
            self.col_at
        } else {
            (self.line_start, 1)
        };
        let extra = self.text.get(off..self.i).map_or(0, |s| s.chars().count());
        let c = col.saturating_add(u32::try_from(extra).unwrap_or(u32::MAX));
        self.col_at = (self.i, c);
        Pos::new(self.line, c)
    }

    fn err(&mut self, msg: &str) -> SyntaxError {
        let p = self.pos();
        SyntaxError { message: msg.to_owned(), line: p.line, column: p.column }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line = self.line.saturating_add(1);
                    self.line_start = self.i;
                }
                _ => break,
            }
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// Reads one value. Iterative (an explicit stack of open arrays and objects), so the
    /// nesting depth costs heap, not call stack: any depth up to the limit reads on a small
    /// thread stack.
    fn value(&mut self) -> Result<Node, SyntaxError> {
        let mut stack: Vec<Open> = Vec::new();
        loop {
            self.ws();
            let pos = self.pos();
            self.nodes_left = match self.nodes_left.checked_sub(1) {
                Some(n) => n,
                None => return Err(self.limits.tree_too_large(self.bytes.len(), pos.line, pos.column)),
            };
            let mut done = match self.peek() {
                Some(b'{') => {
                    self.enter()?;
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        self.depth -= 1;
                        Node::spanning(Value::Map(Box::default()), pos, self.pos())
                    } else {
                        let key = self.key()?;
                        stack.push(Open::Object(pos, self.entries.len(), key));
                        continue;
                    }
                }
                Some(b'[') => {
                    self.enter()?;
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        self.depth -= 1;
                        Node::spanning(Value::Seq(Box::default()), pos, self.pos())
                    } else {
                        stack.push(Open::Array(pos, self.items.len()));
                        continue;
                    }
                }
                Some(b'"') => {
                    let s = self.string()?;
                    Node::spanning(Value::Str(s), pos, self.pos())
                }
                Some(b't') => self.literal("true", Value::Bool(true), pos)?,
                Some(b'f') => self.literal("false", Value::Bool(false), pos)?,
                Some(b'n') => self.literal("null", Value::Null, pos)?,
                Some(b'-' | b'0'..=b'9') => self.number(pos)?,
                Some(_) => return Err(self.err("expected a JSON value")),
                None => return Err(self.err("unexpected end of input")),
            };
            // Attach the finished value to the open collections, closing those that end here.
            loop {
                match stack.pop() {
                    None => return Ok(done),
                    Some(Open::Array(p, start)) => {
                        self.items.push(done);
                        self.ws();
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                stack.push(Open::Array(p, start));
                                break;
                            }
                            Some(b']') => {
                                self.i += 1;
                                self.depth -= 1;
                                let end = self.pos();
                                done = Node::spanning(Value::Seq(self.items.drain(start..).collect()), p, end);
                            }
                            _ => return Err(self.err("expected `,` or `]` in an array")),
                        }
                    }
                    Some(Open::Object(p, start, (key, key_pos))) => {
                        self.entries.push(Entry { key, key_pos, value: done });
                        self.ws();
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                let key = self.key()?;
                                stack.push(Open::Object(p, start, key));
                                break;
                            }
                            Some(b'}') => {
                                self.i += 1;
                                self.depth -= 1;
                                let end = self.pos();
                                done = Node::spanning(Value::Map(self.entries.drain(start..).collect()), p, end);
                            }
                            _ => return Err(self.err("expected `,` or `}` in an object")),
                        }
                    }
                }
            }
        }
    }

    /// An object key and its colon: `"key" :`.
    fn key(&mut self) -> Result<(Text, Pos), SyntaxError> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string key"));
        }
        let key_pos = self.pos();
        let key = self.string()?;
        self.ws();
        self.expect(b':', "expected `:` after an object key")?;
        Ok((key, key_pos))
    }

    fn literal(&mut self, word: &str, v: Value, pos: Pos) -> Result<Node, SyntaxError> {
        if self.bytes.get(self.i..self.i + word.len()) == Some(word.as_bytes()) {
            self.i += word.len();
            Ok(Node::spanning(v, pos, ascii_end(pos, word.len())))
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            Err(self.err(&format!("nesting deeper than {} levels", self.limits.max_depth)))
        } else {
            Ok(())
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let s = self.text.get(self.i..self.i + 4).ok_or_else(|| self.err("truncated `\\u` escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("invalid `\\u` escape"))?;
        self.i += 4;
        Ok(v)
    }

    /// A string (at its opening quote), shared through the interner.
    fn string(&mut self) -> Result<Text, SyntaxError> {
        self.i += 1; // opening quote
        let start = self.i;
        while let Some(b) = self.peek() {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.i += 1;
        }
        if self.peek() == Some(b'"') {
            // No escape: the text as it is in the input, without building a string first.
            let t = self.interner.text(self.text.get(start..self.i).unwrap_or(""));
            self.i += 1;
            return Ok(t);
        }
        self.i = start;
        let s = self.string_escaped()?;
        Ok(self.interner.text(&s))
    }

    /// The rest of a string with escapes, after its opening quote.
    fn string_escaped(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(self.text.get(start..self.i).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let e = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.i..self.i + 2) == Some(b"\\u") {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    } else {
                                        None
                                    }
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            // Go's decoder replaces invalid surrogates with U+FFFD.
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(self.err("invalid escape in a string")),
                    }
                }
                Some(_) => return Err(self.err("control character in a string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    fn number(&mut self, pos: Pos) -> Result<Node, SyntaxError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.i;
            while r.peek().is_some_and(|b| b.is_ascii_digit()) {
                r.i += 1;
            }
            r.i - s
        };
        let int_start = self.i;
        if digits(self) == 0 {
            return Err(self.err("invalid number"));
        }
        if self.bytes.get(int_start) == Some(&b'0') && self.i - int_start > 1 {
            return Err(self.err("leading zero in a number"));
        }
        let mut is_int = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            is_int = false;
            if digits(self) == 0 {
                return Err(self.err("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            is_int = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("invalid number"));
            }
        }
        let s = self.text.get(start..self.i).unwrap_or("0");
        let end = ascii_end(pos, s.len());
        if is_int {
            if let Ok(i) = s.parse::<i64>() {
                return Ok(Node::spanning(Value::Int(i), pos, end));
            }
        }
        let f = s.parse::<f64>().map_err(|_| self.err("invalid number"))?;
        Ok(Node::spanning(Value::Float(f), pos, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_with_positions() {
        let n = parse_json(
            "{\n  \"a\": [1, 2.5, \"x\\u00e9\"],\n  \"b\": {\"c\": true, \"d\": null}\n}",
            &Limits::default(),
        )
        .unwrap();
        let a = n.entry("a").unwrap();
        assert_eq!(a.key_pos, Pos::new(2, 3));
        let items = a.value.as_seq().unwrap();
        assert_eq!(items[0].as_i64(), Some(1));
        assert_eq!(items[2].as_str(), Some("xé"));
        assert_eq!(items[2].pos, Pos::new(2, 17));
        assert_eq!(n.get("b").unwrap().get("c").unwrap().as_bool(), Some(true));
        // ends: just after the last character of each value
        assert_eq!(a.value.end, Pos::new(2, 27));
        let ends: Vec<Pos> = items.iter().map(|i| i.end).collect();
        assert_eq!(ends, [Pos::new(2, 10), Pos::new(2, 15), Pos::new(2, 26)]);
        let b = n.get("b").unwrap();
        assert_eq!((b.pos, b.end), (Pos::new(3, 8), Pos::new(3, 30)));
        assert_eq!(b.get("d").unwrap().end, Pos::new(3, 29));
        assert_eq!(n.end, Pos::new(4, 2));
        let e = parse_json("{\"é\": {}, \"f\": []}", &Limits::default()).unwrap();
        assert_eq!((e.get("é").unwrap().pos, e.get("é").unwrap().end), (Pos::new(1, 7), Pos::new(1, 9)));
        assert_eq!(e.get("f").unwrap().end, Pos::new(1, 18));
    }

    #[test]
    fn errors_and_limits() {
        assert!(parse_json("{\"a\": }", &Limits::default()).is_err());
        assert!(parse_json("[1,]", &Limits::default()).is_err());
        assert!(parse_json(&"[".repeat(100_000), &Limits::default()).is_err());
        assert!(parse_json("{} x", &Limits::default()).is_err());
    }

    #[test]
    fn list_items_one_at_a_time_with_the_positions_of_the_whole_text() {
        let text = "{\"apiVersion\": \"v1\",\n \"items\": [\n  {\"a\": 1},\n  [2, {\"b\": \"x\"}], 3\n ],\n \"kind\": \"List\"}\n";
        let whole = parse_json(text, &Limits::default()).unwrap();
        let mut items = Vec::new();
        let header = parse_json_list(text, &Limits::default(), &mut |i, n| items.push((i, n))).unwrap();
        let expected = whole.get("items").unwrap().as_seq().unwrap();
        assert_eq!(items.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(items.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>(), expected);
        assert_eq!(header.get("kind").unwrap().as_str(), Some("List"));
        assert_eq!(header.get("items").unwrap().as_seq().map(<[Node]>::len), Some(0));
        assert_eq!(header.entry("kind").unwrap().key_pos, whole.entry("kind").unwrap().key_pos);
    }

    #[test]
    fn list_errors_are_the_whole_readers() {
        let lim = Limits::default();
        for text in ["{\"items\": [{\"a\": }]}", "{\"items\": [1,]}", "{\"items\": []} x", "{\"items\": [1] \"k\": 2}"]
        {
            let whole = parse_json(text, &lim).unwrap_err();
            let listed = parse_json_list(text, &lim, &mut |_, _| {}).unwrap_err();
            assert_eq!(whole, listed, "{text}");
        }
        let deep = format!("{{\"items\": [{}]}}", "[".repeat(300));
        assert_eq!(parse_json(&deep, &lim).unwrap_err(), parse_json_list(&deep, &lim, &mut |_, _| {}).unwrap_err());
        // the items before an error are handed over
        let mut n = 0;
        assert!(parse_json_list("{\"items\": [1, 2, x]}", &lim, &mut |_, _| n += 1).is_err());
        assert_eq!(n, 2);
        // read twice otherwise, where a whole reading keeps the last
        assert!(parse_json_list("{\"items\": [1], \"items\": [2]}", &lim, &mut |_, _| {}).is_err());
        // not an object: read whole
        assert_eq!(parse_json_list("[1]", &lim, &mut |_, _| {}).unwrap(), parse_json("[1]", &lim).unwrap());
        // an object that is not a list reads as a whole reading has it, its end included (found by
        // the `list` fuzz target)
        let pod = "{\"kind\": \"Pod\", \"spec\": {}}\n";
        assert_eq!(parse_json_list(pod, &lim, &mut |_, _| {}).unwrap(), parse_json(pod, &lim).unwrap());
    }

    #[test]
    fn columns_count_characters() {
        let n = parse_json("{\"é\": 1, \"b\": 2}", &Limits::default()).unwrap();
        assert_eq!(n.entry("b").unwrap().key_pos, Pos::new(1, 10));
    }
}
