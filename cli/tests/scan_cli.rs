//! The command end to end where it meets the core's features: suppression annotations and their
//! flag, Dockerfiles and image metadata named with `--image`, reachability in the example app.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use std::collections::BTreeSet;
use std::process::Command;

use kubeharden::Report;

const NOW: &str = "2026-11-22T00:00:00Z";

/// `shared/seed-examples/Dockerfile.nonroot-named`.
const NONROOT_NAMED_DOCKERFILE: &str =
    "FROM python:3.11-slim\n# Always run as non-root\nRUN addgroup --system app && adduser --system --ingroup app app\nUSER app\n";

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers:\n        - name: api\n          image: registry.example.com/api:1.0\n";

/// A Deployment with two privileged containers, suppressed for the whole object.
const SUPPRESSED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: ops
  annotations:
    kubeharden.io/ignore.privileged-container: \"reviewed in SEC-123\"
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.0.0
          securityContext:
            privileged: true
        - name: helper
          image: registry.example.com/helper:1.0.0
          securityContext:
            privileged: true
";

fn names(r: &Report) -> BTreeSet<String> {
    r.findings.iter().map(|f| f.name.clone()).collect()
}

fn cli(args: &[&str], file: &std::path::Path) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(["scan", "--format", "json", "--select", "privileged-container"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn cli_no_annotation_suppressions_flag() {
    let dir = std::env::temp_dir().join(format!("kubeharden-suppression-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("agent.yaml");
    std::fs::write(&file, SUPPRESSED).unwrap();

    let (code, json) = cli(&[], &file);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json["suppressed"], 2);

    let (code, json) = cli(&["--no-annotation-suppressions"], &file);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 2);
    assert_eq!(json["suppressed"], 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cli_scans_dockerfiles_in_directories_and_takes_image_refs() {
    let dir = std::env::temp_dir().join(format!("kubeharden-img-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(dir.join("app/Dockerfile"), NONROOT_NAMED_DOCKERFILE).unwrap();
    std::fs::write(dir.join("app/api.yaml"), DEPLOY).unwrap();
    let cfg = dir.join("config.json");
    std::fs::write(&cfg, r#"{"architecture": "amd64", "os": "linux", "created": "2026-11-01T00:00:00Z", "config": {"User": "app"}, "rootfs": {}}"#)
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(["scan", "--format", "json", "--now", NOW, "--image"])
        .arg(format!("registry.example.com/api:1.0={}", cfg.display()))
        .arg(dir.join("app"))
        .output()
        .unwrap();
    let report: Report = serde_json::from_slice(&out.stdout).unwrap();
    let got = names(&report);
    assert!(got.contains("dockerfile-user-not-numeric"), "{got:?}");
    assert!(got.contains("run-as-non-root-unverifiable"), "{got:?}");
    assert_eq!(out.status.code(), Some(1));
    let bad =
        Command::new(env!("CARGO_BIN_EXE_kubeharden")).args(["scan", "--image", "nofile"]).arg(&dir).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reachability_of_the_example_app_through_the_cli() {
    let run = |from: &str, to: &str, port: &str| {
        Command::new(env!("CARGO_BIN_EXE_kubeharden"))
            .args(["netpol", "../examples/manifests", "--from", from, "--to", to, "--port", port])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("shop/nginx-ingress", "shop/api-service", "8080"), Some(0), "ingress -> api on 8080");
    assert_eq!(run("shop/api-service", "shop/postgres", "5432"), Some(0), "api -> postgres on 5432");
    assert_eq!(run("shop/postgres", "shop/api-service", "8080"), Some(1), "postgres -> api denied");
    assert_eq!(run("shop/api-service", "shop/nginx-ingress", "8443"), Some(1), "api -> anything else denied");
    assert_eq!(run("shop/api-service", "shop/postgres", "5433"), Some(1), "only the named port");
}

/// Each directory argument is a cluster of its own: a policy of one never covers the workloads of
/// another, unless `--one-cluster` merges them; the report says which inputs were clusters.
#[test]
fn each_directory_argument_is_its_own_cluster() {
    let dir = std::env::temp_dir().join(format!("kubeharden-clusters-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for p in ["one", "two"] {
        std::fs::create_dir_all(dir.join(p)).unwrap();
        std::fs::write(dir.join(p).join("api.yaml"), DEPLOY.replace("{name: api}", "{name: api, namespace: shop}"))
            .unwrap();
    }
    std::fs::write(
        dir.join("one/deny.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    )
    .unwrap();
    let scan = |extra: &[&str], format: &str| {
        Command::new(env!("CARGO_BIN_EXE_kubeharden"))
            .args(["scan", "--format", format, "--select", "namespace-default-deny-missing"])
            .args(extra)
            .arg(dir.join("one"))
            .arg(dir.join("two"))
            .output()
            .unwrap()
    };
    let report: Report = serde_json::from_slice(&scan(&[], "json").stdout).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert!(report.findings[0].file.as_deref().unwrap().ends_with("api.yaml"));
    assert!(report.findings[0].message.contains("(input `"), "{}", report.findings[0].message);
    assert_eq!(report.clusters.len(), 2);
    assert_eq!(report.clusters.iter().map(|c| c.files).collect::<Vec<_>>(), [2, 1]);
    let text = String::from_utf8(scan(&[], "text").stdout).unwrap();
    assert!(text.contains("Clusters: `"), "{text}");
    let merged: Report = serde_json::from_slice(&scan(&["--one-cluster"], "json").stdout).unwrap();
    assert!(merged.findings.is_empty(), "{:?}", merged.findings);
    assert_eq!(merged.clusters.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
