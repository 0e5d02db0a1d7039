use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::pss::checks::windows_host_process;
use crate::rules::workload::common::pss_baseline_control;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags `windowsOptions.hostProcess: true` in the pod's or a container's `securityContext`, as
/// the Pod Security Standards' baseline level forbids it at version `latest`, with Pod Security
/// Admission's own check. A container's setting is its own finding; the pod's is the pod's.
    ///
    /// ## Why is this bad?
    /// A Windows HostProcess container runs directly on the node, outside any container isolation,
/// with the node's network and file system: it is the Windows equivalent of a privileged
/// container with every host namespace. A namespace that enforces `baseline` rejects such pods.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
///   windowsOptions:
///     hostProcess: true
///     runAsUserName: "NT AUTHORIHostProcess\\SYSTEM"
/// hostNetwork: true
/// containers:
///   - name: agent
///     image: registry.example.com/agent:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
///   - name: agent
///     image: registry.example.com/agent:1.0.0
    /// ```
    pub HostProcess {
        id: "POD025",
        name: "host-process",
        severity: Severity::Critical,
        title: "Windows pod or container runs as a host process",
        help: "remove `windowsOptions.hostProcess: true`; run the workload as an ordinary Windows container",
        references: ["Pod Security Standards (baseline): HostProcess"],
        peers: ["psa:windowsHostProcess", "trivy:KSV-0103"],
        since: "0.1.0",
    }
}

impl Rule for HostProcess {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        pss_baseline_control(Self::META, pod, out, windows_host_process, |c| {
            c.sc_path("windowsOptions").key("hostProcess")
        });
    }
}
