//! Regression tests for the problems the fuzz targets (`fuzz/`) found, one test per finding,
//! with the input reduced by libFuzzer. The fix of each is in the core; this file keeps it fixed.

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use kubeharden::{check, CheckRequest, Finding, Report, SourceFile};

fn scan(name: &str, text: &str) -> Report {
    check(&CheckRequest { files: vec![SourceFile::new(name, text)], ..Default::default() }).unwrap()
}

/// Everything but the position.
fn unplaced(r: &Report) -> Vec<(String, String, String, Option<String>)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .map(|f: &Finding| (f.rule.clone(), f.fingerprint.clone(), f.message.clone(), f.path.clone()))
        .collect();
    v.sort();
    v
}

/// fuzz target `list`, crash-b6a80cdb (24,165 runs): the `duplicate-key` message named the line
/// of the other occurrence, so the JSON and YAML renderings of one object gave different
/// findings. Messages no longer carry positions (those are the finding's line and column).
#[test]
fn duplicate_key_messages_do_not_depend_on_lines() {
    let json = "{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": \"List\"\n  },\n  \"spec\": {\n    \"containers\": [],\n    \"containers\": null\n  }\n}\n";
    let yaml = "apiVersion: apps/v1\nkind: Pod\nmetadata:\n  name: List\nspec:\n  containers: []\n  containers: null\n";
    let (j, y) = (scan("o.json", json), scan("o.yaml", yaml));
    assert!(j.findings.iter().any(|f| f.name == "duplicate-key"));
    assert_eq!(unplaced(&j), unplaced(&y));
}

/// fuzz target `list`, crash-8d2039a8: a mapping key longer than 1024 characters, written as a
/// plain (implicit) key, is a YAML syntax error (`simple key expect ':'`), in libyaml (what
/// Kubernetes reads with) as in saphyr-parser: the core was right, the test renderer
/// (`tests/support/tree.rs`) now writes such keys explicitly (`? key` / `: value`). Both forms are
/// pinned here: the implicit one is an input error at its line, the explicit one reads as JSON.
#[test]
fn keys_longer_than_1024_characters() {
    let key = "k".repeat(1100);
    let implicit = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: a\n    {key}: true\n"
    );
    let r = scan("implicit.yaml", &implicit);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, Some(7));
    let explicit = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: a\n    ? {key}\n    : true\n    securityContext: {{privileged: true}}\n");
    let json = format!("{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {{\"name\": \"p\"}}, \"spec\": {{\"containers\": [{{\"name\": \"a\", \"{key}\": true, \"securityContext\": {{\"privileged\": true}}}}]}}}}");
    let (y, j) = (scan("explicit.yaml", &explicit), scan("o.json", &json));
    assert!(y.errors.is_empty(), "{:?}", y.errors);
    assert!(y.findings.iter().any(|f| f.name == "privileged-container"));
    assert_eq!(unplaced(&y), unplaced(&j));
}

fn max_node_line(n: &kubeharden::syntax::Node) -> u32 {
    use kubeharden::syntax::Value;
    match &n.value {
        Value::Seq(items) => items.iter().map(max_node_line).fold(n.pos.line, u32::max),
        Value::Map(entries) => {
            entries.iter().map(|e| e.key_pos.line.max(max_node_line(&e.value))).fold(n.pos.line, u32::max)
        }
        _ => n.pos.line,
    }
}

/// fuzz target `scan`, crash-ea0caffc (`?\r m\xb2\x1dM+`, found after ~36,000 runs): saphyr-parser
/// puts the empty value of an explicit key that ends the stream on a line after the last one,
/// so a node (and a finding on it) had a line outside the text. Positions are now kept inside.
#[test]
fn positions_stay_inside_a_text_without_a_final_line_break() {
    use kubeharden::syntax::{parse_yaml, Limits};
    for (text, lines) in [("?\r m\u{fffd}\u{1d}M+", 2), ("? a", 1), ("a:\n  ? b", 2), ("- ? x\r\n  ? y", 2)] {
        let s = parse_yaml(text, &Limits::default());
        for d in &s.documents {
            if let Some(root) = &d.root {
                assert!(max_node_line(root) <= lines, "{text:?}: {root:?}");
            }
        }
        if let Some((_, e)) = &s.error {
            assert!(e.line <= lines, "{text:?}: {e:?}");
        }
    }
}

/// fuzz target `list`, crash-fe24fc85 (2026-12-04, after ~28 minutes): a document with `items`
/// but no `kind` (`{"": [], "items": [null], "": ""}`). Read item by item it is an input error and
/// nothing is handed over; the harness's model of the whole reading handed it over whole (the
/// harness was wrong). A scan skips it as no Kubernetes object (as it skips a chart's
/// `values.yaml`: the command then says nothing was checked), and where every document must be
/// one (`require_content`, the bindings' default) it is an input error.
#[test]
fn items_without_a_kind_are_an_error_item_by_item_and_whole() {
    let text = "{\n  \"\": [],\n  \"items\": [\n    null\n  ],\n  \"\": \"\"\n}\n";
    let file = SourceFile::new("list.json", text);
    let mut handed = 0;
    let read = kubeharden::source::read_list_items(&file, &Default::default(), &mut |_| handed += 1);
    assert_eq!(handed, 0);
    assert!(read.errors.iter().any(|e| e.message.contains("has `items` but no `kind`")), "{:?}", read.errors);
    let whole = scan("list.json", text);
    assert_eq!((whole.summary.objects, whole.findings.len()), (0, 0));
    let strict = check(&CheckRequest {
        files: vec![SourceFile::new("list.json", text)],
        inputs: kubeharden::InputPolicy { strict: false, require_content: true },
        ..Default::default()
    })
    .unwrap();
    assert_eq!(strict.errors.len(), 1, "{:?}", strict.errors);
}

/// fuzz targets `scan` (crash-d36f63f5) and `dockerfile` (crash-96b12fe0), 2026-12-04: the
/// harness compared a report read back from its JSON with the report itself, secret values
/// included; those (`Report::redactions`) are never serialized, by design. The JSON carries no
/// secret value and reads back equal to the report without them.
#[test]
fn a_reports_json_carries_no_redactions_and_reads_back() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ceph-secret\ndata:\n  key: QVFCMTZWMVZvRjVtRXhBQTVrQ1FzN2JCajhWVUxSdzI2Qzg0SEE9PQ==\n";
    let r = scan("fuzz.yaml", text);
    assert!(r.findings.iter().any(|f| f.name == "secret-object-in-manifests"));
    assert_ne!(r.redactions, Default::default());
    let json = r.to_json();
    assert!(!json.contains("QVFCMTZW"), "{json}");
    let back: Report = serde_json::from_str(&json).unwrap();
    let mut written = r.clone();
    written.redactions = Default::default();
    assert_eq!(back, written);
}
