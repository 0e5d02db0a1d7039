//! Conformance with Kubernetes' own Pod Security Admission fixtures, vendored in
//! `tests/data/pss/fixtures.tar.gz` (`<level>/<version>/{pass,fail}/*.yaml`; upstream commit and
//! licence in the README beside it): every `pass` pod must be allowed and every `fail` pod denied
//! at that level and version. With `../shared` present, `needs_shared` also checks that the
//! archive holds exactly the files of `../shared/conformance/pss`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

#[path = "support/pss_fixtures.rs"]
mod pss_fixtures;
#[path = "support/shared.rs"]
mod shared;

use std::collections::BTreeSet;
use std::time::Instant;

use kubeharden::model::K8sObject;
use kubeharden::pss::{evaluate_pod, PssLevel, PssVersion};
use kubeharden::source::parse_documents;
use kubeharden::SourceFile;
use pss_fixtures::Fixture;

/// The number of fixture files of the snapshot (README of the fixture directory).
const EXPECTED: usize = 4537;

fn fixtures() -> Vec<Fixture> {
    pss_fixtures::load().unwrap_or_else(|e| panic!("PSS fixtures: {e}"))
}

#[test]
fn pss_fixtures_agree_with_pod_security_admission() {
    let fixtures = fixtures();
    let dirs: BTreeSet<(&str, &str, bool)> =
        fixtures.iter().map(|f| (f.level.as_str(), f.version.as_str(), f.allowed)).collect();
    for level in ["baseline", "restricted"] {
        let versions: BTreeSet<&str> = dirs.iter().filter(|(l, _, _)| *l == level).map(|(_, v, _)| *v).collect();
        assert!(versions.len() >= 38, "{level}: expected v1.0 … v1.37, found {} versions", versions.len());
        for v in versions {
            for allowed in [true, false] {
                let kind = if allowed { "pass" } else { "fail" };
                assert!(dirs.contains(&(level, v, allowed)), "{level}/{v}/{kind}/ holds no fixture");
            }
        }
    }
    let limits = kubeharden::syntax::Limits::default();
    let start = Instant::now();
    let (mut total, mut agree) = (0usize, 0usize);
    let mut disagreements = Vec::new();
    for fixture in &fixtures {
        let lvl: PssLevel = fixture.level.parse().unwrap();
        let version: PssVersion = fixture.version.parse().unwrap();
        let expect_allowed = fixture.allowed;
        let (docs, errors) = parse_documents(&SourceFile::new(fixture.path.clone(), fixture.text.clone()), &limits);
        assert!(errors.is_empty(), "{}: {errors:?}", fixture.path);
        let doc = docs.first().unwrap();
        let objects = K8sObject::extract(doc).objects;
        let pod = objects.first().and_then(K8sObject::pod_spec).unwrap();
        let violations = evaluate_pod(&pod, lvl, version);
        total += 1;
        let named = fixture.stem().trim_end_matches(|c: char| c.is_ascii_digit());
        // A fail fixture is named after the check it exercises: that check (or the restricted
        // check replacing it) must be among the violations.
        let right_check = expect_allowed
            || named.starts_with("base")
            || violations.iter().any(|v| {
                let id = v.check.to_ascii_lowercase();
                id == named
                    || kubeharden::pss::table::CHECKS
                        .iter()
                        .any(|c| c.id == v.check && c.overrides.iter().any(|o| o.to_ascii_lowercase() == named))
            });
        if violations.is_empty() == expect_allowed && right_check {
            agree += 1;
        } else {
            let got: Vec<String> = violations.iter().map(|v| format!("{}: {}", v.check, v.message())).collect();
            disagreements.push(format!(
                "{}: expected {}, got {got:?}",
                fixture.path,
                if expect_allowed { "allowed" } else { "denied" }
            ));
        }
    }
    let elapsed = start.elapsed();
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!(
        "PSS conformance: {agree}/{total} fixtures agree with Pod Security Admission ({profile} build, {:.1} ms)",
        elapsed.as_secs_f64() * 1000.0
    );
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
    assert_eq!(total, EXPECTED, "the fixture snapshot should hold {EXPECTED} pods");
}

#[test]
fn latest_is_the_newest_fixture_version() {
    let newest = fixtures()
        .iter()
        .filter(|f| f.level == "restricted")
        .filter_map(|f| f.version.strip_prefix("v1.")?.parse::<u32>().ok())
        .max()
        .unwrap();
    assert_eq!(PssVersion::Latest.minor(), newest);
}

mod needs_shared {
    use super::{fixtures, shared};

    /// The vendored archive is `../shared/conformance/pss` (the copy the project reads at
    /// development time): the same files, byte for byte.
    #[test]
    #[ignore = "reads ../shared (KUBEHARDEN_SHARED): scripts/test runs it when present"]
    fn vendored_fixtures_are_shared_conformance_pss() {
        let root = shared::require("conformance/pss");
        let mut on_disk = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    on_disk.push(p.strip_prefix(&root).unwrap().display().to_string());
                }
            }
        }
        on_disk.sort();
        let vendored = fixtures();
        let names: Vec<&str> = vendored.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, on_disk, "the archive and {} hold different files", root.display());
        for f in &vendored {
            let text = std::fs::read_to_string(root.join(&f.path)).unwrap();
            assert!(text == f.text, "{} differs from {}", f.path, root.display());
        }
        println!("{} fixtures, identical to {}", vendored.len(), root.display());
    }
}
