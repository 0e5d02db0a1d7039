//! Clusters (ARCHITECTURE.md, "Clusters"): objects without `metadata.namespace` share a `default`
//! namespace with those of their directory only, so that a NetworkPolicy of one project never
//! covers the workloads of an unrelated one; `one-cluster` merges them; the report says which
//! inputs were treated as one cluster.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use kubeharden::{check, CheckRequest, Config, Report, SourceFile};

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
NS
spec:
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
";

const DENY_ALL: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
NS
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";

fn deploy(name: &str, ns: Option<&str>) -> String {
    DEPLOY.replace("NAME", name).replace("NS\n", &ns.map(|n| format!("  namespace: {n}\n")).unwrap_or_default())
}

fn deny(ns: Option<&str>) -> String {
    DENY_ALL.replace("NS\n", &ns.map(|n| format!("  namespace: {n}\n")).unwrap_or_default())
}

fn run(files: &[(&str, String)], one_cluster: bool) -> Report {
    let config = Config {
        select: Some(vec!["namespace-default-deny-missing".to_owned(), "network-policy-not-covering-pod".to_owned()]),
        one_cluster,
        ..Config::default()
    };
    let files = files.iter().map(|(n, t)| SourceFile::new(*n, t.as_str())).collect();
    let report = check(&CheckRequest { files, config, ..CheckRequest::default() }).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn files_of(r: &Report) -> Vec<(&str, &str)> {
    let mut v: Vec<_> = r.findings.iter().map(|f| (f.name.as_str(), f.file.as_deref().unwrap_or(""))).collect();
    v.sort_unstable();
    v
}

#[test]
fn a_policy_without_namespace_covers_its_directory_only() {
    let files = [("a/app.yaml", deploy("a", None)), ("a/deny.yaml", deny(None)), ("b/app.yaml", deploy("b", None))];
    let r = run(&files, false);
    // No policy of `b`'s namespace at all: the namespace's finding, not the workload's.
    assert_eq!(files_of(&r), [("namespace-default-deny-missing", "b/app.yaml")]);
    let ns = r.findings.iter().find(|f| f.name == "namespace-default-deny-missing").unwrap();
    assert!(ns.message.starts_with("namespace `default` of `b` (1 workload)"), "{}", ns.message);
    assert_eq!(r.clusters.len(), 1);
    assert_eq!(r.clusters[0].files, 3);
    assert_eq!(r.clusters[0].default_namespaces, ["a", "b"]);
    let text = kubeharden::report::text::render(&r, &[], false);
    assert!(text.contains("one `default` namespace per directory (2 directories"), "{text}");
}

#[test]
fn one_cluster_merges_every_default_namespace() {
    let files = [("a/app.yaml", deploy("a", None)), ("a/deny.yaml", deny(None)), ("b/app.yaml", deploy("b", None))];
    let r = run(&files, true);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.clusters.len(), 1);
    assert!(r.clusters[0].default_namespaces.is_empty());
    assert!(kubeharden::report::text::clusters_line(&r).is_none());
}

#[test]
fn a_named_namespace_is_one_namespace_across_directories() {
    let files = [("a/app.yaml", deploy("a", Some("shop"))), ("b/deny.yaml", deny(Some("shop")))];
    assert!(run(&files, false).findings.is_empty());
    // An explicit `default` is the cluster's, not a directory's.
    let files = [("a/app.yaml", deploy("a", Some("default"))), ("b/deny.yaml", deny(Some("default")))];
    assert!(run(&files, false).findings.is_empty());
}

#[test]
fn fingerprints_of_two_default_namespaces_differ() {
    let files = [("a/app.yaml", deploy("a", None)), ("b/app.yaml", deploy("b", None))];
    let r = run(&files, false);
    let prints: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.name == "namespace-default-deny-missing")
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}
