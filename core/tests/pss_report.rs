//! The renderings of a Pod Security Standards report (`kubeharden pss --format text|json`),
//! snapshotted on the example app at `restricted` (the output of the first `kubeharden pss`).

#![allow(clippy::unwrap_used, reason = "test code")]

use kubeharden::pss::{check_pss, PssRequest};
use kubeharden::report::pss::{render_json, render_text};
use kubeharden::SourceFile;

fn report() -> kubeharden::PssReport {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/manifests");
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    let mut files: Vec<SourceFile> = names
        .iter()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| {
            SourceFile::new(format!("examples/manifests/{n}"), std::fs::read_to_string(format!("{dir}/{n}")).unwrap())
        })
        .collect();
    files.push(SourceFile::new("broken.yaml", "kind: Pod\nmetadata: {name: [\n"));
    check_pss(&PssRequest { files, ..PssRequest::default() }).unwrap()
}

#[test]
fn snapshot_text() {
    insta::assert_snapshot!(render_text(&report()));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(render_json(&report()));
}
