//! Reading a fixed file again, document by document: the fix loop edits a few documents of a
//! file (the Deployments of an `install.yaml`, not its CustomResourceDefinitions), so only those
//! are read again; the others keep their trees, moved by the lines the edits before them added.
//! The result is what [`crate::source::parse`] makes of the fixed text (tests and, in debug
//! builds, every call check it); whatever this reading does not handle is read whole.

use super::apply::FileCtx;
use super::text::ByteEdit;
use crate::api::SourceFile;
use crate::model::Document;
use crate::source::{ParseOptions, Source, SourceKind};
use crate::syntax::{Node, Value};

/// The fixed file `fixed`, which is `old`'s text (as `ctx`, the edit builder's view of it, holds
/// it) with `edits` applied (sorted, none overlapping), read as [`crate::source::parse`] reads it, and the indices of the documents
/// carried over from `old` (the same values, moved). Documents an edit touches are read again
/// alone; a file this does not handle (one document, JSON, directives, anchors, an error, an edit
/// across a document marker) is read whole, with none carried over.
pub(crate) fn reparse(
    old: &Source,
    ctx: &FileCtx<'_>,
    fixed: &SourceFile,
    edits: &[ByteEdit],
    options: &ParseOptions,
) -> (Source, Vec<usize>) {
    match by_documents(old, ctx, fixed, edits, options) {
        Some((source, carried)) => {
            #[cfg(debug_assertions)]
            {
                let whole = crate::source::parse(fixed, options);
                debug_assert_eq!(source.documents, whole.documents, "{}", fixed.name);
                debug_assert!(whole.errors.is_empty() && whole.not_input.is_none(), "{}", fixed.name);
                debug_assert_eq!(source.tree_bytes, whole.tree_bytes);
            }
            (source, carried)
        }
        None => (crate::source::parse(fixed, options), Vec::new()),
    }
}

/// A part of the text: from a document marker (`---`) to the next one (the first part from the
/// start of the text).
#[derive(Debug)]
struct Part {
    /// Byte offset of its first byte.
    start: usize,
    /// Its first line (1-based).
    line: u32,
    /// Whether it starts with a marker.
    marker: bool,
    /// The index (in `old.documents`) of the document whose root is in it.
    doc: Option<usize>,
    /// Whether an edit falls in it.
    edited: bool,
}

/// Whether a line is a document marker `---` (YAML: at the start of a line, followed by white
/// space or the line's end); `Err` for a line the parts do not handle (a directive, a document
/// end marker).
fn marker(line: &str) -> Result<bool, ()> {
    let at_marker =
        |m: &str| line.strip_prefix(m).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']));
    if line.starts_with('%') || at_marker("...") {
        return Err(());
    }
    Ok(at_marker("---"))
}

/// The parts of `text` (in order; at least one), whose lines start at `starts`.
fn parts(text: &str, starts: &[usize]) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    for (line, &start) in (1u32..).zip(starts) {
        let rest = text.get(start..)?;
        // Most lines start with a space or a letter: only `-`, `.` and `%` can start a marker.
        if start == 0 || rest.starts_with(['-', '.', '%']) {
            let marker = marker(rest).ok()?;
            if marker || start == 0 {
                parts.push(Part { start, line, marker, doc: None, edited: false });
            }
        }
    }
    Some(parts)
}

fn newlines(s: &str) -> i64 {
    i64::try_from(s.bytes().filter(|&b| b == b'\n').count()).unwrap_or(i64::MAX)
}

fn by_documents(
    old: &Source,
    ctx: &FileCtx<'_>,
    fixed: &SourceFile,
    edits: &[ByteEdit],
    options: &ParseOptions,
) -> Option<(Source, Vec<usize>)> {
    if old.kind != SourceKind::Documents
        || !old.errors.is_empty()
        || old.not_input.is_some()
        || !old.images.is_empty()
        || old.trivy.is_some()
        || old.documents.len() < 2
        || ctx.json
        || ctx.aliases
        || ctx.text.crlf
        || ctx.text.text.starts_with('\u{feff}')
        || crate::source::looks_json(&fixed.name, ctx.text.text)
    {
        return None;
    }
    let text = ctx.text.text;
    let mut parts = parts(text, ctx.text.line_starts())?;
    // Each document's part, by its root's line; at most one document a part.
    for (d, doc) in old.documents.iter().enumerate() {
        let k = parts.partition_point(|p| p.line <= doc.root.pos.line).checked_sub(1)?;
        let part = parts.get_mut(k)?;
        if part.doc.is_some() {
            return None;
        }
        part.doc = Some(d);
    }
    // Each edit in one part, after its marker (an insertion where the next part starts is the
    // end of this one); the next part's marker stays at the start of a line.
    let mut part_of = Vec::with_capacity(edits.len());
    for e in edits {
        let k = parts.partition_point(|p| p.start < e.start).saturating_sub(1);
        let next = parts.get(k + 1).map(|p| p.start);
        let part = parts.get_mut(k)?;
        let keeps_next_marker = match next {
            Some(n) if e.end == n => {
                if e.content.is_empty() {
                    e.start == e.end || text.as_bytes().get(e.start.checked_sub(1)?) == Some(&b'\n')
                } else {
                    e.content.ends_with('\n')
                }
            }
            _ => true,
        };
        if (part.marker && e.start <= part.start + 3)
            || e.end > next.unwrap_or(text.len())
            || e.start > e.end
            || !keeps_next_marker
            || part.doc.is_none()
            || e.content.contains('\r')
        {
            return None;
        }
        part.edited = true;
        part_of.push(k);
    }
    // Where each part starts in the fixed text: moved by the edits before it (what the edits of
    // each part add, summed over the parts before).
    let mut shift_bytes = vec![0i64; parts.len() + 1];
    let mut shift_lines = vec![0i64; parts.len() + 1];
    for (e, &k) in edits.iter().zip(&part_of) {
        *shift_bytes.get_mut(k + 1)? += i64::try_from(e.content.len()).ok()? - i64::try_from(e.end - e.start).ok()?;
        *shift_lines.get_mut(k + 1)? += newlines(&e.content) - newlines(text.get(e.start..e.end)?);
    }
    for k in 1..shift_bytes.len() {
        let (b, l) = (*shift_bytes.get(k - 1)?, *shift_lines.get(k - 1)?);
        *shift_bytes.get_mut(k)? += b;
        *shift_lines.get_mut(k)? += l;
    }
    let new_text = fixed.content.as_str();
    let new_start = |k: usize| -> Option<usize> {
        match parts.get(k) {
            Some(p) => usize::try_from(i64::try_from(p.start).ok()? + shift_bytes.get(k)?).ok(),
            None => Some(new_text.len()),
        }
    };
    let mut documents: Vec<Document> = Vec::with_capacity(old.documents.len() + 1);
    let mut carried = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let Some(d) = part.doc else { continue };
        let doc = old.documents.get(d)?;
        let lines = *shift_lines.get(k)?;
        if !part.edited {
            let mut root = doc.root.clone();
            if lines != 0 {
                shift(&mut root, lines);
            }
            carried.push(documents.len());
            documents.push(Document { file: doc.file.clone(), index: doc.index, root, source: doc.source.clone() });
            continue;
        }
        if doc.source.is_some() {
            return None;
        }
        let chunk = new_text.get(new_start(k)?..new_start(k + 1)?)?;
        if super::apply::has_aliases(chunk) {
            return None;
        }
        let stream = crate::syntax::parse_yaml(chunk, &options.limits);
        // Only the last part may hold more than its document (the documents a fix added).
        if stream.error.is_some() || stream.documents.is_empty() || (stream.documents.len() > 1 && k + 1 != parts.len())
        {
            return None;
        }
        let first_line = i64::from(part.line) + lines - 1;
        for raw in stream.documents {
            let (Some(mut root), None) = (raw.root, raw.source) else { return None };
            shift(&mut root, first_line);
            documents.push(Document { file: doc.file.clone(), index: doc.index + raw.index, root, source: None });
        }
    }
    let source = crate::source::from_documents(fixed, documents, options)?;
    Some((source, carried))
}

/// Moves a tree by `lines` lines.
fn shift(node: &mut Node, lines: i64) {
    let moved = |line: u32| u32::try_from(i64::from(line) + lines).unwrap_or(line);
    node.pos.line = moved(node.pos.line);
    node.end.line = moved(node.end.line);
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| shift(n, lines)),
        Value::Map(entries) => {
            for e in entries.iter_mut() {
                e.key_pos.line = moved(e.key_pos.line);
                shift(&mut e.value, lines);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with `edits` applied, read document by document: the documents carried over, and
    /// whether the result is what reading the fixed text whole gives.
    fn check(text: &str, edits: &[ByteEdit]) -> Option<Vec<usize>> {
        let options = ParseOptions::default();
        let old = crate::source::parse(&SourceFile::new("a.yaml", text), &options);
        let fixed = SourceFile::new("a.yaml", super::super::text::apply(text, edits).unwrap());
        let whole = crate::source::parse(&fixed, &options);
        let ctx = FileCtx::new(text, &old, &[])?;
        let (source, carried) = by_documents(&old, &ctx, &fixed, edits, &options)?;
        assert_eq!(source.documents, whole.documents, "{text:?} {edits:?}");
        assert_eq!((source.tree_bytes, source.bytes, &source.scope), (whole.tree_bytes, whole.bytes, &whole.scope));
        assert!(whole.errors.is_empty() && source.errors.is_empty());
        Some(carried)
    }

    const THREE: &str = "# header\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n    - name: c\n      image: x\n--- # third\n\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n";

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap()
    }

    #[test]
    fn the_documents_no_edit_touches_are_carried_over_and_moved() {
        // Lines added to the second document: the third moves down two lines.
        let e = ByteEdit::insert(at(THREE, "--- # third"), "      securityContext:\n        runAsNonRoot: true\n");
        assert_eq!(check(THREE, &[e]), Some(vec![0, 2]));
        // A value replaced in place, a line removed.
        let r = ByteEdit::replace(at(THREE, "image: x") + 7, at(THREE, "image: x") + 8, "y@sha256:1");
        let gone = ByteEdit::replace(at(THREE, "metadata: {name: s}"), THREE.len(), "");
        assert_eq!(check(THREE, std::slice::from_ref(&r)), Some(vec![0, 2]));
        assert_eq!(check(THREE, &[r, gone]), Some(vec![0]));
        // The first document (before any marker), and a document added at the end.
        let first = ByteEdit::insert(at(THREE, "---\napiVersion"), "  namespace: shop\n");
        let added = ByteEdit::insert(THREE.len(), "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n");
        assert_eq!(check(THREE, &[first, added]), Some(vec![1]));
    }

    #[test]
    fn what_the_parts_do_not_handle_is_read_whole() {
        let inside = at(THREE, "image: x") + 7;
        let e = ByteEdit::replace(inside, inside + 1, "y");
        // One document; directives; a document end marker; anchors; a byte-order mark; JSON.
        for text in [
            "a: 1\nb: x\n",
            &format!("%YAML 1.2\n---\n{}", THREE),
            &THREE.replace("--- # third", "...\n---"),
            &THREE.replace("name: a", "name: &n a"),
            &format!("{}{THREE}", '\u{feff}'),
        ] {
            let at = text.find("image: x").map_or(3, |i| i + 7);
            assert_eq!(check(text, &[ByteEdit::replace(at, at + 1, "y")]), None, "{text:?}");
        }
        // An edit across a marker, on a marker, or leaving the next marker inside a line.
        let marker = at(THREE, "---\napiVersion");
        for bad in [
            ByteEdit::replace(marker - 2, marker + 4, "x\n---\n"),
            ByteEdit::replace(marker, marker + 3, "---"),
            ByteEdit::insert(marker + 3, " #"),
            ByteEdit::insert(marker, "  x: 1"),
        ] {
            assert_eq!(check(THREE, std::slice::from_ref(&bad)), None, "{bad:?}");
        }
        // An edit that adds a marker in the middle: the document splits, read whole.
        assert_eq!(check(THREE, &[ByteEdit::insert(marker + 4, "kind: A\n---\n")]), None);
        assert_eq!(check(THREE, &[e]), Some(vec![0, 2]));
    }

    /// Every fix of a multi-document file, one at a time and all together: each read document by
    /// document is what reading it whole gives.
    #[test]
    fn the_fixes_of_a_multi_document_file_read_as_a_whole_reading() {
        let text = format!(
            "{THREE}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: nginx\n          ports:\n            - containerPort: 80\n              hostPort: 80\n          securityContext:\n            privileged: true\n            capabilities:\n              drop: [all]\n"
        );
        let checker = crate::Checker::new(&crate::Config::default(), Some("2026-11-22T00:00:00Z")).unwrap();
        let files = [SourceFile::new("a.yaml", text.as_str())];
        let sources: Vec<Source> = files.iter().map(|f| crate::source::parse(f, checker.parse_options())).collect();
        let mut report = checker.check_sources(&sources);
        super::super::resolve(&mut report, &files, &sources);
        let src = super::super::text::SourceText::new(&text).unwrap();
        let mut all: Vec<ByteEdit> = Vec::new();
        let (mut tried, mut by_parts) = (0, 0);
        for f in &report.findings {
            let Some(fix) = &f.fix else { continue };
            let edits: Vec<ByteEdit> = fix.edits.iter().filter_map(|e| src.byte_edit(e)).collect();
            if edits.is_empty() {
                continue;
            }
            tried += 1;
            let mut sorted = edits.clone();
            sorted.sort();
            by_parts += usize::from(check(&text, &sorted).is_some());
            if sorted.iter().all(|m| all.iter().all(|e| !super::super::text::overlapping(e, m))) {
                all.extend(sorted);
            }
        }
        assert!(tried >= 8 && by_parts == tried, "{by_parts} of {tried} fixes read by parts");
        all.sort();
        assert!(check(&text, &all).is_some_and(|c| !c.is_empty()));
        // After an empty last document, a document added at the end is read whole.
        let trailing = format!("{text}---\n# trailing\n");
        let add = ByteEdit::insert(trailing.len(), "---\nkind: Namespace\napiVersion: v1\nmetadata: {name: n}\n");
        assert_eq!(check(&trailing, &[add]), None);
    }
}
