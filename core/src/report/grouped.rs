//! `--format grouped`: the findings of a report per file, then per object, then per container,
//! one short line each (`line:column  ID [severity] name  message`), as ruff's grouped output
//! reads: what a workload has to fix, at a glance. Under a container heading, a message's
//! leading "container `x`" is not repeated. User text is escaped ([`escape_control`]).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::escape::escape_control as esc;
use super::text::{clusters_line, summary_line, Paint};
use crate::api::{Finding, Report};

/// One object of a file and its findings: object-level first, then per container.
struct ObjectGroup<'r> {
    heading: String,
    own: Vec<&'r Finding>,
    containers: Vec<(&'r str, Vec<&'r Finding>)>,
}

/// Renders a report grouped by file, object and container, with the text report's errors first
/// and its summary line last.
#[must_use]
pub fn render(report: &Report, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    for e in &report.errors {
        let _ = writeln!(out, "{} {}", p.wrap("1;31", "error:"), esc(&e.to_string()));
    }
    if !report.errors.is_empty() {
        out.push('\n');
    }
    // Files in report order (findings are sorted by file); objects and containers in the order
    // of their first finding.
    let mut files: Vec<(&str, Vec<ObjectGroup<'_>>)> = Vec::new();
    let mut object_index: HashMap<(usize, String), usize> = HashMap::new();
    for f in &report.findings {
        let file = f.file.as_deref().unwrap_or("<input>");
        if files.last().is_none_or(|(name, _)| *name != file) {
            files.push((file, Vec::new()));
        }
        let fi = files.len() - 1;
        let Some((_, objects)) = files.last_mut() else { continue };
        let heading = heading(f);
        let oi = *object_index.entry((fi, heading.clone())).or_insert_with(|| {
            objects.push(ObjectGroup { heading, own: Vec::new(), containers: Vec::new() });
            objects.len() - 1
        });
        let Some(group) = objects.get_mut(oi) else { continue };
        match f.container.as_deref() {
            None => group.own.push(f),
            Some(c) => match group.containers.iter_mut().find(|(name, _)| *name == c) {
                Some((_, list)) => list.push(f),
                None => group.containers.push((c, vec![f])),
            },
        }
    }
    for (file, objects) in &files {
        let _ = writeln!(out, "{}", p.wrap("1", &esc(file)));
        for o in objects {
            let _ = writeln!(out, "  {}", p.wrap("1", &o.heading));
            let width = o.own.iter().chain(o.containers.iter().flat_map(|(_, l)| l.iter())).map(|f| at(f).len()).max();
            let width = width.unwrap_or(0);
            for f in &o.own {
                line(&mut out, &p, "    ", width, f, None);
            }
            for (c, list) in &o.containers {
                let _ = writeln!(out, "    container {}", p.wrap("1", &esc(c)));
                for f in list {
                    line(&mut out, &p, "      ", width, f, Some(c));
                }
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(report));
    if let Some(line) = clusters_line(report) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// `Deployment shop/api`, `Namespace shop`, `Dockerfile stage[0]`, `(no object)`, with the Helm
/// template when there is one; escaped.
fn heading(f: &Finding) -> String {
    let mut h = match &f.object {
        Some(o) => {
            let ns = o.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default();
            format!("{} {ns}{}", o.kind, o.name.as_deref().unwrap_or("<unnamed>"))
        }
        None => "(no object)".to_owned(),
    };
    if let Some(d) = f.document.filter(|_| f.object.is_some()) {
        let _ = write!(h, " (document {d})");
    }
    if let Some(t) = &f.template {
        let _ = write!(h, ", template {t}");
    }
    esc(&h).into_owned()
}

/// `20:11` or `20` or empty.
fn at(f: &Finding) -> String {
    match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{l}:{c}"),
        (Some(l), None) => l.to_string(),
        _ => String::new(),
    }
}

fn line(out: &mut String, p: &Paint, indent: &str, width: usize, f: &Finding, container: Option<&str>) {
    let message = container.map_or(f.message.as_str(), |c| without_container(&f.message, c));
    let _ = writeln!(
        out,
        "{indent}{:<width$}  {} [{}] {}  {}",
        at(f),
        p.wrap("1;31", &f.rule),
        p.sev(f.severity),
        f.name,
        esc(message)
    );
}

/// The message without its leading "container `c` " (or "init container", "ephemeral
/// container"), which the heading already says.
fn without_container<'m>(message: &'m str, container: &str) -> &'m str {
    ["container", "init container", "ephemeral container"]
        .iter()
        .find_map(|noun| message.strip_prefix(&format!("{noun} `{container}` ")))
        .unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::without_container;

    #[test]
    fn container_prefix() {
        assert_eq!(without_container("container `app` runs privileged", "app"), "runs privileged");
        assert_eq!(without_container("init container `i` sets `x`", "i"), "sets `x`");
        assert_eq!(without_container("container `other` runs privileged", "app"), "container `other` runs privileged");
    }
}
