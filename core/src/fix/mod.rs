//! Fixes: what a rule asks to change ([`Plan`]: set, add or remove at field paths, or a line of a
//! Dockerfile), turned into text edits of the user's own bytes ([`resolve`]), and the loop that
//! applies them until nothing is left to fix ([`fix_sources`], used by `kubeharden fix`, the
//! Python and the WASM `fix()`).
//!
//! The models are ruff's: a fix is data with an applicability (safe or unsafe), made of edits
//! applied all or nothing; a pass applies the fixes that do not overlap, then the file is read
//! and checked again, until nothing changes (with a bound); a file whose fixed text no longer
//! reads as it did (a document lost, a field changed that no fix targeted) is not written.
//! Edits are made in the text, never by rendering the tree again: everything outside an edit
//! stays byte for byte, comments included; new content takes the file's indentation, its block
//! or flow style and its line breaks; JSON stays JSON.
//!
//! - [`Plan`]: what a rule attaches to a finding (`Diagnostic::fix`): cheap, no text needed;
//! - [`resolve`]: the plans of a report's findings become [`crate::api::Fix`] edits;
//! - [`fix_sources`]: the fix loop over files, returning the fixed texts and what was applied;
//! - [`diff::unified`]: a unified diff of a fixed file (`kubeharden fix --diff`, the page).

mod apply;
pub mod diff;
mod dockerfile;
mod reparse;
pub mod text;
mod yaml;

use std::collections::HashMap;
use std::sync::Arc;

pub use apply::{fix_sources, same_documents, FixOutcome, FixedFile, Pipeline, SingleThreaded, MAX_PASSES};
pub use text::apply_edits;

use crate::api::{Applicability, Edit, Finding, Report, SourceFile};
use crate::location::FieldPath;
use crate::source::Source;

/// A value a fix writes: scalars, mappings (keys in order) and lists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NewValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (quoted in the file only when it would not read back as this string).
    Str(String),
    /// A mapping, keys in order.
    Map(Vec<(String, NewValue)>),
    /// A list.
    Seq(Vec<NewValue>),
}

impl NewValue {
    /// A string.
    #[must_use]
    pub fn str(s: impl Into<String>) -> Self {
        NewValue::Str(s.into())
    }

    /// A mapping from `(key, value)` pairs.
    #[must_use]
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, NewValue)>) -> Self {
        NewValue::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl From<bool> for NewValue {
    fn from(b: bool) -> Self {
        NewValue::Bool(b)
    }
}

impl From<i64> for NewValue {
    fn from(i: i64) -> Self {
        NewValue::Int(i)
    }
}

impl From<&str> for NewValue {
    fn from(s: &str) -> Self {
        NewValue::Str(s.to_owned())
    }
}

/// One change a fix makes, by field path from the root of the finding's document (YAML and
/// JSON), or by line (Dockerfiles).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Set the field at `path` to `value`, creating the mappings on the way; a mapping value
    /// is merged key by key into one that exists.
    Set {
        /// The field.
        path: FieldPath,
        /// Its new value.
        value: NewValue,
    },
    /// Append `value` to the list at `path` (created when absent).
    Push {
        /// The list.
        path: FieldPath,
        /// The new item.
        value: NewValue,
    },
    /// Remove the mapping entry or list item at `path`.
    Remove {
        /// The field or item.
        path: FieldPath,
    },
    /// Replace the mapping entry at `path` (its key and value) by `key: value`.
    ReplaceEntry {
        /// The entry.
        path: FieldPath,
        /// The new key.
        key: String,
        /// The new value.
        value: NewValue,
    },
    /// Pin the image reference (a string) at `path` to the digest the input's image metadata
    /// gives it (`skopeo inspect`, `docker inspect`); no fix when the input has none.
    PinImage {
        /// The `image` field.
        path: FieldPath,
    },
    /// Add a document (a Kubernetes object) to the finding's file: a new YAML document at its
    /// end, or an item of a JSON `kind: List`.
    AddDocument {
        /// The object.
        value: NewValue,
    },
    /// Dockerfiles: replace `find` by `replace` on lines `first..=last` (every occurrence, at
    /// least one, outside comment lines).
    ReplaceInLines {
        /// First line.
        first: u32,
        /// Last line.
        last: u32,
        /// The text to find.
        find: String,
        /// What replaces it.
        replace: String,
    },
    /// Dockerfiles: replace `find`, which must be at (`line`, `column`), by `replace`.
    ReplaceAt {
        /// The line.
        line: u32,
        /// The 1-based column where `find` starts.
        column: u32,
        /// The text that must be there.
        find: String,
        /// What replaces it.
        replace: String,
    },
    /// Dockerfiles: append `text` at the end of line `line` (an instruction's last line).
    AppendToLine {
        /// The line.
        line: u32,
        /// The text appended.
        text: String,
    },
    /// Dockerfiles: a new line `text` after line `after`.
    InsertLine {
        /// The line it follows.
        after: u32,
        /// The new line's text.
        text: String,
    },
}

/// What a rule asks to change for one finding: an applicability, a message and the changes
/// ([`Op`]), applied all or nothing. Built in the rule's hot path (paths and values only);
/// [`resolve`] turns it into edits of the text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plan {
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// What the fix does (`set `readOnlyRootFilesystem: true``).
    pub message: String,
    /// The changes.
    pub ops: Vec<Op>,
}

impl Plan {
    /// A fix that cannot change the behaviour of a workload that works today.
    #[must_use]
    pub fn safe(message: impl Into<String>) -> Self {
        Plan { applicability: Applicability::Safe, message: message.into(), ops: Vec::new() }
    }

    /// A fix that may change behaviour, or writes a value the rule cannot know.
    #[must_use]
    pub fn unsafe_fix(message: impl Into<String>) -> Self {
        Plan { applicability: Applicability::Unsafe, message: message.into(), ops: Vec::new() }
    }

    /// Adds [`Op::Set`].
    #[must_use]
    pub fn set(mut self, path: FieldPath, value: impl Into<NewValue>) -> Self {
        self.ops.push(Op::Set { path, value: value.into() });
        self
    }

    /// Adds [`Op::Push`].
    #[must_use]
    pub fn push(mut self, path: FieldPath, value: impl Into<NewValue>) -> Self {
        self.ops.push(Op::Push { path, value: value.into() });
        self
    }

    /// Adds [`Op::Remove`].
    #[must_use]
    pub fn remove(mut self, path: FieldPath) -> Self {
        self.ops.push(Op::Remove { path });
        self
    }

    /// Adds any [`Op`].
    #[must_use]
    pub fn op(mut self, op: Op) -> Self {
        self.ops.push(op);
        self
    }

    /// The fix a finding carries before [`resolve`] gives it edits.
    pub(crate) fn into_fix(self) -> crate::api::Fix {
        crate::api::Fix {
            applicability: self.applicability,
            message: self.message.clone(),
            edits: Vec::new(),
            plan: Some(Arc::new(self)),
        }
    }

    /// The field paths this fix changes (for the check that nothing else changed): a replaced
    /// entry's old and new key, the `items` of a list a document joins.
    pub(crate) fn targets(&self) -> Vec<FieldPath> {
        let mut out = Vec::new();
        for op in &self.ops {
            match op {
                Op::Set { path, .. } | Op::Push { path, .. } | Op::Remove { path } | Op::PinImage { path } => {
                    out.push(path.clone());
                }
                Op::ReplaceEntry { path, key, .. } => {
                    out.push(path.clone());
                    let segs = path.segments();
                    out.push(
                        FieldPath::root()
                            .join_segments(segs.get(..segs.len().saturating_sub(1)).unwrap_or_default())
                            .key_owned(key),
                    );
                }
                Op::AddDocument { .. } => out.push(FieldPath::root().key("items")),
                Op::ReplaceInLines { .. } | Op::ReplaceAt { .. } | Op::AppendToLine { .. } | Op::InsertLine { .. } => {}
            }
        }
        out
    }
}

/// A Kubernetes quantity (`100m`, `128Mi`, `1.5`, `2e3`) in its base unit, for comparing a
/// request with a limit; `None` when the text is not a quantity.
#[must_use]
pub fn quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    if num.is_empty() || num == "." || num.starts_with('-') {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1_048_576.0,
        "Gi" => 1_073_741_824.0,
        "Ti" => 1_099_511_627_776.0,
        "Pi" => 1_125_899_906_842_624.0,
        "Ei" => 1_152_921_504_606_846_976.0,
        s => {
            let e = s.strip_prefix(['e', 'E'])?;
            let exp: i32 = e.parse().ok()?;
            10f64.powi(exp)
        }
    };
    Some(n * factor)
}

/// Gives every finding of `report` whose rule asked for a fix its edits of the input text
/// (`files`, parsed as `sources`: matched by name); a fix whose edits cannot be made (the
/// field is reached through an alias, the file's shape is one the edit builder does not handle,
/// the document was rendered by Helm) is removed. Helm-rendered documents get no edit: their
/// findings say to fix the chart's template.
pub fn resolve(report: &mut Report, files: &[SourceFile], sources: &[Source]) {
    resolve_in(report, files, sources, &mut Resolved::default(), |n, f| (0..n).map(f).collect());
}

/// The edits a plan resolved to in a file, by (file, document): `None` when it has none. Valid
/// while the file's text and parsed form (and the input's image metadata) stay as they were:
/// the fix loop forgets a file's entries when it changes the file.
#[derive(Debug, Default)]
pub(crate) struct Resolved(HashMap<(usize, Option<usize>), HashMap<Arc<Plan>, Resolution>>);

/// A plan's edits, `None` when it has none.
type Resolution = Option<Vec<Edit>>;

impl Resolved {
    fn get(&self, file: usize, document: Option<usize>, plan: &Plan) -> Option<&Resolution> {
        self.0.get(&(file, document))?.get(plan)
    }

    /// Forgets what was resolved in the files `files`.
    pub(crate) fn forget(&mut self, files: &[usize]) {
        let files: std::collections::HashSet<usize> = files.iter().copied().collect();
        self.0.retain(|(i, _), _| !files.contains(i));
    }

    /// Forgets everything.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// The plans of one file to resolve: (file, [(document, plan)]).
type Job = (usize, Vec<(Option<usize>, Arc<Plan>)>);

/// [`resolve`], reusing what `cache` holds and running the files it does not hold through
/// `each` (`each(n, f)` is `f` for `0..n`, in order; the fix loop runs it in parallel).
pub(crate) fn resolve_in<E>(
    report: &mut Report,
    files: &[SourceFile],
    sources: &[Source],
    cache: &mut Resolved,
    each: E,
) where
    E: FnOnce(usize, &(dyn Fn(usize) -> Vec<Resolution> + Sync + Send)) -> Vec<Vec<Resolution>>,
{
    let mut by_file: HashMap<&str, usize> = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        by_file.entry(s.name.as_str()).or_insert(i);
    }
    let mut texts: HashMap<&str, &SourceFile> = HashMap::new();
    for f in files {
        texts.entry(f.name.as_str()).or_insert(f);
    }
    // The findings to resolve (finding, file), and the plans the cache does not hold.
    let mut todo: Vec<(usize, usize)> = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut job_of: HashMap<usize, usize> = HashMap::new();
    let mut queued: std::collections::HashSet<(usize, Option<usize>, Arc<Plan>)> = std::collections::HashSet::new();
    for (j, f) in report.findings.iter_mut().enumerate() {
        if f.fix.as_ref().is_none_or(|x| x.plan.is_none()) {
            continue;
        }
        let Some(i) = f.file.as_deref().and_then(|n| by_file.get(n).copied()) else {
            f.fix = None;
            continue;
        };
        if rendered_by_helm(f) {
            continue;
        }
        let Some(plan) = f.fix.as_ref().and_then(|x| x.plan.clone()) else { continue };
        todo.push((j, i));
        if cache.get(i, f.document, &plan).is_some() {
            continue;
        }
        let p = *job_of.entry(i).or_insert_with(|| {
            jobs.push((i, Vec::new()));
            jobs.len() - 1
        });
        let Some((_, slot)) = jobs.get_mut(p) else { continue };
        // A plan asked for by many findings (one per container of a wide pod) is resolved once:
        // by hash, so that the work stays linear in the findings.
        if queued.insert((i, f.document, Arc::clone(&plan))) {
            slot.push((f.document, plan));
        }
    }
    let images: Vec<&crate::image::ImageMeta> = sources.iter().flat_map(|s| s.images.iter()).collect();
    let run = |w: usize| -> Vec<Resolution> {
        let Some((i, plans)) = jobs.get(w) else { return Vec::new() };
        let ctx = match sources.get(*i) {
            Some(source) if source.errors.is_empty() => {
                texts.get(source.name.as_str()).and_then(|file| apply::FileCtx::new(&file.content, source, &images))
            }
            _ => None,
        };
        plans
            .iter()
            .map(|(document, plan)| {
                let c = ctx.as_ref()?;
                let edits = c.edits_of(plan, *document)?;
                (!edits.is_empty()).then(|| edits.iter().map(|e| c.text.edit(e)).collect())
            })
            .collect()
    };
    let results = each(jobs.len(), &run);
    for ((i, plans), edits) in jobs.into_iter().zip(results) {
        for ((document, plan), e) in plans.into_iter().zip(edits) {
            cache.0.entry((i, document)).or_default().insert(plan, e);
        }
    }
    for (j, i) in todo {
        let Some(f) = report.findings.get_mut(j) else { continue };
        let Some(fix) = &mut f.fix else { continue };
        let Some(plan) = &fix.plan else { continue };
        match cache.get(i, f.document, plan) {
            Some(Some(edits)) => fix.edits.clone_from(edits),
            _ => f.fix = None,
        }
    }
}

/// Whether the finding's document was rendered by Helm: then its fix is removed and its message
/// says to fix the chart's template.
fn rendered_by_helm(f: &mut Finding) -> bool {
    let Some(t) = &f.template else { return false };
    let note = format!("; this document was rendered by Helm from `{t}`: fix the chart's template");
    if !f.message.ends_with(&note) {
        f.message.push_str(&note);
    }
    f.fix = None;
    true
}

/// Resolves the fix of one finding of `text` (parsed as `source`), as [`resolve`] does for a
/// report: for editors, which ask for one finding's fix at a time. Image metadata for a pin comes
/// from `source` only.
pub fn resolve_one(finding: &mut Finding, text: &str, source: &Source) {
    let Some(plan) = finding.fix.as_ref().and_then(|x| x.plan.clone()) else { return };
    if rendered_by_helm(finding) {
        return;
    }
    let images: Vec<&crate::image::ImageMeta> = source.images.iter().collect();
    let ctx = if source.errors.is_empty() { apply::FileCtx::new(text, source, &images) } else { None };
    let edits: Resolution = ctx.and_then(|c| {
        let edits = c.edits_of(&plan, finding.document)?;
        (!edits.is_empty()).then(|| edits.iter().map(|e| c.text.edit(e)).collect())
    });
    match (edits, &mut finding.fix) {
        (Some(edits), Some(fix)) => fix.edits = edits,
        _ => finding.fix = None,
    }
}

/// Fixes the files of a request (the whole pipeline, single-threaded, as [`crate::check`]
/// checks them): the fix loop with safe fixes, or all of them with `unsafe_fixes`. The entry point
/// of the bindings and of editors (a code action is one finding's [`crate::api::Fix`] from
/// [`crate::check`]; "fix all" is this).
///
/// # Errors
/// As [`crate::check`]: an unusable request or configuration; for a strict request, the first
/// input error (the files are then left as they are).
pub fn fix_files(req: &crate::CheckRequest, unsafe_fixes: bool) -> Result<FixOutcome, crate::Error> {
    let checker = crate::Checker::new(&req.config, req.now.as_deref())?
        .with_image_files(req.image_files.clone())
        .with_inputs(req.inputs);
    let outcome = fix_sources(&SingleThreaded(&checker), req.files.clone(), unsafe_fixes);
    crate::engine::strict(req.inputs, outcome, |o| &o.before.errors)
}

/// Fixes one text (`name` says how to read it, as a file name does): the fixed text (the same
/// text when nothing applied, or when it has input errors) and the outcome.
///
/// # Errors
/// As [`fix_files`].
pub fn fix_source(
    name: &str,
    text: &str,
    config: &crate::Config,
    unsafe_fixes: bool,
) -> Result<(String, FixOutcome), crate::Error> {
    let req = crate::CheckRequest {
        files: vec![SourceFile::new(name, text)],
        config: config.clone(),
        ..crate::CheckRequest::default()
    };
    let outcome = fix_files(&req, unsafe_fixes)?;
    let fixed = outcome.files.first().map_or_else(|| text.to_owned(), |f| f.fixed.clone());
    Ok((fixed, outcome))
}

/// Whether a finding's fix may be applied: it has one, and it is safe or unsafe ones are asked for.
#[must_use]
pub fn applicable(f: &Finding, unsafe_fixes: bool) -> bool {
    f.fix.as_ref().is_some_and(|x| x.plan.is_some() && (unsafe_fixes || x.applicability == Applicability::Safe))
}

#[cfg(test)]
mod tests {
    use super::quantity;

    #[test]
    fn quantities() {
        assert_eq!(quantity("100m"), Some(0.1));
        assert_eq!(quantity("1"), Some(1.0));
        assert_eq!(quantity("128Mi"), Some(134_217_728.0));
        assert_eq!(quantity("1e3"), Some(1000.0));
        assert_eq!(quantity("1.5Gi"), Some(1.5 * 1_073_741_824.0));
        assert_eq!(quantity("lots"), None);
        assert_eq!(quantity("-1"), None);
        assert_eq!(quantity("1Qi"), None);
    }
}
