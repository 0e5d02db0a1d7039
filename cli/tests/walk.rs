//! What a directory walk reads and what it says about what it leaves out: hidden directories are
//! read, only version-control metadata is left out silently, dependency directories and
//! non-regular files are skipped with a notice, and a scan that checked nothing says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n";

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("kubeharden-walk-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    fs::create_dir_all(&p).unwrap();
    p
}

fn put(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Runs the command with a deadline: a walk that blocks on a FIFO fails the test instead of
/// hanging it.
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("kubeharden {args:?} did not finish in 10 s (blocked on a FIFO?)");
}

fn files(o: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut f: Vec<String> =
        v["findings"].as_array().unwrap().iter().map(|x| x["file"].as_str().unwrap().to_owned()).collect();
    f.sort();
    f.dedup();
    f
}

#[test]
fn hidden_directories_are_read_and_skips_are_said() {
    let d = tmp("hidden");
    put(&d, ".github/workflows/deploy/pod.yaml", POD);
    put(&d, ".deploy/.pod.yaml", POD);
    put(&d, ".git/objects/pod.yaml", POD);
    put(&d, "node_modules/chart/pod.yaml", POD);
    let o = run(&d, &["scan", ".", "--format", "json", "--select", "privileged-container"]);
    assert_eq!(files(&o), ["./.deploy/.pod.yaml", "./.github/workflows/deploy/pod.yaml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("skipped `./node_modules`"), "{err}");
    assert!(!err.contains(".git"), "VCS metadata is left out without a word: {err}");
    // named on the command line, it is read
    let o = run(&d, &["scan", "node_modules", "--format", "json", "--select", "privileged-container"]);
    assert_eq!(files(&o), ["node_modules/chart/pod.yaml"]);
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_fifo_in_a_directory_is_skipped_with_a_notice_not_waited_on() {
    let d = tmp("fifo");
    put(&d, "pod.yaml", POD);
    let made = Command::new("mkfifo").arg(d.join("pipe.yaml")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED a_fifo_in_a_directory_is_skipped_with_a_notice_not_waited_on: mkfifo unavailable");
        return;
    }
    let o = run(&d, &["scan", ".", "--format", "json", "--select", "privileged-container"]);
    assert_eq!(files(&o), ["./pod.yaml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("skipped `./pipe.yaml`: not a regular file"), "{err}");
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_scan_that_checks_nothing_says_so() {
    let d = tmp("empty");
    let o = run(&d, &["scan", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: no file to scan"), "{o:?}");
    let o = run(&d, &["scan", ".", "--fail-on-empty"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: no file to scan"), "{o:?}");
    put(&d, "compose.yaml", "services:\n  web:\n    image: nginx\n");
    let o = run(&d, &["scan", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing was checked"), "{o:?}");
    assert_eq!(run(&d, &["scan", ".", "--fail-on-empty"]).status.code(), Some(2));
    put(&d, "pod.yaml", POD);
    let o = run(&d, &["scan", ".", "--fail-on-empty", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("nothing"), "{o:?}");
    let _ = fs::remove_dir_all(&d);
}
