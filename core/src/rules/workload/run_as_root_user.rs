use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{Lenient, Level, PodSpec};
use crate::rules::workload::common::wrong_type;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container whose effective `runAsUser` — the container's
    /// `securityContext.runAsUser`, else the pod's — is `0`, the root user. An unset
    /// `runAsUser` is left to `run-as-non-root`; a value that is not an integer fires, because
    /// kubeharden cannot tell that it is not `0`.
    ///
    /// ## Why is this bad?
    /// `runAsUser: 0` runs the container's processes as root even when the image names an
    /// unprivileged user, and it overrides the image's `USER`. Root in a container is one kernel
    /// bug, one writable host mount or one added capability away from root on the node. The Pod
    /// Security Standards' restricted level forbids `runAsUser: 0`.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: true
    ///   runAsUser: 10001
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `runAsUser` to the UID of `fix.run-as-user` (default 65532) where the root UID
    /// is set (the container, or the pod it inherits from). A program that needs root, or files owned
    /// by root, stops working.
    pub RunAsRootUser {
        id: "POD004",
        name: "run-as-root-user",
        severity: Severity::High,
        title: "Container runs as the root user (UID 0)",
        help: "set `runAsUser` to a non-zero UID (`10001`) in the securityContext",
        references: ["Pod Security Standards (restricted): Running as Non-root user", "CIS Kubernetes Benchmark 5.2.7"],
        peers: ["psa:runAsUser", "trivy:KSV-0105", "polaris:runAsRootAllowed",
                "kube-score:container-security-context-user-group-id"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for RunAsRootUser {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in &pod.containers {
            let eff = &c.run_as_user;
            let who = c.describe();
            let message = match (&eff.value, eff.level) {
                (Lenient::Valid(0), Level::Pod) => format!("{who} inherits `runAsUser: 0` (root) from the pod"),
                (Lenient::Valid(0), _) => format!("{who} sets `runAsUser: 0` (root)"),
                (Lenient::Invalid(v), Level::Pod) => {
                    format!(
                        "{who} inherits a `runAsUser` that is not an integer: the pod {}",
                        wrong_type("runAsUser", v, "an integer")
                    )
                }
                (Lenient::Invalid(v), _) => format!("{who} {}", wrong_type("runAsUser", v, "an integer")),
                _ => continue,
            };
            let path = c.effective_path(eff.level, "runAsUser");
            let uid = cx.fix.run_as_user;
            let fix = Plan::unsafe_fix(format!("set `securityContext.runAsUser: {uid}`")).set(path.clone(), uid);
            out.report(Self::META, At::Container(pod, c, path), message).fix(fix);
        }
    }
}
