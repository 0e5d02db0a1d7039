use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{Lenient, PodSpec};
use crate::rules::workload::common::wrong_type;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a pod that sets `hostNetwork`, `hostPID` or `hostIPC` to `true` — one finding per
    /// field. A value that is not a boolean fires too.
    ///
    /// ## Why is this bad?
    /// Sharing a host namespace removes a wall between the container and the node:
    /// `hostNetwork` exposes the node's interfaces (and lets the pod sniff or bind node-local
    /// services such as the kubelet), `hostPID` shows every process on the node and allows
    /// signalling or `ptrace`-ing them, `hostIPC` shares the node's shared memory. The baseline
    /// Pod Security Standard forbids all three.
    ///
    /// ## Example
    /// ```yaml
    /// hostNetwork: true
    /// hostPID: true
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
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    /// Leave the fields unset (or `false`) and expose the pod through a Service.
    ///
    /// ## Fix safety
    /// Unsafe: sets `hostNetwork`, `hostPID` or `hostIPC` to `false`. A workload that serves on
    /// the node's addresses or watches the node's processes (a CNI or monitoring agent) stops working.
    /// No fix for a value of the wrong type.
    pub HostNamespaces {
        id: "POD008",
        name: "host-namespaces",
        severity: Severity::High,
        title: "Pod shares the host's network, PID or IPC namespace",
        help: "remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to `false`)",
        references: ["Pod Security Standards (baseline): Host Namespaces", "CIS Kubernetes Benchmark 5.2.3, 5.2.4, 5.2.5"],
        peers: ["psa:hostNamespaces", "checkov:CKV_K8S_17", "checkov:CKV_K8S_18", "checkov:CKV_K8S_19",
                "trivy:KSV-0008", "trivy:KSV-0009", "trivy:KSV-0010", "kube-linter:host-network",
                "kube-linter:host-pid", "kube-linter:host-ipc", "polaris:hostNetworkSet", "polaris:hostPIDSet",
                "polaris:hostIPCSet"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for HostNamespaces {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        let fields: [(&'static str, &Lenient<bool>, &str); 3] = [
            ("hostNetwork", &pod.host_network, "network"),
            ("hostPID", &pod.host_pid, "process (PID)"),
            ("hostIPC", &pod.host_ipc, "IPC"),
        ];
        for (field, value, what) in fields {
            let message = match value {
                Lenient::Valid(true) => format!("the pod shares the host's {what} namespace (`{field}: true`)"),
                Lenient::Invalid(v) => format!("the pod {}", wrong_type(field, v, "a boolean")),
                Lenient::Valid(false) | Lenient::Absent => continue,
            };
            let d = out.report(Self::META, At::Pod(pod, pod.path.key(field)), message);
            if value.valid() == Some(true) {
                d.fix(Plan::unsafe_fix(format!("set `{field}: false`")).set(pod.path.key(field), false));
            }
        }
    }
}
