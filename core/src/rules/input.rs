//! The whole input, indexed for cross-resource rules (namespaces, NetworkPolicies, admission).

use crate::model::{Document, K8sObject, PodSpec};

/// Every object and pod spec of the input, in input order.
#[derive(Debug)]
pub struct Input<'a> {
    /// All documents.
    pub documents: Vec<&'a Document>,
    /// All Kubernetes objects (List items expanded).
    pub objects: Vec<K8sObject<'a>>,
    /// The pod specs of pod-bearing objects.
    pub pods: Vec<PodSpec<'a>>,
    /// Image metadata of every file (for cross-checks of workloads against their images).
    pub images: Vec<&'a crate::image::ImageMeta>,
}

impl<'a> Input<'a> {
    /// Indexes documents.
    #[must_use]
    pub fn new(documents: Vec<&'a Document>) -> Self {
        let mut objects = Vec::new();
        for d in &documents {
            objects.extend(K8sObject::extract(d).objects);
        }
        let pods = objects.iter().filter_map(K8sObject::pod_spec).collect();
        Input { documents, objects, pods, images: Vec::new() }
    }

    /// Objects of one kind.
    pub fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s K8sObject<'a>> + 's {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// The Namespace object named `name`, if the input has one.
    #[must_use]
    pub fn namespace(&self, name: &str) -> Option<&K8sObject<'a>> {
        self.of_kind("Namespace").find(|o| o.name() == Some(name))
    }
}
