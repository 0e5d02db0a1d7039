//! Secret values kept out of every output. What kubeharden treats as secret — a literal
//! environment value whose name or value looks secret, the values of a Secret's `data` and
//! `stringData`, a credential-looking ConfigMap entry, a secret set by a Dockerfile `ENV`, `ARG`
//! or `RUN` — is classified once per file, by the secret rules' own predicates
//! ([`crate::rules::secret::values`]), into [`FileSecrets`]. From then on redaction is a property
//! of the value, not of the rule that reports:
//!
//! - every finding's message is scrubbed ([`Redactions::scrub`]) before it leaves the engine, so
//!   JSON, SARIF, JUnit, GitHub annotations, tickets and baselines never hold a secret, whichever
//!   rule quoted it (a duplicate key's winning value, a value of the wrong type);
//! - the text report hides every secret on a source line it quotes ([`Redactions::masks`]),
//!   whichever finding the line belongs to (a flow mapping or minified JSON puts many fields on
//!   one line).
//!
//! A value is hidden where it starts (its node's position: quoted, escaped or folded forms
//! included) and wherever its text occurs again in the file (each of its lines, and the first 60
//! characters that a message's short rendering of it keeps), as `<redacted>`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::rules::secret::patterns::secret_spans;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// Pieces of a secret shorter than this are not searched for (`abc` would hide every `abc`):
/// the value is still hidden where it starts, and a quoted message segment equal to it is.
const MIN_PIECE: usize = 4;

/// The short rendering of a string in messages keeps this many characters
/// ([`crate::syntax::Node::short`]).
const SHORT_PREFIX: usize = 60;

/// One value treated as secret, where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretValue {
    /// The document it is in (`None` in a Dockerfile).
    pub document: Option<usize>,
    /// 1-based line where it starts.
    pub line: u32,
    /// 1-based column (characters) where it starts; `0` when only its text is known (it is then
    /// hidden wherever the text occurs).
    pub column: u32,
    /// The value as read (unquoted, unescaped).
    pub value: String,
}

/// Texts to find, grouped by length so a line is searched in one pass per length.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Pieces {
    by_len: BTreeMap<usize, HashSet<String>>,
}

impl Pieces {
    fn add(&mut self, piece: &str) {
        if piece.len() >= MIN_PIECE {
            self.by_len.entry(piece.len()).or_default().insert(piece.to_owned());
        }
    }

    /// The pieces of a value: each of its lines (trimmed) and the prefix a short rendering keeps.
    fn add_value(&mut self, value: &str) {
        for line in value.lines() {
            self.add(line.trim());
        }
        if let Some((cut, _)) = value.char_indices().nth(SHORT_PREFIX) {
            self.add(value.get(..cut).unwrap_or_default().trim());
        }
    }

    /// Where the pieces occur in `text`.
    fn find(&self, text: &str, out: &mut Vec<Range<usize>>) {
        if self.by_len.is_empty() {
            return;
        }
        for (i, _) in text.char_indices() {
            for (len, set) in &self.by_len {
                match text.get(i..i + len) {
                    Some(t) if set.contains(t) => out.push(i..i + len),
                    _ => {}
                }
            }
        }
    }
}

/// The secret values of one file, ready to hide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSecrets {
    values: Vec<SecretValue>,
    /// Indexes into `values`, by line.
    starts: HashMap<u32, Vec<usize>>,
    /// Every value's pieces (lines of the file).
    pieces: Pieces,
    /// Each document's values and pieces (messages are scrubbed with their document's only, so a
    /// Secret's `user: postgres` does not hide a container named `postgres` elsewhere).
    by_document: HashMap<Option<usize>, (HashSet<String>, Pieces)>,
}

impl FileSecrets {
    /// The secrets of a file from its classified values.
    #[must_use]
    pub fn new(values: Vec<SecretValue>) -> Self {
        let mut s = FileSecrets::default();
        for v in values {
            s.push(v);
        }
        s
    }

    fn push(&mut self, v: SecretValue) {
        if v.value.trim().is_empty() {
            return;
        }
        self.pieces.add_value(&v.value);
        let (exact, pieces) = self.by_document.entry(v.document).or_default();
        exact.insert(v.value.trim().to_owned());
        pieces.add_value(&v.value);
        if v.column > 0 {
            self.starts.entry(v.line).or_default().push(self.values.len());
        }
        self.values.push(v);
    }

    /// Whether the file has no secret.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The secret values.
    #[must_use]
    pub fn values(&self) -> &[SecretValue] {
        &self.values
    }

    /// A message of a finding in `document` with the secrets of that document hidden: a quoted
    /// segment (`` `...` `` or `"..."`) equal to a value, any occurrence of a value's pieces, and
    /// anything shaped like a credential (a token a wrong-type message quotes).
    #[must_use]
    pub fn scrub<'m>(&self, document: Option<usize>, message: &'m str) -> Cow<'m, str> {
        let mut ranges = secret_spans(message);
        if let Some((exact, pieces)) = self.by_document.get(&document) {
            pieces.find(message, &mut ranges);
            for (range, segment) in quoted_segments(message) {
                if exact.contains(segment.trim()) {
                    ranges.push(range);
                }
            }
        }
        replace(message, ranges)
    }

    /// Adds another classification of the same file.
    pub fn extend(&mut self, other: FileSecrets) {
        for v in other.values {
            self.push(v);
        }
    }
}

/// The secret values of every file of a report (never serialized: a report read back from JSON
/// has none, and its messages were scrubbed when it was made).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redactions {
    files: HashMap<String, FileSecrets>,
}

impl Redactions {
    /// Adds the secrets of file `file`.
    pub fn add(&mut self, file: &str, secrets: FileSecrets) {
        if secrets.is_empty() {
            return;
        }
        match self.files.get_mut(file) {
            Some(s) => s.extend(secrets),
            None => {
                self.files.insert(file.to_owned(), secrets);
            }
        }
    }

    /// The secrets of file `file`, if it has any.
    #[must_use]
    pub fn file(&self, file: &str) -> Option<&FileSecrets> {
        self.files.get(file)
    }

    /// Whether no file has a secret.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// A finding's message with every secret of its file's document hidden
    /// ([`FileSecrets::scrub`]).
    #[must_use]
    pub fn scrub<'m>(&self, file: Option<&str>, document: Option<usize>, message: &'m str) -> Cow<'m, str> {
        match file.and_then(|f| self.files.get(f)) {
            Some(s) => s.scrub(document, message),
            None => replace(message, secret_spans(message)),
        }
    }

    /// Line `line` (1-based; 0 for a line that is not the file's own, such as a fixed text's) of
    /// file `file` with its secrets hidden ([`Redactions::masks`]).
    #[must_use]
    pub fn hide<'t>(&self, file: &str, line: u32, text: &'t str) -> Cow<'t, str> {
        replace(text, self.masks(file, line, text))
    }

    /// The byte ranges of line `line` (1-based, its text `text`) of file `file` to hide, sorted
    /// and disjoint: the values that start on the line (to the end of the scalar as written) and
    /// every occurrence of a value's pieces.
    #[must_use]
    pub fn masks(&self, file: &str, line: u32, text: &str) -> Vec<Range<usize>> {
        let mut ranges = secret_spans(text);
        if let Some(s) = self.files.get(file) {
            s.pieces.find(text, &mut ranges);
            if let Some(starts) = s.starts.get(&line) {
                let mut cols: Vec<(usize, &str)> = starts
                    .iter()
                    .filter_map(|&i| s.values.get(i))
                    .map(|v| (v.column as usize, v.value.as_str()))
                    .collect();
                cols.sort_unstable_by_key(|c| c.0);
                // one pass over the line for every value on it (a minified file may hold thousands)
                let mut next = cols.iter().peekable();
                for (n, (at, _)) in text.char_indices().enumerate() {
                    while let Some((_, value)) = next.next_if(|(col, _)| *col <= n + 1) {
                        ranges.push(at..scalar_end(text, at, value));
                    }
                    if next.peek().is_none() {
                        break;
                    }
                }
            }
        }
        merge(ranges)
    }
}

/// Where the scalar written at byte `at` of `line` ends on that line: after `value` when it is
/// written as is, after the closing quote of a quoted one (escapes skipped), else at the end of
/// the line (a block scalar's indicator, a folded or escaped value: the line holds only it).
fn scalar_end(line: &str, at: usize, value: &str) -> usize {
    let rest = line.get(at..).unwrap_or_default();
    let first = value.lines().next().unwrap_or_default();
    if !first.is_empty() && rest.starts_with(first) && !value.contains('\n') {
        return at + first.len();
    }
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, q @ ('"' | '\''))) => {
            let mut escaped = false;
            for (i, c) in chars {
                if q == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == q && !escaped {
                    return at + i + 1;
                }
                escaped = false;
            }
            line.len()
        }
        _ => line.len(),
    }
}

/// The segments of a message between backticks and between double quotes, with their ranges.
fn quoted_segments(message: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    for q in ['`', '"'] {
        let mut open: Option<usize> = None;
        for (i, c) in message.char_indices() {
            if c != q {
                continue;
            }
            match open.take() {
                Some(start) => out.push((start..i, message.get(start..i).unwrap_or_default())),
                None => open = Some(i + 1),
            }
        }
    }
    out
}

/// Sorted, disjoint ranges.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// `text` with each range replaced by [`REDACTED`].
fn replace(text: &str, ranges: Vec<Range<usize>>) -> Cow<'_, str> {
    let ranges = merge(ranges);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(text.get(at..r.start).unwrap_or_default());
        out.push_str(REDACTED);
        at = r.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(values: &[(Option<usize>, u32, u32, &str)]) -> Redactions {
        let mut r = Redactions::default();
        let values = values
            .iter()
            .map(|&(document, line, column, value)| SecretValue { document, line, column, value: value.to_owned() })
            .collect();
        r.add("f.yaml", FileSecrets::new(values));
        r
    }

    fn masked(r: &Redactions, line: u32, text: &str) -> String {
        replace(text, r.masks("f.yaml", line, text)).into_owned()
    }

    #[test]
    fn values_are_hidden_where_they_start_and_wherever_they_occur() {
        let r = secrets(&[(Some(0), 3, 32, "hunter2-prod"), (Some(0), 4, 26, "a\"b")]);
        assert_eq!(
            masked(&r, 3, r#"  - {name: DB_PASSWORD, value: "hunter2-prod"}"#),
            r#"  - {name: DB_PASSWORD, value: <redacted>}"#
        );
        // written with an escape: hidden from its opening quote to its closing one
        assert_eq!(
            masked(&r, 4, r#"  - {name: TOKEN, value: "a\"b", other: 1}"#),
            r#"  - {name: TOKEN, value: <redacted>, other: 1}"#
        );
        // elsewhere in the file
        assert_eq!(masked(&r, 9, "args: [--password=hunter2-prod]"), "args: [--password=<redacted>]");
        // a short value is hidden only where it starts
        assert_eq!(masked(&r, 9, "a\"b elsewhere"), "a\"b elsewhere");
        // credential shapes, whoever wrote them
        let token = format!("ghp_{}", "x1".repeat(18));
        assert_eq!(masked(&r, 1, &format!("RUN curl -H 'token {token}' x")), "RUN curl -H 'token <redacted>' x");
    }

    #[test]
    fn messages_are_scrubbed_with_their_documents_values() {
        let long = "s".repeat(80);
        let r = secrets(&[
            (Some(0), 3, 5, "hunter2-prod"),
            (Some(0), 4, 5, "abc"),
            (Some(1), 2, 5, "postgres"),
            (Some(0), 5, 5, &long),
        ]);
        let s = |doc, m| r.scrub(Some("f.yaml"), doc, m).into_owned();
        assert_eq!(
            s(Some(0), r#"`value` is written 2 times: the last value, "hunter2-prod", counts"#),
            r#"`value` is written 2 times: the last value, "<redacted>", counts"#
        );
        assert_eq!(s(Some(0), r#"the last value, "abc", counts"#), r#"the last value, "<redacted>", counts"#);
        assert_eq!(s(Some(0), "container `postgres` runs as root"), "container `postgres` runs as root");
        assert_eq!(s(Some(1), "container `postgres` runs as root"), "container `<redacted>` runs as root");
        let short = format!("is \"{}...\", expected", "s".repeat(60));
        assert_eq!(s(Some(0), &short), "is \"<redacted>...\", expected");
        assert_eq!(s(Some(0), "nothing here"), "nothing here");
        assert!(matches!(r.scrub(Some("f.yaml"), Some(0), "nothing here"), Cow::Borrowed(_)));
    }
}
