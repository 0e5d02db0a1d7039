use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{Lenient, Level, PodSpec};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container whose effective `runAsNonRoot` — the container's
    /// `securityContext.runAsNonRoot`, else the pod's — is not `true`. A container whose
    /// effective `runAsUser` is a non-zero UID does not run as root: it is still flagged, since
    /// Pod Security Admission (restricted) requires `runAsNonRoot: true` whatever the UID, but at
    /// `low` and with a message that says so.
    ///
    /// ## Why is this bad?
    /// Without `runAsNonRoot: true` the kubelet starts the container as whatever user the image
    /// names, root by default. A process running as root inside the container is one kernel bug
    /// or one mounted socket away from root on the node. With `runAsNonRoot: true` the kubelet
    /// refuses to start a container that would run as UID 0.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsNonRoot: false
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
    /// Set a numeric `runAsUser` too (or a numeric `USER` in the image): the kubelet can only
    /// verify a numeric user.
    ///
    /// ## Fix safety
    /// Unsafe: sets `runAsNonRoot: true` where the effective value comes from (the container, or
    /// the pod when the container inherits `false` from it), and, when no `runAsUser` applies, the
    /// UID of `fix.run-as-user` (default 65532) on the container: the kubelet refuses to start an image
    /// whose user is root or a name. A program that needs root, or files owned by another UID, stops
    /// working.
    pub RunAsNonRoot {
        id: "POD003",
        name: "run-as-non-root",
        severity: Severity::High,
        title: "Container does not require a non-root user",
        help: "set `runAsNonRoot: true` in the container's or the pod's securityContext",
        references: ["Pod Security Standards (restricted): Running as Non-root", "CIS Kubernetes Benchmark 5.2.7"],
        peers: ["psa:runAsNonRoot", "checkov:CKV_K8S_23", "trivy:KSV-0012", "kube-linter:run-as-non-root",
                "kube-score:container-security-context-user-group-id", "polaris:runAsRootAllowed"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for RunAsNonRoot {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        for c in &pod.containers {
            let eff = &c.run_as_non_root;
            let message = match (&eff.value, eff.level) {
                (Lenient::Valid(true), _) => continue,
                (Lenient::Valid(false), Level::Pod) => {
                    format!("{} inherits `runAsNonRoot: false` from the pod", c.describe())
                }
                (Lenient::Valid(false), _) => format!("{} sets `runAsNonRoot: false`", c.describe()),
                (Lenient::Invalid(v), _) => {
                    format!("{} has `runAsNonRoot: {v}`, which is not the boolean `true`", c.describe())
                }
                (Lenient::Absent, _) => format!(
                    "{} does not set `runAsNonRoot: true` (neither does the pod's securityContext)",
                    c.describe()
                ),
            };
            let path = c.effective_path(eff.level, "runAsNonRoot");
            let mut fix = Plan::unsafe_fix("set `securityContext.runAsNonRoot: true`").set(path.clone(), true);
            // Without a UID the kubelet refuses an image whose user is a name or root: the
            // configured one (`fix.run-as-user`) is set with it.
            if !c.run_as_user.value.is_present() {
                let uid = cx.fix.run_as_user;
                fix = Plan::unsafe_fix(format!("set `securityContext.runAsNonRoot: true` and `runAsUser: {uid}`"))
                    .set(path.clone(), true)
                    .set(c.sc_path("runAsUser"), uid);
            }
            match c.run_as_user.value.valid().filter(|&uid| uid > 0) {
                Some(uid) => {
                    let message = format!(
                        "{message}; it runs as UID {uid} (`runAsUser`), not as root, but Pod Security Admission (restricted) requires `runAsNonRoot: true`"
                    );
                    out.report(Self::META, At::Container(pod, c, path), message).severity(Severity::Low).fix(fix);
                }
                None => {
                    out.report(Self::META, At::Container(pod, c, path), message).fix(fix);
                }
            }
        }
    }
}
