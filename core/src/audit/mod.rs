//! The weekly audit over what actually runs: `kubectl get pods -A -o json` (a `kind: List`) and,
//! optionally, image metadata (`skopeo inspect` JSON). Four sections, as the checklist's audit
//! script has them — done right:
//!
//! - **image age**: every image in use with its created date and age in days, oldest first
//!   (unknown when no metadata matches; matched by digest — from the reference or from the pod's
//!   `status.containerStatuses[].imageID` — else by repository);
//! - **privileged containers**;
//! - **containers running as root**, from the *effective* settings (the container's
//!   `securityContext` over the pod's): `runAsUser: 0`, `runAsNonRoot: false`, or neither
//!   `runAsNonRoot: true` nor a non-zero `runAsUser`. The seed's jq, which looks at the pod-level
//!   `runAsNonRoot` alone, misses a container that sets `runAsNonRoot: false` or `runAsUser: 0`
//!   under a pod that says `true`, and flags pods whose containers all set it;
//! - **missing resource limits**: `limits.cpu` / `limits.memory` per container (init containers
//!   included, ephemeral ones exempt — Kubernetes does not allow them resources).
//!
//! Every entry names `namespace/pod`, the container, and the workload that owns the pod
//! (`Deployment/web` for a pod of ReplicaSet `web-7d4b9c8f5`), which keeps ticket fingerprints
//! stable across rollouts. Pure: text in, report out; "now" is an argument. Items are parsed one at
//! a time ([`items::list_items`]), so a 100 MB list never becomes one 500 MB tree.

pub mod image;
pub mod items;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::api::{Severity, SourceFile};
use crate::model::{ContainerKind, Document, K8sObject, Level, PodSpec};
use crate::report::tickets::{docs_section, Ticket};
use crate::rules::{fingerprint, registry};
use crate::syntax::{parse_json, parse_yaml, Limits, Node};
use crate::time::parse_rfc3339;

pub use image::{ImageMeta, ImageRef};

/// Version of the audit's JSON.
pub const AUDIT_VERSION: u32 = 1;

/// Options of the audit.
#[derive(Clone, Copy, Debug)]
pub struct AuditOptions {
    /// Images older than this many days get a ticket (the checklist's `image-too-old` default: 90).
    pub max_image_age_days: i64,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions { max_image_age_days: 90 }
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
    /// When it was built (`Created` of the metadata), if known.
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
    /// With metadata from registries (`audit --registry`): what was fetched, or why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryImage>,
}

/// What the registry client did for one image in use (`audit --registry`); the CLI fetches, the
/// audit only reports. An image with an `error` has no metadata: its age is unknown, never young.
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

/// A container that runs, or may run, as root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootContainer {
    /// The container.
    #[serde(flatten)]
    pub at: ContainerRef,
    /// Why, one sentence.
    pub reason: String,
}

/// A container without some resource limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingLimits {
    /// The container.
    #[serde(flatten)]
    pub at: ContainerRef,
    /// `cpu`, `memory`.
    pub missing: Vec<String>,
}

/// Something the audit could not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditError {
    /// The input (`pods` or an image metadata file).
    pub source: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

/// The audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    /// [`AUDIT_VERSION`].
    pub version: u32,
    /// "Now", as given.
    pub now: Option<String>,
    /// Pods read.
    pub pods: usize,
    /// Containers read (every kind).
    pub containers: usize,
    /// Items of the list that are not pods.
    pub skipped: usize,
    /// Images in use, oldest first, unknown ages last.
    pub image_age: Vec<ImageAge>,
    /// Privileged containers.
    pub privileged: Vec<ContainerRef>,
    /// Containers running as root (effective settings).
    pub running_as_root: Vec<RootContainer>,
    /// Containers without CPU or memory limits.
    pub missing_limits: Vec<MissingLimits>,
    /// Inputs that could not be read.
    pub errors: Vec<AuditError>,
    /// The age above which an image gets a ticket.
    pub max_image_age_days: i64,
    /// With `--registry`: images whose metadata could not be fetched (each says why in
    /// `image_age[].registry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_unreachable: Option<usize>,
}

#[derive(Default)]
struct ImageUse {
    digests: BTreeSet<String>,
    /// `os/arch` of the pods' `nodeSelector` (`kubernetes.io/os`, `kubernetes.io/arch`), if any.
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
    images: BTreeMap<String, ImageUse>,
    privileged: Vec<ContainerRef>,
    root: Vec<RootContainer>,
    limits: Vec<MissingLimits>,
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
            let digest = s.get("imageID").and_then(Node::as_str).and_then(image::status_digest);
            if let (Some(n), Some(d)) = (name, digest) {
                m.insert(n, d);
            }
        }
    }
    m
}

fn root_reason(c: &crate::model::Container<'_>) -> Option<String> {
    let level = |l: Level| match l {
        Level::Container => "the container",
        Level::Pod => "the pod",
        Level::Unset => "nothing",
    };
    match c.run_as_user.value.valid() {
        Some(0) => return Some(format!("`runAsUser: 0` set on {}", level(c.run_as_user.level))),
        Some(_) => return None,
        None => {}
    }
    match (c.run_as_non_root.value.valid(), c.run_as_non_root.level) {
        (Some(true), _) => None,
        (Some(false), Level::Container) => Some("`runAsNonRoot: false` on the container (overrides the pod)".to_owned()),
        (Some(false), _) => Some("`runAsNonRoot: false` on the pod".to_owned()),
        (None, _) => Some(
            "neither `runAsNonRoot: true` nor a non-zero `runAsUser`: runs as the image's user, root unless the image sets one"
                .to_owned(),
        ),
    }
}

fn audit_pod(acc: &mut Acc, obj: &K8sObject<'_>, pod: &PodSpec<'_>) {
    acc.pods += 1;
    let namespace = obj.namespace().unwrap_or("default").to_owned();
    let name = obj.name().unwrap_or("<unnamed>").to_owned();
    let owner = workload(obj, &name);
    let digests = status_digests(obj.node);
    let platform = node_platform(pod);
    for c in &pod.containers {
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
        if c.privileged.valid() == Some(true) {
            acc.privileged.push(at.clone());
        }
        if !pod.is_windows() {
            if let Some(reason) = root_reason(c) {
                acc.root.push(RootContainer { at: at.clone(), reason });
            }
        }
        if c.kind != ContainerKind::Ephemeral {
            let missing: Vec<String> =
                ["cpu", "memory"].iter().filter(|r| !c.resources.has_limit(r)).map(|r| (*r).to_owned()).collect();
            if !missing.is_empty() {
                acc.limits.push(MissingLimits { at, missing });
            }
        }
    }
}

fn audit_root(acc: &mut Acc, root: Node) {
    let doc = Document { file: String::new(), index: 0, root, source: None };
    let ex = K8sObject::extract(&doc);
    for obj in &ex.objects {
        match (obj.kind, obj.pod_spec()) {
            ("Pod", Some(pod)) => audit_pod(acc, obj, &pod),
            _ => acc.skipped += 1,
        }
    }
}

fn line_at(text: &str, offset: usize) -> u32 {
    let n = text.get(..offset).map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count());
    u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1)
}

fn image_ages(
    acc: &mut Acc,
    metas: &[ImageMeta],
    registry: Option<&[RegistryImage]>,
    now: Option<i64>,
) -> Vec<ImageAge> {
    let by_digest: HashMap<&str, &ImageMeta> =
        metas.iter().rev().filter_map(|m| Some((m.digest.as_deref()?, m))).collect();
    let by_tag: HashMap<(&str, &str), &ImageMeta> = metas
        .iter()
        .rev()
        .flat_map(|m| m.tags.iter().filter_map(move |t| Some(((m.name.as_deref()?, t.as_str()), m))))
        .collect();
    let by_name: HashMap<&str, &ImageMeta> = metas.iter().rev().filter_map(|m| Some((m.name.as_deref()?, m))).collect();
    let by_source: HashMap<&str, &ImageMeta> = metas.iter().map(|m| (m.source.as_str(), m)).collect();
    let fetched: HashMap<&str, &RegistryImage> =
        registry.unwrap_or_default().iter().map(|f| (f.image.as_str(), f)).collect();
    let mut out: Vec<ImageAge> = std::mem::take(&mut acc.images)
        .into_iter()
        .map(|(image, u)| {
            let r = ImageRef::parse(&image);
            let fetch = fetched.get(image.as_str()).map(|f| (*f).clone());
            let digest_match = r.digest.iter().chain(u.digests.iter()).find_map(|d| by_digest.get(d.as_str()).copied());
            let tag = r.tag.as_deref().or(if r.digest.is_none() { Some("latest") } else { None });
            let fetched_meta = fetch.as_ref().and_then(|f| f.metadata.as_deref());
            let (meta, how) = match (digest_match, tag.and_then(|t| by_tag.get(&(r.repository.as_str(), t)))) {
                // an image the registry could not give has no metadata: not another tag's
                _ if fetch.as_ref().is_some_and(|f| f.error.is_some()) => (None, None),
                // the metadata fetched for this very reference (and platform)
                _ if fetched_meta.is_some() => (
                    fetched_meta.and_then(|n| by_source.get(n).copied()),
                    Some(if fetch.as_ref().and_then(|f| f.used.as_deref()) == Some("tag") { "tag" } else { "digest" }),
                ),
                (Some(m), _) => (Some(m), Some("digest")),
                (None, Some(m)) => (Some(*m), Some("tag")),
                // with registries every image has its own metadata: no guess by repository
                (None, None) if registry.is_some() => (None, None),
                (None, None) => match by_name.get(r.repository.as_str()) {
                    Some(m) => (Some(*m), Some("repository")),
                    None => (None, None),
                },
            };
            let created_secs = meta.and_then(ImageMeta::created_secs);
            let mut containers = u.containers;
            containers.sort();
            ImageAge {
                image,
                created: created_secs.and(meta.and_then(|m| m.created.clone())),
                age_days: created_secs.zip(now).map(|(c, n)| (n - c).div_euclid(86_400)),
                digest: meta.and_then(|m| m.digest.clone()),
                metadata: meta.map(|m| m.source.clone()),
                matched_by: how.map(str::to_owned),
                containers,
                registry: fetch,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let ka = a.created.as_deref().and_then(parse_rfc3339);
        let kb = b.created.as_deref().and_then(parse_rfc3339);
        match (ka, kb) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.image.cmp(&b.image)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.image.cmp(&b.image),
        }
    });
    out
}

/// Reads the pods: every pod into `acc`, problems of one item into the errors.
fn read_pods(pods: &str) -> Result<(Acc, Vec<AuditError>), String> {
    let limits = Limits::default();
    let mut acc = Acc::default();
    let mut errors = Vec::new();
    let text = pods.strip_prefix('\u{feff}').unwrap_or(pods);
    if text.trim_start().starts_with('{') {
        let (_, items) =
            items::list_items(text).map_err(|e| format!("line {}: {}", line_at(text, e.offset), e.message))?;
        for (start, end) in items {
            let Some(item) = text.get(start..end) else { continue };
            match parse_json(item, &limits) {
                Ok(node) => audit_root(&mut acc, node),
                Err(e) => errors.push(AuditError {
                    source: "pods".to_owned(),
                    line: Some(line_at(text, start).saturating_add(e.line).saturating_sub(1)),
                    message: e.message,
                }),
            }
        }
    } else {
        let stream = parse_yaml(text, &limits);
        if let Some((_, e)) = &stream.error {
            errors.push(AuditError { source: "pods".to_owned(), line: Some(e.line), message: e.message.clone() });
        }
        for d in stream.documents {
            if let Some(root) = d.root {
                audit_root(&mut acc, root);
            }
        }
        if acc.pods == 0 && acc.skipped == 0 && errors.is_empty() {
            return Err("no pods: expected the output of `kubectl get pods -A -o json`".to_owned());
        }
    }
    Ok((acc, errors))
}

/// The images the pods run, as written, with the digests their nodes pulled: what
/// `audit --registry` fetches.
///
/// # Errors
/// As [`audit`].
pub fn images_in_use(pods: &str) -> Result<Vec<ImageInUse>, String> {
    let (acc, _) = read_pods(pods)?;
    Ok(acc
        .images
        .into_iter()
        .map(|(image, u)| ImageInUse {
            image,
            running: u.digests.into_iter().collect(),
            platforms: u.platforms.into_iter().collect(),
        })
        .collect())
}

/// Audits `kubectl get pods -A -o json` (JSON, or YAML from `-o yaml`) with image metadata files
/// (`skopeo inspect` JSON) and "now" (RFC 3339).
///
/// # Errors
/// A message when `now` is not RFC 3339 or the pods input is not a list at all; problems of one
/// item or one metadata file are reported in [`AuditReport::errors`] instead.
pub fn audit(pods: &str, images: &[SourceFile], now: Option<&str>, opts: &AuditOptions) -> Result<AuditReport, String> {
    audit_with_registry(pods, images, None, now, opts)
}

/// [`audit`] with the outcome of fetching each image in use from its registry (`registry`: one
/// entry per image, the metadata of those fetched in `images`). An image that could not be
/// fetched has an unknown age and is counted in [`AuditReport::images_unreachable`]; no image is
/// matched by repository alone.
///
/// # Errors
/// As [`audit`].
pub fn audit_with_registry(
    pods: &str,
    images: &[SourceFile],
    registry: Option<&[RegistryImage]>,
    now: Option<&str>,
    opts: &AuditOptions,
) -> Result<AuditReport, String> {
    let now_secs = match now {
        Some(n) => Some(parse_rfc3339(n).ok_or_else(|| format!("`{n}` is not an RFC 3339 date-time"))?),
        None => None,
    };
    let (mut acc, mut errors) = read_pods(pods)?;
    let mut metas = Vec::new();
    for f in images {
        match ImageMeta::from_json(&f.name, &f.content) {
            Ok(m) => metas.push(m),
            Err(message) => errors.push(AuditError { source: f.name.clone(), line: None, message }),
        }
    }
    let image_age = image_ages(&mut acc, &metas, registry, now_secs);
    let images_unreachable =
        registry.map(|_| image_age.iter().filter(|i| i.registry.as_ref().is_some_and(|f| f.error.is_some())).count());
    acc.privileged.sort();
    acc.root.sort_by(|a, b| a.at.cmp(&b.at));
    acc.limits.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(AuditReport {
        version: AUDIT_VERSION,
        now: now.map(str::to_owned),
        pods: acc.pods,
        containers: acc.containers,
        skipped: acc.skipped,
        image_age,
        privileged: acc.privileged,
        running_as_root: acc.root,
        missing_limits: acc.limits,
        errors,
        max_image_age_days: opts.max_image_age_days,
        images_unreachable,
    })
}

fn who(c: &ContainerRef) -> String {
    let kind = if c.container_kind == "container" { String::new() } else { format!(" ({})", c.container_kind) };
    format!("{}  container {}{kind}  [{}]", c.pod_path(), c.container, c.workload)
}

/// The audit as text: a header, then the four sections.
#[must_use]
pub fn render_text(r: &AuditReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Audit of {} pods ({} containers){}",
        r.pods,
        r.containers,
        r.now.as_deref().map(|n| format!(", now {n}")).unwrap_or_default()
    );
    for e in &r.errors {
        let line = e.line.map(|l| format!(":{l}")).unwrap_or_default();
        let _ = writeln!(out, "error: {}{line}: {}", e.source, e.message);
    }
    let unreachable = r.images_unreachable.map(|n| format!(", {n} not fetched")).unwrap_or_default();
    let _ = writeln!(out, "\n=== Image age ({} images{unreachable}, oldest first) ===", r.image_age.len());
    for i in &r.image_age {
        let age = match (i.age_days, &i.created, &i.registry) {
            (_, _, Some(RegistryImage { error: Some(e), error_kind, .. })) => {
                format!("age unknown (not fetched: {}: {e})", error_kind.as_deref().unwrap_or("error"))
            }
            (Some(d), Some(c), _) => {
                format!("built {c}, {d} days old{}", if d > r.max_image_age_days { " (too old)" } else { "" })
            }
            (None, Some(c), _) => format!("built {c}"),
            _ => match &i.metadata {
                Some(m) => format!("age unknown (`{m}` has no usable creation date)"),
                None => "age unknown (no image metadata)".to_owned(),
            },
        };
        let fetched = match &i.registry {
            Some(f @ RegistryImage { error: None, .. }) => format!(
                "\n    fetched by {} {}{}{}",
                f.used.as_deref().unwrap_or("reference"),
                f.digest.as_deref().unwrap_or(""),
                f.platform.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(),
                if f.cached { ", from the cache" } else { "" }
            ),
            _ => String::new(),
        };
        let mut pods: Vec<String> =
            i.containers.iter().map(|c| format!("{} ({})", c.pod_path(), c.container)).collect();
        let n = pods.len();
        pods.truncate(3);
        let more = if n > 3 { format!(" and {} more", n - 3) } else { String::new() };
        let _ = writeln!(out, "{}  {age}{fetched}\n    used by {}{more}", i.image, pods.join(", "));
    }
    let _ = writeln!(out, "\n=== Privileged containers ({}) ===", r.privileged.len());
    for c in &r.privileged {
        let _ = writeln!(out, "{}", who(c));
    }
    let _ = writeln!(out, "\n=== Containers running as root ({}) ===", r.running_as_root.len());
    for c in &r.running_as_root {
        let _ = writeln!(out, "{}\n    {}", who(&c.at), c.reason);
    }
    let _ = writeln!(out, "\n=== Missing resource limits ({}) ===", r.missing_limits.len());
    for c in &r.missing_limits {
        let _ = writeln!(out, "{}  no {} limit", who(&c.at), c.missing.join(" or "));
    }
    out
}

/// The audit as JSON.
#[must_use]
pub fn to_json(r: &AuditReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}

/// (key, severity, what, (rule name, fallback why, fallback fix), subject, detail)
type Entry<'r> = (Vec<&'r str>, Severity, &'static str, Docs, String, String);

/// The rule whose docs explain a section (when registered), and the words used otherwise.
type Docs = (&'static str, &'static str, &'static str);

struct Problem<'r> {
    severity: Severity,
    what: &'static str,
    docs: Docs,
    subject: String,
    details: Vec<String>,
    key: Vec<&'r str>,
}

const WHY_PRIVILEGED: &str =
    "A privileged container has every capability and all host devices: escaping it is root on the node.";
const FIX_PRIVILEGED: &str =
    "Remove `securityContext.privileged: true` from the workload; grant the one capability it needs instead.";
const WHY_ROOT: &str = "A process running as UID 0 is one kernel bug or mounted socket away from root on the node.";
const FIX_ROOT: &str = "Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` on the pod, and do not override them per container.";
const WHY_LIMITS: &str = "Without limits one container can starve its node of CPU or memory (and a memory leak takes the neighbours down with it).";
const FIX_LIMITS: &str =
    "Set `resources.limits.cpu` and `resources.limits.memory` on every container (and init container).";
const WHY_AGE: &str = "An old image misses every security fix of its base image since it was built.";
const FIX_AGE: &str =
    "Rebuild the image on a current base image, push it, and roll the workloads out; rebuild on a schedule.";

/// The audit as tickets: one per problem — container of a workload (replicas share it) × section,
/// and one per image older than the maximum age — with a fingerprint that survives rollouts.
#[must_use]
pub fn tickets(r: &AuditReport) -> Vec<Ticket> {
    let mut problems: Vec<Problem<'_>> = Vec::new();
    let mut index: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for c in &r.privileged {
        entries.push((
            vec!["privileged", &c.namespace, &c.workload, &c.container],
            Severity::Critical,
            "Privileged container",
            ("privileged-container", WHY_PRIVILEGED, FIX_PRIVILEGED),
            format!("{}/{} container {}", c.namespace, c.workload, c.container),
            c.pod_path(),
        ));
    }
    for c in &r.running_as_root {
        let a = &c.at;
        entries.push((
            vec!["root", &a.namespace, &a.workload, &a.container],
            Severity::High,
            "Container running as root",
            ("run-as-non-root", WHY_ROOT, FIX_ROOT),
            format!("{}/{} container {}", a.namespace, a.workload, a.container),
            format!("{}: {}", a.pod_path(), c.reason),
        ));
    }
    for c in &r.missing_limits {
        let a = &c.at;
        let sev = if c.missing.iter().any(|m| m == "memory") { Severity::Medium } else { Severity::Low };
        entries.push((
            vec!["limits", &a.namespace, &a.workload, &a.container],
            sev,
            "Missing resource limits",
            (
                if sev == Severity::Medium { "memory-limit-missing" } else { "cpu-limit-missing" },
                WHY_LIMITS,
                FIX_LIMITS,
            ),
            format!("{}/{} container {}", a.namespace, a.workload, a.container),
            format!("{}: no {} limit", a.pod_path(), c.missing.join(" or ")),
        ));
    }
    for i in &r.image_age {
        if let (Some(d), Some(created)) = (i.age_days, &i.created) {
            if d > r.max_image_age_days {
                entries.push((
                    vec!["image-age", &i.image],
                    Severity::Medium,
                    "Image too old",
                    ("image-too-old", WHY_AGE, FIX_AGE),
                    format!("{} ({d} days)", i.image),
                    format!(
                        "built {created}, {d} days old (maximum {}), used by {} containers",
                        r.max_image_age_days,
                        i.containers.len()
                    ),
                ));
            }
        }
    }
    for (key, severity, what, docs, subject, detail) in entries {
        match index.get(&key) {
            Some(&i) => {
                if let Some(p) = problems.get_mut(i) {
                    p.severity = p.severity.max(severity);
                    p.details.push(detail);
                }
            }
            None => {
                index.insert(key.clone(), problems.len());
                problems.push(Problem { severity, what, docs, subject, details: vec![detail], key });
            }
        }
    }
    let mut out: Vec<Ticket> = problems
        .into_iter()
        .map(|p| {
            let mut parts = vec!["audit"];
            parts.extend(p.key.iter().copied());
            let fp = fingerprint(&parts);
            let title = format!("[{}] {} in {}", p.severity, p.what, p.subject);
            let (rule, why, fix) = p.docs;
            let meta = registry::find(rule).map(|r| r.meta());
            let mut md = format!("## {title}\n\n- **Severity:** {}\n", p.severity);
            if let Some(m) = meta {
                let _ = writeln!(md, "- **Rule:** {} `{}`", m.id, m.name);
            }
            let _ = write!(md, "- **Fingerprint:** `{fp}`\n\n### Where\n\n");
            for d in &p.details {
                let _ = writeln!(md, "- {d}");
            }
            let why = meta.and_then(|m| docs_section(m, "Why is this bad?")).unwrap_or_else(|| why.to_owned());
            let fix = meta.and_then(|m| docs_section(m, "Fix")).unwrap_or_else(|| fix.to_owned());
            let _ = write!(md, "\n### Why\n\n{why}\n\n### How to fix\n\n{fix}\n");
            Ticket { fingerprint: fp, title, severity: p.severity, markdown: md }
        })
        .collect();
    out.sort_by_key(|t| std::cmp::Reverse(t.severity));
    out
}

/// Every ticket of the audit, separated by a horizontal rule.
#[must_use]
pub fn render_tickets(r: &AuditReport) -> String {
    let t = tickets(r);
    if t.is_empty() {
        return "No problems: no tickets.\n".to_owned();
    }
    t.iter().map(|t| t.markdown.clone()).collect::<Vec<_>>().join("\n---\n\n")
}

/// An audit's tickets compared with an earlier audit's, by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditComparison {
    /// Problems that are new since the earlier audit: the tickets to open.
    pub new: Vec<Ticket>,
    /// Problems in both.
    pub open: Vec<Ticket>,
    /// Problems of the earlier audit that are gone: the tickets to close.
    pub resolved: Vec<Ticket>,
}

/// Reads an earlier audit (`audit --format json`).
///
/// # Errors
/// A message when the text is not an audit of this version.
pub fn read_json(text: &str) -> Result<AuditReport, String> {
    let r: AuditReport = serde_json::from_str(text).map_err(|e| format!("not a kubeharden audit (JSON): {e}"))?;
    if r.version != AUDIT_VERSION {
        return Err(format!("audit version `{}` is not supported (expected {AUDIT_VERSION})", r.version));
    }
    Ok(r)
}

/// Compares the tickets of `current` with those of `earlier`.
#[must_use]
pub fn compare(current: &AuditReport, earlier: &AuditReport) -> AuditComparison {
    let now = tickets(current);
    let before = tickets(earlier);
    let before_fps: BTreeSet<&str> = before.iter().map(|t| t.fingerprint.as_str()).collect();
    let now_fps: BTreeSet<&str> = now.iter().map(|t| t.fingerprint.as_str()).collect();
    let resolved = before.iter().filter(|t| !now_fps.contains(t.fingerprint.as_str())).cloned().collect();
    let (open, new) = now.into_iter().partition(|t| before_fps.contains(t.fingerprint.as_str()));
    AuditComparison { new, open, resolved }
}

/// `Baseline: 2 new, 5 still open, 1 resolved` and the titles of the resolved tickets.
#[must_use]
pub fn render_comparison(c: &AuditComparison) -> String {
    let mut out =
        format!("Baseline: {} new, {} still open, {} resolved\n", c.new.len(), c.open.len(), c.resolved.len());
    for t in &c.resolved {
        let _ = writeln!(out, "  resolved: {} ({})", t.title, t.fingerprint);
    }
    out
}
