//! Hostile and odd input: resource bounds (alias bombs, deep nesting, huge files) and the input
//! quirks of docs/input-handling.md (BOM, CRLF, tabs, duplicate keys, YAML 1.1 booleans, anchors
//! and merge keys), each read as Kubernetes reads it; and "never a silent pass".

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)]

use std::time::{Duration, Instant};

use kubeharden::syntax::Limits;
use kubeharden::{check, CheckRequest, Checker, Config, Finding, InputError, Report, SourceFile};

fn scan(name: &str, text: &str) -> Report {
    check(&CheckRequest { files: vec![SourceFile::new(name, text)], ..Default::default() }).unwrap()
}

fn named<'r>(r: &'r Report, name: &str) -> Vec<&'r Finding> {
    r.findings.iter().filter(|f| f.name == name).collect()
}

fn only_error(r: &Report) -> &InputError {
    assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
    &r.errors[0]
}

/// Runs `f` on a thread with a 256 KiB stack: a recursion proportional to the input's nesting
/// would overflow it (and abort the test binary), so passing proves the depth is bounded.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n";

// ---------------------------------------------------------------- alias bombs

fn billion_laughs(levels: char) -> String {
    let mut t = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..=levels {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        t.push_str(&format!("  {c}: &{c} [{refs}]\n"));
        prev = c;
    }
    t
}

#[test]
fn billion_laughs_is_an_input_error_in_bounded_time() {
    let t0 = Instant::now();
    let r = scan("lol.yaml", &billion_laughs('i')); // 9^9 = 387 million strings if expanded
    let e = only_error(&r);
    assert!(e.message.contains("alias bomb"), "{e}");
    assert_eq!((e.document, e.line.is_some()), (Some(0), true));
    assert!(t0.elapsed() < Duration::from_secs(10), "took {:?}", t0.elapsed());
}

#[test]
fn many_small_bombs_in_one_file_share_one_budget() {
    // Each document stays under the budget; together they would copy 2,000 x 60,000 nodes.
    let doc = "a: &a [x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let text = format!("---\n{doc}").repeat(2000);
    let t0 = Instant::now();
    let r = scan("many.yaml", &text);
    assert!(only_error(&r).message.contains("alias bomb"), "{:?}", r.errors);
    assert!(t0.elapsed() < Duration::from_secs(10), "took {:?}", t0.elapsed());
}

#[test]
fn an_alias_of_one_huge_scalar_is_bounded_by_bytes() {
    // 1 MiB once, aliased 100 times: 100 MiB of copies from a 1 MiB file.
    let text = format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(1 << 20), vec!["*a"; 100].join(", "));
    let r = scan("big.yaml", &text);
    let e = only_error(&r);
    assert!(e.message.contains("MiB of text"), "{e}");
    assert_eq!(e.line, Some(2));
}

#[test]
fn a_modest_real_use_of_anchors_is_fine() {
    let base = "x-defaults: &sc {runAsNonRoot: true, allowPrivilegeEscalation: false}\n";
    let mut t = String::from(base);
    for i in 0..500 {
        t.push_str(&format!("c{i}: *sc\n"));
    }
    assert!(scan("ok.yaml", &t).errors.is_empty());
}

// ---------------------------------------------------------------- nesting

fn assert_depth_error(name: &'static str, text: String) {
    let r = on_small_stack(move || scan(name, &text));
    let e = only_error(&r);
    assert!(e.message.contains("nested deeper than") || e.message.contains("nesting deeper than"), "{name}: {e}");
}

#[test]
fn deep_yaml_flow_nesting_is_an_error_not_a_stack_overflow() {
    assert_depth_error("seq.yaml", "[".repeat(100_000) + &"]".repeat(100_000));
    assert_depth_error("map.yaml", "{a: ".repeat(100_000) + &"}".repeat(100_000));
    assert_depth_error("unclosed.yaml", "[".repeat(100_000));
}

#[test]
fn deep_yaml_block_nesting_is_an_error_not_a_stack_overflow() {
    assert_depth_error("block.yaml", "- ".repeat(100_000) + "x\n");
    let mut t = String::new();
    for i in 0..2_000 {
        t.push_str(&" ".repeat(i));
        t.push_str("a:\n");
    }
    assert_depth_error("indent.yaml", t);
}

#[test]
fn deep_json_nesting_is_an_error_not_a_stack_overflow() {
    assert_depth_error("seq.json", "[".repeat(100_000) + &"]".repeat(100_000));
    assert_depth_error("map.json", "{\"a\":".repeat(100_000) + &"}".repeat(100_000));
}

#[test]
fn aliases_cannot_nest_deeper_than_the_limit() {
    // Each anchor holds 200 levels; an alias inside 200 more levels would make 400, and so on.
    let mut t = format!("a0: &a0 {}x{}\n", "[".repeat(200), "]".repeat(200));
    for i in 1..40 {
        t.push_str(&format!("a{i}: &a{i} {}*a{}{}\n", "[".repeat(200), i - 1, "]".repeat(200)));
    }
    assert_depth_error("alias-depth.yaml", t);
}

#[test]
fn the_whole_pipeline_runs_on_a_small_stack() {
    // The deepest nesting the limit allows, through parse, model, rules and report.
    let depth = Limits::default().max_depth - 2;
    let text = format!("{POD}  extra: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let r = on_small_stack(move || scan("deep-ok.yaml", &text));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(named(&r, "privileged-container").len(), 1);
}

// ---------------------------------------------------------------- size

#[test]
fn an_input_over_the_size_limit_is_refused_with_a_clear_error() {
    let checker = Checker::new(&Config::default(), None)
        .unwrap()
        .with_limits(Limits { max_input_bytes: 1024, ..Limits::default() });
    let big = POD.repeat(20);
    let r = checker.check_sources(&[kubeharden::source::parse(
        &SourceFile::new("big.yaml", big.as_str()),
        checker.parse_options(),
    )]);
    let e = only_error(&r);
    assert!(e.message.contains("larger than the limit of 1024 bytes"), "{e}");
    assert!(r.findings.is_empty());
    assert_eq!(Limits::default().max_input_bytes, kubeharden::syntax::MAX_INPUT_BYTES);
}

/// About 200 MB of `kubectl get pods -o json` output: scanned (under the 256 MiB limit), with a
/// finding per pod. Run by `cargo test -- --ignored` (CI).
#[test]
#[ignore = "allocates ~200 MB; run with --ignored"]
fn a_200_mb_list_is_scanned() {
    let pod = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "annotations": {"note": "PAD"}}, "spec": {"containers": [{"name": "app", "image": "nginx", "securityContext": {"privileged": true, "runAsNonRoot": true}}]}}"#
        .replace("PAD", &"x".repeat(20_000));
    let n = 200_000_000 / pod.len();
    let mut text = String::with_capacity(n * (pod.len() + 2) + 64);
    text.push_str("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
    for i in 0..n {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&pod);
    }
    text.push_str("\n]}\n");
    assert!(text.len() > 200_000_000 && text.len() < kubeharden::syntax::MAX_INPUT_BYTES);
    let t0 = Instant::now();
    // Two rules: every pod's findings fit in a report (the default rules give about 14 a pod,
    // more than the 100,000 a report keeps: that cut is tested on its own).
    let config = Config {
        select: Some(vec!["privileged-container".to_owned(), "run-as-non-root".to_owned()]),
        ..Config::default()
    };
    let r =
        check(&CheckRequest { files: vec![SourceFile::new("pods.json", text.as_str())], config, ..Default::default() })
            .unwrap();
    eprintln!("{} bytes, {n} pods: {:?}", text.len(), t0.elapsed());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(named(&r, "privileged-container").len(), n);
    assert!(named(&r, "run-as-non-root").is_empty());
}

// ---------------------------------------------------------------- the memory bound

/// A check stays within 4 × its input + 100 MB (`kubeharden::memory`). A text of many tiny values
/// (3 MB, 750,000 values: a tree of some 60 MB, more than the 2 × 3 MB + 48 MiB it may take) is
/// refused as it is read, with an input error that says why and what to do; as YAML and as JSON.
#[test]
fn a_tree_beyond_its_budget_is_refused_as_it_is_read() {
    let yaml = "- 1\n".repeat(750_000);
    let json = format!("[{}1]", "1,".repeat(1_500_000));
    for (name, text) in [("many.yaml", yaml), ("many.json", json)] {
        let r = scan(name, &text);
        let e = only_error(&r);
        assert!(e.message.starts_with("the syntax tree of this input would take more than"), "{e}");
        assert!(e.message.contains("4 × its input + 100 MB") && e.message.contains("kubeharden audit"), "{e}");
        assert!(e.line.is_some(), "{e}");
        assert!(r.findings.is_empty());
    }
    // the budget is an option of the limits
    let small = Limits { max_tree_bytes: Some(80 * 10), ..Limits::default() };
    assert!(kubeharden::syntax::parse_json("[1,2,3,4,5,6,7,8,9]", &small).is_ok());
    assert!(kubeharden::syntax::parse_json("[1,2,3,4,5,6,7,8,9,10]", &small).is_err());
    assert!(kubeharden::syntax::parse_yaml("[1,2,3,4,5,6,7,8,9,10]", &small).error.is_some());
}

/// A List read item by item (`kubeharden audit`) keeps one item's tree at a time: the budget is
/// of the tree kept, so a List that a whole reading refuses is read item by item in full.
#[test]
fn a_list_read_item_by_item_is_not_held_to_the_whole_trees_budget() {
    let item = r#"{"apiVersion":"v1","kind":"X"}"#;
    let n = 400_000;
    let text = format!("{{\"kind\":\"List\",\"items\":[{}]}}", vec![item; n].join(","));
    let file = SourceFile::new("list.json", text.as_str());
    let whole = kubeharden::source::parse(&file, &Default::default());
    assert!(whole.errors.iter().any(|e| e.message.starts_with("the syntax tree of this input")), "{:?}", whole.errors);
    let mut handed = 0;
    let read = kubeharden::source::read_list_items(&file, &Default::default(), &mut |_| handed += 1);
    assert!(read.errors.is_empty(), "{:?}", read.errors.first());
    assert_eq!(handed, n);
}

/// The model of pods has its budget too: a pod of 180,000 one-line containers (5 MB, a tree
/// within its budget) would take some 90 MB to model; it is not checked, and an input error says
/// so, where it starts.
#[test]
fn pods_beyond_the_model_budget_are_not_checked_and_said() {
    let containers: Vec<String> = (0..180_000).map(|i| format!(r#"{{"name":"c{i}","image":"nginx"}}"#)).collect();
    let text = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"big\"}},\"spec\":{{\"containers\":[{}]}}}}",
        containers.join(",")
    );
    let r = scan("big.json", &text);
    let e = only_error(&r);
    assert!(
        e.message.starts_with("1 pod specs (180000 containers) of this input, from here on, were not checked"),
        "{e}"
    );
    assert!(e.message.contains("4 × its input + 100 MB"), "{e}");
    assert_eq!((e.line, e.column), (Some(1), Some(1)));
    assert!(r.findings.iter().all(|f| f.container.is_none()), "{:?}", r.findings.first());
}

/// `big.yaml`, read: one pod of `containers` one-line containers (`{name: cN, image: nginx}`).
fn wide_pod(containers: usize) -> Vec<kubeharden::Source> {
    let mut text = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n");
    for i in 0..containers {
        text.push_str(&format!("  - {{name: c{i}, image: nginx}}\n"));
    }
    vec![kubeharden::source::parse(&SourceFile::new("big.yaml", text.as_str()), &Default::default())]
}

/// Findings have their share of the bound: without `--max-findings`, a report keeps as many as
/// fit in it (here some 40,000 of the 90,000 of a pod of 10,000 containers), and says that it
/// stopped for the memory bound; with `--max-findings`, the maximum given holds, whatever the memory.
#[test]
fn findings_beyond_the_memory_bound_are_cut_and_said() {
    let sources = wide_pod(10_000);
    let r = Checker::new(&Default::default(), None).unwrap().check_sources(&sources);
    let e = only_error(&r);
    assert!(e.message.contains("(as many as fit in the memory bound of a check, 4 × its input + 100 MB)"), "{e}");
    assert!((8_192..=kubeharden::engine::DEFAULT_MAX_FINDINGS).contains(&r.findings.len()), "{}", r.findings.len());
    let all = Checker::new(&Default::default(), None).unwrap().with_max_findings(200_000).check_sources(&sources);
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    assert!(all.findings.len() > r.findings.len() + 10_000, "{} {}", all.findings.len(), r.findings.len());
}

// ---------------------------------------------------------------- encodings and line ends

#[test]
fn a_bom_is_skipped_and_positions_are_unchanged() {
    let plain = scan("p.yaml", POD);
    let bom = scan("p.yaml", &format!("\u{feff}{POD}"));
    assert!(bom.errors.is_empty());
    assert_eq!(plain.findings, bom.findings);
    let json = "\u{feff}{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"containers\": [{\"name\": \"a\", \"securityContext\": {\"privileged\": true}}]}}";
    let with = scan("p.json", json);
    let without = scan("p.json", json.trim_start_matches('\u{feff}'));
    assert!(with.errors.is_empty(), "{:?}", with.errors);
    assert_eq!(named(&with, "privileged-container").len(), 1);
    assert_eq!(with.findings, without.findings);
}

#[test]
fn crlf_line_ends_give_the_same_lines_and_columns() {
    let lf = scan("p.yaml", POD);
    let crlf = scan("p.yaml", &POD.replace('\n', "\r\n"));
    assert!(crlf.errors.is_empty(), "{:?}", crlf.errors);
    // The fixes' new lines end as the file's do (CRLF stays CRLF); otherwise all is the same.
    let mut crlf_findings = crlf.findings.clone();
    let mut inserted = 0;
    for e in crlf_findings.iter_mut().filter_map(|f| f.fix.as_mut()).flat_map(|x| x.edits.iter_mut()) {
        if e.content.contains('\n') {
            assert_eq!(e.content.matches('\n').count(), e.content.matches("\r\n").count(), "{e:?}");
            inserted += 1;
        }
        e.content = e.content.replace("\r\n", "\n");
    }
    assert!(inserted > 0, "no fix inserts a line");
    assert_eq!(lf.findings, crlf_findings);
    let f = named(&crlf, "privileged-container")[0];
    assert_eq!((f.line, f.column), (Some(10), Some(7)));
    // The text report quotes the right source line, without the `\r`.
    let text = kubeharden::report::text::render(&crlf, &[SourceFile::new("p.yaml", POD.replace('\n', "\r\n"))], false);
    assert!(text.contains("10 |       privileged: true\n"), "{text}");
    assert!(!text.contains('\r'));
    // JSON too.
    let json = "{\r\n  \"apiVersion\": \"v1\",\r\n  \"kind\": \"Pod\",\r\n  \"metadata\": {\"name\": \"p\"},\r\n  \"spec\": {\"containers\": [{\"name\": \"a\",\r\n    \"securityContext\": {\"privileged\": true}}]}\r\n}\r\n";
    let f = scan("p.json", json).findings.into_iter().find(|f| f.name == "privileged-container").unwrap();
    assert_eq!((f.line, f.column), (Some(6), Some(25)));
}

#[test]
fn crlf_in_a_multi_document_stream_keeps_document_indexes_and_lines() {
    let text = format!("{POD}---\n{POD}").replace('\n', "\r\n");
    let r = scan("two.yaml", &text);
    let lines: Vec<_> = named(&r, "privileged-container").iter().map(|f| (f.document, f.line)).collect();
    assert_eq!(lines, vec![(Some(0), Some(10)), (Some(1), Some(21))]);
}

#[test]
fn tab_indentation_is_an_error_like_in_kubernetes_but_tabs_in_values_are_fine() {
    let r = scan("tab.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tab\n");
    let e = only_error(&r);
    assert_eq!(e.line, Some(4), "{e}");
    let r = scan("tab.yaml", &POD.replace("name: web", "name:\tweb").replace("image: nginx", "image: \"ng\tinx\""));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(named(&r, "privileged-container").len(), 1);
}

// ---------------------------------------------------------------- YAML semantics

#[test]
fn duplicate_keys_last_wins_like_kubernetes() {
    let hidden = POD.replace("      privileged: true\n", "      privileged: false\n      privileged: true\n");
    let r = scan("dup.yaml", &hidden);
    let f = named(&r, "privileged-container");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].line, Some(11), "points at the key that wins");
    let d = named(&r, "duplicate-key");
    assert_eq!((d.len(), d[0].line, d[0].rule.as_str()), (1, Some(11), "WKL003"));
    assert!(d[0].message.contains("written 2 times"), "{}", d[0].message);
    let harmless = POD.replace("      privileged: true\n", "      privileged: true\n      privileged: false\n");
    assert!(named(&scan("dup.yaml", &harmless), "privileged-container").is_empty());
    let json = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "securityContext": {"privileged": false, "privileged": true}}]}}"#;
    let r = scan("dup.json", json);
    assert_eq!(named(&r, "privileged-container").len(), 1);
    assert_eq!(named(&r, "duplicate-key").len(), 1);
}

#[test]
fn yaml_1_1_booleans_are_booleans_and_quoted_ones_are_strings() {
    for word in ["yes", "Yes", "on", "ON", "y", "true"] {
        let r = scan("b.yaml", &POD.replace("privileged: true", &format!("privileged: {word}")));
        assert_eq!(named(&r, "privileged-container").len(), 1, "{word}");
        assert!(named(&r, "invalid-field-type").is_empty(), "{word}");
    }
    for word in ["no", "off", "n", "false"] {
        let r = scan("b.yaml", &POD.replace("privileged: true", &format!("privileged: {word}")));
        assert!(named(&r, "privileged-container").is_empty(), "{word}");
    }
    let r = scan("b.yaml", &POD.replace("privileged: true", "privileged: \"yes\""));
    assert!(named(&r, "privileged-container").is_empty());
    assert_eq!(named(&r, "invalid-field-type").len(), 1, "a quoted `yes` is a string, which the API rejects");
}

#[test]
fn anchors_and_merge_keys_in_a_real_manifest() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - &app
        name: app
        image: nginx
        securityContext: &sc
          privileged: true
      - <<: *app
        name: sidecar
      - name: hardened
        image: nginx
        securityContext:
          <<: *sc
          privileged: false
";
    let r = scan("anchors.yaml", text);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let f = named(&r, "privileged-container");
    let got: Vec<_> = f.iter().map(|f| (f.container.as_deref().unwrap(), f.line, f.path.as_deref().unwrap())).collect();
    // The merged-in field is reported where its text is: the anchored line.
    assert_eq!(
        got,
        vec![
            ("app", Some(13), "spec.template.spec.containers[0].securityContext.privileged"),
            ("sidecar", Some(13), "spec.template.spec.containers[1].securityContext.privileged"),
        ]
    );
}

// ---------------------------------------------------------------- never a silent pass

#[test]
fn a_document_that_fails_to_parse_is_an_error_and_the_others_are_still_checked() {
    let text = format!("{POD}---\nkind: [unclosed\n");
    let r = scan("bad.yaml", &text);
    assert_eq!(only_error(&r).document, Some(1));
    assert_eq!(named(&r, "privileged-container").len(), 1);
    let r = scan("bad.json", "{\"kind\": \"Pod\",");
    assert_eq!(only_error(&r).line, Some(1));
}

#[test]
fn a_mistyped_way_to_the_pod_is_reported() {
    let cases = [
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: []\n", "spec", 4),
        ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: nginx\n", "spec.template", 5),
        (
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec: 5\n",
            "spec.jobTemplate.spec",
            6,
        ),
    ];
    for (text, path, line) in cases {
        let r = scan("m.yaml", text);
        let f = named(&r, "invalid-field-type");
        assert_eq!(f.len(), 1, "{text}");
        assert_eq!((f[0].path.as_deref(), f[0].line), (Some(path), Some(line)), "{text}");
        assert!(f[0].message.contains("cannot be checked"), "{}", f[0].message);
    }
    // A container that is not a mapping, and a container list that is a mapping.
    let r = scan("c.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - nginx\n");
    assert_eq!(named(&r, "invalid-field-type")[0].path.as_deref(), Some("spec.containers[0]"));
    let r = scan("c.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: {name: app}\n");
    assert_eq!(named(&r, "invalid-field-type")[0].path.as_deref(), Some("spec.containers"));
    // A partial manifest (a kustomize patch) has no pod spec at all: nothing to check, no finding.
    let r = scan("patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 3\n");
    assert!(r.findings.is_empty() && r.errors.is_empty(), "{r:?}");
}

#[test]
fn mistyped_kind_api_version_and_list_items_are_errors() {
    for (text, what) in [
        ("apiVersion: v1\nkind: 5\nmetadata: {name: p}\n", "`kind` is 5"),
        ("apiVersion: 1\nkind: Pod\nmetadata: {name: p}\n", "`apiVersion` is 1"),
        ("apiVersion: v1\nkind: List\nitems: {a: 1}\n", "`items` of a `kind: List` is {...}"),
        ("apiVersion: v1\nkind: List\nitems: [nginx]\n", "item 0 of a `kind: List` is \"nginx\""),
        ("apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p}\n", "item 0 of a `kind: PodList` is {...}"),
    ] {
        let r = scan("k.yaml", text);
        let e = only_error(&r);
        assert!(e.message.contains(what), "{e}");
    }
}

#[test]
fn an_unknown_api_version_of_a_known_kind_is_reported() {
    let text = POD.replace("apiVersion: v1", "apiVersion: v2");
    let r = scan("v2.yaml", &text);
    let f = named(&r, "unknown-api-version");
    assert_eq!((f.len(), f[0].line, f[0].rule.as_str()), (1, Some(1), "WKL002"));
    // The pod is still checked.
    assert_eq!(named(&r, "privileged-container").len(), 1);
    assert!(r.fails(kubeharden::Severity::High));
}

// ---------------------------------------------------------------- work stays near-linear

#[test]
fn large_mappings_merges_and_duplicates_stay_fast() {
    // A 30,000-key anchor merged into a mapping with 30,000 keys of its own.
    let mut t = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\nbase: &b\n");
    for i in 0..30_000 {
        t.push_str(&format!("  a{i}: x\n"));
    }
    t.push_str("data:\n  <<: *b\n");
    for i in 0..30_000 {
        t.push_str(&format!("  b{i}: y\n"));
    }
    // 20,000 keys, each written twice.
    t.push_str("dups:\n");
    for i in 0..20_000 {
        t.push_str(&format!("  k{i}: 1\n  k{i}: 2\n"));
    }
    let t0 = Instant::now();
    let r = scan("big.yaml", &t);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let d = named(&r, "duplicate-key");
    assert_eq!(d.len(), 21, "20 reported one by one, then one summary");
    assert!(d.iter().any(|f| f.message.starts_with("19980 more keys")), "{:?}", d.last());
    assert!(t0.elapsed() < Duration::from_secs(20), "took {:?}", t0.elapsed());
}

#[test]
fn many_containers_and_many_annotations_stay_fast() {
    let mut t = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: wide\n  annotations:\n");
    for i in 0..5_000 {
        t.push_str(&format!("    note{i}: x\n"));
    }
    t.push_str("    kubeharden.io/ignore.run-as-non-root.c7: \"a reason\"\n");
    t.push_str("spec:\n  containers:\n");
    for i in 0..5_000 {
        t.push_str(&format!("  - name: c{i}\n    image: nginx\n"));
    }
    let t0 = Instant::now();
    let r = scan("wide.yaml", &t);
    assert_eq!(named(&r, "run-as-non-root").len(), 4_999);
    assert_eq!(r.suppressed, 1);
    assert!(t0.elapsed() < Duration::from_secs(20), "took {:?}", t0.elapsed());
}

#[test]
fn suppressions_at_the_three_scopes_still_work() {
    let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations: {OBJ}\nspec:\n  template:\n    metadata:\n      annotations: {POD}\n    spec:\n      containers:\n      - {name: a, image: x}\n      - {name: b, image: x}\n";
    let run = |obj: &str, pod: &str| {
        let r = scan("s.yaml", &d.replace("{OBJ}", obj).replace("{POD}", pod));
        let mut c: Vec<String> = named(&r, "run-as-non-root").iter().map(|f| f.container.clone().unwrap()).collect();
        c.sort();
        (c, r.suppressed, r.findings.iter().any(|f| f.message.contains("needs a reason")))
    };
    let none = (vec!["a".to_owned(), "b".to_owned()], 0, false);
    assert_eq!(run("{}", "{}"), none);
    assert_eq!(run("{kubeharden.io/ignore.run-as-non-root: why}", "{}"), (vec![], 2, false));
    assert_eq!(run("{}", "{kubeharden.io/ignore.POD003: why}"), (vec![], 2, false));
    assert_eq!(run("{kubeharden.io/ignore.run-as-non-root.b: why}", "{}"), (vec!["a".to_owned()], 1, false));
    assert_eq!(
        run("{kubeharden.io/ignore.run-as-non-root: ''}", "{}"),
        (vec!["a".to_owned(), "b".to_owned()], 0, true)
    );
}

/// One pod with 2,000 containers gives some 18,000 findings; a report keeps at most its maximum
/// (`Checker::with_max_findings`, `--max-findings`), counts the others and says so as an input
/// error, never a silent cut: memory stays bounded whatever the input.
#[test]
fn findings_beyond_the_maximum_are_counted_and_said() {
    let sources = wide_pod(2000);
    let all = kubeharden::Checker::new(&Default::default(), None).unwrap().check_sources(&sources);
    assert!(all.errors.is_empty() && all.findings.len() > 15_000, "{}", all.findings.len());
    let r =
        kubeharden::Checker::new(&Default::default(), None).unwrap().with_max_findings(1000).check_sources(&sources);
    assert_eq!(r.findings.len(), 1000);
    let e = only_error(&r);
    assert_eq!(e.file, "big.yaml");
    // The count is of the findings reported beyond the maximum, those that a kept finding would
    // have made redundant (`Diagnostic::implies`) included: at least what the full report has more.
    let (n, rest) = e.message.split_once(' ').unwrap();
    assert!(n.parse::<usize>().unwrap() >= all.findings.len() - 1000, "{e}");
    assert!(rest.starts_with("more findings were not kept"), "{e}");
}
