//! The fix loop ([`kubeharden::fix::fix_sources`]) over several files: after each pass it checks
//! the input again, running the per-file hooks only on the files the pass changed and reusing
//! the findings of the others. Whatever it reuses, its report is the check of the fixed files
//! from scratch (findings, fixes, secrets hidden, summary), with and without a findings cap. Each
//! pass hands the files it changed to the pipeline (the CLI writes them while the next pass runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use std::path::Path;

use kubeharden::fix::{fix_sources, FixOutcome, FixedFile, Pipeline, SingleThreaded};
use kubeharden::{Checker, Config, Report, SourceFile};

const NOW: &str = "2026-11-22T00:00:00Z";

/// A Deployment without a namespace (the `default` namespace of its directory).
fn deployment(name: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/{name}:1.0.0
          env:
            - name: API_TOKEN
              value: s3cr3t-{name}-Xy7Qp2
"
    )
}

/// The example app (one namespace over several files, a literal secret, a default-deny policy to
/// add), the hardened manifest (nothing to fix: reused in every pass), two directories of objects
/// without a namespace (a default-deny policy each), a Dockerfile, a file that does not read and
/// secrets no fix moves.
fn input() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<SourceFile> = std::fs::read_dir(root.join("../examples/manifests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = format!("app/{}", p.file_name().unwrap().to_str().unwrap());
            SourceFile::new(name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let hardened = std::fs::read_to_string(root.join("src/rules/hardened.yaml")).unwrap();
    files.push(SourceFile::new("hardened/hardened.yaml", hardened));
    files.push(SourceFile::new("one/a.yaml", deployment("a")));
    files.push(SourceFile::new("one/b.yaml", deployment("b")));
    files.push(SourceFile::new("two/c.yaml", deployment("c")));
    files.push(SourceFile::new(
        "two/Dockerfile",
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nADD app.tar.gz /app/\nCMD [\"/app/run\"]\n",
    ));
    files.push(SourceFile::new("two/broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n"));
    // No fix for either: the file keeps its secrets, hidden in the report of every pass.
    files.push(SourceFile::new(
        "two/credentials.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2-Zq9xLm4\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  DB_PASSWORD: hunter3-Wp8yKn5\n",
    ));
    files
}

/// The check of `files` from scratch, each finding's fix resolved, as `check` makes it.
fn fresh_check(checker: &Checker, files: &[SourceFile]) -> Report {
    let sources: Vec<_> = files.iter().map(|f| kubeharden::source::parse(f, checker.parse_options())).collect();
    let mut report = checker.check_sources(&sources);
    kubeharden::fix::resolve(&mut report, files, &sources);
    report
}

fn fixed_files(outcome: &FixOutcome) -> Vec<SourceFile> {
    outcome.files.iter().map(|f| SourceFile::new(f.name.clone(), f.fixed.clone())).collect()
}

fn checker() -> Checker {
    Checker::new(&Config::default(), Some(NOW)).unwrap()
}

#[test]
fn the_fix_loops_report_is_the_check_of_the_fixed_files() {
    let files = input();
    for unsafe_fixes in [false, true] {
        let checker = checker();
        let outcome = fix_sources(&SingleThreaded(&checker), files.clone(), unsafe_fixes);
        // Each pass after the first check reuses the findings of the files it left alone.
        let least = if unsafe_fixes { 2 } else { 1 };
        assert!(outcome.passes >= least, "passes: {}", outcome.passes);
        assert!(outcome.files.iter().any(|f| !f.changed()), "some file is left as it is");
        assert!(outcome.files.iter().any(FixedFile::changed), "some file is fixed");
        assert_eq!(outcome.before, fresh_check(&checker, &files));
        let after = fresh_check(&checker, &fixed_files(&outcome));
        assert!(!after.redactions.is_empty(), "the input has secrets to hide");
        assert_eq!(outcome.report, after, "unsafe fixes: {unsafe_fixes}");
    }
}

/// With a findings cap, which findings a check keeps depends on the order it met them in: the
/// fix loop's checks keep the ones a check from scratch keeps.
#[test]
fn with_a_findings_cap_the_fix_loop_keeps_what_a_check_keeps() {
    let files = input();
    let all = fresh_check(&checker(), &files).findings.len();
    let mut capped = 0;
    for max in [1, 2, 5, 10, all / 4, all / 2, all - 5, all - 1, all, all + 1, 10 * all] {
        let checker = checker().with_max_findings(max);
        let outcome = fix_sources(&SingleThreaded(&checker), files.clone(), true);
        assert_eq!(outcome.before, fresh_check(&checker, &files), "max {max}");
        let after = fresh_check(&checker, &fixed_files(&outcome));
        if after.errors.iter().any(|e| e.message.contains("more findings were not kept")) {
            capped += 1;
        }
        assert_eq!(outcome.report, after, "max {max}");
    }
    assert!(capped >= 3, "the cap is reached after fixing for several maxima: {capped}");
}

/// A pipeline that records the files each pass hands over ([`Pipeline::fixed`]).
struct Recording<'c>(&'c Checker, std::sync::Mutex<Vec<(usize, usize, String)>>);

impl Pipeline for Recording<'_> {
    fn checker(&self) -> &Checker {
        self.0
    }

    fn fixed(&self, files: &[(usize, &SourceFile)]) {
        let mut seen = self.1.lock().unwrap();
        let pass = seen.iter().map(|(p, ..)| p + 1).max().unwrap_or(0);
        seen.extend(files.iter().map(|(i, f)| (pass, *i, f.content.clone())));
    }
}

/// Each pass hands over the files it changed; the last text handed over of a file is its fixed
/// text, and a file no pass changed is never handed over.
#[test]
fn the_passes_hand_over_the_files_they_fix() {
    let checker = checker();
    let pipe = Recording(&checker, std::sync::Mutex::new(Vec::new()));
    let outcome = fix_sources(&pipe, input(), true);
    let seen = pipe.1.into_inner().unwrap();
    let passes = seen.iter().map(|(p, ..)| p + 1).max().unwrap_or(0);
    assert_eq!(passes, outcome.passes);
    let mut last: std::collections::BTreeMap<usize, &str> = std::collections::BTreeMap::new();
    for (_, i, text) in &seen {
        last.insert(*i, text);
    }
    for (i, f) in outcome.files.iter().enumerate() {
        match last.get(&i) {
            Some(text) => assert_eq!(*text, f.fixed, "{}", f.name),
            None => assert!(!f.changed(), "{} changed but was not handed over", f.name),
        }
    }
}

/// A container whose last line is removed (`hostPort`) where its new keys go (`securityContext`,
/// `resources`): the removal and the insertion just after it are one pass's edits, not two.
#[test]
fn a_removed_last_line_and_the_keys_added_after_it_are_one_pass() {
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0.0
      ports:
        - containerPort: 8080
          hostPort: 8001
";
    let checker = checker();
    let files = vec![SourceFile::new("pod.yaml", pod)];
    let before = fresh_check(&checker, &files);
    assert!(before.findings.iter().any(|f| f.name == "host-port" && f.fix.is_some()));
    let outcome = fix_sources(&SingleThreaded(&checker), files, true);
    assert_eq!(outcome.passes, 1, "{}", outcome.files[0].fixed);
    let fixed = &outcome.files[0].fixed;
    assert!(!fixed.contains("hostPort"), "{fixed}");
    assert!(fixed.contains("        - containerPort: 8080\n      securityContext:\n"), "{fixed}");
    let again = fix_sources(&SingleThreaded(&checker), fixed_files(&outcome), true);
    assert!(again.files.iter().all(|f| !f.changed()), "a second run changes nothing");
    assert_eq!(outcome.report, fresh_check(&checker, &fixed_files(&outcome)));
}
