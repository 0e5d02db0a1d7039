//! The weekly audit over what actually runs: `kubectl get pods -A -o json` (a `kind: List`) and,
//! optionally, image metadata (`skopeo inspect` JSON). A view on the same layers as `scan`:
//!
//! - the pods are read through the front door, item by item ([`crate::source::read_list_items`]:
//!   each item is parsed, audited and dropped, so a 130 MB list never becomes one tree), and each
//!   item goes through the inventory ([`Inventory`]) as a file of its own would;
//! - every judgement is a rule's: a [`Checker`] with the audit's rules selected ([`AUDIT_RULES`])
//!   runs on each pod, and its findings are sorted into the sections, so `scan` and `audit` cannot
//!   disagree about a pod;
//! - image metadata is read by the front door and the image module ([`crate::image::ImageMeta`]),
//!   ages are computed as `image-too-old` computes them;
//! - tickets are [`crate::report::tickets`]' and the comparison with an earlier audit is
//!   [`crate::report::baseline`]'s; errors are [`InputError`]s (file, document, line, column).
//!
//! The sections, as the checklist's audit script has them — done right:
//!
//! - **image age**: every image in use with its created date and age in days, oldest first
//!   (unknown when no metadata matches). Metadata is matched by digest — of the reference or of the
//!   pod's `status.containerStatuses[].imageID` — else by reference (repository and tag, as the
//!   image rules match), else by repository when exactly one metadata names that repository
//!   (`skopeo inspect` does not say which tag it inspected);
//! - **privileged containers**: `privileged-container` fires;
//! - **containers running as root**, from the *effective* settings (the container's
//!   `securityContext` over the pod's): `run-as-root-user` fires (`runAsUser: 0`, or one that is
//!   not an integer), or `run-as-non-root` fires and no `runAsUser` is set (the image's user
//!   then, root unless the image names another). A container with a non-zero `runAsUser` is not
//!   listed even without `runAsNonRoot: true`. The seed's jq, which looks at the pod-level
//!   `runAsNonRoot` alone, misses a container that sets `runAsNonRoot: false` or `runAsUser: 0`
//!   under a pod that says `true`, and flags pods whose containers all set it;
//! - **missing resource limits**: `cpu-limit-missing`, `memory-limit-missing` (init containers
//!   included, ephemeral ones exempt — Kubernetes does not allow them resources).
//!
//! Every entry names `namespace/pod`, the container, and the workload that owns the pod
//! (`Deployment/web` for a pod of ReplicaSet `web-7d4b9c8f5`); tickets are per workload, so their
//! fingerprints survive rollouts. What the audit cannot read is an input error, never a silent
//! pass: a syntax error, a List item without `kind`, an item that is not a Kubernetes object, a
//! pod whose fields have the wrong type (`containers` that is not a list: `invalid-field-type`),
//! a pod without `spec`, an image metadata file that is not one. `kubeharden.io/ignore.*`
//! annotations suppress findings as in `scan`. Pure: text in, report out; "now" is an argument.
//!
//! With metadata from registries (`audit --registry`, fetched by the `kubeharden-registry` crate
//! outside the core) the audit runs in two steps: [`read_pods`] reads and judges the pods and
//! says which images they run ([`PodAudit::images_in_use`]: the references, the digests the
//! pods report running, the platform of their `nodeSelector`); the caller fetches those, then
//! [`PodAudit::finish`] matches each image to the metadata fetched for it and reports what was
//! fetched or why not ([`ImageAge::registry`], [`AuditReport::images_unreachable`]). An image
//! that could not be fetched has no metadata: never another image's, never an age.

mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::api::{Finding, InputError, Severity, SourceFile};
use crate::config::Config;
use crate::engine::Checker;
use crate::error::Error;
use crate::image::{image_id_digest, ImageMeta, ImageRef};
use crate::model::{Container, Inventory, K8sObject, Lenient, ObjectRef, PodSpec};
use crate::rules::image::{age_days, created_secs, is_too_old, ImageTooOld};
use crate::rules::workload::{
    CpuLimitMissing, InvalidFieldType, MemoryLimitMissing, PrivilegedContainer, RunAsNonRoot, RunAsRootUser,
};
use crate::rules::RuleMeta;
use crate::source::{self, ListItem, ParseOptions, Source};
use crate::syntax::Node;

pub use render::{compare, read_json, render_text, render_tickets, tickets, to_json};

/// Version of the audit's JSON. 2: errors are input errors (`file`, `document`, `line`,
/// `column`, `message`); each section entry carries the rule findings behind it (`findings`,
/// which replace the root section's `reason`); `file` and `suppressed` are new; tickets are the
/// scan's, so their fingerprints differ from version 1's.
pub const AUDIT_VERSION: u32 = 2;

/// The rules the audit runs on each pod and image, and sorts into its sections
/// (`invalid-field-type` findings become input errors).
pub const AUDIT_RULES: &[&RuleMeta] = &[
    PrivilegedContainer::META,
    RunAsNonRoot::META,
    RunAsRootUser::META,
    CpuLimitMissing::META,
    MemoryLimitMissing::META,
    InvalidFieldType::META,
    ImageTooOld::META,
];

/// Options of the audit.
#[derive(Clone, Copy, Debug)]
pub struct AuditOptions {
    /// Images older than this many days get a ticket (`image-too-old`'s `image-max-age-days`).
    pub max_image_age_days: u32,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions { max_image_age_days: crate::rules::image::DEFAULT_MAX_AGE_DAYS }
    }
}

/// A container of a running pod.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ContainerRef {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The container's name.
    pub container: String,
    /// `container`, `init container` or `ephemeral container`.
    pub container_kind: String,
    /// What owns the pod: `Deployment/web`, `StatefulSet/db`, `DaemonSet/agent`, `Job/x`, or
    /// `Pod/<name>` for a bare pod.
    pub workload: String,
}

impl ContainerRef {
    /// `namespace/pod`.
    #[must_use]
    pub fn pod_path(&self) -> String {
        format!("{}/{}", self.namespace, self.pod)
    }
}

/// An image in use and its age.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageAge {
    /// The reference as the pod spec writes it.
    pub image: String,
    /// When it was built (the metadata's creation time), if known and usable.
    pub created: Option<String>,
    /// Whole days between `created` and now, if both are known.
    pub age_days: Option<i64>,
    /// The digest of the metadata that matched.
    pub digest: Option<String>,
    /// The metadata file that matched.
    pub metadata: Option<String>,
    /// `digest`, `tag` or `repository`: how the metadata was matched.
    pub matched_by: Option<String>,
    /// Every container that runs it.
    pub containers: Vec<ContainerRef>,
    /// The `image-too-old` finding of the metadata, when the image is older than the maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Box<Finding>>,
    /// With metadata from registries (`audit --registry`): what was fetched, or why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryImage>,
}

/// What the registry client did for one image in use (`audit --registry`); the caller fetches,
/// the audit only reports. An image with an `error` has no metadata: its age is unknown, never
/// young.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryImage {
    /// The reference as the pod spec writes it.
    pub image: String,
    /// What identified the image fetched: `running digest`
    /// (`status.containerStatuses[].imageID`), `reference digest` or `tag`.
    pub used: Option<String>,
    /// The digest fetched (of the index, for a multi-platform image).
    pub digest: Option<String>,
    /// The platform picked from a multi-platform index.
    pub platform: Option<String>,
    /// The name of the metadata file it gave (one of the audit's image files): the image's
    /// metadata, whatever other images share its digest or tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Whether the manifests and config came from the cache.
    pub cached: bool,
    /// Why it could not be fetched (`denied`, `not-found`, `timeout`, ...).
    pub error_kind: Option<String>,
    /// The reason, one sentence.
    pub error: Option<String>,
}

/// An image in use: the reference as written, the digests the pods report running
/// (`status.*containerStatuses[].imageID`), sorted, and the platforms their `nodeSelector`s name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInUse {
    /// The reference as the pod spec writes it.
    pub image: String,
    /// Running digests, sorted.
    pub running: Vec<String>,
    /// `os/arch` of the pods' `nodeSelector` (`kubernetes.io/arch`), sorted.
    pub platforms: Vec<String>,
}

/// A rule finding behind an entry of the audit: what `scan` reports for the pod, without what the
/// entry and the report say already (the file, the pod, the container; see
/// [`AuditFinding::to_finding`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFinding {
    /// Rule id (`POD003`).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// The rule's message.
    pub message: String,
    /// 0-based index of the list's document in the file.
    pub document: Option<usize>,
    /// 1-based line in the file.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// Where the field ends (see [`Finding::end_line`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Just after the field's last character (see [`Finding::end_column`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// Field path, relative to the pod (`spec.containers[0].securityContext.runAsNonRoot`).
    pub path: Option<String>,
    /// The finding's fingerprint (`scan`'s for the same pod).
    pub fingerprint: String,
}

impl AuditFinding {
    fn of(f: &Finding) -> Self {
        AuditFinding {
            rule: f.rule.clone(),
            severity: f.severity,
            message: f.message.clone(),
            document: f.document,
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            path: f.path.clone(),
            fingerprint: f.fingerprint.clone(),
        }
    }

    /// The finding as `scan` reports it for the pod of `at` in `file` (its path relative to the
    /// pod, where the whole List's would start with `items[N].`).
    #[must_use]
    pub fn to_finding(&self, file: &str, at: &ContainerRef) -> Finding {
        let meta = crate::rules::registry::find(&self.rule).map(|r| r.meta());
        let name = meta.map_or_else(|| self.rule.clone(), |m| m.name.to_owned());
        Finding {
            rule: self.rule.clone(),
            name,
            severity: self.severity,
            message: self.message.clone(),
            file: Some(file.to_owned()),
            document: self.document,
            line: self.line,
            column: self.column,
            object: Some(ObjectRef {
                api_version: Some("v1".to_owned()),
                kind: "Pod".to_owned(),
                namespace: Some(at.namespace.clone()),
                name: Some(at.pod.clone()),
            }),
            container: Some(at.container.clone()),
            path: self.path.clone(),
            fingerprint: self.fingerprint.clone(),
            template: None,
            fix: None,
            end_line: self.end_line,
            end_column: self.end_column,
            help: meta.map(|m| std::borrow::Cow::Borrowed(m.help)),
            url: meta.map(|m| std::borrow::Cow::Borrowed(m.url())),
        }
    }
}

/// A container that rules flag (privileged, running as root), with their findings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Flagged {
    /// The container.
    #[serde(flatten)]
    pub at: ContainerRef,
    /// The rule findings.
    pub findings: Vec<AuditFinding>,
}

impl Flagged {
    /// The findings' messages, joined by `; `.
    #[must_use]
    pub fn reason(&self) -> String {
        self.findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
    }
}

/// A container without some resource limits.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MissingLimits {
    /// The container.
    #[serde(flatten)]
    pub at: ContainerRef,
    /// `cpu`, `memory`.
    pub missing: Vec<String>,
    /// The rule findings (`cpu-limit-missing`, `memory-limit-missing`).
    pub findings: Vec<AuditFinding>,
}

/// An entry of a section as one flat struct named after its type: the container's fields, then
/// the entry's own. (serde's `flatten` would serialize a map, which has no type name for the
/// Python binding's conversion to find the entry's class by.)
fn serialize_entry<S: serde::Serializer>(
    s: S,
    name: &'static str,
    at: &ContainerRef,
    missing: Option<&[String]>,
    findings: &[AuditFinding],
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    let mut st = s.serialize_struct(name, 6 + usize::from(missing.is_some()))?;
    st.serialize_field("namespace", &at.namespace)?;
    st.serialize_field("pod", &at.pod)?;
    st.serialize_field("container", &at.container)?;
    st.serialize_field("container_kind", &at.container_kind)?;
    st.serialize_field("workload", &at.workload)?;
    if let Some(m) = missing {
        st.serialize_field("missing", m)?;
    }
    st.serialize_field("findings", findings)?;
    st.end()
}

impl Serialize for Flagged {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_entry(s, "Flagged", &self.at, None, &self.findings)
    }
}

impl Serialize for MissingLimits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_entry(s, "MissingLimits", &self.at, Some(&self.missing), &self.findings)
    }
}

/// The audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    /// [`AUDIT_VERSION`].
    pub version: u32,
    /// "Now", as given.
    pub now: Option<String>,
    /// The pods input, as named.
    pub file: String,
    /// Pods read.
    pub pods: usize,
    /// Containers read (every kind).
    pub containers: usize,
    /// Objects of the list that are not pods.
    pub skipped: usize,
    /// Findings removed by `kubeharden.io/ignore.*` annotations, as `scan` removes them.
    pub suppressed: usize,
    /// Images in use, oldest first, unknown ages last.
    pub image_age: Vec<ImageAge>,
    /// Privileged containers.
    pub privileged: Vec<Flagged>,
    /// Containers running as root (effective settings).
    pub running_as_root: Vec<Flagged>,
    /// Containers without CPU or memory limits.
    pub missing_limits: Vec<MissingLimits>,
    /// What could not be read.
    pub errors: Vec<InputError>,
    /// The age above which an image is too old.
    pub max_image_age_days: u32,
    /// With metadata from registries: images whose metadata could not be fetched (each says why
    /// in `image_age[].registry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_unreachable: Option<usize>,
}

#[derive(Default)]
struct ImageUse {
    digests: BTreeSet<String>,
    /// `os/arch` of the pods' `nodeSelector`, if any.
    platforms: BTreeSet<String>,
    containers: Vec<ContainerRef>,
}

/// `os/arch` from a pod's `nodeSelector` (`kubernetes.io/arch`, with `kubernetes.io/os` or
/// `linux`): the platform its nodes run.
fn node_platform(pod: &PodSpec<'_>) -> Option<String> {
    let sel = pod.node.get("nodeSelector")?;
    let arch = sel.get("kubernetes.io/arch").and_then(Node::as_str)?;
    let os = sel.get("kubernetes.io/os").and_then(Node::as_str).unwrap_or("linux");
    Some(format!("{os}/{arch}"))
}

#[derive(Default)]
struct Acc {
    pods: usize,
    containers: usize,
    skipped: usize,
    suppressed: usize,
    images: BTreeMap<String, ImageUse>,
    privileged: Vec<Flagged>,
    root: Vec<Flagged>,
    limits: Vec<MissingLimits>,
    errors: Vec<InputError>,
}

/// The owner of a pod, as `Kind/name`; a ReplicaSet created by a Deployment (its name is the
/// Deployment's plus `-<pod-template-hash>`) is reported as the Deployment.
fn workload(obj: &K8sObject<'_>, name: &str) -> String {
    let owner = obj.metadata.and_then(|m| m.get("ownerReferences")).and_then(Node::as_seq).and_then(|o| {
        o.iter().find(|r| r.get("controller").and_then(Node::as_bool) == Some(true)).or_else(|| o.first())
    });
    let Some(owner) = owner else { return format!("Pod/{name}") };
    let kind = owner.get("kind").and_then(Node::as_str).unwrap_or("Pod");
    let oname = owner.get("name").and_then(Node::as_str).unwrap_or(name);
    if kind == "ReplicaSet" {
        if let Some(hash) = obj.label("pod-template-hash") {
            if let Some(dep) = oname.strip_suffix(hash).and_then(|s| s.strip_suffix('-')) {
                return format!("Deployment/{dep}");
            }
        }
    }
    format!("{kind}/{oname}")
}

/// Container name → repository digest from `status.*containerStatuses[].imageID`.
fn status_digests(pod: &Node) -> HashMap<&str, &str> {
    let mut m = HashMap::new();
    let Some(status) = pod.get("status") else { return m };
    for list in ["initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"] {
        for s in status.get(list).and_then(Node::as_seq).unwrap_or_default() {
            let name = s.get("name").and_then(Node::as_str);
            let digest = s.get("imageID").and_then(Node::as_str).and_then(image_id_digest);
            if let (Some(n), Some(d)) = (name, digest) {
                m.insert(n, d);
            }
        }
    }
    m
}

/// `item 3: ` for an error inside item 3 of the list.
fn in_item(mut e: InputError, index: Option<usize>) -> InputError {
    if let Some(i) = index {
        e.message = format!("item {i}: {}", e.message);
    }
    e
}

/// An input error at a finding's place (the finding of a rule whose findings are input errors
/// for the audit).
fn error_at(f: &Finding, index: Option<usize>, pod: &str) -> InputError {
    let e = InputError {
        file: f.file.clone().unwrap_or_default(),
        document: f.document,
        line: f.line,
        column: f.column,
        message: format!("pod `{pod}`: {}", f.message),
    };
    in_item(e, index)
}

/// The container a finding is about: the one whose path the finding's path is in, else the one
/// of its name (a setting inherited from the pod's `securityContext` is found at the pod).
fn container_of(f: &Finding, pod: &PodSpec<'_>, paths: &[String]) -> Option<usize> {
    let path = f.path.as_deref().unwrap_or("");
    let by_path = paths
        .iter()
        .position(|p| path.strip_prefix(p.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')));
    by_path.or_else(|| {
        let name = f.container.as_deref()?;
        pod.containers.iter().position(|c| c.name == name)
    })
}

/// Whether the container sets no `runAsUser` (nor does its pod): it runs as the image's user.
fn image_user(c: &Container<'_>) -> bool {
    matches!(c.run_as_user.value, Lenient::Absent)
}

/// Sorts one pod's findings into the sections.
fn audit_pod(acc: &mut Acc, obj: &K8sObject<'_>, pod: &PodSpec<'_>, findings: Vec<&Finding>, index: Option<usize>) {
    acc.pods += 1;
    let namespace = obj.namespace().unwrap_or("default").to_owned();
    let name = obj.name().unwrap_or("<unnamed>").to_owned();
    let owner = workload(obj, &name);
    let digests = status_digests(obj.node);
    let platform = node_platform(pod);
    let paths: Vec<String> = pod.containers.iter().map(|c| c.path.render()).collect();
    let mut per: Vec<Vec<&Finding>> = vec![Vec::new(); pod.containers.len()];
    for f in findings {
        if f.rule == InvalidFieldType::META.id.0 {
            acc.errors.push(error_at(f, index, &format!("{namespace}/{name}")));
            continue;
        }
        match container_of(f, pod, &paths).and_then(|i| per.get_mut(i)) {
            Some(list) => list.push(f),
            // Every finding of the audit's rules is about a container: one that is not is an
            // input the audit does not understand.
            None => acc.errors.push(error_at(f, index, &format!("{namespace}/{name}"))),
        }
    }
    for (c, found) in pod.containers.iter().zip(per) {
        acc.containers += 1;
        let at = ContainerRef {
            namespace: namespace.clone(),
            pod: name.clone(),
            container: c.name.to_owned(),
            container_kind: c.kind.noun().to_owned(),
            workload: owner.clone(),
        };
        if let Some(img) = c.image.valid() {
            let u = acc.images.entry(img.to_owned()).or_default();
            if let Some(d) = digests.get(c.name) {
                u.digests.insert((*d).to_owned());
            }
            u.platforms.extend(platform.clone());
            u.containers.push(at.clone());
        }
        let of = |rules: &[&RuleMeta]| -> Vec<AuditFinding> {
            found.iter().filter(|f| rules.iter().any(|r| r.id.0 == f.rule)).map(|f| AuditFinding::of(f)).collect()
        };
        let privileged = of(&[PrivilegedContainer::META]);
        if !privileged.is_empty() {
            acc.privileged.push(Flagged { at: at.clone(), findings: privileged });
        }
        // Root: UID 0, or no `runAsNonRoot: true` and no `runAsUser` (the image's user).
        let mut root = of(&[RunAsRootUser::META]);
        if image_user(c) {
            root.extend(of(&[RunAsNonRoot::META]));
        }
        if !root.is_empty() {
            acc.root.push(Flagged { at: at.clone(), findings: root });
        }
        let limits = of(&[CpuLimitMissing::META, MemoryLimitMissing::META]);
        if !limits.is_empty() {
            let missing = [(CpuLimitMissing::META, "cpu"), (MemoryLimitMissing::META, "memory")]
                .iter()
                .filter(|(m, _)| limits.iter().any(|f| f.rule == m.id.0))
                .map(|(_, r)| (*r).to_owned())
                .collect();
            acc.limits.push(MissingLimits { at, missing, findings: limits });
        }
    }
}

/// The path of the object a finding is about, within its item: the finding path's leading
/// `items[N]` segments (an item that is itself a List holds its objects there; an object's own
/// fields are never called `items`), empty for the item itself.
fn object_path(path: &str) -> &str {
    let mut end = 0;
    let mut rest = path;
    while let Some((digits, after)) = rest.strip_prefix("items[").and_then(|r| r.split_once(']')) {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        end = path.len() - after.len();
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None => break,
        }
    }
    path.get(..end).unwrap_or("")
}

/// Audits one object of the pods input: the item goes through the inventory and the checker as
/// a file of its own would.
fn audit_item(acc: &mut Acc, checker: &Checker, parse: &ParseOptions, item: ListItem) {
    let ListItem { index, document } = item;
    let root_pos = document.root.pos;
    let (file, doc_index) = (document.file.clone(), document.index);
    let sources = [Source::from_documents(&file, vec![document], parse)];
    let inventory = Inventory::new(&sources);
    acc.errors.extend(inventory.errors.iter().cloned().map(|e| in_item(e, index)));
    if inventory.objects.is_empty() && inventory.errors.is_empty() {
        let what = match index {
            Some(_) => "the item",
            None => "the document",
        };
        let e = InputError {
            file,
            document: Some(doc_index),
            line: Some(root_pos.line),
            column: Some(root_pos.column),
            message: format!(
                "{what} is not a Kubernetes object (a string `kind` and `apiVersion`): expected the pods of `kubectl get pods -A -o json`"
            ),
        };
        acc.errors.push(in_item(e, index));
        return;
    }
    let is_pod = |o: &K8sObject<'_>| o.kind == "Pod" && o.group().is_empty();
    if !inventory.objects.iter().any(is_pod) {
        acc.skipped += inventory.objects.len();
        return;
    }
    let found = checker.check_file(&inventory, 0);
    acc.suppressed += found.suppressed;
    let mut by_object: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &found.findings {
        by_object.entry(object_path(f.path.as_deref().unwrap_or(""))).or_default().push(f);
    }
    for (obj, pod) in inventory.objects_of(0) {
        if !is_pod(obj) {
            acc.skipped += 1;
            continue;
        }
        let reference = obj.reference();
        let mine: Vec<&Finding> = by_object
            .remove(obj.path.render().as_str())
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.object.as_ref() == Some(&reference))
            .collect();
        match pod {
            Some(pod) => audit_pod(acc, obj, pod, mine, index),
            None => {
                acc.pods += 1;
                let pod = format!("{}/{}", obj.namespace().unwrap_or("default"), obj.name().unwrap_or("<unnamed>"));
                if mine.is_empty() {
                    let (pos, _) = obj.doc.root.resolve(&obj.path);
                    let e = InputError {
                        file: obj.doc.file.clone(),
                        document: Some(obj.doc.index),
                        line: Some(pos.line),
                        column: Some(pos.column),
                        message: format!("pod `{pod}` has no `spec`: its containers cannot be audited"),
                    };
                    acc.errors.push(in_item(e, index));
                }
                // `spec` of the wrong type: `invalid-field-type` says so.
                acc.errors.extend(mine.iter().map(|f| error_at(f, index, &pod)));
            }
        }
    }
}

/// The metadata an image in use matches, and how; by repository only when `by_repository` is
/// given (not with registries, where every image has metadata of its own or none).
fn match_metadata<'a>(
    inventory: &Inventory<'a>,
    by_repository: Option<&HashMap<&str, Vec<&'a ImageMeta>>>,
    r: &ImageRef,
    digests: &BTreeSet<String>,
) -> Option<(&'a ImageMeta, &'static str)> {
    for d in r.digest.iter().chain(digests) {
        let by_digest = ImageRef { repository: r.repository.clone(), tag: None, digest: Some(d.clone()) };
        if let Some(m) = inventory.images_for(&by_digest).first() {
            return Some((m, "digest"));
        }
    }
    if r.effective_tag().is_some() {
        let by_tag = ImageRef { digest: None, ..r.clone() };
        if let Some(m) = inventory.images_for(&by_tag).first() {
            return Some((m, "tag"));
        }
    }
    match by_repository?.get(r.repository.as_str()).map(Vec::as_slice) {
        Some([only]) => Some((only, "repository")),
        _ => None,
    }
}

/// Where an `image-too-old` finding is: (file, document, line, column) of the metadata's
/// creation time.
type AtCreated<'f> = (&'f str, Option<usize>, Option<u32>, Option<u32>);

/// The metadata of an image in use, and how it was matched. With registries, the metadata
/// fetched for the image (`fetch`) is its own (`tag` when the tag identified it, else `digest`),
/// an image that could not be fetched has none, and no image is matched by repository alone
/// (`by_repository` is `None`).
fn metadata_of<'a>(
    inventory: &Inventory<'a>,
    by_repository: Option<&HashMap<&str, Vec<&'a ImageMeta>>>,
    by_file: &HashMap<&str, &'a ImageMeta>,
    fetch: Option<&RegistryImage>,
    image: &str,
    digests: &BTreeSet<String>,
) -> Option<(&'a ImageMeta, &'static str)> {
    match fetch {
        // an image the registry could not give has no metadata: not another tag's
        Some(f) if f.error.is_some() => None,
        // the metadata fetched for this very reference (and platform)
        Some(RegistryImage { metadata: Some(file), used, .. }) => {
            let how = if used.as_deref() == Some("tag") { "tag" } else { "digest" };
            by_file.get(file.as_str()).map(|m| (*m, how))
        }
        _ => ImageRef::parse(image).and_then(|r| match_metadata(inventory, by_repository, &r, digests)),
    }
}

/// Ages of the images in use, from the metadata of the image files, with the `image-too-old`
/// findings of the metadata; with registries (`registry`: what was fetched for each image), as
/// [`metadata_of`] matches.
fn image_ages(
    images: BTreeMap<String, ImageUse>,
    inventory: &Inventory<'_>,
    too_old: &HashMap<AtCreated<'_>, &Finding>,
    registry: Option<&[RegistryImage]>,
    now: Option<i64>,
) -> Vec<ImageAge> {
    let mut by_repository: HashMap<&str, Vec<&ImageMeta>> = HashMap::new();
    let mut by_file: HashMap<&str, &ImageMeta> = HashMap::new();
    for m in &inventory.images {
        let repos: BTreeSet<&str> = m.refs.iter().map(|r| r.repository.as_str()).collect();
        for repo in repos {
            by_repository.entry(repo).or_default().push(m);
        }
        by_file.entry(m.file.as_str()).or_insert(m);
    }
    let fetched: HashMap<&str, &RegistryImage> =
        registry.unwrap_or_default().iter().map(|f| (f.image.as_str(), f)).collect();
    let mut out: Vec<ImageAge> = images
        .into_iter()
        .map(|(image, u)| {
            let fetch = fetched.get(image.as_str()).copied();
            let guess = registry.is_none().then_some(&by_repository);
            let matched = metadata_of(inventory, guess, &by_file, fetch, &image, &u.digests);
            let meta = matched.map(|(m, _)| m);
            let created = meta.and_then(|m| m.created.as_ref());
            let usable = created.filter(|c| created_secs(&c.value).is_some());
            let finding = meta.zip(created).and_then(|(m, c)| {
                too_old.get(&(m.file.as_str(), Some(m.document), Some(c.pos.line), Some(c.pos.column)))
            });
            let mut containers = u.containers;
            containers.sort();
            ImageAge {
                image,
                created: usable.map(|c| c.value.clone()),
                age_days: usable.zip(now).and_then(|(c, n)| age_days(&c.value, n)),
                digest: meta.and_then(|m| m.refs.iter().find_map(|r| r.digest.clone())),
                metadata: meta.map(|m| m.file.clone()),
                matched_by: matched.map(|(_, how)| how.to_owned()),
                containers,
                finding: finding.map(|f| Box::new((*f).clone())),
                registry: fetch.cloned(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let ka = a.created.as_deref().and_then(created_secs);
        let kb = b.created.as_deref().and_then(created_secs);
        match (ka, kb) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.image.cmp(&b.image)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.image.cmp(&b.image),
        }
    });
    out
}

/// Reads the image metadata files through the front door: each must hold image metadata that
/// names an image (else it is an input error).
fn read_images(files: &[SourceFile], parse: &ParseOptions, errors: &mut Vec<InputError>) -> Vec<Source> {
    let sources: Vec<Source> = files.iter().map(|f| source::parse(f, parse)).collect();
    for s in &sources {
        errors.extend(s.errors.iter().cloned());
        if s.errors.is_empty() && s.images.is_empty() {
            errors.push(InputError::in_file(
                &s.name,
                "holds no image metadata: expected the output of `skopeo inspect docker://IMAGE` (or `docker inspect`, or a Trivy JSON report)".to_owned(),
            ));
        }
        for m in s.images.iter().filter(|m| m.refs.is_empty()) {
            errors.push(InputError {
                file: m.file.clone(),
                document: Some(m.document),
                line: Some(m.pos.line),
                column: Some(m.pos.column),
                message: format!(
                    "the {} names no image, so no pod's image can be matched to it: use the output of `skopeo inspect docker://IMAGE`",
                    m.source.describe()
                ),
            });
        }
    }
    sources
}

/// The pods of an audit, read and judged ([`read_pods`]): the sections are sorted out; the image
/// ages wait for the metadata ([`PodAudit::finish`]), which the caller may fetch meanwhile for the
/// images the pods run ([`PodAudit::images_in_use`]).
pub struct PodAudit {
    checker: Checker,
    now: Option<String>,
    file: String,
    opts: AuditOptions,
    acc: Acc,
}

impl std::fmt::Debug for PodAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PodAudit")
            .field("file", &self.file)
            .field("pods", &self.acc.pods)
            .field("images", &self.acc.images.len())
            .field("errors", &self.acc.errors.len())
            .finish_non_exhaustive()
    }
}

/// Reads and judges `kubectl get pods -A -o json` (JSON, or YAML from `-o yaml`) with "now"
/// (RFC 3339): the first step of [`audit`].
///
/// # Errors
/// [`Error::Request`] when `now` is not RFC 3339. Problems of the input (syntax, items that are
/// not objects, mistyped pods) are reported in [`AuditReport::errors`].
pub fn read_pods(pods: &SourceFile, now: Option<&str>, opts: &AuditOptions) -> Result<PodAudit, Error> {
    let mut config =
        Config { select: Some(AUDIT_RULES.iter().map(|m| m.name.to_owned()).collect()), ..Config::default() };
    config.options.image_max_age_days = Some(opts.max_image_age_days);
    let checker = Checker::new(&config, now)?;
    let parse = checker.parse_options().clone();
    let mut acc = Acc::default();
    let read = source::read_list_items(pods, &parse, &mut |item| audit_item(&mut acc, &checker, &parse, item));
    let mut errors = read.errors;
    if read.documents == 0 && errors.is_empty() {
        errors.push(InputError::in_file(
            &pods.name,
            "holds no documents: expected the output of `kubectl get pods -A -o json`".to_owned(),
        ));
    }
    errors.append(&mut acc.errors);
    // In the order of the input (the reader reports items without `kind` once the list is read).
    errors.sort_by_key(|e| (e.document, e.line, e.column));
    acc.errors = errors;
    Ok(PodAudit { checker, now: now.map(str::to_owned), file: pods.name.clone(), opts: *opts, acc })
}

impl PodAudit {
    /// What could not be read in the pods so far (the report's first [`AuditReport::errors`]),
    /// in input order.
    #[must_use]
    pub fn errors(&self) -> &[InputError] {
        &self.acc.errors
    }

    /// The images the pods run, as written, sorted, each with the digests its pods report
    /// running and the platforms their `nodeSelector`s name: what `audit --registry` fetches.
    #[must_use]
    pub fn images_in_use(&self) -> Vec<ImageInUse> {
        self.acc
            .images
            .iter()
            .map(|(image, u)| ImageInUse {
                image: image.clone(),
                running: u.digests.iter().cloned().collect(),
                platforms: u.platforms.iter().cloned().collect(),
            })
            .collect()
    }

    /// The audit, with image metadata files (`skopeo inspect` or `docker inspect` JSON, Trivy
    /// reports) and, when the metadata came from registries, what was fetched for each image in
    /// use (`registry`: the files it gave are among `images`). With `registry`, an image is
    /// matched to the file fetched for it alone; one that could not be fetched has an unknown age
    /// and is counted in [`AuditReport::images_unreachable`]; no image is matched by repository.
    /// Unusable metadata files are reported in [`AuditReport::errors`].
    #[must_use]
    pub fn finish(self, images: &[SourceFile], registry: Option<&[RegistryImage]>) -> AuditReport {
        let PodAudit { checker, now, file, opts, mut acc } = self;
        let mut errors = std::mem::take(&mut acc.errors);
        let image_sources = read_images(images, checker.parse_options(), &mut errors);
        let inventory = Inventory::new(&image_sources);
        let too_old: Vec<Finding> =
            (0..image_sources.len()).flat_map(|i| checker.check_file(&inventory, i).findings).collect();
        let too_old_at = too_old
            .iter()
            .filter_map(|f| Some(((f.file.as_deref()?, f.document, f.line, f.column), f)))
            .collect::<HashMap<AtCreated<'_>, &Finding>>();
        let now_secs = now.as_deref().and_then(crate::time::parse_rfc3339);
        let image_age = image_ages(std::mem::take(&mut acc.images), &inventory, &too_old_at, registry, now_secs);
        let images_unreachable = registry
            .map(|_| image_age.iter().filter(|i| i.registry.as_ref().is_some_and(|f| f.error.is_some())).count());
        let by_container = |a: &Flagged, b: &Flagged| a.at.cmp(&b.at);
        acc.privileged.sort_by(by_container);
        acc.root.sort_by(by_container);
        acc.limits.sort_by(|a, b| a.at.cmp(&b.at));
        AuditReport {
            version: AUDIT_VERSION,
            now,
            file,
            pods: acc.pods,
            containers: acc.containers,
            skipped: acc.skipped,
            suppressed: acc.suppressed,
            image_age,
            privileged: acc.privileged,
            running_as_root: acc.root,
            missing_limits: acc.limits,
            errors,
            max_image_age_days: opts.max_image_age_days,
            images_unreachable,
        }
    }
}

/// Audits `kubectl get pods -A -o json` (JSON, or YAML from `-o yaml`) with image metadata files
/// (`skopeo inspect` JSON) and "now" (RFC 3339): [`read_pods`], then [`PodAudit::finish`].
///
/// # Errors
/// [`Error::Request`] when `now` is not RFC 3339. Problems of the inputs (syntax, items that are
/// not objects, mistyped pods, unusable metadata) are reported in [`AuditReport::errors`].
pub fn audit(
    pods: &SourceFile,
    images: &[SourceFile],
    now: Option<&str>,
    opts: &AuditOptions,
) -> Result<AuditReport, Error> {
    Ok(read_pods(pods, now, opts)?.finish(images, None))
}

/// Whether an image age is beyond the report's maximum (the `image-too-old` rule's test).
#[must_use]
pub fn is_image_too_old(age_days: i64, r: &AuditReport) -> bool {
    is_too_old(age_days, i64::from(r.max_image_age_days))
}

/// The error of an unusable earlier audit or input, located.
fn input_error(file: &str, line: Option<u32>, column: Option<u32>, message: String) -> Error {
    Error::Input(InputError { file: file.to_owned(), document: None, line, column, message })
}

#[cfg(test)]
mod tests {
    use super::object_path;

    #[test]
    fn object_paths_within_an_item() {
        assert_eq!(object_path("spec.containers[0].image"), "");
        assert_eq!(object_path(""), "");
        assert_eq!(object_path("items[3].spec.volumes[0].configMap.items[1]"), "items[3]");
        assert_eq!(object_path("items[3].items[10].spec"), "items[3].items[10]");
        assert_eq!(object_path("items[2]"), "items[2]");
        assert_eq!(object_path("items[x].spec"), "");
    }
}
