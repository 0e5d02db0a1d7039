//! No secret reaches any output (issue 16): known values are planted in every place kubeharden
//! treats as secret — literal environment values (a secret-looking name, a token-shaped value,
//! a duplicated key, a value of the wrong type), a Secret's `data` and `stringData`, a
//! credential-looking ConfigMap entry, Dockerfile `ENV`, `ARG` and `RUN` — in block YAML, flow
//! YAML and minified JSON (where many findings share the secret's line), and every output is
//! searched for them: text, JSON, SARIF, JUnit, GitHub annotations, tickets (stdout and one file
//! each), the baseline written and compared, `pss`, `netpol` and `audit` in every format. The
//! inputs and the planted values are in `core/tests/data/leaks/`, shared with the Python and WASM
//! tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The planted inputs, shared with the Python and WASM tests.
fn data(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/leaks").join(name);
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every planted value: none may appear in any output.
fn planted() -> Vec<String> {
    data("planted.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::to_owned).collect()
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("kubeharden-leaks-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(d.join("tickets")).unwrap();
    for name in ["manifests.yaml", "minified.json", "Dockerfile"] {
        fs::write(d.join(name), data(name)).unwrap();
    }
    d
}

/// Runs the command in `dir`; stdout and stderr together.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeharden")).args(args).current_dir(dir).output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn assert_clean(what: &str, text: &str) {
    let planted = planted();
    assert!(planted.len() >= 15, "{planted:?}");
    for v in &planted {
        assert!(!text.contains(v), "{what} shows the planted secret `{v}`:\n{text}");
    }
    // nor its start (a short rendering cut at 60 characters, a window cut mid-value)
    assert!(!text.contains("S3CR3T"), "{what} shows part of a planted secret:\n{text}");
}

#[test]
fn planted_secrets_reach_no_output() {
    let d = dir();
    let inputs = ["manifests.yaml", "minified.json", "Dockerfile"];
    let mut seen_rules = String::new();
    for format in ["text", "json", "sarif", "junit", "github", "tickets"] {
        let mut args = vec!["scan", "--format", format, "--color", "always", "--now", "2026-11-22T00:00:00Z"];
        args.extend(inputs);
        let (code, out) = run(&d, &args);
        assert_eq!(code, 1, "{format}: {out}");
        assert_clean(&format!("scan --format {format}"), &out);
        if format == "json" {
            seen_rules = out;
        }
    }
    // the planted values were where findings point: each family fired
    for rule in [
        "literal-secret-in-env",
        "duplicate-key",
        "invalid-field-type",
        "secret-object-in-manifests",
        "configmap-credentials",
        "dockerfile-secret-in-env",
        "privileged-container",
        "dockerfile-apt-install-recommends",
    ] {
        assert!(seen_rules.contains(rule), "{rule} did not fire: the test plants nothing for it\n{seen_rules}");
    }
    // tickets, one file each
    let mut args = vec!["scan", "--format", "tickets", "-o", "tickets"];
    args.extend(inputs);
    assert_eq!(run(&d, &args).0, 1);
    for e in fs::read_dir(d.join("tickets")).unwrap() {
        let p = e.unwrap().path();
        assert_clean(&p.display().to_string(), &fs::read_to_string(&p).unwrap());
    }
    // a baseline written, then compared (the resolved findings are printed)
    let mut args = vec!["scan", "--write-baseline", "baseline.json", "--format", "json"];
    args.extend(inputs);
    assert_eq!(run(&d, &args).0, 1);
    assert_clean("the baseline file", &fs::read_to_string(d.join("baseline.json")).unwrap());
    let (_, out) = run(&d, &["scan", "--baseline", "baseline.json", "manifests.yaml"]);
    assert!(out.contains("resolved"), "{out}");
    assert_clean("scan --baseline", &out);
    // pss and netpol, every format
    for format in ["text", "json"] {
        let (_, out) = run(&d, &["pss", "--format", format, "manifests.yaml", "minified.json"]);
        assert_clean(&format!("pss --format {format}"), &out);
    }
    for format in ["text", "json", "dot"] {
        let (_, out) = run(&d, &["netpol", "--format", format, "manifests.yaml", "minified.json"]);
        assert_clean(&format!("netpol --format {format}"), &out);
    }
    // fix: the diffs show no secret, and fixing copies none (each planted value occurs no more
    // often in the fixed files than before; a literal secret becomes a secretKeyRef)
    for unsafe_fixes in [false, true] {
        let mut args = vec!["fix", "--diff", "--now", "2026-11-22T00:00:00Z"];
        if unsafe_fixes {
            args.push("--unsafe-fixes");
        }
        args.extend(inputs);
        let (_, out) = run(&d, &args);
        assert_clean(&format!("fix --diff (unsafe: {unsafe_fixes})"), &out);
    }
    let count = |text: &str| -> usize { planted().iter().map(|v| text.matches(v.as_str()).count()).sum() };
    let before: Vec<usize> = inputs.iter().map(|f| count(&fs::read_to_string(d.join(f)).unwrap())).collect();
    let mut args = vec!["fix", "--unsafe-fixes", "--now", "2026-11-22T00:00:00Z"];
    args.extend(inputs);
    let (_, out) = run(&d, &args);
    assert_clean("fix --unsafe-fixes", &out);
    for (f, n) in inputs.iter().zip(before) {
        let now = count(&fs::read_to_string(d.join(f)).unwrap());
        assert!(now <= n, "{f}: fixing copied a planted secret ({n} occurrences before, {now} after)");
    }
    for f in inputs {
        fs::write(d.join(f), data(f)).unwrap();
    }
    // the audit reads `kubectl get pods -A -o json`
    fs::write(
        d.join("pods.json"),
        data("minified.json").replace("\"privileged\":true", "\"privileged\":true,\"runAsUser\":0"),
    )
    .unwrap();
    for format in ["text", "json", "tickets"] {
        let (_, out) = run(&d, &["audit", "pods.json", "--format", format, "--now", "2026-11-22T00:00:00Z"]);
        assert_clean(&format!("audit --format {format}"), &out);
    }
    let _ = fs::remove_dir_all(&d);
}
