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

use super::{Document, K8sObject, PodSpec};
use crate::api::InputError;
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

/// The hash of an object's identity: kind, namespace (none for cluster-scoped kinds), name.
fn identity(kind: &str, namespace: Option<&str>, name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (kind, namespace, name).hash(&mut h);
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
    /// The findings kept so far by the checks of this inventory (`Checker::with_max_findings`).
    pub(crate) findings_kept: std::sync::atomic::AtomicUsize,
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
    pub fn extract(source: &'a Source) -> SourceObjects<'a> {
        let mut out = SourceObjects::default();
        for (d, doc) in source.documents.iter().enumerate() {
            let ex = K8sObject::extract(doc);
            if ex.objects.is_empty() && ex.problems.is_empty() && !is_list(&doc.root) {
                out.unread.push(d);
            }
            out.errors.extend(ex.problems.into_iter().map(|(path, message)| problem_error(doc, &path, message)));
            for obj in ex.objects {
                if let Some(pod) = obj.pod_spec() {
                    out.pods.push((out.objects.len(), pod));
                }
                out.objects.push(obj);
            }
        }
        out
    }

    /// The inventory from the parts [`Inventory::extract`] gave for each of `sources`, in order.
    #[must_use]
    pub fn from_parts(sources: &'a [Source], parts: Vec<SourceObjects<'a>>) -> Self {
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
            findings_kept: std::sync::atomic::AtomicUsize::new(0),
        };
        for part in parts {
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
                let next = inv.by_identity.insert(identity(o.kind, o.namespace(), name), i);
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

    /// Every object with this identity, in input order (more than one when the input defines an
    /// object twice). `namespace` is `None` for cluster-scoped kinds.
    pub fn get<'s>(
        &'s self,
        kind: &'s str,
        namespace: Option<&'s str>,
        name: &'s str,
    ) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        let first = self.by_identity.get(&identity(kind, namespace, name)).copied();
        std::iter::successors(first, |&i| self.same_identity.get(i).copied().flatten())
            .filter_map(|i| self.objects.get(i))
            .filter(move |o| o.kind == kind && o.namespace() == namespace && o.name() == Some(name))
    }

    /// The Namespace objects named `name` (more than one when the input defines it twice).
    pub fn namespaces<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        self.get("Namespace", None, name).filter(|o| o.group().is_empty())
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
    #[must_use]
    pub fn content_errors(&self, reads: Reads) -> Vec<InputError> {
        let mut out = Vec::new();
        for (source, span) in self.sources.iter().zip(&self.files) {
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
