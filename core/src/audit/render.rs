//! The audit's outputs: text, JSON, tickets ([`crate::report::tickets`]) and the comparison with
//! an earlier audit ([`crate::report::baseline`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

use super::{input_error, is_image_too_old, AuditFinding, AuditReport, ContainerRef, RegistryImage, AUDIT_VERSION};
use crate::api::{Finding, SourceFile};
use crate::error::Error;
use crate::model::ObjectRef;
use crate::report::baseline::{self, Comparison};
use crate::report::tickets::{self, Ticket};

/// Text from the input with its control characters made visible (`\x1b`, `\n`), so that
/// nothing in a pod's name, an image or a message can drive the reader's terminal: the one
/// escaping of every human-readable report.
fn shown(s: &str) -> Cow<'_, str> {
    crate::report::escape::escape_control(s)
}

fn who(c: &ContainerRef) -> String {
    let kind = if c.container_kind == "container" { String::new() } else { format!(" ({})", c.container_kind) };
    format!("{}  container {}{kind}  [{}]", shown(&c.pod_path()), shown(&c.container), shown(&c.workload))
}

/// The audit as text: a header, the input errors, then the four sections.
#[must_use]
pub fn render_text(r: &AuditReport) -> String {
    let mut out = String::new();
    let mut extra = Vec::new();
    if r.skipped > 0 {
        extra.push(format!("{} other objects skipped", r.skipped));
    }
    if r.suppressed > 0 {
        extra.push(format!("{} findings suppressed by annotations", r.suppressed));
    }
    if !r.errors.is_empty() {
        extra.push(format!("{} input errors", r.errors.len()));
    }
    let extra = if extra.is_empty() { String::new() } else { format!("; {}", extra.join(", ")) };
    let _ = writeln!(
        out,
        "Audit of {} pods ({} containers{extra}){}",
        r.pods,
        r.containers,
        r.now.as_deref().map(|n| format!(", now {}", shown(n))).unwrap_or_default()
    );
    for e in &r.errors {
        let _ = writeln!(out, "error: {}", shown(&e.to_string()));
    }
    let unreachable = r.images_unreachable.map(|n| format!(", {n} not fetched")).unwrap_or_default();
    let _ = writeln!(out, "\n=== Image age ({} images{unreachable}, oldest first) ===", r.image_age.len());
    for i in &r.image_age {
        let age = match (i.age_days, &i.created, &i.registry) {
            (_, _, Some(RegistryImage { error: Some(e), error_kind, .. })) => {
                format!("age unknown (not fetched: {}: {})", shown(error_kind.as_deref().unwrap_or("error")), shown(e))
            }
            (Some(d), Some(c), _) => {
                format!("built {}, {d} days old{}", shown(c), if is_image_too_old(d, r) { " (too old)" } else { "" })
            }
            (None, Some(c), _) => format!("built {}", shown(c)),
            _ => match &i.metadata {
                Some(m) => format!("age unknown (`{}` has no usable creation date)", shown(m)),
                None => "age unknown (no image metadata)".to_owned(),
            },
        };
        let fetched = match &i.registry {
            Some(f @ RegistryImage { error: None, .. }) => format!(
                "\n    fetched by {}{}{}{}",
                shown(f.used.as_deref().unwrap_or("reference")),
                f.digest.as_deref().map(|d| format!(" {}", shown(d))).unwrap_or_default(),
                f.platform.as_deref().map(|p| format!(" ({})", shown(p))).unwrap_or_default(),
                if f.cached { ", from the cache" } else { "" }
            ),
            _ => String::new(),
        };
        let mut pods: Vec<String> =
            i.containers.iter().map(|c| format!("{} ({})", shown(&c.pod_path()), shown(&c.container))).collect();
        let n = pods.len();
        pods.truncate(3);
        let more = if n > 3 { format!(" and {} more", n - 3) } else { String::new() };
        let _ = writeln!(out, "{}  {age}{fetched}\n    used by {}{more}", shown(&i.image), pods.join(", "));
    }
    let _ = writeln!(out, "\n=== Privileged containers ({}) ===", r.privileged.len());
    for c in &r.privileged {
        let _ = writeln!(out, "{}", who(&c.at));
    }
    let _ = writeln!(out, "\n=== Containers running as root ({}) ===", r.running_as_root.len());
    for c in &r.running_as_root {
        let _ = writeln!(out, "{}\n    {}", who(&c.at), shown(&c.reason()));
    }
    let _ = writeln!(out, "\n=== Missing resource limits ({}) ===", r.missing_limits.len());
    for c in &r.missing_limits {
        let _ = writeln!(out, "{}  no {} limit", who(&c.at), c.missing.join(" or "));
    }
    out
}

/// The audit as JSON (version [`AUDIT_VERSION`]).
#[must_use]
pub fn to_json(r: &AuditReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}

/// A finding of a pod as its ticket sees it: about the workload that owns the pod (so the
/// replicas of a workload share one ticket, whose fingerprint survives rollouts), its message
/// naming the pod.
fn of_workload(file: &str, at: &ContainerRef, f: &AuditFinding) -> Finding {
    let (kind, name) = at.workload.split_once('/').unwrap_or(("Pod", at.workload.as_str()));
    let f = f.to_finding(file, at);
    Finding {
        object: Some(ObjectRef {
            api_version: None,
            kind: kind.to_owned(),
            namespace: Some(at.namespace.clone()),
            name: Some(name.to_owned()),
        }),
        message: format!("pod `{}`: {}", at.pod_path(), f.message),
        ..f
    }
}

/// The audit as tickets ([`crate::report::tickets`]): one per rule × workload × container
/// (replicas share one), and one per image metadata older than the maximum.
#[must_use]
pub fn tickets(r: &AuditReport) -> Vec<Ticket> {
    let mut findings: Vec<Finding> = Vec::new();
    for e in r.privileged.iter().chain(&r.running_as_root) {
        findings.extend(e.findings.iter().map(|f| of_workload(&r.file, &e.at, f)));
    }
    for e in &r.missing_limits {
        findings.extend(e.findings.iter().map(|f| of_workload(&r.file, &e.at, f)));
    }
    // Several references in use may match one metadata: its finding once.
    let mut seen = HashSet::new();
    for f in r.image_age.iter().filter_map(|i| i.finding.as_deref()) {
        if seen.insert((&f.file, f.document, f.line, f.column, &f.fingerprint)) {
            findings.push(f.clone());
        }
    }
    tickets::tickets_of(&findings)
}

/// Every ticket of the audit, separated by a horizontal rule.
#[must_use]
pub fn render_tickets(r: &AuditReport) -> String {
    let t = tickets(r);
    if t.is_empty() {
        return "No problems: no tickets.\n".to_owned();
    }
    tickets::join(&t)
}

/// Reads an earlier audit (`audit --format json`).
///
/// # Errors
/// [`Error::Parse`] (file, line, column) when the text is not an audit of this version.
pub fn read_json(file: &SourceFile) -> Result<AuditReport, Error> {
    baseline::check_size(file.content.len(), baseline::MAX_BASELINE_BYTES)
        .map_err(|e| input_error(&file.name, None, None, e))?;
    let r: AuditReport = serde_json::from_str(&file.content).map_err(|e| {
        let at = u32::try_from(e.line()).ok().filter(|&l| l > 0);
        let col = u32::try_from(e.column()).ok().filter(|&c| c > 0);
        input_error(&file.name, at, col, format!("not a kubeharden audit (JSON): {e}"))
    })?;
    if r.version != AUDIT_VERSION {
        return Err(input_error(
            &file.name,
            None,
            None,
            format!(
                "audit version `{}` is not supported (expected {AUDIT_VERSION}): run the audit again with this version to make a new baseline",
                r.version
            ),
        ));
    }
    Ok(r)
}

/// Compares the tickets of `current` with those of `earlier` ([`crate::report::baseline::compare`]).
#[must_use]
pub fn compare(current: &AuditReport, earlier: &AuditReport) -> Comparison<Ticket> {
    baseline::compare(&tickets(current), &tickets(earlier))
}
