//! `docs/pss.md` is generated from the PSS table (`core/src/pss/table.rs`) and must be current;
//! `KUBEHARDEN_BLESS=1 cargo test -p kubeharden --test pss_docs` rewrites it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use std::path::Path;

#[test]
fn pss_docs_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/pss.md");
    let expected = kubeharden::pss::table::markdown();
    if std::env::var_os("KUBEHARDEN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is out of date: run `KUBEHARDEN_BLESS=1 cargo test -p kubeharden --test pss_docs`",
        path.display()
    );
}
