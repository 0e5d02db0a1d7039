//! `../shared`: the public material beside the repository (the manifest and Dockerfile corpora
//! of mixed licences, which are not vendored; the originals of the vendored PSS fixtures and seed
//! examples). `$KUBEHARDEN_SHARED` names it elsewhere; nothing else is searched.
//!
//! Tests that read it live in a module named `needs_shared` and are `#[ignore]`d: plain
//! `cargo test` lists them as ignored, and `scripts/test.d/10-rust.sh` runs them when the
//! directory exists and otherwise reports each one as SKIPPED by name (an error instead under
//! `KUBEHARDEN_REQUIRE_SHARED=1`, as in CI). Run by hand without the directory, such a test fails
//! and says why; it never passes without checking anything. Also included with `#[path]` by
//! `benches/src/lib.rs`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `$KUBEHARDEN_SHARED`, else `../shared` of the workspace root.
#[must_use]
pub fn dir() -> PathBuf {
    std::env::var_os("KUBEHARDEN_SHARED")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("../shared"), PathBuf::from)
}

/// The directory `sub` of the shared folder; a test that needs it fails, with the reason, when
/// it is absent.
#[must_use]
pub fn require(sub: &str) -> PathBuf {
    let p = dir().join(sub);
    assert!(
        p.is_dir(),
        "{} not found: this test reads ../shared beside the repository (or $KUBEHARDEN_SHARED); \
         scripts/test skips it by name when that directory is absent",
        p.display()
    );
    p
}
