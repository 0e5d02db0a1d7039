use std::collections::HashMap;

use crate::api::Severity;
use crate::declare_rule;
use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::rules::{At, Context, Rule, Sink};
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
        help: "remove the repeated key, keeping the value you mean",
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
        // Iterative walk: the tree may be as deep as the parser allows. Paths are not built
        // while walking (that was a third of a scan): every visited node is one step in `steps`
        // (its parent's step and its own segment), and a path is assembled only for a finding.
        let mut steps: Vec<(usize, Step<'_>)> = Vec::new();
        let mut stack: Vec<(&Node, usize)> = vec![(obj.node, ROOT)];
        // At most MAX findings per object (a generated file may repeat thousands of keys).
        let mut found = 0usize;
        while let Some((node, at)) = stack.pop() {
            match &node.value {
                Value::Map(entries) => {
                    // How often each key is written: by comparing keys in a small mapping (no
                    // allocation, no hashing), with a map in a large one (stays linear).
                    let small = entries.len() <= SMALL;
                    let mut counts: HashMap<&str, usize> = HashMap::new();
                    if !small {
                        for e in entries {
                            *counts.entry(e.key.as_str()).or_default() += 1;
                        }
                    }
                    for (i, e) in entries.iter().enumerate().rev() {
                        // Reported once, at the last occurrence (the one that counts), with the
                        // number of times the key is written.
                        let key = e.key.as_str();
                        let n = if small {
                            if entries.get(i + 1..).unwrap_or_default().iter().any(|x| x.key == key) {
                                continue;
                            }
                            1 + entries.get(..i).unwrap_or_default().iter().filter(|x| x.key == key).count()
                        } else {
                            match counts.remove(key) {
                                Some(n) => n,
                                None => continue,
                            }
                        };
                        if n > 1 {
                            found += 1;
                            if found > MAX {
                                continue;
                            }
                            // No line numbers in the message: the finding's position is the
                            // winning key, and messages stay the same when lines move.
                            out.report(
                                Self::META,
                                At::Object(obj, path_of(obj, &steps, at).key_owned(key)),
                                format!(
                                    "`{key}` is written {n} times in this mapping: the last value, {}, is the one that counts",
                                    e.value.short()
                                ),
                            );
                        }
                    }
                    for e in entries {
                        steps.push((at, Step::Key(&e.key)));
                        stack.push((&e.value, steps.len() - 1));
                    }
                }
                Value::Seq(items) => {
                    for (i, n) in items.iter().enumerate() {
                        steps.push((at, Step::Index(i)));
                        stack.push((n, steps.len() - 1));
                    }
                }
                _ => {}
            }
        }
        if found > MAX {
            out.report(
                Self::META,
                At::Object(obj, obj.path.key("metadata")),
                format!(
                    "{} more keys are written more than once in this object (only the first {MAX} are reported)",
                    found - MAX
                ),
            );
        }
    }
}

/// Mappings up to this size find their duplicates by comparing keys.
const SMALL: usize = 16;

/// The step of the object's own node (no parent, no segment).
const ROOT: usize = usize::MAX;

/// One segment of a path, borrowed from the tree.
#[derive(Clone, Copy)]
enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

/// The path of step `at`: the object's path followed by the segments from the object down.
fn path_of(obj: &K8sObject<'_>, steps: &[(usize, Step<'_>)], mut at: usize) -> FieldPath {
    let mut segs = Vec::new();
    while let Some(&(parent, step)) = steps.get(at) {
        segs.push(step);
        at = parent;
    }
    let mut path = obj.path.clone();
    for step in segs.into_iter().rev() {
        path = match step {
            Step::Key(k) => path.key_owned(k),
            Step::Index(i) => path.index(i),
        };
    }
    path
}

/// Most duplicate keys reported one by one in an object.
const MAX: usize = 20;
