use crate::api::Severity;
use crate::declare_rule;
use crate::model::{K8sObject, PodSpec};
use crate::rules::{At, Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags pod-spec fields that kubeharden reads whose value has the wrong type for the
    /// Kubernetes API, such as `runAsUser: "0"` (a string) or `privileged: "true"`.
    ///
    /// ## Why is this bad?
    /// The API server rejects such an object, so the manifest does not deploy as written; a
    /// lenient tool might instead read the string as the value it spells and pass or fail it
    /// silently. kubeharden never treats a mistyped security field as compliant: the rules that
    /// need a specific value fire, and this rule says what is wrong with the type.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       runAsUser: "1000"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       runAsUser: 1000
    /// ```
    pub InvalidFieldType {
        id: "WKL001",
        name: "invalid-field-type",
        severity: Severity::High,
        title: "Field has the wrong type for the Kubernetes API",
        help: "write the field with the type the Kubernetes API expects (the message says which)",
        references: ["Kubernetes API reference: PodSpec, SecurityContext"],
        peers: ["kubeconform:schema-validation"],
        since: "0.1.0",
        redact: crate::rules::Excerpt::KeyOnly,
    }
}

impl Rule for InvalidFieldType {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        // A pod-bearing object whose way to the pod spec is mistyped has no pod to check.
        if let Some(f) = PodSpec::unreadable(obj) {
            let field = f.path.segments().last().map_or_else(String::new, |s| match s {
                crate::location::Segment::Key(k) => k.to_string(),
                crate::location::Segment::Index(i) => format!("[{i}]"),
            });
            out.report(
                Self::META,
                At::Object(obj, f.path.clone()),
                format!(
                    "`{field}` is {}, but the Kubernetes API expects a mapping: the pod of this `{}` cannot be checked",
                    f.found, obj.kind
                ),
            );
        }
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for f in &pod.invalid {
            let field = f.path.segments().last().map_or_else(String::new, |s| match s {
                crate::location::Segment::Key(k) => k.to_string(),
                crate::location::Segment::Index(i) => format!("[{i}]"),
            });
            // An environment variable's value may be a secret: never print it.
            let in_env = f.path.segments().iter().any(|s| matches!(s, crate::location::Segment::Key(k) if k == "env"));
            let found = if in_env {
                format!("{} (value redacted)", crate::rules::workload::common::type_of(&f.found))
            } else {
                f.found.clone()
            };
            out.report(
                Self::META,
                At::Pod(pod, f.path.clone()),
                format!(
                    "`{field}` is {found}, but the Kubernetes API expects {} {}",
                    if f.expected.starts_with('i') { "an" } else { "a" },
                    f.expected
                ),
            );
        }
    }
}
