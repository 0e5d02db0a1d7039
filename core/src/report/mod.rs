//! Rendering reports: text (ruff-like, with source lines and carets), grouped (per file, object
//! and container), statistics (per rule) and JSON (the contract);
//! the other commands' typed results and their renderings: `pss` ([`pss`]) and `netpol`
//! ([`netpol`]).

pub mod baseline;
pub mod escape;
pub mod github;
pub mod grouped;
pub mod junit;
pub mod netpol;
pub mod pss;
pub mod redact;
pub mod sarif;
pub mod statistics;
pub mod text;
pub mod tickets;

use crate::api::Finding;
use crate::rules::{registry, Excerpt};

/// What a renderer may quote of the source line `f` points at: the `redact` of its rule's
/// declaration; [`Excerpt::Omit`] for a rule this version does not know (a report read back from
/// JSON), since nothing says its lines hold no secret. Every renderer that quotes source asks
/// here (through [`quote`]), which also hides every secret value on the line, whichever rule
/// the finding is of ([`redact`]).
#[must_use]
pub fn excerpt(f: &Finding) -> Excerpt {
    registry::find(&f.rule).map_or(Excerpt::Omit, |r| r.meta().redact)
}

/// Lines of up to this many characters are quoted whole.
pub const WHOLE_LINE: usize = 160;

/// Characters quoted before the column of a longer line, which is cut to [`WHOLE_LINE`]
/// characters around the column (minified JSON: a 285 KB line quoted once per finding made
/// 855 MB of text).
pub const WINDOW: usize = 60;

/// Where a long line is cut (ASCII, as CI logs may not be UTF-8).
const CUT: &str = "...";

/// Every this many characters, [`SourceLine`] remembers the byte offset.
const MARK_EVERY: usize = 64;

/// A source line prepared for quoting, once per line: where its secrets are
/// ([`redact::Redactions::masks`]) and where every 64th character starts, so quoting it at any
/// column costs the window, not the line.
#[derive(Debug)]
pub struct SourceLine<'a> {
    text: &'a str,
    masks: Vec<std::ops::Range<usize>>,
    /// Byte offsets of characters 0, 64, 128, ... (empty for an ASCII line: bytes are characters).
    marks: Vec<usize>,
    chars: usize,
}

impl<'a> SourceLine<'a> {
    /// A line and the byte ranges to hide in it.
    #[must_use]
    pub fn new(text: &'a str, masks: Vec<std::ops::Range<usize>>) -> Self {
        if text.is_ascii() {
            return SourceLine { text, masks, marks: Vec::new(), chars: text.len() };
        }
        let mut marks = Vec::new();
        let mut chars = 0;
        for (i, (b, _)) in text.char_indices().enumerate() {
            if i % MARK_EVERY == 0 {
                marks.push(b);
            }
            chars = i + 1;
        }
        SourceLine { text, masks, marks, chars }
    }

    /// The byte offset of character `n` (0-based; the end of the line past it).
    fn byte_of(&self, n: usize) -> usize {
        if n >= self.chars {
            return self.text.len();
        }
        if self.marks.is_empty() {
            return n;
        }
        let from = self.marks.get(n / MARK_EVERY).copied().unwrap_or(0);
        self.text
            .get(from..)
            .and_then(|t| t.char_indices().nth(n % MARK_EVERY))
            .map_or(self.text.len(), |(b, _)| from + b)
    }

    /// The mask that holds byte `b`, if any.
    fn mask_at(&self, b: usize) -> Option<&std::ops::Range<usize>> {
        let i = self.masks.partition_point(|m| m.end <= b);
        self.masks.get(i).filter(|m| m.start <= b)
    }
}

/// A quoted source line: the text to show and what goes before the caret under the column
/// (spaces, and tabs where the line has them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted {
    /// The line as shown: secrets hidden, control characters visible (`\x1b`), a long line cut
    /// to a window around the column (`...` where it is cut).
    pub text: String,
    /// The padding that puts a caret under the column.
    pub caret: String,
}

/// The source line of finding `f` at `column` (1-based, characters), as a renderer may show it,
/// or `None` when it may not be shown at all. What the rule declares decides first
/// ([`excerpt`]: no excerpt, or the key only); then every secret value on the line is hidden
/// (`line` knows them), control characters are made visible, and a line longer than
/// [`WHOLE_LINE`] characters is cut to that many, starting [`WINDOW`] characters before the
/// column.
#[must_use]
pub fn quote(f: &Finding, line: &SourceLine<'_>, column: u32) -> Option<Quoted> {
    let col = (column as usize).saturating_sub(1).min(line.chars);
    let at = line.byte_of(col);
    let mut end = line.text.len();
    let mut tail = "";
    match excerpt(f) {
        Excerpt::Full => {}
        Excerpt::Omit => return None,
        Excerpt::KeyOnly => {
            let t = line.text.trim_start().trim_start_matches("- ");
            let name_only = t.starts_with("name:") && !t.contains(['{', ',']);
            if !name_only {
                // keep the line up to the key at the column, hide everything after it; no key,
                // no excerpt
                let key_end = at + line.text.get(at..)?.find(':')? + 1;
                if key_end < line.text.trim_end().len() {
                    tail = " <redacted>";
                }
                end = key_end;
            }
        }
    }
    let (from, to) = if line.chars <= WHOLE_LINE {
        (0, end)
    } else {
        // WHOLE_LINE characters, from WINDOW before the column (fewer at the start of the line,
        // more before it at the end)
        let last = (col.saturating_sub(WINDOW) + WHOLE_LINE).min(line.chars);
        let first = last.saturating_sub(WHOLE_LINE).min(col);
        (line.byte_of(first), line.byte_of(last).min(end))
    };
    let mut q = Quoted { text: String::new(), caret: String::new() };
    let before = |q: &mut Quoted, shown: &str, b: usize, original: char| {
        if b < at {
            for _ in shown.chars() {
                q.caret.push(if original == '\t' { '\t' } else { ' ' });
            }
        }
    };
    if from > 0 {
        q.text.push_str(CUT);
        q.caret.push_str(&" ".repeat(CUT.len()));
    }
    let mut b = from;
    while b < to {
        if let Some(m) = line.mask_at(b) {
            q.text.push_str(redact::REDACTED);
            if m.end <= at {
                before(&mut q, redact::REDACTED, b, ' ');
            }
            b = m.end;
            continue;
        }
        let Some(c) = line.text.get(b..).and_then(|t| t.chars().next()) else { break };
        let shown: std::borrow::Cow<'_, str> = if c == '\t' {
            "\t".into()
        } else {
            escape::escape_control(line.text.get(b..b + c.len_utf8()).unwrap_or(""))
        };
        q.text.push_str(&shown);
        before(&mut q, &shown, b, c);
        b += c.len_utf8();
    }
    if to < end {
        q.text.push_str(CUT);
    }
    q.text.push_str(tail);
    Some(q)
}
