//! `kind: List` (nested, of pod-bearing objects with arbitrary security contexts), rendered as
//! JSON and as block YAML: both must read without a syntax error and give the same findings and
//! errors, line and column aside. Read item by item (`source::read_list_items`), each gives the
//! items of the whole reading; the audit gives the same pods, entries and errors for both.
#![no_main]

use kubeharden::audit::{self, AuditOptions, AuditReport};
use kubeharden::model::is_list_kind;
use kubeharden::syntax::Node;
use kubeharden::SourceFile;
use kubeharden_fuzz::{checker, finding_key, gen_object, scan_checked, NOW};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let tree = gen_object(&mut u, 0)?;
    let json = tree.to_json();
    let yaml = tree.to_yaml();
    let a = scan_checked("list.json", &json);
    let b = scan_checked("list.yaml", &yaml);
    for (name, text) in [("list.json", &json), ("list.yaml", &yaml)] {
        let file = SourceFile::new(name, text.as_str());
        let (docs, errors) = kubeharden::source::parse_documents(&file, &checker().parse_options().limits);
        assert!(errors.is_empty(), "{name} did not parse: {errors:?}\n{text}");
        let mut handed = Vec::new();
        let _ = kubeharden::source::read_list_items(&file, checker().parse_options(), &mut |i| {
            handed.push(i.document.root);
        });
        let mut whole: Vec<Node> = Vec::new();
        for d in docs.into_iter().filter(|d| !d.root.is_null()) {
            // A second `items` key after a list's items: read item by item, an error (the items
            // handed over cannot be taken back); a whole reading takes the last.
            let entries = d.root.as_map().unwrap_or_default();
            if entries.iter().filter(|e| e.key.as_ref() == "items").count() > 1 {
                return Ok(());
            }
            let kind = d.root.get("kind").and_then(Node::as_str);
            let items = d.root.get("items").and_then(Node::as_seq);
            let with_kind = || items.unwrap_or_default().iter().filter(|n| n.get("kind").is_some()).cloned();
            let odd_items = d.root.get("items").is_some_and(|i| !i.is_null() && i.as_seq().is_none());
            if kind.is_some_and(is_list_kind) && !odd_items {
                whole.extend(with_kind());
            } else if with_kind().next().is_some() {
                // `items` with objects, then a `kind` that is missing or not a list kind: they
                // were handed over before the `kind` was read, and the document is an input error
                whole.extend(with_kind());
                assert!(
                    errors_of(&file).iter().any(|e| e.contains("not a list kind")),
                    "{name}: no error for `items` of a `kind: {kind:?}`\n{text}"
                );
            } else if kind.is_none() && items.is_some() {
                // `items` without a `kind`: an input error, nothing handed over
            } else {
                whole.push(d.root);
            }
        }
        assert_eq!(handed, whole, "{name}: item by item is not the whole reading\n{text}");
    }
    let audit_of = |name: &str, text: &str| {
        audit::audit(&SourceFile::new(name, text), &[], Some(NOW), &AuditOptions::default()).expect("a valid now")
    };
    let (aj, ay) = (audit_of("list.json", &json), audit_of("list.yaml", &yaml));
    assert_eq!(audit_key(&aj), audit_key(&ay), "the audit differs between JSON and YAML\n{json}\n{yaml}");
    let mut fa: Vec<_> = a.findings.iter().map(finding_key).collect();
    let mut fb: Vec<_> = b.findings.iter().map(finding_key).collect();
    fa.sort();
    fb.sort();
    assert_eq!(fa, fb, "findings differ between JSON and YAML\n{json}\n{yaml}");
    let ea: Vec<_> = a.errors.iter().map(|e| (e.document, e.message.clone())).collect();
    let eb: Vec<_> = b.errors.iter().map(|e| (e.document, e.message.clone())).collect();
    assert_eq!(ea, eb, "errors differ between JSON and YAML\n{json}\n{yaml}");
    Ok(())
}

/// The messages of the input errors of reading `file` item by item.
fn errors_of(file: &SourceFile) -> Vec<String> {
    let read = kubeharden::source::read_list_items(file, checker().parse_options(), &mut |_| {});
    read.errors.into_iter().map(|e| e.message).collect()
}

/// What an audit says, positions aside: counts, entries (pod, container, rules), error messages.
fn audit_key(r: &AuditReport) -> (usize, usize, usize, Vec<String>, Vec<String>) {
    let rules = |f: &[audit::AuditFinding]| f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>().join(",");
    let mut entries: Vec<String> = r
        .privileged
        .iter()
        .chain(&r.running_as_root)
        .map(|e| format!("{}/{} {}", e.at.pod_path(), e.at.container, rules(&e.findings)))
        .chain(
            r.missing_limits.iter().map(|e| format!("{}/{} {}", e.at.pod_path(), e.at.container, rules(&e.findings))),
        )
        .collect();
    entries.sort();
    let mut errors: Vec<String> = r.errors.iter().map(|e| e.message.clone()).collect();
    errors.sort();
    (r.pods, r.containers, r.skipped, entries, errors)
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
