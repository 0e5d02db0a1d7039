use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::check_request;
use crate::rules::workload::EphemeralStorageLimitMissing;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every init and regular container without `resources.requests.ephemeral-storage` and without
    /// `resources.limits.ephemeral-storage`: when only the limit is set, Kubernetes copies it into the
    /// request, so nothing is missing. No request and no limit is one problem, one finding: this
    /// one, which says both (`ephemeral-storage-limit-missing` does not report the same container again, and this
    /// finding takes its severity when that is higher). Ephemeral containers are exempt:
    /// Kubernetes does not let them declare resources.
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
    /// Unsafe: it sets the request of `fix.resources.requests.ephemeral-storage` (default `256Mi`),
    /// which the scheduler then reserves and which may not be what the program needs (a container
    /// with a limit has no finding: Kubernetes uses the limit as the request). No fix for a value
    /// of the wrong type.
    pub EphemeralStorageRequestMissing {
        id: "POD017",
        name: "ephemeral-storage-request-missing",
        severity: Severity::Low,
        title: "Container has no ephemeral-storage request",
        help: "set `resources.requests.ephemeral-storage` on the container",
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
        check_request(Self::META, EphemeralStorageLimitMissing::META, pod, cx, out, "ephemeral-storage");
    }
}
