//! Turning plans into edits of one file ([`FileCtx`]), and the fix loop ([`fix_sources`]).

use std::collections::{HashMap, HashSet};

use super::text::{apply, ByteEdit, SourceText};
use super::yaml::{DocEditor, Patch, Style};
use super::{applicable, resolve_in, NewValue, Op, Plan, Resolved};
use crate::api::{Finding, Report, SourceFile, SourceKind};
use crate::engine::{Checker, Findings};
use crate::image::{ImageMeta, ImageRef};
use crate::location::{FieldPath, Segment};
use crate::model::{Document, Inventory};
use crate::source::Source;
use crate::syntax::{Node, Value};

/// One file, ready to have plans turned into edits: its text indexed by line, its parsed form,
/// the image metadata of the whole input (for digests).
pub(crate) struct FileCtx<'a> {
    pub(crate) text: SourceText<'a>,
    source: &'a Source,
    images: &'a [&'a ImageMeta],
    pub(crate) json: bool,
    /// Whether the text has anchors, aliases or merge keys: a field may then be seen from
    /// several places, and no edit is made (a suggestion would be shown instead).
    pub(crate) aliases: bool,
    styles: std::cell::RefCell<HashMap<usize, Style>>,
}

impl<'a> FileCtx<'a> {
    /// `None` for a text whose line breaks the edit builder does not handle (lone `\r`).
    pub(crate) fn new(content: &'a str, source: &'a Source, images: &'a [&'a ImageMeta]) -> Option<Self> {
        let text = SourceText::new(content)?;
        let body = content.trim_start_matches('\u{feff}').trim_start();
        let json = source.kind == SourceKind::Documents && body.starts_with(['{', '[']);
        let aliases = source.kind == SourceKind::Documents && !json && has_aliases(content);
        Some(FileCtx { text, source, images, json, aliases, styles: std::cell::RefCell::new(HashMap::new()) })
    }

    fn document(&self, index: Option<usize>) -> Option<&'a Document> {
        let i = index?;
        self.source.documents.iter().find(|d| d.index == i)
    }

    fn style(&self, doc: &Document) -> Style {
        *self.styles.borrow_mut().entry(doc.index).or_insert_with(|| Style::of(&self.text, &doc.root))
    }

    /// The ops of a plan with image pins turned into the pinned reference; `None` when the
    /// input has no digest for the image.
    fn concrete(&self, root: &Node, ops: &[Op]) -> Option<Vec<Op>> {
        ops.iter()
            .map(|op| match op {
                Op::PinImage { path } => {
                    let image = root.at(path)?.as_str()?;
                    Some(Op::Set { path: path.clone(), value: NewValue::Str(pinned(image, self.images)?) })
                }
                other => Some(other.clone()),
            })
            .collect()
    }

    /// The edits of one plan in document `document` of this file.
    pub(crate) fn edits_of(&self, plan: &Plan, document: Option<usize>) -> Option<Vec<ByteEdit>> {
        if self.source.kind == SourceKind::Dockerfile {
            return super::dockerfile::edits(&self.text, &plan.ops);
        }
        if self.aliases {
            return None;
        }
        let doc = self.document(document)?;
        if doc.source.is_some() {
            return None;
        }
        let mut patch = Patch::default();
        let mut added = Vec::new();
        let ops = self.concrete(&doc.root, &plan.ops)?;
        for op in &ops {
            match op {
                Op::AddDocument { value } => added.push(value.clone()),
                Op::Set { .. } | Op::Push { .. } | Op::Remove { .. } | Op::ReplaceEntry { .. } => {
                    if !patch.accepts(std::slice::from_ref(op)) {
                        return None;
                    }
                    patch.add(std::slice::from_ref(op));
                }
                _ => return None,
            }
        }
        self.edits(doc, &patch, &added)
    }

    /// The edits of a patch of one document and of the documents added to the file.
    fn edits(&self, doc: &Document, patch: &Patch, added: &[NewValue]) -> Option<Vec<ByteEdit>> {
        let mut out = if patch.is_empty() {
            Vec::new()
        } else {
            DocEditor::new(&self.text, self.json, self.style(doc)).edits(&doc.root, patch)?
        };
        for value in added {
            out.extend(self.add_document(value)?);
        }
        Some(out)
    }

    /// A new object at the end of the file: a YAML document, or an item of a JSON list.
    fn add_document(&self, value: &NewValue) -> Option<Vec<ByteEdit>> {
        if self.json {
            let doc = self.source.documents.first()?;
            doc.root.get("items")?.as_seq()?;
            let kind = doc.root.get("kind")?.as_str()?;
            if !kind.ends_with("List") {
                return None;
            }
            let mut patch = Patch::default();
            let op = Op::Push { path: FieldPath::root().key("items"), value: value.clone() };
            patch.add(std::slice::from_ref(&op));
            return DocEditor::new(&self.text, true, self.style(doc)).edits(&doc.root, &patch);
        }
        let nl = self.text.newline();
        let t = self.text.text;
        let mut content = String::new();
        if !t.is_empty() && !t.ends_with('\n') {
            content.push_str(nl);
        }
        content.push_str("---");
        content.push_str(nl);
        let NewValue::Map(kvs) = value else { return None };
        let style = self.source.documents.first().map_or_else(Style::default, |d| self.style(d));
        let editor = DocEditor::new(&self.text, false, style);
        content.push_str(&editor.render_document(kvs));
        Some(vec![ByteEdit::insert(t.len(), content)])
    }

    /// Applies the fixes of `findings` (all in this file) that do not contradict each other:
    /// every document's changes merged into one patch, so one pass adds all the keys a mapping
    /// needs. Returns the new text, the findings whose fixes it holds, and the edits that made it
    /// (sorted by position).
    pub(crate) fn apply_fixes<'f>(&self, findings: &[&'f Finding]) -> Option<Applied<'f>> {
        if self.source.kind == SourceKind::Dockerfile || self.aliases {
            return self.apply_one_by_one(findings);
        }
        let mut patches: Vec<(usize, Patch, Vec<&'f Finding>)> = Vec::new();
        let mut added: Vec<NewValue> = Vec::new();
        let mut used = Vec::new();
        for &f in findings {
            let Some(plan) = f.fix.as_ref().and_then(|x| x.plan.as_deref()) else { continue };
            let Some(doc) = self.document(f.document) else { continue };
            if doc.source.is_some() {
                continue;
            }
            let Some(ops) = self.concrete(&doc.root, &plan.ops) else { continue };
            let (docs_ops, file_ops): (Vec<Op>, Vec<Op>) =
                ops.into_iter().partition(|op| !matches!(op, Op::AddDocument { .. }));
            let slot = match patches.iter().position(|(i, ..)| *i == doc.index) {
                Some(i) => i,
                None => {
                    patches.push((doc.index, Patch::default(), Vec::new()));
                    patches.len() - 1
                }
            };
            let Some((_, patch, fs)) = patches.get_mut(slot) else { continue };
            if !patch.accepts(&docs_ops) {
                continue;
            }
            patch.add(&docs_ops);
            for op in file_ops {
                if let Op::AddDocument { value } = op {
                    if !added.contains(&value) {
                        added.push(value);
                    }
                }
            }
            fs.push(f);
        }
        let mut edits = Vec::new();
        for (index, patch, fs) in &patches {
            let doc = self.document(Some(*index))?;
            if patch.is_empty() {
                used.extend(fs.iter().copied());
                continue;
            }
            match DocEditor::new(&self.text, self.json, self.style(doc)).edits(&doc.root, patch) {
                Some(e) => {
                    edits.extend(e);
                    used.extend(fs.iter().copied());
                }
                // The merged changes could not be placed: this pass applies the fixes one by one.
                None => return self.apply_one_by_one(findings),
            }
        }
        for value in &added {
            match self.add_document(value) {
                Some(e) => edits.extend(e),
                None => return self.apply_one_by_one(findings),
            }
        }
        let (text, edits) = join_and_apply(self.text.text, edits)?;
        Some((text, used, edits))
    }

    /// Applies the fixes one after the other, skipping those whose edits overlap an applied one
    /// (ruff's pass: what is skipped has its turn in the next pass).
    fn apply_one_by_one<'f>(&self, findings: &[&'f Finding]) -> Option<Applied<'f>> {
        let mut edits: Vec<ByteEdit> = Vec::new();
        let mut used = Vec::new();
        for &f in findings {
            let Some(fix) = &f.fix else { continue };
            let mine: Option<Vec<ByteEdit>> = fix.edits.iter().map(|e| self.text.byte_edit(e)).collect();
            let Some(mine) = mine else { continue };
            if mine.iter().any(|m| edits.iter().any(|e| super::text::overlapping(e, m) && e != m)) {
                continue;
            }
            edits.extend(mine);
            used.push(f);
        }
        edits.sort();
        edits.dedup();
        Some((apply(self.text.text, &edits)?, used, edits))
    }
}

/// What [`FileCtx::apply_fixes`] did: the new text, the findings whose fixes it holds, the edits.
pub(crate) type Applied<'f> = (String, Vec<&'f Finding>, Vec<ByteEdit>);

/// Applies edits, joining insertions at one offset (a document added at the end of a file whose
/// last mapping grows too: the mapping's lines first): the new text and the edits applied.
fn join_and_apply(text: &str, mut edits: Vec<ByteEdit>) -> Option<(String, Vec<ByteEdit>)> {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut joined: Vec<ByteEdit> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some(prev) = joined.last_mut() {
            if prev.start == prev.end && e.start == e.end && prev.start == e.start {
                if !prev.content.ends_with(&e.content) {
                    prev.content.push_str(&e.content);
                }
                continue;
            }
        }
        joined.push(e);
    }
    Some((apply(text, &joined)?, joined))
}

/// Whether a YAML text has anchors (`&a`), aliases (`*a`) or merge keys (`<<:`).
pub(crate) fn has_aliases(text: &str) -> bool {
    // Each character looked for with `memchr` (they are rare), then its surroundings.
    if text.match_indices('<').any(|(i, _)| text.get(i..).is_some_and(|rest| rest.starts_with("<<:"))) {
        return true;
    }
    let b = text.as_bytes();
    let mut candidates = text.match_indices('&').chain(text.match_indices('*')).map(|(i, _)| i);
    candidates.any(|i| {
        b.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
            && (i == 0 || matches!(b.get(i - 1), Some(b' ' | b'\t' | b'[' | b'{' | b',' | b'\n')))
            && {
                // the token before: a `:` or `-` (a value or an item), or a flow separator
                let before = text.get(..i).unwrap_or_default().trim_end_matches([' ', '\t']);
                before.is_empty() || before.ends_with([':', '-', '[', '{', ',', '\n'])
            }
    })
}

/// The image reference pinned to the digest the input's image metadata gives it:
/// `nginx:1.25` → `nginx:1.25@sha256:...`. `None` without such metadata, or when it is ambiguous.
pub(crate) fn pinned(image: &str, images: &[&ImageMeta]) -> Option<String> {
    let r = ImageRef::parse(image)?;
    let mut digests: Vec<&str> = images
        .iter()
        .filter(|m| m.matches(&r))
        .flat_map(|m| m.refs.iter())
        .filter(|x| x.repository == r.repository)
        .filter_map(|x| x.digest.as_deref())
        .filter(|d| {
            d.strip_prefix("sha256:").is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect();
    digests.sort_unstable();
    digests.dedup();
    let [digest] = digests.as_slice() else { return None };
    let base = image.trim().split('@').next().unwrap_or(image).trim();
    Some(format!("{base}@{digest}"))
}

/// How the fix loop parses and checks: one thread by default ([`SingleThreaded`]); the
/// command-line program runs files in parallel.
pub trait Pipeline: Sync {
    /// The checker.
    fn checker(&self) -> &Checker;

    /// Parses files through the front door.
    fn parse(&self, files: &[SourceFile]) -> Vec<Source> {
        files.iter().map(|f| crate::source::parse(f, self.checker().parse_options())).collect()
    }

    /// Checks parsed files, all of them. The fix loop's checks run the files through
    /// [`Pipeline::each`] instead, keeping the per-file findings of the files a pass leaves
    /// unchanged; it calls this when the report's findings cap was reached
    /// ([`Checker::with_max_findings`]), where reusing them could change which findings are kept.
    fn check(&self, sources: &[Source]) -> Report {
        self.checker().check_sources(sources)
    }

    /// Runs `f` for `0..n`, in order of the results.
    fn each<T: Send>(&self, n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
        (0..n).map(f).collect()
    }

    /// The files a pass changed, as they now read (index in the input, file), handed over before
    /// the loop checks them again: nothing is done with them by default. A program that writes
    /// the fixed files may start writing these while the loop goes on; a later pass that changes
    /// a file again hands it over again, and the last text handed over is the file's
    /// [`FixedFile::fixed`].
    fn fixed(&self, files: &[(usize, &SourceFile)]) {
        let _ = files;
    }

    /// What the loop is done with (parsed files a pass replaced, the reports and findings of
    /// earlier checks, and at the end the parsed files): dropped. A program about to exit may
    /// leave them to the end of the process instead of freeing them piece by piece.
    fn discard<T>(&self, value: T) {
        drop(value);
    }
}

/// The fix loop on the calling thread.
#[derive(Debug)]
pub struct SingleThreaded<'c>(pub &'c Checker);

impl Pipeline for SingleThreaded<'_> {
    fn checker(&self) -> &Checker {
        self.0
    }
}

/// The per-file findings ([`Checker::check_file`]) of each file as its current text gives them,
/// `None` for a file to check again: a pass runs the per-file hooks again only on the files it
/// changed. Sound because those hooks read one file and the checker's context, nothing else of
/// the input (the objects' cluster and `default`-namespace scope, which the inventory sets from
/// all files, are read by cross-resource hooks only); the cross-resource hooks, which read every
/// file, run on every check ([`Checker::report`]).
type PerFile = Vec<Option<Findings>>;

/// A check of every file as [`Pipeline::check`] makes it, with the per-file findings `per_file`
/// holds reused and those of the other files computed (through [`Pipeline::each`]) and kept in it.
/// The findings cap ([`Checker::with_max_findings`]) counts the reused findings as if they had just
/// been found; a check that reaches the cap keeps nothing for reuse, and one that reused findings
/// is made again from scratch ([`Pipeline::check`]): which findings a capped check keeps depends
/// on the order it met them in.
fn check_reusing(pipe: &impl Pipeline, sources: &[Source], per_file: &mut PerFile) -> Report {
    use std::sync::atomic::Ordering;
    let checker = pipe.checker();
    let parts = pipe.each(sources.len(), |i| sources.get(i).map(Inventory::extract).unwrap_or_default());
    let inventory = Inventory::from_parts(sources, parts);
    let reused: usize = per_file.iter().flatten().map(|f| f.findings.len()).sum();
    let reusing = per_file.iter().any(Option::is_some);
    inventory.findings_kept.fetch_add(reused, Ordering::Relaxed);
    // Every file's findings for the report, and a copy of those just computed to keep.
    let all: Vec<(Findings, Option<Findings>)> = pipe.each(sources.len(), |i| match per_file.get(i) {
        Some(Some(f)) => (f.clone(), None),
        _ => {
            let f = checker.check_file(&inventory, i);
            (f.clone(), Some(f))
        }
    });
    let mut fresh: Vec<(usize, Findings)> = Vec::new();
    let mut findings = Vec::with_capacity(all.len());
    for (i, (f, new)) in all.into_iter().enumerate() {
        findings.push(f);
        if let Some(new) = new {
            fresh.push((i, new));
        }
    }
    let report = checker.report(&inventory, findings);
    let capped = inventory.findings_kept.load(Ordering::Relaxed) > checker.findings_cap(&inventory);
    drop(inventory);
    if capped {
        per_file.clear();
        per_file.resize_with(sources.len(), || None);
        return if reusing { pipe.check(sources) } else { report };
    }
    per_file.resize_with(sources.len(), || None);
    for (i, f) in fresh {
        if let Some(slot) = per_file.get_mut(i) {
            *slot = Some(f);
        }
    }
    report
}

/// A fix tried once in a file: (fingerprint, fix message). Not tried again when the check after
/// it reports it again (a fix that does not fix would loop).
/// The edits are part of it: a finding reported again with other edits (the second of two
/// duplicate list items, after the first was removed) is tried again.
type AttemptKey = (String, String, Vec<crate::api::Edit>);

fn attempt_key(f: &Finding) -> AttemptKey {
    let (message, edits) = f.fix.as_ref().map(|x| (x.message.clone(), x.edits.clone())).unwrap_or_default();
    (f.fingerprint.clone(), message, edits)
}

/// Findings as (file, fingerprint): a fingerprint names an object, which two files may both define.
fn located(f: &Finding) -> (Option<&str>, &str) {
    (f.file.as_deref(), f.fingerprint.as_str())
}

/// What one pass did to one file.
enum Pass {
    /// No fix made a change: the fixes tried, not to be tried again.
    Nothing { i: usize, keys: HashSet<AttemptKey> },
    /// The fixed text, read again, and the findings whose fixes it holds.
    Fixed { i: usize, fixed: SourceFile, parsed: Box<Source>, keys: HashSet<AttemptKey>, used: Vec<Finding> },
    /// The fixed text does not read as the original did: the file keeps its text.
    Reverted { i: usize, why: String },
}

/// The most passes the fix loop makes (ruff's bound): fixes that compete for the same place
/// have their turn in later passes.
pub const MAX_PASSES: usize = 4;

/// One input file after fixing.
#[derive(Clone, Debug)]
pub struct FixedFile {
    /// Its name.
    pub name: String,
    /// The text as given.
    pub original: String,
    /// The text with the fixes applied (the original when none was).
    pub fixed: String,
    /// Why fixes of this file were not applied (the fixed text would not read as the original
    /// did: a document lost, a field changed that no fix targeted), naming the rules.
    pub reverted: Option<String>,
}

impl FixedFile {
    /// Whether the fixed text differs from the original.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.fixed != self.original
    }
}

/// What the fix loop did.
#[derive(Clone, Debug)]
pub struct FixOutcome {
    /// Every input file, in order.
    pub files: Vec<FixedFile>,
    /// The findings whose fixes were applied, as they were reported before (with their fix).
    pub applied: Vec<Finding>,
    /// The check of the fixed texts (the findings that remain, with their fixes).
    pub report: Report,
    /// The check of the texts as given (with their fixes).
    pub before: Report,
    /// How many passes ran.
    pub passes: usize,
}

impl FixOutcome {
    /// The applied findings that the check of the fixed texts no longer reports (by file and
    /// fingerprint).
    #[must_use]
    pub fn fixed(&self) -> Vec<&Finding> {
        let left: HashSet<(Option<&str>, &str)> = self.report.findings.iter().map(located).collect();
        self.applied.iter().filter(|f| !left.contains(&located(f))).collect()
    }

    /// The findings that remain and carry an unsafe fix (`--unsafe-fixes` would apply them).
    #[must_use]
    pub fn unsafe_remaining(&self) -> usize {
        self.report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == crate::api::Applicability::Unsafe))
            .count()
    }
}

/// The fix loop: check, apply the fixes that may be applied (safe ones, or all with
/// `unsafe_fixes`) file by file, read the fixed files again and check everything again, until no
/// fix applies any more or [`MAX_PASSES`] passes ran. A file whose fixed text does not read back
/// as the original plus the fixed fields ([`same_documents`]) keeps its text (`reverted`).
pub fn fix_sources(pipe: &impl Pipeline, files: Vec<SourceFile>, unsafe_fixes: bool) -> FixOutcome {
    let mut files = files;
    // The text as given of each file a pass changed (kept when it first changes).
    let mut originals: Vec<Option<String>> = vec![None; files.len()];
    let mut sources = pipe.parse(&files);
    let mut per_file: PerFile = Vec::new();
    let mut before = check_reusing(pipe, &sources, &mut per_file);
    // What plans resolved to in files the loop has not changed since.
    let mut resolved = Resolved::default();
    resolve_in(&mut before, &files, &sources, &mut resolved, |n, f| pipe.each(n, f));
    // The check after the last pass (none before the first).
    let mut after: Option<Report> = None;
    let mut reverted: Vec<Option<String>> = vec![None; files.len()];
    let mut applied: Vec<Finding> = Vec::new();
    // The fixes tried in each file.
    let mut attempted: Vec<HashSet<AttemptKey>> = vec![HashSet::new(); files.len()];
    let mut passes = 0;
    while passes < MAX_PASSES {
        let report = after.as_ref().unwrap_or(&before);
        let index: HashMap<&str, usize> = files.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
        let mut by_file: HashMap<usize, Vec<&Finding>> = HashMap::new();
        for f in &report.findings {
            if !applicable(f, unsafe_fixes) || f.fix.as_ref().is_none_or(|x| x.edits.is_empty()) {
                continue;
            }
            let Some(&i) = f.file.as_deref().and_then(|n| index.get(n)) else { continue };
            if attempted.get(i).is_some_and(|tried| tried.contains(&attempt_key(f))) {
                continue;
            }
            if reverted.get(i).is_some_and(Option::is_some) {
                continue;
            }
            by_file.entry(i).or_default().push(f);
        }
        if by_file.is_empty() {
            break;
        }
        passes += 1;
        let mut work: Vec<(usize, Vec<&Finding>)> = by_file.into_iter().collect();
        work.sort_by_key(|(i, _)| *i);
        let images: Vec<&ImageMeta> = sources.iter().flat_map(|s| s.images.iter()).collect();
        // The biggest files first, so that threads do not wait at the end for one that started a
        // big file last (a pass takes as long as its slowest thread); the results in file order.
        let mut order: Vec<usize> = (0..work.len()).collect();
        order.sort_by_key(|&w| {
            std::cmp::Reverse(work.get(w).and_then(|(i, _)| files.get(*i)).map_or(0, |f| f.content.len()))
        });
        let done = pipe.each(order.len(), |k| {
            let (i, fs) = work.get(*order.get(k)?)?;
            let keys = |fs: &[&Finding]| -> HashSet<AttemptKey> { fs.iter().map(|f| attempt_key(f)).collect() };
            let (file, source) = (files.get(*i)?, sources.get(*i)?);
            let ctx = FileCtx::new(&file.content, source, &images);
            let done = ctx
                .as_ref()
                .and_then(|ctx| Some((ctx, ctx.apply_fixes(fs)?)))
                .filter(|(_, (text, used, _))| *text != file.content && !used.is_empty());
            // Fixes that make no change now will make none in a later pass either.
            let Some((ctx, (text, used, edits))) = done else {
                return Some(Pass::Nothing { i: *i, keys: keys(fs) });
            };
            let fixed = SourceFile::new(file.name.clone(), text).with_kind(file.kind);
            // The documents no edit touched are carried over, not read again.
            let (parsed, carried) =
                super::reparse::reparse(source, ctx, &fixed, &edits, pipe.checker().parse_options());
            let targets: Vec<FieldPath> =
                used.iter().filter_map(|f| f.fix.as_ref()?.plan.as_deref()).flat_map(super::Plan::targets).collect();
            let target_refs: Vec<&FieldPath> = targets.iter().collect();
            let verdict = compare_documents(source, &parsed, &target_refs, &carried);
            let mut rules: Vec<String> = used.iter().map(|f| f.name.clone()).collect();
            rules.sort();
            rules.dedup();
            let keys = keys(&used);
            let used = used.into_iter().cloned().collect();
            Some(match verdict {
                Ok(()) => Pass::Fixed { i: *i, fixed, parsed: Box::new(parsed), keys, used },
                Err(why) => {
                    Pass::Reverted { i: *i, why: format!("{why}; the fixes of {} were not applied", rules.join(", ")) }
                }
            })
        });
        let mut changed = Vec::new();
        let mut images_changed = false;
        let mut replaced = Vec::new();
        let mut replaced_findings = Vec::new();
        let tried = |attempted: &mut Vec<HashSet<AttemptKey>>, i: usize, keys: HashSet<AttemptKey>| {
            if let Some(set) = attempted.get_mut(i) {
                if set.is_empty() {
                    *set = keys;
                } else {
                    set.extend(keys);
                }
            }
        };
        let mut results: Vec<Option<Pass>> = (0..work.len()).map(|_| None).collect();
        for (w, r) in order.into_iter().zip(done) {
            if let Some(slot) = results.get_mut(w) {
                *slot = r;
            }
        }
        applied.reserve(
            results.iter().flatten().map(|r| if let Pass::Fixed { used, .. } = r { used.len() } else { 0 }).sum(),
        );
        for r in results.into_iter().flatten() {
            match r {
                Pass::Nothing { i, keys } => tried(&mut attempted, i, keys),
                Pass::Fixed { i, fixed, parsed, keys, used } => {
                    tried(&mut attempted, i, keys);
                    if let (Some(f), Some(s)) = (files.get_mut(i), sources.get_mut(i)) {
                        // Image metadata serves every file's digest pins: a change to it
                        // invalidates all that was resolved.
                        images_changed |= !s.images.is_empty() || !parsed.images.is_empty();
                        let old = std::mem::replace(f, fixed);
                        if let Some(slot @ None) = originals.get_mut(i) {
                            *slot = Some(old.content);
                        }
                        replaced.push(std::mem::replace(s, *parsed));
                        if let Some(slot) = per_file.get_mut(i) {
                            replaced_findings.push(slot.take());
                        }
                        applied.extend(used);
                        changed.push(i);
                    }
                }
                Pass::Reverted { i, why } => {
                    if let Some(slot) = reverted.get_mut(i) {
                        *slot = Some(why);
                    }
                }
            }
        }
        pipe.discard((replaced, replaced_findings));
        if changed.is_empty() {
            break;
        }
        let fixed: Vec<(usize, &SourceFile)> = changed.iter().filter_map(|&i| Some((i, files.get(i)?))).collect();
        pipe.fixed(&fixed);
        if images_changed {
            resolved.clear();
        } else {
            resolved.forget(&changed);
        }
        let mut report = check_reusing(pipe, &sources, &mut per_file);
        resolve_in(&mut report, &files, &sources, &mut resolved, |n, f| pipe.each(n, f));
        pipe.discard(after.replace(report));
    }
    pipe.discard((sources, per_file));
    let report = after.unwrap_or_else(|| before.clone());
    // The files no pass changed are their own original.
    let unchanged: Vec<Option<String>> = pipe.each(files.len(), |i| match (originals.get(i), files.get(i)) {
        (Some(None), Some(f)) => Some(f.content.clone()),
        _ => None,
    });
    let files = files
        .into_iter()
        .zip(originals)
        .zip(unchanged)
        .zip(reverted)
        .map(|(((f, original), copy), reverted)| FixedFile {
            name: f.name,
            original: original.or(copy).unwrap_or_default(),
            fixed: f.content,
            reverted,
        })
        .collect();
    FixOutcome { files, applied, report, before, passes }
}

/// Whether `new` reads as `old` with only the fields at `targets` changed (set, added, removed;
/// mappings and lists on the way to them created): the same documents, no new input error, every
/// other value the same. `Err` says what differs.
///
/// # Errors
/// A sentence saying what differs (a document, an input error, the first field).
pub fn same_documents(old: &Source, new: &Source, targets: &[&FieldPath]) -> Result<(), String> {
    compare_documents(old, new, targets, &[])
}

/// [`same_documents`], the documents of `new` at `carried` (sorted) taken as the same as the
/// old ones they were carried over from (they hold the same values).
fn compare_documents(old: &Source, new: &Source, targets: &[&FieldPath], carried: &[usize]) -> Result<(), String> {
    if new.errors.len() > old.errors.len() {
        let e = new.errors.first().map_or_else(String::new, |e| e.to_string());
        return Err(format!("the fixed text does not read: {e}"));
    }
    if new.kind == SourceKind::Dockerfile {
        return match (&old.dockerfile, &new.dockerfile) {
            (Some(_), None) => Err("the fixed Dockerfile does not read".to_owned()),
            _ => Ok(()),
        };
    }
    let mut tree = Targets::default();
    for t in targets {
        tree.add(t.segments());
    }
    let added = new.documents.len().saturating_sub(old.documents.len());
    if new.documents.len() < old.documents.len() {
        return Err("a document of the file was lost".to_owned());
    }
    for (n, (a, b)) in old.documents.iter().zip(&new.documents).enumerate() {
        if carried.binary_search(&n).is_ok() {
            continue;
        }
        if let Err(path) = same_node(&a.root, &b.root, &tree, &mut Vec::new()) {
            return Err(format!("document {} changed at `{path}`, which no fix targets", a.index));
        }
    }
    if added > 0 && new.documents.iter().skip(old.documents.len()).any(|d| d.root.get("kind").is_none()) {
        return Err("an added document is no Kubernetes object".to_owned());
    }
    Ok(())
}

/// A step of a path while comparing trees: borrowed from them (a path is rendered only for the
/// field that differs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The targeted paths as a tree.
#[derive(Debug, Default)]
struct Targets<'a> {
    here: bool,
    children: HashMap<Step<'a>, Targets<'a>>,
}

impl<'a> Targets<'a> {
    fn add(&mut self, segs: &'a [Segment]) {
        match segs.split_first() {
            None => self.here = true,
            Some((s, rest)) => {
                let step = match s {
                    Segment::Key(k) => Step::Key(k.as_ref()),
                    Segment::Index(i) => Step::Index(*i),
                };
                self.children.entry(step).or_default().add(rest);
            }
        }
    }
}

/// A mapping's entries by key (the last of duplicates, as [`Node::entry`] takes it), indexed by
/// hash when it is long: comparing two mappings stays linear in their size.
struct Entries<'a> {
    entries: &'a [crate::syntax::Entry],
    index: Option<HashMap<&'a str, &'a crate::syntax::Entry>>,
}

impl<'a> Entries<'a> {
    fn new(entries: &'a [crate::syntax::Entry]) -> Self {
        let index = (entries.len() > 8).then(|| entries.iter().map(|e| (&*e.key, e)).collect());
        Entries { entries, index }
    }

    fn get(&self, key: &str) -> Option<&'a crate::syntax::Entry> {
        match &self.index {
            Some(m) => m.get(key).copied(),
            None => self.entries.iter().rev().find(|e| e.key == key),
        }
    }
}

fn same_node<'a>(a: &'a Node, b: &'a Node, t: &Targets<'_>, path: &mut Vec<Step<'a>>) -> Result<(), String> {
    if t.here {
        return Ok(());
    }
    let fail = |path: &[Step<'_>]| {
        let field = path.iter().fold(FieldPath::root(), |f, s| match s {
            Step::Key(k) => f.key_owned(k),
            Step::Index(i) => f.index(*i),
        });
        Err(field.render())
    };
    let none = Targets::default();
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            let (xs, ys) = (Entries::new(x), Entries::new(y));
            for e in x.iter() {
                let step = Step::Key(&e.key);
                let sub = t.children.get(&step);
                path.push(step);
                match (ys.get(&e.key), sub) {
                    (Some(f), Some(s)) => same_node(&e.value, &f.value, s, path)?,
                    (Some(f), None) => same_node(&e.value, &f.value, &none, path)?,
                    (None, Some(s)) if s.here => {}
                    (None, _) => return fail(path),
                }
                path.pop();
            }
            for f in y.iter() {
                if xs.get(&f.key).is_none() && !t.children.contains_key(&Step::Key(&f.key)) {
                    path.push(Step::Key(&f.key));
                    return fail(path);
                }
            }
            Ok(())
        }
        (Value::Seq(x), Value::Seq(y)) => {
            let removed_here = |i: usize| t.children.get(&Step::Index(i)).is_some_and(|s| s.here);
            // A targeted item is removed only when the list is shorter (a targeted item of a
            // list as long is set in place).
            let removed: std::collections::HashSet<usize> = if y.len() < x.len() {
                (0..x.len()).filter(|&i| removed_here(i)).collect()
            } else {
                Default::default()
            };
            let kept: Vec<(usize, &Node)> = x.iter().enumerate().filter(|(i, _)| !removed.contains(i)).collect();
            if y.len() < kept.len() || (y.len() != x.len() && removed.is_empty() && t.children.is_empty()) {
                return fail(path);
            }
            // Items are compared pairwise (a removed item shifts the ones after it).
            for ((i, n), m) in kept.into_iter().zip(y.iter()) {
                path.push(Step::Index(i));
                let sub = t.children.get(&Step::Index(i));
                same_node(n, m, sub.unwrap_or(&none), path)?;
                path.pop();
            }
            if y.len() > x.len() && t.children.is_empty() && !t.here {
                return fail(path);
            }
            Ok(())
        }
        (Value::Null, _) if !t.children.is_empty() => Ok(()),
        // Every item removed: the list may be left empty (`add:`).
        (Value::Seq(x), Value::Null)
            if (0..x.len()).all(|i| t.children.get(&Step::Index(i)).is_some_and(|s| s.here)) =>
        {
            Ok(())
        }
        (x, y) if x == y => Ok(()),
        _ => fail(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(name: &str) -> SourceFile {
        SourceFile::new(
            format!("{name}.yaml"),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/{name}:1.0.0\n"
            ),
        )
    }

    /// `has_aliases` as it was written byte by byte, before it looked for the characters first.
    fn has_aliases_bytewise(text: &str) -> bool {
        if text.contains("<<:") {
            return true;
        }
        let b = text.as_bytes();
        b.iter().enumerate().any(|(i, &c)| {
            (c == b'&' || c == b'*')
                && b.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
                && (i == 0 || matches!(b.get(i - 1), Some(b' ' | b'\t' | b'[' | b'{' | b',' | b'\n')))
                && {
                    let before = text.get(..i).unwrap_or_default().trim_end_matches([' ', '\t']);
                    before.is_empty() || before.ends_with([':', '-', '[', '{', ',', '\n'])
                }
        })
    }

    #[test]
    fn aliases_anchors_and_merge_keys() {
        let cases = [
            "a: &x 1\nb: *x\n",
            "a: 1\n",
            "&a\n",
            "*a",
            "- *ref\n",
            "k: [&a 1, *a]\n",
            "k: {x: *a}\n",
            "base:\n  <<: *defaults\n",
            "<<: {a: 1}\n",
            "url: http://x/?a=1&b=2\n",
            "glob: '*.yaml'\n",
            "cmd: a && b\n",
            "cmd: echo *\n",
            "note: x &y\n",
            "k: 'a <b> <<c'\n",
            "k:\t&t 1\n",
            "",
            "&",
            "*",
            "a: &\n",
            "é: &ü 1\n",
        ];
        for c in cases {
            assert_eq!(has_aliases(c), has_aliases_bytewise(c), "{c:?}");
        }
        assert!(has_aliases("a: &x 1\nb: *x\n"));
        assert!(!has_aliases("url: http://x/?a=1&b=2\n"));
    }

    fn read(text: &str) -> Source {
        crate::source::parse(&SourceFile::new("a.yaml", text), &crate::source::ParseOptions::default())
    }

    fn path(p: &str) -> FieldPath {
        let mut f = FieldPath::root();
        for part in p.split('.') {
            f = match part.split_once('[') {
                Some((k, i)) => f.key_owned(k).index(i.trim_end_matches(']').parse().unwrap()),
                None => f.key_owned(part),
            };
        }
        f
    }

    #[test]
    fn the_fixed_documents_differ_only_at_the_targets() {
        let old = read("kind: Pod\nspec:\n  replicas: 1\n  c:\n    - name: a\n      p: 1\n    - name: b\n");
        let same = |new: &str, targets: &[&str]| {
            let t: Vec<FieldPath> = targets.iter().map(|p| path(p)).collect();
            same_documents(&old, &read(new), &t.iter().collect::<Vec<_>>())
        };
        // A key added under a target, a value set at one, an item removed at one.
        assert_eq!(
            same(
                "kind: Pod\nspec:\n  replicas: 1\n  c:\n    - name: a\n      p: 1\n      s: {x: 1}\n    - name: b\n",
                &["spec.c[0].s.x"]
            ),
            Ok(())
        );
        assert_eq!(
            same(
                "kind: Pod\nspec:\n  replicas: 2\n  c:\n    - name: a\n      p: 1\n    - name: b\n",
                &["spec.replicas"]
            ),
            Ok(())
        );
        assert_eq!(same("kind: Pod\nspec:\n  replicas: 1\n  c:\n    - name: b\n", &["spec.c[0]"]), Ok(()));
        assert_eq!(
            same("kind: Pod\nspec:\n  replicas: 1\n  c:\n    - name: a\n    - name: b\n", &["spec.c[0].p"]),
            Ok(())
        );
        // What no target names: a value changed, a key removed or added.
        assert_eq!(
            same("kind: Pod\nspec:\n  replicas: 2\n  c:\n    - name: a\n      p: 1\n    - name: b\n", &["spec.c[0].s"]),
            Err("document 0 changed at `spec.replicas`, which no fix targets".to_owned())
        );
        assert!(same("kind: Pod\nspec:\n  c:\n    - name: a\n      p: 1\n    - name: b\n", &[]).is_err());
        assert_eq!(
            same(
                "kind: Pod\nspec:\n  replicas: 1\n  c:\n    - name: a\n      p: 1\n      q: 1\n    - name: b\n",
                &["spec.c[1].q"]
            ),
            Err("document 0 changed at `spec.c[0].q`, which no fix targets".to_owned())
        );
    }

    /// Long mappings are compared by hash: a ConfigMap of 50,000 keys with one key added at the
    /// end, or one value changed, is compared in linear time (by pairs it took seconds).
    #[test]
    fn long_mappings_compare_in_linear_time() {
        let keys: String = (0..50_000).map(|i| format!("  k{i}: v{i}\n")).collect();
        let old = read(&format!("kind: ConfigMap\ndata:\n{keys}"));
        let added = read(&format!("kind: ConfigMap\ndata:\n{keys}  z: new\n"));
        let t = [path("data.z")];
        assert_eq!(same_documents(&old, &added, &[&t[0]]), Ok(()));
        let changed = read(&format!("kind: ConfigMap\ndata:\n{}", keys.replace("k49999: v49999", "k49999: other")));
        assert_eq!(
            same_documents(&old, &changed, &[&t[0]]),
            Err("document 0 changed at `data.k49999`, which no fix targets".to_owned())
        );
    }

    /// A check that reuses findings and reaches the cap is made again from scratch: reusing the
    /// second file's findings would have counted them first, and cut the first file's instead.
    #[test]
    fn a_capped_check_that_reused_findings_is_made_again() {
        let checker = Checker::new(&crate::Config::default(), Some("2026-11-22T00:00:00Z")).unwrap();
        let files = [deployment("a"), deployment("b")];
        let pipe = SingleThreaded(&checker);
        let sources = pipe.parse(&files);
        let mut per_file = PerFile::new();
        let full = check_reusing(&pipe, &sources, &mut per_file);
        assert!(per_file.iter().all(Option::is_some));
        assert_eq!(full, checker.check_sources(&sources));
        let total: usize = per_file.iter().flatten().map(|f| f.findings.len()).sum();
        let capped =
            Checker::new(&crate::Config::default(), Some("2026-11-22T00:00:00Z")).unwrap().with_max_findings(total - 1);
        let pipe = SingleThreaded(&capped);
        // The first file to check again, the second's findings reused.
        let mut reused = vec![None, per_file.get(1).cloned().flatten()];
        let report = check_reusing(&pipe, &sources, &mut reused);
        assert_eq!(report, capped.check_sources(&sources));
        assert!(report.findings.iter().any(|f| f.file.as_deref() == Some("a.yaml")));
        assert!(report.errors.iter().any(|e| e.file == "b.yaml" && e.message.contains("not kept")));
        assert!(reused.iter().all(Option::is_none), "a capped check keeps nothing for reuse");
    }
}
