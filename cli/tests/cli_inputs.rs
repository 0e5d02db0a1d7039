//! The built `kubeharden` binary on hostile input: exit codes never hide an unreadable file or a
//! mistyped field, directory walks stay inside the tree and end on symlink loops, and `scan`
//! writes nothing but its report on stdout.

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: app\n    image: nginx\n";

/// A fresh, empty directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("kubeharden-cli-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn file(&self, rel: &str, content: &[u8]) -> PathBuf {
        let p = self.0.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn kubeharden(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeharden")).args(args).current_dir(cwd).output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn files_in(v: &serde_json::Value, key: &str) -> Vec<String> {
    let mut f: Vec<String> =
        v[key].as_array().unwrap().iter().map(|x| x["file"].as_str().unwrap().to_owned()).collect();
    f.sort();
    f.dedup();
    f
}

#[test]
fn a_file_that_fails_to_parse_gives_exit_2_next_to_a_clean_one() {
    let d = TempDir::new("parse");
    d.file("ok.yaml", POD.as_bytes());
    d.file("bad.yaml", b"apiVersion: v1\nkind: [unclosed\n");
    let o = kubeharden(&d.0, &["scan", ".", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn invalid_utf8_is_an_input_error_with_its_line() {
    let d = TempDir::new("utf8");
    d.file("latin1.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n");
    let o = kubeharden(&d.0, &["scan", "latin1.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let msg = json(&o)["errors"][0]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("not valid UTF-8 (line 4"), "{msg}");
}

#[test]
fn a_mistyped_field_and_an_unknown_api_version_fail_the_scan() {
    let d = TempDir::new("types");
    d.file("typed.yaml", POD.replace("runAsNonRoot: true", "runAsNonRoot: \"true\"").as_bytes());
    let o = kubeharden(&d.0, &["scan", "typed.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(json(&o)["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "WKL001"));
    d.file("v2.yaml", POD.replace("apiVersion: v1", "apiVersion: apps/v2").as_bytes());
    let o = kubeharden(&d.0, &["scan", "v2.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(json(&o)["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "WKL002"));
    d.file("clean.yaml", POD.as_bytes());
    // the same pod without the mistake passes the two rules under test (it is not hardened otherwise)
    assert_eq!(
        kubeharden(&d.0, &["scan", "clean.yaml", "--select", "invalid-field-type,unknown-api-version"]).status.code(),
        Some(0)
    );
}

#[test]
fn an_alias_bomb_and_deep_nesting_are_input_errors() {
    let d = TempDir::new("bomb");
    let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (c, p) in ('b'..='j').zip('a'..) {
        bomb.push_str(&format!("{c}: &{c} [{}]\n", vec![format!("*{p}"); 9].join(", ")));
    }
    d.file("bomb.yaml", bomb.as_bytes());
    d.file("deep.json", "[".repeat(100_000).as_bytes());
    let o = kubeharden(&d.0, &["scan", ".", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["errors"].as_array().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_a_scanned_directory_are_not_followed_unless_asked() {
    let d = TempDir::new("links");
    let outside = d.file("outside/secret.yaml", POD.as_bytes());
    d.file("tree/own.yaml", POD.as_bytes());
    std::os::unix::fs::symlink(&outside, d.0.join("tree/link.yaml")).unwrap();
    std::os::unix::fs::symlink(d.0.join("outside"), d.0.join("tree/linkdir")).unwrap();
    let o = kubeharden(&d.0, &["scan", "tree", "--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["summary"]["files"], 1);
    let o = kubeharden(&d.0, &["scan", "tree", "--format", "json", "--fail-on", "never", "--follow-symlinks"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["summary"]["files"], 3);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_ends_and_each_file_is_read_once() {
    let d = TempDir::new("loop");
    d.file("tree/a/pod.yaml", POD.as_bytes());
    std::os::unix::fs::symlink(d.0.join("tree"), d.0.join("tree/a/up")).unwrap();
    std::os::unix::fs::symlink(d.0.join("tree/a"), d.0.join("tree/a/self")).unwrap();
    for extra in [&[][..], &["--follow-symlinks"][..]] {
        let mut args = vec!["scan", "tree", "--format", "json", "--fail-on", "never"];
        args.extend_from_slice(extra);
        let o = kubeharden(&d.0, &args);
        assert_eq!(o.status.code(), Some(0), "{extra:?}: {}", String::from_utf8_lossy(&o.stderr));
        let v = json(&o);
        assert_eq!(v["summary"]["files"], 1, "{extra:?}");
        assert!(v["errors"].as_array().unwrap().is_empty(), "{extra:?}");
    }
}

/// Every path under `dir` with its length and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = fs::symlink_metadata(e.path()).unwrap();
            if m.is_dir() {
                stack.push(e.path());
            }
            out.push((e.path(), m.len(), m.modified().ok()));
        }
    }
    out.sort();
    out
}

#[test]
fn scan_writes_nothing_but_stdout() {
    let d = TempDir::new("writes");
    d.file("m/pod.yaml", POD.replace("runAsNonRoot: true", "runAsNonRoot: false").as_bytes());
    d.file("m/bad.yaml", b"kind: [\n");
    d.file(".kubeharden.yaml", b"fail-on: low\n");
    let before = snapshot(&d.0);
    for format in ["text", "json"] {
        let o = kubeharden(&d.0, &["scan", "m", "--format", format]);
        assert_eq!(o.status.code(), Some(2));
        assert!(!o.stdout.is_empty());
        assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(before, snapshot(&d.0), "scan changed its directory");
    assert_eq!(files_in(&json(&kubeharden(&d.0, &["scan", "m", "--format", "json"])), "errors"), vec!["m/bad.yaml"]);
}
