//! In-manifest suppressions (`kubeharden.io/ignore.<rule>[.<container>]: "<reason>"`) at the
//! three scopes, the empty-reason rule, the switch that turns them off, and the count.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use kubeharden::report::text::render;
use kubeharden::{check, CheckRequest, Config, Report, SourceFile};

/// A Deployment with two privileged containers, `agent` and `helper`; `object` and `template`
/// are extra annotation lines for the object's and the pod template's metadata.
fn deployment(object: &str, template: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: ops
  annotations:
    team: ops
{object}spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
      annotations:
        team: ops
{template}    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.0.0
          securityContext:
            privileged: true
        - name: helper
          image: registry.example.com/helper:1.0.0
          securityContext:
            privileged: true
"
    )
}

fn run_with(text: &str, config: Config) -> Report {
    let req = CheckRequest {
        files: vec![SourceFile::new("d.yaml", text)],
        config: Config { select: Some(vec!["privileged-container".into()]), ..config },
        now: None,
        ..CheckRequest::default()
    };
    let report = check(&req).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn run(text: &str) -> Report {
    run_with(text, Config::default())
}

fn containers(r: &Report) -> Vec<&str> {
    r.findings.iter().filter_map(|f| f.container.as_deref()).collect()
}

#[test]
fn without_annotations_both_containers_are_found() {
    let r = run(&deployment("", ""));
    assert_eq!(containers(&r), ["agent", "helper"]);
    assert_eq!(r.suppressed, 0);
}

#[test]
fn object_annotation_suppresses_the_whole_object() {
    let r =
        run(&deployment("    kubeharden.io/ignore.privileged-container: \"node agent needs the host devices\"\n", ""));
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.suppressed, 2);
    assert_eq!(r.summary.suppressed, 2);
}

#[test]
fn pod_template_annotation_suppresses_the_whole_pod() {
    let r = run(&deployment("", "        kubeharden.io/ignore.POD001: \"reviewed in SEC-123\"\n"));
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.suppressed, 2);
}

#[test]
fn container_annotation_suppresses_one_container() {
    for (obj, tpl) in [
        ("    kubeharden.io/ignore.privileged-container.agent: \"needs /dev/kmsg\"\n", ""),
        ("", "        kubeharden.io/ignore.POD001.agent: \"needs /dev/kmsg\"\n"),
    ] {
        let r = run(&deployment(obj, tpl));
        assert_eq!(containers(&r), ["helper"]);
        assert_eq!(r.suppressed, 1);
    }
}

#[test]
fn another_rule_or_container_is_not_suppressed() {
    let r = run(&deployment(
        "    kubeharden.io/ignore.run-as-non-root: \"not this rule\"\n",
        "        kubeharden.io/ignore.privileged-container.other: \"no such container\"\n",
    ));
    assert_eq!(containers(&r), ["agent", "helper"]);
    assert_eq!(r.suppressed, 0);
}

#[test]
fn an_empty_reason_is_not_honoured_and_the_finding_says_so() {
    let r = run(&deployment("    kubeharden.io/ignore.privileged-container: \"  \"\n", ""));
    assert_eq!(containers(&r), ["agent", "helper"]);
    assert_eq!(r.suppressed, 0);
    for f in &r.findings {
        assert!(
            f.message.contains("`kubeharden.io/ignore.privileged-container` is ignored: it needs a reason"),
            "{}",
            f.message
        );
    }
}

#[test]
fn config_can_turn_annotation_suppressions_off() {
    let text = deployment("    kubeharden.io/ignore.privileged-container: \"reviewed\"\n", "");
    let r = run_with(&text, Config { annotation_suppressions: false, ..Config::default() });
    assert_eq!(containers(&r), ["agent", "helper"]);
    assert_eq!(r.suppressed, 0);
}

#[test]
fn the_text_report_counts_suppressed_findings() {
    let text = deployment("", "        kubeharden.io/ignore.privileged-container.agent: \"reviewed\"\n");
    let r = run(&text);
    let out = render(&r, &[SourceFile::new("d.yaml", text.clone())], false);
    assert!(out.contains("1 suppressed"), "{out}");
}
