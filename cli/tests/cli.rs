//! The `kubeharden` binary end to end: inputs (files, directories, stdin), exit codes, formats.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kubeharden"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut c = bin();
    c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(s) = stdin {
        let _ = child.stdin.take().unwrap().write_all(s.as_bytes()); // the program may exit before reading
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n";

#[test]
fn stdin_input_and_exit_codes() {
    let (code, out, _) = run(&["scan", "-", "--format", "json"], Some(PRIVILEGED));
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["name"] == "privileged-container").unwrap();
    assert_eq!(f["file"], "<stdin>");
    assert_eq!(f["line"], 8);
    assert_eq!(f["container"], "app");
    assert_eq!(f["path"], "spec.containers[0].securityContext.privileged");
    // --fail-on never: exit 0 whatever is found
    let (code, _, _) = run(&["scan", "-", "--fail-on", "never"], Some(PRIVILEGED));
    assert_eq!(code, 0);
    // values are read case-insensitively, as in the configuration
    assert_eq!(run(&["scan", "-", "--fail-on", "NEVER"], Some(PRIVILEGED)).0, 0);
    // a threshold above every finding
    let (code, _, _) =
        run(&["scan", "-", "--select", "privileged-container", "--fail-on", "critical"], Some(PRIVILEGED));
    assert_eq!(code, 1);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["scan"], None).0, 2);
    let (code, _, err) = run(&["scan", "-", "--fail-on", "sometimes"], Some(PRIVILEGED));
    assert_eq!(code, 2);
    assert!(err.contains("[possible values: critical, high, medium, low, info, never]"), "{err}");
    let (code, _, err) = run(&["scan", "-", "--color", "sometimes"], Some(PRIVILEGED));
    assert_eq!(code, 2);
    assert!(err.contains("[possible values: auto, always, never]"), "{err}");
    assert_eq!(run(&["scan", "-", "--select", "no-such-rule"], Some(PRIVILEGED)).0, 2);
    assert_eq!(run(&["scan", "/nonexistent/path.yaml"], None).0, 2);
    assert_eq!(run(&["explain", "no-such-rule"], None).0, 2);
}

#[test]
fn malformed_file_next_to_a_valid_one_gives_2_and_still_reports() {
    let dir = std::env::temp_dir().join(format!("kubeharden-cli-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("good.yaml"), PRIVILEGED).unwrap();
    std::fs::write(dir.join("sub/bad.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not scanned").unwrap();
    std::fs::write(dir.join("compose.yml"), "services:\n  web:\n    image: nginx\n").unwrap();
    let (code, out, _) = run(&["scan", dir.to_str().unwrap(), "--format", "json"], None);
    assert_eq!(code, 2, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{out}");
    assert!(errors[0]["file"].as_str().unwrap().ends_with("sub/bad.yaml"));
    assert!(errors[0]["line"].as_u64().is_some());
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["name"] == "privileged-container"));
    assert_eq!(v["summary"]["files"], 3, "compose.yml read and skipped, notes.txt not read: {out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn text_output_points_at_the_field_with_a_caret() {
    let (_, out, _) = run(&["scan", "-", "--select", "privileged-container"], Some(PRIVILEGED));
    assert!(
        out.contains("<stdin>:8:23: POD001 [critical] privileged-container  container `app` runs privileged"),
        "{out}"
    );
    assert!(out.contains("8 |     securityContext: {privileged: true}"), "{out}");
    assert!(out.contains("  |                       ^"), "{out}");
    assert!(out.contains("Found 1 finding (1 critical) in 1 file"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = run(&["rules", "--format", "json"], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v.as_array().unwrap()[0];
    for key in ["id", "name", "severity", "title", "enabled_by_default", "references", "peers"] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    let (code, out, _) = run(&["explain", "POD001"], None);
    assert_eq!(code, 0);
    assert!(out.contains("privileged-container") && out.contains("## Fix"), "{out}");
}

#[test]
fn config_file_unknown_key_is_an_error_with_line() {
    let dir = std::env::temp_dir().join(format!("kubeharden-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("kh.yaml");
    std::fs::write(&cfg, "disable: []\nsevrity: {}\n").unwrap();
    let (code, _, err) = run(&["scan", "-", "--config", cfg.to_str().unwrap()], Some(PRIVILEGED));
    assert_eq!(code, 2);
    assert!(err.contains("kh.yaml:2") && err.contains("sevrity"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn secret_values_never_appear_in_any_output() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    env:\n    - {name: DB_PASSWORD, value: s3cr3t-value}\n    - name: API_TOKEN\n      value: another-s3cr3t\n";
    for format in ["text", "json"] {
        let (code, out, err) = run(&["scan", "-", "--format", format], Some(pod));
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("literal-secret-in-env"), "{out}");
        assert!(!out.contains("s3cr3t") && !err.contains("s3cr3t"), "{format}: {out}");
    }
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let mut child = bin().args(["rules"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take()); // like `kubeharden rules | head -0`
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_byte_order_mark_does_not_shift_the_caret() {
    // one line of JSON after a BOM: the finding is on line 1, the caret must sit under the key
    let pod = "\u{feff}{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"containers\": [{\"name\": \"app\", \"image\": \"nginx\", \"securityContext\": {\"privileged\": true}}]}}\n";
    let (_, out, _) = run(&["scan", "-", "--select", "privileged-container"], Some(pod));
    let lines: Vec<&str> = out.lines().collect();
    let src = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
    let caret = lines.iter().find(|l| l.trim_end().ends_with('^')).unwrap();
    assert!(!src.contains('\u{feff}'), "{out}");
    let col = caret.find('^').unwrap();
    assert!(src.get(col..).unwrap().starts_with("\"privileged\""), "{out}");
}
