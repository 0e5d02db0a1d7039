//! The namespace rules (`NSP001` namespace-pss-enforce-missing, `NSP002` pss-admission-rejected,
//! `NSP003` pss-admission-warning)
//! beyond what core/tests/rules.rs asserts of their fixtures: the exact messages, lines and
//! severities, and the example app of the checklist's seed examples (`tests/data/seed-examples/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use std::path::Path;

use kubeharden::{check, CheckRequest, Config, Finding, Severity, SourceFile};

fn run(rule: &str, files: Vec<SourceFile>) -> Vec<Finding> {
    let config = Config { select: Some(vec![rule.to_owned()]), ..Config::default() };
    let report = check(&CheckRequest { files, config, ..CheckRequest::default() }).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.findings
}

fn fixture(stem: &str, file: &str) -> Vec<SourceFile> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/namespace").join(stem).join(file);
    vec![SourceFile::new(file, std::fs::read_to_string(p).unwrap())]
}

#[test]
fn enforce_missing_messages() {
    let f = run("namespace-pss-enforce-missing", fixture("namespace_pss_enforce_missing", "fail.yaml"));
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "namespace `shop` has no `pod-security.kubernetes.io/enforce` label, so any pod is admitted; set \
         `pod-security.kubernetes.io/enforce: restricted`; `pod-security.kubernetes.io/audit` and \
         `pod-security.kubernetes.io/warn` also missing"
    );
    assert_eq!((f[0].severity, f[0].line), (Severity::High, Some(3)));
    let f = run("namespace-pss-enforce-missing", fixture("namespace_pss_enforce_missing", "fail_privileged.yaml"));
    assert_eq!(f[0].path.as_deref(), Some("metadata.labels[\"pod-security.kubernetes.io/enforce\"]"));
    assert_eq!(f[0].line, Some(6));
    assert!(
        f[0].message.contains("enforces `privileged`")
            && f[0].message.ends_with("`pod-security.kubernetes.io/audit` also missing")
    );
}

#[test]
fn admission_rejected_messages_and_severities() {
    let rule = "pss-admission-rejected";
    let f = run(rule, fixture("pss_admission_rejected", "fail.yaml"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Critical);
    assert_eq!(
        f[0].message,
        "Deployment `web` would have its pods rejected by namespace `production`: violates PodSecurity \"restricted:latest\": \
         allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), \
         unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), \
         seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
    );
    assert_eq!(f[0].path.as_deref(), Some("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"));

    let f = run(rule, fixture("pss_admission_rejected", "fail_baseline_host_network.yaml"));
    assert_eq!(
        f[0].message,
        "Pod `probe` is rejected by namespace `edge`: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)"
    );
    assert_eq!(f[0].line, Some(16));

    let f = run(rule, fixture("pss_admission_rejected", "fail_invalid_level.yaml"));
    assert!(f[0].message.starts_with("CronJob `report` would have its pods rejected by namespace `payments`: violates PodSecurity \"restricted:latest\": "));

    // admitted, only flagged by `warn`: never "rejected"
    assert!(run(rule, fixture("pss_admission_rejected", "pass_warn_only.yaml")).is_empty());
}

#[test]
fn admission_warning_messages_and_severities() {
    let rule = "pss-admission-warning";
    let f = run(rule, fixture("pss_admission_warning", "fail_warn_only.yaml"));
    assert_eq!(f[0].severity, Severity::Low);
    assert!(f[0].message.starts_with("StatefulSet `db` is admitted by namespace `staging` but flagged by its warn label: violates PodSecurity \"restricted:latest\": "));
    // audit and warn at one level and version: medium, and the violations said once
    let f = run(rule, fixture("pss_admission_warning", "fail_audit.yaml"));
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(
        f[0].message,
        "Pod `debug` is admitted by namespace `staging` but flagged by its audit and warn labels: violates PodSecurity \"restricted:latest\": \
         unrestricted capabilities (container \"shell\" must set securityContext.capabilities.drop=[\"ALL\"]), \
         seccompProfile (pod or container \"shell\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
    );
    // a rejected pod is not also warned about
    assert!(run(rule, fixture("pss_admission_warning", "pass_rejected.yaml")).is_empty());
}

#[test]
fn example_app_namespaces() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed-examples");
    let files: Vec<SourceFile> = ["k8s-namespaces.yaml", "k8s-security-context.yaml"]
        .iter()
        .map(|n| SourceFile::new(*n, std::fs::read_to_string(dir.join(n)).unwrap()))
        .collect();
    // Both namespaces enforce a level: nothing to say about their labels.
    assert!(run("namespace-pss-enforce-missing", files.clone()).is_empty());
    // `api-service` runs in `production` (enforce: restricted) without a seccomp profile: its pods
    // would be rejected. The Pod `app` lives in `default`, which the input does not describe.
    let f = run("pss-admission-rejected", files);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].file.as_deref(), Some("k8s-security-context.yaml"));
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(f[0]
        .message
        .contains("seccompProfile (pod or container \"api\" must set securityContext.seccompProfile.type"));
}
