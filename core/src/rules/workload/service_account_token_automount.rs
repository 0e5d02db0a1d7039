use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::model::Inventory;
use crate::model::{Lenient, PodSpec};
use crate::rules::workload::common::wrong_type;
use crate::rules::{At, Context, Rule, Sink};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Flags a pod whose `automountServiceAccountToken` is not `false`. When the pod leaves the
    /// field unset, a ServiceAccount in the scanned input — the pod's `serviceAccountName`, else
    /// `default`, in the pod's namespace — that sets `automountServiceAccountToken: false`
    /// satisfies the rule, as it does in Kubernetes (the pod's field, when set, wins).
    ///
    /// ## Why is this bad?
    /// Kubernetes mounts a token for the pod's service account into every container by default.
    /// Most applications never call the Kubernetes API, but anyone who compromises them can use
    /// the token with whatever RBAC the account has — often more than expected, since the
    /// namespace's `default` account is shared. Mount the token only where the API is needed.
    ///
    /// ## Example
    /// ```yaml
    /// serviceAccountName: api
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// serviceAccountName: api
    /// automountServiceAccountToken: false
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `automountServiceAccountToken: false` on the pod. A program that talks to the
    /// Kubernetes API with the mounted token (an operator, a controller, a sidecar that reads
    /// ConfigMaps) loses it; mount a projected token where one is needed.
    pub ServiceAccountTokenAutomount {
        id: "POD021",
        name: "service-account-token-automount",
        severity: Severity::Low,
        title: "Pod mounts a service account token",
        references: ["CIS Kubernetes Benchmark 5.1.6", "Kubernetes documentation: Configure Service Accounts for Pods"],
        peers: ["checkov:CKV_K8S_38", "trivy:KSV-0036"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for ServiceAccountTokenAutomount {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        for pod in &input.pods {
            check(pod, input, out);
        }
    }
}

fn check(pod: &PodSpec<'_>, input: &Inventory<'_>, out: &mut Sink) {
    let meta = ServiceAccountTokenAutomount::META;
    let path = pod.path.key("automountServiceAccountToken");
    let message = match &pod.automount_service_account_token {
        Lenient::Valid(false) => return,
        Lenient::Valid(true) => "the pod sets `automountServiceAccountToken: true`".to_owned(),
        Lenient::Invalid(v) => format!("the pod {}", wrong_type("automountServiceAccountToken", v, "a boolean")),
        Lenient::Absent => {
            let sa_name = ["serviceAccountName", "serviceAccount"]
                .iter()
                .find_map(|k| pod.node.get(k).and_then(Node::as_str).filter(|s| !s.is_empty()))
                .unwrap_or("default");
            // Every definition of the ServiceAccount in the input (one, normally): the token stays
            // unmounted only if each of them says so, whatever the order of the files.
            let sas: Vec<_> = input.get("ServiceAccount", pod.object.namespace(), sa_name).collect();
            let off = |o: &&crate::model::K8sObject<'_>| {
                o.node.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false)
            };
            let unset = sas.iter().filter(|o| !off(o)).count();
            if sas.is_empty() {
                format!(
                    "the pod does not set `automountServiceAccountToken: false`, so the token of service account `{sa_name}` is mounted"
                )
            } else if unset == 0 {
                return;
            } else if unset == sas.len() {
                format!(
                    "the pod does not set `automountServiceAccountToken: false`, nor does its ServiceAccount `{sa_name}`"
                )
            } else {
                format!(
                    "the pod does not set `automountServiceAccountToken: false`, and {unset} of the {} definitions of its ServiceAccount `{sa_name}` in the input leave the token on",
                    sas.len()
                )
            }
        }
    };
    let fix = Plan::unsafe_fix("set `automountServiceAccountToken: false` on the pod").set(path.clone(), false);
    out.report(meta, At::Pod(pod, path), message).fix(fix);
}
