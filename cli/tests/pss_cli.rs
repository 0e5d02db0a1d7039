//! `kubeharden pss`: verdicts, JSON shape and exit codes (0 all allowed, 1 some denied, 2 error).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use std::io::Write;
use std::process::{Command, Stdio};

fn pss(args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .arg("pss")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        securityContext: {privileged: true}
";

#[test]
fn exit_codes_and_formats() {
    let (code, out) = pss(&["--level", "baseline", "-"], DEPLOYMENT);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Deployment `shop/web`: denied"), "{out}");
    assert!(
        out.contains(":10:27: privileged: privileged (container \"app\" must not set securityContext.privileged=true)"),
        "{out}"
    );

    let (code, out) = pss(&["--level", "baseline", "--version", "v1.20", "--format", "json", "-"], DEPLOYMENT);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["version"], "v1.20");
    let v = &json["results"][0]["violations"][0];
    assert_eq!(v["check"], "privileged");
    assert_eq!(v["path"], "spec.template.spec.containers[0].securityContext.privileged");
    assert_eq!(v["line"], 10);
    assert_eq!(json["results"][0]["allowed"], false);

    let (code, _) = pss(&["--level", "privileged", "-"], DEPLOYMENT);
    assert_eq!(code, 0);
    let (code, _) = pss(&["--level", "restricted", "--version", "v1.x", "-"], DEPLOYMENT);
    assert_eq!(code, 2);
    let (code, _) = pss(&["--level", "baseline", "-"], "kind: [unclosed");
    assert_eq!(code, 2);
}

/// One set of defaults across the command line, Python and JavaScript: `restricted`, `latest`.
#[test]
fn level_and_version_default_to_restricted_latest() {
    let (code, out) = pss(&["-"], DEPLOYMENT);
    assert_eq!(code, 1, "{out}");
    assert!(out.ends_with("1 pod-bearing object(s) at restricted latest: 0 allowed, 1 denied\n"), "{out}");
}
