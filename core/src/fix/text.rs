//! Positions in a source text: 1-based lines and character columns (as the parsers give them)
//! to byte offsets and back, line by line; applying edits.

use crate::api::Edit;
use crate::location::Pos;

/// One edit in byte offsets of the whole file text: replace `start..end` with `content`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteEdit {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced (`start` for an insertion).
    pub end: usize,
    /// The new text.
    pub content: String,
}

impl ByteEdit {
    /// An insertion at `at`.
    #[must_use]
    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        ByteEdit { start: at, end: at, content: content.into() }
    }

    /// A replacement of `start..end`.
    #[must_use]
    pub fn replace(start: usize, end: usize, content: impl Into<String>) -> Self {
        ByteEdit { start, end, content: content.into() }
    }
}

/// A source text with the start of each line. Positions count from after a byte-order mark (as
/// the parsers read the text); offsets are into the whole text.
#[derive(Debug)]
pub struct SourceText<'a> {
    /// The whole text.
    pub text: &'a str,
    /// Bytes of the byte-order mark (0 or 3).
    bom: usize,
    /// Byte offset (in `text`) of each line's first byte.
    starts: Vec<usize>,
    /// Whether lines end with `\r\n`.
    pub crlf: bool,
}

impl<'a> SourceText<'a> {
    /// Indexes the lines of `text`. `None` when a carriage return stands alone as a line break
    /// (the parsers count it as one, this index does not: no edit is made in such a file).
    #[must_use]
    pub fn new(text: &'a str) -> Option<Self> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let bytes = text.as_bytes();
        let body = text.get(bom..).unwrap_or_default();
        let mut starts = vec![bom];
        let mut crlf = 0usize;
        // Line breaks found with `memchr` (the text is read once per pass of the fix loop).
        for (i, _) in body.match_indices('\n') {
            let at = bom + i;
            starts.push(at + 1);
            if at > 0 && bytes.get(at - 1) == Some(&b'\r') {
                crlf += 1;
            }
        }
        let cr = if body.contains('\r') { body.bytes().filter(|&b| b == b'\r').count() } else { 0 };
        if cr != crlf {
            return None;
        }
        Some(SourceText { text, bom, starts, crlf: crlf > 0 })
    }

    /// The byte offset of each line's first byte (the first after a byte-order mark).
    #[must_use]
    pub fn line_starts(&self) -> &[usize] {
        &self.starts
    }

    /// The line break this file uses.
    #[must_use]
    pub fn newline(&self) -> &'static str {
        if self.crlf {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Number of lines (a final line break starts one more, empty line).
    #[must_use]
    pub fn lines(&self) -> u32 {
        u32::try_from(self.starts.len()).unwrap_or(u32::MAX)
    }

    /// Byte offset where 1-based line `line` starts.
    #[must_use]
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.starts.get(line.checked_sub(1)? as usize).copied()
    }

    /// Byte offset of the end of line `line`'s content (before `\r\n` or `\n`).
    #[must_use]
    pub fn line_end(&self, line: u32) -> Option<usize> {
        let start = self.line_start(line)?;
        let next = self.starts.get(line as usize).copied().unwrap_or(self.text.len());
        let mut end = next;
        let b = self.text.as_bytes();
        if end > start && b.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && b.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(end)
    }

    /// Byte offset just after line `line`'s line break (the start of the next line; the end of
    /// the text for the last line).
    #[must_use]
    pub fn after_line(&self, line: u32) -> Option<usize> {
        self.line_start(line)?;
        Some(self.starts.get(line as usize).copied().unwrap_or(self.text.len()))
    }

    /// Whether line `line` ends with a line break.
    #[must_use]
    pub fn has_newline(&self, line: u32) -> bool {
        (line as usize) < self.starts.len()
    }

    /// The content of line `line`, without its line break.
    #[must_use]
    pub fn line(&self, line: u32) -> Option<&'a str> {
        self.text.get(self.line_start(line)?..self.line_end(line)?)
    }

    /// The number of leading spaces of line `line`.
    #[must_use]
    pub fn indent(&self, line: u32) -> usize {
        self.line(line).map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
    }

    /// Whether line `line` is empty or only spaces and tabs.
    #[must_use]
    pub fn is_blank(&self, line: u32) -> bool {
        self.line(line).is_none_or(|l| l.trim().is_empty())
    }

    /// The byte offset of a 1-based line and character column.
    #[must_use]
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let start = self.line_start(pos.line)?;
        let end = self.line_end(pos.line)?;
        let line = self.text.get(start..end)?;
        let col = pos.column.checked_sub(1)? as usize;
        if line.is_ascii() {
            return (col <= line.len()).then_some(start + col);
        }
        let mut chars = line.char_indices();
        for _ in 0..col {
            chars.next()?;
        }
        Some(start + chars.next().map_or(line.len(), |(i, _)| i))
    }

    /// The 1-based line and character column of a byte offset.
    #[must_use]
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.max(self.bom).min(self.text.len());
        let idx = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(idx).copied().unwrap_or(self.bom);
        let col = self.text.get(start..offset).map_or(0, |s| s.chars().count());
        Pos::new(u32::try_from(idx + 1).unwrap_or(u32::MAX), u32::try_from(col + 1).unwrap_or(u32::MAX))
    }

    /// The 1-based line of a byte offset.
    #[must_use]
    pub fn line_of(&self, offset: usize) -> u32 {
        let idx = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }

    /// A byte edit as a report edit (lines and character columns).
    #[must_use]
    pub fn edit(&self, e: &ByteEdit) -> Edit {
        let a = self.pos(e.start);
        let b = self.pos(e.end);
        Edit { line: a.line, column: a.column, end_line: b.line, end_column: b.column, content: e.content.clone() }
    }

    /// A report edit as a byte edit, if its positions are in the text.
    #[must_use]
    pub fn byte_edit(&self, e: &Edit) -> Option<ByteEdit> {
        let start = self.offset(Pos::new(e.line, e.column))?;
        let end = self.offset(Pos::new(e.end_line, e.end_column))?;
        (start <= end).then(|| ByteEdit::replace(start, end, e.content.clone()))
    }
}

/// Whether sorted edits overlap: two replacements sharing a byte, an insertion at the start or
/// inside another edit, or two insertions at one place (they would apply in an order nothing
/// decides). An insertion just after a replacement does not overlap it (as in LSP and SARIF,
/// adjacent edits do not): the replaced text, then the inserted one.
#[must_use]
pub fn overlapping(a: &ByteEdit, b: &ByteEdit) -> bool {
    let (first, second) = if (a.start, a.end) <= (b.start, b.end) { (a, b) } else { (b, a) };
    second.start < first.end || (second.start == first.end && first.start == first.end)
}

/// Applies edits to `text`: sorted by position, identical ones once. `None` when two overlap
/// or one is outside the text.
#[must_use]
pub fn apply(text: &str, edits: &[ByteEdit]) -> Option<String> {
    let mut sorted: Vec<&ByteEdit> = edits.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut out = String::with_capacity(text.len() + sorted.iter().map(|e| e.content.len()).sum::<usize>());
    let mut at = 0usize;
    let mut prev: Option<&ByteEdit> = None;
    for e in sorted {
        if e.start < at || e.end < e.start || prev.is_some_and(|p| overlapping(p, e)) {
            return None;
        }
        out.push_str(text.get(at..e.start)?);
        out.push_str(&e.content);
        at = e.end;
        prev = Some(e);
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// Applies report edits (lines and columns, as a finding's fix carries them) to `text`.
///
/// # Errors
/// A message when an edit is outside the text or two overlap.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, String> {
    let src = SourceText::new(text).ok_or("the text has carriage returns that are not followed by a line feed")?;
    let mut bytes = Vec::with_capacity(edits.len());
    for e in edits {
        bytes.push(
            src.byte_edit(e)
                .ok_or_else(|| format!("the edit at line {}, column {} is outside the text", e.line, e.column))?,
        );
    }
    apply(text, &bytes).ok_or_else(|| "the edits overlap".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_positions_round_trip() {
        let t = "\u{feff}a: é\r\nbb: 2\r\n";
        let s = SourceText::new(t).unwrap();
        assert!(s.crlf);
        assert_eq!(s.offset(Pos::new(1, 1)), Some(3));
        assert_eq!(s.offset(Pos::new(1, 4)), Some(6));
        assert_eq!(s.offset(Pos::new(1, 5)), Some(8));
        assert_eq!(s.pos(8), Pos::new(1, 5));
        assert_eq!(s.line(2), Some("bb: 2"));
        assert_eq!(s.after_line(2), Some(t.len()));
        assert!(SourceText::new("a\rb").is_none());
    }

    #[test]
    fn applies_sorted_edits_and_refuses_overlaps() {
        let t = "abcdef";
        let e = [ByteEdit::replace(4, 5, "E"), ByteEdit::insert(1, "X"), ByteEdit::insert(1, "X")];
        assert_eq!(apply(t, &e).as_deref(), Some("aXbcdEf"));
        assert_eq!(apply(t, &[ByteEdit::insert(1, "X"), ByteEdit::insert(1, "Y")]), None);
        assert_eq!(apply(t, &[ByteEdit::replace(1, 3, "X"), ByteEdit::replace(2, 4, "Y")]), None);
        assert_eq!(apply(t, &[ByteEdit::replace(1, 3, "X"), ByteEdit::replace(3, 4, "Y")]).as_deref(), Some("aXYef"));
        // An insertion just after a removal: the line removed, then the new lines (a container's
        // last line `hostPort: 8001` removed where its new `securityContext` goes).
        assert_eq!(apply(t, &[ByteEdit::insert(3, "X"), ByteEdit::replace(1, 3, "")]).as_deref(), Some("aXdef"));
        // An insertion at the start of a replacement, or inside it, is refused (which goes first?).
        assert_eq!(apply(t, &[ByteEdit::insert(1, "X"), ByteEdit::replace(1, 3, "Y")]), None);
        assert_eq!(apply(t, &[ByteEdit::insert(2, "X"), ByteEdit::replace(1, 3, "Y")]), None);
        for (a, b) in [
            (ByteEdit::insert(3, "X"), ByteEdit::replace(1, 3, "")),
            (ByteEdit::insert(1, "X"), ByteEdit::insert(1, "Y")),
        ] {
            assert_eq!(overlapping(&a, &b), overlapping(&b, &a));
        }
    }
}
