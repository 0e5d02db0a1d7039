//! Baselines: compare a report with an earlier one (its JSON) by fingerprint — findings for
//! `scan`, tickets for `audit` (one comparison, [`compare`], for both). Findings are new,
//! still open, or resolved (in the earlier report, gone now). `scan --write-baseline FILE` writes
//! the JSON report; `scan --baseline FILE` then reports only the new findings, so a repository can
//! adopt kubeharden without fixing everything first and a weekly job opens tickets only for new
//! problems.
//!
//! A fingerprint does not include the file name (a finding survives a file move), so two findings
//! may share one; matching counts them: a fingerprint seen twice before covers two findings now.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::api::{Finding, Report, Severity, REPORT_VERSION};
use crate::report::tickets::Ticket;

/// The largest baseline file read (`scan --baseline`, `audit --baseline`): twice what a report of
/// the most findings a scan keeps takes.
pub const MAX_BASELINE_BYTES: usize = 128 * 1024 * 1024;

/// A baseline of `len` bytes is refused when over `max`, with a message that says why.
///
/// # Errors
/// The message, when `len > max`.
pub fn check_size(len: usize, max: usize) -> Result<(), String> {
    if len <= max {
        return Ok(());
    }
    Err(format!(
        "{len} bytes, larger than the {max} bytes a baseline may have (a report of {} findings, the most a scan keeps, takes about 60 MiB): refused",
        crate::engine::DEFAULT_MAX_FINDINGS
    ))
}

/// What a baseline matches by fingerprint: findings (`scan --baseline`) and tickets (`audit
/// --baseline`, which compares the tickets of two audits).
pub trait Baselined: Clone {
    /// The identity that survives from one run to the next.
    fn fingerprint(&self) -> &str;
    /// One line for the list of resolved ones.
    fn describe(&self) -> String;
}

impl Baselined for Finding {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn describe(&self) -> String {
        line(self)
    }
}

impl Baselined for Ticket {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn describe(&self) -> String {
        format!("{} ({})", self.title, self.fingerprint)
    }
}

/// The result of comparing a report with a baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison<T = Finding> {
    /// In the current report, not in the baseline.
    pub new: Vec<T>,
    /// In both (the current one, with its current location).
    pub open: Vec<T>,
    /// In the baseline, not in the current report.
    pub resolved: Vec<T>,
}

impl<T> Default for Comparison<T> {
    fn default() -> Self {
        Comparison { new: Vec::new(), open: Vec::new(), resolved: Vec::new() }
    }
}

/// Reads the findings of a baseline: a JSON report of kubeharden (version 1).
///
/// # Errors
/// A message when the text is not such a report.
pub fn read(text: &str) -> Result<Vec<Finding>, String> {
    check_size(text.len(), MAX_BASELINE_BYTES)?;
    // The version first (serde skips the rest without keeping it), then the findings, read
    // straight into their type: no intermediate JSON tree, no copy.
    #[derive(Deserialize)]
    struct Version {
        version: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct Findings {
        findings: Option<Vec<Finding>>,
    }
    let v: Version = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(ver) = v.version.as_ref().and_then(serde_json::Value::as_u64) {
        if ver != u64::from(REPORT_VERSION) {
            return Err(format!("report version `{ver}` is not supported (expected {REPORT_VERSION})"));
        }
    }
    let f: Findings = serde_json::from_str(text).map_err(|e| format!("not a kubeharden JSON report: {e}"))?;
    f.findings.ok_or_else(|| "not a kubeharden JSON report: no `findings`".to_owned())
}

fn counts<T: Baselined>(items: &[T]) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for f in items {
        *m.entry(f.fingerprint()).or_insert(0) += 1;
    }
    m
}

/// Compares current findings (or tickets) with the baseline's.
#[must_use]
pub fn compare<T: Baselined>(current: &[T], baseline: &[T]) -> Comparison<T> {
    let mut before = counts(baseline);
    let mut out = Comparison::default();
    for f in current {
        match before.get_mut(f.fingerprint()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                out.open.push(f.clone());
            }
            _ => out.new.push(f.clone()),
        }
    }
    let mut now = counts(current);
    for f in baseline {
        match now.get_mut(f.fingerprint()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.resolved.push(f.clone()),
        }
    }
    out
}

/// The report restricted to `findings` (summary counts recomputed; errors kept).
#[must_use]
pub fn with_findings(report: &Report, findings: Vec<Finding>) -> Report {
    let mut r = report.clone();
    for s in Severity::ALL {
        r.summary.by_severity.insert(s, 0);
    }
    for f in &findings {
        *r.summary.by_severity.entry(f.severity).or_insert(0) += 1;
    }
    r.summary.findings = findings.len();
    r.findings = findings;
    r
}

fn line(f: &Finding) -> String {
    let file = f.file.as_deref().unwrap_or("<input>");
    let at = match f.line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_owned(),
    };
    let line = format!("{at}: {} [{}] {}  {} ({})", f.rule, f.severity, f.name, f.message, f.fingerprint);
    crate::report::escape::escape_control(&line).into_owned()
}

/// `Baseline: 2 new, 5 still open, 1 resolved` and the resolved findings (or tickets).
#[must_use]
pub fn render_text<T: Baselined>(c: &Comparison<T>) -> String {
    let mut out =
        format!("Baseline: {} new, {} still open, {} resolved\n", c.new.len(), c.open.len(), c.resolved.len());
    if !c.resolved.is_empty() {
        out.push_str("Resolved since the baseline:\n");
        for f in &c.resolved {
            let _ = writeln!(out, "  {}", f.describe());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{check_size, read};

    #[test]
    fn baselines_over_the_limit_are_refused() {
        assert!(check_size(10, 10).is_ok());
        let e = check_size(11, 10).unwrap_err();
        assert!(e.starts_with("11 bytes, larger than the 10 bytes"), "{e}");
        assert_eq!(read("{\"version\": 1, \"findings\": []}").unwrap().len(), 0);
        assert!(read("{\"version\": 9, \"findings\": []}").unwrap_err().contains("not supported"));
        assert!(read("{\"nothing\": 1}").unwrap_err().contains("no `findings`"));
    }
}
