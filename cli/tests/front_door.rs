//! Every command reads a directory the same way: a Dockerfile beside the manifests is read as a
//! Dockerfile by `scan`, and is no input error for `pss` or `netpol`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code")]

use std::process::Command;

fn dir_with_a_dockerfile() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeharden-front-door-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Not YAML: the old `pss` and `netpol` failed on line 3 (`mapping values are not allowed`).
    std::fs::write(dir.join("Dockerfile"), "FROM alpine:3.20\nRUN apk add curl\nUSER app: app\n").unwrap();
    std::fs::write(
        dir.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
    )
    .unwrap();
    dir
}

fn run(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeharden")).args(args).arg(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn pss_netpol_and_scan_read_a_dockerfile_beside_manifests() {
    let dir = dir_with_a_dockerfile();
    let (code, out, err) = run(&["pss", "--level", "baseline"], &dir);
    assert_eq!(code, 0, "pss: {out}{err}");
    assert!(out.contains("1 allowed, 0 denied"), "{out}");
    let (code, out, err) = run(&["netpol"], &dir);
    assert_ne!(code, 2, "netpol: {out}{err}");
    assert!(!err.contains("error"), "{err}");
    let (code, out, err) = run(&["scan", "--format", "json", "--fail-on", "never"], &dir);
    assert_eq!(code, 0, "scan: {out}{err}");
    assert!(out.contains("\"kind\": \"Dockerfile\""), "the Dockerfile was not read as one: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Dockerfile on standard input (`<stdin>` says nothing about the file) is recognised by its
/// content and checked as one, not read as YAML and passed as clean.
#[test]
fn a_dockerfile_on_stdin_is_read_as_one() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(["scan", "--format", "json", "--fail-on", "never", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"# syntax=docker/dockerfile:1\nFROM ubuntu:latest\nRUN apt-get install -y curl\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.iter().any(|r| r.starts_with("DKR")), "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
}
