//! A configuration that exists but cannot be read, or that selects no rule, is a configuration
//! error (exit 2), never the defaults in silence (issue 16, silent passes 4; memory and time 4-6).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext: {privileged: true}\n";

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("kubeharden-config-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    fs::create_dir_all(&p).unwrap();
    fs::write(p.join("pod.yaml"), POD).unwrap();
    p
}

/// Runs the command in `dir` with a deadline, so a read that blocks fails the test.
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..400 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("`kubeharden {}` did not finish in 20 s", args.join(" "));
}

fn expect_config_error(dir: &Path, args: &[&str], says: &str) {
    let out = run(dir, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}{}", String::from_utf8_lossy(&out.stdout));
    assert!(err.contains(says), "{args:?}: expected {says:?} in\n{err}");
    assert!(out.stdout.is_empty(), "nothing is checked with a broken configuration");
}

#[test]
fn a_configuration_that_cannot_be_read_is_an_error() {
    let dir = tmp("unreadable");
    let cfg = dir.join(".kubeharden.yaml");
    // UTF-16 with a byte-order mark, as some editors save
    let utf16: Vec<u8> =
        [0xff, 0xfe].into_iter().chain("fail-on: never\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    fs::write(&cfg, utf16).unwrap();
    expect_config_error(&dir, &["scan", "pod.yaml"], ".kubeharden.yaml: cannot read the configuration: it is UTF-16");
    // one Latin-1 byte
    fs::write(&cfg, b"# r\xe9glages\nfail-on: never\n").unwrap();
    expect_config_error(&dir, &["scan", "pod.yaml"], "not valid UTF-8 (line 1, byte 3)");
    expect_config_error(
        &dir,
        &["scan", "pod.yaml", "--config", ".kubeharden.yaml"],
        "not valid UTF-8 (line 1, byte 3)",
    );
    // a directory
    fs::remove_file(&cfg).unwrap();
    fs::create_dir(&cfg).unwrap();
    expect_config_error(
        &dir,
        &["scan", "pod.yaml"],
        ".kubeharden.yaml: cannot read the configuration: it is a directory",
    );
    expect_config_error(&dir, &["scan", "pod.yaml", "--config", ".kubeharden.yaml"], "cannot read the configuration");
    fs::remove_dir(&cfg).unwrap();
    // a symbolic link to nothing
    std::os::unix::fs::symlink("missing.yaml", &cfg).unwrap();
    expect_config_error(&dir, &["scan", "pod.yaml"], "it is a symbolic link to nothing");
    fs::remove_file(&cfg).unwrap();
    // too large
    fs::write(&cfg, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    expect_config_error(&dir, &["scan", "pod.yaml"], "larger than 1024 KiB: refused");
    fs::remove_file(&cfg).unwrap();
    // no configuration at all: the defaults, and the privileged pod fails the scan
    assert_eq!(run(&dir, &["scan", "pod.yaml"]).status.code(), Some(1));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_fifo_as_the_configuration_is_an_error_without_blocking() {
    let dir = tmp("fifo");
    let made = Command::new("mkfifo").arg(dir.join(".kubeharden.yaml")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    expect_config_error(
        &dir,
        &["scan", "pod.yaml"],
        "it is not a regular file (a FIFO, a socket or a device): not opened",
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_selection_of_no_rule_is_an_error() {
    let dir = tmp("select");
    fs::write(dir.join(".kubeharden.yaml"), "select: []\n").unwrap();
    expect_config_error(&dir, &["scan", "pod.yaml"], "`select` is empty: no rule would run");
    let every: Vec<String> = kubeharden::RULES.iter().map(|r| r.meta().id.0.to_owned()).collect();
    fs::write(dir.join(".kubeharden.yaml"), format!("ignore: [{}]\n", every.join(", "))).unwrap();
    expect_config_error(&dir, &["scan", "pod.yaml"], "no rule would run");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn deep_configuration_nesting_is_refused_in_linear_time() {
    let dir = tmp("deep");
    fs::write(dir.join(".kubeharden.yaml"), format!("enable: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)))
        .unwrap();
    let t = std::time::Instant::now();
    expect_config_error(&dir, &["scan", "pod.yaml"], ".kubeharden.yaml:1:");
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn error_lines_escape_names() {
    let dir = tmp("names");
    // a configuration and an input named with an escape sequence and a line break
    let out = run(&dir, &["scan", "pod.yaml", "--config", "cfg\u{1b}[2J\n::error::forged.yaml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("cfg\\x1b[2J\\n::error::forged.yaml"), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("::error")), "{err}");
    let out = run(&dir, &["scan", "missing\u{1b}]8;;http://evil\u{7}.yaml"]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2));
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
    assert!(text.contains("missing\\x1b]8;;http://evil\\x07.yaml"), "{text}");
    let _ = fs::remove_dir_all(&dir);
}
