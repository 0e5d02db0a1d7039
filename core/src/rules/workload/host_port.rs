use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::{ContainerKind, Lenient, PodSpec};
use crate::rules::workload::common::wrong_type;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container port with a `hostPort` other than `0`, in init and regular
    /// containers (ephemeral containers may not declare ports).
    ///
    /// ## Why is this bad?
    /// A `hostPort` binds the port on the node's own address, bypassing Services and most
    /// NetworkPolicy implementations, exposing the pod to whatever can reach the node. It also
    /// limits scheduling to one such pod per node and port. The baseline Pod Security Standard
    /// forbids host ports.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:1.0.0
    ///     ports:
    ///       - containerPort: 8080
    ///         hostPort: 80
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:1.0.0
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    /// Expose the port through a Service (or an Ingress) instead.
    ///
    /// ## Fix safety
    /// Unsafe: removes `hostPort`. Clients that reach the pod on the node's address lose it (a
    /// Service reaches the container port). No fix where removing the line would take a comment with
    /// it, or when `hostPort` opens the list item (`- hostPort: 80`).
    pub HostPort {
        id: "POD011",
        name: "host-port",
        severity: Severity::Medium,
        title: "Container binds a port on the host",
        help: "remove `hostPort`; expose the port through a Service",
        references: ["Pod Security Standards (baseline): Host Ports", "CIS Kubernetes Benchmark 5.2.13"],
        peers: ["psa:hostPorts", "checkov:CKV_K8S_26", "trivy:KSV-0024", "polaris:hostPortSet"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for HostPort {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for c in pod.containers.iter().filter(|c| c.kind != ContainerKind::Ephemeral) {
            for p in &c.ports {
                let path = c.path.key("ports").index(p.index).key("hostPort");
                let message = match &p.host_port {
                    Lenient::Valid(0) | Lenient::Absent => continue,
                    Lenient::Valid(h) => {
                        let target = match p.container_port.valid() {
                            Some(cp) => format!(" (container port {cp})"),
                            None => String::new(),
                        };
                        format!("{} binds host port `{h}`{target}", c.describe())
                    }
                    Lenient::Invalid(v) => format!("{} {}", c.describe(), wrong_type("hostPort", v, "an integer")),
                };
                let fix = matches!(p.host_port, Lenient::Valid(_))
                    .then(|| Plan::unsafe_fix("remove `hostPort`").remove(path.clone()));
                let d = out.report(Self::META, At::Container(pod, c, path), message);
                if let Some(fix) = fix {
                    d.fix(fix);
                }
            }
        }
    }
}
