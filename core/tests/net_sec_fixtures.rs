//! Fixtures of the network and secret rules: `<family>/<rule_file>/fail*.{yaml,json}` must fire
//! the rule named by the directory, `pass*` must not. Secret values of the fixtures (marked
//! `S3CR3T`, plain or base64) must appear in no rendering of the report.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::path::{Path, PathBuf};

use kubeharden::rules::registry;
use kubeharden::{check, CheckRequest, Config, SourceFile};

fn fixtures(family: &str) -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules").join(family);
    let mut out = Vec::new();
    for rule_dir in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let stem = rule_dir.file_name().unwrap().to_str().unwrap().to_owned();
        for f in std::fs::read_dir(&rule_dir).unwrap().map(|e| e.unwrap().path()) {
            if matches!(f.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
                out.push((stem.replace('_', "-"), f));
            }
        }
    }
    out.sort();
    out
}

fn run(family: &str) {
    let all = fixtures(family);
    assert!(!all.is_empty(), "no fixtures under {family}");
    let mut checked = 0;
    for (rule, path) in all {
        // other helpers' rules may share the family directory; fixtures of unknown rules are theirs
        let Some(r) = registry::find(&rule) else { continue };
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        checked += 1;
        let req = CheckRequest {
            files: vec![SourceFile::new(name.as_str(), text.as_str())],
            config: Config { select: Some(vec![rule.clone()]), ..Config::default() },
            ..Default::default()
        };
        let report = check(&req).unwrap();
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        let hits: Vec<_> = report.findings.iter().filter(|f| f.name == r.meta().name).collect();
        if name.starts_with("fail") {
            assert!(!hits.is_empty(), "{rule}/{name}: expected a finding");
        } else if name.starts_with("pass") {
            assert!(hits.is_empty(), "{rule}/{name}: unexpected {:#?}", hits);
        }
        // never show a secret: not in messages, JSON, or the text report's source excerpts
        let rendered =
            format!("{}\n{}", report.to_json(), kubeharden::report::text::render(&report, &req.files, false));
        for marker in ["S3CR3T", "Zml4dHVyZS", "fixture-"] {
            assert!(!rendered.contains(marker), "{rule}/{name}: a secret value is shown:\n{rendered}");
        }
    }
    assert!(checked >= 8, "only {checked} fixtures of known rules under {family}");
}

#[test]
fn network_fixtures() {
    run("network");
}

#[test]
fn secret_fixtures() {
    run("secret");
}

#[test]
fn docs_examples_fire_and_fixes_do_not() {
    for id in ["NET001", "NET002", "NET003", "NET004", "NET005", "SEC003", "SEC004"] {
        let meta = registry::find(id).unwrap().meta();
        for (section, fires) in [("Example", true), ("Fix", false)] {
            let yaml = meta.docs_block(section).unwrap_or_else(|| panic!("{id}: no {section} block"));
            let req = CheckRequest {
                files: vec![SourceFile::new("docs.yaml", yaml.as_str())],
                config: Config { select: Some(vec![id.to_owned()]), ..Config::default() },
                ..Default::default()
            };
            let report = check(&req).unwrap();
            assert!(report.errors.is_empty(), "{id} {section}: {:?}", report.errors);
            assert_eq!(!report.findings.is_empty(), fires, "{id} {section}: {:#?}", report.findings);
        }
    }
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
