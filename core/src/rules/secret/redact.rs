//! Pointing at secrets without showing them: the text report prints the source line of a
//! finding, so findings about secret values point at a line that holds none of them.

use std::collections::BTreeSet;

use crate::location::FieldPath;
use crate::model::K8sObject;
use crate::rules::{Place, RuleMeta, Sink};
use crate::syntax::{Node, Value};

/// The lines where the values of a mapping (`data`, `stringData`) start.
pub(crate) fn value_lines(map: Option<&Node>, lines: &mut BTreeSet<u32>) {
    for e in map.and_then(Node::as_map).unwrap_or_default() {
        if matches!(e.value.value, Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) {
            lines.insert(e.value.pos.line);
        }
    }
}

/// Reports at the first candidate (relative to the object) that exists and whose line holds no
/// secret value; when none does (a one-line flow document), without a line.
pub(crate) fn report(
    meta: &'static RuleMeta,
    obj: &K8sObject<'_>,
    candidates: &[FieldPath],
    secret_lines: &BTreeSet<u32>,
    out: &mut Sink,
    message: String,
) {
    for rel in candidates {
        let path = obj.field(rel);
        let (pos, exact) = obj.doc.root.resolve(&path);
        if exact && !secret_lines.contains(&pos.line) {
            out.object(meta, obj, path, message);
            return;
        }
    }
    let path = candidates.first().map(|rel| obj.field(rel).to_string());
    out.place(
        meta,
        None,
        Place {
            file: Some(obj.doc.file.clone()),
            document: Some(obj.doc.index),
            pos: None,
            object: Some(obj.reference()),
            path,
            container: None,
        },
        message,
    );
}
