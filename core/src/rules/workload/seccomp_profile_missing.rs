use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{Lenient, Level, PodSpec};
use crate::rules::workload::common::wrong_type;
use crate::rules::{At, Context, Rule, Sink};

const LEGACY_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
/// The legacy container annotation: this prefix and the container's name.
const LEGACY_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// The message of every fix of this rule.
const SET: &str = "set `securityContext.seccompProfile.type: RuntimeDefault`";

declare_rule! {
    /// ## What it does
    /// Flags every container whose effective seccomp profile — the container's
    /// `securityContext.seccompProfile.type`, else the pod's — is neither `RuntimeDefault` nor
    /// `Localhost`. An explicit `Unconfined` raises the finding to high. Pods with
    /// `spec.os.name: windows` are exempt (seccomp is a Linux feature). The old
    /// `seccomp.security.alpha.kubernetes.io/*` annotations do not count: Kubernetes no longer
    /// reads them.
    ///
    /// ## Why is this bad?
    /// Without a seccomp profile a container can make every system call the kernel offers —
    /// hundreds that no application needs, including the ones most kernel exploits go through
    /// (`unshare`, `keyctl`, `bpf`, ...). The runtime's default profile blocks them at
    /// almost no compatibility cost; the restricted Pod Security Standard requires it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       seccompProfile:
    ///         type: Unconfined
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: RuntimeDefault
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix safety
    /// Safe where neither the container nor the pod sets a profile: `seccompProfile.type:
    /// RuntimeDefault` on the container gives it the runtime's default profile, the one Docker and
    /// containerd apply outside Kubernetes. Unsafe where a profile is set (`Unconfined`, another
    /// type): the fix replaces it with `RuntimeDefault` where it is set (the pod's setting, when the
    /// container inherits it), and a program that needs a blocked system call stops working.
    pub SeccompProfileMissing {
        id: "POD012",
        name: "seccomp-profile-missing",
        severity: Severity::Medium,
        title: "Container runs without a seccomp profile",
        help: "set `seccompProfile: {type: RuntimeDefault}` in the pod's or the container's securityContext",
        references: ["Pod Security Standards (restricted): Seccomp", "Pod Security Standards (baseline): Seccomp",
                     "CIS Kubernetes Benchmark 5.7.2"],
        peers: ["psa:seccompProfile_restricted", "psa:seccompProfile_baseline", "checkov:CKV_K8S_31",
                "trivy:KSV-0030", "trivy:KSV-0104"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for SeccompProfileMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        if pod.is_windows() {
            return;
        }
        for c in &pod.containers {
            let eff = &c.seccomp_type;
            let who = c.describe();
            let from_pod = if eff.level == Level::Pod { " (inherited from the pod)" } else { "" };
            let path = c.effective_path(eff.level, "seccompProfile").key("type");
            match &eff.value {
                Lenient::Valid("RuntimeDefault" | "Localhost") => {}
                Lenient::Valid("Unconfined") => {
                    let m =
                        format!("{who} runs with seccomp profile `Unconfined`{from_pod}: every system call is allowed");
                    let fix = Plan::unsafe_fix(SET).set(path.clone(), "RuntimeDefault");
                    out.report(Self::META, At::Container(pod, c, path), m).severity(Severity::High).fix(fix);
                }
                Lenient::Valid(other) => {
                    let m = format!("{who} has seccomp profile type `{other}`{from_pod}, which is not `RuntimeDefault` or `Localhost`");
                    let fix = Plan::unsafe_fix(SET).set(path.clone(), "RuntimeDefault");
                    out.report(Self::META, At::Container(pod, c, path), m).fix(fix);
                }
                Lenient::Invalid(v) => {
                    let m = format!("{who} {}", wrong_type("seccompProfile.type", v, "a string"));
                    let fix = Plan::unsafe_fix(SET).set(path.clone(), "RuntimeDefault");
                    out.report(Self::META, At::Container(pod, c, path), m).fix(fix);
                }
                Lenient::Absent => {
                    let mut m = format!(
                        "{who} has no seccomp profile: set `seccompProfile.type: RuntimeDefault` on it or on the pod"
                    );
                    let container_key = format!("{LEGACY_CONTAINER_ANNOTATION}{}", c.name);
                    let legacy: Vec<&str> = [LEGACY_POD_ANNOTATION, container_key.as_str()]
                        .into_iter()
                        .filter(|k| pod.annotation(k).is_some())
                        .collect();
                    match legacy.as_slice() {
                        [] => {}
                        [one] => m.push_str(&format!(" (the `{one}` annotation is no longer read)")),
                        both => {
                            m.push_str(&format!(" (the annotations `{}` are no longer read)", both.join("` and `")))
                        }
                    }
                    // Nothing is set anywhere: the container runtime's default profile is what
                    // Docker and containerd apply outside Kubernetes.
                    let fix = Plan::safe(SET).set(path.clone(), "RuntimeDefault");
                    out.report(Self::META, At::Container(pod, c, path), m).fix(fix);
                }
            }
        }
    }
}
