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

/// One finding per problem (`Diagnostic::implies`): the finding that says more is kept, at the
/// higher severity of the two; the implied rule speaks again when the other does not run or is
/// suppressed.
mod implied {
    use super::*;

    const BARE: &str = "apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: app
      image: nginx:latest
    - name: sized
      image: registry.example.com/app:1.0.0
      resources:
        limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
";

    fn findings(text: &str, config: &str) -> Vec<(String, String, Severity)> {
        let config = Config::from_yaml(config, None).unwrap();
        let report =
            check(&CheckRequest { files: vec![SourceFile::new("pod.yaml", text)], config, ..Default::default() })
                .unwrap();
        report.findings.into_iter().map(|f| (f.name, f.container.unwrap_or_default(), f.severity)).collect()
    }

    fn of(all: &[(String, String, Severity)], container: &str) -> Vec<(String, Severity)> {
        let mut v: Vec<_> = all.iter().filter(|(_, c, _)| c == container).map(|(n, _, s)| (n.clone(), *s)).collect();
        v.sort();
        v
    }

    const RESOURCES: &str = "select: [image-tag-mutable, image-digest-missing, cpu-request-missing, cpu-limit-missing,
  memory-request-missing, memory-limit-missing, ephemeral-storage-request-missing, ephemeral-storage-limit-missing]\n";

    #[test]
    fn the_implying_finding_is_kept_at_the_higher_severity() {
        let all = findings(BARE, RESOURCES);
        assert_eq!(
            of(&all, "app"),
            [
                ("cpu-request-missing".to_owned(), Severity::Medium),
                // low by default, medium as the limit finding it stands for
                ("ephemeral-storage-request-missing".to_owned(), Severity::Medium),
                ("image-tag-mutable".to_owned(), Severity::Medium),
                ("memory-request-missing".to_owned(), Severity::Medium),
            ]
        );
        // limits only: Kubernetes copies them into the requests, nothing is missing; the pinned
        // tag without a digest is the digest rule's (informational) finding
        assert_eq!(of(&all, "sized"), [("image-digest-missing".to_owned(), Severity::Info)]);
    }

    #[test]
    fn the_implied_rule_alone_still_reports() {
        let all = findings(BARE, "select: [image-digest-missing, cpu-limit-missing]\n");
        assert_eq!(
            of(&all, "app"),
            [("cpu-limit-missing".to_owned(), Severity::Low), ("image-digest-missing".to_owned(), Severity::Info)]
        );
        let all = findings(BARE, &format!("{RESOURCES}ignore: [cpu-request-missing, image-tag-mutable]\n"));
        assert!(of(&all, "app").contains(&("cpu-limit-missing".to_owned(), Severity::Low)));
        assert!(of(&all, "app").contains(&("image-digest-missing".to_owned(), Severity::Info)));
    }

    #[test]
    fn a_suppressed_implying_finding_leaves_the_implied_one() {
        let text = BARE.replace(
            "metadata: {name: p, namespace: shop}",
            "metadata:\n  name: p\n  namespace: shop\n  annotations: {kubeharden.io/ignore.image-tag-mutable.app: \"a dev image\"}",
        );
        let all = findings(&text, "select: [image-tag-mutable, image-digest-missing]\n");
        assert_eq!(of(&all, "app"), [("image-digest-missing".to_owned(), Severity::Info)]);
    }
}

mod order {
    use kubeharden::engine::sort_findings;
    use kubeharden::{Finding, Severity};
    use proptest::prelude::*;

    fn finding(file: u8, line: u8, rule: u8, message: u8, tag: usize) -> Finding {
        Finding {
            rule: format!("R{rule}"),
            name: String::new(),
            severity: Severity::Low,
            message: format!("m{message}"),
            file: (file > 0).then(|| format!("f{file}")),
            document: Some(0),
            line: Some(u32::from(line)),
            column: Some(1),
            end_line: None,
            end_column: None,
            object: None,
            container: None,
            path: None,
            fingerprint: tag.to_string(),
            template: None,
            help: None,
            url: None,
            fix: None,
        }
    }

    proptest! {
        /// The findings are sorted in place through a permutation of indices: the same order
        /// as a stable sort of the findings by (file, document, line, column, rule, container,
        /// message), equal ones in the order they came (the fingerprint tags them here).
        #[test]
        fn sorted_as_a_stable_sort(keys in prop::collection::vec((0u8..3, 0u8..4, 0u8..3, 0u8..2), 0..60)) {
            let mut got: Vec<Finding> =
                keys.iter().enumerate().map(|(i, &(f, l, r, m))| finding(f, l, r, m, i)).collect();
            let mut expected = got.clone();
            expected.sort_by(|a, b| {
                (&a.file, a.document, a.line, a.column, &a.rule, &a.container, &a.message)
                    .cmp(&(&b.file, b.document, b.line, b.column, &b.rule, &b.container, &b.message))
            });
            sort_findings(&mut got);
            prop_assert_eq!(got, expected);
        }
    }
}
