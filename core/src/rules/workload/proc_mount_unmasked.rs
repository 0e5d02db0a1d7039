use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::pss::checks::proc_mount_baseline;
use crate::rules::workload::common::pss_baseline_control;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `securityContext.procMount` is not `Default` (`Unmasked`), as the Pod
/// Security Standards' baseline level judges it at version `latest`, with Pod Security
/// Admission's own check: since 1.35 a pod in a user namespace (`hostUsers: false`) may unmask
/// `/proc`, and is not flagged.
    ///
    /// ## Why is this bad?
    /// The container runtime masks and makes read-only parts of `/proc` (`/proc/kcore`,
/// `/proc/sysrq-trigger`, `/proc/sys`) that expose or change the node's kernel. `Unmasked`
/// removes that protection; outside a user namespace the container then reaches the host's
/// kernel interfaces. A namespace that enforces `baseline` rejects such pods.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
///     securityContext:
///       procMount: Unmasked
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
///     securityContext:
///       procMount: Default
    /// ```
    pub ProcMountUnmasked {
        id: "POD026",
        name: "proc-mount-unmasked",
        severity: Severity::High,
        title: "Container unmasks /proc",
        help: "remove `procMount: Unmasked` (the default masks /proc)",
        references: ["Pod Security Standards (baseline): /proc Mount Type"],
        peers: ["psa:procMount", "trivy:KSV-0027 (partial: any `procMount`, `Default` included, and no user-namespace exemption)"],
        since: "0.1.0",
    }
}

impl Rule for ProcMountUnmasked {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        pss_baseline_control(Self::META, pod, out, proc_mount_baseline, |c| c.sc_path("procMount"));
    }
}
