//! The inventory: every Kubernetes object, pod spec and image of the input, extracted once from
//! the parsed files ([`crate::source::Source`]) and indexed, so that every rule reads the same
//! views and every cross-resource lookup is a hash lookup (each rule stays linear in the input).
//!
//! - objects (List items expanded) and the pod specs of pod-bearing objects, in input order, with
//!   the range of each file (per-file rules run file by file, in parallel if the caller likes);
//! - indexes by kind and by identity (kind, namespace, name);
//! - image metadata of every file, indexed by the keys references match on (digest, repository
//!   and tag);
//! - the NetworkPolicy model ([`NetworkModel`]), built on first use and shared by every rule that
//!   needs it.
//!
//! Extraction problems (a document that looks like an object but cannot be one) are input errors
//! ([`Inventory::errors`]).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use super::{Document, K8sObject, NsKey, PodSpec};
use crate::api::{Cluster, InputError};
use crate::image::{ImageMeta, ImageRef};
use crate::location::FieldPath;
use crate::netpol::NetworkModel;
use crate::source::Source;

/// The objects of one file, extracted: see [`Inventory::extract`].
#[derive(Debug, Default)]
pub struct SourceObjects<'a> {
    objects: Vec<K8sObject<'a>>,
    /// (index of the object in `objects`, its pod spec)
    pods: Vec<(usize, PodSpec<'a>)>,
    errors: Vec<InputError>,
    /// Documents (indexes in the file's `documents`) that are no Kubernetes object at all.
    unread: Vec<usize>,
    /// What the model of its pods is taken to cost ([`crate::memory`]).
    model_bytes: usize,
}

/// Where one file's objects and pod specs are in the inventory.
#[derive(Clone, Debug, Default)]
struct FileSpan {
    objects: Range<usize>,
    pods: Range<usize>,
    unread: Vec<usize>,
}

/// What a command reads, for [`Inventory::content_errors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// `scan`: Kubernetes objects, Dockerfiles, image metadata, Trivy reports.
    Everything,
    /// `pss`, `netpol`: Kubernetes objects only.
    Objects,
}

/// The hash of an object's identity: kind, cluster, namespace (none for cluster-scoped kinds),
/// name.
fn identity(kind: &str, cluster: u32, namespace: Option<NsKey<'_>>, name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (kind, cluster, namespace, name).hash(&mut h);
    h.finish()
}

/// Every object, pod spec and image of the input, indexed. Built once per check.
#[derive(Debug)]
pub struct Inventory<'a> {
    /// The parsed files, in input order.
    pub sources: &'a [Source],
    /// Every Kubernetes object (List items expanded), in input order.
    pub objects: Vec<K8sObject<'a>>,
    /// The pod specs of pod-bearing objects, in input order.
    pub pods: Vec<PodSpec<'a>>,
    /// Image metadata of every file.
    pub images: Vec<&'a ImageMeta>,
    /// Documents that look like Kubernetes objects but cannot be one.
    pub errors: Vec<InputError>,
    /// For each object, the index of its pod spec in `pods`.
    pod_of: Vec<Option<usize>>,
    files: Vec<FileSpan>,
    by_kind: HashMap<&'a str, Vec<usize>>,
    /// The first object of each identity hash; `same_identity` chains the others in input order
    /// (no allocation per object).
    by_identity: HashMap<u64, usize>,
    same_identity: Vec<Option<usize>>,
    image_keys: HashMap<String, Vec<usize>>,
    network: OnceLock<NetworkModel<'a>>,
    clusters: Vec<Cluster>,
    /// For each `default` namespace of a directory (scope id − 1): its cluster and directory.
    scopes: Vec<(u32, String)>,
    /// The findings kept so far by the checks of this inventory (`Checker::with_max_findings`).
    pub(crate) findings_kept: std::sync::atomic::AtomicUsize,
    /// How many findings a check of this inventory may keep within the memory bound
    /// ([`crate::memory::findings_budget`]).
    pub findings_budget: usize,
}

impl<'a> Inventory<'a> {
    /// The inventory of parsed files.
    #[must_use]
    pub fn new(sources: &'a [Source]) -> Self {
        let parts = sources.iter().map(Self::extract).collect();
        Self::from_parts(sources, parts)
    }

    /// Extracts the objects and pod specs of one file. Independent per file: a caller may run it
    /// in parallel and hand the parts, in the order of `sources`, to [`Inventory::from_parts`].
    #[must_use]
    ///
    /// The model of the pods stays within [`crate::memory::model_budget`]: the pods beyond it
    /// are not read (their containers are counted first), and the file gets an input error that
    /// says how many.
    pub fn extract(source: &'a Source) -> SourceObjects<'a> {
        let mut out = SourceObjects::default();
        let budget = crate::memory::model_budget(source.bytes, source.tree_bytes);
        // Pods and containers left out for the budget: (pods, containers, the first one's place).
        let mut left_out: (usize, usize, Option<InputError>) = (0, 0, None);
        for (d, doc) in source.documents.iter().enumerate() {
            let ex = K8sObject::extract(doc);
            if ex.objects.is_empty() && ex.problems.is_empty() && !is_list(&doc.root) {
                out.unread.push(d);
            }
            out.errors.extend(ex.problems.into_iter().map(|(path, message)| problem_error(doc, &path, message)));
            for obj in ex.objects {
                if let Some(at) = PodSpec::locate(&obj) {
                    let containers = at.containers();
                    let cost = crate::memory::POD_BYTES
                        .saturating_add(containers.saturating_mul(crate::memory::CONTAINER_BYTES));
                    if left_out.0 > 0 || out.model_bytes.saturating_add(cost) > budget {
                        left_out.0 += 1;
                        left_out.1 += containers;
                        left_out.2.get_or_insert_with(|| problem_error(doc, &obj.path, String::new()));
                    } else {
                        out.model_bytes += cost;
                        out.pods.push((out.objects.len(), PodSpec::read_at(&obj, at)));
                    }
                }
                out.objects.push(obj);
            }
        }
        if let (pods, containers, Some(mut e)) = left_out {
            e.message = format!(
                "{pods} pod specs ({containers} containers) of this input, from here on, were not checked: reading them would take more than the {} that a check of an input of {} may give them (a check stays within 4 × its input + 100 MB); split the input",
                crate::memory::size(budget),
                crate::memory::size(source.bytes)
            );
            out.errors.push(e);
        }
        out
    }

    /// The inventory from the parts [`Inventory::extract`] gave for each of `sources`, in order.
    #[must_use]
    pub fn from_parts(sources: &'a [Source], parts: Vec<SourceObjects<'a>>) -> Self {
        let findings_budget = crate::memory::findings_budget(
            sources.iter().map(|s| s.bytes).sum(),
            sources.iter().map(|s| s.tree_bytes).sum(),
            parts.iter().map(|p| p.model_bytes).sum(),
        );
        let n_objects = parts.iter().map(|p| p.objects.len()).sum();
        let n_pods = parts.iter().map(|p| p.pods.len()).sum();
        let mut inv = Inventory {
            sources,
            objects: Vec::with_capacity(n_objects),
            pods: Vec::with_capacity(n_pods),
            images: sources.iter().flat_map(|s| s.images.iter()).collect(),
            errors: Vec::new(),
            pod_of: Vec::with_capacity(n_objects),
            files: Vec::with_capacity(parts.len()),
            by_kind: HashMap::new(),
            by_identity: HashMap::new(),
            same_identity: Vec::new(),
            image_keys: HashMap::new(),
            network: OnceLock::new(),
            clusters: Vec::new(),
            scopes: Vec::new(),
            findings_kept: std::sync::atomic::AtomicUsize::new(0),
            findings_budget,
        };
        let mut cluster_ids: HashMap<Option<&str>, u32> = HashMap::new();
        let mut scope_ids: HashMap<(u32, &str), u32> = HashMap::new();
        for (source, mut part) in sources.iter().zip(parts) {
            let cluster = *cluster_ids.entry(source.scope.input.as_deref()).or_insert_with(|| {
                inv.clusters.push(Cluster { input: source.scope.input.clone(), ..Cluster::default() });
                u32::try_from(inv.clusters.len() - 1).unwrap_or(u32::MAX)
            });
            if let Some(c) = inv.clusters.get_mut(cluster as usize) {
                c.files += 1;
            }
            let implicit = part
                .objects
                .iter()
                .chain(part.pods.iter().map(|(_, p)| &p.object))
                .any(|o| o.is_namespaced() && o.namespace_field().is_none());
            let scope = match source.scope.directory.as_deref() {
                Some(dir) if implicit => *scope_ids.entry((cluster, dir)).or_insert_with(|| {
                    inv.scopes.push((cluster, dir.to_owned()));
                    if let Some(c) = inv.clusters.get_mut(cluster as usize) {
                        c.default_namespaces.push(dir.to_owned());
                    }
                    u32::try_from(inv.scopes.len()).unwrap_or(u32::MAX)
                }),
                _ => 0,
            };
            for o in part.objects.iter_mut().chain(part.pods.iter_mut().map(|(_, p)| &mut p.object)) {
                o.cluster = cluster;
                o.scope = if o.is_namespaced() && o.namespace_field().is_none() { scope } else { 0 };
            }
            let first_object = inv.objects.len();
            let first_pod = inv.pods.len();
            inv.pod_of.resize(first_object + part.objects.len(), None);
            for (o, pod) in part.pods {
                if let Some(slot) = inv.pod_of.get_mut(first_object + o) {
                    *slot = Some(inv.pods.len());
                }
                inv.pods.push(pod);
            }
            inv.objects.extend(part.objects);
            inv.errors.extend(part.errors);
            inv.files.push(FileSpan {
                objects: first_object..inv.objects.len(),
                pods: first_pod..inv.pods.len(),
                unread: part.unread,
            });
        }
        for (i, o) in inv.objects.iter().enumerate() {
            inv.by_kind.entry(o.kind).or_default().push(i);
        }
        inv.same_identity = vec![None; inv.objects.len()];
        inv.by_identity.reserve(inv.objects.len());
        // Backwards, so that each chain runs in input order.
        for (i, o) in inv.objects.iter().enumerate().rev() {
            if let Some(name) = o.name() {
                let next = inv.by_identity.insert(identity(o.kind, o.cluster, o.ns_key(), name), i);
                if let Some(slot) = inv.same_identity.get_mut(i) {
                    *slot = next;
                }
            }
        }
        for (i, m) in inv.images.iter().enumerate() {
            for key in m.refs.iter().flat_map(ImageRef::keys) {
                let list = inv.image_keys.entry(key).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        inv
    }

    /// The documents of every file.
    pub fn documents(&self) -> impl Iterator<Item = &'a Document> + '_ {
        self.sources.iter().flat_map(|s| s.documents.iter())
    }

    /// The objects of file `file` (an index into [`Inventory::sources`]), each with its pod spec
    /// when it is pod-bearing.
    pub fn objects_of(&self, file: usize) -> impl Iterator<Item = (&K8sObject<'a>, Option<&PodSpec<'a>>)> + '_ {
        let range = self.files.get(file).map_or(0..0, |f| f.objects.clone());
        range.filter_map(move |i| {
            let obj = self.objects.get(i)?;
            let pod = self.pod_of.get(i).copied().flatten().and_then(|p| self.pods.get(p));
            Some((obj, pod))
        })
    }

    /// The pod specs of file `file`.
    #[must_use]
    pub fn pods_of(&self, file: usize) -> &[PodSpec<'a>] {
        self.files.get(file).and_then(|f| self.pods.get(f.pods.clone())).unwrap_or_default()
    }

    /// Objects of one kind, in input order.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &K8sObject<'a>> + '_ {
        let idx = self.by_kind.get(kind).map(Vec::as_slice).unwrap_or_default();
        idx.iter().filter_map(|&i| self.objects.get(i))
    }

    /// Every namespaced object of kind `kind` named `name` in namespace `ns`, in input order
    /// (more than one when the input defines an object twice).
    pub fn get<'s>(
        &'s self,
        kind: &'s str,
        ns: NsKey<'s>,
        name: &'s str,
    ) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        self.lookup(kind, ns.cluster, Some(ns), name)
    }

    /// Every cluster-scoped object of kind `kind` named `name` in cluster `cluster`, in input
    /// order.
    pub fn get_cluster_scoped<'s>(
        &'s self,
        kind: &'s str,
        cluster: u32,
        name: &'s str,
    ) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        self.lookup(kind, cluster, None, name)
    }

    fn lookup<'s>(
        &'s self,
        kind: &'s str,
        cluster: u32,
        ns: Option<NsKey<'s>>,
        name: &'s str,
    ) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        let first = self.by_identity.get(&identity(kind, cluster, ns, name)).copied();
        std::iter::successors(first, |&i| self.same_identity.get(i).copied().flatten())
            .filter_map(|i| self.objects.get(i))
            .filter(move |o| o.kind == kind && o.cluster == cluster && o.ns_key() == ns && o.name() == Some(name))
    }

    /// The Namespace objects of namespace `ns` (more than one when the input defines it twice):
    /// those named `ns.name` in its cluster. The `default` namespace of a directory's objects
    /// without a namespace is described by the cluster's Namespace `default`, if the input has one.
    pub fn namespaces<'s>(&'s self, ns: NsKey<'s>) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        self.get_cluster_scoped("Namespace", ns.cluster, ns.name).filter(|o| o.group().is_empty())
    }

    /// The clusters of the input, in input order: which files were treated as one cluster, and
    /// which directories have a `default` namespace of their own.
    #[must_use]
    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// The directory whose objects without a namespace make up namespace `ns`: `Some` for the
    /// `default` namespace of a directory, `None` for a namespace named in a manifest.
    #[must_use]
    pub fn default_directory(&self, ns: NsKey<'_>) -> Option<&str> {
        let i = usize::try_from(ns.scope).ok()?.checked_sub(1)?;
        self.scopes.get(i).map(|(_, dir)| dir.as_str())
    }

    /// A namespace for messages: `` `shop` ``, `` `default` of `k8s/app` `` for the `default` of a
    /// directory's objects without a namespace when its cluster has more than one such
    /// directory, with `` (input `x`) `` when the input has more than one cluster.
    #[must_use]
    pub fn describe_ns(&self, ns: NsKey<'_>) -> String {
        let mut s = format!("`{}`", ns.name);
        let split = self.clusters.get(ns.cluster as usize).is_some_and(|c| c.default_namespaces.len() > 1);
        if let Some(dir) = self.default_directory(ns).filter(|_| split) {
            s.push_str(&format!(" of `{dir}`"));
        }
        if self.clusters.len() > 1 {
            if let Some(input) = self.clusters.get(ns.cluster as usize).and_then(|c| c.input.as_deref()) {
                s.push_str(&format!(" (input `{input}`)"));
            }
        }
        s
    }

    /// The image metadata that matches a reference ([`ImageMeta::matches`]: by digest, or by
    /// repository and tag), in input order.
    #[must_use]
    pub fn images_for(&self, r: &ImageRef) -> Vec<&'a ImageMeta> {
        let mut idx: Vec<usize> = r
            .keys()
            .iter()
            .flat_map(|k| self.image_keys.get(k).map(Vec::as_slice).unwrap_or_default())
            .copied()
            .collect();
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().filter_map(|i| self.images.get(i).copied()).filter(|m| m.matches(r)).collect()
    }

    /// Every input error, in input order: what the front door could not read (per file), then
    /// documents that look like Kubernetes objects but cannot be one.
    pub fn input_errors(&self) -> impl Iterator<Item = &InputError> + '_ {
        self.sources.iter().flat_map(|s| s.errors.iter()).chain(&self.errors)
    }

    /// Input errors for what the command does not read, when every input must hold something it
    /// reads ([`crate::api::InputPolicy::require_content`]): each document that is no Kubernetes
    /// object (`hello`, a mapping without `kind`) — nor, for [`Reads::Everything`], image metadata
    /// or a Trivy report — and, for [`Reads::Objects`], each Dockerfile and each document of image
    /// metadata or a Trivy report. An empty input (no document: `""`, comments only) holds nothing
    /// and is no error. Messages never quote the document's values.
    /// A file the front door recognised as none of kubeharden's inputs
    /// ([`Source::not_input`](crate::source::Source::not_input): a kustomization, a values file, a
    /// report kubeharden wrote, ...) is an input error too.
    #[must_use]
    pub fn content_errors(&self, reads: Reads) -> Vec<InputError> {
        let mut out = Vec::new();
        for (source, span) in self.sources.iter().zip(&self.files) {
            if let Some(e) = &source.not_input {
                out.push(e.clone());
                continue;
            }
            if !source.errors.is_empty() {
                continue;
            }
            if source.kind == crate::api::SourceKind::Dockerfile {
                if reads == Reads::Objects {
                    let message = "a Dockerfile holds no Kubernetes object".to_owned();
                    out.push(InputError::in_file(&source.name, message));
                }
                continue;
            }
            if span.unread.is_empty() {
                continue;
            }
            let artifacts: std::collections::HashSet<usize> =
                source.images.iter().map(|m| m.document).chain(source.trivy.as_ref().map(|t| t.document)).collect();
            for doc in span.unread.iter().filter_map(|&i| source.documents.get(i)) {
                let message = match (artifacts.contains(&doc.index), reads) {
                    (true, Reads::Everything) => continue,
                    (true, Reads::Objects) => "image metadata or a Trivy report, not a Kubernetes object".to_owned(),
                    (false, _) => format!("not a Kubernetes object: {}", what_it_is(&doc.root)),
                };
                out.push(InputError {
                    file: source.name.clone(),
                    document: Some(doc.index),
                    line: Some(doc.root.pos.line),
                    column: Some(doc.root.pos.column),
                    message,
                });
            }
        }
        out
    }

    /// The files left out because they are none of kubeharden's inputs, with why and what to run
    /// instead ([`Source::not_input`](crate::source::Source::not_input)): a command's `skipped`
    /// list, unless every input must hold content ([`Inventory::content_errors`] then has them).
    #[must_use]
    pub fn skipped(&self, inputs: crate::api::InputPolicy) -> Vec<InputError> {
        if inputs.require_content {
            return Vec::new();
        }
        self.sources.iter().filter_map(|s| s.not_input.clone()).collect()
    }

    /// The NetworkPolicy model of the input: built on first use, then shared.
    pub fn network(&self) -> &NetworkModel<'a> {
        self.network.get_or_init(|| NetworkModel::new(&self.objects, &self.pods))
    }
}

/// Whether a document is a `kind: List` (or `*List`) with `items`: an empty one holds nothing,
/// and is no error (`kubectl get pods -o yaml` in an empty namespace).
fn is_list(root: &crate::syntax::Node) -> bool {
    root.get("kind").and_then(crate::syntax::Node::as_str).is_some_and(|k| k.ends_with("List"))
        && root.get("items").is_some()
}

/// Why a document is no Kubernetes object, without quoting its values (they could be secrets).
fn what_it_is(root: &crate::syntax::Node) -> String {
    use crate::syntax::Value;
    let a = match &root.value {
        Value::Map(_) => {
            return match (root.get("kind"), root.get("apiVersion")) {
                (None, _) => "the document is a mapping without `kind`".to_owned(),
                (Some(_), None) => "the document has `kind` but no `apiVersion`".to_owned(),
                (Some(_), Some(_)) => "`kind` and `apiVersion` must be strings".to_owned(),
            }
        }
        Value::Str(_) => "a string",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Seq(_) => "a list",
    };
    format!("the document is {a}, not a mapping with `apiVersion` and `kind`")
}

/// An input error for a document that cannot be a Kubernetes object, located at `path`.
#[must_use]
pub fn problem_error(doc: &Document, path: &FieldPath, message: String) -> InputError {
    let (pos, _) = doc.root.resolve(path);
    InputError {
        file: doc.file.clone(),
        document: Some(doc.index),
        line: Some(pos.line),
        column: Some(pos.column),
        message,
    }
}
