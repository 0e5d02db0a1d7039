//! Fingerprints are unique within a report and stable across re-runs and line moves, so a
//! baseline never hides a finding it did not contain (issue 16, fingerprints).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

use std::collections::{BTreeSet, HashSet};

use kubeharden::report::baseline::compare;
use kubeharden::{check, CheckRequest, Finding, Report, SourceFile};

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        securityContext: {privileged: true}
";

fn scan(files: &[(&str, &str)]) -> Report {
    let files = files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
    check(&CheckRequest { files, now: Some("2026-11-22T00:00:00Z".into()), ..Default::default() }).unwrap()
}

fn assert_unique(r: &Report) {
    let mut seen = HashSet::new();
    for f in &r.findings {
        assert!(
            seen.insert(&f.fingerprint),
            "fingerprint {} shared: {} {:?} {:?}",
            f.fingerprint,
            f.name,
            f.file,
            f.path
        );
    }
}

fn prints(r: &Report) -> BTreeSet<String> {
    r.findings.iter().map(|f| f.fingerprint.clone()).collect()
}

#[test]
fn the_same_object_in_two_files_has_distinct_fingerprints() {
    let r = scan(&[("base/web.yaml", DEPLOY), ("overlay/web.yaml", DEPLOY)]);
    assert!(r.findings.len() > 10, "{}", r.findings.len());
    assert_unique(&r);
}

#[test]
fn the_same_object_twice_in_one_file_has_distinct_fingerprints() {
    let twice = format!("{DEPLOY}---\n{DEPLOY}");
    let r = scan(&[("web.yaml", &twice)]);
    assert_unique(&r);
    let second: Vec<&Finding> = r.findings.iter().filter(|f| f.document == Some(1)).collect();
    assert!(second.len() > 10, "{second:?}");
}

#[test]
fn a_baseline_never_hides_a_finding_it_did_not_contain() {
    // The baseline knows the object in one file; a second file brings the same identity with a
    // new, high finding: it must be new, whatever else the comparison says.
    let before = scan(&[("base/web.yaml", DEPLOY)]);
    let worse = DEPLOY
        .replace("securityContext: {privileged: true}", "securityContext: {privileged: true}\n      hostNetwork: true");
    let after = scan(&[("base/web.yaml", DEPLOY), ("overlay/web.yaml", &worse)]);
    let c = compare(&after.findings, &before.findings);
    let in_overlay: Vec<&Finding> =
        after.findings.iter().filter(|f| f.file.as_deref() == Some("overlay/web.yaml")).collect();
    assert!(in_overlay.iter().any(|f| f.name == "host-namespaces"), "{in_overlay:?}");
    for f in in_overlay {
        assert!(
            c.new.iter().any(|n| n.fingerprint == f.fingerprint),
            "{} of the overlay hidden by the baseline",
            f.name
        );
    }
    // and every finding of the new report is either new or was in the baseline, once
    assert_eq!(c.new.len() + c.open.len(), after.findings.len());
}

#[test]
fn fingerprints_survive_line_moves_and_re_runs() {
    let a = scan(&[("web.yaml", DEPLOY)]);
    let moved = format!("# a comment\n\n# and another\n{DEPLOY}");
    let b = scan(&[("web.yaml", &moved)]);
    assert_eq!(prints(&a), prints(&b));
    assert_eq!(prints(&a), prints(&scan(&[("web.yaml", DEPLOY)])));
    // an unrelated file changes nothing
    let other = DEPLOY.replace("name: web", "name: api");
    let c = scan(&[("web.yaml", DEPLOY), ("api.yaml", &other)]);
    let web: BTreeSet<String> =
        c.findings.iter().filter(|f| f.file.as_deref() == Some("web.yaml")).map(|f| f.fingerprint.clone()).collect();
    assert_eq!(prints(&a), web);
    assert_unique(&c);
}

#[test]
fn ingress_and_egress_of_one_object_are_distinct() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";
    let r = scan(&[("ns.yaml", ns), ("web.yaml", DEPLOY)]);
    assert_unique(&r);
}

#[path = "support/shared.rs"]
mod shared;

mod needs_shared {
    use std::collections::HashMap;

    use kubeharden::SourceFile;

    use super::shared;

    /// Every pair of distinct findings of the public corpus's report has distinct fingerprints
    /// (3,274 of 7,164 findings shared one before `engine::unique_fingerprints`).
    #[test]
    #[ignore = "reads ../shared (KUBEHARDEN_SHARED): scripts/test runs it when present"]
    fn corpus_findings_have_distinct_fingerprints() {
        let root = shared::require("corpus");
        let mut stack = vec![root];
        let mut files = Vec::new();
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    let name = p.display().to_string();
                    let manifest = [".yaml", ".yml", ".json"].iter().any(|x| name.ends_with(x));
                    if manifest || kubeharden::dockerfile::is_dockerfile_name(&name) {
                        files.push(SourceFile::new(name, text));
                    }
                }
            }
        }
        let r = kubeharden::check(&kubeharden::CheckRequest {
            files,
            now: Some("2026-11-22T00:00:00Z".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(r.findings.len() > 5000, "{} findings", r.findings.len());
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, f) in r.findings.iter().enumerate() {
            if let Some(j) = seen.insert(&f.fingerprint, i) {
                let g = &r.findings[j];
                panic!(
                    "{} shared by {} {:?}:{:?} and {} {:?}:{:?}",
                    f.fingerprint, g.name, g.file, g.line, f.name, f.file, f.line
                );
            }
        }
    }
}
