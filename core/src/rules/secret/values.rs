//! The values of one file that kubeharden treats as secret, classified once with the secret
//! rules' own predicates, whichever rules run: a literal environment value whose name or value
//! looks secret (`literal-secret-in-env`'s [`literal_secret`]), every value of a Secret's `data`
//! and `stringData` (`secret-object-in-manifests`), a credential-looking ConfigMap entry
//! (`configmap-credentials`' [`credential`]), a Dockerfile `ENV`/`ARG` secret
//! (`dockerfile-secret-in-env`'s [`secret_pair`]) and, on any Dockerfile line (`RUN` included),
//! anything shaped like a credential or assigned to a secret-looking name. The renderers hide
//! them wherever they occur ([`crate::report::redact`]).

use super::configmap_credentials::credential;
use super::literal_secret_in_env::{literal_secret, vault_injected};
use super::patterns::{secret_name_fragment, secret_spans};
use crate::config::Options;
use crate::dockerfile::Dockerfile;
use crate::model::{Inventory, K8sObject, PodSpec};
use crate::report::redact::{FileSecrets, SecretValue};
use crate::rules::dockerfile::secret_pair;
use crate::syntax::{Node, Value};

/// Most scalars collected under one secret node (a hostile `stringData` of nested lists).
const MAX_LEAVES: usize = 10_000;

/// The secret values of file `file` of the inventory.
#[must_use]
pub fn classify(inventory: &Inventory<'_>, file: usize, options: &Options) -> FileSecrets {
    let mut out = Vec::new();
    for (obj, pod) in inventory.objects_of(file) {
        object(obj, options, &mut out);
        if let Some(pod) = pod {
            env(pod, options, &mut out);
        }
    }
    if let Some(df) = inventory.sources.get(file).and_then(|s| s.dockerfile.as_ref()) {
        dockerfile(df, options, &mut out);
    }
    FileSecrets::new(out)
}

/// The scalars under `node` (itself, when it is one), each where it starts.
fn leaves(document: usize, node: &Node, out: &mut Vec<SecretValue>) {
    let mut stack = vec![node];
    let mut n = 0;
    while let Some(node) = stack.pop() {
        n += 1;
        if n > MAX_LEAVES {
            return;
        }
        let value = match &node.value {
            Value::Null => continue,
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.to_string(),
            Value::Seq(items) => {
                stack.extend(items.iter());
                continue;
            }
            Value::Map(entries) => {
                stack.extend(entries.iter().map(|e| &e.value));
                continue;
            }
        };
        out.push(SecretValue { document: Some(document), line: node.pos.line, column: node.pos.column, value });
    }
}

/// A Secret's values; a ConfigMap's credential-looking entries.
fn object(obj: &K8sObject<'_>, options: &Options, out: &mut Vec<SecretValue>) {
    if !obj.group().is_empty() {
        return;
    }
    let doc = obj.doc.index;
    match obj.kind {
        "Secret" => {
            for field in ["data", "stringData"] {
                if let Some(node) = obj.node.get(field) {
                    leaves(doc, node, out);
                }
            }
        }
        "ConfigMap" => {
            for field in ["data", "binaryData"] {
                for e in obj.node.get(field).and_then(Node::as_map).unwrap_or_default() {
                    if credential(field, e, options).is_some() {
                        leaves(doc, &e.value, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The literal environment values of a pod's containers that are secret. Every `value` of an
/// entry counts (a duplicated key keeps each one in the source), and a value of the wrong type
/// under a secret-looking name too (`ADMIN_PASSWORD: 73914628`, a `valueFrom` written as the
/// value itself).
fn env(pod: &PodSpec<'_>, options: &Options, out: &mut Vec<SecretValue>) {
    let vault = vault_injected(pod);
    let doc = pod.object.doc.index;
    for c in &pod.containers {
        for item in c.node.get("env").and_then(Node::as_seq).unwrap_or_default() {
            let Some(entries) = item.as_map() else { continue };
            let name = item.get("name").and_then(Node::as_str).unwrap_or("");
            for e in entries.iter().filter(|e| e.key == "value" || (e.key == "valueFrom" && e.value.as_map().is_none()))
            {
                let secret = match e.value.as_str().filter(|_| e.key == "value") {
                    Some(v) => literal_secret(name, v, vault, options).is_some(),
                    None => secret_name_fragment(name, "", options).is_some(),
                };
                if secret {
                    leaves(doc, &e.value, out);
                }
            }
        }
    }
}

/// A Dockerfile's secrets: `ENV`/`ARG` values the rule flags, and on every instruction (a `RUN`'s
/// script and heredocs included) credential shapes and `NAME=value` words with a secret-looking
/// name. Known by their text (the instruction's columns are not kept).
fn dockerfile(df: &Dockerfile, options: &Options, out: &mut Vec<SecretValue>) {
    let mut push = |line: u32, value: &str| {
        out.push(SecretValue { document: None, line, column: 0, value: value.to_owned() });
    };
    for ins in &df.instructions {
        if ins.keyword == "ENV" || ins.keyword == "ARG" {
            for (name, value) in ins.pairs() {
                if let Some(value) = value.filter(|v| secret_pair(&name, v, options).is_some()) {
                    push(ins.line, &value);
                }
            }
        }
        let texts = std::iter::once((ins.line, ins.args.as_str()))
            .chain(ins.heredocs.iter().map(|h| (h.line, h.body.as_str())));
        for (line, text) in texts {
            for span in secret_spans(text) {
                if let Some(s) = text.get(span) {
                    push(line, s);
                }
            }
            for word in text.split_whitespace() {
                let Some((name, value)) = word.split_once('=') else { continue };
                let value = value.trim_matches(|c| c == '"' || c == '\'' || c == ';');
                if secret_pair(name.trim_start_matches('-'), value, options) == Some(true) {
                    push(line, value);
                }
            }
        }
    }
}
