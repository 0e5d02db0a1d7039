//! The engine: files in, report out. Pure: no file system, clock, environment, threads or network.
//!
//! [`Checker::analyze`] parses one file and runs the per-object rules on it; it is independent
//! per file, so callers may run it in parallel (the CLI does, with rayon). [`Checker::finish`]
//! runs the cross-resource rules over everything and sorts the report.

use std::collections::{BTreeMap, HashMap};

use crate::api::{CheckRequest, Finding, InputError, Report, Severity, SourceFile, Summary, Tool, REPORT_VERSION};
use crate::config::Config;
use crate::error::{ConfigError, Error};
use crate::image::{Artifacts, ImageRef};
use crate::model::{Document, K8sObject};
use crate::rules::registry::{self, RULES};
use crate::rules::{Context, Input, Rule, Sink};
use crate::syntax::{parse_json, parse_yaml, Limits, SyntaxError};

/// A configured checker. `Sync`: share one across threads.
#[derive(Debug)]
pub struct Checker {
    rules: Vec<&'static dyn Rule>,
    severity: HashMap<&'static str, Severity>,
    annotation_suppressions: bool,
    cx: Context,
    limits: Limits,
    image_files: BTreeMap<String, String>,
}

/// One analysed file: its documents (kept for the cross-resource rules), per-file findings and
/// errors.
#[derive(Debug)]
pub struct FileResult {
    /// File name.
    pub name: String,
    /// Parsed documents.
    pub documents: Vec<Document>,
    /// Findings of per-object rules.
    pub findings: Vec<Finding>,
    /// Input errors.
    pub errors: Vec<InputError>,
    /// Suppressed findings.
    pub suppressed: usize,
    /// Kubernetes objects seen.
    pub objects: usize,
    /// What the file holds besides manifests: a Dockerfile, image metadata, a Trivy report.
    pub artifacts: Artifacts,
}

fn resolve_names(names: &[String], what: &str) -> Result<Vec<&'static dyn Rule>, ConfigError> {
    names
        .iter()
        .map(|n| registry::find(n).ok_or_else(|| ConfigError::new(format!("unknown rule `{n}` in {what}"))))
        .collect()
}

/// Parses an RFC 3339 timestamp (`2026-11-22T10:00:00Z`, `2026-11-22T10:00:00.5+01:00`,
/// `2026-11-22`) into Unix seconds.
#[must_use]
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || it.next().is_some() {
        return None;
    }
    let rest = s.get(10..)?;
    let mut secs = 0i64;
    let mut offset = 0i64;
    if !rest.is_empty() {
        let t = rest.strip_prefix(['T', 't', ' '])?;
        let hh: i64 = t.get(0..2)?.parse().ok()?;
        let mm: i64 = t.get(3..5)?.parse().ok()?;
        let ss: i64 = t.get(6..8)?.parse().ok()?;
        if t.get(2..3)? != ":" || t.get(5..6)? != ":" || hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        secs = hh * 3600 + mm * 60 + ss;
        let mut tz = t.get(8..)?;
        if let Some(frac) = tz.strip_prefix('.') {
            let n = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
            tz = frac.get(n..)?;
        }
        offset = match tz {
            "Z" | "z" | "" => 0,
            _ => {
                let sign = if tz.starts_with('-') {
                    -1
                } else if tz.starts_with('+') {
                    1
                } else {
                    return None;
                };
                let oh: i64 = tz.get(1..3)?.parse().ok()?;
                let om: i64 = tz.get(4..6)?.parse().ok()?;
                sign * (oh * 3600 + om * 60)
            }
        };
    }
    // days from civil (Howard Hinnant)
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + secs - offset)
}

impl Checker {
    /// A checker for a configuration and an optional "now" (RFC 3339).
    ///
    /// # Errors
    /// [`Error::Config`] for unknown rule names or a bad threshold; [`Error::Request`] for a bad
    /// `now`.
    pub fn new(config: &Config, now: Option<&str>) -> Result<Self, Error> {
        config.fail_threshold()?;
        crate::rules::scan::validate_waivers(&config.options)?;
        let enable = resolve_names(&config.enable, "`enable`")?;
        let disable = resolve_names(&config.disable, "`disable`")?;
        let ignore = resolve_names(&config.ignore, "`ignore`")?;
        let select = config.select.as_ref().map(|s| resolve_names(s, "`select`")).transpose()?;
        let same = |a: &&'static dyn Rule, b: &&'static dyn Rule| a.meta().id == b.meta().id;
        let rules: Vec<&'static dyn Rule> = RULES
            .iter()
            .copied()
            .filter(|r| {
                let on = match &select {
                    Some(sel) => sel.iter().any(|s| same(s, r)),
                    None => {
                        (r.meta().enabled_by_default || enable.iter().any(|e| same(e, r)))
                            && !disable.iter().any(|d| same(d, r))
                    }
                };
                on && !ignore.iter().any(|i| same(i, r))
            })
            .collect();
        let mut severity = HashMap::new();
        for (name, sev) in &config.severity {
            let r =
                registry::find(name).ok_or_else(|| ConfigError::new(format!("unknown rule `{name}` in `severity`")))?;
            severity.insert(r.meta().id.0, *sev);
        }
        let now = match now {
            Some(s) => Some(parse_rfc3339(s).ok_or_else(|| Error::Request(format!("`{s}` is not an RFC 3339 time")))?),
            None => None,
        };
        Ok(Checker {
            rules,
            severity,
            annotation_suppressions: config.annotation_suppressions,
            cx: Context { options: config.options.clone(), now },
            limits: Limits::default(),
            image_files: BTreeMap::new(),
        })
    }

    /// Names the image of metadata files that name none (`--image REF=FILE`): reference → file.
    #[must_use]
    pub fn with_image_files(mut self, image_files: BTreeMap<String, String>) -> Self {
        self.image_files = image_files;
        self
    }

    /// The same checker with other input [`Limits`] (nesting depth, alias budgets, input size;
    /// docs/input-handling.md).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The input limits in force.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The rules that will run.
    #[must_use]
    pub fn rules(&self) -> &[&'static dyn Rule] {
        &self.rules
    }

    fn input_error(file: &str, doc: usize, e: &SyntaxError) -> InputError {
        InputError {
            file: file.to_owned(),
            document: Some(doc),
            line: Some(e.line),
            column: Some(e.column),
            message: e.message.clone(),
        }
    }

    /// Parses a file into documents, with the errors met.
    #[must_use]
    pub fn parse(&self, file: &SourceFile) -> (Vec<Document>, Vec<InputError>) {
        if file.content.len() > self.limits.max_input_bytes {
            let message = format!(
                "the file is {} bytes, larger than the limit of {} bytes for one input: refused, split it",
                file.content.len(),
                self.limits.max_input_bytes
            );
            return (
                Vec::new(),
                vec![InputError { file: file.name.clone(), document: None, line: None, column: None, message }],
            );
        }
        let text = file.content.strip_prefix('\u{feff}').unwrap_or(&file.content);
        let mut docs = Vec::new();
        let mut errors = Vec::new();
        let first = text.trim_start().as_bytes().first().copied();
        let looks_json = file.name.ends_with(".json") || matches!(first, Some(b'{' | b'['));
        if looks_json {
            match parse_json(text, &self.limits) {
                Ok(root) => {
                    docs.push(Document { file: file.name.clone(), index: 0, root, source: None });
                    return (docs, errors);
                }
                Err(e) if file.name.ends_with(".json") => {
                    errors.push(Self::input_error(&file.name, 0, &e));
                    return (docs, errors);
                }
                Err(_) => {} // a YAML flow mapping: read it as YAML below
            }
        }
        let stream = parse_yaml(text, &self.limits);
        for d in stream.documents {
            if let Some(root) = d.root {
                docs.push(Document { file: file.name.clone(), index: d.index, root, source: d.source });
            }
        }
        if let Some((i, e)) = stream.error {
            errors.push(Self::input_error(&file.name, i, &e));
        }
        (docs, errors)
    }

    /// Parses one file and runs the per-object and per-pod rules on it.
    #[must_use]
    pub fn analyze(&self, file: &SourceFile) -> FileResult {
        if crate::dockerfile::is_dockerfile_name(&file.name) {
            return self.analyze_dockerfile(file);
        }
        let (documents, mut errors) = self.parse(file);
        let mut sink = Sink::new(&self.severity, self.annotation_suppressions);
        let mut objects = 0;
        for doc in &documents {
            let ex = K8sObject::extract(doc);
            errors.extend(ex.problems.into_iter().map(|(path, message)| problem_error(doc, &path, message)));
            objects += ex.objects.len();
            for obj in &ex.objects {
                for r in &self.rules {
                    r.check_object(obj, &self.cx, &mut sink);
                }
                if let Some(pod) = obj.pod_spec() {
                    for r in &self.rules {
                        r.check_pod(&pod, &self.cx, &mut sink);
                    }
                }
            }
        }
        let artifacts = self.artifacts_of(&file.name, &documents);
        for img in &artifacts.images {
            for r in &self.rules {
                r.check_image(img, &self.cx, &mut sink);
            }
        }
        if let Some(t) = &artifacts.trivy {
            for r in &self.rules {
                r.check_trivy(t, &self.cx, &mut sink);
            }
        }
        let (findings, suppressed) = sink.finish();
        FileResult { name: file.name.clone(), documents, findings, errors, suppressed, objects, artifacts }
    }

    /// Image metadata and Trivy reports among a file's documents, with the references
    /// `--image REF=FILE` gives them.
    fn artifacts_of(&self, name: &str, documents: &[Document]) -> Artifacts {
        let mut artifacts = Artifacts::default();
        for doc in documents {
            let (images, trivy) = crate::image::recognise(name, &doc.root);
            artifacts.images.extend(images.into_iter().map(|mut m| {
                m.document = doc.index;
                m
            }));
            if artifacts.trivy.is_none() {
                artifacts.trivy = trivy.map(|mut t| {
                    t.document = doc.index;
                    t
                });
            }
        }
        let same = |a: &str, b: &str| a.trim_start_matches("./") == b.trim_start_matches("./");
        for (reference, f) in &self.image_files {
            if !same(f, name) {
                continue;
            }
            for img in &mut artifacts.images {
                if let Some(r) = ImageRef::parse(reference) {
                    img.refs.push(r);
                }
                if !img.names.contains(reference) {
                    img.names.insert(0, reference.clone());
                }
            }
        }
        artifacts
    }

    /// Parses a Dockerfile and runs the Dockerfile rules on it.
    fn analyze_dockerfile(&self, file: &SourceFile) -> FileResult {
        let mut sink = Sink::new(&self.severity, self.annotation_suppressions);
        let mut errors = Vec::new();
        let mut artifacts = Artifacts::default();
        match crate::dockerfile::parse_dockerfile(&file.content) {
            Ok(df) => {
                for r in &self.rules {
                    r.check_dockerfile(&file.name, &df, &self.cx, &mut sink);
                }
                artifacts.dockerfile = Some(df);
            }
            Err(e) => errors.push(InputError {
                file: file.name.clone(),
                document: None,
                line: Some(e.line()),
                column: None,
                message: e.message().to_owned(),
            }),
        }
        let (findings, suppressed) = sink.finish();
        FileResult {
            name: file.name.clone(),
            documents: Vec::new(),
            findings,
            errors,
            suppressed,
            objects: 0,
            artifacts,
        }
    }

    /// A file that could not be read at all (I/O error, invalid UTF-8): an input error, never a
    /// silent pass.
    #[must_use]
    pub fn unreadable(name: &str, message: impl Into<String>) -> FileResult {
        FileResult {
            name: name.to_owned(),
            documents: Vec::new(),
            findings: Vec::new(),
            errors: vec![InputError {
                file: name.to_owned(),
                document: None,
                line: None,
                column: None,
                message: message.into(),
            }],
            suppressed: 0,
            objects: 0,
            artifacts: Artifacts::default(),
        }
    }

    /// Runs the cross-resource rules over all analysed files and builds the sorted report.
    #[must_use]
    pub fn finish(&self, files: Vec<FileResult>) -> Report {
        let mut files = files;
        self.finish_in_place(&mut files)
    }

    /// [`Checker::finish`] that leaves the analysed files with the caller, their findings and
    /// errors moved into the report and their documents kept: a program about to exit can skip
    /// freeing the syntax trees (`std::mem::forget`), a twentieth of a scan's instructions.
    #[must_use]
    pub fn finish_in_place(&self, files: &mut [FileResult]) -> Report {
        let mut sink = Sink::new(&self.severity, self.annotation_suppressions);
        {
            let mut input = Input::new(files.iter().flat_map(|f| f.documents.iter()).collect());
            input.images = files.iter().flat_map(|f| f.artifacts.images.iter()).collect();
            for r in &self.rules {
                r.check_input(&input, &self.cx, &mut sink);
            }
        }
        let (cross, cross_suppressed) = sink.finish();
        let mut summary = Summary { files: files.len(), ..Summary::default() };
        // Sized once: growing by doubling would hold up to twice the findings at the peak.
        let mut findings = Vec::with_capacity(files.iter().map(|f| f.findings.len()).sum::<usize>() + cross.len());
        let mut errors = Vec::new();
        let mut suppressed = cross_suppressed;
        for f in files.iter_mut() {
            summary.documents += f.documents.len();
            summary.objects += f.objects;
            suppressed += f.suppressed;
            findings.append(&mut f.findings);
            errors.append(&mut f.errors);
        }
        findings.extend(cross);
        sort_findings(&mut findings);
        for s in Severity::ALL {
            summary.by_severity.insert(s, 0);
        }
        for f in &findings {
            *summary.by_severity.entry(f.severity).or_insert(0) += 1;
        }
        summary.findings = findings.len();
        summary.errors = errors.len();
        summary.suppressed = suppressed;
        Report { version: REPORT_VERSION, tool: Tool::default(), findings, errors, suppressed, summary }
    }
}

/// An input error for a document that cannot be a Kubernetes object (`K8sObject::extract`'s
/// problems), located at `path`.
pub(crate) fn problem_error(doc: &Document, path: &crate::location::FieldPath, message: String) -> InputError {
    let (pos, _) = doc.root.resolve(path);
    InputError {
        file: doc.file.clone(),
        document: Some(doc.index),
        line: Some(pos.line),
        column: Some(pos.column),
        message,
    }
}

/// Sorts findings by (file, document, line, column, rule, message): the report's order.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.document, a.line, a.column, &a.rule, &a.container, &a.message).cmp(&(
            &b.file,
            b.document,
            b.line,
            b.column,
            &b.rule,
            &b.container,
            &b.message,
        ))
    });
}

/// Checks a request: the whole pipeline, single-threaded.
///
/// # Errors
/// [`Error::Config`] or [`Error::Request`] when the request is unusable; problems of input
/// files are reported in [`Report::errors`] instead.
pub fn check(req: &CheckRequest) -> Result<Report, Error> {
    let checker = Checker::new(&req.config, req.now.as_deref())?.with_image_files(req.image_files.clone());
    let files = req.files.iter().map(|f| checker.analyze(f)).collect();
    Ok(checker.finish(files))
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-22T00:00:00Z"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("2026-11-22T01:00:00+01:00"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("2026-11-22T00:00:00.123456789Z"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("2026-11-22"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
