//! `source::read_list_items`: a `kind: List` read item by item gives what the whole reading gives —
//! the same items with the same positions, the same limits and the same input errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a test failure"
)]

use kubeharden::api::InputError;
use kubeharden::model::Inventory;
use kubeharden::source::{self, ListItem, ListRead, ParseOptions};
use kubeharden::syntax::{Limits, Node};
use kubeharden::SourceFile;
use proptest::prelude::*;

fn listed(name: &str, text: &str, options: &ParseOptions) -> (Vec<ListItem>, ListRead) {
    let mut items = Vec::new();
    let read = source::read_list_items(&SourceFile::new(name, text), options, &mut |i| items.push(i));
    (items, read)
}

/// The items of the whole reading: (document, item root) of every List item, and the input
/// errors of the front door and the inventory.
fn whole(name: &str, text: &str, options: &ParseOptions) -> (Vec<(usize, Node)>, Vec<InputError>) {
    let sources = [source::parse(&SourceFile::new(name, text), options)];
    let inventory = Inventory::new(&sources);
    let mut items = Vec::new();
    for d in &sources[0].documents {
        let kind = d.root.get("kind").and_then(Node::as_str);
        if kind.is_some_and(kubeharden::model::is_list_kind) {
            let seq = d.root.get("items").and_then(Node::as_seq).unwrap_or_default();
            items.extend(seq.iter().filter(|n| n.get("kind").is_some()).map(|n| (d.index, n.clone())));
        } else {
            items.push((d.index, d.root.clone()));
        }
    }
    let mut errors = sources[0].errors.clone();
    errors.extend(inventory.errors.iter().cloned());
    (items, errors)
}

fn same_as_whole(name: &str, text: &str) {
    let options = ParseOptions::default();
    let (items, read) = listed(name, text, &options);
    let (expected, mut errors) = whole(name, text, &options);
    let got: Vec<(usize, Node)> = items.iter().map(|i| (i.document.index, i.document.root.clone())).collect();
    assert_eq!(got, expected, "{name}");
    let mut read_errors = read.errors.clone();
    let key = |e: &InputError| (e.document, e.line, e.column, e.message.clone());
    read_errors.sort_by_key(key);
    errors.sort_by_key(key);
    assert_eq!(read_errors, errors, "{name}");
    assert_eq!(read.handed, items.len());
    assert!(items.iter().all(|i| i.document.file == name));
}

const JSON: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": []}},
        {"metadata": {"name": "no-kind"}},
        {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}]},
        7
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
"#;

const YAML: &str = "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- metadata: {name: no-kind}\n- [1, 2]\nkind: PodList\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: single}\n---\nkind: List\nitems: []\n";

#[test]
fn items_and_errors_as_the_whole_reading_has_them() {
    same_as_whole("pods.json", JSON);
    same_as_whole("pods.yaml", YAML);
    // a flow mapping that is not JSON, under a name that does not say JSON: YAML
    same_as_whole("pods", "{kind: List, items: [{apiVersion: v1, kind: Pod, metadata: {name: a}}, {x: 1}]}");
}

#[test]
fn a_syntax_error_ends_the_file_after_the_items_before_it() {
    // the whole reading keeps nothing of a JSON file, and no document that is cut: item by item,
    // the items before the error have been handed over
    for (name, text) in [
        (
            "broken.json",
            "{\"kind\": \"List\", \"items\": [\n{\"apiVersion\": \"v1\", \"kind\": \"Pod\"},\n{\"a\": tru}]}",
        ),
        ("broken.yaml", "kind: List\nitems:\n- {apiVersion: v1, kind: Pod}\n- a: [\n"),
    ] {
        let (items, read) = listed(name, text, &ParseOptions::default());
        let whole = source::parse(&SourceFile::new(name, text), &ParseOptions::default());
        assert_eq!(read.errors, whole.errors, "{name}");
        assert_eq!(items.len(), 1, "{name}");
        assert!(items[0].document.root.pos.line < whole.errors[0].line.unwrap());
    }
    // an item without `kind` before the error is still an error, though the list's `kind` was
    // never read
    let (_, read) = listed("cut.json", "{\"items\": [{\"a\": 1}, {\"b\": ", &ParseOptions::default());
    let messages: Vec<&str> = read.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["unexpected end of input", "item 0 of a `kind: List` is {...}, not a Kubernetes object with a `kind`"]
    );
}

#[test]
fn items_carry_their_index_and_documents_that_are_not_lists_come_whole() {
    let (items, read) = listed("pods.yaml", YAML, &ParseOptions::default());
    let got: Vec<(usize, Option<usize>)> = items.iter().map(|i| (i.document.index, i.index)).collect();
    assert_eq!(got, [(0, Some(0)), (1, None)]);
    assert_eq!(read.documents, 3);
    // positions are the file's
    assert_eq!(items[0].document.root.entry("kind").unwrap().key_pos.line, 4);
}

#[test]
fn a_document_with_items_that_is_not_a_list_is_an_error() {
    for (name, text) in [
        ("a.json", "{\"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}], \"kind\": \"Deployment\"}"),
        ("b.json", "{\"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}]}"),
        ("c.yaml", "items: []\n"),
    ] {
        let (_, read) = listed(name, text, &ParseOptions::default());
        assert_eq!(read.errors.len(), 1, "{name}");
        assert!(read.errors[0].message.contains("has `items` but"), "{name}: {:?}", read.errors);
    }
    // `items` of an object that is not a list, with no items read: the object, whole
    let (items, read) = listed("d.yaml", "apiVersion: v1\nkind: Thing\nitems: []\n", &ParseOptions::default());
    assert!(read.errors.is_empty());
    assert_eq!(items.len(), 1);
}

/// Found by `fuzz/long-run.sh list`: a document whose `items` come before a `kind` that is not a
/// list kind, none of them with a `kind`, was reported as an error and dropped; the whole reading
/// has it as an object. Now it is handed over whole, its items put back.
#[test]
fn a_document_that_is_not_a_list_and_whose_items_have_no_kind_comes_whole() {
    for (name, text) in [
        ("fuzz.json", "{\n  \"items\": [\n    68029,\n    null\n  ],\n  \"kind\": \"v1\"\n}\n"),
        ("fuzz.yaml", "items:\n- 68029\n- null\nkind: v1\n"),
        ("thing.json", "{\"apiVersion\": \"v1\", \"items\": [{\"a\": 1}, [2]], \"kind\": \"Thing\", \"metadata\": {}}"),
        (
            "thing.yaml",
            "apiVersion: v1\nitems:\n- a: 1\n- [2]\nkind: Thing\nmetadata: {}\n---\nkind: List\nitems: [3]\n",
        ),
    ] {
        same_as_whole(name, text);
        let (items, _) = listed(name, text, &ParseOptions::default());
        assert_eq!(items[0].index, None, "{name}");
        assert_eq!(items[0].document.root.get("items").and_then(Node::as_seq).map(<[Node]>::len), Some(2), "{name}");
    }
}

/// Found by `fuzz/long-run.sh list`: a second `items` key after a list's items (a whole reading
/// takes the last) is an error item by item, since the items handed over cannot be taken back;
/// and a `kind: List` whose `items` is no list is handed over whole, so that the reader's
/// inventory reports it (it was dropped without a word).
#[test]
fn a_second_items_key_is_an_error_and_odd_items_come_whole() {
    for (name, text) in [
        ("dup.json", "{\n  \"items\": [\n    6072,\n    null\n  ],\n  \"items\": null,\n  \"\": null\n}\n"),
        ("dup.yaml", "items:\n- 6072\n- null\nitems: null\n'': null\n"),
    ] {
        let (_, read) = listed(name, text, &ParseOptions::default());
        assert!(read.errors.iter().any(|e| e.message.starts_with("a second `items` key")), "{name}: {:?}", read.errors);
    }
    for (name, text) in
        [("odd.json", "{\"kind\": \"List\", \"items\": 5}"), ("odd.yaml", "kind: List\nitems: {a: 1}\n")]
    {
        let (items, read) = listed(name, text, &ParseOptions::default());
        assert!(read.errors.is_empty(), "{name}: {:?}", read.errors);
        assert_eq!(items.len(), 1, "{name}");
        assert_eq!(items[0].index, None, "{name}");
        let sources = [source::parse(&SourceFile::new(name, text), &ParseOptions::default())];
        let errors = Inventory::new(&sources).errors;
        assert!(errors.iter().any(|e| e.message.contains("but it must be a list")), "{name}: {errors:?}");
    }
}

#[test]
fn the_same_limits() {
    let options =
        ParseOptions { limits: Limits { max_input_bytes: 10, ..Limits::default() }, ..ParseOptions::default() };
    let (items, read) = listed("big.json", JSON, &options);
    let whole = source::parse(&SourceFile::new("big.json", JSON), &options);
    assert!(items.is_empty());
    assert_eq!(read.errors, whole.errors);
    let options = ParseOptions { limits: Limits { max_depth: 3, ..Limits::default() }, ..ParseOptions::default() };
    same_as_whole_with("deep.json", JSON, &options);
    same_as_whole_with("deep.yaml", YAML, &options);
}

fn same_as_whole_with(name: &str, text: &str, options: &ParseOptions) {
    let (_, read) = listed(name, text, options);
    let whole = source::parse(&SourceFile::new(name, text), options);
    assert!(!whole.errors.is_empty(), "{name}");
    assert_eq!(read.errors, whole.errors, "{name}");
}

/// An item: an object with a kind, one without, or a scalar; written as JSON.
fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[a-z]{1,8}", 0u32..5).prop_map(|(n, k)| format!(
            "{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {{\"name\": \"{n}\"}}, \"spec\": {{\"n\": {k}}}}}"
        )),
        "[a-z]{1,8}".prop_map(|n| format!("{{\"metadata\": {{\"name\": \"{n}\"}}}}")),
        (0i64..1000).prop_map(|n| n.to_string()),
    ]
}

proptest! {
    #[test]
    fn any_list_reads_item_by_item_as_whole(items in prop::collection::vec(item(), 0..12), sep in "[ \n]{0,3}") {
        let json = format!("{{\"apiVersion\": \"v1\",{sep}\"items\": [{sep}{}{sep}],{sep}\"kind\": \"List\"}}", items.join(&format!(",{sep}")));
        same_as_whole("l.json", &json);
        let yaml = format!("apiVersion: v1\nitems:\n{}kind: List\n", items.iter().map(|i| format!("- {i}\n")).collect::<String>());
        same_as_whole("l.yaml", &yaml);
    }
}
