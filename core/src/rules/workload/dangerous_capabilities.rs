use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{Lenient, PodSpec};
use crate::rules::workload::common::{invalid_at, type_of, wrong_type};
use crate::rules::{At, Context, Rule, Sink};

use crate::pss::BASELINE_CAPABILITIES;

declare_rule! {
    /// ## What it does
    /// Flags every capability in a container's `securityContext.capabilities.add` that is outside
    /// the Pod Security Standards' baseline set (`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`,
    /// `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`,
    /// `SETUID`, `SYS_CHROOT`). A `CAP_` prefix is ignored in the comparison (`CAP_SYS_ADMIN` is
    /// `SYS_ADMIN`). Adding `ALL` or `SYS_ADMIN` raises the finding to critical.
    ///
    /// ## Why is this bad?
    /// Capabilities beyond the default set hand kernel powers to the container: `SYS_ADMIN`
    /// allows mounting file systems and is close to full root on the node, `NET_ADMIN`
    /// reconfigures the network, `SYS_PTRACE` reads other processes' memory, `SYS_MODULE` loads
    /// kernel modules. Each is a well-known container-escape path.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       capabilities:
    ///         add: ["SYS_ADMIN"]
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
    ///
    /// ## Fix safety
    /// Unsafe: removes the capability from `capabilities.add`. A program that uses it (raw
    /// sockets, mounting, tracing) fails. No fix for a value of the wrong type, or where removing the
    /// line would take a comment with it.
    pub DangerousCapabilities {
        id: "POD006",
        name: "dangerous-capabilities",
        severity: Severity::High,
        title: "Container adds capabilities beyond the baseline set",
        help: "remove the added capabilities; add back only `NET_BIND_SERVICE` if the container needs it",
        references: ["Pod Security Standards (baseline): Capabilities", "CIS Kubernetes Benchmark 5.2.9"],
        peers: ["psa:capabilities_baseline", "checkov:CKV_K8S_25", "checkov:CKV_K8S_39", "trivy:KSV-0022",
                "trivy:KSV-0005", "polaris:dangerousCapabilities", "polaris:insecureCapabilities"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for DangerousCapabilities {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for c in &pod.containers {
            let who = c.describe();
            let add_path = c.sc_path("capabilities").key("add");
            if let Some(bad) = invalid_at(pod, &add_path) {
                let m = format!(
                    "{who} {}: kubeharden cannot tell which capabilities it adds",
                    wrong_type("capabilities.add", &bad.found, "a list")
                );
                out.report(Self::META, At::Container(pod, c, add_path.clone()), m);
            }
            for cap in &c.capabilities_add {
                let path = add_path.index(cap.index);
                let raw = match &cap.value {
                    Lenient::Valid(v) => *v,
                    Lenient::Invalid(v) => {
                        let m = format!(
                            "{who} adds the capability {v}, {} where the Kubernetes API expects a string",
                            type_of(v)
                        );
                        out.report(Self::META, At::Container(pod, c, path), m);
                        continue;
                    }
                    Lenient::Absent => continue,
                };
                let upper = raw.trim().to_ascii_uppercase();
                let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
                if BASELINE_CAPABILITIES.contains(&name) {
                    continue;
                }
                let fix = Plan::unsafe_fix(format!("remove `{raw}` from `capabilities.add`")).remove(path.clone());
                if name == "ALL" || name == "SYS_ADMIN" {
                    let what = if name == "ALL" { "every capability" } else { "nearly root on the node" };
                    let m = format!("{who} adds `{raw}`: {what}");
                    out.report(Self::META, At::Container(pod, c, path), m).severity(Severity::Critical).fix(fix);
                } else {
                    let m = format!("{who} adds `{raw}`, outside the baseline capability set");
                    out.report(Self::META, At::Container(pod, c, path), m).fix(fix);
                }
            }
        }
    }
}
