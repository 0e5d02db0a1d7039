//! Per-rule fixtures: every `src/rules/<family>/<rule_stem>/{fail,pass}*.yaml`. The rule is the
//! directory name with `_` read as `-`; `fail*` must give at least one finding of that rule,
//! `pass*` none at all (explicit asserts, so a blessed empty snapshot cannot hide a miss). The
//! snapshot is the rendered text report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use kubeharden::report::text::render;
use kubeharden::rules::registry;
use kubeharden::{check, CheckRequest, Config, SourceFile, RULES};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules")
}

/// The rule a fixture belongs to: its directory's name, `_` → `-`.
/// Families whose fixtures are not all YAML (Dockerfiles, image metadata, Trivy reports): their
/// glob test is core/tests/image_rules.rs.
const OTHER_FIXTURE_FAMILIES: [&str; 3] = ["dockerfile", "image", "scan"];

fn is_other_family(rel: &str) -> bool {
    OTHER_FIXTURE_FAMILIES.iter().any(|f| rel.starts_with(&format!("{f}/")))
}

fn rule_of(path: &Path) -> String {
    let dir = path.parent().and_then(Path::file_name).and_then(|s| s.to_str()).unwrap();
    dir.replace('_', "-")
}

#[test]
fn fixtures() {
    let root = rules_dir();
    insta::glob!("../src/rules", "**/*.yaml", |path| {
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        if is_other_family(&rel) {
            return;
        }
        let name = rule_of(path);
        let rule = registry::find(&name).unwrap_or_else(|| panic!("{}: no rule named `{name}`", path.display()));
        assert_eq!(rule.meta().name, name);
        let file = path.file_name().unwrap().to_str().unwrap();
        let content = fs::read_to_string(path).unwrap();
        let req = CheckRequest {
            files: vec![SourceFile::new(rel.clone(), content)],
            config: Config { select: Some(vec![name.clone()]), ..Config::default() },
            now: None,
            ..CheckRequest::default()
        };
        let report = check(&req).unwrap();
        assert!(report.errors.is_empty(), "{rel}: input errors {:?}", report.errors);
        let own = report.findings.iter().filter(|f| f.name == name).count();
        if file.starts_with("fail") {
            assert!(own >= 1, "{rel}: expected at least one `{name}` finding, got none");
        } else if file.starts_with("pass") {
            assert!(report.findings.is_empty(), "{rel}: expected no finding, got {:#?}", report.findings);
        } else {
            panic!("{rel}: a fixture's name must start with `fail` or `pass`");
        }
        insta::assert_snapshot!(render(&report, &req.files, false));
    });
}

#[test]
fn every_rule_has_fail_and_pass_fixtures() {
    let mut fixtures: BTreeSet<(String, bool)> = BTreeSet::new();
    let mut stack = vec![rules_dir()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                let file = p.file_name().unwrap().to_str().unwrap().to_owned();
                if file.starts_with("fail") || file.starts_with("pass") {
                    fixtures.insert((rule_of(&p), file.starts_with("fail")));
                }
            }
        }
    }
    let hardened = fs::read_to_string(rules_dir().join("workload/privileged_container/pass.yaml")).unwrap();
    let mut missing = Vec::new();
    for r in RULES {
        let m = r.meta();
        if ["DKR", "IMG", "SCN"].iter().any(|p| m.id.0.starts_with(p)) {
            continue; // image_rules.rs checks these families' fixtures
        }
        for (fail, what) in [(true, "fail"), (false, "pass")] {
            if !fixtures.contains(&(m.name.to_owned(), fail)) {
                missing.push(format!("{} {}: no {what}*.yaml fixture", m.id, m.name));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    // Every workload and secret rule's pass set holds the shared fully hardened manifest.
    for r in RULES {
        let stem = r.meta().name.replace('-', "_");
        let found = ["workload", "secret"]
            .iter()
            .map(|f| rules_dir().join(f).join(&stem).join("pass.yaml"))
            .find(|p| p.exists());
        if let Some(p) = found {
            assert_eq!(
                fs::read_to_string(&p).unwrap(),
                hardened,
                "{} is not the shared hardened manifest",
                p.display()
            );
        }
    }
}
