use crate::api::Severity;
use crate::declare_rule;
use crate::model::Inventory;
use crate::pss::namespace::Mode;
use crate::pss::{evaluate_pod, PssLevel, Violation};
use crate::rules::namespace::{namespace_policies, violates};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Simulates Pod Security Admission's `audit` and `warn` modes for every workload whose
    /// namespace is a Namespace object of the input and whose pods that namespace's `enforce`
    /// level admits: the `pod-security.kubernetes.io/audit` and `warn` levels and versions (with
    /// Kubernetes' defaulting) are evaluated against the workload's pods. `medium` when `audit`
    /// flags them (Kubernetes adds an audit annotation to the request), `low` when only `warn`
    /// does (the client gets a warning). The message lists the violated controls as Kubernetes
    /// words them. A pod that `enforce` rejects is `pss-admission-rejected`'s finding, not this
    /// one.
    ///
    /// ## Why is this bad?
    /// `audit` and `warn` labels announce the level a namespace is heading to: a workload they
    /// flag is admitted today and rejected the day `enforce` is raised to match. Fixing it now is
    /// what lets the namespace tighten its policy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: staging
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    ///     pod-security.kubernetes.io/warn: restricted
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: staging
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       containers:
    ///         - name: app
    ///           image: registry.example.com/web:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: staging
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    ///     pod-security.kubernetes.io/warn: restricted
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: staging
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       securityContext:
    ///         runAsNonRoot: true
    ///         seccompProfile: {type: RuntimeDefault}
    ///       containers:
    ///         - name: app
    ///           image: registry.example.com/web:1.0.0
    ///           securityContext:
    ///             allowPrivilegeEscalation: false
    ///             capabilities: {drop: [ALL]}
    /// ```
    pub PssAdmissionWarning {
        id: "NSP003",
        name: "pss-admission-warning",
        severity: Severity::Medium,
        title: "Namespace's Pod Security audit or warn level flags the workload's pods",
        help: "harden the pods for the namespace's `audit`/`warn` level, so raising `enforce` to it admits them",
        references: ["Kubernetes Pod Security Admission", "Pod Security Standards"],
        peers: ["psa:audit", "psa:warn"],
        since: "0.1.0",
    }
}

impl Rule for PssAdmissionWarning {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        for pod in &input.pods {
            let Some((ns_name, policies)) = namespace_policies(input, pod) else { continue };
            if policies.iter().any(|p| !evaluate_pod(pod, p.enforce.level, p.enforce.version).is_empty()) {
                continue; // rejected: pss-admission-rejected
            }
            let Some(policy) = policies.first() else { continue };
            let flagged: Vec<(Mode, Vec<Violation>)> = [Mode::Audit, Mode::Warn]
                .into_iter()
                .filter(|m| policy.mode(*m).level != PssLevel::Privileged)
                .map(|m| (m, evaluate_pod(pod, policy.mode(m).level, policy.mode(m).version)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let Some(first) = flagged.first().and_then(|(_, v)| v.first()) else { continue };
            let severity =
                if flagged.iter().any(|(m, _)| *m == Mode::Audit) { Severity::Medium } else { Severity::Low };
            let modes: Vec<&str> = flagged.iter().map(|(m, _)| m.as_str()).collect();
            // audit and warn at one level and version say the same: once
            let mut details: Vec<String> = flagged.iter().map(|(m, v)| violates(policy.mode(*m), v)).collect();
            details.dedup();
            let what = format!("{} `{}`", pod.object.kind, pod.object.name().unwrap_or(""));
            out.report(
                Self::META,
                At::Pod(pod, first.path().clone()),
                format!(
                    "{what} is admitted by namespace {ns_name} but flagged by its {} label{}: {}",
                    modes.join(" and "),
                    if modes.len() > 1 { "s" } else { "" },
                    details.join("; ")
                ),
            )
            .severity(severity);
        }
    }
}
