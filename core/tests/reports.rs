//! Report formats over one multi-file input: insta snapshots of every format, the SARIF log
//! validated against the official SARIF 2.1.0 JSON schema (tests/data/sarif-schema-2.1.0.json) by
//! Python's `jsonschema` (a real Draft 7 validator), escaping, and the baseline round trip.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a test failure"
)]

use std::io::Write as _;
use std::process::{Command, Stdio};

use kubeharden::report::{baseline, github, grouped, junit, sarif, statistics, text, tickets};
use kubeharden::{check, CheckRequest, Report, SourceFile};

fn sources() -> Vec<SourceFile> {
    vec![
        SourceFile::new("bad.yaml", include_str!("data/reports/bad.yaml")),
        SourceFile::new("deploy/web.yaml", include_str!("data/reports/deploy/web.yaml")),
        SourceFile::new("hardened.yaml", include_str!("data/reports/hardened.yaml")),
        SourceFile::new("pod.json", include_str!("data/reports/pod.json")),
    ]
}

/// The formats are under test, not the rules: a fixed selection keeps the snapshots about
/// rendering (SARIF's `tool.driver.rules` still lists every registered rule).
fn selection() -> kubeharden::Config {
    kubeharden::Config {
        select: Some(["privileged-container", "run-as-non-root", "invalid-field-type"].map(String::from).to_vec()),
        ..kubeharden::Config::default()
    }
}

fn report() -> Report {
    check(&CheckRequest { files: sources(), config: selection(), ..Default::default() }).unwrap()
}

/// The tool version changes with every release: keep it out of the snapshots.
fn unversioned(s: &str) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn input_has_findings_in_two_files_and_an_error() {
    let r = report();
    let files: std::collections::BTreeSet<_> = r.findings.iter().filter_map(|f| f.file.as_deref()).collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), ["deploy/web.yaml", "pod.json"]);
    assert_eq!(r.errors.len(), 1);
}

#[test]
fn snapshot_text() {
    insta::assert_snapshot!(text::render(&report(), &sources(), false));
}

#[test]
fn snapshot_grouped() {
    insta::assert_snapshot!(grouped::render(&report(), false));
}

#[test]
fn snapshot_statistics() {
    insta::assert_snapshot!(statistics::render_text(&report()));
    let json: serde_json::Value = serde_json::from_str(&statistics::render_json(&report())).unwrap();
    let counts: Vec<(&str, u64)> =
        json.as_array().unwrap().iter().map(|r| (r["name"].as_str().unwrap(), r["count"].as_u64().unwrap())).collect();
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total, report().findings.len() as u64);
    assert!(counts.windows(2).all(|w| w[0].1 >= w[1].1), "highest count first: {counts:?}");
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(unversioned(&report().to_json()));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!(unversioned(&sarif::render(&report())));
}

#[test]
fn snapshot_junit() {
    let names: Vec<&str> = ["bad.yaml", "deploy/web.yaml", "hardened.yaml", "pod.json"].to_vec();
    insta::assert_snapshot!(junit::render(&report(), &names));
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!(github::render(&report()));
}

#[test]
fn snapshot_tickets() {
    insta::assert_snapshot!(tickets::render(&report()));
}

const VALIDATE: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
errors = sorted(v.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
sys.exit(1 if errors else 0)
"#;

/// Validates a SARIF log with Python's `jsonschema` against the committed official schema.
/// Returns the validator's messages on failure. Python 3 with `jsonschema` is installed by
/// scripts/install-toolchains.sh; its absence fails the test (never a silent pass).
fn validate_sarif(log: &str) -> Result<(), String> {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sarif-schema-2.1.0.json");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut child = Command::new(&python)
        .args(["-c", VALIDATE, schema])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `{python}` to validate SARIF (install python3 + jsonschema): {e}"));
    child.stdin.take().unwrap().write_all(log.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("ModuleNotFoundError"), "python3 lacks jsonschema: {stderr}");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{stderr}", String::from_utf8_lossy(&out.stdout)))
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    validate_sarif(&sarif::render(&report())).unwrap();
    // an empty report too
    let empty = check(&CheckRequest::default()).unwrap();
    validate_sarif(&sarif::render(&empty)).unwrap();
}

#[test]
fn the_validator_rejects_an_invalid_log() {
    // A control: the same log with a result that breaks the schema must be rejected, so the test
    // above cannot pass because the validator checks nothing.
    let mut v: serde_json::Value = serde_json::from_str(&sarif::render(&report())).unwrap();
    v["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = serde_json::json!(0);
    let err = validate_sarif(&v.to_string()).unwrap_err();
    assert!(err.contains("'fatal' is not one of"), "{err}");
    assert!(err.contains("startLine: 0 is less than the minimum of 1"), "{err}");
}

#[test]
fn sarif_results_carry_locations_rules_and_fingerprints() {
    let r = report();
    let v: serde_json::Value = serde_json::from_str(&sarif::render(&r)).unwrap();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), kubeharden::RULES.len());
    for rule in rules {
        assert!(rule["help"]["markdown"].as_str().unwrap().contains("## Why is this bad?"));
        let score: f64 = rule["properties"]["security-severity"].as_str().unwrap().parse().unwrap();
        assert!((0.0..=10.0).contains(&score));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.findings.len());
    for (res, f) in results.iter().zip(&r.findings) {
        let idx = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let loc = &res["locations"][0];
        assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], f.file.as_deref().unwrap());
        assert_eq!(loc["physicalLocation"]["region"]["startLine"], f.line.unwrap());
        assert_eq!(loc["physicalLocation"]["region"]["startColumn"], f.column.unwrap());
        let fqn = loc["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap();
        assert!(fqn.ends_with(f.path.as_deref().unwrap()), "{fqn}");
        assert_eq!(res["partialFingerprints"]["kubeharden/v1"], f.fingerprint.as_str());
    }
    // findings are not all on line 1 (a peer's bug)
    assert!(results.iter().any(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] != 1));
    let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn sarif_uris_are_relative_references() {
    assert_eq!(sarif::file_uri("./k8s\\app deploy.yaml"), "k8s/app%20deploy.yaml");
    assert_eq!(sarif::file_uri("<stdin>"), "%3Cstdin%3E");
    assert_eq!(sarif::file_uri("a/b-c_d.e~f.yaml"), "a/b-c_d.e~f.yaml");
}

#[test]
fn github_escapes_data_and_properties() {
    assert_eq!(github::escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
    assert_eq!(github::escape_property("a,b: c%"), "a%2Cb%3A c%25");
    let out = github::render(&report());
    for line in out.lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "),
            "{line}"
        );
    }
    // the container name `side,car: x` appears escaped in the message only
    assert!(out.contains("container `side,car: x` does not set"));
}

#[test]
fn junit_is_well_formed_xml() {
    assert_eq!(junit::escape("<a b=\"c\">&'\u{1}"), "&lt;a b=&quot;c&quot;&gt;&amp;&apos;");
    let xml = junit::render(&report(), &["hardened.yaml"]);
    // Python's expat parser as a well-formedness check
    let mut child = Command::new("python3")
        .args(["-c", "import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print(len(d.getElementsByTagName('testsuite')), len(d.getElementsByTagName('failure')))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{xml}");
    // 3 suites: bad.yaml (error), deploy/web.yaml, hardened.yaml (passing), pod.json = 4
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "4 3");
}

#[test]
fn one_ticket_per_rule_object_container() {
    let r = report();
    let t = tickets::tickets(&r);
    let mut keys: Vec<(String, String, Option<String>)> =
        r.findings.iter().map(|f| (f.rule.clone(), format!("{:?}", f.object), f.container.clone())).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(t.len(), keys.len());
    let fps: std::collections::BTreeSet<_> = t.iter().map(|t| t.fingerprint.clone()).collect();
    assert_eq!(fps.len(), t.len(), "ticket fingerprints are distinct");
    for ticket in &t {
        for section in ["### Where", "### Why", "### How to fix", "**Fingerprint:**", "**Severity:**"] {
            assert!(ticket.markdown.contains(section), "{section} missing in\n{}", ticket.markdown);
        }
    }
    // most severe first
    assert!(t.windows(2).all(|w| w[0].severity >= w[1].severity));
}

#[test]
fn baseline_round_trip() {
    let before = report();
    let written = before.to_json();
    let read = baseline::read(&written).unwrap();
    assert_eq!(read, before.findings);

    // the same scan against its own baseline: nothing new, nothing resolved
    let same = baseline::compare(&before.findings, &read);
    assert!(same.new.is_empty() && same.resolved.is_empty());
    assert_eq!(same.open.len(), before.findings.len());

    // fix the privileged container, add a new problem, move lines: matched by fingerprint
    let web = include_str!("data/reports/deploy/web.yaml")
        .replace("privileged: true", "privileged: false")
        .replace("apiVersion: apps/v1\n", "# moved down a line\napiVersion: apps/v1\n");
    let extra = "apiVersion: v1\nkind: Pod\nmetadata: {name: new, namespace: shop}\nspec:\n  containers:\n  - name: x\n    image: x:1\n    securityContext: {privileged: true}\n";
    let mut files = sources();
    files[1] = SourceFile::new("deploy/web.yaml", web);
    files.push(SourceFile::new("new.yaml", extra));
    let after = check(&CheckRequest { files, config: selection(), ..Default::default() }).unwrap();
    let c = baseline::compare(&after.findings, &read);
    let rules = |v: &[kubeharden::Finding]| {
        v.iter().map(|f| format!("{} {}", f.rule, f.file.as_deref().unwrap_or(""))).collect::<Vec<_>>()
    };
    assert_eq!(rules(&c.resolved), ["POD001 deploy/web.yaml"]);
    assert!(rules(&c.new).contains(&"POD001 new.yaml".to_owned()), "{:?}", rules(&c.new));
    assert!(c.new.iter().all(|f| f.file.as_deref() == Some("new.yaml")));
    assert_eq!(c.open.len(), before.findings.len() - 1);
    // the open findings carry their new lines
    assert!(c.open.iter().any(|f| f.file.as_deref() == Some("deploy/web.yaml") && f.line == Some(13)));
    let only_new = baseline::with_findings(&after, c.new.clone());
    assert_eq!(only_new.summary.findings, c.new.len());
    assert!(baseline::render_text(&c).starts_with(&format!(
        "Baseline: {} new, {} still open, 1 resolved",
        c.new.len(),
        c.open.len()
    )));
}

#[test]
fn baseline_counts_duplicate_fingerprints() {
    let r = report();
    let f = r.findings[0].clone();
    let c = baseline::compare(&[f.clone(), f.clone()], std::slice::from_ref(&f));
    assert_eq!((c.new.len(), c.open.len(), c.resolved.len()), (1, 1, 0));
    assert!(baseline::read("{\"version\": 9, \"findings\": []}").unwrap_err().contains("version"));
    assert!(baseline::read("[]").is_err());
}

#[test]
fn sarif_stays_valid_with_odd_names_and_errors_without_positions() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"we\\\"ird\", namespace: \"ns\"}\nspec:\n  containers:\n  - name: \"c\\n1\"\n    image: x\n    securityContext: {privileged: true}\n";
    let checker = kubeharden::Checker::new(&kubeharden::Config::default(), None).unwrap();
    let parse = |name: &str| kubeharden::source::parse(&SourceFile::new(name, pod), checker.parse_options());
    let files = vec![
        parse("odd dir/ü'x #1.yaml"),
        parse(".\\win\\path.yaml"),
        kubeharden::Source::unreadable("gone.yaml", "cannot read: no such file"),
    ];
    let r = checker.check_sources(&files);
    assert!(r.findings.len() >= 2);
    let log = sarif::render(&r);
    validate_sarif(&log).unwrap();
    let v: serde_json::Value = serde_json::from_str(&log).unwrap();
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"odd%20dir/%C3%BC%27x%20%231.yaml"), "{uris:?}");
    assert!(uris.contains(&"win/path.yaml"), "{uris:?}");
    let note = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert!(note["locations"][0]["physicalLocation"].get("region").is_none());
}
