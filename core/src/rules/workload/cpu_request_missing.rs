use crate::api::Severity;
use crate::declare_rule;
use crate::model::{ContainerKind, PodSpec};
use crate::rules::workload::common::{report_missing_resource, ResourceSide};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.requests.cpu`. Ephemeral
    /// containers are exempt: Kubernetes does not let them declare resources.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without a CPU request counts as
    /// needing none: the pod lands on crowded nodes, gets the lowest share of CPU under
    /// contention (its cgroup weight is the minimum), and autoscalers that work from requests
    /// cannot size it. If a limit is set, Kubernetes copies it as the request, which usually
    /// reserves far more than needed.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       limits:
    ///         cpu: 250m
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    ///       limits:
    ///         cpu: 250m
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the container has a `cpu` limit: the fix sets the request to it, the value
    /// Kubernetes already uses when no request is set. Unsafe otherwise: it sets the request of
    /// `fix.resources.requests.cpu` (default `100m`), which the scheduler then reserves
    /// and which may not be what the program needs. No fix for a value of the wrong type.
    pub CpuRequestMissing {
        id: "POD013",
        name: "cpu-request-missing",
        severity: Severity::Medium,
        title: "Container has no CPU request",
        references: ["Kubernetes documentation: Resource Management for Pods and Containers", "NSA/CISA Kubernetes Hardening Guide: resource policies"],
        peers: ["checkov:CKV_K8S_10", "trivy:KSV-0015", "kube-linter:unset-cpu-requirements", "kube-score:container-resources", "polaris:cpuRequestsMissing"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for CpuRequestMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in pod.containers.iter().filter(|c| c.kind != ContainerKind::Ephemeral) {
            report_missing_resource(Self::META, pod, c, ResourceSide::Requests, "cpu", cx, out);
        }
    }
}
