//! The typed answer of `netpol` (`check_netpol`): pair, row, column, matrix and `external`, with
//! and without a port, and its three renderings, snapshotted (the snapshots are the output of the
//! first `kubeharden netpol`, byte for byte).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::netpol::{check_netpol, NetpolRequest};
use kubeharden::report::netpol::{render_dot, render_json, render_text, NetpolReport, NetpolScope};
use kubeharden::{Error, InputPolicy, SourceFile};

fn files() -> Vec<SourceFile> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/netpol");
    ["workloads-prod.yaml", "policies-prod.yaml"]
        .iter()
        .map(|f| SourceFile::new(*f, std::fs::read_to_string(format!("{dir}/{f}")).unwrap()))
        .collect()
}

fn ask(from: Option<&str>, to: Option<&str>, port: Option<&str>) -> Result<NetpolReport, Error> {
    check_netpol(&NetpolRequest {
        files: files(),
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        port: port.map(str::to_owned),
        ..NetpolRequest::default()
    })
}

/// All three renderings of one answer, for one snapshot.
fn rendered(r: &NetpolReport) -> String {
    format!("--- text\n{}--- json\n{}--- dot\n{}", render_text(r), render_json(r), render_dot(r))
}

#[test]
fn pair_on_a_port() {
    let r = ask(Some("nginx-ingress"), Some("prod/api-service"), Some("8080")).unwrap();
    assert_eq!(r.scope, NetpolScope::Pair);
    assert_eq!(r.from.as_deref(), Some("Deployment/prod/nginx-ingress"));
    assert_eq!(r.to.as_deref(), Some("Deployment/prod/api-service"));
    assert!(r.all_allowed() && r.errors.is_empty() && r.warnings.is_empty());
    let p = &r.pairs[0];
    assert_eq!((p.from_index, p.to_index), (0, 1));
    assert_eq!(p.ingress.allowed_by[0].peer_description, "from[0]");
    insta::assert_snapshot!(rendered(&r));
}

#[test]
fn pair_denied_on_a_named_port() {
    let r = ask(Some("postgres"), Some("api-service"), Some("http")).unwrap();
    assert!(!r.all_allowed());
    insta::assert_snapshot!(rendered(&r));
}

#[test]
fn pair_to_external_on_every_port() {
    let r = ask(Some("api-service"), Some("external"), None).unwrap();
    assert_eq!(r.pairs.len(), 1);
    assert!(!r.pairs[0].ingress.governed, "external is not governed by NetworkPolicies");
    insta::assert_snapshot!(rendered(&r));
}

#[test]
fn row_column_and_matrix() {
    let row = ask(Some("nginx-ingress"), None, None).unwrap();
    assert_eq!(row.scope, NetpolScope::Row);
    assert_eq!(row.pairs.len(), row.workloads.len(), "one pair per endpoint, external included");
    insta::assert_snapshot!("row", rendered(&row));
    let column = ask(None, Some("postgres"), Some("5432")).unwrap();
    assert_eq!(column.scope, NetpolScope::Column);
    insta::assert_snapshot!("column", rendered(&column));
    let matrix = ask(None, None, None).unwrap();
    assert_eq!(matrix.scope, NetpolScope::Matrix);
    let n = matrix.workloads.len();
    assert_eq!(matrix.workloads.last().map(String::as_str), Some("external"));
    assert_eq!(matrix.pairs.len(), n * n - 1, "every pair but external to external");
    insta::assert_snapshot!("matrix", rendered(&matrix));
    let on_a_port = ask(None, None, Some("8080/TCP")).unwrap();
    insta::assert_snapshot!("matrix_on_a_port", rendered(&on_a_port));
}

#[test]
fn bad_questions_are_request_errors() {
    let message = |r: Result<NetpolReport, Error>| match r {
        Err(Error::Request(m)) => m,
        other => panic!("expected a request error, got {other:?}"),
    };
    assert_eq!(message(ask(Some("nope"), None, None)), "no workload `nope` in the input");
    assert_eq!(
        message(ask(Some("external"), Some("external"), None)),
        "traffic from `external` to `external` does not cross the cluster"
    );
    assert_eq!(message(ask(None, None, Some("0"))), "--port: port `0` is not between 1 and 65535");
    assert_eq!(message(ask(None, None, Some("80/XYZ"))), "--port: `XYZ` is not TCP, UDP or SCTP");
}

#[test]
fn policy_problems_are_located_warnings() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/rules/network/network_policy_invalid/fail.yaml"
    ))
    .unwrap();
    let r =
        check_netpol(&NetpolRequest { files: vec![SourceFile::new("fail.yaml", text)], ..NetpolRequest::default() })
            .unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let w = &r.warnings[0];
    assert_eq!((w.file.as_str(), w.line, w.column, w.policy.as_str()), ("fail.yaml", 9, 20, "prod/api-service"));
    assert!(w.message.contains("`in` is not a selector operator"), "{}", w.message);
}

#[test]
fn inputs_are_held_to_account() {
    let strict = InputPolicy { strict: true, require_content: true };
    let ask_with = |files: Vec<SourceFile>, from: Option<&str>, inputs| {
        check_netpol(&NetpolRequest { files, from: from.map(str::to_owned), inputs, ..NetpolRequest::default() })
    };
    // A workload in a file that cannot be read: the input error comes first, not "no workload".
    let broken = vec![SourceFile::new("broken.yaml", "kind: Deployment\nmetadata: {name: web\n")];
    match ask_with(broken.clone(), Some("web"), strict) {
        Err(Error::Input(e)) => assert_eq!(e.file, "broken.yaml"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(ask_with(broken, Some("web"), InputPolicy::default()), Err(Error::Request(_))));
    // Text that is no Kubernetes object: reported with require_content, raised when strict.
    let hello = vec![SourceFile::new("<input>", "hello\n")];
    let r = ask_with(hello.clone(), None, InputPolicy { strict: false, require_content: true }).unwrap();
    assert_eq!(r.errors.len(), 1);
    assert_eq!(
        r.errors[0].message,
        "not a Kubernetes object: the document is a string, not a mapping with `apiVersion` and `kind`"
    );
    assert!(ask_with(hello.clone(), None, InputPolicy::default()).unwrap().errors.is_empty());
    assert!(matches!(ask_with(hello, None, strict), Err(Error::Input(_))));
}
