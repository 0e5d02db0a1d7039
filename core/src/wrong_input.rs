//! Files that are not what kubeharden checks but are often given to it as if they were,
//! recognised by content by the front door ([`crate::source::parse`]), each with what to run
//! instead: an unrendered Helm template, a Helm values file or `Chart.yaml`, a Kustomize
//! kustomization, a JSON Patch, and kubeharden's own outputs (JSON reports and baselines, SARIF,
//! the `audit`, `pss` and `netpol` JSON).
//!
//! An unrendered Helm template fails to parse as YAML: that input error is replaced by one that
//! says to render it. The others parse: such a file is not checked, it is in
//! [`crate::source::Source::not_input`], which a command reports in its `skipped` list with a
//! notice on standard error (a directory walk over a Helm chart or a Kustomize repository goes on,
//! as it does over any YAML that holds no Kubernetes object, and says what it left out), or, when
//! every input must hold something the command reads ([`crate::api::InputPolicy::require_content`]:
//! the bindings, standard input), as an input error. Messages never quote the file's values.

use crate::api::InputError;
use crate::model::Document;
use crate::syntax::{Node, Value};

/// The directory of a file name (`chart/values.yaml` → `chart`), or `placeholder` for a name
/// without one that is not a path either (`<stdin>`, a pasted text).
fn dir_of<'a>(name: &'a str, placeholder: &'a str) -> &'a str {
    match name.rsplit_once(['/', '\\']) {
        Some(("", _)) => "/",
        Some((dir, _)) => dir,
        None if name.starts_with('<') || !name.contains('.') => placeholder,
        None => ".",
    }
}

/// The file name without its directory.
fn base_of(name: &str) -> &str {
    name.rsplit_once(['/', '\\']).map_or(name, |(_, b)| b)
}

/// The chart directory of a template (`chart/templates/deploy.yaml` → `chart`).
fn chart_of(name: &str) -> &str {
    let slashed = name.replace('\\', "/");
    match slashed.find("templates/") {
        Some(0) => ".",
        Some(i) => name.get(..i.saturating_sub(1)).filter(|d| !d.is_empty()).unwrap_or("."),
        None => "CHART",
    }
}

/// A line that uses Go template actions the way Helm templates do, outside quotes: the line
/// starts with one (`{{- if .Values.x }}`), a list item is one (`- {{ .Values.y }}`), or a
/// mapping value is one (`name: {{ include "x" . }}`). Returns the column of the `{{`.
fn template_column(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    if t.starts_with('#') {
        return None;
    }
    let at = if t.starts_with("{{") {
        Some(0)
    } else if let Some(rest) = t.strip_prefix("- ") {
        rest.trim_start().starts_with("{{").then(|| t.len() - rest.trim_start().len())
    } else {
        let i = t.find(": {{")?;
        let before = t.get(..i)?;
        // not inside a quoted key or value
        (before.matches('"').count() % 2 == 0 && before.matches('\'').count() % 2 == 0).then_some(i + 2)
    }?;
    let rest = t.get(at..)?;
    rest.contains("}}").then(|| line.get(..indent + at).map_or(0, |p| p.chars().count()) + 1)
}

/// An unrendered Helm template, recognised after its YAML failed to parse at `error_line`: the
/// template action on that line, else the first one before it, else the first one at all.
#[must_use]
pub fn helm_template(name: &str, text: &str, error_line: u32) -> Option<InputError> {
    let mut first = None;
    let mut before = None;
    for (i, line) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if n > error_line && first.is_some() {
            break;
        }
        let Some(col) = template_column(line) else { continue };
        first.get_or_insert((n, col));
        if n <= error_line {
            before = Some((n, col));
        }
    }
    let (line, col) = before.or(first)?;
    Some(InputError {
        file: name.to_owned(),
        document: None,
        line: Some(line),
        column: Some(u32::try_from(col).unwrap_or(u32::MAX)),
        message: format!(
            "looks like an unrendered Helm template (`{{{{ ... }}}}` on line {line}): kubeharden checks rendered \
             manifests: render the chart with `helm template` and pipe it in: `helm template {} | kubeharden scan -`",
            chart_of(name)
        ),
    })
}

fn str_at<'n>(n: &'n Node, key: &str) -> Option<&'n str> {
    n.get(key).and_then(Node::as_str)
}

fn has_keys(n: &Node, keys: &[&str]) -> bool {
    keys.iter().all(|k| n.get(k).is_some())
}

/// A report kubeharden wrote (JSON, baseline, SARIF, `audit`/`pss`/`netpol` JSON), recognised by
/// content: a document without `kind` and `apiVersion` in one of those shapes.
#[must_use]
pub fn own_report(name: &str, docs: &[Document]) -> Option<InputError> {
    docs.iter().find_map(|doc| {
        let root = &doc.root;
        if root.get("kind").is_some() || root.get("apiVersion").is_some() {
            return None;
        }
        own_output(root).map(|found| InputError {
            file: name.to_owned(),
            document: Some(doc.index),
            line: Some(root.pos.line),
            column: Some(root.pos.column),
            message: format!("a report kubeharden wrote ({found}), not an input to check"),
        })
    })
}

/// What a set of parsed documents is, when it is none of kubeharden's inputs but often given as
/// one: a Kustomize kustomization, a JSON Patch, a Helm values file or `Chart.yaml`.
#[must_use]
pub fn among_documents(name: &str, docs: &[Document]) -> Option<InputError> {
    let base = base_of(name);
    let lower = base.to_ascii_lowercase();
    let yaml_name = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let at = |doc: &Document, node: &Node, message: String| InputError {
        file: name.to_owned(),
        document: Some(doc.index),
        line: Some(node.pos.line),
        column: Some(node.pos.column),
        message,
    };
    for doc in docs {
        let root = &doc.root;
        // Kustomize: `kind: Kustomization` (or `Component`) of kustomize's API group, or a
        // kustomization.yaml written without `kind` (Flux's `Kustomization` is a real object).
        let kind = str_at(root, "kind");
        let kustomize_api = str_at(root, "apiVersion").is_none_or(|a| a.starts_with("kustomize.config.k8s.io/"));
        let kustomization_name = matches!(lower.as_str(), "kustomization.yaml" | "kustomization.yml" | "kustomization");
        if (matches!(kind, Some("Kustomization" | "Component")) && kustomize_api)
            || (kustomization_name && kind.is_none() && root.as_map().is_some())
        {
            let dir = dir_of(name, "DIR");
            return Some(at(
                doc,
                root,
                format!(
                    "a Kustomize kustomization, not a manifest: kubeharden checks what it builds: \
                     `kustomize build {dir} | kubeharden scan -`"
                ),
            ));
        }
        // RFC 6902: a list of operations, each with `op` and `path`.
        if let Some(items) = root.as_seq() {
            let ops = ["add", "remove", "replace", "move", "copy", "test"];
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| str_at(i, "op").is_some_and(|o| ops.contains(&o)) && str_at(i, "path").is_some())
            {
                let dir = dir_of(name, "DIR");
                return Some(at(
                    doc,
                    root,
                    format!(
                        "a JSON Patch (RFC 6902), not a manifest: kubeharden checks the patched manifests: apply it \
                         and pipe in the result: `kustomize build {dir} | kubeharden scan -`"
                    ),
                ));
            }
        }
    }
    let maps_without_kind =
        !docs.is_empty() && docs.iter().all(|d| d.root.as_map().is_some() && d.root.get("kind").is_none());
    if !maps_without_kind || !yaml_name {
        return None;
    }
    let first = docs.first()?;
    if lower.starts_with("values") && docs.iter().all(|d| d.root.get("apiVersion").is_none()) {
        let dir = dir_of(name, "CHART");
        return Some(at(
            first,
            &first.root,
            format!(
                "a Helm values file (no `kind`), not a manifest: kubeharden checks rendered manifests: \
                 `helm template {dir} -f {name} | kubeharden scan -`"
            ),
        ));
    }
    if lower == "chart.yaml" && has_keys(&first.root, &["apiVersion", "name"]) {
        let dir = dir_of(name, "CHART");
        return Some(at(
            first,
            &first.root,
            format!(
                "a Helm chart's `Chart.yaml`, not a manifest: kubeharden checks rendered manifests: \
                 `helm template {dir} | kubeharden scan -`"
            ),
        ));
    }
    None
}

/// Which of kubeharden's outputs a document is, by its shape.
fn own_output(root: &Node) -> Option<&'static str> {
    if !matches!(root.value, Value::Map(_)) {
        return None;
    }
    let ours = |n: Option<&Node>| n.and_then(|t| str_at(t, "name")) == Some("kubeharden");
    if ours(root.get("tool")) && root.get("findings").is_some() {
        return Some("`scan --format json`, or a `--write-baseline` file");
    }
    let sarif = root
        .get("runs")
        .and_then(Node::as_seq)
        .is_some_and(|runs| runs.iter().any(|r| ours(r.get("tool").and_then(|t| t.get("driver")))));
    if sarif {
        return Some("`scan --format sarif`");
    }
    if has_keys(root, &["image_age", "running_as_root", "missing_limits", "pods"]) {
        return Some("`audit --format json`");
    }
    if has_keys(root, &["level", "version", "results", "errors"])
        && root.get("results").and_then(Node::as_seq).is_some_and(|r| r.iter().all(|x| x.get("violations").is_some()))
    {
        return Some("`pss --format json`");
    }
    if has_keys(root, &["workloads", "scope", "pairs"]) {
        return Some("`netpol --format json`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_lines() {
        assert_eq!(template_column("{{- if .Values.enabled }}"), Some(1));
        assert_eq!(template_column("  name: {{ include \"x\" . }}"), Some(9));
        assert_eq!(template_column("    - {{ .Values.arg }}"), Some(7));
        assert_eq!(template_column("  description: \"{{ $labels.pod }} is down\""), None);
        assert_eq!(template_column("  # {{ a comment }}"), None);
        assert_eq!(template_column("  name: web"), None);
        assert_eq!(chart_of("charts/web/templates/deploy.yaml"), "charts/web");
        assert_eq!(chart_of("templates/deploy.yaml"), ".");
        assert_eq!(chart_of("<stdin>"), "CHART");
        assert_eq!(dir_of("deploy/kustomization.yaml", "DIR"), "deploy");
        assert_eq!(dir_of("kustomization.yaml", "DIR"), ".");
        assert_eq!(dir_of("<stdin>", "DIR"), "DIR");
    }
}
