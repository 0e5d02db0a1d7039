//! Properties (proptest) over arbitrary YAML text and arbitrary Kubernetes-shaped objects: pods
//! of every pod-bearing kind with random security-context fields (valid, mistyped or null).
//! Case counts are modest so the suite stays well under a minute in a debug build.

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)]

#[path = "support/tree.rs"]
mod tree;

use std::collections::BTreeSet;

use kubeharden::rules::registry;
use kubeharden::{check, CheckRequest, Config, Finding, Report, SourceFile};
use proptest::prelude::*;
use tree::Tree;

fn scan_all(files: Vec<SourceFile>) -> Report {
    // Every rule on, default-off ones included.
    let enable = kubeharden::RULES.iter().map(|r| r.meta().id.0.to_owned()).collect();
    let config = Config { enable, ..Config::default() };
    check(&CheckRequest { files, config, now: Some("2026-11-22T00:00:00Z".to_owned()), ..CheckRequest::default() })
        .unwrap()
}

fn scan(name: &str, text: &str) -> Report {
    scan_all(vec![SourceFile::new(name, text)])
}

/// What identifies a finding across renderings and orders: rule and fingerprint.
fn ids(r: &Report) -> Vec<(String, String)> {
    let mut v: Vec<_> = r.findings.iter().map(|f| (f.rule.clone(), f.fingerprint.clone())).collect();
    v.sort();
    v
}

/// Everything but the position (and the file name, which picks the reader).
fn unplaced(f: &Finding) -> (String, String, String, Option<usize>, Option<String>, Option<String>) {
    (f.rule.clone(), f.fingerprint.clone(), f.message.clone(), f.document, f.path.clone(), f.container.clone())
}

// ---------------------------------------------------------------- generators

fn sc_value(valid: Tree) -> impl Strategy<Value = Tree> {
    prop_oneof![
        4 => Just(valid),
        2 => any::<bool>().prop_map(Tree::Bool),
        1 => Just(Tree::Null),
        1 => (-1i64..70_000).prop_map(Tree::Int),
        1 => prop::sample::select(vec!["true", "yes", "0", "1000", "RuntimeDefault", ""]).prop_map(Tree::s),
    ]
}

fn caps() -> impl Strategy<Value = Tree> {
    let names = prop::sample::select(vec!["ALL", "all", "NET_ADMIN", "SYS_ADMIN", "CHOWN", "NET_BIND_SERVICE"]);
    (prop::collection::vec(names.clone(), 0..3), prop::collection::vec(names, 0..3)).prop_map(|(add, drop)| {
        Tree::map(vec![
            ("add", Tree::Seq(add.into_iter().map(Tree::s).collect())),
            ("drop", Tree::Seq(drop.into_iter().map(Tree::s).collect())),
        ])
    })
}

/// A security context with a random subset of fields (container-level when `container`).
fn security_context(container: bool) -> impl Strategy<Value = Tree> {
    (
        prop::option::of(sc_value(Tree::Bool(false))),
        prop::option::of(sc_value(Tree::Bool(false))),
        prop::option::of(sc_value(Tree::Bool(true))),
        prop::option::of(sc_value(Tree::Int(10001))),
        prop::option::of(sc_value(Tree::Bool(true))),
        prop::option::of(caps()),
        prop::option::of(sc_value(Tree::s("RuntimeDefault"))),
    )
        .prop_map(move |(privileged, ape, ranr, rau, rorf, caps, seccomp)| {
            let mut m = Vec::new();
            let mut put = |k: &str, v: Option<Tree>| {
                if let Some(v) = v {
                    m.push((k.to_owned(), v));
                }
            };
            if container {
                put("privileged", privileged);
                put("allowPrivilegeEscalation", ape);
                put("readOnlyRootFilesystem", rorf);
                put("capabilities", caps);
            }
            put("runAsNonRoot", ranr);
            put("runAsUser", rau);
            put("seccompProfile", seccomp.map(|t| Tree::map(vec![("type", t)])));
            Tree::Map(m)
        })
}

fn container(name: String) -> impl Strategy<Value = Tree> {
    (
        prop::option::of(security_context(true)),
        prop::sample::select(vec!["nginx", "nginx:latest", "registry.example.com/app:1.0.0", "app@sha256:00"]),
        any::<bool>(),
    )
        .prop_map(move |(sc, image, resources)| {
            let mut c = vec![("name", Tree::Str(name.clone())), ("image", Tree::s(image))];
            if let Some(sc) = sc {
                c.push(("securityContext", sc));
            }
            if resources {
                let r = Tree::map(vec![("cpu", Tree::s("100m")), ("memory", Tree::s("64Mi"))]);
                c.push(("resources", Tree::map(vec![("requests", r.clone()), ("limits", r)])));
            }
            Tree::map(c)
        })
}

fn pod_spec() -> impl Strategy<Value = Tree> {
    (
        (1usize..3).prop_flat_map(|n| (0..n).map(|i| container(format!("c{i}"))).collect::<Vec<_>>()),
        prop::collection::vec(container("init".to_owned()), 0..2),
        prop::option::of(security_context(false)),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(containers, init, sc, host_network, automount)| {
            let mut p = vec![("containers", Tree::Seq(containers))];
            if !init.is_empty() {
                p.push(("initContainers", Tree::Seq(init)));
            }
            if let Some(sc) = sc {
                p.push(("securityContext", sc));
            }
            if let Some(h) = host_network {
                p.push(("hostNetwork", Tree::Bool(h)));
            }
            if let Some(a) = automount {
                p.push(("automountServiceAccountToken", Tree::Bool(a)));
            }
            Tree::map(p)
        })
}

const KINDS: &[(&str, &str)] = &[
    ("Pod", "v1"),
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("Job", "batch/v1"),
    ("CronJob", "batch/v1"),
    ("PodTemplate", "v1"),
    ("Rollout", "argoproj.io/v1alpha1"),
];

/// A pod-bearing object named `name`, its pod spec where its kind keeps it.
fn object(name: String) -> impl Strategy<Value = Tree> {
    (prop::sample::select(KINDS), pod_spec(), prop::option::of(prop::sample::select(vec!["prod", "dev"]))).prop_map(
        move |((kind, api), pod, ns)| {
            let template = Tree::map(vec![
                ("metadata", Tree::map(vec![("labels", Tree::map(vec![("app", Tree::s("x"))]))])),
                ("spec", pod.clone()),
            ]);
            let (key, body) = match kind {
                "Pod" => ("spec", pod),
                "PodTemplate" => ("template", template),
                "CronJob" => (
                    "spec",
                    Tree::map(vec![(
                        "jobTemplate",
                        Tree::map(vec![("spec", Tree::map(vec![("template", template)]))]),
                    )]),
                ),
                _ => ("spec", Tree::map(vec![("template", template)])),
            };
            let mut meta = vec![("name", Tree::Str(name.clone()))];
            if let Some(ns) = ns {
                meta.push(("namespace", Tree::s(ns)));
            }
            Tree::map(vec![
                ("apiVersion", Tree::s(api)),
                ("kind", Tree::s(kind)),
                ("metadata", Tree::map(meta)),
                (key, body),
            ])
        },
    )
}

fn objects() -> impl Strategy<Value = Vec<Tree>> {
    (1usize..4).prop_flat_map(|n| (0..n).map(|i| object(format!("obj{i}"))).collect::<Vec<_>>())
}

/// A deterministic permutation of `0..n` from a seed.
fn permutation(n: usize, mut seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        v.swap(i, (seed >> 33) as usize % (i + 1));
    }
    v
}

/// The tree with the keys of every mapping permuted.
fn shuffle_keys(t: &Tree, seed: u64) -> Tree {
    match t {
        Tree::Map(m) => {
            let p = permutation(m.len(), seed);
            Tree::Map(
                p.into_iter()
                    .map(|i| (m[i].0.clone(), shuffle_keys(&m[i].1, seed.rotate_left(7) ^ i as u64)))
                    .collect(),
            )
        }
        Tree::Seq(s) => Tree::Seq(s.iter().map(|x| shuffle_keys(x, seed.rotate_left(3))).collect()),
        other => other.clone(),
    }
}

fn stream(docs: &[Tree]) -> String {
    docs.iter().map(|d| format!("---\n{}", d.to_yaml())).collect()
}

/// The pod spec of an object made by [`object`].
fn pod_of(obj: &mut Tree) -> &mut Tree {
    let kind = match obj.get_mut("kind") {
        Some(Tree::Str(k)) => k.clone(),
        _ => unreachable!(),
    };
    match kind.as_str() {
        "Pod" => obj.get_mut("spec").unwrap(),
        "PodTemplate" => obj.get_mut("template").unwrap().get_mut("spec").unwrap(),
        "CronJob" => obj
            .get_mut("spec")
            .and_then(|s| s.get_mut("jobTemplate"))
            .and_then(|s| s.get_mut("spec"))
            .and_then(|s| s.get_mut("template"))
            .and_then(|s| s.get_mut("spec"))
            .unwrap(),
        _ => obj.get_mut("spec").and_then(|s| s.get_mut("template")).and_then(|s| s.get_mut("spec")).unwrap(),
    }
}

fn set(map: &mut Tree, key: &str, value: Tree) {
    if let Tree::Map(m) = map {
        m.retain(|(k, _)| k != key);
        m.push((key.to_owned(), value));
    } else {
        *map = Tree::map(vec![(key, value)]);
    }
}

/// Hardening a container's `securityContext.<field>` to the value the rule asks for.
const CONTAINER_HARDENING: &[(&str, &str)] = &[
    ("privileged", "privileged-container"),
    ("allowPrivilegeEscalation", "privilege-escalation-allowed"),
    ("runAsNonRoot", "run-as-non-root"),
    ("runAsUser", "run-as-root-user"),
    ("readOnlyRootFilesystem", "writable-root-filesystem"),
    ("capabilities", "capabilities-drop-all-missing"),
    ("seccompProfile", "seccomp-profile-missing"),
];

fn hardened(field: &str) -> Tree {
    match field {
        "privileged" | "allowPrivilegeEscalation" => Tree::Bool(false),
        "runAsNonRoot" | "readOnlyRootFilesystem" => Tree::Bool(true),
        "runAsUser" => Tree::Int(10001),
        "capabilities" => Tree::map(vec![("drop", Tree::Seq(vec![Tree::s("ALL")]))]),
        _ => Tree::map(vec![("type", Tree::s("RuntimeDefault"))]),
    }
}

fn of_rule(r: &Report, name: &str) -> BTreeSet<String> {
    r.findings.iter().filter(|f| f.name == name).map(|f| f.fingerprint.clone()).collect()
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary YAML-ish text never panics, as `.yaml` or as `.json`.
    #[test]
    fn no_panic_on_arbitrary_yaml(text in "[-a-zA-Z0-9 :\\[\\]{}&*!|>'\"#,?%@`~\n\t\r\u{feff}é.]{0,300}") {
        let r = scan("x.yaml", &text);
        prop_assert!(r.to_json().contains("\"version\": 1"));
        let _ = scan("x.json", &text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Well-formed Kubernetes-shaped YAML reads without any error, and every finding has a line
    /// inside its own document.
    #[test]
    fn findings_lie_inside_their_documents(docs in objects()) {
        let text = stream(&docs);
        let r = scan("s.yaml", &text);
        prop_assert!(r.errors.is_empty(), "{:?}\n{}", r.errors, text);
        // Document i spans from its `---` line to the line before the next one.
        let starts: Vec<u32> = text.lines().enumerate().filter(|(_, l)| *l == "---").map(|(i, _)| i as u32 + 1).collect();
        let total = text.lines().count() as u32;
        for f in &r.findings {
            let d = f.document.unwrap();
            let (lo, hi) = (starts[d], starts.get(d + 1).map_or(total, |s| s - 1));
            let line = f.line.unwrap();
            prop_assert!(lo <= line && line <= hi, "{} at line {line}, document {d} is {lo}..={hi}\n{text}", f.rule);
        }
    }

    /// Neither the order of documents nor the order of keys changes the findings.
    #[test]
    fn document_and_key_order_do_not_change_findings(docs in objects(), seed in any::<u64>()) {
        let before = ids(&scan("s.yaml", &stream(&docs)));
        let p = permutation(docs.len(), seed);
        let moved: Vec<Tree> = p.iter().map(|&i| docs[i].clone()).collect();
        prop_assert_eq!(&before, &ids(&scan("s.yaml", &stream(&moved))));
        let shuffled: Vec<Tree> = docs.iter().map(|d| shuffle_keys(d, seed)).collect();
        prop_assert_eq!(&before, &ids(&scan("s.yaml", &stream(&shuffled))));
    }

    /// The JSON and the YAML rendering of an object give the same findings, position aside.
    #[test]
    fn json_and_yaml_give_the_same_findings(docs in objects()) {
        for d in &docs {
            let (j, y) = (scan("o.json", &d.to_json()), scan("o.yaml", &d.to_yaml()));
            prop_assert!(j.errors.is_empty() && y.errors.is_empty(), "{:?} {:?}", j.errors, y.errors);
            let mut a: Vec<_> = j.findings.iter().map(unplaced).collect();
            let mut b: Vec<_> = y.findings.iter().map(unplaced).collect();
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
        }
    }

    /// Hardening a container field never adds a finding of that field's rule.
    #[test]
    fn hardening_a_field_never_adds_its_rules_findings(mut obj in object("o".to_owned()), which in 0usize..CONTAINER_HARDENING.len(), ci in 0usize..3) {
        let (field, rule) = CONTAINER_HARDENING[which];
        prop_assume!(registry::find(rule).is_some());
        let before = of_rule(&scan("h.yaml", &obj.to_yaml()), rule);
        let pod = pod_of(&mut obj);
        let Some(Tree::Seq(cs)) = pod.get_mut("containers") else { unreachable!() };
        let n = cs.len();
        let c = &mut cs[ci % n];
        if c.get_mut("securityContext").is_none() {
            set(c, "securityContext", Tree::Map(Vec::new()));
        }
        set(c.get_mut("securityContext").unwrap(), field, hardened(field));
        let text = obj.to_yaml();
        let after = of_rule(&scan("h.yaml", &text), rule);
        prop_assert!(after.is_subset(&before), "{rule}: {after:?} not in {before:?}\n{text}");
    }

    /// Hardening pod-level fields never adds findings of their rules.
    #[test]
    fn hardening_pod_fields_never_adds_their_rules_findings(mut obj in object("o".to_owned())) {
        let before = scan("h.yaml", &obj.to_yaml());
        let pod = pod_of(&mut obj);
        set(pod, "hostNetwork", Tree::Bool(false));
        set(pod, "automountServiceAccountToken", Tree::Bool(false));
        let after = scan("h.yaml", &obj.to_yaml());
        for rule in ["host-namespaces", "service-account-token-automount"] {
            prop_assert!(of_rule(&after, rule).is_subset(&of_rule(&before, rule)), "{}", rule);
        }
    }

    /// The report serialises to JSON and parses back identically.
    #[test]
    fn report_json_round_trips(docs in objects(), extra in "[a-z:\\[\\]{} \n-]{0,40}") {
        let r = scan_all(vec![SourceFile::new("a.yaml", stream(&docs)), SourceFile::new("b.yaml", extra)]);
        let back: Report = serde_json::from_str(&r.to_json()).unwrap();
        prop_assert_eq!(back, r);
    }
}

// ---------------------------------------------------------------- fixes

/// `kubeharden fix --unsafe-fixes` with every rule on.
fn fix_all(name: &str, text: &str) -> kubeharden::fix::FixOutcome {
    let enable = kubeharden::RULES.iter().map(|r| r.meta().id.0.to_owned()).collect();
    let req = CheckRequest {
        files: vec![SourceFile::new(name, text)],
        config: Config { enable, ..Config::default() },
        now: Some("2026-11-22T00:00:00Z".to_owned()),
        ..CheckRequest::default()
    };
    kubeharden::fix::fix_files(&req, true).unwrap()
}

/// The leaves of a document by field path, written as findings write them
/// (`spec.containers[0].image`).
fn leaves(v: &serde_yaml::Value, at: &str, out: &mut std::collections::BTreeMap<String, String>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, x) in m {
                let k = k.as_str().unwrap_or_default();
                leaves(x, &if at.is_empty() { k.to_owned() } else { format!("{at}.{k}") }, out);
            }
        }
        serde_yaml::Value::Sequence(s) => {
            for (i, x) in s.iter().enumerate() {
                leaves(x, &format!("{at}[{i}]"), out);
            }
        }
        other => {
            out.insert(at.to_owned(), serde_yaml::to_string(other).unwrap());
        }
    }
}

fn documents(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    use serde::Deserialize as _;
    serde_yaml::Deserializer::from_str(text)
        .map(|d| {
            let v = serde_yaml::Value::deserialize(d).unwrap();
            let mut m = std::collections::BTreeMap::new();
            leaves(&v, "", &mut m);
            m
        })
        .filter(|m| !m.is_empty())
        .collect()
}

/// The field path a fix edits, and the mapping or list that holds it.
fn edited(path: &str) -> (String, String) {
    let parent = match path.rfind(['.', '[']) {
        Some(i) => path[..i].to_owned(),
        None => String::new(),
    };
    (path.to_owned(), parent)
}

/// The fields an applied finding's fix edits ([`edited`]): its own and, for a missing request
/// whose finding holds the missing limit too (one problem, one finding), the limit.
fn fixed_fields(f: &Finding) -> Vec<(String, String)> {
    let Some(path) = f.path.as_deref() else { return Vec::new() };
    let mut out = vec![edited(path)];
    if f.fix.as_ref().is_some_and(|x| x.message.contains("`resources.limits.")) {
        out.push(edited(&path.replace(".resources.requests.", ".resources.limits.")));
    }
    out
}

fn under(p: &str, q: &str) -> bool {
    q.is_empty() || p == q || p.starts_with(&format!("{q}.")) || p.starts_with(&format!("{q}["))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Fixing never adds a finding of a fixed rule on the fixed field, nor leaves one it fixed.
    #[test]
    fn fixing_never_adds_a_finding_of_the_fixed_rule_on_its_field(docs in objects()) {
        let o = fix_all("f.yaml", &stream(&docs));
        let key = |f: &Finding| (f.rule.clone(), f.fingerprint.clone(), f.path.clone());
        let before: BTreeSet<_> = o.before.findings.iter().map(key).collect();
        let fixed_rules: BTreeSet<&str> = o.applied.iter().map(|f| f.rule.as_str()).collect();
        for f in o.report.findings.iter().filter(|f| fixed_rules.contains(f.rule.as_str())) {
            prop_assert!(before.contains(&key(f)), "new after the fix: {:?}", f);
        }
        let after: BTreeSet<_> = o.report.findings.iter().map(|f| (f.rule.clone(), f.fingerprint.clone(), f.path.clone(), f.message.clone())).collect();
        for f in &o.applied {
            prop_assert!(!after.contains(&(f.rule.clone(), f.fingerprint.clone(), f.path.clone(), f.message.clone())), "still there: {:?}", f);
        }
    }

    /// A second fix changes nothing, in YAML and in JSON.
    #[test]
    fn fix_is_idempotent(docs in objects(), json in any::<bool>()) {
        let (name, text) = if json { ("f.json", docs[0].to_json()) } else { ("f.yaml", stream(&docs)) };
        let once = fix_all(name, &text);
        prop_assert!(once.files[0].reverted.is_none(), "{:?}", once.files[0].reverted);
        let fixed = once.files[0].fixed.clone();
        let twice = fix_all(name, &fixed);
        prop_assert_eq!(&twice.files[0].fixed, &fixed);
        prop_assert!(twice.applied.is_empty(), "{:?}", twice.applied);
    }

    /// The fixed text parses (with another YAML reader) to the same objects, plus the fields the
    /// applied fixes edit: every other value is unchanged, every new value lies beside a fixed
    /// field, and a new document is a NetworkPolicy.
    #[test]
    fn fixed_text_parses_to_the_same_objects_plus_the_edited_fields(docs in objects(), json in any::<bool>()) {
        let (name, text) = if json { ("f.json", docs[0].to_json()) } else { ("f.yaml", stream(&docs)) };
        let o = fix_all(name, &text);
        let (old, new) = (documents(&text), documents(&o.files[0].fixed));
        prop_assert!(new.len() >= old.len());
        for extra in new.iter().skip(old.len()) {
            prop_assert_eq!(extra.get("kind").map(String::as_str), Some("NetworkPolicy\n"));
        }
        let fields: Vec<(String, String)> = o.applied.iter().flat_map(fixed_fields).collect();
        for (a, b) in old.iter().zip(&new) {
            for (p, v) in a {
                if b.get(p) != Some(v) {
                    // A null value is an unset field: it may be set beside a fixed one.
                    let beside = v == "null\n";
                    prop_assert!(fields.iter().any(|(q, parent)| under(p, q) || ((beside || q.ends_with(']')) && under(p, parent))), "{} changed ({} → {:?}); fixed: {:?}", p, v, b.get(p), fields);
                }
            }
            for (p, v) in b {
                if a.get(p) != Some(v) {
                    prop_assert!(fields.iter().any(|(_, parent)| under(p, parent)), "{} is new ({}); fixed: {:?}", p, v, fields);
                }
            }
        }
    }
}
