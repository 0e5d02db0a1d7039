use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::PodSpec;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container — init, regular and ephemeral — with `securityContext.privileged: true`.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability and access to all host devices; escaping it
    /// means root on the node. Pod Security Standards forbid it from the baseline level up.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       privileged: false
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `privileged: false`. A workload that needs host devices or kernel
    /// capabilities (a CNI agent, a storage driver) stops working; grant the one capability it needs
    /// instead.
    pub PrivilegedContainer {
        id: "POD001",
        name: "privileged-container",
        severity: Severity::Critical,
        title: "Container runs in privileged mode",
        help: "set `privileged: false` in the container's securityContext (or remove it)",
        references: ["Pod Security Standards (baseline): Privileged Containers", "CIS Kubernetes Benchmark 5.2.2"],
        peers: ["psa:privileged", "checkov:CKV_K8S_16", "trivy:KSV-0017", "kube-linter:privileged-container",
                "kube-score:container-security-context-privileged", "polaris:runAsPrivileged"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for PrivilegedContainer {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for c in &pod.containers {
            if c.privileged.valid() == Some(true) {
                out.report(
                    Self::META,
                    At::Container(pod, c, c.sc_path("privileged")),
                    format!("{} runs privileged", c.describe()),
                )
                .fix(Plan::unsafe_fix("set `securityContext.privileged: false`").set(c.sc_path("privileged"), false));
            }
        }
    }
}
