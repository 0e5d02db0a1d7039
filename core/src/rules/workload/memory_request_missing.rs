use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::check_request;
use crate::rules::workload::MemoryLimitMissing;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.requests.memory` and without
    /// `resources.limits.memory`: when only the limit is set, Kubernetes copies it into the
    /// request, so nothing is missing. No request and no limit is one problem, one finding: this
    /// one, which says both (`memory-limit-missing` does not report the same container again, and this
    /// finding takes its severity when that is higher). Ephemeral containers are exempt:
    /// Kubernetes does not let them declare resources.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without a memory request counts
    /// as needing none, so nodes get overcommitted; under memory pressure the kubelet evicts
    /// pods that use more than they requested first, and the pod's QoS class drops to BestEffort
    /// or Burstable.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       requests:
    ///         memory: 256Mi
    ///       limits:
    ///         memory: 256Mi
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: it sets the request of `fix.resources.requests.memory` (default `128Mi`),
    /// which the scheduler then reserves and which may not be what the program needs (a container
    /// with a limit has no finding: Kubernetes uses the limit as the request). No fix for a value
    /// of the wrong type.
    pub MemoryRequestMissing {
        id: "POD014",
        name: "memory-request-missing",
        severity: Severity::Medium,
        title: "Container has no memory request",
        help: "set `resources.requests.memory` on the container",
        references: ["Kubernetes documentation: Resource Management for Pods and Containers", "NSA/CISA Kubernetes Hardening Guide: resource policies"],
        peers: ["checkov:CKV_K8S_12", "trivy:KSV-0016", "kube-linter:unset-memory-requirements", "kube-score:container-resources", "polaris:memoryRequestsMissing"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for MemoryRequestMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        check_request(Self::META, MemoryLimitMissing::META, pod, cx, out, "memory");
    }
}
