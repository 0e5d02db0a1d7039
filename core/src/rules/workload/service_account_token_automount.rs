use crate::api::Severity;
use crate::declare_rule;
use std::collections::HashMap;

use crate::model::rbac;
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
    /// Two kinds of pods need the token, and are reported at `info` with the reason, so that what
    /// holds API credentials stays visible without asking for a fix: a pod that sets
    /// `automountServiceAccountToken: true` on purpose, and a pod whose ServiceAccount a
    /// RoleBinding or ClusterRoleBinding of the input binds (directly, or through the groups
    /// `system:serviceaccounts` and `system:serviceaccounts:<namespace>`): a controller that calls
    /// the API. Such a pod's token carries the bound role: review that role, not the mount.
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
    pub ServiceAccountTokenAutomount {
        id: "POD021",
        name: "service-account-token-automount",
        severity: Severity::Low,
        title: "Pod mounts a service account token",
        references: ["CIS Kubernetes Benchmark 5.1.6", "Kubernetes documentation: Configure Service Accounts for Pods"],
        peers: ["checkov:CKV_K8S_38", "trivy:KSV-0036 (partial: explicit values only)"],
        since: "0.1.0",
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

/// The service accounts that a binding of the input binds: (namespace, name) → the first
/// binding; and the bindings of the groups of every service account, or of a namespace's.
#[derive(Default)]
struct Bound<'a> {
    accounts: HashMap<&'a str, HashMap<&'a str, String>>,
    all: Option<String>,
    namespaces: HashMap<&'a str, String>,
}

impl<'a> Bound<'a> {
    fn new(input: &Inventory<'a>) -> Self {
        let mut b = Bound::default();
        for obj in input.of_kind("RoleBinding").chain(input.of_kind("ClusterRoleBinding")) {
            let Some(binding) = rbac::binding(obj) else { continue };
            let what = || {
                format!(
                    "{} `{}` binds it to {} `{}`",
                    obj.kind,
                    obj.name().unwrap_or("<unnamed>"),
                    binding.role_kind,
                    binding.role_name
                )
            };
            for s in &binding.subjects {
                match (s.kind, s.namespace) {
                    ("ServiceAccount", Some(ns)) => {
                        b.accounts.entry(ns).or_default().entry(s.name).or_insert_with(what);
                    }
                    ("Group", _) if s.name == "system:serviceaccounts" => {
                        b.all.get_or_insert_with(what);
                    }
                    ("Group", _) => {
                        if let Some(ns) = s.name.strip_prefix("system:serviceaccounts:") {
                            b.namespaces.entry(ns).or_insert_with(what);
                        }
                    }
                    _ => {}
                }
            }
        }
        b
    }

    fn binding_of(&self, ns: &str, name: &str) -> Option<&String> {
        self.accounts.get(ns).and_then(|a| a.get(name)).or_else(|| self.namespaces.get(ns)).or(self.all.as_ref())
    }
}

fn check(pod: &PodSpec<'_>, input: &Inventory<'_>, bound: &Bound<'_>, out: &mut Sink) {
    let meta = ServiceAccountTokenAutomount::META;
    let path = pod.path.key("automountServiceAccountToken");
    let sa_name = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| pod.node.get(k).and_then(Node::as_str).filter(|s| !s.is_empty()))
        .unwrap_or("default");
    let binding = pod.object.namespace().and_then(|ns| bound.binding_of(ns, sa_name));
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
            let sas: Vec<_> = input.get("ServiceAccount", pod.object.namespace(), sa_name).collect();
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
    out.report(meta, At::Pod(pod, path), message);
}
