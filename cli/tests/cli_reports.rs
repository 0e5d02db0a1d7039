//! The CLI's report options end to end: `scan --format`, `--output`, `--write-baseline` and
//! `--baseline` (exit code counts only new findings), and `audit`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a test failure"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the CLI; scans select a fixed set of rules, so the expectations are about the report
/// options, not about which rules exist.
fn kubeharden(args: &[&str], dir: &Path) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kubeharden"));
    c.args(args).current_dir(dir);
    if args.first() == Some(&"scan") {
        c.args(["--select", "privileged-container,run-as-non-root,invalid-field-type"]);
    }
    c.output().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kubeharden-cli-reports-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("k8s")).unwrap();
    d
}

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: c\n    image: x:1\n    securityContext: {privileged: true}\n";
const HARDENED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 1000}\n  containers:\n  - name: c\n    image: x:1\n";

#[test]
fn baseline_adoption_then_only_new_findings_fail() {
    let d = tmp("baseline");
    std::fs::write(d.join("k8s/a.yaml"), PRIVILEGED).unwrap();
    std::fs::write(d.join("k8s/b.yaml"), HARDENED).unwrap();
    // adoption: write the baseline (the scan itself still fails on the critical finding)
    let out = kubeharden(&["scan", "k8s", "--write-baseline", ".kubeharden-baseline.json", "--format", "json"], &d);
    assert_eq!(out.status.code(), Some(1));
    let baseline = std::fs::read_to_string(d.join(".kubeharden-baseline.json")).unwrap();
    assert_eq!(baseline, String::from_utf8_lossy(&out.stdout));
    // later: the known finding no longer fails the build
    let out = kubeharden(&["scan", "k8s", "--baseline", ".kubeharden-baseline.json"], &d);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Baseline: 0 new, 1 still open, 0 resolved"));
    // a new privileged pod does
    std::fs::write(d.join("k8s/b.yaml"), PRIVILEGED.replace("name: a,", "name: b2,")).unwrap();
    let out = kubeharden(&["scan", "k8s", "--baseline", ".kubeharden-baseline.json", "--format", "sarif"], &d);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the new finding is reported");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "k8s/b.yaml");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Baseline: 1 new, 1 still open, 0 resolved"));
    // a broken baseline is a usage error
    std::fs::write(d.join("bad.json"), "[]").unwrap();
    assert_eq!(kubeharden(&["scan", "k8s", "--baseline", "bad.json"], &d).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn formats_and_output_files() {
    let d = tmp("formats");
    std::fs::write(d.join("k8s/a.yaml"), PRIVILEGED).unwrap();
    for (format, needle) in [
        ("sarif", "\"version\": \"2.1.0\""),
        ("junit", "<testsuite name=\"k8s/a.yaml\""),
        ("github", "::error file=k8s/a.yaml,line=9,col=23,title=POD001 privileged-container (critical)::"),
        ("tickets", "## [critical] Container runs in privileged mode in Pod shop/a (container c)"),
        ("grouped", "k8s/a.yaml\n  Pod shop/a (document 0)\n    container c\n      9:23  POD001 [critical] privileged-container  runs privileged\n"),
    ] {
        let out = kubeharden(&["scan", "k8s", "--format", format, "--output", "out.txt"], &d);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}: --output leaves stdout empty");
        let text = std::fs::read_to_string(d.join("out.txt")).unwrap();
        assert!(text.contains(needle), "{format}:\n{text}");
    }
    // tickets into a directory: one file per ticket, named by fingerprint
    std::fs::create_dir(d.join("tickets")).unwrap();
    let out = kubeharden(&["scan", "k8s", "--format", "tickets", "--output", "tickets"], &d);
    assert_eq!(out.status.code(), Some(1));
    let files: Vec<_> = std::fs::read_dir(d.join("tickets")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].to_string_lossy().ends_with(".md"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn statistics_count_per_rule_and_keep_the_exit_code() {
    let d = tmp("statistics");
    std::fs::write(d.join("k8s/a.yaml"), PRIVILEGED).unwrap();
    std::fs::write(d.join("k8s/b.yaml"), PRIVILEGED.replace("name: a", "name: b")).unwrap();
    let out = kubeharden(&["scan", "k8s", "--statistics"], &d);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("2  POD001  privileged-container  critical\n"), "{text}");
    let out = kubeharden(&["scan", "k8s", "--statistics", "--format", "json"], &d);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["name"], "privileged-container");
    assert_eq!(json[0]["count"], 2);
    assert_eq!(json[0]["by_severity"]["critical"], 2);
    // a table is no SARIF: a usage error, not a silently different output
    let out = kubeharden(&["scan", "k8s", "--statistics", "--format", "sarif"], &d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`--statistics`"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn audit_command() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/audit");
    let out = kubeharden(&["audit", "pods.json", "--images", "images", "--now", "2026-11-22T00:00:00Z"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for section in [
        "=== Image age (6 images, oldest first) ===",
        "=== Privileged containers (1) ===",
        "=== Containers running as root (6) ===",
        "=== Missing resource limits (3) ===",
    ] {
        assert!(text.contains(section), "{section}\n{text}");
    }
    let out = kubeharden(&["audit", "pods.json", "--format", "json", "--now", "2026-11-22T00:00:00Z"], &data);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pods"], 5);
    // the audit against itself as baseline: no new tickets
    let d = tmp("audit");
    std::fs::write(d.join("last.json"), &out.stdout).unwrap();
    let pods = data.join("pods.json");
    let out = kubeharden(
        &[
            "audit",
            pods.to_str().unwrap(),
            "--format",
            "tickets",
            "--baseline",
            "last.json",
            "--now",
            "2026-11-22T00:00:00Z",
        ],
        &d,
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "No new problems: no tickets.\n");
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Baseline: 0 new,"));
    // stdin, and a usage error
    let out = kubeharden(&["audit", "-", "--now", "yesterday"], &d);
    assert_eq!(out.status.code(), Some(2));
    // a baseline of another version is refused with its name
    std::fs::write(d.join("old.json"), "{\"version\": 1}").unwrap();
    let out = kubeharden(&["audit", pods.to_str().unwrap(), "--baseline", "old.json"], &d);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: old.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue 16: what the audit cannot read is an input error in every format, and exit code 2 (as
/// `scan`), never a clean audit.
#[test]
fn audit_input_errors_exit_2() {
    let d = tmp("audit-errors");
    let pods = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}, \"spec\": {\"containers\": {\"name\": \"c\"}}},\n{\"metadata\": {\"name\": \"b\"}}\n]}\n";
    std::fs::write(d.join("pods.json"), pods).unwrap();
    std::fs::create_dir(d.join("images")).unwrap();
    std::fs::write(d.join("images/x.json"), "{\"not\": \"metadata\"}").unwrap();
    let out = kubeharden(&["audit", "pods.json", "--images", "images", "--now", "2026-11-22T00:00:00Z"], &d);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Audit of 1 pods (0 containers; 3 input errors)"), "{text}");
    for needle in [
        "error: pods.json:2:73: document 0: item 0: pod `default/a`: `containers` is {...}, but the Kubernetes API expects a list",
        "error: pods.json:3:1: document 0: item 1 of a `kind: List` is {...}, not a Kubernetes object with a `kind`",
        "error: images/x.json: holds no image metadata",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    let out = kubeharden(&["audit", "pods.json", "--format", "json", "--now", "2026-11-22T00:00:00Z"], &d);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 2);
    assert_eq!((v["errors"][1]["line"].as_u64(), v["errors"][1]["document"].as_u64()), (Some(3), Some(0)));
    let _ = std::fs::remove_dir_all(&d);
}
