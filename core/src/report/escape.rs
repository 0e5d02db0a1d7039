//! Control characters in human-readable output. A name in a manifest or a file name can hold
//! ESC/OSC sequences, CR or LF: printed as they are, they take over the reader's terminal or
//! forge lines in a CI log (a `::error ...::` workflow command, a Markdown heading). Every
//! human-readable renderer passes user text through [`escape_control`]; the structured formats
//! (JSON, SARIF, JUnit XML) escape with their own syntax.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `s` with every control character (C0, DEL, C1) and the Unicode line and paragraph separators
/// written as a visible escape: `\n`, `\r`, `\t`, `\x1b`, `\u{2028}`. A backslash stays as it
/// is. Borrowed when there is nothing to escape (the common case).
#[must_use]
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

#[cfg(test)]
mod tests {
    use super::escape_control;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(escape_control("web"), "web");
        assert!(matches!(escape_control("web"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape_control("a\nb"), "a\\nb");
        assert_eq!(escape_control("a\r\n::error::x"), "a\\r\\n::error::x");
        assert_eq!(escape_control("\u{1b}]8;;http://x\u{7}"), "\\x1b]8;;http://x\\x07");
        assert_eq!(escape_control("\u{9b}31m"), "\\x9b31m");
        assert_eq!(escape_control("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(escape_control("tab\there"), "tab\\there");
        assert_eq!(escape_control("ü ✓ \\"), "ü ✓ \\");
    }
}
