use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::pss::checks::{caps_add, restricted_allows_adding};
use crate::pss::BASELINE_CAPABILITIES;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags each capability in a container's `securityContext.capabilities.add` that the Pod
    /// Security Standards' restricted level forbids (it allows adding only `NET_BIND_SERVICE`,
    /// spelled exactly so) and that `dangerous-capabilities` does not already report (those
    /// outside the baseline set): `CHOWN`, `SETUID`, `DAC_OVERRIDE` and the rest of the baseline
    /// set, in any spelling (`CAP_CHOWN`, `chown`). It fires whether or not the container drops
    /// `ALL` first: `drop: [ALL], add: [CHOWN, SETUID]` still hands those powers back. The
    /// capabilities come from Pod Security Admission's own reading of the field.
    ///
    /// ## Why is this bad?
    /// Each added capability is a kernel power the process keeps: `SETUID`/`SETGID` switch to any
    /// user, `CHOWN`/`DAC_OVERRIDE`/`FOWNER` ignore file ownership and permissions. Baseline
    /// tolerates them because the container runtime grants most by default; a hardened workload
    /// drops them all and adds back only what it needs, which for a server is at most
    /// `NET_BIND_SERVICE`. A namespace that enforces `restricted` rejects such pods.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    ///         add: ["CHOWN", "SETUID"]
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
    ///         add: ["NET_BIND_SERVICE"]
    /// ```
    pub CapabilityAdded {
        id: "POD027",
        name: "capability-added",
        severity: Severity::Low,
        title: "Container adds back a capability that restricted forbids",
        help: "drop `ALL` and add back only `NET_BIND_SERVICE`, if anything",
        references: ["Pod Security Standards (restricted): Capabilities"],
        peers: ["psa:capabilities_restricted (partial: also demands `drop: [ALL]`)",
                "trivy:KSV-0106 (partial: also demands `drop: [ALL]`, and only when it is there)",
                "checkov:CKV_K8S_37 (partial: any added capability)"],
        since: "0.1.0",
    }
}

impl Rule for CapabilityAdded {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for c in &pod.containers {
            for (i, cap) in caps_add(c) {
                let upper = cap.trim().to_ascii_uppercase();
                let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
                // Outside the baseline set: `dangerous-capabilities` reports it.
                if restricted_allows_adding(cap) || !BASELINE_CAPABILITIES.contains(&name) {
                    continue;
                }
                let hint = if name == "NET_BIND_SERVICE" { " (spelled `NET_BIND_SERVICE` it is allowed)" } else { "" };
                let m = format!(
                    "{} adds `{cap}`: Pod Security restricted allows adding only `NET_BIND_SERVICE`{hint}",
                    c.describe()
                );
                out.report(Self::META, At::Container(pod, c, c.sc_path("capabilities").key("add").index(i)), m);
            }
        }
    }
}
