//! Tickets: one Markdown ticket per distinct problem — rule × object × container — with its title,
//! severity, where (file:line, object, field path), why and how to fix (from the rule's docs) and a
//! fingerprint that stays the same from one run to the next, so a weekly job can open a ticket once
//! and find it again.
//!
//! Names from the input are Markdown-escaped ([`markdown_text`], [`markdown_code`]) and their
//! control characters made visible, so a name cannot forge a heading, a link or an image in a
//! ticket, nor take over a terminal that shows one.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::api::{Finding, Report, Severity};
use crate::report::escape::escape_control;
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

/// Text from the input as Markdown text: control characters visible (no line of it can start a
/// heading or a list), and the characters that open links, images, HTML, code, emphasis, tables
/// and entities backslash-escaped (CommonMark renders `\\[` as `[`).
#[must_use]
pub fn markdown_text(s: &str) -> String {
    let s = escape_control(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text from the input as a Markdown code span: control characters visible, fenced by more
/// backticks than it holds in a row (and padded when it starts or ends with one), so it cannot
/// close the span.
#[must_use]
pub fn markdown_code(s: &str) -> String {
    let s = escape_control(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A finding's message as Markdown: its code spans (the values kubeharden quotes in backticks)
/// kept as CommonMark reads them, everything else escaped as [`markdown_text`], so a value that
/// holds a backtick cannot open a link or an image outside its span.
#[must_use]
pub fn markdown_message(message: &str) -> String {
    let s = escape_control(message);
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest: &str = &s;
    while let Some(open) = rest.find('`') {
        out.push_str(&markdown_text(rest.get(..open).unwrap_or_default()));
        let after = rest.get(open..).unwrap_or_default();
        let n = after.len() - after.trim_start_matches('`').len();
        let body = after.get(n..).unwrap_or_default();
        // the closing run: the next run of exactly n backticks
        let mut close = None;
        let mut i = 0;
        while let Some(at) = body.get(i..).and_then(|b| b.find('`')) {
            let start = i + at;
            let run = body.get(start..).unwrap_or_default();
            let m = run.len() - run.trim_start_matches('`').len();
            if m == n {
                close = Some(start);
                break;
            }
            i = start + m;
        }
        match close {
            Some(c) => {
                out.push_str(after.get(..n + c + n).unwrap_or_default());
                rest = body.get(c + n..).unwrap_or_default();
            }
            None => {
                // no closing run: the backticks are text
                for _ in 0..n {
                    out.push_str("\\`");
                }
                rest = body;
            }
        }
    }
    out.push_str(&markdown_text(rest));
    out
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
    Some(format!(
        "{} {}",
        markdown_text(&o.kind),
        markdown_code(&format!("{ns}{}", o.name.as_deref().unwrap_or("<unnamed>")))
    ))
}

fn ticket(group: &[&Finding]) -> Option<Ticket> {
    let first = *group.first()?;
    let meta = registry::find(&first.rule).map(|r| r.meta());
    let severity = group.iter().map(|f| f.severity).max().unwrap_or(first.severity);
    let what = meta.map_or_else(|| first.name.clone(), |m| m.title.to_owned());
    // the title as plain text (control characters visible), and as a Markdown heading
    let mut title = format!("[{severity}] {}", escape_control(&what));
    let mut heading = match meta {
        Some(m) => format!("[{severity}] {}", m.title),
        None => format!("[{severity}] {}", markdown_text(&what)),
    };
    if let Some(o) = &first.object {
        let ns = o.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default();
        let words = format!(" in {} {ns}{}", o.kind, o.name.as_deref().unwrap_or("<unnamed>"));
        title.push_str(&escape_control(&words));
        heading.push_str(&markdown_text(&words));
    } else if let Some(file) = &first.file {
        title.push_str(&escape_control(&format!(" in {file}")));
        heading.push_str(&markdown_text(&format!(" in {file}")));
    }
    if let Some(c) = &first.container {
        title.push_str(&escape_control(&format!(" (container {c})")));
        heading.push_str(&markdown_text(&format!(" (container {c})")));
    }
    let fp = ticket_fingerprint(first);
    let mut md = format!("## {heading}\n\n");
    let _ = writeln!(md, "- **Severity:** {severity}");
    let _ = writeln!(md, "- **Rule:** {} {}", markdown_text(&first.rule), markdown_code(&first.name));
    if let Some(o) = object_words(first) {
        let _ = writeln!(md, "- **Object:** {o}");
    }
    if let Some(c) = &first.container {
        let _ = writeln!(md, "- **Container:** {}", markdown_code(c));
    }
    let _ = writeln!(md, "- **Fingerprint:** `{fp}`");
    md.push_str("\n### Where\n\n");
    for f in group {
        let path = f.path.as_deref().map(|p| format!(" {}", markdown_code(p))).unwrap_or_default();
        let _ = writeln!(
            md,
            "- {}{path}: {} (finding {})",
            markdown_code(&where_of(f)),
            markdown_message(&f.message),
            markdown_code(&f.fingerprint)
        );
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
