//! Renderings of a Pod Security Standards report ([`crate::pss::PssReport`], `kubeharden pss`):
//! text (one block per pod-bearing object, the violations in Kubernetes' wording) and JSON (the
//! report as it is).

use std::fmt::Write as _;

use crate::pss::PssReport;
use crate::report::escape::escape_control as esc;

/// The report as `kubeharden pss` prints it: input errors, one block per object, a summary line.
#[must_use]
pub fn render_text(report: &PssReport) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let at = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            _ => String::new(),
        };
        let _ = writeln!(out, "{}{at}: error: {}", esc(&e.file), esc(&e.message));
    }
    for r in &report.results {
        let o = &r.object;
        let name = match (&o.namespace, &o.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (None, Some(n)) => n.clone(),
            _ => "(unnamed)".to_owned(),
        };
        let verdict = if r.allowed { "allowed" } else { "denied" };
        let file = esc(&r.file);
        let _ = writeln!(out, "{file} [document {}]: {} `{}`: {verdict}", r.document, esc(&o.kind), esc(&name));
        for v in &r.violations {
            let _ = writeln!(out, "  {file}:{}:{}: {}: {}", v.line, v.column, v.check, esc(&v.message));
        }
    }
    let denied = report.results.iter().filter(|r| !r.allowed).count();
    let _ = writeln!(
        out,
        "{} pod-bearing object(s) at {} {}: {} allowed, {denied} denied",
        report.results.len(),
        report.level,
        report.version,
        report.results.len() - denied
    );
    out
}

/// The report as JSON (`kubeharden pss --format json`), with a final newline.
#[must_use]
pub fn render_json(report: &PssReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}
