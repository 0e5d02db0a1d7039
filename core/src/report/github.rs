//! GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=...::message`, shown as
//! annotations on the pull request. Critical and high findings are errors, medium warnings, low and
//! info notices.

use std::fmt::Write as _;

use crate::api::{Report, Severity};
use crate::report::sarif::object_name;

/// Escapes a command's message as the Actions runner reads it (`%`, `\r`, `\n` percent-encoded,
/// so no line of the input forges a command), with every other control character made visible
/// (an escape sequence in a name cannot reach the log viewer).
#[must_use]
pub fn escape_data(s: &str) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    crate::report::escape::escape_control(&s).into_owned()
}

/// Escapes a property value: also `:` and `,`, which separate properties.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The command of a severity.
#[must_use]
pub const fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Renders one command per finding and per input error.
#[must_use]
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let mut props = vec![format!("file={}", escape_property(&e.file))];
        if let Some(l) = e.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = e.column {
            props.push(format!("col={c}"));
        }
        props.push("title=kubeharden input error".to_owned());
        let _ = writeln!(out, "::error {}::{}", props.join(","), escape_data(&e.message));
    }
    for f in &report.findings {
        let mut props = Vec::new();
        if let Some(file) = &f.file {
            props.push(format!("file={}", escape_property(file)));
        }
        if let Some(l) = f.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = f.column {
            props.push(format!("col={c}"));
        }
        props.push(format!("title={}", escape_property(&format!("{} {} ({})", f.rule, f.name, f.severity))));
        let mut msg = f.message.clone();
        if let Some(o) = object_name(f) {
            msg.push_str(&format!("\n{o}"));
            if let Some(p) = &f.path {
                msg.push_str(&format!(" {p}"));
            }
        }
        let _ = writeln!(out, "::{} {}::{}", command(f.severity), props.join(","), escape_data(&msg));
    }
    out
}
