//! The front door and the inventory: every entry point reads files the same way, and
//! cross-resource rules give the same answer whatever the order of the files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::model::NsKey;
use kubeharden::pss::{check_pss, PssRequest};
use kubeharden::source::{parse, ParseOptions, SourceKind};
use kubeharden::{check, CheckRequest, Inventory, Report, SourceFile};

const DOCKERFILE: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 10001\n";

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";

fn sa(automount: &str) -> String {
    format!("apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: default, namespace: shop}}\n{automount}")
}

fn run(files: &[(&str, &str)]) -> Report {
    let files = files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
    check(&CheckRequest { files, ..Default::default() }).unwrap()
}

fn named<'r>(r: &'r Report, rule: &str) -> Vec<&'r kubeharden::Finding> {
    r.findings.iter().filter(|f| f.name == rule).collect()
}

#[test]
fn the_front_door_routes_dockerfiles_and_documents() {
    let df = parse(&SourceFile::new("app/Dockerfile", DOCKERFILE), &ParseOptions::default());
    assert_eq!(df.kind, SourceKind::Dockerfile);
    assert!(df.dockerfile.is_some() && df.documents.is_empty() && df.errors.is_empty(), "{:?}", df.errors);
    let m = parse(&SourceFile::new("pod.yaml", POD), &ParseOptions::default());
    assert_eq!(m.kind, SourceKind::Documents);
    assert_eq!(m.documents.len(), 1);
}

/// `pss` once parsed every file as YAML: a Dockerfile beside the manifests was an input error.
#[test]
fn pss_reads_a_dockerfile_beside_manifests_without_an_error() {
    let req = PssRequest {
        files: vec![SourceFile::new("Dockerfile", DOCKERFILE), SourceFile::new("pod.yaml", POD)],
        level: "baseline".into(),
        ..PssRequest::default()
    };
    let r = check_pss(&req).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.results.len(), 1);
}

/// The ServiceAccount that decides whether the token is mounted does not depend on file order:
/// with two definitions, the token counts as unmounted only when both say so.
#[test]
fn service_account_token_automount_does_not_depend_on_file_order() {
    let off = sa("automountServiceAccountToken: false\n");
    let on = sa("");
    for files in
        [[("a.yaml", off.as_str()), ("b.yaml", on.as_str())], [("a.yaml", on.as_str()), ("b.yaml", off.as_str())]]
    {
        let mut all = vec![("pod.yaml", POD)];
        all.extend(files);
        let r = run(&all);
        let f = named(&r, "service-account-token-automount");
        assert_eq!(f.len(), 1, "{files:?}: {f:?}");
        assert!(f[0].message.contains("1 of the 2 definitions"), "{}", f[0].message);
    }
    // both definitions turn it off: no finding, in either order
    let r = run(&[("pod.yaml", POD), ("a.yaml", &off), ("b.yaml", &off)]);
    assert!(named(&r, "service-account-token-automount").is_empty());
}

/// With the namespace defined twice, a pod is rejected when either definition rejects it,
/// whatever the order.
#[test]
fn pss_admission_with_a_namespace_defined_twice_does_not_depend_on_file_order() {
    let strict = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n";
    let open = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
    for (a, b) in [(strict, open), (open, strict)] {
        let r = run(&[("pod.yaml", POD), ("a.yaml", a), ("b.yaml", b)]);
        assert_eq!(named(&r, "pss-admission-rejected").len(), 1, "{r:?}");
    }
}

#[test]
fn the_inventory_indexes_objects_by_identity_and_files() {
    let sources: Vec<_> = [("pod.yaml", POD), ("a.yaml", sa("").as_str()), ("Dockerfile", DOCKERFILE)]
        .iter()
        .map(|(n, t)| parse(&SourceFile::new(*n, *t), &ParseOptions::default()))
        .collect();
    let inv = Inventory::new(&sources);
    assert_eq!(inv.objects.len(), 2);
    assert_eq!(inv.pods.len(), 1);
    assert_eq!(inv.get("ServiceAccount", NsKey::named(0, "shop"), "default").count(), 1);
    assert_eq!(inv.get("ServiceAccount", NsKey::named(0, "other"), "default").count(), 0);
    assert_eq!(inv.of_kind("Pod").count(), 1);
    assert_eq!(inv.objects_of(0).count(), 1);
    assert!(inv.objects_of(0).all(|(_, pod)| pod.is_some()));
    assert_eq!(inv.objects_of(1).count(), 1);
    assert_eq!(inv.objects_of(2).count(), 0);
    assert_eq!(inv.pods_of(0).len(), 1);
    // the network model is built once and shared
    assert!(std::ptr::eq(inv.network(), inv.network()));
}
