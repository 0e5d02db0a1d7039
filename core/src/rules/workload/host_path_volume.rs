use crate::api::Severity;
use crate::declare_rule;
use crate::model::{Lenient, PodSpec};
use crate::rules::workload::common::wrong_type;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every `hostPath` volume of a pod.
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume mounts a directory or file of the node into the container. Depending
    /// on the path it exposes credentials (`/var/lib/kubelet`, `/etc/kubernetes`), other pods'
    /// data, the container runtime's socket, or — writable — lets the container plant files the
    /// node will execute. It also ties the pod to one node's file layout. The baseline Pod
    /// Security Standard forbids `hostPath` volumes; use `emptyDir`, a ConfigMap, a Secret, or a
    /// PersistentVolumeClaim instead.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     volumeMounts:
    ///       - name: logs
    ///         mountPath: /var/log/host
    /// volumes:
    ///   - name: logs
    ///     hostPath:
    ///       path: /var/log
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     volumeMounts:
    ///       - name: scratch
    ///         mountPath: /scratch
    /// volumes:
    ///   - name: scratch
    ///     emptyDir: {}
    /// ```
    pub HostPathVolume {
        id: "POD009",
        name: "host-path-volume",
        severity: Severity::High,
        title: "Pod mounts a hostPath volume",
        help: "replace the `hostPath` volume with an `emptyDir`, a ConfigMap, a Secret or a PersistentVolumeClaim",
        references: ["Pod Security Standards (baseline): HostPath Volumes", "CIS Kubernetes Benchmark 5.2.12"],
        peers: ["psa:hostPathVolumes", "trivy:KSV-0023", "kube-linter:sensitive-host-mounts"],
        since: "0.1.0",
    }
}

impl Rule for HostPathVolume {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for v in &pod.volumes {
            let Some(hp) = &v.host_path else { continue };
            let path = pod.path.key("volumes").index(v.index).key("hostPath");
            let message = match hp {
                Lenient::Valid(p) => format!("volume `{}` mounts the host path `{p}`", v.name),
                Lenient::Invalid(x) => {
                    format!("volume `{}` is a hostPath volume that {}", v.name, wrong_type("path", x, "a string"))
                }
                Lenient::Absent => format!("volume `{}` is a hostPath volume", v.name),
            };
            out.report(Self::META, At::Pod(pod, path), message);
        }
    }
}
