//! The engine: parsed files in, report out. Pure: no file system, clock, environment, threads
//! or network.
//!
//! The pipeline: files → [`crate::source::parse`] (the front door, per file) →
//! [`Inventory`] (objects, pod specs and images extracted once, indexed) → the rules:
//! [`Checker::check_file`] runs the per-file hooks (objects, pods, Dockerfiles, images, reports)
//! of one file — independent per file, so a caller may run files in parallel (the CLI does, with
//! rayon) — and [`Checker::report`] runs the cross-resource hooks once over the inventory, merges
//! and sorts. [`check`] runs it all on one thread.

use std::collections::{BTreeMap, HashMap};

use crate::api::{CheckRequest, Finding, InputError, InputPolicy, Report, Severity, Summary, Tool, REPORT_VERSION};
use crate::config::Config;
use crate::error::{ConfigError, Error};
use crate::model::{Inventory, Reads};
use crate::report::redact::{FileSecrets, Redactions};
use crate::rules::registry::{self, RULES};
use crate::rules::{Context, Rule, RuleMeta, Sink};
use crate::source::{ParseOptions, Source};
use crate::syntax::Limits;

/// A configured checker. `Sync`: share one across threads.
#[derive(Debug)]
pub struct Checker {
    rules: Vec<&'static dyn Rule>,
    severity: HashMap<&'static str, Severity>,
    annotation_suppressions: bool,
    cx: Context,
    parse: ParseOptions,
    inputs: InputPolicy,
    /// Set by [`Checker::with_max_findings`]; `None`: [`DEFAULT_MAX_FINDINGS`] or fewer, as the
    /// memory bound allows ([`Inventory::findings_budget`]).
    max_findings: Option<usize>,
}

/// How many findings a report keeps at most by default ([`Checker::with_max_findings`]), fewer
/// when the memory bound of the input leaves less room ([`crate::memory::findings_budget`]: at
/// least 8,192); the report says how many it did not keep, as an input error. The public corpus
/// gives about 7,200.
pub const DEFAULT_MAX_FINDINGS: usize = 100_000;

/// The findings of some rules over part of the input, before the report merges them.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// Findings.
    pub findings: Vec<Finding>,
    /// How many findings suppressions removed.
    pub suppressed: usize,
    /// For findings that make another rule's finding redundant ([`crate::rules::Diagnostic::implies`]):
    /// the index in `findings` and the implied rule.
    pub implies: Vec<(usize, &'static RuleMeta)>,
    /// The secret values of the file (its name, and the values), which the findings' messages
    /// are already free of.
    pub secrets: Option<(String, FileSecrets)>,
    /// Findings reported beyond the report's maximum, not kept.
    pub cut: usize,
}

fn resolve_names(names: &[String], what: &str) -> Result<Vec<&'static dyn Rule>, ConfigError> {
    names
        .iter()
        .map(|n| registry::find(n).ok_or_else(|| ConfigError::new(format!("unknown rule `{n}` in {what}"))))
        .collect()
}

impl Checker {
    /// A checker for a configuration and an optional "now" (RFC 3339).
    ///
    /// # Errors
    /// [`Error::Config`] for unknown rule names, bad waivers, or a selection that leaves no rule to
    /// run (`select: []`); [`Error::Request`] for a bad `now`.
    pub fn new(config: &Config, now: Option<&str>) -> Result<Self, Error> {
        // A configuration read from YAML or JSON was checked while it was read; one built in code
        // is checked here.
        for w in &config.options.vulnerability_waivers {
            w.check()?;
        }
        config.fix.check()?;
        let enable = resolve_names(&config.enable, "`enable`")?;
        let disable = resolve_names(&config.disable, "`disable`")?;
        let ignore = resolve_names(&config.ignore, "`ignore`")?;
        let select = config.select.as_ref().map(|s| resolve_names(s, "`select`")).transpose()?;
        if select.as_ref().is_some_and(Vec::is_empty) {
            return Err(ConfigError::new(
                "`select` is empty: no rule would run; name the rules to run, or remove `select` to run the default ones",
            )
            .into());
        }
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
        if rules.is_empty() {
            // A check that runs no rule passes everything: never a silent pass.
            return Err(ConfigError::new(
                "no rule would run: `enable`, `disable`, `select` and `ignore` leave none; the check would pass anything",
            )
            .into());
        }
        let mut severity = HashMap::new();
        for (name, sev) in &config.severity {
            let r =
                registry::find(name).ok_or_else(|| ConfigError::new(format!("unknown rule `{name}` in `severity`")))?;
            severity.insert(r.meta().id.0, *sev);
        }
        let now = match now {
            Some(s) => Some(
                crate::time::parse_rfc3339(s)
                    .ok_or_else(|| Error::Request(format!("`{s}` is not an RFC 3339 time")))?,
            ),
            None => None,
        };
        let running = rules.iter().map(|r| r.meta().id).collect();
        Ok(Checker {
            rules,
            severity,
            annotation_suppressions: config.annotation_suppressions,
            cx: Context { options: config.options.clone(), fix: config.fix.clone(), now, running },
            parse: ParseOptions { one_cluster: config.one_cluster, ..ParseOptions::default() },
            inputs: InputPolicy::default(),
            max_findings: None,
        })
    }

    /// The same checker keeping at most `max` findings per report, whatever memory they take
    /// (default: [`DEFAULT_MAX_FINDINGS`], or fewer as the memory bound allows); the others are
    /// counted and reported as an input error.
    #[must_use]
    pub fn with_max_findings(mut self, max: usize) -> Self {
        self.max_findings = Some(max);
        self
    }

    /// How many findings a check of `inventory` keeps ([`Checker::with_max_findings`], or the
    /// memory bound's share).
    pub(crate) fn findings_cap(&self, inventory: &Inventory<'_>) -> usize {
        self.max_findings.unwrap_or_else(|| DEFAULT_MAX_FINDINGS.min(inventory.findings_budget))
    }

    /// Names the image of metadata files that name none (`--image REF=FILE`): reference → file.
    #[must_use]
    pub fn with_image_files(mut self, image_files: BTreeMap<String, String>) -> Self {
        self.parse.image_files = image_files;
        self
    }

    /// The same checker with other input [`Limits`] (nesting depth, alias budgets, input size;
    /// docs/input-handling.md).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.parse.limits = limits;
        self
    }

    /// The same checker with an input policy: with `require_content`, every document must be
    /// something `scan` reads ([`Inventory::content_errors`]). (`strict` is the request's:
    /// [`check`].)
    #[must_use]
    pub fn with_inputs(mut self, inputs: InputPolicy) -> Self {
        self.inputs = inputs;
        self
    }

    /// How this checker's files are read: hand it to [`crate::source::parse`].
    #[must_use]
    pub fn parse_options(&self) -> &ParseOptions {
        &self.parse
    }

    /// The rules that will run.
    #[must_use]
    pub fn rules(&self) -> &[&'static dyn Rule] {
        &self.rules
    }

    /// Runs the per-file hooks on file `file` of the inventory (an index into
    /// [`Inventory::sources`]): every object and pod spec, the Dockerfile, image metadata, the
    /// Trivy report.
    #[must_use]
    pub fn check_file(&self, inventory: &Inventory<'_>, file: usize) -> Findings {
        let mut sink = Sink::new(&self.severity, self.annotation_suppressions)
            .with_budget(&inventory.findings_kept, self.findings_cap(inventory));
        for (obj, pod) in inventory.objects_of(file) {
            for r in &self.rules {
                r.check_object(obj, &self.cx, &mut sink);
            }
            if let Some(pod) = pod {
                for r in &self.rules {
                    r.check_pod(pod, &self.cx, &mut sink);
                }
            }
        }
        if let Some(source) = inventory.sources.get(file) {
            if let Some(df) = &source.dockerfile {
                for r in &self.rules {
                    r.check_dockerfile(&source.name, df, &self.cx, &mut sink);
                }
            }
            for img in &source.images {
                for r in &self.rules {
                    r.check_image(img, &self.cx, &mut sink);
                }
            }
            if let Some(t) = &source.trivy {
                for r in &self.rules {
                    r.check_trivy(t, &self.cx, &mut sink);
                }
            }
        }
        let cut = sink.cut();
        let (mut findings, suppressed, implies) = sink.finish_with_implications();
        // What growing by doubling left over (a large block shrinks in place).
        findings.shrink_to_fit();
        // The file's secret values, classified once, whichever rules run: no message carries one.
        let secrets = inventory.sources.get(file).map(|s| {
            let secrets = crate::rules::secret::values::classify(inventory, file, &self.cx.options);
            for f in &mut findings {
                if let std::borrow::Cow::Owned(m) = secrets.scrub(f.document, &f.message) {
                    f.message = m;
                }
            }
            (s.name.clone(), secrets)
        });
        Findings { findings, suppressed, implies, secrets, cut }
    }

    /// Runs the cross-resource hooks over the whole inventory and builds the sorted report from
    /// them and the per-file findings ([`Checker::check_file`] of every file, in any order).
    #[must_use]
    pub fn report(&self, inventory: &Inventory<'_>, mut per_file: Vec<Findings>) -> Report {
        let mut sink = Sink::new(&self.severity, self.annotation_suppressions)
            .with_budget(&inventory.findings_kept, self.findings_cap(inventory));
        for r in &self.rules {
            r.check_inventory(inventory, &self.cx, &mut sink);
        }
        // Findings not kept (`with_max_findings`): how many, and the first file that had some.
        let mut cut = sink.cut();
        let mut cut_file = None;
        let (mut cross, cross_suppressed, cross_implies) = sink.finish_with_implications();
        let mut redactions = Redactions::default();
        let mut summary = Summary {
            files: inventory.sources.len(),
            documents: inventory.sources.iter().map(|s| s.documents.len()).sum(),
            objects: inventory.objects.len(),
            dockerfiles: inventory.sources.iter().filter(|s| s.dockerfile.is_some()).count(),
            stages: inventory.sources.iter().filter_map(|s| s.dockerfile.as_ref()).map(|d| d.stages.len()).sum(),
            images: inventory.sources.iter().map(|s| s.images.len()).sum(),
            reports: inventory.sources.iter().filter(|s| s.trivy.is_some()).count(),
            ..Summary::default()
        };
        // The largest file's findings are the start (moved, not copied); the others join it in
        // place, the vector sized once: a copy, or growing by doubling, would hold up to twice
        // the findings at the peak.
        let total = per_file.iter().map(|f| f.findings.len()).sum::<usize>() + cross.len();
        let largest = (0..per_file.len()).max_by_key(|&i| per_file.get(i).map_or(0, |f| f.findings.len()));
        let mut findings = Vec::new();
        // Which file's findings are at the start (their implications' indices stay as they are).
        let mut first = None;
        if let Some(f) = largest.and_then(|i| per_file.get_mut(i)).filter(|_| total > 0) {
            if f.findings.len() * 2 >= total {
                findings = std::mem::take(&mut f.findings);
                first = largest;
            }
        }
        findings.reserve_exact(total - findings.len());
        let mut suppressed = cross_suppressed;
        let mut implies = Vec::new();
        for (n, mut f) in per_file.into_iter().enumerate() {
            suppressed += f.suppressed;
            let offset = if first == Some(n) { 0 } else { findings.len() };
            implies.extend(f.implies.into_iter().map(|(i, m)| (offset + i, m)));
            if f.cut > 0 {
                cut += f.cut;
                cut_file = cut_file.or_else(|| f.secrets.as_ref().map(|(name, _)| name.clone()));
            }
            findings.append(&mut f.findings);
            if let Some((file, secrets)) = f.secrets.take() {
                redactions.add(&file, secrets);
            }
        }
        let offset = findings.len();
        implies.extend(cross_implies.into_iter().map(|(i, m)| (offset + i, m)));
        scrub(&redactions, &mut cross);
        findings.extend(cross);
        drop_implied(&mut findings, &implies);
        sort_findings(&mut findings);
        unique_fingerprints(&mut findings);
        let mut errors: Vec<_> = inventory.input_errors().cloned().collect();
        if self.inputs.require_content {
            errors.extend(inventory.content_errors(Reads::Everything));
        }
        if cut > 0 {
            let first = inventory.sources.first().map_or("", |s| s.name.as_str());
            errors.push(self.cut_error(cut_file.as_deref().unwrap_or(first), cut, self.findings_cap(inventory)));
        }
        for s in Severity::ALL {
            summary.by_severity.insert(s, 0);
        }
        for f in &findings {
            *summary.by_severity.entry(f.severity).or_insert(0) += 1;
        }
        summary.findings = findings.len();
        summary.errors = errors.len();
        summary.suppressed = suppressed;
        let clusters = inventory.clusters().to_vec();
        let skipped = inventory.skipped(self.inputs);
        Report {
            version: REPORT_VERSION,
            tool: Tool::default(),
            findings,
            errors,
            skipped,
            suppressed,
            summary,
            clusters,
            redactions,
        }
    }

    /// The input error saying that `n` findings were not kept (`file`: the first that had some).
    fn cut_error(&self, file: &str, n: usize, cap: usize) -> InputError {
        let why = if self.max_findings.is_none() && cap < DEFAULT_MAX_FINDINGS {
            " (as many as fit in the memory bound of a check, 4 × its input + 100 MB)"
        } else {
            ""
        };
        InputError::in_file(
            file,
            format!(
                "{n} more findings were not kept: the report stops at {cap} findings{why}, so it is incomplete (narrow the input or the rules, or raise the maximum: --max-findings)"
            ),
        )
    }

    /// Checks parsed files, on this thread: the inventory, every file's hooks, the report.
    #[must_use]
    pub fn check_sources(&self, sources: &[Source]) -> Report {
        let inventory = Inventory::new(sources);
        let per_file = (0..sources.len()).map(|i| self.check_file(&inventory, i)).collect();
        self.report(&inventory, per_file)
    }
}

/// What "the same object and container" is for [`drop_implied`].
type Subject<'f> = (Option<&'f str>, Option<usize>, Option<&'f crate::model::ObjectRef>, Option<&'f str>);

fn subject(f: &Finding) -> Subject<'_> {
    (f.file.as_deref(), f.document, f.object.as_ref(), f.container.as_deref())
}

/// One finding per problem: drops each finding that another finding on the same object and
/// container implies ([`crate::rules::Diagnostic::implies`]), and gives the implying finding the
/// higher severity of the two. Linear: one hash map of the implications.
fn drop_implied(findings: &mut Vec<Finding>, implies: &[(usize, &'static RuleMeta)]) {
    if implies.is_empty() {
        return;
    }
    let mut by: HashMap<(&str, Subject<'_>), usize> = HashMap::with_capacity(implies.len());
    for &(i, other) in implies {
        if let Some(f) = findings.get(i) {
            by.insert((other.id.0, subject(f)), i);
        }
    }
    // (implying finding, severity of a finding it implies), and which findings go.
    let mut raise: Vec<(usize, Severity)> = Vec::new();
    let mut gone = vec![false; findings.len()];
    for (j, f) in findings.iter().enumerate() {
        if let Some(&i) = by.get(&(f.rule.as_str(), subject(f))) {
            if i != j {
                raise.push((i, f.severity));
                if let Some(g) = gone.get_mut(j) {
                    *g = true;
                }
            }
        }
    }
    drop(by);
    for (i, sev) in raise {
        if let Some(f) = findings.get_mut(i) {
            f.severity = f.severity.max(sev);
        }
    }
    let mut flags = gone.into_iter();
    findings.retain(|_| !flags.next().unwrap_or(false));
}

/// Hides the secret values of `redactions` in the findings' messages.
fn scrub(redactions: &Redactions, findings: &mut [Finding]) {
    for f in findings {
        if let std::borrow::Cow::Owned(m) = redactions.scrub(f.file.as_deref(), f.document, &f.message) {
            f.message = m;
        }
    }
}

/// Makes every finding's fingerprint unique within the report, keeping it stable across re-runs
/// and line moves. A finding's fingerprint names the rule, the object's identity (kind,
/// namespace, name), the container and the field, not the file, so that it survives a file
/// being renamed or an object moving between files. Two findings can share it: the same object
/// identity in two files (a base and an overlay, `install.yaml` and `ha/install.yaml`), or twice
/// in one file. Those that several files share, and only those, get the file added (without a
/// leading `./`); findings that still share one (in one file) get their occurrence (the second,
/// the third, in the report's order) added, so a baseline never hides a finding it did not
/// contain. Linear: a few passes with hash maps.
pub fn unique_fingerprints(findings: &mut [Finding]) {
    // fingerprint -> (the file of its first finding, whether another file shares it)
    let mut files: HashMap<&str, (Option<&str>, bool)> = HashMap::with_capacity(findings.len());
    for f in findings.iter() {
        let e = files.entry(f.fingerprint.as_str()).or_insert((f.file.as_deref(), false));
        e.1 |= e.0 != f.file.as_deref();
    }
    if files.len() == findings.len() {
        return;
    }
    let across: std::collections::HashSet<String> =
        files.into_iter().filter(|(_, (_, shared))| *shared).map(|(fp, _)| fp.to_owned()).collect();
    for f in findings.iter_mut() {
        if across.contains(&f.fingerprint) {
            let file = f.file.as_deref().unwrap_or("");
            f.fingerprint = crate::rules::fingerprint(&[&f.fingerprint, file.strip_prefix("./").unwrap_or(file)]);
        }
    }
    // The same identity twice in one file, or (astronomically rarely) a hash collision: the
    // occurrence decides, the first one keeping its fingerprint.
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(findings.len());
    for f in findings.iter() {
        seen.insert(f.fingerprint.clone(), 0);
    }
    for f in findings.iter_mut() {
        let Some(n) = seen.get_mut(&f.fingerprint) else { continue };
        *n += 1;
        if *n == 1 {
            continue;
        }
        let mut k = *n - 1;
        let mut fp = crate::rules::fingerprint(&[&f.fingerprint, &k.to_string()]);
        while seen.contains_key(&fp) {
            k += 1;
            fp = crate::rules::fingerprint(&[&f.fingerprint, &format!("#{k}")]);
        }
        seen.insert(fp.clone(), 1);
        f.fingerprint = fp;
    }
}

/// Sorts findings by (file, document, line, column, rule, message): the report's order.
pub fn sort_findings(findings: &mut [Finding]) {
    // The order is found on indices and applied in place: a stable sort of the findings
    // themselves would take a buffer of up to half of them (hundreds of bytes each).
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_unstable_by(|&a, &b| match (findings.get(a), findings.get(b)) {
        (Some(x), Some(y)) => key(x).cmp(&key(y)).then_with(|| x.message.cmp(&y.message)).then(a.cmp(&b)),
        _ => a.cmp(&b),
    });
    permute(findings, &mut order);
}

/// What findings are sorted by (the message last, compared only on a tie).
type SortKey<'f> = (Option<&'f str>, Option<usize>, Option<u32>, Option<u32>, &'f str, Option<&'f str>);

fn key(f: &Finding) -> SortKey<'_> {
    (f.file.as_deref(), f.document, f.line, f.column, f.rule.as_str(), f.container.as_deref())
}

/// Moves `items[order[i]]` to place `i`, in place (following the cycles of the permutation);
/// `order` is left as the identity.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut i = start;
        // `order[i] == i`: in place, or a cycle already done.
        while order.get(i).is_some_and(|&o| o != start) {
            let Some(&next) = order.get(i) else { break };
            items.swap(i, next);
            if let Some(o) = order.get_mut(i) {
                *o = i;
            }
            i = next;
        }
        if let Some(o) = order.get_mut(i) {
            *o = i;
        }
    }
}

/// Checks a request: the whole pipeline, single-threaded.
///
/// # Errors
/// [`Error::Config`] or [`Error::Request`] when the request is unusable; problems of input
/// files are reported in [`Report::errors`] instead, or, for a strict request
/// ([`InputPolicy::strict`]), returned as [`Error::Input`] (the first one).
pub fn check(req: &CheckRequest) -> Result<Report, Error> {
    let checker = Checker::new(&req.config, req.now.as_deref())?
        .with_image_files(req.image_files.clone())
        .with_inputs(req.inputs);
    let sources: Vec<Source> = req.files.iter().map(|f| crate::source::parse(f, checker.parse_options())).collect();
    let mut report = checker.check_sources(&sources);
    crate::fix::resolve(&mut report, &req.files, &sources);
    strict(req.inputs, report, |r| &r.errors)
}

/// A report, or its first input error for a strict request: how every request ends.
///
/// # Errors
/// [`Error::Input`] with the first of `errors(&report)` when `inputs.strict`.
pub fn strict<R>(inputs: InputPolicy, report: R, errors: impl Fn(&R) -> &[InputError]) -> Result<R, Error> {
    match errors(&report).first() {
        Some(first) if inputs.strict => Err(Error::Input(first.clone())),
        _ => Ok(report),
    }
}
