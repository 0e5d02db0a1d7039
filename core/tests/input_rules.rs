//! The input-integrity rule `unknown-api-version` (WKL002) beyond its fixtures: versions Kubernetes
//! removed but still knows and custom groups are not flagged; impossible pairs are.

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kubeharden::{check, CheckRequest, SourceFile};

fn count(name: &str, rule: &str, text: &str) -> usize {
    let r = check(&CheckRequest { files: vec![SourceFile::new(name, text)], ..Default::default() }).unwrap();
    assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
    r.findings.iter().filter(|f| f.name == rule).count()
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
