//! The one table of Pod Security Standards checks: which check belongs to which level, from which
//! version it applies, how it changes with the version, and which baseline check a restricted
//! check replaces. The evaluator ([`super::evaluate_pod`]) and the documentation
//! (`docs/pss.md`, rendered by [`markdown`]) both read it.

use super::checks::{self, CheckFn};
use super::{PssLevel, PssVersion, LATEST_MINOR};

/// One change of a check at a version.
#[derive(Debug)]
pub struct Step {
    /// The first minor version (`1.<since>`) with this behaviour.
    pub since: u32,
    /// What the check requires from that version on.
    pub what: &'static str,
}

/// A Pod Security Admission check.
#[derive(Debug)]
pub struct CheckDef {
    /// The PSA check id (`allowPrivilegeEscalation`).
    pub id: &'static str,
    /// The level that introduces it.
    pub level: PssLevel,
    /// The control of the Pod Security Standards page it implements.
    pub control: &'static str,
    /// Its behaviour by version, oldest first; the first step is where it starts to apply.
    pub steps: &'static [Step],
    /// Baseline checks this (restricted) check replaces wherever it applies.
    pub overrides: &'static [&'static str],
    pub(crate) eval: CheckFn,
}

impl CheckDef {
    /// The first minor version it applies at.
    #[must_use]
    pub fn since(&self) -> u32 {
        self.steps.first().map_or(0, |s| s.since)
    }

    /// Whether it exists at a minor version.
    #[must_use]
    pub fn applies_at(&self, minor: u32) -> bool {
        minor >= self.since()
    }
}

const fn s(since: u32, what: &'static str) -> Step {
    Step { since, what }
}

/// Every check, baseline first, in the order of the Pod Security Standards page.
pub static CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "windowsHostProcess",
        level: PssLevel::Baseline,
        control: "HostProcess",
        steps: &[s(0, "pod and containers must not set `securityContext.windowsOptions.hostProcess: true`")],
        overrides: &[],
        eval: checks::windows_host_process,
    },
    CheckDef {
        id: "hostNamespaces",
        level: PssLevel::Baseline,
        control: "Host Namespaces",
        steps: &[s(0, "`hostNetwork`, `hostPID`, `hostIPC` must not be `true`")],
        overrides: &[],
        eval: checks::host_namespaces,
    },
    CheckDef {
        id: "privileged",
        level: PssLevel::Baseline,
        control: "Privileged Containers",
        steps: &[s(0, "containers must not set `securityContext.privileged: true`")],
        overrides: &[],
        eval: checks::privileged,
    },
    CheckDef {
        id: "capabilities_baseline",
        level: PssLevel::Baseline,
        control: "Capabilities",
        steps: &[s(
            0,
            "`capabilities.add` only within AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, \
             NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT",
        )],
        overrides: &[],
        eval: checks::capabilities_baseline,
    },
    CheckDef {
        id: "hostPathVolumes",
        level: PssLevel::Baseline,
        control: "HostPath Volumes",
        steps: &[s(0, "no `hostPath` volumes")],
        overrides: &[],
        eval: checks::host_path_volumes,
    },
    CheckDef {
        id: "hostPorts",
        level: PssLevel::Baseline,
        control: "Host Ports",
        steps: &[s(0, "no non-zero `hostPort`")],
        overrides: &[],
        eval: checks::host_ports,
    },
    CheckDef {
        id: "appArmorProfile",
        level: PssLevel::Baseline,
        control: "AppArmor",
        steps: &[s(
            0,
            "`container.apparmor.security.beta.kubernetes.io/*` annotations only `runtime/default`, `localhost/*` \
             or empty; `appArmorProfile.type` only `RuntimeDefault` or `Localhost`",
        )],
        overrides: &[],
        eval: checks::app_armor_profile,
    },
    CheckDef {
        id: "seLinuxOptions",
        level: PssLevel::Baseline,
        control: "SELinux",
        steps: &[
            s(0, "`seLinuxOptions.type` only empty, `container_t`, `container_init_t`, `container_kvm_t`; no `user`, no `role`"),
            s(31, "`container_engine_t` also allowed"),
        ],
        overrides: &[],
        eval: checks::se_linux_options,
    },
    CheckDef {
        id: "procMount",
        level: PssLevel::Baseline,
        control: "/proc Mount Type",
        steps: &[
            s(0, "`procMount` only unset or `Default`"),
            s(35, "any `procMount` allowed when the pod sets `hostUsers: false`"),
        ],
        overrides: &[],
        eval: checks::proc_mount_baseline,
    },
    CheckDef {
        id: "seccompProfile_baseline",
        level: PssLevel::Baseline,
        control: "Seccomp",
        steps: &[
            s(
                0,
                "seccomp annotations only `runtime/default`, `docker/default` or `localhost/*` (fields not checked)",
            ),
            s(19, "`seccompProfile.type` only `RuntimeDefault` or `Localhost` when set (annotations not checked)"),
        ],
        overrides: &[],
        eval: checks::seccomp_profile_baseline,
    },
    CheckDef {
        id: "sysctls",
        level: PssLevel::Baseline,
        control: "Sysctls",
        steps: &[
            s(
                0,
                "only `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`, \
                 `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`",
            ),
            s(27, "+ `net.ipv4.ip_local_reserved_ports`"),
            s(
                29,
                "+ `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, \
                 `net.ipv4.tcp_keepalive_probes`",
            ),
            s(32, "+ `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`"),
            s(37, "+ `net.ipv4.tcp_notsent_lowat`, `net.ipv4.tcp_slow_start_after_idle`"),
        ],
        overrides: &[],
        eval: checks::sysctls,
    },
    CheckDef {
        id: "hostProbesAndHostLifecycle",
        level: PssLevel::Baseline,
        control: "Probes / Lifecycle Hooks",
        steps: &[s(34, "no `host` in `httpGet`/`tcpSocket` of probes and `postStart`/`preStop` handlers")],
        overrides: &[],
        eval: checks::host_probes_and_host_lifecycle,
    },
    CheckDef {
        id: "restrictedVolumes",
        level: PssLevel::Restricted,
        control: "Volume Types",
        steps: &[s(
            0,
            "volumes only `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, \
             `persistentVolumeClaim`, `projected`, `secret` (`image` at every version, as PSA since Kubernetes 1.33)",
        )],
        overrides: &["hostPathVolumes"],
        eval: checks::restricted_volumes,
    },
    CheckDef {
        id: "allowPrivilegeEscalation",
        level: PssLevel::Restricted,
        control: "Privilege Escalation",
        steps: &[
            s(8, "every container sets `allowPrivilegeEscalation: false`"),
            s(25, "pods with `os.name: windows` exempt"),
        ],
        overrides: &[],
        eval: checks::allow_privilege_escalation,
    },
    CheckDef {
        id: "runAsNonRoot",
        level: PssLevel::Restricted,
        control: "Running as Non-root",
        steps: &[
            s(0, "`runAsNonRoot: true` on the pod or every container, and `false` nowhere"),
            s(35, "pods with `hostUsers: false` exempt"),
        ],
        overrides: &[],
        eval: checks::run_as_non_root,
    },
    CheckDef {
        id: "runAsUser",
        level: PssLevel::Restricted,
        control: "Running as Non-root user",
        steps: &[
            s(23, "`runAsUser` not `0` on the pod or any container"),
            s(35, "pods with `hostUsers: false` exempt"),
        ],
        overrides: &[],
        eval: checks::run_as_user,
    },
    CheckDef {
        id: "seccompProfile_restricted",
        level: PssLevel::Restricted,
        control: "Seccomp",
        steps: &[
            s(19, "`seccompProfile.type` `RuntimeDefault` or `Localhost` on the pod or every container"),
            s(25, "pods with `os.name: windows` exempt"),
        ],
        overrides: &["seccompProfile_baseline"],
        eval: checks::seccomp_profile_restricted,
    },
    CheckDef {
        id: "capabilities_restricted",
        level: PssLevel::Restricted,
        control: "Capabilities",
        steps: &[
            s(22, "every container drops `ALL` and adds at most `NET_BIND_SERVICE`"),
            s(25, "pods with `os.name: windows` exempt"),
        ],
        overrides: &["capabilities_baseline"],
        eval: checks::capabilities_restricted,
    },
    CheckDef {
        id: "procMount_restricted",
        level: PssLevel::Restricted,
        control: "/proc Mount Type",
        steps: &[s(35, "`procMount` only unset or `Default`, `hostUsers: false` or not")],
        overrides: &["procMount"],
        eval: checks::proc_mount_restricted,
    },
];

/// The checks that run for a level at a version, in PSA's order (baseline checks, then restricted
/// ones, each sorted by id): for `restricted`, every baseline check not replaced by a restricted
/// check that applies at that version.
#[must_use]
pub fn checks_for(level: PssLevel, version: PssVersion) -> Vec<&'static CheckDef> {
    let minor = version.minor();
    let applicable: Vec<&CheckDef> =
        CHECKS.iter().filter(|c| c.level <= level && level != PssLevel::Privileged && c.applies_at(minor)).collect();
    let overridden: Vec<&str> = applicable
        .iter()
        .filter(|c| c.level == level)
        .flat_map(|c| c.overrides.iter().copied())
        .filter(|_| level == PssLevel::Restricted)
        .collect();
    let mut out: Vec<&CheckDef> = applicable.into_iter().filter(|c| !overridden.contains(&c.id)).collect();
    // PSA's order (that of its messages): baseline checks, then restricted ones, each by id.
    out.sort_by_key(|c| (c.level, c.id));
    out
}

const USAGE: &str = "\
## Usage

```sh
kubeharden pss --level restricted [--version v1.29|latest] k8s/ [--format text|json]
```

One verdict per pod-bearing object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob, PodTemplate, ...: for controllers, about the pods they would create). Exit code 0 when
every object is allowed, 1 when one is denied, 2 on a usage or input error. JSON:
`{\"level\", \"version\", \"results\": [{\"file\", \"document\", \"object\": {...}, \"allowed\", \"violations\":
[{\"check\", \"message\", \"path\", \"line\", \"column\"}]}], \"errors\": [...]}`. Each violation is one PSA
check, worded as Kubernetes words it; `path` is the first offending field (or where the fix goes)
from the document root. The library exposes the same: `kubeharden::check_pss(&PssRequest)`, and
`kubeharden::evaluate_pod(&PodSpec, PssLevel, PssVersion)` for one pod spec.

### Namespaces: admission simulation

`kubeharden scan` reads the `pod-security.kubernetes.io/{enforce,audit,warn}` labels and their
`-version` labels of the Namespace objects in its input, with Kubernetes' defaulting: unlabelled =
`privileged`; a level that is not one = `restricted` for `enforce` (fails closed) and `privileged`
for `audit` and `warn` (fail open); a missing or unparseable version = `latest`.

- `NSP001 namespace-pss-enforce-missing` (high): a Namespace without an `enforce` label, or enforcing
  `privileged`.
- `NSP002 pss-admission-rejected` (**critical**): a workload in a namespace of the input whose pods
  the `enforce` level and version reject (the object applies, its pods never start).
- `NSP003 pss-admission-warning`: a workload whose pods `enforce` admits but `audit` flags —
  **medium** (violations land in the audit log) — or only `warn` flags — **low** (the client gets a
  warning).

Both messages list the violations as the API server does:
`violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (...), ...`.
";

/// The table as Markdown (the body of `docs/pss.md`).
#[must_use]
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# Pod Security Standards checks\n\n");
    out.push_str(
        "<!-- Generated from core/src/pss/table.rs by `KUBEHARDEN_BLESS=1 cargo test -p kubeharden --test pss_docs`; do not edit. -->\n\n",
    );
    out.push_str(&format!(
        "kubeharden evaluates pods as Pod Security Admission does, for every version `v1.0` … `v1.{LATEST_MINOR}` \
         and `latest` (= `v1.{LATEST_MINOR}`; newer versions are evaluated as `latest`). `privileged` allows \
         everything; `restricted` runs every baseline check except the ones a restricted check replaces at that \
         version. Check ids and violation messages are Kubernetes' own.\n\n"
    ));
    out.push_str(USAGE);
    out.push_str("\n## Checks\n\n");
    out.push_str("| check | level | control | from | requirement, by version | replaces |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for c in CHECKS {
        let steps: Vec<String> = c.steps.iter().map(|st| format!("v1.{}: {}", st.since, st.what)).collect();
        let replaces: Vec<String> = c.overrides.iter().map(|o| format!("`{o}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | v1.{} | {} | {} |\n",
            c.id,
            c.level.as_str(),
            c.control,
            c.since(),
            steps.join("<br>"),
            if replaces.is_empty() { "—".to_owned() } else { replaces.join(", ") },
        ));
    }
    out.push_str("\n## Control × level × version\n\n");
    out.push_str(
        "Columns are the versions where something changes (between two columns nothing does). \
         `new`: the check starts to apply; `changed`: its behaviour changes (see above); `✓`: applies unchanged; \
         `—`: does not exist yet; `✓ (B)`: applies at baseline only, restricted runs its replacement.\n\n",
    );
    let mut change_points: Vec<u32> = CHECKS.iter().flat_map(|c| c.steps.iter().map(|st| st.since)).collect();
    change_points.sort_unstable();
    change_points.dedup();
    let header: Vec<String> = change_points.iter().map(|m| format!("v1.{m}")).collect();
    out.push_str(&format!("| check | level | {} |\n", header.join(" | ")));
    out.push_str(&format!("|---|---|{}\n", "---|".repeat(change_points.len())));
    for c in CHECKS {
        let cells: Vec<String> = change_points
            .iter()
            .map(|&minor| {
                if !c.applies_at(minor) {
                    return "—".to_owned();
                }
                let mut cell = if minor == c.since() {
                    "new".to_owned()
                } else if c.steps.iter().any(|st| st.since == minor) {
                    "changed".to_owned()
                } else {
                    "✓".to_owned()
                };
                let replaced = c.level == PssLevel::Baseline
                    && !checks_for(PssLevel::Restricted, PssVersion::V(minor)).iter().any(|r| r.id == c.id);
                if replaced {
                    cell.push_str(" (B)");
                }
                cell
            })
            .collect();
        out.push_str(&format!("| `{}` | {} | {} |\n", c.id, c.level.as_str(), cells.join(" | ")));
    }
    out
}
