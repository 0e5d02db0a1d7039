//! The human report, in the manner of ruff: `file:line:col: ID [severity] name  message`, the source
//! line with a caret under the field, grouped per file, then a summary.

use std::collections::HashMap;
use std::fmt::Write;

use super::escape::escape_control;
use super::SourceLine;
use crate::api::{Report, Severity, SourceFile};

/// ANSI colours, only when asked (the CLI asks when stdout is a terminal).
pub(crate) struct Paint {
    pub(crate) on: bool,
}

impl Paint {
    pub(crate) fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    pub(crate) fn sev(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, s.as_str())
    }
}

/// Renders a report. `sources` gives the file texts for the source excerpts (files not in it are
/// rendered without excerpts). Every text of the input (file and object names, messages, paths,
/// the source line) is printed with its control characters made visible
/// ([`super::escape::escape_control`]), coloured or not; a source line shows no secret value
/// and, when long, only a window around the column ([`super::quote`]).
#[must_use]
pub fn render(report: &Report, sources: &[SourceFile], color: bool) -> String {
    let mut out = String::new();
    let _ = render_to(&mut out, report, sources, color);
    out
}

/// [`render`], written to `out` as it goes (the command line streams it to standard output).
///
/// # Errors
/// The writer's.
pub fn render_to(out: &mut impl Write, report: &Report, sources: &[SourceFile], color: bool) -> std::fmt::Result {
    let p = Paint { on: color };
    let texts: HashMap<&str, &str> = sources.iter().map(|s| (s.name.as_str(), s.content.as_str())).collect();
    let mut lines_cache: HashMap<&str, Vec<&str>> = HashMap::new();
    // Each quoted line is prepared once (its secrets found, its characters indexed), however
    // many findings point into it.
    let mut prepared: HashMap<(&str, u32), SourceLine<'_>> = HashMap::new();
    for e in &report.errors {
        writeln!(out, "{} {}", p.wrap("1;31", "error:"), escape_control(&e.to_string()))?;
    }
    if !report.errors.is_empty() {
        out.write_char('\n')?;
    }
    let mut last_file: Option<&str> = None;
    for f in &report.findings {
        let file = f.file.as_deref().unwrap_or("<input>");
        if last_file.is_some() && last_file != Some(file) {
            out.write_char('\n')?;
        }
        last_file = Some(file);
        let shown_file = escape_control(file);
        let loc = match (f.line, f.column) {
            (Some(l), Some(c)) => format!("{shown_file}:{l}:{c}:"),
            (Some(l), None) => format!("{shown_file}:{l}:"),
            _ => format!("{shown_file}:"),
        };
        writeln!(
            out,
            "{} {} [{}] {}  {}",
            p.wrap("1", &loc),
            p.wrap("1;31", &escape_control(&f.rule)),
            p.sev(f.severity),
            escape_control(&f.name),
            escape_control(&f.message)
        )?;
        let mut context = Vec::new();
        let mut path = f.path.as_deref();
        if let Some(o) = &f.object {
            let ns = o.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default();
            let name = o.name.as_deref().unwrap_or("<unnamed>");
            match dockerfile_stage(&o.kind, name, path) {
                // `Dockerfile stage[1] `build`, USER`: the stage said once, not as the object and
                // again as the path's first step
                Some((stage, rest)) => {
                    let named = if stage == name { String::new() } else { format!(" `{name}`") };
                    context.push(format!("{} {stage}{named}", o.kind));
                    path = Some(rest);
                }
                None => context.push(format!("{} {ns}{name}", o.kind)),
            }
        }
        if let Some(t) = &f.template {
            context.push(format!("template {t}"));
        }
        if let Some(path) = path {
            context.push(path.to_owned());
        }
        if let (Some(line), Some(col), Some(text)) = (f.line, f.column, texts.get(file)) {
            // columns count from after a byte-order mark, as the parser reads the text
            let lines = lines_cache
                .entry(file)
                .or_insert_with(|| text.strip_prefix('\u{feff}').unwrap_or(text).lines().collect());
            let src = match prepared.entry((file, line)) {
                std::collections::hash_map::Entry::Occupied(e) => Some(e.into_mut()),
                std::collections::hash_map::Entry::Vacant(e) => lines
                    .get(line.saturating_sub(1) as usize)
                    .map(|t| e.insert(SourceLine::new(t, report.redactions.masks(file, line, t)))),
            };
            if let Some(q) = src.and_then(|src| super::quote(f, src, col)) {
                let w = line.to_string().len();
                let pad = " ".repeat(w);
                writeln!(out, "{pad} {}", p.wrap("34", "|"))?;
                writeln!(out, "{} {} {}", p.wrap("34", &line.to_string()), p.wrap("34", "|"), q.text)?;
                writeln!(out, "{pad} {} {}{}", p.wrap("34", "|"), q.caret, p.wrap("1;31", "^"))?;
            }
        }
        if !context.is_empty() {
            writeln!(out, "  {}", p.wrap("2", &format!("= {}", escape_control(&context.join(", ")))))?;
        }
        if let Some(help) = &f.help {
            // escaped too: a report read back from JSON (`Report.from_json`) brings its own text
            let _ = writeln!(
                out,
                "  = {} {} — kubeharden explain {}",
                p.wrap("1;36", "help:"),
                escape_control(help),
                escape_control(&f.rule)
            );
        }
    }
    if !report.findings.is_empty() {
        out.write_char('\n')?;
    }
    writeln!(out, "{}", summary_line(report))?;
    if let Some(line) = clusters_line(report) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Which inputs were treated as one cluster, when the scan had more than one, or split the
/// `default` namespace of objects without a namespace by directory (escaped); `None` otherwise.
#[must_use]
pub fn clusters_line(report: &Report) -> Option<String> {
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    let split = |c: &crate::api::Cluster| {
        let n = c.default_namespaces.len();
        if n > 1 {
            format!(", {} `default` namespaces", n)
        } else {
            String::new()
        }
    };
    match report.clusters.as_slice() {
        [] => None,
        [one] if one.default_namespaces.len() <= 1 => None,
        [one] => Some(format!(
            "Objects without a namespace: one `default` namespace per directory ({} directories; `--one-cluster` merges them)",
            one.default_namespaces.len()
        )),
        many => {
            let each: Vec<String> = many
                .iter()
                .map(|c| {
                    let name = c.input.as_deref().map_or_else(|| "<input>".to_owned(), |i| escape_control(i).into_owned());
                    format!("`{name}` ({}{})", plural(c.files, "file"), split(c))
                })
                .collect();
            Some(format!(
                "Clusters: {}; cross-resource rules relate the objects of one cluster only (`--one-cluster` merges them)",
                each.join(", ")
            ))
        }
    }
}

/// The stage of a Dockerfile finding and the rest of its path: `stage[1]` and `USER` of
/// `stage[1].USER`, when the object is that Dockerfile stage.
fn dockerfile_stage<'p>(kind: &str, name: &str, path: Option<&'p str>) -> Option<(&'p str, &'p str)> {
    let path = path?;
    if kind != "Dockerfile" || !path.starts_with("stage[") {
        return None;
    }
    let (stage, rest) = path.split_at(path.find("].")? + 1);
    let rest = rest.strip_prefix('.')?;
    (!name.is_empty() && !rest.is_empty()).then_some((stage, rest))
}

/// What a report checked, for its summary line: `5 objects, 2 Dockerfiles (3 stages), 1 image,
/// 1 Trivy report` (only what there was; `0 objects` when there was nothing).
#[must_use]
pub fn checked(summary: &crate::api::Summary) -> String {
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    let mut parts = Vec::new();
    let others = summary.dockerfiles + summary.images + summary.reports;
    if summary.objects > 0 || others == 0 {
        parts.push(plural(summary.objects, "object"));
    }
    if summary.dockerfiles > 0 {
        parts.push(format!("{} ({})", plural(summary.dockerfiles, "Dockerfile"), plural(summary.stages, "stage")));
    }
    if summary.images > 0 {
        parts.push(plural(summary.images, "image"));
    }
    if summary.reports > 0 {
        parts.push(plural(summary.reports, "Trivy report"));
    }
    parts.join(", ")
}

/// `Found 3 findings (1 critical, 2 high) in 2 files, 1 suppressed, 1 error`.
#[must_use]
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let mut parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = s.by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    let mut line = if s.findings == 0 {
        format!("No findings in {}", plural(s.files, "file"))
    } else {
        format!("Found {} ({}) in {}", plural(s.findings, "finding"), parts.join(", "), plural(s.files, "file"))
    };
    parts.clear();
    let _ = write!(line, ", {} checked", checked(s));
    if s.suppressed > 0 {
        let _ = write!(line, ", {} suppressed", s.suppressed);
    }
    if !report.skipped.is_empty() {
        // files that are none of kubeharden's inputs (named on standard error)
        let _ = write!(line, ", {} skipped", report.skipped.len());
    }
    if s.errors > 0 {
        let _ = write!(line, ", {}", plural(s.errors, "error"));
    }
    line
}
