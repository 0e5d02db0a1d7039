use super::lenient::{InvalidField, Lenient, Reader};
use super::object::K8sObject;
use crate::location::FieldPath;
use crate::syntax::Node;

/// The three container lists of a pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerKind {
    /// `initContainers`.
    Init,
    /// `containers`.
    Regular,
    /// `ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// The pod spec field of this list.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    /// A word for messages: `init container`, `container`, `ephemeral container`.
    #[must_use]
    pub const fn noun(self) -> &'static str {
        match self {
            ContainerKind::Init => "init container",
            ContainerKind::Regular => "container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// Where an effective security setting comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The container's `securityContext`.
    Container,
    /// The pod's `securityContext` (the container does not set it).
    Pod,
    /// Neither sets it.
    Unset,
}

/// An effective security setting: the container's value if set, else the pod's.
#[derive(Clone, Debug, PartialEq)]
pub struct Eff<T> {
    /// The effective value.
    pub value: Lenient<T>,
    /// Where it comes from.
    pub level: Level,
}

fn effective<T: Clone>(container: &Lenient<T>, pod: &Lenient<T>) -> Eff<T> {
    if container.is_present() {
        Eff { value: container.clone(), level: Level::Container }
    } else if pod.is_present() {
        Eff { value: pod.clone(), level: Level::Pod }
    } else {
        Eff { value: Lenient::Absent, level: Level::Unset }
    }
}

/// The pod-level `securityContext`.
#[derive(Clone, Debug)]
pub struct PodSecurityContext<'a> {
    /// The node, if present.
    pub node: Option<&'a Node>,
    /// `<spec>.securityContext`.
    pub path: FieldPath,
    /// `runAsNonRoot`.
    pub run_as_non_root: Lenient<bool>,
    /// `runAsUser`.
    pub run_as_user: Lenient<i64>,
    /// `runAsGroup`.
    pub run_as_group: Lenient<i64>,
    /// `seccompProfile.type`.
    pub seccomp_type: Lenient<&'a str>,
}

/// A capability in `capabilities.add` or `.drop`.
#[derive(Clone, Debug)]
pub struct Capability<'a> {
    /// Index in the list.
    pub index: usize,
    /// The capability as written.
    pub value: Lenient<&'a str>,
}

/// A container port.
#[derive(Clone, Debug)]
pub struct Port<'a> {
    /// Index in `ports`.
    pub index: usize,
    /// `containerPort`.
    pub container_port: Lenient<i64>,
    /// `hostPort`.
    pub host_port: Lenient<i64>,
    /// `name`.
    pub name: Option<&'a str>,
    /// `protocol` (default TCP).
    pub protocol: Option<&'a str>,
}

/// A container's `resources`.
#[derive(Clone, Debug, Default)]
pub struct Resources<'a> {
    /// `resources.requests`.
    pub requests: Option<&'a Node>,
    /// `resources.limits`.
    pub limits: Option<&'a Node>,
}

impl Resources<'_> {
    /// Whether `requests.<name>` is set.
    #[must_use]
    pub fn has_request(&self, name: &str) -> bool {
        self.requests.and_then(|r| r.get(name)).is_some_and(|n| !n.is_null())
    }

    /// Whether `limits.<name>` is set.
    #[must_use]
    pub fn has_limit(&self, name: &str) -> bool {
        self.limits.and_then(|r| r.get(name)).is_some_and(|n| !n.is_null())
    }
}

/// An `env` entry.
#[derive(Clone, Debug)]
pub struct EnvVar<'a> {
    /// Index in `env`.
    pub index: usize,
    /// `name`.
    pub name: &'a str,
    /// `value`, if present (a literal).
    pub value: Lenient<&'a str>,
    /// `valueFrom`, if present.
    pub value_from: Option<&'a Node>,
}

/// An `envFrom` entry.
#[derive(Clone, Debug)]
pub struct EnvSource<'a> {
    /// Index in `envFrom`.
    pub index: usize,
    /// `secretRef.name`.
    pub secret_ref: Option<&'a str>,
    /// `configMapRef.name`.
    pub config_map_ref: Option<&'a str>,
}

/// A pod volume.
#[derive(Clone, Debug)]
pub struct Volume<'a> {
    /// Index in `volumes`.
    pub index: usize,
    /// `name`.
    pub name: &'a str,
    /// The volume's node.
    pub node: &'a Node,
    /// `hostPath.path`, for hostPath volumes.
    pub host_path: Option<Lenient<&'a str>>,
}

/// A container of any kind, with its effective security settings.
#[derive(Clone, Debug)]
pub struct Container<'a> {
    /// Which list it is in.
    pub kind: ContainerKind,
    /// Index in that list.
    pub index: usize,
    /// Path of the container (`spec.template.spec.containers[0]`).
    pub path: FieldPath,
    /// The container's node.
    pub node: &'a Node,
    /// `name` (empty if missing).
    pub name: &'a str,
    /// `image`.
    pub image: Lenient<&'a str>,
    /// The container's `securityContext` node, if present.
    pub security_context: Option<&'a Node>,
    /// `securityContext.privileged`.
    pub privileged: Lenient<bool>,
    /// `securityContext.allowPrivilegeEscalation`.
    pub allow_privilege_escalation: Lenient<bool>,
    /// `securityContext.readOnlyRootFilesystem`.
    pub read_only_root_filesystem: Lenient<bool>,
    /// `securityContext.capabilities.add`.
    pub capabilities_add: Vec<Capability<'a>>,
    /// `securityContext.capabilities.drop`.
    pub capabilities_drop: Vec<Capability<'a>>,
    /// Effective `runAsNonRoot`.
    pub run_as_non_root: Eff<bool>,
    /// Effective `runAsUser`.
    pub run_as_user: Eff<i64>,
    /// Effective `runAsGroup`.
    pub run_as_group: Eff<i64>,
    /// Effective `seccompProfile.type`.
    pub seccomp_type: Eff<&'a str>,
    /// `ports`.
    pub ports: Vec<Port<'a>>,
    /// `resources`.
    pub resources: Resources<'a>,
    /// `env`.
    pub env: Vec<EnvVar<'a>>,
    /// `envFrom`.
    pub env_from: Vec<EnvSource<'a>>,
    pod_sc_path: FieldPath,
}

impl Container<'_> {
    /// `<container>.securityContext.<field>`.
    #[must_use]
    pub fn sc_path(&self, field: &'static str) -> FieldPath {
        self.path.key("securityContext").key(field)
    }

    /// Where an effective setting is set: the pod's `securityContext.<field>` when it comes from
    /// the pod, else the container's (where a fix would go when unset).
    #[must_use]
    pub fn effective_path(&self, level: Level, field: &'static str) -> FieldPath {
        match level {
            Level::Pod => self.pod_sc_path.key(field),
            Level::Container | Level::Unset => self.sc_path(field),
        }
    }

    /// `init container "x"`, `container "x"`, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind.noun(), self.name)
    }
}

/// A pod spec found in a pod-bearing object.
#[derive(Clone, Debug)]
pub struct PodSpec<'a> {
    /// The object that carries it.
    pub object: K8sObject<'a>,
    /// The pod spec node.
    pub node: &'a Node,
    /// Path of the pod spec (`spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`).
    pub path: FieldPath,
    /// The pod's metadata (the template's, or the Pod's own).
    pub meta: Option<&'a Node>,
    /// Path of that metadata.
    pub meta_path: FieldPath,
    /// `hostNetwork`.
    pub host_network: Lenient<bool>,
    /// `hostPID`.
    pub host_pid: Lenient<bool>,
    /// `hostIPC`.
    pub host_ipc: Lenient<bool>,
    /// `hostUsers`.
    pub host_users: Lenient<bool>,
    /// `automountServiceAccountToken`.
    pub automount_service_account_token: Lenient<bool>,
    /// `os.name`.
    pub os_name: Lenient<&'a str>,
    /// `securityContext`.
    pub security_context: PodSecurityContext<'a>,
    /// `volumes`.
    pub volumes: Vec<Volume<'a>>,
    /// Every container: init, regular, ephemeral, in that order.
    pub containers: Vec<Container<'a>>,
    /// Fields read with a wrong type.
    pub invalid: Vec<InvalidField>,
}

/// Kinds whose pod template is at `spec.template.spec` and that always carry one.
const TEMPLATE_KINDS: &[&str] =
    &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"];

/// Where an object's pod spec is ([`PodSpec::locate`]): its node, its path and its metadata's
/// path (relative to the object).
pub(crate) struct Located<'a> {
    spec: &'a Node,
    rel: FieldPath,
    meta_rel: FieldPath,
}

impl Located<'_> {
    /// How many containers (init, regular, ephemeral) the pod spec lists, without reading it
    /// (what its model will cost).
    pub(crate) fn containers(&self) -> usize {
        ["initContainers", "containers", "ephemeralContainers"]
            .iter()
            .filter_map(|k| self.spec.get(k).and_then(Node::as_seq))
            .map(<[Node]>::len)
            .sum()
    }
}

impl<'a> PodSpec<'a> {
    pub(crate) fn of(object: &K8sObject<'a>) -> Option<Self> {
        Some(Self::read_at(object, Self::locate(object)?))
    }

    /// The pod spec of `object`, found by [`PodSpec::locate`].
    pub(crate) fn read_at(object: &K8sObject<'a>, at: Located<'a>) -> Self {
        let Located { spec, rel, meta_rel } = at;
        let meta = object.node.at(&meta_rel).filter(|m| m.as_map().is_some());
        Self::read(object.clone(), spec, object.path.join(&rel), meta, object.path.join(&meta_rel))
    }

    /// Where the pod spec of `object` is, without reading it; `None` when `object` has none.
    pub(crate) fn locate(object: &K8sObject<'a>) -> Option<Located<'a>> {
        let node = object.node;
        let (rel, meta_rel): (FieldPath, FieldPath) = match object.kind {
            "Pod" => (FieldPath::root().key("spec"), FieldPath::root().key("metadata")),
            "PodTemplate" => {
                (FieldPath::root().key("template").key("spec"), FieldPath::root().key("template").key("metadata"))
            }
            _ => {
                let t = FieldPath::root().key("spec").key("template");
                let jt = FieldPath::root().key("spec").key("jobTemplate").key("spec").key("template");
                let has_pod = |p: &FieldPath| node.at(&p.key("spec")).is_some_and(|s| s.get("containers").is_some());
                if object.kind == "CronJob" || (!TEMPLATE_KINDS.contains(&object.kind) && !has_pod(&t) && has_pod(&jt))
                {
                    (jt.key("spec"), jt.key("metadata"))
                } else if TEMPLATE_KINDS.contains(&object.kind) || has_pod(&t) {
                    (t.key("spec"), t.key("metadata"))
                } else {
                    return None;
                }
            }
        };
        let spec = node.at(&rel)?;
        spec.as_map()?;
        Some(Located { spec, rel, meta_rel })
    }

    /// For a kind that always carries a pod spec (Pod, PodTemplate, the workload controllers,
    /// CronJob), the field on the way to it that is present with a type other than a mapping
    /// (`spec: []`, `template: "x"`): the object's pod cannot be read, which must not pass
    /// silently. `None` when the way is clear or merely absent (a partial manifest, a patch).
    #[must_use]
    pub fn unreadable(object: &K8sObject<'a>) -> Option<InvalidField> {
        let rel = match object.kind {
            "Pod" => FieldPath::root().key("spec"),
            "PodTemplate" => FieldPath::root().key("template").key("spec"),
            "CronJob" => FieldPath::root().key("spec").key("jobTemplate").key("spec").key("template").key("spec"),
            k if TEMPLATE_KINDS.contains(&k) => FieldPath::root().key("spec").key("template").key("spec"),
            _ => return None,
        };
        let mut node = object.node;
        let mut path = object.path.clone();
        for seg in rel.segments() {
            let crate::location::Segment::Key(k) = seg else { return None };
            let next = node.get(k)?;
            path = path.key_owned(k);
            if next.is_null() {
                return None;
            }
            if next.as_map().is_none() {
                return Some(InvalidField { path, expected: "mapping", found: next.short() });
            }
            node = next;
        }
        None
    }

    fn read(
        object: K8sObject<'a>,
        spec: &'a Node,
        path: FieldPath,
        meta: Option<&'a Node>,
        meta_path: FieldPath,
    ) -> Self {
        let mut r = Reader::default();
        let host_network = r.bool(spec.get("hostNetwork"), || path.key("hostNetwork"));
        let host_pid = r.bool(spec.get("hostPID"), || path.key("hostPID"));
        let host_ipc = r.bool(spec.get("hostIPC"), || path.key("hostIPC"));
        let host_users = r.bool(spec.get("hostUsers"), || path.key("hostUsers"));
        let automount = r.bool(spec.get("automountServiceAccountToken"), || path.key("automountServiceAccountToken"));
        let os = r.map(spec.get("os"), || path.key("os"));
        let os_name = r.str(os.and_then(|o| o.get("name")), || path.key("os").key("name"));

        let sc_path = path.key("securityContext");
        let sc = r.map(spec.get("securityContext"), || sc_path.clone());
        let seccomp = r.map(sc.and_then(|s| s.get("seccompProfile")), || sc_path.key("seccompProfile"));
        let pod_sc = PodSecurityContext {
            node: sc,
            run_as_non_root: r.bool(sc.and_then(|s| s.get("runAsNonRoot")), || sc_path.key("runAsNonRoot")),
            run_as_user: r.id(sc.and_then(|s| s.get("runAsUser")), || sc_path.key("runAsUser")),
            run_as_group: r.id(sc.and_then(|s| s.get("runAsGroup")), || sc_path.key("runAsGroup")),
            seccomp_type: r.str(seccomp.and_then(|s| s.get("type")), || sc_path.key("seccompProfile").key("type")),
            path: sc_path.clone(),
        };

        let vpath = path.key("volumes");
        let volumes = r
            .seq(spec.get("volumes"), || vpath.clone())
            .iter()
            .enumerate()
            .map(|(index, v)| {
                let hp = v.get("hostPath").filter(|h| !h.is_null());
                let host_path = hp.map(|h| r.str(h.get("path"), || vpath.index(index).key("hostPath").key("path")));
                Volume { index, name: v.get("name").and_then(Node::as_str).unwrap_or(""), node: v, host_path }
            })
            .collect();

        let mut containers = Vec::new();
        for kind in [ContainerKind::Init, ContainerKind::Regular, ContainerKind::Ephemeral] {
            let lpath = path.key(kind.field());
            for (index, c) in r.seq(spec.get(kind.field()), || lpath.clone()).iter().enumerate() {
                // A container that is not a mapping (`- nginx`, `- null`) is recorded as mistyped:
                // the API server has no container to run there.
                if c.is_null() {
                    r.invalid.push(InvalidField {
                        path: lpath.index(index),
                        expected: "mapping",
                        found: "null".to_owned(),
                    });
                } else {
                    let _ = r.map(Some(c), || lpath.index(index));
                }
                containers.push(read_container(&mut r, kind, index, lpath.index(index), c, &pod_sc));
            }
        }

        PodSpec {
            object,
            node: spec,
            path,
            meta,
            meta_path,
            host_network,
            host_pid,
            host_ipc,
            host_users,
            automount_service_account_token: automount,
            os_name,
            security_context: pod_sc,
            volumes,
            containers,
            invalid: r.invalid,
        }
    }

    /// Whether the pod declares `spec.os.name: windows`.
    #[must_use]
    pub fn is_windows(&self) -> bool {
        self.os_name.valid() == Some("windows")
    }

    /// A label of the pod (template labels for controllers).
    #[must_use]
    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.meta?.get("labels")?.get(key)?.as_str()
    }

    /// The pod's labels.
    #[must_use]
    pub fn labels(&self) -> Vec<(&'a str, &'a str)> {
        self.meta
            .and_then(|m| m.get("labels"))
            .and_then(Node::as_map)
            .map(|m| m.iter().filter_map(|e| Some((e.key.as_str(), e.value.as_str()?))).collect())
            .unwrap_or_default()
    }

    /// An annotation of the pod (template annotations for controllers).
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.meta?.get("annotations")?.get(key)?.as_str()
    }

    /// The pod's regular containers (not init, not ephemeral).
    pub fn regular_containers(&self) -> impl Iterator<Item = &Container<'a>> {
        self.containers.iter().filter(|c| c.kind == ContainerKind::Regular)
    }
}

fn read_caps<'a>(r: &mut Reader, node: Option<&'a Node>, path: &FieldPath) -> Vec<Capability<'a>> {
    r.seq(node, || path.clone())
        .iter()
        .enumerate()
        .map(|(index, n)| Capability { index, value: r.str(Some(n), || path.index(index)) })
        .collect()
}

fn read_container<'a>(
    r: &mut Reader,
    kind: ContainerKind,
    index: usize,
    path: FieldPath,
    c: &'a Node,
    pod: &PodSecurityContext<'a>,
) -> Container<'a> {
    let name = c.get("name").and_then(Node::as_str).unwrap_or("");
    let image = r.str(c.get("image"), || path.key("image"));
    let scp = path.key("securityContext");
    let sc = r.map(c.get("securityContext"), || scp.clone());
    let get = |k: &str| sc.and_then(|s| s.get(k));
    let privileged = r.bool(get("privileged"), || scp.key("privileged"));
    let ape = r.bool(get("allowPrivilegeEscalation"), || scp.key("allowPrivilegeEscalation"));
    let rorf = r.bool(get("readOnlyRootFilesystem"), || scp.key("readOnlyRootFilesystem"));
    let caps = r.map(get("capabilities"), || scp.key("capabilities"));
    let caps_add = read_caps(r, caps.and_then(|c| c.get("add")), &scp.key("capabilities").key("add"));
    let caps_drop = read_caps(r, caps.and_then(|c| c.get("drop")), &scp.key("capabilities").key("drop"));
    let ranr = r.bool(get("runAsNonRoot"), || scp.key("runAsNonRoot"));
    let rau = r.id(get("runAsUser"), || scp.key("runAsUser"));
    let rag = r.id(get("runAsGroup"), || scp.key("runAsGroup"));
    let seccomp = r.map(get("seccompProfile"), || scp.key("seccompProfile"));
    let sct = r.str(seccomp.and_then(|s| s.get("type")), || scp.key("seccompProfile").key("type"));

    let ppath = path.key("ports");
    let ports = r
        .seq(c.get("ports"), || ppath.clone())
        .iter()
        .enumerate()
        .map(|(i, p)| Port {
            index: i,
            container_port: r.int(p.get("containerPort"), || ppath.index(i).key("containerPort")),
            host_port: r.int(p.get("hostPort"), || ppath.index(i).key("hostPort")),
            name: p.get("name").and_then(Node::as_str),
            protocol: p.get("protocol").and_then(Node::as_str),
        })
        .collect();

    let rpath = path.key("resources");
    let res = r.map(c.get("resources"), || rpath.clone());
    let resources = Resources {
        requests: r.map(res.and_then(|x| x.get("requests")), || rpath.key("requests")),
        limits: r.map(res.and_then(|x| x.get("limits")), || rpath.key("limits")),
    };

    let epath = path.key("env");
    let env = r
        .seq(c.get("env"), || epath.clone())
        .iter()
        .enumerate()
        .map(|(i, e)| EnvVar {
            index: i,
            name: e.get("name").and_then(Node::as_str).unwrap_or(""),
            value: r.str(e.get("value"), || epath.index(i).key("value")),
            value_from: e.get("valueFrom").filter(|v| !v.is_null()),
        })
        .collect();
    let efpath = path.key("envFrom");
    let env_from = r
        .seq(c.get("envFrom"), || efpath.clone())
        .iter()
        .enumerate()
        .map(|(i, e)| EnvSource {
            index: i,
            secret_ref: e.get("secretRef").and_then(|s| s.get("name")).and_then(Node::as_str),
            config_map_ref: e.get("configMapRef").and_then(|s| s.get("name")).and_then(Node::as_str),
        })
        .collect();

    Container {
        kind,
        index,
        node: c,
        name,
        image,
        security_context: sc,
        privileged,
        allow_privilege_escalation: ape,
        read_only_root_filesystem: rorf,
        capabilities_add: caps_add,
        capabilities_drop: caps_drop,
        run_as_non_root: effective(&ranr, &pod.run_as_non_root),
        run_as_user: effective(&rau, &pod.run_as_user),
        run_as_group: effective(&rag, &pod.run_as_group),
        seccomp_type: effective(&sct, &pod.seccomp_type),
        ports,
        resources,
        env,
        env_from,
        pod_sc_path: pod.path.clone(),
        path,
    }
}
