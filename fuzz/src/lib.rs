//! Shared harness of the fuzz targets: run an input through the public entry points and check
//! the invariants every report must hold. A target is one file in `fuzz_targets/` that feeds
//! bytes (or a structured value) to [`scan_checked`]; e.g. a Dockerfile target is
//! `fuzz_target!(|data: &[u8]| { kubeharden_fuzz::scan_checked("Dockerfile", &lossy(data)); })`.
//!
//! Panics here are the point: libFuzzer reports them as crashes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use kubeharden::syntax::{Node, Value};
use kubeharden::{Checker, Config, Finding, Report, SourceFile};

#[path = "../../core/tests/support/tree.rs"]
pub mod tree;

use tree::Tree;

/// The fixed "now" of every fuzz run (the library has no clock).
pub const NOW: &str = "2026-11-22T00:00:00Z";

/// A checker with the default configuration and every rule enabled, built once.
pub fn checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| {
        let enable = kubeharden::RULES.iter().map(|r| r.meta().id.0.to_owned()).collect();
        Checker::new(&Config { enable, ..Config::default() }, Some(NOW)).expect("default config")
    })
}

/// Bytes as text: invalid UTF-8 replaced, as a caller that decoded leniently would pass it.
#[must_use]
pub fn lossy(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The greatest line number a position in `text` may have: line breaks (`\r\n`, `\r`, `\n`,
/// as YAML counts them) plus one.
#[must_use]
pub fn max_line(text: &str) -> u32 {
    let b = text.as_bytes();
    let mut n = 1u32;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

fn walk(node: &Node, max: u32, what: &str) {
    assert!(node.pos.line >= 1 && node.pos.line <= max, "{what}: node line {} outside 1..={max}", node.pos.line);
    assert!(node.pos.column >= 1, "{what}: column 0");
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| walk(n, max, what)),
        Value::Map(entries) => {
            for e in entries {
                assert!(
                    e.key_pos.line >= 1 && e.key_pos.line <= max,
                    "{what}: key line {} outside 1..={max}",
                    e.key_pos.line
                );
                walk(&e.value, max, what);
            }
        }
        _ => {}
    }
}

/// Checks one file with [`checker`] and asserts the report's invariants: every syntax-tree
/// position and every finding's line lies inside the text, every finding names an existing
/// document, every fix applies to the text, the report survives a JSON round trip, and the text
/// renderer does not panic.
pub fn scan_checked(name: &str, text: &str) -> Report {
    let c = checker();
    let src = SourceFile::new(name, text);
    let max = max_line(text);
    let sources = [kubeharden::source::parse(&src, c.parse_options())];
    let docs = &sources[0].documents;
    for d in docs {
        walk(&d.root, max, name);
    }
    let mut report = c.check_sources(&sources);
    // Each finding's fix as edits of the text, as `scan` and `fix` make them: every fix's edits
    // apply to the text.
    kubeharden::fix::resolve(&mut report, std::slice::from_ref(&src), &sources);
    for f in &report.findings {
        if let Some(fix) = f.fix.as_ref().filter(|x| !x.edits.is_empty()) {
            if let Err(e) = kubeharden::fix::text::apply_edits(text, &fix.edits) {
                panic!("the fix of {} does not apply: {e}", f.rule);
            }
        }
    }
    for f in &report.findings {
        assert_eq!(f.file.as_deref(), Some(name));
        let line = f.line.expect("a finding has a line");
        assert!(line >= 1 && line <= max, "finding {} at line {line} outside 1..={max}", f.rule);
        // manifest and image-metadata findings name their document; Dockerfile findings have none
        if let Some(doc) = f.document {
            assert!(docs.iter().any(|d| d.index == doc), "finding {} names document {doc}, which was not read", f.rule);
        }
    }
    for e in &report.errors {
        if let Some(l) = e.line {
            assert!(l >= 1 && l <= max + 1, "error at line {l} outside 1..={}: {}", max + 1, e.message);
        }
    }
    let json = report.to_json();
    let back: Report = serde_json::from_str(&json).expect("report JSON parses");
    // Everything but the secret values the report knows of (`Report::redactions`), which are
    // never serialized.
    // A fix without edits (none could be made) is not written either.
    let mut written = report.clone();
    written.redactions = Default::default();
    for f in &mut written.findings {
        if kubeharden::api::Fix::unresolved(&f.fix) {
            f.fix = None;
        }
    }
    assert_eq!(back, written, "report JSON round trip");
    let _ = kubeharden::report::text::render(&report, &[src], false);
    report
}

/// What must be equal between two renderings of the same objects: everything but line/column.
#[must_use]
pub fn finding_key(f: &Finding) -> (String, String, String, Option<String>, Option<String>, Option<usize>) {
    (f.rule.clone(), f.fingerprint.clone(), f.message.clone(), f.path.clone(), f.container.clone(), f.document)
}

const KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "spec",
    "template",
    "jobTemplate",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "securityContext",
    "privileged",
    "runAsNonRoot",
    "runAsUser",
    "image",
    "items",
    "annotations",
    "labels",
    "hostNetwork",
    "capabilities",
    "add",
    "drop",
    "seccompProfile",
    "type",
    "kubeharden.io/ignore.privileged-container",
    "kubeharden.io/ignore.run-as-non-root.app",
    "<<",
    "",
];
const STRS: &[&str] = &[
    "v1",
    "apps/v1",
    "apps/v2",
    "batch/v1",
    "List",
    "PodList",
    "Pod",
    "Deployment",
    "CronJob",
    "Job",
    "StatefulSet",
    "DaemonSet",
    "PodTemplate",
    "app",
    "nginx",
    "yes",
    "on",
    "0",
    "true",
    "",
    "x y",
    "ALL",
    "NET_ADMIN",
    "RuntimeDefault",
    "reason",
    "é\u{2028}\"\\",
];
const POD_KINDS: &[&str] =
    &["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "PodTemplate", "Rollout"];

fn pick<'a>(u: &mut Unstructured<'_>, from: &[&'a str]) -> Result<&'a str> {
    Ok(*u.choose(from)?)
}

fn string(u: &mut Unstructured<'_>, vocab: &[&str]) -> Result<String> {
    if u.ratio(1, 8)? {
        u.arbitrary::<String>()
    } else {
        Ok(pick(u, vocab)?.to_owned())
    }
}

/// An arbitrary value tree, keys mostly from a Kubernetes vocabulary.
pub fn gen_tree(u: &mut Unstructured<'_>, depth: usize) -> Result<Tree> {
    let choice = if depth >= 6 { u.int_in_range(0..=3)? } else { u.int_in_range(0..=5)? };
    Ok(match choice {
        0 => Tree::Null,
        1 => Tree::Bool(u.arbitrary()?),
        2 => Tree::Int(if u.ratio(1, 4)? { u.arbitrary()? } else { u.int_in_range(-2..=70000)? }),
        3 => Tree::Str(string(u, STRS)?),
        4 => {
            let n = u.int_in_range(0..=3)?;
            Tree::Seq((0..n).map(|_| gen_tree(u, depth + 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=4)?;
            Tree::Map((0..n).map(|_| Ok((string(u, KEYS)?, gen_tree(u, depth + 1)?))).collect::<Result<_>>()?)
        }
    })
}

fn sc_value(u: &mut Unstructured<'_>) -> Result<Tree> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Tree::Bool(true),
        1 => Tree::Bool(false),
        2 => Tree::Null,
        3 => Tree::Int(u.int_in_range(-1..=2000)?),
        4 => Tree::Str(pick(u, &["true", "yes", "0", "1000", ""])?.to_owned()),
        _ => gen_tree(u, 5)?,
    })
}

/// A pod-bearing object (or a `kind: List` of them, nested up to 3 levels) with arbitrary
/// security-context fields and arbitrary extra entries.
pub fn gen_object(u: &mut Unstructured<'_>, depth: usize) -> Result<Tree> {
    if depth < 3 && u.ratio(1, 4)? {
        let n = u.int_in_range(0..=4)?;
        let items = (0..n).map(|_| gen_object(u, depth + 1)).collect::<Result<Vec<_>>>()?;
        let kind = pick(u, &["List", "PodList", "DeploymentList"])?;
        return Ok(Tree::map(vec![
            ("apiVersion", Tree::s("v1")),
            ("kind", Tree::s(kind)),
            ("items", Tree::Seq(items)),
        ]));
    }
    if u.ratio(1, 8)? {
        return gen_tree(u, 0);
    }
    let kind = pick(u, POD_KINDS)?;
    let n = u.int_in_range(0..=3)?;
    let mut containers = Vec::new();
    for i in 0..n {
        let mut sc = Vec::new();
        for key in ["privileged", "runAsNonRoot", "runAsUser", "allowPrivilegeEscalation"] {
            if u.arbitrary()? {
                sc.push((key.to_owned(), sc_value(u)?));
            }
        }
        let mut c = vec![("name".to_owned(), Tree::Str(format!("c{i}"))), ("image".to_owned(), Tree::s("nginx"))];
        if u.arbitrary()? {
            c.push(("securityContext".to_owned(), Tree::Map(sc)));
        }
        if u.ratio(1, 4)? {
            c.push((string(u, KEYS)?, gen_tree(u, 3)?));
        }
        containers.push(Tree::Map(c));
    }
    let mut pod = vec![("containers".to_owned(), Tree::Seq(containers))];
    if u.arbitrary()? {
        pod.push(("securityContext".to_owned(), Tree::map(vec![("runAsNonRoot", sc_value(u)?)])));
    }
    if u.ratio(1, 4)? {
        pod.push((string(u, KEYS)?, gen_tree(u, 2)?));
    }
    let pod = Tree::Map(pod);
    let template = Tree::map(vec![
        ("metadata", Tree::map(vec![("labels", Tree::map(vec![("app", Tree::s("x"))]))])),
        ("spec", pod.clone()),
    ]);
    let spec = match kind {
        "Pod" => pod,
        "PodTemplate" => template.clone(),
        "CronJob" => {
            Tree::map(vec![("jobTemplate", Tree::map(vec![("spec", Tree::map(vec![("template", template.clone())]))]))])
        }
        _ => Tree::map(vec![("template", template.clone())]),
    };
    let api = if u.ratio(1, 6)? { string(u, STRS)? } else { "apps/v1".to_owned() };
    let mut meta = vec![("name", Tree::Str(string(u, STRS)?))];
    if u.ratio(1, 4)? {
        meta.push((
            "annotations",
            Tree::map(vec![("kubeharden.io/ignore.privileged-container", Tree::Str(string(u, STRS)?))]),
        ));
    }
    let (spec_key, spec) = if kind == "PodTemplate" { ("template", template) } else { ("spec", spec) };
    let mut obj =
        vec![("apiVersion", Tree::Str(api)), ("kind", Tree::s(kind)), ("metadata", Tree::map(meta)), (spec_key, spec)];
    if u.ratio(1, 8)? {
        let i = u.int_in_range(0..=3)?;
        obj.remove(i);
    }
    Ok(Tree::map(obj))
}
