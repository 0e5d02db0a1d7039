//! What the rule tests share (core/tests/rules.rs runs the fixtures, core/tests/docs.rs the docs
//! examples): where a rule's fixtures are, and checking one input with chosen rules selected.

#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::{Path, PathBuf};

use kubeharden::rules::RuleMeta;
use kubeharden::{check, CheckRequest, Config, Report, SourceFile, RULES};

/// "Now" of every fixture and docs example (the image-age rule needs one).
pub const NOW: &str = "2026-11-22T00:00:00Z";

/// `core/src/rules`.
#[must_use]
pub fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules")
}

/// The rule that owns the fixture directory `rules/<family>/<stem>/`: the one declared in
/// `rules/<family>/<stem>.rs`, beside it (one rule, one file, its fixtures next to it).
#[must_use]
pub fn rule_of_dir(dir: &Path) -> Option<&'static RuleMeta> {
    let rel = dir.strip_prefix(rules_dir()).ok()?.to_str()?.replace('\\', "/");
    let declared_in = format!("src/rules/{rel}.rs");
    RULES.iter().map(|r| r.meta()).find(|m| m.source.rsplit_once(':').is_some_and(|(f, _)| f.ends_with(&declared_in)))
}

/// Checks the text `text` as the file `name` (classified by the front door as a user's file is)
/// with only `rules` selected, and the option `trusted-registries: [registry.example.com]` (the
/// registry of every example: `image-registry-untrusted` is active only when it is set).
///
/// # Panics
/// When the check is refused (a bad request: a test bug).
#[must_use]
pub fn check_one(name: &str, text: &str, rules: &[&str]) -> (Vec<SourceFile>, Report) {
    let files = vec![SourceFile::new(name, text)];
    let req = CheckRequest {
        files: files.clone(),
        config: Config {
            select: Some(rules.iter().map(|r| (*r).to_owned()).collect()),
            options: kubeharden::config::Options {
                trusted_registries: Some(vec!["registry.example.com".to_owned()]),
                ..kubeharden::config::Options::default()
            },
            ..Config::default()
        },
        now: Some(NOW.to_owned()),
        ..CheckRequest::default()
    };
    match check(&req) {
        Ok(report) => (files, report),
        Err(e) => panic!("{name}: the check was refused: {e}"),
    }
}
