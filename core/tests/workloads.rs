//! Pod specs are found in every pod-bearing kind, and findings point into the object's own
//! lines with the kind's path prefix.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use kubeharden::{check, CheckRequest, Config, SourceFile};

const CONTAINERS: &str = "containers:\n  - name: agent\n    image: registry.example.com/agent:1.0.0\n    securityContext:\n      privileged: true\n";

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

/// A manifest of `kind` whose pod spec (with one privileged container) sits at `prefix`.
fn manifest(api_version: &str, kind: &str, prefix: &str) -> String {
    let mut out = format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: sample\n  namespace: team\n");
    let keys: Vec<&str> = prefix.split('.').collect();
    let mut depth = 0;
    for (i, k) in keys.iter().enumerate() {
        out.push_str(&" ".repeat(depth));
        out.push_str(k);
        out.push_str(":\n");
        depth += 2;
        // Controllers need a selector and template labels beside the template.
        if *k == "spec" && i + 1 < keys.len() && keys.get(i + 1) == Some(&"template") && kind != "Job" {
            out.push_str(&indent("selector:\n  matchLabels:\n    app: sample", depth));
        }
        if *k == "spec" && i + 1 < keys.len() && keys.get(i + 1) == Some(&"jobTemplate") {
            out.push_str(&indent("schedule: \"0 * * * *\"", depth));
        }
        if *k == "template" {
            out.push_str(&indent("metadata:\n  labels:\n    app: sample", depth));
        }
    }
    out.push_str(&indent(CONTAINERS, depth));
    out
}

#[test]
fn every_pod_bearing_kind() {
    let cases = [
        ("v1", "Pod", "spec"),
        ("apps/v1", "Deployment", "spec.template.spec"),
        ("apps/v1", "StatefulSet", "spec.template.spec"),
        ("apps/v1", "DaemonSet", "spec.template.spec"),
        ("apps/v1", "ReplicaSet", "spec.template.spec"),
        ("v1", "ReplicationController", "spec.template.spec"),
        ("batch/v1", "Job", "spec.template.spec"),
        ("batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec"),
        ("v1", "PodTemplate", "template.spec"),
        ("argoproj.io/v1alpha1", "Rollout", "spec.template.spec"),
    ];
    for (api_version, kind, prefix) in cases {
        let text = manifest(api_version, kind, prefix);
        let (idx, line) = text.lines().enumerate().find(|(_, l)| l.contains("privileged: true")).unwrap();
        let want_line = u32::try_from(idx + 1).unwrap();
        let want_col = u32::try_from(line.find("privileged").unwrap() + 1).unwrap();
        let req = CheckRequest {
            files: vec![SourceFile::new("m.yaml", text.clone())],
            config: Config { select: Some(vec!["privileged-container".into()]), ..Config::default() },
            now: None,
            ..CheckRequest::default()
        };
        let report = check(&req).unwrap();
        assert!(report.errors.is_empty(), "{kind}: {:?}", report.errors);
        assert_eq!(report.findings.len(), 1, "{kind}:\n{text}\n{:#?}", report.findings);
        let f = &report.findings[0];
        assert_eq!(
            f.path.as_deref(),
            Some(format!("{prefix}.containers[0].securityContext.privileged").as_str()),
            "{kind}"
        );
        assert_eq!((f.line, f.column), (Some(want_line), Some(want_col)), "{kind}:\n{text}");
        let o = f.object.as_ref().unwrap();
        assert_eq!((o.kind.as_str(), o.name.as_deref(), o.namespace.as_deref()), (kind, Some("sample"), Some("team")));
        assert_eq!(f.container.as_deref(), Some("agent"), "{kind}");
    }
}

#[test]
fn a_crd_without_a_pod_template_is_not_a_workload() {
    let text =
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  template:\n    name: not-a-pod\n";
    let req = CheckRequest { files: vec![SourceFile::new("w.yaml", text)], ..CheckRequest::default() };
    let report = check(&req).unwrap();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}
