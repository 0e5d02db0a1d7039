use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{Lenient, PodSpec};
use crate::rules::workload::common::{invalid_at, wrong_type};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container — init, regular and ephemeral — whose
    /// `securityContext.capabilities.drop` does not contain `"ALL"`. The match is exact and
    /// case-sensitive, as Pod Security Admission (restricted) makes it. A lowercase `all` gets its
    /// own message: the container runtime does drop every capability for it, but the restricted
    /// level rejects the pod until it says `ALL`. Pods with
    /// `spec.os.name: windows` are exempt (Linux capabilities do not exist there).
    ///
    /// ## Why is this bad?
    /// Container runtimes grant a default set of Linux capabilities (`CHOWN`, `DAC_OVERRIDE`,
    /// `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, ...). Most applications need none of them, and
    /// each one widens what an attacker can do after a compromise — `NET_RAW` allows spoofed
    /// packets, `DAC_OVERRIDE` bypasses file permissions. Dropping `ALL` and adding back only
    /// what is needed (at most `NET_BIND_SERVICE`) is what the restricted Pod Security Standard
    /// requires.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["NET_RAW"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the container drops `all` (or `CAP_ALL`, or ` ALL`): the fix writes exactly
    /// `ALL`, what was meant. Unsafe otherwise: adds `ALL` to `capabilities.drop` (creating it); a
    /// program that needs a capability the runtime gives by default (`CHOWN`, `NET_BIND_SERVICE`,
    /// `SETUID`) fails until it is added back in `capabilities.add`. No fix when `capabilities` or
    /// `drop` has the wrong type.
    pub CapabilitiesDropAllMissing {
        id: "POD005",
        name: "capabilities-drop-all-missing",
        severity: Severity::Medium,
        title: "Container does not drop all capabilities",
        help: "add `capabilities: {drop: [ALL]}` to the container's securityContext",
        references: ["Pod Security Standards (restricted): Capabilities", "CIS Kubernetes Benchmark 5.2.10"],
        peers: ["psa:capabilities_restricted", "checkov:CKV_K8S_37", "trivy:KSV-0003", "trivy:KSV-0106"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for CapabilitiesDropAllMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        if pod.is_windows() {
            return;
        }
        for c in &pod.containers {
            let who = c.describe();
            let caps_path = c.sc_path("capabilities");
            let drop_path = caps_path.key("drop");
            if let Some(bad) = invalid_at(pod, &caps_path) {
                let m = format!(
                    "{who} {}, so it drops no capabilities",
                    wrong_type("capabilities", &bad.found, "a mapping")
                );
                out.report(Self::META, At::Container(pod, c, caps_path), m);
                continue;
            }
            if let Some(bad) = invalid_at(pod, &drop_path) {
                let m =
                    format!("{who} {}: write `drop: [\"ALL\"]`", wrong_type("capabilities.drop", &bad.found, "a list"));
                out.report(Self::META, At::Container(pod, c, drop_path), m);
                continue;
            }
            if c.capabilities_drop.iter().any(|cap| cap.value.valid() == Some("ALL")) {
                continue;
            }
            let near = c.capabilities_drop.iter().find_map(|cap| {
                let v = cap.value.valid()?;
                let t = v.trim();
                (t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("CAP_ALL")).then_some((cap.index, v))
            });
            if let Some((index, v)) = near {
                let m = if v.trim().eq_ignore_ascii_case("all") {
                    format!(
                        "{who} drops `{v}`: the container runtime drops every capability, but Pod Security Admission (restricted) accepts only the exact `ALL`"
                    )
                } else {
                    format!("{who} drops `{v}`, which Pod Security Admission (restricted) does not accept: write exactly `ALL`")
                };
                // What was meant is plain: a runtime that reads `all` as every capability runs the
                // container as before; one that does not cannot start it today.
                let fix = Plan::safe(format!("write `ALL` for `{v}`")).set(drop_path.index(index), "ALL");
                out.report(Self::META, At::Container(pod, c, drop_path.index(index)), m).fix(fix);
                continue;
            }
            let message = if c.capabilities_drop.is_empty() {
                format!("{who} does not set `capabilities.drop: [\"ALL\"]`")
            } else {
                let listed: Vec<String> =
                    c.capabilities_drop.iter().map(|cap| format!("`{}`", render(&cap.value))).collect();
                format!("{who} drops only {} instead of `ALL`", listed.join(", "))
            };
            let fix = Plan::unsafe_fix("add `ALL` to `capabilities.drop`").push(drop_path.clone(), "ALL");
            out.report(Self::META, At::Container(pod, c, drop_path), message).fix(fix);
        }
    }
}

fn render(v: &Lenient<&str>) -> String {
    match v {
        Lenient::Valid(s) => (*s).to_owned(),
        Lenient::Invalid(s) => s.clone(),
        Lenient::Absent => "null".to_owned(),
    }
}
