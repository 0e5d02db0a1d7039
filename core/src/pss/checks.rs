//! The checks of the Pod Security Standards, with Pod Security Admission's semantics and wording
//! (`<reason> (<detail>)`). Each check looks at the whole pod and gives at most one failure, as
//! PSA does; the failure points at the first offending field (or where the fix goes).

use std::collections::BTreeSet;

use crate::location::FieldPath;
use crate::model::{Container, PodSpec};
use crate::syntax::Node;

/// A failed check: PSA's forbidden reason and detail, and the field to point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fail {
    /// `allowPrivilegeEscalation != false`.
    pub reason: String,
    /// `container "app" must set securityContext.allowPrivilegeEscalation=false`.
    pub detail: String,
    /// The first offending field (or where the fix goes), from the document root.
    pub path: FieldPath,
}

/// A check: the pod and the minor version (`1.<minor>`) it is evaluated at.
pub(crate) type CheckFn = fn(&PodSpec<'_>, u32) -> Option<Fail>;

fn fail(reason: impl Into<String>, detail: impl Into<String>, path: FieldPath) -> Option<Fail> {
    Some(Fail { reason: reason.into(), detail: detail.into(), path })
}

fn pluralize(singular: &'static str, plural: &'static str, n: usize) -> &'static str {
    if n == 1 {
        singular
    } else {
        plural
    }
}

fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(|s| format!("\"{}\"", s.as_ref())).collect::<Vec<_>>().join(", ")
}

fn containers(names: &[&str]) -> String {
    format!("{} {}", pluralize("container", "containers", names.len()), join_quote(names))
}

/// A mapping value (a `null` or a scalar counts as unset, as Kubernetes decodes it).
fn map(n: Option<&Node>) -> Option<&Node> {
    n.filter(|n| n.as_map().is_some())
}

fn get<'a>(n: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    n?.get(key).filter(|v| !v.is_null())
}

fn get_map<'a>(n: Option<&'a Node>, key: &str) -> Option<&'a Node> {
    map(n?.get(key))
}

fn get_bool(n: Option<&Node>, key: &str) -> Option<bool> {
    n?.get(key)?.as_bool()
}

fn get_str<'a>(n: Option<&'a Node>, key: &str) -> Option<&'a str> {
    n?.get(key)?.as_str()
}

fn seq(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).unwrap_or_default()
}

fn pod_sc<'a>(p: &PodSpec<'a>) -> Option<&'a Node> {
    get_map(Some(p.node), "securityContext")
}

fn sc<'a>(c: &Container<'a>) -> Option<&'a Node> {
    get_map(Some(c.node), "securityContext")
}

fn pod_sc_path(p: &PodSpec<'_>, field: &'static str) -> FieldPath {
    p.path.key("securityContext").key(field)
}

fn is_windows(p: &PodSpec<'_>) -> bool {
    get_str(get_map(Some(p.node), "os"), "name") == Some("windows")
}

/// `hostUsers: false`: the pod runs in a user namespace.
fn in_user_namespace(p: &PodSpec<'_>) -> bool {
    get_bool(Some(p.node), "hostUsers") == Some(false)
}

/// "pod and containers "a", "b"" — the setters PSA names.
fn setters(pod: bool, bad: &[&str]) -> String {
    let mut parts = Vec::new();
    if pod {
        parts.push("pod".to_owned());
    }
    if !bad.is_empty() {
        parts.push(containers(bad));
    }
    parts.join(" and ")
}

pub(crate) fn windows_host_process(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut bad = Vec::new();
    let mut first = None;
    for c in &p.containers {
        if get_bool(get_map(sc(c), "windowsOptions"), "hostProcess") == Some(true) {
            bad.push(c.name);
            first.get_or_insert_with(|| c.sc_path("windowsOptions").key("hostProcess"));
        }
    }
    let pod = get_bool(get_map(pod_sc(p), "windowsOptions"), "hostProcess") == Some(true);
    if !pod && bad.is_empty() {
        return None;
    }
    let path = if pod { pod_sc_path(p, "windowsOptions").key("hostProcess") } else { first? };
    fail(
        "hostProcess",
        format!("{} must not set securityContext.windowsOptions.hostProcess=true", setters(pod, &bad)),
        path,
    )
}

pub(crate) fn host_namespaces(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut set = Vec::new();
    let mut first = None;
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if get_bool(Some(p.node), key) == Some(true) {
            set.push(format!("{key}=true"));
            first.get_or_insert_with(|| p.path.key(key));
        }
    }
    fail("host namespaces", set.join(", "), first?)
}

pub(crate) fn privileged(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let bad: Vec<&Container<'_>> =
        p.containers.iter().filter(|c| get_bool(sc(c), "privileged") == Some(true)).collect();
    let first = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    fail(
        "privileged",
        format!("{} must not set securityContext.privileged=true", containers(&names)),
        first.sc_path("privileged"),
    )
}

/// The capabilities the baseline level allows to add (the `capabilities_baseline` check); the
/// workload rule `dangerous-capabilities` uses the same list.
pub const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The string items of a container's `securityContext.capabilities.add`, with their index.
pub(crate) fn caps_add<'a>(c: &Container<'a>) -> impl Iterator<Item = (usize, &'a str)> {
    seq(get(get_map(sc(c), "capabilities"), "add")).iter().enumerate().filter_map(|(i, n)| Some((i, n.as_str()?)))
}

pub(crate) fn capabilities_baseline(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut bad = Vec::new();
    let mut caps = BTreeSet::new();
    let mut first = None;
    for c in &p.containers {
        let mut this = false;
        for (i, cap) in caps_add(c) {
            if !BASELINE_CAPABILITIES.contains(&cap) {
                this = true;
                caps.insert(cap);
                first.get_or_insert_with(|| c.sc_path("capabilities").key("add").index(i));
            }
        }
        if this {
            bad.push(c.name);
        }
    }
    let caps: Vec<&str> = caps.into_iter().collect();
    fail(
        "non-default capabilities",
        format!("{} must not include {} in securityContext.capabilities.add", containers(&bad), join_quote(&caps)),
        first?,
    )
}

pub(crate) fn host_path_volumes(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut names = Vec::new();
    let mut first = None;
    for (i, v) in seq(p.node.get("volumes")).iter().enumerate() {
        if get(Some(v), "hostPath").is_some() {
            names.push(get_str(Some(v), "name").unwrap_or(""));
            first.get_or_insert_with(|| p.path.key("volumes").index(i).key("hostPath"));
        }
    }
    fail("hostPath volumes", format!("{} {}", pluralize("volume", "volumes", names.len()), join_quote(&names)), first?)
}

pub(crate) fn host_ports(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut bad = Vec::new();
    let mut ports = BTreeSet::new();
    let mut first = None;
    for c in &p.containers {
        let mut this = false;
        for (i, port) in seq(c.node.get("ports")).iter().enumerate() {
            let Some(hp) = get(Some(port), "hostPort") else { continue };
            let hp = hp.as_i64().map_or_else(|| hp.short(), |n| n.to_string());
            if hp != "0" {
                this = true;
                ports.insert(hp);
                first.get_or_insert_with(|| c.path.key("ports").index(i).key("hostPort"));
            }
        }
        if this {
            bad.push(c.name);
        }
    }
    let ports: Vec<String> = ports.into_iter().collect();
    fail(
        "hostPort",
        format!(
            "{} {} {} {}",
            containers(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
        first?,
    )
}

const APPARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn annotations<'a>(p: &PodSpec<'a>) -> Vec<(&'a str, &'a Node)> {
    get_map(p.meta, "annotations")
        .and_then(Node::as_map)
        .map(|m| m.iter().map(|e| (e.key.as_str(), &e.value)).collect())
        .unwrap_or_default()
}

fn annotation_path(p: &PodSpec<'_>, key: &str) -> FieldPath {
    p.meta_path.key("annotations").key_owned(key)
}

pub(crate) fn app_armor_profile(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let allowed_type = |n: &Node| matches!(get_str(Some(n), "type"), Some("RuntimeDefault" | "Localhost"));
    let mut values = BTreeSet::new();
    let mut first = None;
    let pod_profile = get_map(pod_sc(p), "appArmorProfile");
    let pod = pod_profile.is_some_and(|n| !allowed_type(n));
    if let (true, Some(n)) = (pod, pod_profile) {
        values.insert(get_str(Some(n), "type").unwrap_or("").to_owned());
        first = Some(pod_sc_path(p, "appArmorProfile").key("type"));
    }
    let mut bad = Vec::new();
    for c in &p.containers {
        if let Some(n) = get_map(sc(c), "appArmorProfile").filter(|n| !allowed_type(n)) {
            bad.push(c.name);
            values.insert(get_str(Some(n), "type").unwrap_or("").to_owned());
            first.get_or_insert_with(|| c.sc_path("appArmorProfile").key("type"));
        }
    }
    let mut values: Vec<String> = values.into_iter().collect();
    let mut forbidden_annotations = Vec::new();
    for (k, v) in annotations(p) {
        if !k.starts_with(APPARMOR_PREFIX) {
            continue;
        }
        let value = v.as_str().unwrap_or("");
        if !(value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")) {
            forbidden_annotations.push(format!("{k}=\"{value}\""));
            first.get_or_insert_with(|| annotation_path(p, k));
        }
    }
    let mut who = setters(pod, &bad);
    if !forbidden_annotations.is_empty() {
        forbidden_annotations.sort();
        let a = pluralize("annotation", "annotations", forbidden_annotations.len());
        who = if who.is_empty() { a.to_owned() } else { format!("{who} and {a}") };
        values.extend(forbidden_annotations);
    }
    let path = first?;
    fail(
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.len()),
        format!("{who} must not set AppArmor profile type to {}", join_quote(&values)),
        path,
    )
}

pub(crate) fn se_linux_options(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    let mut bad_types = BTreeSet::new();
    let mut set_user = false;
    let mut set_role = false;
    let mut check = |opts: &Node| -> bool {
        let mut valid = true;
        let t = get_str(Some(opts), "type").unwrap_or("");
        let allowed = matches!(t, "" | "container_t" | "container_init_t" | "container_kvm_t")
            || (minor >= 31 && t == "container_engine_t");
        if !allowed {
            valid = false;
            bad_types.insert(t.to_owned());
        }
        if !get_str(Some(opts), "user").unwrap_or("").is_empty() {
            valid = false;
            set_user = true;
        }
        if !get_str(Some(opts), "role").unwrap_or("").is_empty() {
            valid = false;
            set_role = true;
        }
        valid
    };
    let mut first = None;
    let pod = get_map(pod_sc(p), "seLinuxOptions").is_some_and(|o| !check(o));
    if pod {
        first = Some(pod_sc_path(p, "seLinuxOptions"));
    }
    let mut bad = Vec::new();
    for c in &p.containers {
        if get_map(sc(c), "seLinuxOptions").is_some_and(|o| !check(o)) {
            bad.push(c.name);
            first.get_or_insert_with(|| c.sc_path("seLinuxOptions"));
        }
    }
    let path = first?;
    let mut data = Vec::new();
    if !bad_types.is_empty() {
        let types: Vec<String> = bad_types.into_iter().collect();
        data.push(format!("{} {}", pluralize("type", "types", types.len()), join_quote(&types)));
    }
    if set_user {
        data.push("user may not be set".to_owned());
    }
    if set_role {
        data.push("role may not be set".to_owned());
    }
    fail(
        "seLinuxOptions",
        format!("{} set forbidden securityContext.seLinuxOptions: {}", setters(pod, &bad), data.join("; ")),
        path,
    )
}

fn proc_mount(p: &PodSpec<'_>) -> Option<Fail> {
    let mut bad = Vec::new();
    let mut types = BTreeSet::new();
    let mut first = None;
    for c in &p.containers {
        let Some(pm) = get(sc(c), "procMount") else { continue };
        let value = pm.as_str().map_or_else(|| pm.short(), str::to_owned);
        if value != "Default" {
            bad.push(c.name);
            types.insert(value);
            first.get_or_insert_with(|| c.sc_path("procMount"));
        }
    }
    let types: Vec<String> = types.into_iter().collect();
    fail(
        "procMount",
        format!("{} must not set securityContext.procMount to {}", containers(&bad), join_quote(&types)),
        first?,
    )
}

pub(crate) fn proc_mount_baseline(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor >= 35 && in_user_namespace(p) {
        return None;
    }
    proc_mount(p)
}

pub(crate) fn proc_mount_restricted(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    proc_mount(p)
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn valid_seccomp(profile: &Node) -> bool {
    matches!(get_str(Some(profile), "type"), Some("RuntimeDefault" | "Localhost"))
}

fn seccomp_type(profile: &Node) -> String {
    get_str(Some(profile), "type").unwrap_or("").to_owned()
}

pub(crate) fn seccomp_profile_baseline(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor < 19 {
        return seccomp_annotations(p);
    }
    let mut values = BTreeSet::new();
    let mut first = None;
    let pod_profile = get_map(pod_sc(p), "seccompProfile").filter(|n| !valid_seccomp(n));
    if let Some(n) = pod_profile {
        values.insert(seccomp_type(n));
        first = Some(pod_sc_path(p, "seccompProfile").key("type"));
    }
    let mut bad = Vec::new();
    for c in &p.containers {
        if let Some(n) = get_map(sc(c), "seccompProfile").filter(|n| !valid_seccomp(n)) {
            bad.push(c.name);
            values.insert(seccomp_type(n));
            first.get_or_insert_with(|| c.sc_path("seccompProfile").key("type"));
        }
    }
    let values: Vec<String> = values.into_iter().collect();
    let path = first?;
    fail(
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters(pod_profile.is_some(), &bad),
            join_quote(&values)
        ),
        path,
    )
}

fn seccomp_annotations(p: &PodSpec<'_>) -> Option<Fail> {
    let valid = |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    let anns = annotations(p);
    let lookup = |key: &str| anns.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v.as_str().unwrap_or(""));
    let mut forbidden = BTreeSet::new();
    let mut first = None;
    if let Some(v) = lookup(SECCOMP_POD_ANNOTATION).filter(|v| !valid(v)) {
        forbidden.insert(format!("{SECCOMP_POD_ANNOTATION}=\"{v}\""));
        first = Some(annotation_path(p, SECCOMP_POD_ANNOTATION));
    }
    for c in &p.containers {
        let key = format!("{SECCOMP_CONTAINER_PREFIX}{}", c.name);
        if let Some(v) = lookup(&key).filter(|v| !valid(v)) {
            forbidden.insert(format!("{key}=\"{v}\""));
            first.get_or_insert_with(|| annotation_path(p, &key));
        }
    }
    let forbidden: Vec<String> = forbidden.into_iter().collect();
    fail(
        "seccompProfile",
        format!("forbidden {} {}", pluralize("annotation", "annotations", forbidden.len()), forbidden.join(", ")),
        first?,
    )
}

/// The safe sysctls, each with the minor version that allows it.
pub(crate) const SAFE_SYSCTLS: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_notsent_lowat", 37),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
];

pub(crate) fn sysctls(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    let mut forbidden = Vec::new();
    let mut first = None;
    for (i, s) in seq(get(pod_sc(p), "sysctls")).iter().enumerate() {
        let name = get_str(Some(s), "name").unwrap_or("");
        if !SAFE_SYSCTLS.iter().any(|(n, since)| *n == name && minor >= *since) {
            forbidden.push(name);
            first.get_or_insert_with(|| pod_sc_path(p, "sysctls").index(i).key("name"));
        }
    }
    fail("forbidden sysctls", forbidden.join(", "), first?)
}

pub(crate) fn host_probes_and_host_lifecycle(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut bad = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    let mut first = None;
    for c in &p.containers {
        let handlers = [
            (c.node.get("livenessProbe"), "livenessProbe", None),
            (c.node.get("readinessProbe"), "readinessProbe", None),
            (c.node.get("startupProbe"), "startupProbe", None),
            (get(get_map(Some(c.node), "lifecycle"), "postStart"), "lifecycle", Some("postStart")),
            (get(get_map(Some(c.node), "lifecycle"), "preStop"), "lifecycle", Some("preStop")),
        ];
        for (handler, field, sub) in handlers {
            let handler = map(handler);
            for action in ["httpGet", "tcpSocket"] {
                let Some(host) = get_str(get_map(handler, action), "host").filter(|h| !h.is_empty()) else { continue };
                bad.insert(c.name);
                hosts.insert(host);
                first.get_or_insert_with(|| {
                    let base = c.path.key(field);
                    let base = match sub {
                        Some(s) => base.key(s),
                        None => base,
                    };
                    base.key(action).key("host")
                });
            }
        }
    }
    let bad: Vec<&str> = bad.into_iter().collect();
    let hosts: Vec<&str> = hosts.into_iter().collect();
    fail(
        "probe or lifecycle host",
        format!(
            "{} {} {} {}",
            containers(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.len()),
            join_quote(&hosts)
        ),
        first?,
    )
}

/// Allowed at every version: PSA amended its single 1.0 check to allow `image` volumes (Kubernetes
/// 1.33), so they pass whatever version is pinned.
const ALLOWED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

const RESTRICTED_VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

pub(crate) fn restricted_volumes(p: &PodSpec<'_>, _minor: u32) -> Option<Fail> {
    let mut bad = Vec::new();
    let mut types = BTreeSet::new();
    let mut first = None;
    for (i, v) in seq(p.node.get("volumes")).iter().enumerate() {
        let has = |k: &str| get(Some(v), k).is_some();
        if ALLOWED_VOLUME_SOURCES.iter().any(|k| has(k)) {
            continue;
        }
        let restricted = RESTRICTED_VOLUME_SOURCES.iter().find(|k| has(k));
        let other = v.as_map().and_then(|m| m.iter().find(|e| e.key != "name" && !e.value.is_null()));
        let vpath = p.path.key("volumes").index(i);
        let (kind, path) = match (restricted, other) {
            (Some(k), _) => (*k, vpath.key(k)),
            // No source at all: the API server defaults it to `emptyDir`.
            (None, None) => continue,
            (None, Some(e)) => ("unknown", vpath.key_owned(&e.key)),
        };
        bad.push(get_str(Some(v), "name").unwrap_or(""));
        types.insert(kind);
        first.get_or_insert(path);
    }
    let types: Vec<&str> = types.into_iter().collect();
    fail(
        "restricted volume types",
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", bad.len()),
            join_quote(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize("restricted volume type", "restricted volume types", types.len()),
            join_quote(&types)
        ),
        first?,
    )
}

pub(crate) fn allow_privilege_escalation(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor >= 25 && is_windows(p) {
        return None;
    }
    let bad: Vec<&Container<'_>> =
        p.containers.iter().filter(|c| get_bool(sc(c), "allowPrivilegeEscalation") != Some(false)).collect();
    let first = bad.first()?;
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    fail(
        "allowPrivilegeEscalation != false",
        format!("{} must set securityContext.allowPrivilegeEscalation=false", containers(&names)),
        first.sc_path("allowPrivilegeEscalation"),
    )
}

pub(crate) fn run_as_non_root(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor >= 35 && in_user_namespace(p) {
        return None;
    }
    let pod_value = get_bool(pod_sc(p), "runAsNonRoot");
    let pod_bad = pod_value == Some(false);
    let pod_ok = pod_value == Some(true);
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    let mut first_explicit = if pod_bad { Some(pod_sc_path(p, "runAsNonRoot")) } else { None };
    let mut first_implicit = None;
    for c in &p.containers {
        match get_bool(sc(c), "runAsNonRoot") {
            Some(false) => {
                explicit.push(c.name);
                first_explicit.get_or_insert_with(|| c.sc_path("runAsNonRoot"));
            }
            Some(true) => {}
            None if !pod_ok => {
                implicit.push(c.name);
                first_implicit.get_or_insert_with(|| c.sc_path("runAsNonRoot"));
            }
            None => {}
        }
    }
    if let Some(path) = first_explicit {
        return fail(
            "runAsNonRoot != true",
            format!("{} must not set securityContext.runAsNonRoot=false", setters(pod_bad, &explicit)),
            path,
        );
    }
    fail(
        "runAsNonRoot != true",
        format!("pod or {} must set securityContext.runAsNonRoot=true", containers(&implicit)),
        first_implicit?,
    )
}

pub(crate) fn run_as_user(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor >= 35 && in_user_namespace(p) {
        return None;
    }
    let is_root = |n: Option<&Node>| get(n, "runAsUser").and_then(Node::as_i64) == Some(0);
    let pod = is_root(pod_sc(p));
    let mut first = if pod { Some(pod_sc_path(p, "runAsUser")) } else { None };
    let mut bad = Vec::new();
    for c in &p.containers {
        if is_root(sc(c)) {
            bad.push(c.name);
            first.get_or_insert_with(|| c.sc_path("runAsUser"));
        }
    }
    let path = first?;
    fail("runAsUser=0", format!("{} must not set runAsUser=0", setters(pod, &bad)), path)
}

pub(crate) fn seccomp_profile_restricted(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor >= 25 && is_windows(p) {
        return None;
    }
    let mut values = BTreeSet::new();
    let pod_profile = get_map(pod_sc(p), "seccompProfile");
    let pod_bad = pod_profile.is_some_and(|n| !valid_seccomp(n));
    let pod_set = pod_profile.is_some() && !pod_bad;
    let mut first_explicit = None;
    if let (true, Some(n)) = (pod_bad, pod_profile) {
        values.insert(seccomp_type(n));
        first_explicit = Some(pod_sc_path(p, "seccompProfile").key("type"));
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    let mut first_implicit = None;
    for c in &p.containers {
        match get_map(sc(c), "seccompProfile") {
            Some(n) if !valid_seccomp(n) => {
                explicit.push(c.name);
                values.insert(seccomp_type(n));
                first_explicit.get_or_insert_with(|| c.sc_path("seccompProfile").key("type"));
            }
            Some(_) => {}
            None if !pod_set => {
                implicit.push(c.name);
                first_implicit.get_or_insert_with(|| c.sc_path("seccompProfile").key("type"));
            }
            None => {}
        }
    }
    if let Some(path) = first_explicit {
        let values: Vec<String> = values.into_iter().collect();
        return fail(
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters(pod_bad, &explicit),
                join_quote(&values)
            ),
            path,
        );
    }
    fail(
        "seccompProfile",
        format!(
            "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            containers(&implicit)
        ),
        first_implicit?,
    )
}

/// Whether the restricted level allows adding capability `cap`: `NET_BIND_SERVICE` only, spelled
/// exactly so.
pub(crate) fn restricted_allows_adding(cap: &str) -> bool {
    cap == "NET_BIND_SERVICE"
}

pub(crate) fn capabilities_restricted(p: &PodSpec<'_>, minor: u32) -> Option<Fail> {
    if minor >= 25 && is_windows(p) {
        return None;
    }
    let mut missing_drop = Vec::new();
    let mut adding = Vec::new();
    let mut caps = BTreeSet::new();
    let mut first = None;
    for c in &p.containers {
        let capabilities = get_map(sc(c), "capabilities");
        let dropped_all = seq(get(capabilities, "drop")).iter().any(|n| n.as_str() == Some("ALL"));
        if !dropped_all {
            missing_drop.push(c.name);
            first.get_or_insert_with(|| c.sc_path("capabilities").key("drop"));
        }
        let mut this = false;
        for (i, cap) in caps_add(c) {
            if !restricted_allows_adding(cap) {
                this = true;
                caps.insert(cap);
                first.get_or_insert_with(|| c.sc_path("capabilities").key("add").index(i));
            }
        }
        if this {
            adding.push(c.name);
        }
    }
    let mut details = Vec::new();
    if !missing_drop.is_empty() {
        details.push(format!("{} must set securityContext.capabilities.drop=[\"ALL\"]", containers(&missing_drop)));
    }
    if !adding.is_empty() {
        let caps: Vec<&str> = caps.into_iter().collect();
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers(&adding),
            join_quote(&caps)
        ));
    }
    fail("unrestricted capabilities", details.join("; "), first?)
}
