use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::pss::checks::sysctls;
use crate::rules::workload::common::pss_baseline_control;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a pod whose `securityContext.sysctls` names a sysctl outside the safe set of the Pod
/// Security Standards' baseline level at version `latest` (`kernel.shm_rmid_forced`,
/// `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
/// `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.ip_local_reserved_ports`, the TCP keepalive,
/// `tcp_fin_timeout`, `tcp_rmem`/`tcp_wmem`, `tcp_notsent_lowat` and `tcp_slow_start_after_idle`
/// sysctls), with Pod Security Admission's own check.
    ///
    /// ## Why is this bad?
    /// Sysctls outside the safe set are not namespaced, or are namespaced but can exhaust or change
/// the node for every other pod (memory, network stack, kernel behaviour). The kubelet refuses
/// them unless allowed, and a namespace that enforces `baseline` rejects such pods.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
///   sysctls:
///     - name: kernel.msgmax
///       value: "65536"
/// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// securityContext:
///   sysctls:
///     - name: net.ipv4.ip_local_port_range
///       value: "32768 60999"
/// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
    /// ```
    pub UnsafeSysctls {
        id: "POD024",
        name: "unsafe-sysctls",
        severity: Severity::High,
        title: "Pod sets sysctls outside the safe set",
        help: "remove the sysctls outside Pod Security's safe set, or set them on the node instead",
        references: ["Pod Security Standards (baseline): Sysctls"],
        peers: ["psa:sysctls", "trivy:KSV-0026 (partial: the safe set of 1.32)"],
        since: "0.1.0",
    }
}

impl Rule for UnsafeSysctls {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        pss_baseline_control(Self::META, pod, out, sysctls, |c| c.sc_path("sysctls"));
    }
}
