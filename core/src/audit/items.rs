//! Splits a large JSON `kind: List` (`kubectl get pods -A -o json`) into the text of its items
//! without building a tree of the whole document: each item is then parsed on its own and dropped,
//! so memory stays near the size of the input, not of the whole tree.

/// A problem with the list: what, and the byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the text.
    pub offset: usize,
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn err(&self, message: &str) -> ScanError {
        ScanError { message: message.to_owned(), offset: self.i }
    }

    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8, what: &str) -> Result<(), ScanError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// Skips a string (at its opening quote); returns its raw contents.
    fn string(&mut self) -> Result<&'a [u8], ScanError> {
        self.eat(b'"', "expected a string")?;
        let start = self.i;
        loop {
            match self.peek() {
                Some(b'"') => {
                    let s = self.b.get(start..self.i).unwrap_or_default();
                    self.i += 1;
                    return Ok(s);
                }
                Some(b'\\') => self.i += 2,
                Some(_) => self.i += 1,
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    /// Skips one value of any kind (nested containers included).
    fn skip_value(&mut self) -> Result<(), ScanError> {
        let mut depth = 0usize;
        loop {
            self.ws();
            match self.peek() {
                None => return Err(self.err("unexpected end of input")),
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.i += 1;
                    continue;
                }
                Some(b'}' | b']') => {
                    if depth == 0 {
                        return Err(self.err("unexpected closing bracket"));
                    }
                    depth -= 1;
                    self.i += 1;
                }
                Some(b',' | b':') if depth > 0 => {
                    self.i += 1;
                    continue;
                }
                Some(_) => {
                    let start = self.i;
                    while matches!(self.peek(), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' | b':'))
                    {
                        self.i += 1;
                    }
                    if self.i == start {
                        return Err(self.err("expected a JSON value"));
                    }
                }
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// A list's `kind` (as written) and the byte ranges of its items.
pub type ListItems = (Option<String>, Vec<(usize, usize)>);

/// The byte ranges of the items of the top-level `items` array of a JSON object, and its `kind`
/// (raw). Malformed JSON inside an item is left for the item's own parse to report; the structure
/// around the items must be sound.
///
/// # Errors
/// A [`ScanError`] when the text is not a JSON object or the structure is broken.
pub fn list_items(text: &str) -> Result<ListItems, ScanError> {
    let mut s = Scanner { b: text.as_bytes(), i: 0 };
    if text.starts_with('\u{feff}') {
        s.i = 3;
    }
    s.ws();
    s.eat(b'{', "expected a JSON object (the output of `kubectl get pods -A -o json`)")?;
    let mut kind = None;
    let mut items = Vec::new();
    let mut seen_items = false;
    loop {
        s.ws();
        if s.peek() == Some(b'}') {
            s.i += 1;
            break;
        }
        let key = s.string()?;
        s.ws();
        s.eat(b':', "expected `:` after a key")?;
        s.ws();
        if key == b"items" && s.peek() == Some(b'[') {
            seen_items = true;
            items.clear();
            s.i += 1;
            loop {
                s.ws();
                if s.peek() == Some(b']') {
                    s.i += 1;
                    break;
                }
                let start = s.i;
                s.skip_value()?;
                items.push((start, s.i));
                s.ws();
                match s.peek() {
                    Some(b',') => s.i += 1,
                    Some(b']') => {}
                    _ => return Err(s.err("expected `,` or `]` in `items`")),
                }
            }
        } else if key == b"kind" && s.peek() == Some(b'"') {
            let k = s.string()?;
            kind = Some(String::from_utf8_lossy(k).into_owned());
        } else {
            s.skip_value()?;
        }
        s.ws();
        match s.peek() {
            Some(b',') => s.i += 1,
            Some(b'}') => {}
            _ => return Err(s.err("expected `,` or `}`")),
        }
    }
    s.ws();
    if s.i < s.b.len() {
        return Err(s.err("unexpected characters after the JSON object"));
    }
    if !seen_items {
        return Err(ScanError {
            message: "the JSON object has no `items`: expected a `kind: List`".to_owned(),
            offset: 0,
        });
    }
    Ok((kind, items))
}

#[cfg(test)]
mod tests {
    use super::list_items;

    #[test]
    fn splits_items() {
        let t = r#"{"apiVersion":"v1","items":[{"a":"x]}\"y","b":[1,{"c":null}]}, 2 ,"s"],"kind":"List","metadata":{"resourceVersion":""}}"#;
        let (kind, items) = list_items(t).unwrap();
        assert_eq!(kind.as_deref(), Some("List"));
        let texts: Vec<&str> = items.iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(texts, [r#"{"a":"x]}\"y","b":[1,{"c":null}]}"#, "2", r#""s""#]);
    }

    #[test]
    fn rejects_non_lists() {
        assert!(list_items("[]").is_err());
        assert!(list_items(r#"{"kind":"Pod"}"#).unwrap_err().message.contains("no `items`"));
        assert!(list_items(r#"{"items":[{"a":1}"#).is_err());
        assert!(list_items(r#"{"items":[]} x"#).is_err());
        assert_eq!(list_items(r#"{"items":[]}"#).unwrap().1.len(), 0);
    }
}
