//! The bundled example app (`examples/manifests/`): the checklist's api-service behind
//! nginx-ingress talking to postgres, plus a legacy CronJob. The hardened workload must come out
//! clean; each bad one must show the checklist's problems at the right places.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use std::collections::BTreeSet;
use std::path::Path;

use kubeharden::{check, CheckRequest, Report, SourceFile};

fn example_report() -> Report {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests");
    let mut files: Vec<SourceFile> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| SourceFile::new(p.file_name().unwrap().to_str().unwrap(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    check(&CheckRequest { files, now: Some("2026-11-22T00:00:00Z".into()), ..CheckRequest::default() }).unwrap()
}

fn rules_of(r: &Report, kind: &str, name: &str) -> BTreeSet<String> {
    r.findings
        .iter()
        .filter(|f| f.object.as_ref().is_some_and(|o| o.kind == kind && o.name.as_deref() == Some(name)))
        .map(|f| f.name.clone())
        .collect()
}

#[test]
fn hardened_api_service_is_clean() {
    let r = example_report();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let api = rules_of(&r, "Deployment", "api-service");
    assert!(api.is_empty(), "api-service is fully hardened, yet: {api:?}");
}

#[test]
fn postgres_shows_the_classic_mistakes() {
    let r = example_report();
    let pg = rules_of(&r, "StatefulSet", "postgres");
    for expected in [
        "run-as-non-root",
        "privilege-escalation-allowed",
        "capabilities-drop-all-missing",
        "writable-root-filesystem",
        "seccomp-profile-missing",
        "memory-limit-missing",
        "cpu-limit-missing",
        "ephemeral-storage-request-missing",
        "literal-secret-in-env",
        "service-account-token-automount",
    ] {
        assert!(pg.contains(expected), "postgres lacks `{expected}`: {pg:?}");
    }
    // requests are set: no request findings for cpu and memory
    assert!(!pg.contains("cpu-request-missing") && !pg.contains("memory-request-missing"), "{pg:?}");
    // no ephemeral-storage request nor limit: one problem, one finding (the request rule's, which
    // says both)
    assert!(!pg.contains("ephemeral-storage-limit-missing"), "{pg:?}");
    let secret = r
        .findings
        .iter()
        .find(|f| f.name == "literal-secret-in-env" && f.container.as_deref() == Some("postgres"))
        .unwrap();
    assert_eq!(secret.file.as_deref(), Some("postgres.yaml"));
    assert_eq!(secret.path.as_deref(), Some("spec.template.spec.containers[0].env[0]"));
    assert!(!r.to_json().contains("hunter2"), "the literal password must never be printed");
}

#[test]
fn legacy_cron_job_is_critical_and_points_into_the_job_template() {
    let r = example_report();
    let cron = rules_of(&r, "CronJob", "cleanup");
    for expected in
        ["privileged-container", "host-namespaces", "container-runtime-socket", "host-path-volume", "image-tag-mutable"]
    {
        assert!(cron.contains(expected), "cleanup lacks `{expected}`: {cron:?}");
    }
    let p = r.findings.iter().find(|f| f.name == "privileged-container").unwrap();
    assert_eq!(p.path.as_deref(), Some("spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged"));
    assert_eq!((p.line, p.column), (Some(20), Some(17)));
}

#[test]
fn nginx_ingress_only_lacks_a_digest_and_leaks_a_token() {
    let r = example_report();
    let ing = rules_of(&r, "Deployment", "nginx-ingress");
    assert!(ing.contains("literal-secret-in-env") && ing.contains("image-digest-missing"), "{ing:?}");
    for absent in [
        "run-as-non-root",
        "dangerous-capabilities",
        "capabilities-drop-all-missing",
        "ephemeral-storage-limit-missing",
    ] {
        assert!(!ing.contains(absent), "nginx-ingress is hardened for `{absent}`: {ing:?}");
    }
}

#[test]
fn pod_security_admission_on_the_example_namespaces() {
    let r = example_report();
    // shop enforces restricted: postgres's pods would never start
    let pg = r
        .findings
        .iter()
        .find(|f| {
            f.name == "pss-admission-rejected"
                && f.object.as_ref().is_some_and(|o| o.name.as_deref() == Some("postgres"))
        })
        .unwrap();
    assert_eq!(pg.severity, kubeharden::Severity::Critical);
    assert!(pg.message.contains("violates PodSecurity \"restricted:latest\""), "{}", pg.message);
    assert!(pg.message.contains("allowPrivilegeEscalation != false"), "{}", pg.message);
    // the hardened workloads of shop are admitted
    assert!(!r.findings.iter().any(|f| f.name == "pss-admission-rejected"
        && f.object.as_ref().is_some_and(|o| o.name.as_deref() != Some("postgres"))));
    // legacy has no enforce label: a namespace finding on the Namespace object itself
    let ns = r.findings.iter().find(|f| f.name == "namespace-pss-enforce-missing").unwrap();
    assert_eq!(ns.object.as_ref().unwrap().name.as_deref(), Some("legacy"));
    assert_eq!(ns.file.as_deref(), Some("namespace.yaml"));
    assert_eq!(r.findings.iter().filter(|f| f.name == "namespace-pss-enforce-missing").count(), 1, "shop is labelled");
}

#[test]
fn network_policies_deny_by_default_and_allow_only_the_named_paths() {
    let r = example_report();
    // shop has default-deny both ways: no namespace finding for it; legacy has none
    let ns: Vec<(String, &str)> = r
        .findings
        .iter()
        .filter(|f| f.name == "namespace-default-deny-missing")
        .map(|f| (f.object.as_ref().unwrap().name.clone().unwrap(), f.message.as_str()))
        .collect();
    assert_eq!(ns.len(), 1, "{ns:?}");
    assert_eq!(ns[0].0, "legacy");
    assert!(ns[0].1.contains("for ingress and egress"), "one finding names both directions: {}", ns[0].1);
    // legacy has no NetworkPolicy at all: its namespace finding speaks for its workloads
    assert!(!r.findings.iter().any(|f| f.name == "network-policy-not-covering-pod"
        && f.object.as_ref().and_then(|o| o.namespace.as_deref()) == Some("legacy")));
    // the open ingress of the ingress controller is suppressed, with its reason, and counted
    assert!(!r.findings.iter().any(|f| f.name == "network-policy-allows-all"));
    assert!(r.suppressed >= 1);
}
