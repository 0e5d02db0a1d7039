//! The RBAC rules beyond their fixtures (core/tests/rules.rs): one finding per problem when a
//! wildcard grants what the specific rules flag, and the specific rules when it does not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use kubeharden::{check, CheckRequest, Config, Report, SourceFile};

const RULES: [&str; 5] = [
    "rbac-cluster-admin-binding",
    "rbac-wildcard-permission",
    "rbac-secrets-read",
    "rbac-pod-exec",
    "rbac-privilege-escalation-verbs",
];

fn run(text: &str, select: &[&str]) -> Report {
    let config = Config { select: Some(select.iter().map(|s| (*s).to_owned()).collect()), ..Config::default() };
    let files = vec![SourceFile::new("rbac.yaml", text)];
    let report = check(&CheckRequest { files, config, ..CheckRequest::default() }).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn names(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.name.as_str()).collect()
}

const EVERYTHING: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
  - apiGroups: [\"*\"]
    resources: [\"*\"]
    verbs: [\"*\"]
";

#[test]
fn a_wildcard_is_one_finding_that_says_what_it_grants() {
    let r = run(EVERYTHING, &RULES);
    assert_eq!(names(&r), ["rbac-wildcard-permission"]);
    assert!(r.findings[0].message.ends_with("so it reads secrets, execs into pods, can escalate its own privileges"));
    // Without the wildcard rule, each specific rule reports its part.
    let r = run(EVERYTHING, &RULES[2..]);
    assert_eq!(names(&r), ["rbac-secrets-read", "rbac-pod-exec", "rbac-privilege-escalation-verbs"]);
}

#[test]
fn a_wildcard_that_grants_none_of_it_leaves_the_others_alone() {
    let text = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: mixed, namespace: shop}
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [\"*\"]
  - apiGroups: [\"\"]
    resources: [secrets]
    verbs: [list]
";
    let r = run(text, &RULES);
    assert_eq!(names(&r), ["rbac-wildcard-permission", "rbac-secrets-read"]);
    let secrets = &r.findings[1];
    assert!(secrets.message.contains("the value of every secret in namespace `shop`"), "{}", secrets.message);
    assert_eq!(secrets.path.as_deref(), Some("rules[1].resources"));
}

#[test]
fn roles_of_other_api_groups_are_not_rbac() {
    let text = EVERYTHING.replace("rbac.authorization.k8s.io/v1", "example.com/v1");
    assert!(run(&text, &RULES).findings.is_empty());
}
