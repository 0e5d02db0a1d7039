//! What the sink decides for every rule: the severity of a finding is the configured override of
//! the rule, else what the rule raised for this finding (`Diagnostic::severity`), else the rule's
//! default.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code: a failure is a panic")]

use kubeharden::{check, CheckRequest, Config, Severity, SourceFile};

const POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      securityContext:
        capabilities:
          add: [SYS_ADMIN, NET_RAW]
";

fn severities(config: &str) -> Vec<(String, Severity)> {
    let config = Config::from_yaml(&format!("select: [dangerous-capabilities]\n{config}"), None).unwrap();
    let report =
        check(&CheckRequest { files: vec![SourceFile::new("pod.yaml", POD)], config, ..Default::default() }).unwrap();
    report.findings.into_iter().map(|f| (f.path.unwrap_or_default(), f.severity)).collect()
}

#[test]
fn the_override_beats_the_raised_severity_which_beats_the_default() {
    let add = "spec.containers[0].securityContext.capabilities.add";
    // SYS_ADMIN is raised to critical by the rule; NET_RAW keeps the rule's default (high)
    assert_eq!(severities(""), [(format!("{add}[0]"), Severity::Critical), (format!("{add}[1]"), Severity::High)]);
    // an override in the configuration applies to every finding of the rule, raised or not
    assert_eq!(
        severities("severity: {dangerous-capabilities: low}\n"),
        [(format!("{add}[0]"), Severity::Low), (format!("{add}[1]"), Severity::Low)]
    );
}
