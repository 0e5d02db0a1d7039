//! Document texts: incremental edits and positions. LSP positions count UTF-16 code units
//! (the protocol's default encoding); the core's columns count characters. Every conversion
//! clamps: a position past a line's end or the file's end is its end, never a panic.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// The byte offsets where each line starts (line 0 at 0).
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    /// The line starts of `text` (`\n` ends a line; a `\r` before it belongs to the line's end).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The byte offset where 0-based line `line` starts.
    #[must_use]
    pub fn start(&self, line: u32) -> Option<usize> {
        self.starts.get(line as usize).copied()
    }

    /// The text of 0-based line `line`, without its line break; empty past the end.
    #[must_use]
    pub fn line<'t>(&self, text: &'t str, line: u32) -> &'t str {
        let Some(&start) = self.starts.get(line as usize) else { return "" };
        let end = self.starts.get(line as usize + 1).map_or(text.len(), |&e| e.saturating_sub(1));
        let s = text.get(start..end.max(start)).unwrap_or("");
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// The byte offset of an LSP position (UTF-16 column), clamped to the line and the text.
    #[must_use]
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else { return text.len() };
        let line = self.line(text, pos.line);
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            if units >= pos.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        start + line.len()
    }

    /// The LSP position of 0-based `line` and 0-based character column `column`.
    #[must_use]
    pub fn position(&self, text: &str, line: u32, column: u32) -> Position {
        let l = self.line(text, line);
        let character = l.chars().take(column as usize).map(|c| c.len_utf16() as u32).sum();
        Position { line: line.min(self.starts.len().saturating_sub(1) as u32), character }
    }

    /// The LSP position of a byte offset (clamped to the text, and back to a character boundary).
    #[must_use]
    pub fn position_of(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = text.get(start..offset).map_or(0, |s| s.chars().map(|c| c.len_utf16() as u32).sum());
        Position { line: line as u32, character }
    }

    /// The range of the field at 1-based `line` and `column` (the core's): the key or scalar that
    /// starts there, up to a `:` or a space; the line's text when there is no column; the file's
    /// start when there is no line.
    #[must_use]
    pub fn field_range(&self, text: &str, line: Option<u32>, column: Option<u32>) -> Range {
        let Some(line) = line.filter(|&l| l >= 1).map(|l| l - 1) else {
            return Range::default();
        };
        let l = self.line(text, line);
        let (from, to) = match column.filter(|&c| c >= 1) {
            Some(c) => {
                let from = (c - 1) as usize;
                let rest = l.chars().skip(from);
                let mut len = 0usize;
                let mut quote = None;
                for (i, ch) in rest.enumerate() {
                    if i == 0 && (ch == '"' || ch == '\'') {
                        quote = Some(ch);
                    } else if let Some(q) = quote {
                        if ch == q {
                            len = i + 1;
                            break;
                        }
                    } else if ch == ':' || ch == ',' || ch == '}' || ch == ']' || ch.is_whitespace() {
                        break;
                    }
                    len = i + 1;
                }
                (from, from + len.max(1))
            }
            None => {
                let indent = l.chars().take_while(|c| c.is_whitespace()).count();
                (indent, l.chars().count().max(indent + 1))
            }
        };
        Range { start: self.position(text, line, from as u32), end: self.position(text, line, to as u32) }
    }
}

/// Applies one change of `textDocument/didChange` to `text`: a range replaced, or the whole text.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = Lines::new(text);
            let start = lines.offset(text, range.start);
            let end = lines.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, t: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range { start: Position::new(l0, c0), end: Position::new(l1, c1) }),
            range_length: None,
            text: t.to_owned(),
        }
    }

    #[test]
    fn incremental_changes_in_utf16_units() {
        let mut t = "a: é𝄞x\nb: 2\n".to_owned();
        // 𝄞 is two UTF-16 units: column 6 is after it.
        apply_change(&mut t, change(0, 6, 0, 7, "y"));
        assert_eq!(t, "a: é𝄞y\nb: 2\n");
        apply_change(&mut t, change(1, 3, 1, 4, "3"));
        assert_eq!(t, "a: é𝄞y\nb: 3\n");
        // Past the end: clamped, appended.
        apply_change(&mut t, change(9, 9, 9, 9, "c: 4\n"));
        assert_eq!(t, "a: é𝄞y\nb: 3\nc: 4\n");
        // A reversed range replaces nothing before its start.
        apply_change(&mut t, change(1, 3, 0, 0, "9"));
        assert_eq!(t, "a: é𝄞y\nb: 93\nc: 4\n");
    }

    #[test]
    fn field_ranges_cover_the_key() {
        let t = "spec:\n  privileged: true\n  \"quoted key\": 1\n";
        let l = Lines::new(t);
        let r = l.field_range(t, Some(2), Some(3));
        assert_eq!((r.start, r.end), (Position::new(1, 2), Position::new(1, 12)));
        let r = l.field_range(t, Some(3), Some(3));
        assert_eq!((r.start, r.end), (Position::new(2, 2), Position::new(2, 14)));
        let r = l.field_range(t, Some(2), None);
        assert_eq!((r.start, r.end), (Position::new(1, 2), Position::new(1, 18)));
        assert_eq!(l.field_range(t, None, None), Range::default());
        assert_eq!(l.position_of(t, 8), Position::new(1, 2));
    }
}
