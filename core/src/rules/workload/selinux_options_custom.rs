use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::pss::checks::se_linux_options;
use crate::rules::workload::common::pss_baseline_control;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags what the Pod Security Standards' baseline level forbids of SELinux, at version `latest`,
/// with Pod Security Admission's own check: a `seLinuxOptions.type` outside `container_t`,
/// `container_init_t`, `container_kvm_t` and `container_engine_t` (1.31+), or any `user` or `role`,
/// in the pod's or a container's `securityContext`. A container's setting is its own finding; the
/// pod's is the pod's.
    ///
    /// ## Why is this bad?
    /// The SELinux label decides what the container's processes may touch on the node. A custom type
/// (`spc_t`, `unconfined_t`) or user/role lifts the confinement the container runtime gives every
/// container, and a label of a host service grants its access. A namespace that enforces
/// `baseline` rejects such pods.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
///     securityContext:
///       seLinuxOptions:
///         type: spc_t
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
///     securityContext:
///       seLinuxOptions:
///         level: "s0:c123,c456"
    /// ```
    pub SelinuxOptionsCustom {
        id: "POD023",
        name: "selinux-options-custom",
        severity: Severity::High,
        title: "Pod or container sets custom SELinux options",
        help: "remove `seLinuxOptions.user`/`role`, and keep `type` to the container types Pod Security allows",
        references: ["Pod Security Standards (baseline): SELinux"],
        peers: ["psa:seLinuxOptions", "trivy:KSV-0025 (partial: without `container_engine_t`)"],
        since: "0.1.0",
    }
}

impl Rule for SelinuxOptionsCustom {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        pss_baseline_control(Self::META, pod, out, se_linux_options, |c| c.sc_path("seLinuxOptions"));
    }
}
