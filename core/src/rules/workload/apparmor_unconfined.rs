use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::pss::checks::app_armor_profile;
use crate::rules::workload::common::pss_baseline_control;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags what the Pod Security Standards' baseline level forbids of AppArmor, at version `latest`,
/// with Pod Security Admission's own check: an `appArmorProfile.type` other than `RuntimeDefault`
/// or `Localhost` (`Unconfined`) in the pod's or a container's `securityContext`, or an annotation
/// `container.apparmor.security.beta.kubernetes.io/<container>` other than `runtime/default` or
/// `localhost/<profile>` (`unconfined`). A container's setting is its own finding; the pod's
/// `securityContext` and the annotations are the pod's.
    ///
    /// ## Why is this bad?
    /// AppArmor confines what a container's processes may do on the node (mounts, raw sockets,
/// writes under `/proc` and `/sys`). `Unconfined` removes that layer: a compromised process
/// meets only the remaining kernel checks, and many container escapes need exactly what the
/// default profile denies. A namespace that enforces `baseline` rejects such pods.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
///     securityContext:
///       appArmorProfile:
///         type: Unconfined
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
///   - name: app
///     image: registry.example.com/app:1.0.0
///     securityContext:
///       appArmorProfile:
///         type: RuntimeDefault
    /// ```
    pub ApparmorUnconfined {
        id: "POD022",
        name: "apparmor-unconfined",
        severity: Severity::High,
        title: "Pod or container runs without AppArmor confinement",
        help: "set `appArmorProfile: {type: RuntimeDefault}` in the securityContext (or remove `Unconfined`)",
        references: ["Pod Security Standards (baseline): AppArmor"],
        peers: ["psa:appArmorProfile", "trivy:KSV-0002 (partial: the annotation only, and `localhost/` profiles fire)"],
        since: "0.1.0",
    }
}

impl Rule for ApparmorUnconfined {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        pss_baseline_control(Self::META, pod, out, app_armor_profile, |c| c.sc_path("appArmorProfile").key("type"));
    }
}
