//! Fixtures and docs of the input-integrity rules `unknown-api-version` (WKL002) and
//! `duplicate-key` (WKL003): each `fail*` fixture fires its rule, each `pass*` does not, the
//! documented example fires and the documented fix does not.

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use kubeharden::rules::registry;
use kubeharden::{check, CheckRequest, SourceFile};

fn count(name: &str, rule: &str, text: &str) -> usize {
    let r = check(&CheckRequest { files: vec![SourceFile::new(name, text)], ..Default::default() }).unwrap();
    assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
    r.findings.iter().filter(|f| f.name == rule).count()
}

/// A docs snippet as a manifest: whole objects as they are, pod-spec fragments inside a Pod.
fn manifest(snippet: &str) -> String {
    if snippet.contains("kind:") {
        snippet.to_owned()
    } else {
        let body: String = snippet.lines().map(|l| format!("  {l}\n")).collect();
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: doc\nspec:\n{body}")
    }
}

fn fixtures(rule: &str, dir: &str) {
    let meta = registry::find(rule).unwrap().meta();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/workload").join(dir);
    let mut seen = (0, 0);
    for e in std::fs::read_dir(&path).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&p).unwrap();
        let n = count(&format!("{dir}/{stem}.yaml"), rule, &text);
        if stem.starts_with("fail") {
            assert!(n >= 1, "{}: {rule} did not fire", p.display());
            seen.0 += 1;
        } else if stem.starts_with("pass") {
            assert_eq!(n, 0, "{}: {rule} fired", p.display());
            seen.1 += 1;
        }
    }
    assert!(seen.0 >= 1 && seen.1 >= 1, "{dir}: needs fail and pass fixtures");
    let example = meta.docs_block("Example").unwrap();
    let fix = meta.docs_block("Fix").unwrap();
    assert!(count("example.yaml", rule, &manifest(&example)) >= 1, "{rule}: the documented example does not fire");
    assert_eq!(count("fix.yaml", rule, &manifest(&fix)), 0, "{rule}: the documented fix fires");
}

#[test]
fn unknown_api_version_fixtures_and_docs() {
    fixtures("unknown-api-version", "unknown_api_version");
}

#[test]
fn duplicate_key_fixtures_and_docs() {
    fixtures("duplicate-key", "duplicate_key");
}

#[test]
fn removed_but_known_versions_and_custom_groups_are_not_flagged() {
    for (api, kind) in [
        ("extensions/v1beta1", "DaemonSet"),
        ("batch/v1beta1", "CronJob"),
        ("apps/v1beta2", "StatefulSet"),
        ("example.com/v9", "Job"),
    ] {
        let text = format!("apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\nspec: {{}}\n");
        assert_eq!(count("k.yaml", "unknown-api-version", &text), 0, "{api} {kind}");
    }
    for (api, kind) in [
        ("apps/v1", "Pod"),
        ("batch/v1", "Deployment"),
        ("apps/v1/x", "Deployment"),
        ("", "Job"),
        ("policy.k8s.io/v1", "CronJob"),
    ] {
        let text = format!("apiVersion: \"{api}\"\nkind: {kind}\nmetadata: {{name: x}}\nspec: {{}}\n");
        assert_eq!(count("k.yaml", "unknown-api-version", &text), 1, "{api} {kind}");
    }
}
