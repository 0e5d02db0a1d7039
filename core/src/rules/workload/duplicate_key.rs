use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::rules::{Context, Rule, Sink};
use crate::syntax::{Node, Value};

declare_rule! {
    /// ## What it does
    /// Flags a mapping key written more than once in a Kubernetes object, such as two
    /// `privileged:` lines in one `securityContext`. kubeharden, like Kubernetes' YAML and JSON
    /// decoders, keeps the last value; the finding points at it and says which lines repeat it.
    ///
    /// ## Why is this bad?
    /// A reviewer reads the first value, the cluster applies the last: `privileged: false`
    /// followed further down by `privileged: true` hides a privileged container in plain sight.
    /// YAML forbids duplicate keys, and the API server's strict field validation
    /// (`kubectl --validate=strict`) rejects them, so the manifest may not even deploy as written.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       privileged: false
    ///       runAsNonRoot: true
    ///       privileged: true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.0.0
    ///     securityContext:
    ///       privileged: false
    ///       runAsNonRoot: true
    /// ```
    pub DuplicateKey {
        id: "WKL003",
        name: "duplicate-key",
        severity: Severity::Medium,
        title: "Mapping key written more than once (the last value wins)",
        references: ["YAML 1.2 §3.2.1.1 (mapping keys are unique)", "Kubernetes: server-side field validation"],
        peers: ["yamllint:key-duplicates"],
        since: "0.1.0",
    }
}

impl Rule for DuplicateKey {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_object(&self, obj: &K8sObject<'_>, _cx: &Context, out: &mut Sink) {
        // Iterative walk: the tree may be as deep as the parser allows.
        let mut stack: Vec<(&Node, FieldPath)> = vec![(obj.node, obj.path.clone())];
        while let Some((node, path)) = stack.pop() {
            match &node.value {
                Value::Map(entries) => {
                    for (i, e) in entries.iter().enumerate() {
                        let later = entries.iter().skip(i + 1).any(|x| x.key == e.key);
                        let earlier: Vec<u32> =
                            entries.iter().take(i).filter(|x| x.key == e.key).map(|x| x.key_pos.line).collect();
                        if !later && !earlier.is_empty() {
                            let lines: Vec<String> = earlier.iter().map(u32::to_string).collect();
                            out.object(
                                Self::META,
                                obj,
                                path.key_owned(&e.key),
                                format!(
                                    "`{}` is written {} times in this mapping (also on line {}): the last value, {}, is the one that counts",
                                    e.key,
                                    earlier.len() + 1,
                                    lines.join(", "),
                                    e.value.short()
                                ),
                            );
                        }
                        stack.push((&e.value, path.key_owned(&e.key)));
                    }
                }
                Value::Seq(items) => {
                    for (i, n) in items.iter().enumerate() {
                        stack.push((n, path.index(i)));
                    }
                }
                _ => {}
            }
        }
    }
}
