use crate::api::Severity;
use crate::declare_rule;
use crate::fix::Plan;
use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::pss::namespace::{Mode, NamespacePolicy};
use crate::pss::PssLevel;
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every Namespace object without a `pod-security.kubernetes.io/enforce` label, or whose
    /// label enforces `privileged`. The message recommends `restricted` and names the missing
    /// `audit` and `warn` labels (they are no finding of their own).
    ///
    /// ## Why is this bad?
    /// Pod Security Admission enforces nothing in an unlabelled namespace (the cluster default is
    /// `privileged`): any pod may run privileged, share the host's namespaces or mount its file
    /// system. Labelling the namespace makes the API server reject such pods.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: production
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
    ///     pod-security.kubernetes.io/enforce-version: latest
    ///     pod-security.kubernetes.io/audit: restricted
    ///     pod-security.kubernetes.io/warn: restricted
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: labels the namespace `pod-security.kubernetes.io/enforce: restricted` (replacing
    /// `privileged`), and `audit` and `warn` `restricted` where they are missing. The API server then
    /// rejects every new pod of the namespace that violates the restricted standard (`kubeharden pss
    /// --level restricted` lists them first). The `audit` and `warn` labels alone change nothing that
    /// runs; they come with the `enforce` label here because this finding is about enforcement.
    pub NamespacePssEnforceMissing {
        id: "NSP001",
        name: "namespace-pss-enforce-missing",
        severity: Severity::High,
        title: "Namespace enforces no Pod Security Standard",
        help: "label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline`)",
        references: ["Kubernetes Pod Security Admission: namespace labels", "CIS Kubernetes Benchmark 5.2.1"],
        peers: ["kubescape:C-0263"],
        since: "0.1.0",
        fix: Always,
    }
}

impl Rule for NamespacePssEnforceMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        if obj.kind != "Namespace" {
            return;
        }
        let policy = NamespacePolicy::from_labels(|k| obj.label(k));
        if policy.enforce.level != PssLevel::Privileged {
            return;
        }
        let name = obj.name().unwrap_or("");
        let missing: Vec<String> = [Mode::Audit, Mode::Warn]
            .into_iter()
            .filter(|m| !policy.mode(*m).level_labelled)
            .map(|m| format!("`{}`", m.level_label()))
            .collect();
        let also = if missing.is_empty() { String::new() } else { format!("; {} also missing", missing.join(" and ")) };
        let labels = FieldPath::root().key("metadata").key("labels");
        let mut fix = Plan::unsafe_fix(format!(
            "label the namespace `{}: restricted`{}",
            Mode::Enforce.level_label(),
            if missing.is_empty() { "" } else { ", with `audit` and `warn` where missing" }
        ))
        .set(obj.field(&labels.key_owned(&Mode::Enforce.level_label())), "restricted");
        for m in [Mode::Audit, Mode::Warn] {
            if !policy.mode(m).level_labelled {
                fix = fix.set(obj.field(&labels.key_owned(&m.level_label())), "restricted");
            }
        }
        let (path, what) = if policy.enforce.level_labelled {
            (labels.key_owned(&Mode::Enforce.level_label()), "enforces `privileged`")
        } else {
            (labels, "has no `pod-security.kubernetes.io/enforce` label")
        };
        out.report(
            Self::META,
            At::Object(obj, obj.field(&path)),
            format!(
                "namespace `{name}` {what}, so any pod is admitted; set `pod-security.kubernetes.io/enforce: restricted`{also}"
            ),
        )
        .fix(fix);
    }
}
