use crate::api::Severity;
use crate::declare_rule;
use crate::model::{ContainerKind, PodSpec};
use crate::rules::workload::common::report_missing_limit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.limits.memory`. Ephemeral
    /// containers are exempt: Kubernetes does not let them declare resources.
    /// A container that sets neither the request nor the limit is reported once, by
    /// `memory-request-missing`, whose message says both.
    ///
    /// ## Why is this bad?
    /// Without a memory limit a leak or an attack that allocates memory grows until the node
    /// runs out; the kernel's OOM killer then picks victims across the node, not just this
    /// container. A limit confines the damage to the container that misbehaves.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       requests:
    ///         memory: 256Mi
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
    /// Unsafe: sets the limit of `fix.resources.limits.memory` (default `512Mi`), or the
    /// container's request when that is higher. A program that needs more is killed. No fix for a
    /// value of the wrong type.
    pub MemoryLimitMissing {
        id: "POD016",
        name: "memory-limit-missing",
        severity: Severity::Medium,
        title: "Container has no memory limit",
        help: "set `resources.limits.memory` on the container",
        references: ["Kubernetes documentation: Resource Management for Pods and Containers", "NSA/CISA Kubernetes Hardening Guide: resource policies"],
        peers: ["checkov:CKV_K8S_13", "trivy:KSV-0018", "kube-linter:unset-memory-requirements", "kube-score:container-resources", "polaris:memoryLimitsMissing"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for MemoryLimitMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in pod.containers.iter().filter(|c| c.kind != ContainerKind::Ephemeral) {
            report_missing_limit(Self::META, pod, c, "memory", cx, out);
        }
    }
}
