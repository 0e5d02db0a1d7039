//! JUnit XML for CI dashboards: one `<testsuite>` per file, one `<testcase>` per object × rule that
//! has findings (a `<failure>` listing them), a passing `<testcase>` for a file without findings, and
//! an `<error>` test case per input error.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::api::{Finding, InputError, Report};
use crate::report::sarif::object_name;

/// Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Suite<'r> {
    // (object, rule) → findings
    cases: BTreeMap<(String, String), Vec<&'r Finding>>,
    errors: Vec<&'r InputError>,
}

/// Renders the report. `files` names every scanned file, so files without findings get a passing
/// suite (the report itself only names files with findings or errors).
#[must_use]
pub fn render(report: &Report, files: &[&str]) -> String {
    let mut suites: BTreeMap<String, Suite<'_>> = BTreeMap::new();
    for f in files {
        suites.entry((*f).to_owned()).or_default();
    }
    for f in &report.findings {
        let file = f.file.clone().unwrap_or_else(|| "<input>".to_owned());
        let object = object_name(f).unwrap_or_else(|| file.clone());
        suites.entry(file).or_default().cases.entry((object, format!("{} {}", f.rule, f.name))).or_default().push(f);
    }
    for e in &report.errors {
        suites.entry(e.file.clone()).or_default().errors.push(e);
    }
    let total_tests: usize = suites.values().map(|s| s.cases.len().max(1) + s.errors.len()).sum();
    let total_failures: usize = suites.values().map(|s| s.cases.len()).sum();
    let total_errors: usize = suites.values().map(|s| s.errors.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"kubeharden\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"{total_errors}\">"
    );
    for (file, s) in &suites {
        let tests = s.cases.len().max(1) + s.errors.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\">",
            escape(file),
            s.cases.len(),
            s.errors.len()
        );
        if s.cases.is_empty() && s.errors.is_empty() {
            let _ = writeln!(out, "    <testcase classname=\"{}\" name=\"no findings\"/>", escape(file));
        }
        for ((object, rule), findings) in &s.cases {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\">",
                escape(object),
                escape(rule),
                escape(file)
            );
            let first = findings.first().map(|f| f.message.as_str()).unwrap_or_default();
            let sev = findings.iter().map(|f| f.severity).max().map(|s| s.as_str()).unwrap_or_default();
            let mut body = String::new();
            for f in findings {
                let at = match (f.line, f.column) {
                    (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                    (Some(l), None) => format!("{file}:{l}"),
                    _ => file.clone(),
                };
                let _ = writeln!(body, "{at}: [{}] {}", f.severity, f.message);
                if let Some(p) = &f.path {
                    let _ = writeln!(body, "  path: {p}");
                }
                let _ = writeln!(body, "  fingerprint: {}", f.fingerprint);
            }
            let _ = writeln!(
                out,
                "      <failure type=\"{sev}\" message=\"{}\">{}</failure>",
                escape(first),
                escape(&body)
            );
            out.push_str("    </testcase>\n");
        }
        for e in &s.errors {
            let at = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                _ => file.clone(),
            };
            let _ =
                writeln!(out, "    <testcase classname=\"{}\" name=\"input\" file=\"{}\">", escape(file), escape(file));
            let _ = writeln!(
                out,
                "      <error type=\"input-error\" message=\"{}\">{}</error>",
                escape(&e.message),
                escape(&at)
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
