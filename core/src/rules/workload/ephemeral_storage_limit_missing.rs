use crate::api::Severity;
use crate::declare_rule;
use crate::model::{ContainerKind, PodSpec};
use crate::rules::workload::common::report_missing_limit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.limits.ephemeral-storage`. Ephemeral
    /// containers are exempt: Kubernetes does not let them declare resources.
    /// A container that sets neither the request nor the limit is reported once, by
    /// `ephemeral-storage-request-missing`, whose message says both.
    ///
    /// ## Why is this bad?
    /// Without an ephemeral-storage limit a container can fill the node's disk with logs,
    /// temporary files or its writable layer; disk pressure then makes the kubelet evict
    /// unrelated pods and can stop image pulls on the node. With a limit, only the offending pod
    /// is evicted.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       requests:
    ///         ephemeral-storage: 1Gi
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       requests:
    ///         ephemeral-storage: 1Gi
    ///       limits:
    ///         ephemeral-storage: 1Gi
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets the limit of `fix.resources.limits.ephemeral-storage` (default `1Gi`), or the
    /// container's request when that is higher. A program that needs more is killed. No fix for a
    /// value of the wrong type.
    pub EphemeralStorageLimitMissing {
        id: "POD018",
        name: "ephemeral-storage-limit-missing",
        severity: Severity::Medium,
        title: "Container has no ephemeral-storage limit",
        help: "set `resources.limits.ephemeral-storage` on the container",
        references: ["Kubernetes documentation: Local ephemeral storage"],
        peers: ["kube-score:container-ephemeral-storage-request-and-limit"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for EphemeralStorageLimitMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in pod.containers.iter().filter(|c| c.kind != ContainerKind::Ephemeral) {
            report_missing_limit(Self::META, pod, c, "ephemeral-storage", cx, out);
        }
    }
}
