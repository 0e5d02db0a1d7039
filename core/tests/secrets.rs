//! The secret rules end to end: values never printed, name options, the default-off rule.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use kubeharden::config::Options;
use kubeharden::report::text::render;
use kubeharden::{check, CheckRequest, Config, Report, SourceFile};

fn pod(env: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0.0\n      env:\n",
    );
    for (n, v) in env {
        s.push_str(&format!("        - name: {n}\n          value: {v:?}\n"));
    }
    s
}

fn run(text: &str, config: Config) -> Report {
    let report =
        check(&CheckRequest { files: vec![SourceFile::new("p.yaml", text)], config, ..CheckRequest::default() })
            .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn names(r: &Report, rule: &str) -> Vec<String> {
    r.findings.iter().filter(|f| f.name == rule).map(|f| f.message.clone()).collect()
}

#[test]
fn secret_values_are_never_printed() {
    let secrets = [
        ("DB_PASSWORD", "hunter2-prod"),
        ("AWS_KEY", "AKIAIOSFODNN7EXAMPLE"),
        ("GH", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
        ("DATABASE_URL", "postgres://app:s3cr3t@db:5432/app"),
    ];
    let text = pod(&secrets);
    let r = run(&text, Config::default());
    assert_eq!(names(&r, "literal-secret-in-env").len(), secrets.len());
    let json = serde_json::to_string(&r).unwrap();
    let rendered = render(&r, &[SourceFile::new("p.yaml", text.clone())], false);
    for (_, v) in secrets {
        assert!(!json.contains(v), "the JSON report leaks `{v}`");
        assert!(!rendered.contains(v), "the text report leaks `{v}`:\n{rendered}");
    }
}

#[test]
fn name_options_add_and_remove_fragments() {
    let text = pod(&[("CARD_PIN", "1234"), ("GITHUB_TOKEN", "not-a-real-token")]);
    let default = run(&text, Config::default());
    let msgs = names(&default, "literal-secret-in-env");
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("`GITHUB_TOKEN`"));

    let options = Options {
        secret_name_patterns: vec!["pin".into()],
        secret_name_exclusions: vec!["TOKEN".into()],
        ..Options::default()
    };
    let tuned = run(&text, Config { options, ..Config::default() });
    let msgs = names(&tuned, "literal-secret-in-env");
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("`CARD_PIN`") && msgs[0].contains("(`PIN`)"), "{msgs:?}");
}

#[test]
fn secret_in_env_var_is_off_by_default_and_on_when_enabled_or_selected() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0.0\n      envFrom:\n        - secretRef:\n            name: db\n";
    assert!(names(&run(text, Config::default()), "secret-in-env-var").is_empty());
    let enabled = Config { enable: vec!["secret-in-env-var".into()], ..Config::default() };
    assert_eq!(names(&run(text, enabled), "secret-in-env-var").len(), 1);
    let selected = Config { select: Some(vec!["SEC002".into()]), ..Config::default() };
    assert_eq!(names(&run(text, selected), "secret-in-env-var").len(), 1);
}

#[test]
fn vault_annotation_on_the_deployment_instead_of_the_pod_template_is_not_injection() {
    // The Vault webhook reads the pod's annotations; on the Deployment's own metadata nothing is
    // injected, so the value is a literal.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    vault.hashicorp.com/agent-inject: \"true\"\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.0.0\n          env:\n            - name: DB_PASSWORD\n              value: /vault/secrets/db\n";
    assert_eq!(names(&run(text, Config::default()), "literal-secret-in-env").len(), 1);
    let fixed = text.replace(
        "      labels: {app: api}\n",
        "      labels: {app: api}\n      annotations:\n        vault.hashicorp.com/agent-inject: \"true\"\n",
    );
    assert!(names(&run(&fixed, Config::default()), "literal-secret-in-env").is_empty());
}

#[test]
fn a_numeric_secret_is_reported_without_its_value() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0.0\n      env:\n        - name: ADMIN_PASSWORD\n          value: 73914628\n";
    let r = run(text, Config::default());
    assert_eq!(names(&r, "literal-secret-in-env").len(), 1);
    let wrong = names(&r, "invalid-field-type");
    assert_eq!(wrong.len(), 1);
    assert!(wrong[0].contains("a number (value redacted)"), "{wrong:?}");
    assert!(!serde_json::to_string(&r).unwrap().contains("73914628"));
    // nor in the text report's source excerpt of the wrong-type finding
    let rendered = render(&r, &[SourceFile::new("p.yaml", text)], false);
    assert!(!rendered.contains("73914628"), "{rendered}");
    assert!(rendered.contains("          value: <redacted>"), "{rendered}");
}

/// Every rule whose findings may point at a secret value declares what renderers may quote of
/// the line (`redact` in `declare_rule!`): the secret family (`SEC`), every rule named after
/// secrets or credentials, and `invalid-field-type` (an environment value of the wrong type).
#[test]
fn every_rule_touching_secrets_declares_redaction() {
    use kubeharden::rules::Excerpt;
    let mut touching = Vec::new();
    for r in kubeharden::RULES {
        let m = r.meta();
        if m.id.0.starts_with("SEC")
            || ["secret", "credential"].iter().any(|w| m.name.contains(w))
            || m.name == "invalid-field-type"
        {
            touching.push(m.name);
            assert_ne!(m.redact, Excerpt::Full, "{} may point at a secret but declares no `redact`", m.name);
        }
    }
    assert!(touching.len() >= 6, "{touching:?}");
    // a Dockerfile line holds the secret and no key to keep: no excerpt at all
    let m = kubeharden::rules::registry::find("dockerfile-secret-in-env").unwrap().meta();
    assert_eq!(m.redact, Excerpt::Omit);
}

/// A finding of a rule this version does not know (a report read back from a newer version's
/// JSON) is rendered without its source line: nothing says the line holds no secret.
#[test]
fn findings_of_unknown_rules_are_rendered_without_excerpt() {
    let text = pod(&[("DB_HOST", "db.example.com")]).replace("image: registry.example.com/app:1.0.0", "image: nginx");
    let mut r = run(&text, Config { select: Some(vec!["image-tag-mutable".into()]), ..Config::default() });
    let files = [SourceFile::new("p.yaml", text)];
    assert!(render(&r, &files, false).contains("image: nginx"));
    for f in &mut r.findings {
        f.rule = "ZZZ999".into();
        f.name = "from-the-future".into();
    }
    let rendered = render(&r, &files, false);
    assert!(rendered.contains("from-the-future") && !rendered.contains("image: nginx"), "{rendered}");
}

#[test]
fn configmap_credentials_options() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  SIGNING_SALT: fixture-value\n  SESSION_TOKEN: fixture-value\n";
    let run = |options: &str| {
        let config = Config::from_yaml(&format!("select: [configmap-credentials]\noptions:\n{options}"), None).unwrap();
        let report =
            check(&CheckRequest { files: vec![SourceFile::new("cm.yaml", cm)], config, ..Default::default() }).unwrap();
        report.findings.iter().map(|f| f.message.split('`').nth(3).unwrap_or("").to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(run("  secret-name-patterns: []\n"), ["SESSION_TOKEN"]);
    assert_eq!(run("  secret-name-patterns: [salt]\n"), ["SIGNING_SALT", "SESSION_TOKEN"]);
    assert_eq!(run("  secret-name-exclusions: [token]\n"), Vec::<String>::new());
}
