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
    ///
    /// ## Fix safety
    /// Unsafe: sets `allowPrivilegeEscalation: false` on the container. A program that gains
    /// privileges through a setuid binary (`sudo`, `ping` on old images) stops working. No fix when
    /// the container is privileged or adds `CAP_SYS_ADMIN`: the API server refuses the combination.
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
        fix: Sometimes,
    }
}

impl Rule for PrivilegeEscalationAllowed {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        // The API server refuses `allowPrivilegeEscalation: false` next to `privileged: true`
        // or an added `CAP_SYS_ADMIN`: no fix there.
        let accepted = |c: &crate::model::Container<'_>| {
            c.privileged.valid() != Some(true)
                && !c.capabilities_add.iter().any(|cap| {
                    cap.value.valid().is_some_and(|v| {
                        let v = v.trim().to_ascii_uppercase();
                        v == "SYS_ADMIN" || v == "CAP_SYS_ADMIN"
                    })
                })
        };
        require_container_bool(
            Self::META,
            pod,
            out,
            "allowPrivilegeEscalation",
            false,
            |c| &c.allow_privilege_escalation,
            accepted,
        );
    }
}
