//! Rules: their declaration ([`declare_rule!`]), the [`Rule`] trait, and the [`Sink`] that turns
//! what a rule reports (a [`FieldPath`] and a message) into a located [`Finding`].
//!
//! One rule = one file (`workload/privileged_container.rs`) next to a directory of fixtures
//! (`workload/privileged_container/{pass,fail}*.yaml`) and registered with one line in
//! [`registry`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::api::{Finding, Severity};
use crate::config::Options;
use crate::location::{FieldPath, Pos};
use crate::model::{Container, Inventory, K8sObject, ObjectRef, PodSpec};
use crate::syntax::Node;

pub mod dockerfile;
pub mod docs;
pub mod image;
pub mod namespace;
pub mod network;
pub mod rbac;
pub mod registry;
pub mod scan;
pub mod secret;
pub mod workload;

/// A rule's stable id (`POD001`): permanent, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub &'static str);

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Everything known about a rule besides its logic.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id.
    pub id: RuleId,
    /// Kebab-case name: public API (config, annotations, `--select`).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line, sentence case, no period.
    pub title: &'static str,
    /// What to do about a finding, one short sentence in the style of messages (lowercase, no
    /// final period, values in backticks): the `= help:` line of the text report and a finding's
    /// `help` in JSON.
    pub help: &'static str,
    /// Markdown docs with the sections What it does / Why is this bad? / Example / Fix.
    pub docs: &'static str,
    /// PSS controls, CIS benchmark items, ...
    pub references: &'static [&'static str],
    /// The same check in other tools: `trivy:KSV-0017`, `checkov:CKV_K8S_16`, ...
    pub peers: &'static [&'static str],
    /// Version that added the rule.
    pub since: &'static str,
    /// Whether the rule runs without being enabled.
    pub enabled_by_default: bool,
    /// What renderers may quote of the source line a finding points at: [`Excerpt::Full`]
    /// unless the line may hold a secret.
    pub redact: Excerpt,
    /// Whether its findings carry fixes ([`crate::fix`]); `Never` unless declared.
    pub fix: crate::api::FixAvailability,
    /// `file:line` of the declaration.
    pub source: &'static str,
}

impl RuleMeta {
    /// The docs with the single leading space of each doc-comment line removed.
    #[must_use]
    pub fn docs_markdown(&self) -> String {
        self.docs.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n")
    }

    /// The fenced block of a docs section (`Example`, `Fix`), if any.
    #[must_use]
    pub fn docs_block(&self, section: &str) -> Option<String> {
        let md = self.docs_markdown();
        let start = md.find(&format!("## {section}"))?;
        let rest = md.get(start..)?;
        let open = rest.find("```")?;
        let after = rest.get(open + 3..)?;
        let body_start = after.find('\n')? + 1;
        let body = after.get(body_start..)?;
        let close = body.find("```")?;
        Some(body.get(..close)?.to_owned())
    }

    /// The address of the rule's documentation: [`docs::RULES_DOCS_URL`] and the rule's anchor
    /// (`…/docs/rules.md#pod003`); SARIF's `helpUri` and a finding's `url`.
    #[must_use]
    pub fn url(&self) -> &'static str {
        docs::rule_url(self.id)
    }

    /// The rule as listed by `kubeharden rules --format json`.
    #[must_use]
    pub fn info(&self) -> crate::api::RuleInfo {
        crate::api::RuleInfo {
            id: self.id.0.to_owned(),
            name: self.name.to_owned(),
            severity: self.severity,
            title: self.title.to_owned(),
            help: self.help.to_owned(),
            url: self.url().to_owned(),
            enabled_by_default: self.enabled_by_default,
            fix: self.fix,
            references: self.references.iter().map(|s| (*s).to_owned()).collect(),
            peers: self.peers.iter().map(|s| (*s).to_owned()).collect(),
            docs: self.docs_markdown(),
        }
    }
}

/// What a renderer may quote of the source line a finding points at (the `redact` of a rule's
/// declaration; [`crate::report::excerpt`] decides for each finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excerpt {
    /// The whole line.
    Full,
    /// The indentation and the key, the value replaced by `<redacted>` (`password: <redacted>`);
    /// a line that is only a list item's `name:` is shown, a line without a key is not.
    KeyOnly,
    /// No excerpt: the line holds a secret and no key to keep (a Dockerfile `ENV`).
    Omit,
}

/// Declares a rule: a unit struct with its [`RuleMeta`] built from the doc comment and fields.
/// The optional fields, in this order: `enabled_by_default` (default `true`), `redact` (default
/// [`Excerpt::Full`]; every rule whose findings point at secret values declares it), `fix`
/// (`Always`, `Sometimes` or `Never`, the default: whether findings carry a [`crate::fix::Plan`]).
#[macro_export]
#[doc(hidden)]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis $ty:ident {
        id: $id:literal, name: $name:literal, severity: $sev:expr, title: $title:literal, help: $help:literal,
        references: [$($r:literal),* $(,)?], peers: [$($p:literal),* $(,)?], since: $since:literal
        $(, enabled_by_default: $en:expr)? $(, redact: $redact:expr)? $(, fix: $fix:ident)? $(,)?
    }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $ty;
        impl $ty {
            /// The rule's metadata.
            pub const META: &'static $crate::rules::RuleMeta = &$crate::rules::RuleMeta {
                id: $crate::rules::RuleId($id),
                name: $name,
                severity: $sev,
                title: $title,
                help: $help,
                docs: concat!($($doc, "\n"),*),
                references: &[$($r),*],
                peers: &[$($p),*],
                since: $since,
                enabled_by_default: $crate::declare_rule!(@en $($en)?),
                redact: $crate::declare_rule!(@redact $($redact)?),
                fix: $crate::declare_rule!(@fix $($fix)?),
                source: concat!(file!(), ":", line!()),
            };
        }
    };
    (@en) => { true };
    (@en $en:expr) => { $en };
    (@redact) => { $crate::rules::Excerpt::Full };
    (@redact $redact:expr) => { $redact };
    (@fix) => { $crate::api::FixAvailability::Never };
    (@fix $fix:ident) => { $crate::api::FixAvailability::$fix };
}

/// What rules may read besides the input: options, the values fixes use, "now" and which rules
/// run.
#[derive(Debug, Default)]
pub struct Context {
    /// Rule options from the configuration.
    pub options: Options,
    /// The values fixes cannot know (the `fix:` section of the configuration).
    pub fix: crate::config::FixSettings,
    /// "Now" as Unix seconds, when the request gave it.
    pub now: Option<i64>,
    /// The ids of the rules that run (empty: none known, as when a rule is called alone).
    pub running: Vec<RuleId>,
}

impl Context {
    /// Whether the rule `meta` runs in this check: a rule leaves a problem to another rule's
    /// finding only when that rule runs (one finding per problem, nothing lost when the other
    /// rule is off).
    #[must_use]
    pub fn runs(&self, meta: &RuleMeta) -> bool {
        self.running.contains(&meta.id)
    }
}

/// A rule. Each hook has a default that does nothing; a rule implements the ones for its target.
pub trait Rule: Sync + Send + fmt::Debug {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Called for every pod spec (every pod-bearing object).
    fn check_pod(&self, _pod: &PodSpec<'_>, _cx: &Context, _out: &mut Sink) {}

    /// Called for every Kubernetes object.
    fn check_object(&self, _obj: &K8sObject<'_>, _cx: &Context, _out: &mut Sink) {}

    /// Called once with the whole input (cross-resource rules: namespaces, NetworkPolicies, ...).
    fn check_inventory(&self, _inventory: &Inventory<'_>, _cx: &Context, _out: &mut Sink) {}

    /// Called for every Dockerfile (`file` is its name in the request).
    fn check_dockerfile(&self, _file: &str, _df: &crate::dockerfile::Dockerfile, _cx: &Context, _out: &mut Sink) {}

    /// Called for every image metadata: `docker inspect`, `skopeo inspect`, an OCI image config,
    /// the image config of a Trivy report.
    fn check_image(&self, _image: &crate::image::ImageMeta, _cx: &Context, _out: &mut Sink) {}

    /// Called for every Trivy JSON report.
    fn check_trivy(&self, _report: &crate::image::TrivyReport, _cx: &Context, _out: &mut Sink) {}
}

/// Where a finding without a Kubernetes object points (Dockerfiles, image metadata, reports).
#[derive(Clone, Debug, Default)]
pub struct Place {
    /// File name.
    pub file: Option<String>,
    /// Document index.
    pub document: Option<usize>,
    /// Position.
    pub pos: Option<Pos>,
    /// The line where what the finding points at ends (a Dockerfile instruction's last line,
    /// continuations included), when known; the end column is then the end of that line.
    pub end_line: Option<u32>,
    /// Object identity (a Namespace that is not in the input, a Dockerfile stage, an image).
    pub object: Option<ObjectRef>,
    /// Field path or other logical location.
    pub path: Option<String>,
    /// Container.
    pub container: Option<String>,
    /// What `object` is unique only within, joined to the fingerprint: the file of a Dockerfile
    /// stage (two Dockerfiles' `stage[0]` differ), the directory of the `default` namespace of
    /// objects without a namespace (there is one per directory).
    pub scope: Option<String>,
}

/// Where a finding points: what [`Sink::report`] takes. The variant decides which suppression
/// annotations apply, how the line is found and what the fingerprint holds.
#[derive(Debug)]
pub enum At<'a> {
    /// A field of an object (the path from its document's root, as [`K8sObject::field`] gives
    /// it); the object's `metadata.annotations` may suppress it.
    Object(&'a K8sObject<'a>, FieldPath),
    /// A field of a pod spec, about the pod as a whole; the object's and the pod template's
    /// annotations may suppress it.
    Pod(&'a PodSpec<'a>, FieldPath),
    /// A field of one container; annotations for the object or for this container may
    /// suppress it.
    Container(&'a PodSpec<'a>, &'a Container<'a>, FieldPath),
    /// Anything that is not a field of a Kubernetes object (a Dockerfile instruction, image
    /// metadata, a report entry, a Namespace the input does not define); no annotation applies.
    Place(Place),
}

/// Collects findings: resolves paths to lines, applies severity overrides and suppressions.
#[derive(Debug)]
pub struct Sink<'s> {
    severity: &'s HashMap<&'static str, Severity>,
    annotation_suppressions: bool,
    findings: Vec<Finding>,
    suppressed: usize,
    /// Implications of recorded findings: (index in `findings`, the rule whose finding on the same
    /// object and container the finding makes redundant); see [`Diagnostic::implies`].
    implies: Vec<(usize, &'static RuleMeta)>,
    /// The `kubeharden.io/ignore.*` annotations of each metadata node seen, by (file, document,
    /// line, column) of the node: read once per object, so an object with many annotations and
    /// many findings stays linear.
    ignores: HashMap<NodeAt, Vec<(String, String)>>,
    /// The findings kept so far by every sink of one check, and how many it keeps at most.
    budget: Option<(&'s std::sync::atomic::AtomicUsize, usize)>,
    /// Findings reported beyond the budget: counted, not kept.
    cut: usize,
}

/// A finding being reported: returned by [`Sink::report`], recorded in the sink when dropped
/// (at the end of the statement that made it). What a rule may add besides the where and the
/// message is set on it before that: a severity other than the rule's default
/// ([`Diagnostic::severity`]), a fix ([`Diagnostic::fix`]), the finding of another rule it makes
/// redundant ([`Diagnostic::implies`]); related locations are meant to join here, so no rule
/// needs another entry point (the shape of ruff's `DiagnosticGuard`).
#[derive(Debug)]
pub struct Diagnostic<'r, 's> {
    sink: &'r mut Sink<'s>,
    pending: Option<Pending<'r>>,
}

#[derive(Debug)]
struct Pending<'a> {
    meta: &'static RuleMeta,
    at: At<'a>,
    message: String,
    raised: Option<Severity>,
    fix: Option<crate::fix::Plan>,
    implies: Vec<&'static RuleMeta>,
}

impl Diagnostic<'_, '_> {
    /// The fix of this finding: what to set, add or remove, by field path ([`crate::fix::Plan`]);
    /// the edits of the text are made later, with the source ([`crate::fix::resolve`]).
    pub fn fix(mut self, plan: crate::fix::Plan) -> Self {
        if let Some(p) = &mut self.pending {
            p.fix = Some(plan);
        }
        self
    }

    /// A severity other than the rule's default for this finding (a configured override of the
    /// rule still wins).
    pub fn severity(mut self, severity: Severity) -> Self {
        if let Some(p) = &mut self.pending {
            p.raised = Some(severity);
        }
        self
    }

    /// This finding says what a finding of `other` on the same object and container would say
    /// (one finding per problem: a mutable tag implies a missing digest; no request and no limit
    /// is one finding, not two). When both are reported, the report keeps this one, at the higher
    /// severity of the two, and drops the other ([`crate::engine::Checker::report`]); when
    /// `other` runs alone, or this finding is suppressed, `other` is reported as usual. Called
    /// again, the finding implies each rule given.
    pub fn implies(mut self, other: &'static RuleMeta) -> Self {
        if let Some(p) = &mut self.pending {
            p.implies.push(other);
        }
        self
    }
}

impl Drop for Diagnostic<'_, '_> {
    fn drop(&mut self) {
        if let Some(p) = self.pending.take() {
            self.sink.push(p);
        }
    }
}

/// Where a node is: (file, document, line, column).
type NodeAt = (String, usize, u32, u32);

/// The annotation prefix of in-manifest suppressions.
pub const IGNORE_PREFIX: &str = "kubeharden.io/ignore.";

impl<'s> Sink<'s> {
    /// A sink with severity overrides (by rule id).
    #[must_use]
    pub fn new(severity: &'s HashMap<&'static str, Severity>, annotation_suppressions: bool) -> Self {
        Sink {
            severity,
            annotation_suppressions,
            findings: Vec::new(),
            suppressed: 0,
            implies: Vec::new(),
            ignores: HashMap::new(),
            budget: None,
            cut: 0,
        }
    }

    /// The sink keeps a finding only while `kept` (shared by every sink of one check) is below
    /// `max`; the others are counted ([`Sink::cut`]), so memory stays bounded whatever the input.
    #[must_use]
    pub fn with_budget(mut self, kept: &'s std::sync::atomic::AtomicUsize, max: usize) -> Self {
        self.budget = Some((kept, max));
        self
    }

    /// How many findings were reported beyond the budget and not kept.
    #[must_use]
    pub fn cut(&self) -> usize {
        self.cut
    }

    /// Whether one more finding fits the budget (taking its place when it does).
    fn keep(&mut self) -> bool {
        let Some((kept, max)) = self.budget else { return true };
        if kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < max {
            return true;
        }
        self.cut += 1;
        false
    }

    /// The findings and the count of suppressed ones.
    #[must_use]
    pub fn finish(self) -> (Vec<Finding>, usize) {
        (self.findings, self.suppressed)
    }

    /// The findings, the count of suppressed ones and the implications of findings
    /// ([`Diagnostic::implies`]: index in the findings, the implied rule).
    #[must_use]
    pub fn finish_with_implications(self) -> (Vec<Finding>, usize, Vec<(usize, &'static RuleMeta)>) {
        (self.findings, self.suppressed, self.implies)
    }

    fn severity(&self, meta: &RuleMeta, raised: Option<Severity>) -> Severity {
        self.severity.get(meta.id.0).copied().or(raised).unwrap_or(meta.severity)
    }

    /// Reports a finding of the rule `meta` at `at`: the one way rules report. The finding is
    /// recorded when the returned [`Diagnostic`] is dropped, with the line of the path, the
    /// severity override of the configuration, the suppression annotations and the fingerprint
    /// applied; set anything else on the [`Diagnostic`] first, as in
    /// `out.report(Self::META, At::Container(pod, c, path), message).severity(Severity::Critical);`.
    pub fn report<'r>(
        &'r mut self,
        meta: &'static RuleMeta,
        at: At<'r>,
        message: impl Into<String>,
    ) -> Diagnostic<'r, 's> {
        Diagnostic {
            sink: self,
            pending: Some(Pending { meta, at, message: message.into(), raised: None, fix: None, implies: Vec::new() }),
        }
    }

    /// Counts a finding suppressed by a mechanism outside annotations (Dockerfile comments,
    /// vulnerability waivers).
    pub fn count_suppressed(&mut self) {
        self.suppressed += 1;
    }

    /// Records a reported finding (the end of every [`Diagnostic`]).
    fn push(&mut self, p: Pending<'_>) {
        let Pending { meta, at, message, raised, fix, implies } = p;
        let before = self.findings.len();
        match at {
            At::Object(obj, path) => self.push_field(meta, raised, obj, None, None, path, message),
            At::Pod(pod, path) => self.push_field(meta, raised, &pod.object, pod.meta, None, path, message),
            At::Container(pod, c, path) => {
                self.push_field(meta, raised, &pod.object, pod.meta, Some(c.name), path, message)
            }
            At::Place(place) => self.push_place(meta, raised, place, message),
        };
        if self.findings.len() > before {
            if let (Some(plan), Some(f)) = (fix, self.findings.last_mut()) {
                f.fix = Some(plan.into_fix());
            }
            self.implies.extend(implies.into_iter().map(|other| (before, other)));
        }
    }

    /// Records a finding that is no field of an object, unless the report is full.
    fn push_place(&mut self, meta: &'static RuleMeta, raised: Option<Severity>, place: Place, message: String) {
        let severity = self.severity(meta, raised);
        let mut fingerprint = fingerprint(&[
            meta.id.0,
            place.object.as_ref().map_or("", |o| o.kind.as_str()),
            place.object.as_ref().and_then(|o| o.namespace.as_deref()).unwrap_or(""),
            place.object.as_ref().and_then(|o| o.name.as_deref()).unwrap_or(place.file.as_deref().unwrap_or("")),
            place.container.as_deref().unwrap_or(""),
            place.path.as_deref().unwrap_or(""),
        ]);
        if let Some(scope) = &place.scope {
            fingerprint = self::fingerprint(&[&fingerprint, scope]);
        }
        if !self.keep() {
            return;
        }
        self.findings.push(Finding {
            rule: meta.id.0.to_owned(),
            name: meta.name.to_owned(),
            severity,
            message,
            file: place.file,
            document: place.document,
            line: place.pos.map(|p| p.line),
            column: place.pos.map(|p| p.column),
            end_line: place.end_line.filter(|_| place.pos.is_some()),
            end_column: None,
            object: place.object,
            container: place.container,
            path: place.path,
            fingerprint,
            template: None,
            fix: None,
            help: Some(Cow::Borrowed(meta.help)),
            url: Some(Cow::Borrowed(meta.url())),
        });
    }

    /// Records a finding at a field of an object, unless an annotation suppresses it or the report
    /// is full.
    #[expect(clippy::too_many_arguments, reason = "the parts of the three field variants of `At`")]
    fn push_field(
        &mut self,
        meta: &'static RuleMeta,
        raised: Option<Severity>,
        obj: &K8sObject<'_>,
        pod_meta: Option<&Node>,
        container: Option<&str>,
        path: FieldPath,
        mut message: String,
    ) {
        if self.annotation_suppressions {
            let mut found = None;
            for m in [obj.metadata, pod_meta].into_iter().flatten() {
                let at = (obj.doc.file.clone(), obj.doc.index, m.pos.line, m.pos.column);
                let list = self.ignores.entry(at).or_insert_with(|| ignore_annotations(m));
                found = suppression(meta, list, container);
                if found.is_some() {
                    break;
                }
            }
            match found {
                Some(Ok(_reason)) => {
                    self.suppressed += 1;
                    return;
                }
                Some(Err(key)) => {
                    message.push_str(&format!(" (the suppression `{key}` is ignored: it needs a reason)"));
                }
                None => {}
            }
        }
        if !self.keep() {
            return;
        }
        let severity = self.severity(meta, raised);
        let (pos, end, _exact) = obj.doc.root.resolve_span(&path);
        let full = path.render();
        // The path relative to the object: the full path for a document's own object (the common
        // case, no second rendering), the part after `items[i]` for an item of a List.
        let skip = obj.path.segments().len().min(path.segments().len());
        let rel: std::borrow::Cow<'_, str> = if skip == 0 {
            std::borrow::Cow::Borrowed(&full)
        } else {
            let segs = path.segments();
            std::borrow::Cow::Owned(
                crate::location::FieldPath::root().join_segments(segs.get(skip..).unwrap_or_default()).render(),
            )
        };
        let r = obj.reference();
        let fingerprint = fingerprint(&[
            meta.id.0,
            &r.kind,
            r.namespace.as_deref().unwrap_or(""),
            r.name.as_deref().unwrap_or(""),
            container.unwrap_or(""),
            &rel,
        ]);
        self.findings.push(Finding {
            rule: meta.id.0.to_owned(),
            name: meta.name.to_owned(),
            severity,
            message,
            file: Some(obj.doc.file.clone()),
            document: Some(obj.doc.index),
            line: Some(pos.line),
            column: Some(pos.column),
            end_line: Some(end.line),
            end_column: Some(end.column),
            object: Some(r),
            container: container.map(str::to_owned),
            path: Some(full),
            fingerprint,
            template: obj.doc.source.clone(),
            fix: None,
            help: Some(Cow::Borrowed(meta.help)),
            url: Some(Cow::Borrowed(meta.url())),
        });
    }
}

/// The `kubeharden.io/ignore.*` annotations of a metadata node, in order: (the key after the
/// prefix, the trimmed reason or "" when it is not a non-empty string).
fn ignore_annotations(m: &Node) -> Vec<(String, String)> {
    let Some(ann) = m.get("annotations").and_then(Node::as_map) else { return Vec::new() };
    ann.iter()
        .filter_map(|e| {
            let rest = e.key.strip_prefix(IGNORE_PREFIX)?;
            Some((rest.to_owned(), e.value.as_str().map(str::trim).unwrap_or("").to_owned()))
        })
        .collect()
}

/// Looks for a suppression of `meta` among one metadata node's ignore annotations, for the
/// object or for one container. `Some(Ok(()))` suppresses; `Some(Err(key))` is an annotation
/// without a reason.
fn suppression(meta: &RuleMeta, ignores: &[(String, String)], container: Option<&str>) -> Option<Result<(), String>> {
    for (rest, reason) in ignores {
        let (rule, target) = match rest.split_once('.') {
            Some((r, c)) => (r, Some(c)),
            None => (rest.as_str(), None),
        };
        if rule != meta.name && rule != meta.id.0 {
            continue;
        }
        if let Some(t) = target {
            if Some(t) != container {
                continue;
            }
        }
        return Some(if reason.is_empty() { Err(format!("{IGNORE_PREFIX}{rest}")) } else { Ok(()) });
    }
    None
}

/// FNV-1a 64-bit over the parts, separated by a unit separator; 16 hex digits.
#[must_use]
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}
