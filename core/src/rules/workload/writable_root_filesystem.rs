use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::require_container_bool;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container — init, regular and ephemeral — whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`. Pods with
    /// `spec.os.name: windows` are exempt: Kubernetes forbids the field there.
    ///
    /// ## Why is this bad?
    /// A writable root file system lets an attacker who gets code execution drop tools, modify
    /// binaries and configuration, or persist across process restarts inside the container.
    /// With a read-only root, writes go only to the volumes you mount on purpose (`emptyDir` for
    /// `/tmp`, caches), which keeps the container immutable and its drift visible.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - name: tmp
    ///         mountPath: /tmp
    /// volumes:
    ///   - name: tmp
    ///     emptyDir: {}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `readOnlyRootFilesystem: true`. A program that writes outside its volumes (a
    /// cache, a PID file, `/tmp`) fails until an `emptyDir` is mounted where it writes.
    pub WritableRootFilesystem {
        id: "POD007",
        name: "writable-root-filesystem",
        severity: Severity::Medium,
        title: "Container root file system is writable",
        help: "set `readOnlyRootFilesystem: true` and mount an `emptyDir` where the app writes",
        references: ["CIS Kubernetes Benchmark 5.7.3 (apply security context)", "NSA/CISA Kubernetes Hardening Guide: immutable container file systems"],
        peers: ["checkov:CKV_K8S_22", "trivy:KSV-0014", "kube-linter:no-read-only-root-fs",
                "kube-score:container-security-context-readonlyrootfilesystem", "polaris:notReadOnlyRootFilesystem"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for WritableRootFilesystem {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        require_container_bool(
            Self::META,
            pod,
            out,
            "readOnlyRootFilesystem",
            true,
            |c| &c.read_only_root_filesystem,
            |_| true,
        );
    }
}
