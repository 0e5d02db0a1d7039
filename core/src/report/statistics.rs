//! `--statistics`: how many findings each rule gave, highest count first (ruff's
//! `--statistics`), with the severities they were reported at.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::text::summary_line;
use crate::api::{Report, Severity};

/// The findings of one rule in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    /// Rule id.
    pub rule: String,
    /// Rule name.
    pub name: String,
    /// Findings of the rule.
    pub count: usize,
    /// Findings per severity (only the severities present).
    pub by_severity: BTreeMap<Severity, usize>,
}

/// The count of every rule that gave a finding, highest first (ties by id).
#[must_use]
pub fn statistics(report: &Report) -> Vec<RuleCount> {
    let mut by_rule: HashMap<&str, RuleCount> = HashMap::new();
    for f in &report.findings {
        let e = by_rule.entry(f.rule.as_str()).or_insert_with(|| RuleCount {
            rule: f.rule.clone(),
            name: f.name.clone(),
            count: 0,
            by_severity: BTreeMap::new(),
        });
        e.count += 1;
        *e.by_severity.entry(f.severity).or_insert(0) += 1;
    }
    let mut v: Vec<RuleCount> = by_rule.into_values().collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    v
}

/// `  569  POD017  ephemeral-storage-request-missing  low` per rule, then the report's summary
/// line; severities other than one are listed with their counts (`high 3, critical 1`).
#[must_use]
pub fn render_text(report: &Report) -> String {
    let stats = statistics(report);
    let count_w = stats.iter().map(|s| s.count.to_string().len()).max().unwrap_or(1);
    let id_w = stats.iter().map(|s| s.rule.len()).max().unwrap_or(0);
    let name_w = stats.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in &stats {
        let sev = if s.by_severity.len() == 1 {
            s.by_severity.keys().map(|k| k.to_string()).collect::<String>()
        } else {
            s.by_severity.iter().rev().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(out, "{:>count_w$}  {:<id_w$}  {:<name_w$}  {sev}", s.count, s.rule, s.name);
    }
    if !stats.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

/// The statistics as JSON: a list of [`RuleCount`].
#[must_use]
pub fn render_json(report: &Report) -> String {
    serde_json::to_string_pretty(&statistics(report)).unwrap_or_default() + "\n"
}
