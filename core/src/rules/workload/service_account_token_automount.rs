use crate::api::Severity;
use crate::declare_rule;
use std::collections::HashMap;

use crate::fix::Plan;
use crate::model::rbac;
use crate::model::{Inventory, K8sObject, NsKey};
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
    /// Two kinds of pods need the token, and are reported at `info` with the reason, so that what
    /// holds API credentials stays visible without asking for a fix: a pod that sets
    /// `automountServiceAccountToken: true` on purpose, and a pod whose ServiceAccount a
    /// RoleBinding or ClusterRoleBinding of its cluster names as a subject: a controller that
    /// calls the API. Such a pod's token carries the bound role: review that role, not the mount.
    /// Bindings of groups (`system:serviceaccounts`) and of roles the input shows to grant only
    /// `use` (a PodSecurityPolicy's) do not count: they say nothing about one pod's need.
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
    /// Unsafe: sets `automountServiceAccountToken: false` on the pod (no fix for the `info`
    /// findings above: those pods need the token). A program that talks to the
    /// Kubernetes API with the mounted token (an operator, a controller, a sidecar that reads
    /// ConfigMaps) loses it; mount a projected token where one is needed.
    pub ServiceAccountTokenAutomount {
        id: "POD021",
        name: "service-account-token-automount",
        severity: Severity::Low,
        title: "Pod mounts a service account token",
        help: "set `automountServiceAccountToken: false` in the pod spec unless the pod calls the Kubernetes API",
        references: ["CIS Kubernetes Benchmark 5.1.6", "Kubernetes documentation: Configure Service Accounts for Pods"],
        peers: ["checkov:CKV_K8S_38", "trivy:KSV-0036 (partial: an explicit `true`, or a mount at the token path)"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for ServiceAccountTokenAutomount {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        let bound = Bound::new(input);
        for pod in &input.pods {
            check(pod, input, &bound, out);
        }
    }
}

/// The service accounts that a RoleBinding or ClusterRoleBinding of the input binds by name:
/// (namespace, name) → the first binding. Groups (`system:serviceaccounts`) say nothing about one
/// pod's need for the API, and neither does a role known to grant only `use` (a
/// PodSecurityPolicy's): neither counts.
#[derive(Default)]
struct Bound<'a> {
    accounts: HashMap<NsKey<'a>, HashMap<&'a str, String>>,
}

impl<'a> Bound<'a> {
    fn new(input: &Inventory<'a>) -> Self {
        let mut b = Bound::default();
        for obj in input.of_kind("RoleBinding").chain(input.of_kind("ClusterRoleBinding")) {
            let Some(binding) = rbac::binding(obj) else { continue };
            if only_use(input, obj, &binding) {
                continue;
            }
            for s in &binding.subjects {
                let (true, Some(ns)) = (s.kind == "ServiceAccount", s.ns_key) else { continue };
                b.accounts.entry(ns).or_default().entry(s.name).or_insert_with(|| {
                    format!(
                        "{} `{}` binds it to {} `{}`",
                        obj.kind,
                        obj.name().unwrap_or("<unnamed>"),
                        binding.role_kind,
                        binding.role_name
                    )
                });
            }
        }
        b
    }

    fn binding_of(&self, ns: NsKey<'a>, name: &str) -> Option<&String> {
        self.accounts.get(&ns).and_then(|a| a.get(name))
    }
}

/// Whether the role of a binding is in the input and grants nothing but `use`.
fn only_use<'a>(input: &Inventory<'a>, obj: &K8sObject<'a>, binding: &rbac::Binding<'a>) -> bool {
    let roles: Vec<&K8sObject<'a>> = match (binding.role_kind, obj.ns_key()) {
        ("Role", Some(ns)) => input.get("Role", ns, binding.role_name).collect(),
        ("ClusterRole", _) => input.get_cluster_scoped("ClusterRole", obj.cluster, binding.role_name).collect(),
        _ => Vec::new(),
    };
    !roles.is_empty()
        && roles.iter().all(|r| {
            rbac::role_rules(r).is_some_and(|rules| rules.iter().all(|rule| rule.verbs.iter().all(|v| *v == "use")))
        })
}

fn check<'a>(pod: &PodSpec<'a>, input: &Inventory<'a>, bound: &Bound<'a>, out: &mut Sink) {
    let meta = ServiceAccountTokenAutomount::META;
    let path = pod.path.key("automountServiceAccountToken");
    let sa_name = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| pod.node.get(k).and_then(Node::as_str).filter(|s| !s.is_empty()))
        .unwrap_or("default");
    let Some(ns) = pod.object.ns_key() else { return };
    let binding = bound.binding_of(ns, sa_name);
    let message = match &pod.automount_service_account_token {
        Lenient::Valid(false) => return,
        Lenient::Valid(true) => {
            let why = binding.map_or_else(
                || ": keep it only if the pod calls the Kubernetes API".to_owned(),
                |b| format!(" and {b}: review what that role allows"),
            );
            let message = format!(
                "the pod asks for the token of service account `{sa_name}` (`automountServiceAccountToken: true`){why}"
            );
            out.report(meta, At::Pod(pod, path), message).severity(Severity::Info);
            return;
        }
        Lenient::Invalid(v) => format!("the pod {}", wrong_type("automountServiceAccountToken", v, "a boolean")),
        Lenient::Absent => {
            // Every definition of the ServiceAccount in the input (one, normally): the token stays
            // unmounted only if each of them says so, whatever the order of the files.
            let sas: Vec<_> = input.get("ServiceAccount", ns, sa_name).collect();
            let off = |o: &&crate::model::K8sObject<'_>| {
                o.node.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false)
            };
            let unset = sas.iter().filter(|o| !off(o)).count();
            if unset == 0 && !sas.is_empty() {
                return;
            }
            if let Some(b) = binding {
                let message = format!(
                    "the token of service account `{sa_name}` is mounted, which the pod likely needs: {b}; review what that role allows"
                );
                out.report(meta, At::Pod(pod, path), message).severity(Severity::Info);
                return;
            }
            if sas.is_empty() {
                format!(
                    "the pod does not set `automountServiceAccountToken: false`, so the token of service account `{sa_name}` is mounted"
                )
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
