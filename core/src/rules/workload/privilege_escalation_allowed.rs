use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::require_container_bool;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container — init, regular and ephemeral — whose
    /// `securityContext.allowPrivilegeEscalation` is not explicitly `false`. Unset fires too, as
    /// in the Pod Security Standards' restricted level. Pods with `spec.os.name: windows` are
    /// exempt: Kubernetes forbids the field there.
    ///
    /// ## Why is this bad?
    /// Unless it is `false`, the kernel's `no_new_privs` flag stays off, so a process in the
    /// container can gain more privileges than its parent — through a setuid binary such as
    /// `sudo` or `su`, or file capabilities. Setting `allowPrivilegeEscalation: false` closes
    /// that path at no cost for almost every workload.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       allowPrivilegeEscalation: true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    pub PrivilegeEscalationAllowed {
        id: "POD002",
        name: "privilege-escalation-allowed",
        severity: Severity::High,
        title: "Container allows privilege escalation",
        help: "set `allowPrivilegeEscalation: false` in the container's securityContext",
        references: ["Pod Security Standards (restricted): Privilege Escalation", "CIS Kubernetes Benchmark 5.2.6"],
        peers: ["psa:allowPrivilegeEscalation", "checkov:CKV_K8S_20", "trivy:KSV-0001",
                "kube-linter:privilege-escalation-container", "polaris:privilegeEscalationAllowed"],
        since: "0.1.0",
    }
}

impl Rule for PrivilegeEscalationAllowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        require_container_bool(Self::META, pod, out, "allowPrivilegeEscalation", false, |c| {
            &c.allow_privilege_escalation
        });
    }
}
