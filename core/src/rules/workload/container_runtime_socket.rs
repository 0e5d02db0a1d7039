use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::{At, Context, Rule, Sink};

/// Socket file names of container runtimes.
const SOCKETS: &[&str] = &["docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock"];

/// Directories that contain a runtime socket (after normalisation: no trailing slash).
const SOCKET_DIRS: &[&str] = &[
    "/",
    "/run",
    "/var",
    "/var/run",
    "/var/run/docker",
    "/run/docker",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
];

/// `//var/run/./` → `/var/run`.
fn normalise(p: &str) -> String {
    let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    format!("/{}", parts.join("/"))
}

declare_rule! {
    /// ## What it does
    /// Flags a `hostPath` volume that exposes a container runtime's socket — `docker.sock`,
    /// `containerd.sock`, `crio.sock` (also `cri-dockerd.sock`, `dockershim.sock`) — or a
    /// directory that contains one: `/`, `/run`, `/var`, `/var/run`, `/var/run/docker`,
    /// `/run/containerd`, `/var/run/crio` (and their `/run` or `/var/run` twins).
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the runtime's socket can start a privileged container with the
    /// node's root file system mounted: it is root on the node, with no further exploit
    /// needed. It also bypasses every admission control of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     image: registry.example.com/agent:1.0.0
    ///     volumeMounts:
    ///       - name: docker
    ///         mountPath: /var/run/docker.sock
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    ///       type: Socket
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     image: registry.example.com/agent:1.0.0
    /// ```
    /// Build images with a daemonless builder (BuildKit rootless, kaniko, buildah) and read
    /// container metadata from the Kubernetes API instead of the runtime.
    pub ContainerRuntimeSocket {
        id: "POD010",
        name: "container-runtime-socket",
        severity: Severity::Critical,
        title: "Pod mounts the container runtime socket",
        help: "remove the volume that mounts the container runtime socket",
        references: ["Pod Security Standards (baseline): HostPath Volumes", "CIS Docker Benchmark 5.31"],
        peers: ["checkov:CKV_K8S_27", "trivy:KSV-0006", "kube-linter:docker-sock"],
        since: "0.1.0",
    }
}

impl Rule for ContainerRuntimeSocket {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for v in &pod.volumes {
            let Some(raw) = v.host_path.as_ref().and_then(crate::model::Lenient::valid) else { continue };
            let p = normalise(raw);
            let file = p.rsplit('/').next().unwrap_or("");
            let message = if SOCKETS.contains(&file) {
                format!("volume `{}` mounts the container runtime socket `{raw}`", v.name)
            } else if SOCKET_DIRS.contains(&p.as_str()) {
                format!(
                    "volume `{}` mounts `{raw}`, a host directory that contains the container runtime socket",
                    v.name
                )
            } else {
                continue;
            };
            out.report(
                Self::META,
                At::Pod(pod, pod.path.key("volumes").index(v.index).key("hostPath").key("path")),
                message,
            );
        }
    }
}
