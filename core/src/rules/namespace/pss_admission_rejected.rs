use crate::api::Severity;
use crate::declare_rule;
use crate::model::Inventory;
use crate::pss::evaluate_pod;
use crate::rules::namespace::{namespace_policies, violates};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Simulates Pod Security Admission for every workload whose namespace is a Namespace object of
    /// the input: the namespace's `pod-security.kubernetes.io/enforce` level and version (with
    /// Kubernetes' defaulting: unlabelled = `privileged`, an `enforce` level that is not one =
    /// `restricted`, a missing or unparseable version = `latest`) are evaluated against the
    /// workload's pods. A rejection is critical and lists the violated controls as Kubernetes
    /// words them. Pods that `enforce` admits are never reported here, whatever the `audit` and
    /// `warn` labels say: that is `pss-admission-warning`.
    ///
    /// ## Why is this bad?
    /// The API server accepts a Deployment whose pods violate the namespace's policy — and then
    /// refuses every pod its ReplicaSet creates: the rollout never becomes ready. Finding it before
    /// `kubectl apply` saves a broken deployment.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: production
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: production
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
    ///   name: production
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: production
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
    pub PssAdmissionRejected {
        id: "NSP002",
        name: "pss-admission-rejected",
        severity: Severity::Critical,
        title: "Namespace's Pod Security Admission policy rejects the workload's pods",
        help: "harden the pod template until it passes the namespace's Pod Security level (`kubeharden pss` lists what fails)",
        references: ["Kubernetes Pod Security Admission", "Pod Security Standards"],
        peers: ["psa:enforce"],
        since: "0.1.0",
    }
}

impl Rule for PssAdmissionRejected {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        for pod in &input.pods {
            let Some((ns_name, policies)) = namespace_policies(input, pod) else { continue };
            // Each definition of the namespace in the input (one, normally): a pod is rejected
            // when one of them rejects it, whatever the order of the files.
            let rejected = policies.iter().find_map(|p| {
                let v = evaluate_pod(pod, p.enforce.level, p.enforce.version);
                (!v.is_empty()).then_some((&p.enforce, v))
            });
            let Some((enforce, violations)) = rejected else { continue };
            let Some(first) = violations.first() else { continue };
            let what = format!("{} `{}`", pod.object.kind, pod.object.name().unwrap_or(""));
            let pods = if pod.object.kind == "Pod" { "is" } else { "would have its pods" };
            out.report(
                Self::META,
                At::Pod(pod, first.path().clone()),
                format!("{what} {pods} rejected by namespace {ns_name}: {}", violates(enforce, &violations)),
            );
        }
    }
}
