//! Edits of Dockerfiles: by line, as the parser gives instructions (their first and last line).

use super::text::{ByteEdit, SourceText};
use super::Op;

/// The edits of a Dockerfile fix; `None` when one cannot be made (the text to replace is not
/// there, a line continues on the next).
pub(crate) fn edits(src: &SourceText<'_>, ops: &[Op]) -> Option<Vec<ByteEdit>> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::ReplaceInLines { first, last, find, replace } => {
                if find.is_empty() {
                    return None;
                }
                let before = out.len();
                for l in *first..=*last {
                    let line = src.line(l)?;
                    if line.trim_start().starts_with('#') {
                        continue;
                    }
                    let start = src.line_start(l)?;
                    for (i, _) in line.match_indices(find.as_str()) {
                        out.push(ByteEdit::replace(start + i, start + i + find.len(), replace.clone()));
                    }
                }
                if out.len() == before {
                    return None;
                }
            }
            Op::ReplaceAt { line, column, find, replace } => {
                let at = src.offset(crate::location::Pos::new(*line, *column))?;
                let end = at + find.len();
                if !src.text.get(at..end)?.eq_ignore_ascii_case(find) {
                    return None;
                }
                out.push(ByteEdit::replace(at, end, replace.clone()));
            }
            Op::AppendToLine { line, text } => {
                let content = src.line(*line)?;
                let trimmed = content.trim_end();
                if trimmed.ends_with('\\') || trimmed.ends_with('`') {
                    return None;
                }
                out.push(ByteEdit::insert(src.line_start(*line)? + trimmed.len(), text.clone()));
            }
            Op::InsertLine { after, text } => {
                let at = src.after_line(*after)?;
                let content = if src.has_newline(*after) {
                    format!("{text}{}", src.newline())
                } else {
                    format!("{}{text}", src.newline())
                };
                out.push(ByteEdit::insert(at, content));
            }
            _ => return None,
        }
    }
    Some(out)
}
