//! What the server offers on a finding: its docs (hover, `codeDescription`), the suppression
//! annotation the scan honours, and the fixes of a [`FixProvider`].

use kubeharden::model::K8sObject;
use kubeharden::rules::registry;
use kubeharden::syntax::{Node, Value};
use kubeharden::{Finding, Source};

use crate::text::Lines;

/// The rule documentation page of a rule id (`docs/rules.md`, one heading per id), the link of
/// a diagnostic's `codeDescription`.
#[must_use]
pub fn docs_url(rule_id: &str) -> String {
    format!("{}/blob/main/docs/rules.md#{}", env!("CARGO_PKG_REPOSITORY"), rule_id.to_ascii_lowercase())
}

/// The Markdown shown on hover over a rule id or name: id, name, severity, title and docs.
#[must_use]
pub fn rule_hover(name_or_id: &str) -> Option<String> {
    let rule = registry::find(name_or_id)?;
    let m = rule.meta();
    Some(format!(
        "**{}** `{}` ({})\n\n{}\n\n{}\n\n[Rule documentation]({})",
        m.id.0,
        m.name,
        m.severity,
        m.title,
        m.docs_markdown().trim(),
        docs_url(m.id.0)
    ))
}

/// One text edit in byte offsets of the document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte offset where the replaced text starts.
    pub start: usize,
    /// Byte offset where it ends (`start` for an insertion).
    pub end: usize,
    /// The new text.
    pub text: String,
}

/// A fix of a finding: a title for the code action and its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the code action says (`Set runAsNonRoot: true`).
    pub title: String,
    /// The edits, in the text the finding was found in, not overlapping.
    pub edits: Vec<Edit>,
    /// Whether the fix is safe to apply without review ("fix all safe" applies only these).
    pub safe: bool,
}

/// Where quick fixes come from: the core's fix module plugs in here (the server holds no rule
/// logic). Given the document's text, its parse and one of its findings, the fixes of that
/// finding; none when it has none.
pub trait FixProvider: Send + Sync {
    /// The fixes of `finding` in `text` (parsed into `source`).
    fn fixes(&self, text: &str, source: &Source, finding: &Finding) -> Vec<Fix>;
}

/// The core's fixes ([`kubeharden::fix`]): the fix a finding carries, resolved into edits of the
/// document's text, as `kubeharden fix` applies it (safe or unsafe as the rule declares).
#[derive(Debug, Clone, Copy, Default)]
pub struct CoreFixes;

impl FixProvider for CoreFixes {
    fn fixes(&self, text: &str, source: &Source, finding: &Finding) -> Vec<Fix> {
        let mut f = finding.clone();
        kubeharden::fix::resolve_one(&mut f, text, source);
        let Some(fix) = f.fix.filter(|x| !x.edits.is_empty()) else { return Vec::new() };
        let Some(src) = kubeharden::fix::text::SourceText::new(text) else { return Vec::new() };
        let edits: Option<Vec<Edit>> = fix
            .edits
            .iter()
            .map(|e| src.byte_edit(e).map(|b| Edit { start: b.start, end: b.end, text: b.content }))
            .collect();
        let Some(edits) = edits else { return Vec::new() };
        let safe = fix.applicability == kubeharden::api::Applicability::Safe;
        let mut title = fix.message;
        if let Some(first) = title.get(..1) {
            title = first.to_uppercase() + title.get(1..).unwrap_or_default();
        }
        if !safe {
            title.push_str(" (unsafe fix: review it)");
        }
        vec![Fix { title, edits, safe }]
    }
}

/// Whether two edits of one text conflict as the core's fix loop sees it
/// ([`kubeharden::fix::text::overlapping`]: a shared byte, or an insertion where the other starts
/// or ends).
#[must_use]
pub fn conflict(a: &Edit, b: &Edit) -> bool {
    use kubeharden::fix::text::{overlapping, ByteEdit};
    overlapping(&ByteEdit::replace(a.start, a.end, String::new()), &ByteEdit::replace(b.start, b.end, String::new()))
}

/// The annotation key that suppresses `finding` as `scan` honours it: the rule id (the key stays
/// under Kubernetes' 63-character limit), the container's name appended when the finding is a
/// container's.
#[must_use]
pub fn suppression_key(finding: &Finding) -> String {
    match &finding.container {
        Some(c) => format!("kubeharden.io/ignore.{}.{c}", finding.rule),
        None => format!("kubeharden.io/ignore.{}", finding.rule),
    }
}

/// The placeholder reason written with the annotation: an empty reason is ignored by the scan,
/// so the annotation says that a reason is to be written.
pub const REASON_PLACEHOLDER: &str = "TODO: why this finding is accepted";

/// The edit that suppresses `finding` with the annotation [`suppression_key`] in its object's
/// `metadata.annotations` (created when missing), for block-style YAML; `None` where no such
/// edit can be written (JSON, flow mappings, a finding without an object).
#[must_use]
pub fn suppression_edit(text: &str, source: &Source, finding: &Finding) -> Option<Edit> {
    let want = finding.object.as_ref()?;
    let doc = source.documents.iter().find(|d| Some(d.index) == finding.document)?;
    let objects = K8sObject::extract(doc).objects;
    let obj = objects.iter().find(|o| o.kind == want.kind && o.name() == want.name.as_deref())?;
    let metadata = obj.node.entry("metadata")?;
    let key = suppression_key(finding);
    let line = format!("{key}: \"{REASON_PLACEHOLDER}\"\n");
    let starts = Lines::new(text);
    if let Some(ann) = metadata.value.entry("annotations") {
        if block_children(text, &starts, &ann.value, ann.key_pos.line) {
            let first = first_entry(&ann.value)?;
            let at = line_start(&starts, first.0)?;
            return Some(Edit { start: at, end: at, text: format!("{}{line}", " ".repeat(first.1)) });
        }
        return None;
    }
    if !block_children(text, &starts, &metadata.value, metadata.key_pos.line) {
        return None;
    }
    let (first_line, indent) = first_entry(&metadata.value)?;
    let at = line_start(&starts, first_line)?;
    let pad = " ".repeat(indent);
    Some(Edit { start: at, end: at, text: format!("{pad}annotations:\n{pad}  {line}") })
}

/// Whether a mapping's entries are in block style on lines below its key's line.
fn block_children(text: &str, starts: &Lines, node: &Node, key_line: u32) -> bool {
    let Some((line, _)) = first_entry(node) else { return false };
    if line <= key_line {
        return false;
    }
    // A flow mapping starts with `{` at the node's position.
    let at = line_start(starts, node.pos.line).map(|s| s + char_offset(text, s, node.pos.column));
    !matches!(at.and_then(|o| text.get(o..)).and_then(|s| s.chars().next()), Some('{' | '['))
}

/// The 1-based line and 0-based indentation of a mapping's first entry.
fn first_entry(node: &Node) -> Option<(u32, usize)> {
    match &node.value {
        Value::Map(entries) => {
            let e = entries.first()?;
            Some((e.key_pos.line, e.key_pos.column.saturating_sub(1) as usize))
        }
        _ => None,
    }
}

fn line_start(starts: &Lines, line: u32) -> Option<usize> {
    starts.start(line.checked_sub(1)?)
}

fn char_offset(text: &str, line_start: usize, column: u32) -> usize {
    text.get(line_start..)
        .map_or(0, |s| s.char_indices().nth(column.saturating_sub(1) as usize).map_or(s.len(), |(i, _)| i))
}
