//! Baselines: compare a report with an earlier one (its JSON) by fingerprint. Findings are new,
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

/// The result of comparing a report with a baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// In the current report, not in the baseline.
    pub new: Vec<Finding>,
    /// In both (the current finding, with its current location).
    pub open: Vec<Finding>,
    /// In the baseline, not in the current report.
    pub resolved: Vec<Finding>,
}

/// Reads the findings of a baseline: a JSON report of kubeharden (version 1).
///
/// # Errors
/// A message when the text is not such a report.
pub fn read(text: &str) -> Result<Vec<Finding>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(ver) = v.get("version").and_then(serde_json::Value::as_u64) {
        if ver != u64::from(REPORT_VERSION) {
            return Err(format!("report version `{ver}` is not supported (expected {REPORT_VERSION})"));
        }
    }
    let findings = v.get("findings").ok_or("not a kubeharden JSON report: no `findings`")?;
    serde_json::from_value(findings.clone()).map_err(|e| format!("not a kubeharden JSON report: {e}"))
}

fn counts(findings: &[Finding]) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for f in findings {
        *m.entry(f.fingerprint.as_str()).or_insert(0) += 1;
    }
    m
}

/// Compares current findings with the baseline's.
#[must_use]
pub fn compare(current: &[Finding], baseline: &[Finding]) -> Comparison {
    let mut before = counts(baseline);
    let mut out = Comparison::default();
    for f in current {
        match before.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                out.open.push(f.clone());
            }
            _ => out.new.push(f.clone()),
        }
    }
    let mut now = counts(current);
    for f in baseline {
        match now.get_mut(f.fingerprint.as_str()) {
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

/// `Baseline: 2 new, 5 still open, 1 resolved` and the resolved findings.
#[must_use]
pub fn render_text(c: &Comparison) -> String {
    let mut out =
        format!("Baseline: {} new, {} still open, {} resolved\n", c.new.len(), c.open.len(), c.resolved.len());
    if !c.resolved.is_empty() {
        out.push_str("Resolved since the baseline:\n");
        for f in &c.resolved {
            let _ = writeln!(out, "  {}", line(f));
        }
    }
    out
}
