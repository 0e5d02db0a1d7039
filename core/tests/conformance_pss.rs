//! Conformance with Kubernetes' own Pod Security Admission fixtures
//! (`shared/conformance/pss/<level>/<version>/{pass,fail}/*.yaml`, see its README): every `pass`
//! pod must be allowed and every `fail` pod denied at that level and version. A missing fixture
//! directory fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use std::path::{Path, PathBuf};
use std::time::Instant;

use kubeharden::model::K8sObject;
use kubeharden::pss::{evaluate_pod, PssLevel, PssVersion};
use kubeharden::source::parse_documents;
use kubeharden::SourceFile;

/// `shared/conformance/pss` beside the repository: `../shared` of the workspace root
/// (`concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/pss")`), or of any ancestor
/// (a git worktree nested one level deeper); `KUBEHARDEN_PSS_FIXTURES` overrides. Never skipped:
/// when none exists the tests fail.
fn fixtures() -> PathBuf {
    if let Some(p) = std::env::var_os("KUBEHARDEN_PSS_FIXTURES") {
        return PathBuf::from(p);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let primary = manifest.join("../../shared/conformance/pss");
    manifest.ancestors().map(|a| a.join("shared/conformance/pss")).find(|p| p.is_dir()).unwrap_or(primary)
}
/// The number of fixture files of the snapshot (README of the fixture directory).
const EXPECTED: usize = 4537;

fn sorted_dir(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .unwrap_or_else(|e| panic!("fixture directory {} is missing: {e}", p.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn pss_fixtures_agree_with_pod_security_admission() {
    let root = fixtures();
    let root = root.as_path();
    assert!(root.is_dir(), "PSS fixture directory {} is missing", root.display());
    let limits = kubeharden::syntax::Limits::default();
    let start = Instant::now();
    let (mut total, mut agree) = (0usize, 0usize);
    let mut disagreements = Vec::new();
    for level in ["baseline", "restricted"] {
        let lvl: PssLevel = level.parse().unwrap();
        let versions = sorted_dir(&root.join(level));
        assert!(versions.len() >= 38, "{level}: expected v1.0 … v1.37, found {} versions", versions.len());
        for vdir in versions {
            let vname = vdir.file_name().unwrap().to_str().unwrap().to_owned();
            let version: PssVersion = vname.parse().unwrap();
            for expect_allowed in [true, false] {
                let dir = vdir.join(if expect_allowed { "pass" } else { "fail" });
                assert!(dir.is_dir(), "fixture directory {} is missing", dir.display());
                for file in sorted_dir(&dir) {
                    let text = std::fs::read_to_string(&file).unwrap();
                    let (docs, errors) = parse_documents(&SourceFile::new(file.display().to_string(), text), &limits);
                    assert!(errors.is_empty(), "{}: {errors:?}", file.display());
                    let doc = docs.first().unwrap();
                    let objects = K8sObject::extract(doc).objects;
                    let pod = objects.first().and_then(K8sObject::pod_spec).unwrap();
                    let violations = evaluate_pod(&pod, lvl, version);
                    total += 1;
                    let stem = file.file_stem().unwrap().to_str().unwrap();
                    let named = stem.trim_end_matches(|c: char| c.is_ascii_digit());
                    // A fail fixture is named after the check it exercises: that check (or the
                    // restricted check replacing it) must be among the violations.
                    let right_check = expect_allowed
                        || named.starts_with("base")
                        || violations.iter().any(|v| {
                            let id = v.check.to_ascii_lowercase();
                            id == named
                                || kubeharden::pss::table::CHECKS.iter().any(|c| {
                                    c.id == v.check && c.overrides.iter().any(|o| o.to_ascii_lowercase() == named)
                                })
                        });
                    if violations.is_empty() == expect_allowed && right_check {
                        agree += 1;
                    } else {
                        let got: Vec<String> =
                            violations.iter().map(|v| format!("{}: {}", v.check, v.message())).collect();
                        disagreements.push(format!(
                            "{level}/{vname}/{}: expected {}, got {got:?}",
                            file.strip_prefix(&vdir).unwrap().display(),
                            if expect_allowed { "allowed" } else { "denied" }
                        ));
                    }
                }
            }
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
    let versions = sorted_dir(&fixtures().join("restricted"));
    let newest = versions
        .iter()
        .filter_map(|p| p.file_name()?.to_str()?.strip_prefix("v1.")?.parse::<u32>().ok())
        .max()
        .unwrap();
    assert_eq!(PssVersion::Latest.minor(), newest);
}
