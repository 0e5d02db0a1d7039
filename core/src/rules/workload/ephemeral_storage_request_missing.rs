use crate::api::Severity;
use crate::declare_rule;
use crate::model::{ContainerKind, PodSpec};
use crate::rules::workload::common::{report_missing_resource, ResourceSide};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.requests.ephemeral-storage`. Ephemeral
    /// containers are exempt: Kubernetes does not let them declare resources.
    ///
    /// ## Why is this bad?
    /// Writable layers, logs and `emptyDir` volumes use the node's local disk. Without an
    /// ephemeral-storage request the scheduler does not account for that use, so pods that write
    /// a lot pile up on one node until its disk fills and the kubelet starts evicting.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     resources:
    ///       limits:
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
    /// Safe when the container has a `ephemeral-storage` limit: the fix sets the request to it, the value
    /// Kubernetes already uses when no request is set. Unsafe otherwise: it sets the request of
    /// `fix.resources.requests.ephemeral-storage` (default `256Mi`), which the scheduler then reserves
    /// and which may not be what the program needs. No fix for a value of the wrong type.
    pub EphemeralStorageRequestMissing {
        id: "POD017",
        name: "ephemeral-storage-request-missing",
        severity: Severity::Low,
        title: "Container has no ephemeral-storage request",
        references: ["Kubernetes documentation: Local ephemeral storage"],
        peers: ["kube-score:container-ephemeral-storage-request-and-limit"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for EphemeralStorageRequestMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in pod.containers.iter().filter(|c| c.kind != ContainerKind::Ephemeral) {
            report_missing_resource(Self::META, pod, c, ResourceSide::Requests, "ephemeral-storage", cx, out);
        }
    }
}
