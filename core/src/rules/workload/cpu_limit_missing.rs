use crate::api::Severity;
use crate::declare_rule;
use crate::model::{ContainerKind, PodSpec};
use crate::rules::workload::common::report_missing_limit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.limits.cpu`. Ephemeral
    /// containers are exempt: Kubernetes does not let them declare resources.
    /// A container that sets neither the request nor the limit is reported once, by
    /// `cpu-request-missing`, whose message says both.
    ///
    /// ## Why is this bad?
    /// Without a CPU limit one container can use every idle core of its node and starve
    /// neighbours that burst at the same time — a runaway loop or a CPU-mining payload affects
    /// every pod on the node. Some teams leave CPU limits off on purpose to avoid throttling;
    /// the default severity is low for that reason, and config can turn the rule off.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       requests:
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
    /// Unsafe: sets the limit of `fix.resources.limits.cpu` (default `1`), or the
    /// container's request when that is higher. A program that needs more is throttled. No fix for a
    /// value of the wrong type.
    pub CpuLimitMissing {
        id: "POD015",
        name: "cpu-limit-missing",
        severity: Severity::Low,
        title: "Container has no CPU limit",
        help: "set `resources.limits.cpu` on the container",
        references: ["Kubernetes documentation: Resource Management for Pods and Containers", "NSA/CISA Kubernetes Hardening Guide: resource policies"],
        peers: ["checkov:CKV_K8S_11", "trivy:KSV-0011", "kube-linter:unset-cpu-requirements", "kube-score:container-resources", "polaris:cpuLimitsMissing"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for CpuLimitMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in pod.containers.iter().filter(|c| c.kind != ContainerKind::Ephemeral) {
            report_missing_limit(Self::META, pod, c, "cpu", cx, out);
        }
    }
}
