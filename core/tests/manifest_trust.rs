//! Manifests the API server rejects are never reported as clean (issue 16, silent passes).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::{check, CheckRequest, Report, SourceFile};

fn scan(text: &str) -> Report {
    check(&CheckRequest { files: vec![SourceFile::new("m.yaml", text)], ..Default::default() }).unwrap()
}

const POD_BODY: &str = "metadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";

#[test]
fn kinds_the_api_server_rejects_are_input_errors() {
    for (kind, says) in [
        ("pod", "did you mean `Pod`"),
        ("\"Pod \"", "did you mean `Pod`"),
        ("deployment", "did you mean `Deployment`"),
        ("null", "`kind` is null"),
        ("~", "`kind` is null"),
    ] {
        let r = scan(&format!("apiVersion: v1\nkind: {kind}\n{POD_BODY}"));
        assert_eq!(r.errors.len(), 1, "kind: {kind}: {:?}", r.errors);
        assert!(r.errors[0].message.contains(says), "kind: {kind}: {}", r.errors[0].message);
        assert_eq!(r.errors[0].line, Some(2));
    }
    // a custom resource may spell its kind as it likes
    let r = scan(&format!("apiVersion: example.com/v1\nkind: pod\n{POD_BODY}"));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // kubectl's typed lists are lists
    let r = scan("apiVersion: v1\nkind: PodList\nitems: []\n");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn out_of_range_ids_are_invalid_fields_not_users() {
    for field in ["runAsUser: -1", "runAsUser: 4294967296", "runAsGroup: -5"] {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  securityContext: {{runAsNonRoot: true}}\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext: {{{field}}}\n"
        );
        let r = scan(&text);
        let invalid: Vec<_> = r.findings.iter().filter(|f| f.name == "invalid-field-type").collect();
        assert_eq!(invalid.len(), 1, "{field}: {:?}", r.findings);
        assert!(invalid[0].message.contains("between 0 and 2147483647"), "{}", invalid[0].message);
    }
}

#[test]
fn a_null_container_is_an_invalid_field() {
    let r = scan("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [null]\n");
    let invalid: Vec<_> = r.findings.iter().filter(|f| f.name == "invalid-field-type").collect();
    assert_eq!(invalid.len(), 1, "{:?}", r.findings);
    assert!(invalid[0].message.contains("`[0]` is null"), "{}", invalid[0].message);
}
