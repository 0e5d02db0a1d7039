use std::collections::HashMap;

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
    /// decoders, keeps the last value; the finding points at it.
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
        // At most MAX findings per object (a generated file may repeat thousands of keys).
        let mut found = 0usize;
        while let Some((node, path)) = stack.pop() {
            match &node.value {
                Value::Map(entries) => {
                    // How often each key is written (a map: large mappings stay linear).
                    let mut counts: HashMap<&str, usize> = HashMap::new();
                    for e in entries {
                        *counts.entry(e.key.as_str()).or_default() += 1;
                    }
                    for e in entries.iter().rev() {
                        if let Some(n) = counts.remove(e.key.as_str()).filter(|&n| n > 1) {
                            found += 1;
                            if found > MAX {
                                continue;
                            }
                            // No line numbers in the message: the finding's position is the
                            // winning key, and messages stay the same when lines move.
                            out.object(
                                Self::META,
                                obj,
                                path.key_owned(&e.key),
                                format!(
                                    "`{}` is written {n} times in this mapping: the last value, {}, is the one that counts",
                                    e.key,
                                    e.value.short()
                                ),
                            );
                        }
                    }
                    for e in entries {
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
        if found > MAX {
            out.object(
                Self::META,
                obj,
                obj.path.key("metadata"),
                format!("{} more keys are written more than once in this object (only the first {MAX} are reported)", found - MAX),
            );
        }
    }
}

/// Most duplicate keys reported one by one in an object.
const MAX: usize = 20;
