//! Tickets: one Markdown ticket per distinct problem — rule × object × container — with its title,
//! severity, where (file:line, object, field path), why and how to fix (from the rule's docs) and a
//! fingerprint that stays the same from one run to the next, so a weekly job can open a ticket once
//! and find it again.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::api::{Finding, Report, Severity};
use crate::rules::{fingerprint, registry, RuleMeta};

/// One ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Stable identity: rule + object + container (16 hex digits).
    pub fingerprint: String,
    /// One line.
    pub title: String,
    /// The highest severity of its findings.
    pub severity: Severity,
    /// The ticket body (Markdown, starting with the title as a heading).
    pub markdown: String,
}

/// The text of a docs section (`What it does`, `Why is this bad?`, `Fix`): everything between its
/// `## ` heading and the next one, trimmed.
#[must_use]
pub fn docs_section(meta: &RuleMeta, name: &str) -> Option<String> {
    let md = meta.docs_markdown();
    let mut lines = md.lines().skip_while(|l| l.trim_end() != format!("## {name}"));
    lines.next()?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
    let text = body.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The identity of a finding's problem: (rule, kind, namespace, name, container).
fn problem_key(f: &Finding) -> [String; 5] {
    let (kind, ns, name) = match &f.object {
        Some(o) => (o.kind.clone(), o.namespace.clone().unwrap_or_default(), o.name.clone().unwrap_or_default()),
        None => (String::new(), String::new(), f.file.clone().unwrap_or_default()),
    };
    [f.rule.clone(), kind, ns, name, f.container.clone().unwrap_or_default()]
}

/// The fingerprint of a finding's ticket (rule × object × container).
#[must_use]
pub fn ticket_fingerprint(f: &Finding) -> String {
    let k = problem_key(f);
    let parts: Vec<&str> = k.iter().map(String::as_str).collect();
    fingerprint(&parts)
}

fn where_of(f: &Finding) -> String {
    let file = f.file.as_deref().unwrap_or("<input>");
    match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file.to_owned(),
    }
}

fn object_words(f: &Finding) -> Option<String> {
    let o = f.object.as_ref()?;
    let ns = o.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default();
    Some(format!("{} `{ns}{}`", o.kind, o.name.as_deref().unwrap_or("<unnamed>")))
}

fn ticket(group: &[&Finding]) -> Option<Ticket> {
    let first = *group.first()?;
    let meta = registry::find(&first.rule).map(|r| r.meta());
    let severity = group.iter().map(|f| f.severity).max().unwrap_or(first.severity);
    let what = meta.map_or_else(|| first.name.clone(), |m| m.title.to_owned());
    let mut title = format!("[{severity}] {what}");
    if let Some(o) = &first.object {
        let ns = o.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default();
        let _ = write!(title, " in {} {ns}{}", o.kind, o.name.as_deref().unwrap_or("<unnamed>"));
    } else if let Some(file) = &first.file {
        let _ = write!(title, " in {file}");
    }
    if let Some(c) = &first.container {
        let _ = write!(title, " (container {c})");
    }
    let fp = ticket_fingerprint(first);
    let mut md = format!("## {title}\n\n");
    let _ = writeln!(md, "- **Severity:** {severity}");
    let _ = writeln!(md, "- **Rule:** {} `{}`", first.rule, first.name);
    if let Some(o) = object_words(first) {
        let _ = writeln!(md, "- **Object:** {o}");
    }
    if let Some(c) = &first.container {
        let _ = writeln!(md, "- **Container:** `{c}`");
    }
    let _ = writeln!(md, "- **Fingerprint:** `{fp}`");
    md.push_str("\n### Where\n\n");
    for f in group {
        let path = f.path.as_deref().map(|p| format!(" `{p}`")).unwrap_or_default();
        let _ = writeln!(md, "- `{}`{path}: {} (finding `{}`)", where_of(f), f.message, f.fingerprint);
    }
    if let Some(m) = meta {
        if let Some(why) = docs_section(m, "Why is this bad?") {
            let _ = write!(md, "\n### Why\n\n{why}\n");
        }
        if let Some(fix) = docs_section(m, "Fix") {
            let _ = write!(md, "\n### How to fix\n\n{fix}\n");
        }
        if !m.references.is_empty() {
            md.push_str("\n### References\n\n");
            for r in m.references {
                let _ = writeln!(md, "- {r}");
            }
        }
    }
    Some(Ticket { fingerprint: fp, title, severity, markdown: md })
}

/// The tickets of a report: most severe first, then in report order.
#[must_use]
pub fn tickets(report: &Report) -> Vec<Ticket> {
    tickets_of(&report.findings)
}

/// The tickets of some findings (one per rule × object × container): most severe first, then in
/// the order of the findings.
#[must_use]
pub fn tickets_of(findings: &[Finding]) -> Vec<Ticket> {
    let mut order: Vec<[String; 5]> = Vec::new();
    let mut groups: HashMap<[String; 5], Vec<&Finding>> = HashMap::new();
    for f in findings {
        let k = problem_key(f);
        let entry = groups.entry(k.clone()).or_default();
        if entry.is_empty() {
            order.push(k);
        }
        entry.push(f);
    }
    let mut out: Vec<Ticket> = order.iter().filter_map(|k| groups.get(k).and_then(|g| ticket(g))).collect();
    out.sort_by_key(|t| std::cmp::Reverse(t.severity));
    out
}

/// Every ticket, separated by a horizontal rule.
#[must_use]
pub fn render(report: &Report) -> String {
    let t = tickets(report);
    if t.is_empty() {
        return "No findings: no tickets.\n".to_owned();
    }
    join(&t)
}

/// Tickets as one Markdown text, separated by a horizontal rule.
#[must_use]
pub fn join(tickets: &[Ticket]) -> String {
    tickets.iter().map(|t| t.markdown.as_str()).collect::<Vec<_>>().join("\n---\n\n")
}
