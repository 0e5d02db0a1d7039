//! Kubernetes' Pod Security Admission fixtures, vendored as `core/tests/data/pss/fixtures.tar.gz`
//! (upstream commit, licence and layout: the README beside it). Read by the conformance test and,
//! with `#[path]`, by the PSS bench.

#![allow(dead_code)]

use std::io::Read as _;
use std::path::Path;

/// The archive, relative to the `core` crate.
pub const ARCHIVE: &str = "tests/data/pss/fixtures.tar.gz";

/// One fixture: a single `v1` Pod that Pod Security Admission allows (`pass`) or denies (`fail`)
/// at `level` and `version`.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// `baseline` or `restricted`.
    pub level: String,
    /// `v1.0` … `v1.37`.
    pub version: String,
    /// Whether the fixture is a `pass` one.
    pub allowed: bool,
    /// Its path in the archive, as upstream names it under `test/testdata`:
    /// `restricted/v1.37/fail/runasnonroot0.yaml`.
    pub path: String,
    /// The YAML text.
    pub text: String,
}

impl Fixture {
    /// The file name without `.yaml` (`runasnonroot0`).
    pub fn stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.strip_suffix(".yaml").unwrap_or(name)
    }
}

/// Every fixture of the archive, sorted by path; an unreadable archive or an entry outside
/// `<level>/<version>/{pass,fail}/*.yaml` is an error.
pub fn load() -> Result<Vec<Fixture>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(ARCHIVE);
    let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    let entries = archive.entries().map_err(|e| format!("{}: {e}", path.display()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path().map_err(|e| format!("{}: {e}", path.display()))?.display().to_string();
        let parts: Vec<&str> = name.split('/').collect();
        let [level, version, kind, file] = parts.as_slice() else {
            return Err(format!("{}: unexpected entry {name}", path.display()));
        };
        if !file.ends_with(".yaml") || !matches!(*kind, "pass" | "fail") {
            return Err(format!("{}: unexpected entry {name}", path.display()));
        }
        let (level, version, allowed) = ((*level).to_owned(), (*version).to_owned(), *kind == "pass");
        let mut text = String::new();
        entry.read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
        out.push(Fixture { level, version, allowed, path: name, text });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
