//! What every request shares: the front door's classification (by the caller's kind, by name,
//! then by content), bytes decoded as the command line decodes files, the input policy (`strict`,
//! `require_content`) of `check`, `check_pss` and `check_netpol`, and one error type for an input
//! problem.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::pss::{check_pss, PssRequest};
use kubeharden::source::{classify, looks_like_dockerfile};
use kubeharden::{check, CheckRequest, Error, InputError, InputPolicy, Report, SourceFile, SourceKind};

const DOCKERFILE: &str = "FROM alpine:3.20\nRUN apk add curl\n";
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: app, image: nginx, securityContext: {privileged: true}}\n";
const REQUIRE: InputPolicy = InputPolicy { strict: false, require_content: true };
const STRICT: InputPolicy = InputPolicy { strict: true, require_content: true };

fn scan(files: Vec<SourceFile>, inputs: InputPolicy) -> Result<Report, Error> {
    check(&CheckRequest { files, inputs, ..CheckRequest::default() })
}

fn errors(text: &str) -> Vec<InputError> {
    scan(vec![SourceFile::new("<input>", text)], REQUIRE).unwrap().errors
}

#[test]
fn a_name_that_says_nothing_is_classified_by_content() {
    let kind = |name: &str, text: &str| classify(&SourceFile::new(name, text));
    for name in ["<stdin>", "<input>", "pasted-1", "build/app"] {
        assert_eq!(kind(name, DOCKERFILE), SourceKind::Dockerfile, "{name}");
        assert_eq!(kind(name, POD), SourceKind::Documents, "{name}");
    }
    // Parser directives, comments, lower-case instructions, a leading ARG.
    for text in [
        "# syntax=docker/dockerfile:1\nFROM alpine\n",
        "#escape=`\nFROM alpine\n",
        "# build the app\n\nARG BASE=alpine\nFROM $BASE\n",
        "from alpine AS build\n",
        "\u{feff}FROM alpine\n",
    ] {
        assert!(looks_like_dockerfile(text), "{text:?}");
    }
    // YAML that only starts with the same word, JSON, empty text.
    for text in ["FROM: alpine\n", "ARG:\n  x: 1\n", "FROM\n", "# FROM alpine\nkind: Pod\n", "{\"FROM\": 1}", ""] {
        assert!(!looks_like_dockerfile(text), "{text:?}");
    }
    // The name decides when it says something; the caller's kind decides over both.
    assert_eq!(kind("Dockerfile", "kind: Pod\n"), SourceKind::Dockerfile);
    assert_eq!(kind("app.yaml", DOCKERFILE), SourceKind::Documents);
    let as_dockerfile = SourceFile::new("app.yaml", DOCKERFILE).with_kind(Some(SourceKind::Dockerfile));
    assert_eq!(classify(&as_dockerfile), SourceKind::Dockerfile);
    let as_yaml = SourceFile::new("<stdin>", DOCKERFILE).with_kind(Some(SourceKind::Documents));
    assert_eq!(classify(&as_yaml), SourceKind::Documents);
}

#[test]
fn a_pasted_dockerfile_is_checked_as_one() {
    let r =
        scan(vec![SourceFile::new("pasted-1", "FROM ubuntu:latest\nRUN apt-get install -y curl\n")], STRICT).unwrap();
    assert!(r.findings.iter().any(|f| f.rule.starts_with("DKR")), "{:?}", r.findings);
    // Read as YAML on request, it is no Kubernetes object: an input error, not a clean report.
    let as_yaml = SourceFile::new("pasted-1", DOCKERFILE).with_kind(Some(SourceKind::Documents));
    assert!(matches!(scan(vec![as_yaml], STRICT), Err(Error::Input(_))));
}

#[test]
fn kinds_are_named_yaml_and_dockerfile() {
    assert_eq!("dockerfile".parse::<SourceKind>(), Ok(SourceKind::Dockerfile));
    assert_eq!("yaml".parse::<SourceKind>(), Ok(SourceKind::Documents));
    assert!("json".parse::<SourceKind>().unwrap_err().contains("`yaml` or `dockerfile`"));
    let file: SourceFile = serde_json::from_str(r#"{"name": "x", "content": "", "kind": "dockerfile"}"#).unwrap();
    assert_eq!(file.kind, Some(SourceKind::Dockerfile));
    assert_eq!(serde_json::to_string(&SourceFile::new("a", "b")).unwrap(), r#"{"name":"a","content":"b"}"#);
}

#[test]
fn what_is_no_kubernetes_object_is_an_error_when_content_is_required() {
    let message = |text: &str| errors(text).into_iter().map(|e| e.message).collect::<Vec<_>>();
    assert_eq!(
        message("hello\n"),
        ["not a Kubernetes object: the document is a string, not a mapping with `apiVersion` and `kind`"]
    );
    assert_eq!(
        message("[1, 2, 3]\n"),
        ["not a Kubernetes object: the document is a list, not a mapping with `apiVersion` and `kind`"]
    );
    assert_eq!(message("{\"a\": 1}"), ["not a Kubernetes object: the document is a mapping without `kind`"]);
    assert_eq!(message("kind: thing\n"), ["not a Kubernetes object: the document has `kind` but no `apiVersion`"]);
    // The second document of three, located; values are never quoted (they could be secrets).
    let e = errors(&format!("{POD}---\npassword: hunter2\n---\n{POD}"));
    assert_eq!((e.len(), e[0].document, e[0].line, e[0].column), (1, Some(1), Some(8), Some(1)));
    assert!(!e[0].to_string().contains("hunter2"), "{}", e[0]);
    // Nothing at all is nothing to check, and no error: empty text, comments, an empty List.
    for text in ["", "\n", "---\n", "# only a comment\n", "apiVersion: v1\nkind: List\nitems: []\n"] {
        assert_eq!(errors(text), [], "{text:?}");
    }
    // Dockerfiles, image metadata and Trivy reports are what `scan` reads too.
    assert_eq!(scan(vec![SourceFile::new("Dockerfile", DOCKERFILE)], REQUIRE).unwrap().errors, []);
    let skopeo = r#"{"Name": "registry.example.com/app", "Digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "RepoTags": ["1.0"], "Created": "2026-01-01T00:00:00Z", "Architecture": "amd64", "Os": "linux", "Layers": []}"#;
    assert_eq!(scan(vec![SourceFile::new("skopeo.json", skopeo)], REQUIRE).unwrap().errors, []);
    // Without the policy (a directory walk), such documents are skipped, as before.
    assert_eq!(scan(vec![SourceFile::new("values.yaml", "replicas: 3\n")], InputPolicy::default()).unwrap().errors, []);
}

#[test]
fn strict_requests_fail_with_the_first_input_error() {
    let bad = SourceFile::new("bad.yaml", "kind: Pod\nmetadata: {name: [\n");
    match scan(vec![SourceFile::new("pod.yaml", POD), bad.clone()], STRICT) {
        Err(Error::Input(e)) => {
            assert_eq!((e.file.as_str(), e.document), ("bad.yaml", Some(0)));
            assert!(e.to_string().starts_with(&format!(
                "bad.yaml:{}:{}: document 0: ",
                e.line.unwrap(),
                e.column.unwrap()
            )));
        }
        other => panic!("{other:?}"),
    }
    let lenient = scan(vec![SourceFile::new("pod.yaml", POD), bad], InputPolicy::default()).unwrap();
    assert_eq!(lenient.errors.len(), 1);
    assert!(!lenient.findings.is_empty());
    assert!(scan(vec![SourceFile::new("pod.yaml", POD)], STRICT).is_ok());
}

#[test]
fn bytes_are_decoded_as_the_command_line_decodes_files() {
    let good = SourceFile::from_utf8("pod.yaml", POD.as_bytes().to_vec());
    assert_eq!((good.content.as_str(), good.unreadable()), (POD, None));
    let bad = SourceFile::from_utf8("bad.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: \xff}\n".to_vec());
    assert_eq!(bad.unreadable(), Some("not valid UTF-8 (line 3, byte 42): YAML and JSON manifests must be UTF-8"));
    let r = scan(vec![bad.clone()], InputPolicy::default()).unwrap();
    assert_eq!((r.errors.len(), r.summary.files), (1, 1));
    assert_eq!(r.errors[0].message, bad.unreadable().unwrap());
    assert!(matches!(scan(vec![bad], STRICT), Err(Error::Input(e)) if e.file == "bad.yaml"));
    let missing = SourceFile::failed("gone.yaml", "cannot read: no such file");
    assert_eq!(scan(vec![missing], InputPolicy::default()).unwrap().errors[0].message, "cannot read: no such file");
}

#[test]
fn pss_reads_kubernetes_objects_only() {
    let pss = |files: Vec<SourceFile>, inputs| check_pss(&PssRequest { files, inputs, ..PssRequest::default() });
    let r = pss(vec![SourceFile::new("pod.yaml", POD)], STRICT).unwrap();
    assert_eq!((r.level.as_str(), r.version.as_str()), ("restricted", "latest"), "the defaults");
    assert!(!r.all_allowed());
    // A Dockerfile, pasted or by name, holds no pod to evaluate: no vacuous "allowed".
    let r = pss(vec![SourceFile::new("pasted-1", DOCKERFILE)], REQUIRE).unwrap();
    assert_eq!(
        r.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
        ["a Dockerfile holds no Kubernetes object"]
    );
    assert!(matches!(pss(vec![SourceFile::new("<input>", "hello")], STRICT), Err(Error::Input(_))));
    // Beside manifests in a directory walk, a Dockerfile is no error (cli/tests/front_door.rs).
    assert_eq!(pss(vec![SourceFile::new("Dockerfile", DOCKERFILE)], InputPolicy::default()).unwrap().errors, []);
}
