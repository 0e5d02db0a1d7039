use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::check_request;
use crate::rules::workload::CpuLimitMissing;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.requests.cpu` and without
    /// `resources.limits.cpu`: when only the limit is set, Kubernetes copies it into the
    /// request, so nothing is missing. No request and no limit is one problem, one finding: this
    /// one, which says both (`cpu-limit-missing` does not report the same container again, and this
    /// finding takes its severity when that is higher). Ephemeral containers are exempt:
    /// Kubernetes does not let them declare resources.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without a CPU request counts as
    /// needing none: the pod lands on crowded nodes, gets the lowest share of CPU under
    /// contention (its cgroup weight is the minimum), and autoscalers that work from requests
    /// cannot size it. A limit alone is enough for the scheduler (Kubernetes copies it as the
    /// request), though it then reserves the whole limit.
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
    ///         cpu: 250m
    ///       limits:
    ///         cpu: 250m
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: it sets the request of `fix.resources.requests.cpu` (default `100m`),
    /// which the scheduler then reserves and which may not be what the program needs (a container
    /// with a limit has no finding: Kubernetes uses the limit as the request). No fix for a value
    /// of the wrong type.
    pub CpuRequestMissing {
        id: "POD013",
        name: "cpu-request-missing",
        severity: Severity::Medium,
        title: "Container has no CPU request",
        help: "set `resources.requests.cpu` on the container",
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
        check_request(Self::META, CpuLimitMissing::META, pod, cx, out, "cpu");
    }
}
