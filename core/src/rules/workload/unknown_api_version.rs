use crate::api::Severity;
use crate::declare_rule;
use crate::model::{builtin_group, K8sObject};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a pod-bearing object of a built-in kind (Pod, PodTemplate, ReplicationController,
    /// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) whose `apiVersion` names a
    /// Kubernetes API group but a version that kind never had there: `apps/v2`, `v1` for a
    /// Deployment, `batch/v1` for a StatefulSet. Objects of the same kind name in another API
    /// group (`example.com/v1`, a custom resource) are not flagged.
    ///
    /// ## Why is this bad?
    /// The API server rejects such an object (`no matches for kind "Deployment" in version
    /// "apps/v2"`), so the manifest does not deploy as written, and what finally deploys may not
    /// be what was checked. kubeharden still checks the pod it carries, but an unknown version
    /// must never pass silently.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v2
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     spec:
    ///       securityContext:
    ///         runAsNonRoot: true
    ///       containers:
    ///         - name: app
    ///           image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     spec:
    ///       securityContext:
    ///         runAsNonRoot: true
    ///       containers:
    ///         - name: app
    ///           image: registry.example.com/app:1.0.0
    /// ```
    /// Versions that existed and were removed (`extensions/v1beta1`, `batch/v1beta1`) are known
    /// and not flagged here.
    pub UnknownApiVersion {
        id: "WKL002",
        name: "unknown-api-version",
        severity: Severity::High,
        title: "Built-in kind with an API version Kubernetes does not serve",
        help: "use an `apiVersion` Kubernetes serves for this kind (the message names it)",
        references: ["Kubernetes API reference: Workloads APIs"],
        peers: ["kubeconform:schema-validation"],
        since: "0.1.0",
    }
}

/// Every `apiVersion` each built-in pod-bearing kind has had (served now or removed).
const KNOWN: &[(&str, &[&str])] = &[
    ("Pod", &["v1"]),
    ("PodTemplate", &["v1"]),
    ("ReplicationController", &["v1"]),
    ("Deployment", &["apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"]),
    ("StatefulSet", &["apps/v1", "apps/v1beta1", "apps/v1beta2"]),
    ("DaemonSet", &["apps/v1", "apps/v1beta2", "extensions/v1beta1"]),
    ("ReplicaSet", &["apps/v1", "apps/v1beta2", "extensions/v1beta1"]),
    ("Job", &["batch/v1"]),
    ("CronJob", &["batch/v1", "batch/v1beta1", "batch/v2alpha1"]),
];

impl Rule for UnknownApiVersion {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        let Some((_, versions)) = KNOWN.iter().find(|(k, _)| *k == obj.kind) else { return };
        if versions.contains(&obj.api_version) || !builtin_group(obj.group()) {
            return;
        }
        out.report(
            Self::META,
            At::Object(obj, obj.path.key("apiVersion")),
            format!(
                "`apiVersion: {}` is not a version of `{}` (known: {})",
                obj.api_version,
                obj.kind,
                versions.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}
