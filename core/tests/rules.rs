//! The one fixture runner of every rule family. Each `src/rules/<family>/<rule>/{fail,pass}*.*`
//! file (YAML or JSON manifests, Dockerfiles, image metadata, Trivy reports: the front door
//! classifies a fixture as it classifies a user's file) runs once, with only the rule declared
//! beside its directory (`<family>/<rule>.rs`) selected: `fail*` must give at least one finding of
//! that rule, each with a line, and its text report is the snapshot; `pass*` must give nothing at
//! all, asserted directly (no snapshot). The shared hardened manifest `src/rules/hardened.yaml`
//! runs once against every rule. No rendering of a fixture shows a secret planted in it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

#[path = "support/fixtures.rs"]
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use kubeharden::report::text::render;
use kubeharden::rules::Excerpt;
use kubeharden::RULES;
use support::{check_one, rule_of_dir, rules_dir};

/// Planted secret values of the fixtures (compared in lowercase): `S3CR3T`, `fixture-...` and the
/// base64 of `fixture-`.
const SECRET_MARKERS: [&str; 3] = ["s3cr3t", "fixture-", "zml4dhvyzs"];

/// Families whose rules read Kubernetes manifests: `hardened.yaml` is their shared `pass`
/// fixture. Rules of the other families (Dockerfiles, image metadata, Trivy reports, manifests
/// paired with image metadata) keep `pass*` fixtures of their own input.
const MANIFEST_FAMILIES: [&str; 5] = ["workload", "secret", "network", "namespace", "rbac"];

fn planted_secret(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    SECRET_MARKERS.into_iter().find(|m| lower.contains(m))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(rules_dir()).unwrap().to_string_lossy().replace('\\', "/")
}

#[test]
fn fixtures() {
    insta::glob!("../src/rules", "*/*/*", |path| {
        let rel = relative(path);
        let meta = rule_of_dir(path.parent().unwrap())
            .unwrap_or_else(|| panic!("{rel}: no rule is declared in the `.rs` file beside its directory"));
        let file = path.file_name().unwrap().to_str().unwrap();
        let fail = match file {
            f if f.starts_with("fail") => true,
            f if f.starts_with("pass") => false,
            _ => panic!("{rel}: a fixture's name starts with `fail` or `pass`"),
        };
        let text = fs::read_to_string(path).unwrap();
        let (files, report) = check_one(&rel, &text, &[meta.name]);
        assert!(report.errors.is_empty(), "{rel}: input errors {:?}", report.errors);
        let rendered = render(&report, &files, false);
        for out in [&rendered, &report.to_json()] {
            if let Some(m) = planted_secret(out) {
                panic!("{rel}: a secret value (`{m}`) is shown:\n{out}");
            }
        }
        if !fail {
            assert!(report.findings.is_empty(), "{rel}: expected no finding, got {:#?}", report.findings);
            return;
        }
        assert!(
            report.findings.iter().any(|f| f.name == meta.name),
            "{rel}: expected at least one `{}` finding, got none",
            meta.name
        );
        for f in &report.findings {
            assert!(f.line.is_some(), "{rel}: a finding without a line: {f:#?}");
        }
        if planted_secret(&text).is_some() {
            assert_ne!(meta.redact, Excerpt::Full, "{rel}: `{}` fires on a secret but declares no `redact`", meta.name);
        }
        insta::assert_snapshot!(rendered);
    });
}

/// The fix fixtures: every `fail*` fixture of a rule that offers fixes, fixed with only that rule
/// selected (unsafe fixes too). The diff of the fix is the snapshot (secret lines redacted, as
/// `kubeharden fix --diff` shows them); the fixed text reads as the original plus the fixed fields
/// (no file reverted), the check of it reports no finding of the rule that was not there before
/// and none of those fixed, and fixing it again changes nothing.
#[test]
fn fix_fixtures() {
    use kubeharden::api::FixAvailability;
    insta::glob!("../src/rules", "*/*/fail*", |path| {
        let rel = relative(path);
        let meta = rule_of_dir(path.parent().unwrap()).unwrap();
        if meta.fix == FixAvailability::Never {
            return;
        }
        let text = fs::read_to_string(path).unwrap();
        let (fixed, outcome) = fix_one(&rel, &text, meta.name);
        assert!(outcome.before.errors.is_empty(), "{rel}: {:?}", outcome.before.errors);
        let file = &outcome.files[0];
        assert!(file.reverted.is_none(), "{rel}: the fix was reverted: {:?}", file.reverted);
        let key = |f: &kubeharden::Finding| (f.fingerprint.clone(), f.path.clone(), f.message.clone());
        let before: BTreeSet<_> = outcome.before.findings.iter().map(key).collect();
        let after: BTreeSet<_> = outcome.report.findings.iter().map(key).collect();
        assert!(after.is_subset(&before), "{rel}: the fix added findings: {:#?}", after.difference(&before));
        for f in &outcome.applied {
            assert_eq!(f.name, meta.name, "{rel}: a fix of another rule was applied");
            assert!(!after.contains(&key(f)), "{rel}: still reported after its fix: {f:#?}");
        }
        if meta.fix == FixAvailability::Always {
            for f in outcome.before.findings.iter().filter(|f| f.template.is_none()) {
                assert!(
                    f.fix.is_some(),
                    "{rel}: `{}` declares `fix: always` but this finding has none: {f:#?}",
                    meta.name
                );
            }
        }
        let (again, second) = fix_one(&rel, &fixed, meta.name);
        assert_eq!(again, fixed, "{rel}: a second fix changed the text");
        assert!(second.applied.is_empty(), "{rel}: a second fix applied {:#?}", second.applied);
        let shown = if fixed == text {
            format!(
                "no change: {}\n",
                outcome.before.findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
            )
        } else {
            let secret = kubeharden::fix::diff::secret_lines(&text, &outcome.before.findings);
            kubeharden::fix::diff::unified(&rel, &text, &fixed, &secret, &outcome.before.redactions)
        };
        if let Some(m) = planted_secret(&shown) {
            panic!("{rel}: a secret value (`{m}`) is shown:\n{shown}");
        }
        insta::assert_snapshot!(shown);
    });
}

/// Fixes one fixture with only `rule` selected, unsafe fixes included.
fn fix_one(name: &str, text: &str, rule: &str) -> (String, kubeharden::fix::FixOutcome) {
    let req = kubeharden::CheckRequest {
        files: vec![kubeharden::SourceFile::new(name, text)],
        config: kubeharden::Config { select: Some(vec![rule.to_owned()]), ..kubeharden::Config::default() },
        now: Some(support::NOW.to_owned()),
        ..kubeharden::CheckRequest::default()
    };
    let outcome = kubeharden::fix::fix_files(&req, true).unwrap();
    (outcome.files[0].fixed.clone(), outcome)
}

#[test]
fn the_hardened_manifest_passes_every_rule() {
    let text = fs::read_to_string(rules_dir().join("hardened.yaml")).unwrap();
    let every: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
    let (_, report) = check_one("hardened.yaml", &text, &every);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.findings.is_empty(), "the hardened manifest is not hardened: {:#?}", report.findings);
    let objects = text.lines().filter(|l| l.starts_with("kind: ")).count();
    assert_eq!(report.summary.objects, objects, "every object of hardened.yaml is read");
}

#[test]
fn every_rule_has_fail_and_pass_fixtures_and_every_fixture_a_rule() {
    let hardened = fs::read_to_string(rules_dir().join("hardened.yaml")).unwrap();
    let mut fail = BTreeSet::new();
    let mut pass = BTreeSet::new();
    for family in fs::read_dir(rules_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        for dir in fs::read_dir(&family).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
            let meta =
                rule_of_dir(&dir).unwrap_or_else(|| panic!("{}: a fixture directory of no rule", relative(&dir)));
            for f in fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
                let name = f.file_name().unwrap().to_str().unwrap().to_owned();
                if name.starts_with("fail") {
                    fail.insert(meta.name);
                } else if name.starts_with("pass") {
                    assert_ne!(
                        fs::read_to_string(&f).unwrap(),
                        hardened,
                        "{} is a copy of rules/hardened.yaml, which every rule runs against: delete it",
                        relative(&f)
                    );
                    pass.insert(meta.name);
                } else {
                    panic!("{}: a fixture's name starts with `fail` or `pass`", relative(&f));
                }
            }
        }
    }
    let mut missing = Vec::new();
    for r in RULES {
        let m = r.meta();
        if !fail.contains(m.name) {
            missing.push(format!("{} {}: no fail* fixture", m.id, m.name));
        }
        let family = m.source.split("src/rules/").nth(1).and_then(|p| p.split('/').next()).unwrap_or_default();
        if !MANIFEST_FAMILIES.contains(&family) && !pass.contains(m.name) {
            missing.push(format!("{} {}: no pass* fixture of its own input", m.id, m.name));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
