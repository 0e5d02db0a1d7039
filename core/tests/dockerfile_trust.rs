//! Dockerfiles as the build reads them: users that are root however they are written, and
//! variable expansion that cannot blow up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::dockerfile::{parse_dockerfile, DockerfileErrorKind, Lookup};
use kubeharden::{check, CheckRequest, Report, SourceFile};

fn scan(text: &str) -> Report {
    check(&CheckRequest { files: vec![SourceFile::new("Dockerfile", text)], ..Default::default() }).unwrap()
}

fn root_findings(text: &str) -> Vec<String> {
    let r = scan(text);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.findings.iter().filter(|f| f.name == "dockerfile-runs-as-root").map(|f| f.message.clone()).collect()
}

#[test]
fn users_that_are_root_however_they_are_written() {
    for user in ["$UNSET", "${UNSET}", "\"root\"", "'root'", "+0", "-0", "000", "0:0", "\"${UNSET}\""] {
        let f = root_findings(&format!("FROM alpine:3.20\nUSER {user}\n"));
        assert_eq!(f.len(), 1, "USER {user}: {f:?}");
    }
    let f = root_findings("FROM alpine:3.20\nUSER $UNSET\n");
    assert!(f[0].contains("`UNSET` has no value there"), "{}", f[0]);
    let f = root_findings("FROM alpine:3.20\nUSER \"root\"\n");
    assert!(f[0].contains("the build reads it as `root`"), "{}", f[0]);
    // a build argument without a default: root unless the build passes it
    let f = root_findings("FROM alpine:3.20\nARG APP_USER\nUSER $APP_USER\n");
    assert_eq!(f.len(), 1, "{f:?}");
}

#[test]
fn users_that_are_not_root() {
    for user in ["10001", "+10001", "app", "${U:-10001}", "\"10001\"", "10001:0"] {
        assert!(root_findings(&format!("FROM alpine:3.20\nUSER {user}\n")).is_empty(), "USER {user}");
    }
    assert!(root_findings("FROM alpine:3.20\nARG U=10001\nUSER $U\n").is_empty());
    assert!(root_findings("FROM alpine:3.20\nENV U=10001\nUSER ${U}\n").is_empty());
    // inherited through a stage
    assert!(root_findings("FROM alpine:3.20 AS base\nENV U=10001\nFROM base\nUSER $U\n").is_empty());
}

/// Values that double at every line: 1.6 KB of input once expanded to gigabytes.
#[test]
fn doubling_variables_are_refused_as_an_input_error() {
    let mut df = String::from("FROM alpine:3.20\nENV A0=xxxxxxxxxxxxxxxx\n");
    for i in 1..64 {
        df.push_str(&format!("ENV A{i}=$A{p}$A{p}\n", p = i - 1));
    }
    assert!(df.len() < 2000);
    let e = parse_dockerfile(&df).unwrap_err();
    assert_eq!(e.kind(), DockerfileErrorKind::ExpansionTooLarge);
    assert!(e.message().contains("MiB"), "{e}");
    let r = scan(&df);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].line.is_some_and(|l| l > 2), "{:?}", r.errors[0]);
    // the same through global ARGs and FROM
    let mut df = String::from("ARG A0=xxxxxxxxxxxxxxxx\n");
    for i in 1..64 {
        df.push_str(&format!("ARG A{i}=$A{p}$A{p}\n", p = i - 1));
    }
    df.push_str("FROM alpine:$A63\n");
    assert_eq!(parse_dockerfile(&df).unwrap_err().kind(), DockerfileErrorKind::ExpansionTooLarge);
    // deep defaults
    let deep = format!("FROM alpine:3.20\nUSER {}x{}\n", "${U:-".repeat(100), "}".repeat(100));
    assert_eq!(parse_dockerfile(&deep).unwrap_err().kind(), DockerfileErrorKind::ExpansionTooLarge);
}

#[test]
fn many_stages_and_variables_parse() {
    // Named stages, each built on the one before, each with variables and a pip install: the
    // stage lookup, the inherited variables and the per-RUN variable lookups must all stay
    // linear (time_linearity measures it; here: it finishes and reads right).
    let mut df = String::from("FROM python:3.12-slim AS s0\nENV PIP_NO_CACHE_DIR=1 V0=x\n");
    for i in 1..1000 {
        df.push_str(&format!("FROM s{p} AS s{i}\nENV V{i}=${{V{p}}}\nRUN pip install x{i}\n", p = i - 1));
    }
    df.push_str("USER 10001\n");
    let parsed = parse_dockerfile(&df).unwrap();
    assert_eq!(parsed.stages.len(), 1000);
    assert_eq!(parsed.stages[999].parent, Some(998));
    let last = &parsed.stages[999];
    let vars = parsed.vars_at(last, last.end);
    assert_eq!(vars.var("V999"), Some(Some("x")));
    assert_eq!(vars.var("V1"), Some(Some("x")), "inherited from stage 1");
    assert_eq!(vars.var("V1000"), None);
    let r = scan(&df);
    assert!(r.errors.is_empty());
    assert!(!r.findings.iter().any(|f| f.name == "dockerfile-package-cache"), "PIP_NO_CACHE_DIR is inherited");
    // values that grow along a long chain of stages are inherited by every stage: bounded
    let mut df = String::from("FROM alpine:3.20 AS s0\nENV V0=x\n");
    for i in 1..3000 {
        df.push_str(&format!("FROM s{p} AS s{i}\nENV V{i}=${{V{p}}}x\n", p = i - 1));
    }
    assert_eq!(parse_dockerfile(&df).unwrap_err().kind(), DockerfileErrorKind::ExpansionTooLarge);
}
