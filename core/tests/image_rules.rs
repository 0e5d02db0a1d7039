//! Image rules beyond their fixtures (core/tests/rules.rs runs those, core/tests/docs.rs the docs
//! examples): the seeds' Dockerfiles, suppression comments, redaction, the vulnerability gate's
//! options, and the manifest × image cross-check.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "test helpers fail loudly")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kubeharden::config::{Options, VulnerabilityWaiver};
use kubeharden::rules::registry;
use kubeharden::{check, CheckRequest, Config, Report, Severity, SourceFile};

#[path = "support/shared.rs"]
mod shared;

const NOW: &str = "2026-11-22T00:00:00Z";

fn run(files: Vec<SourceFile>, config: Config) -> Report {
    check(&CheckRequest { files, config, now: Some(NOW.to_owned()), ..Default::default() }).unwrap()
}

fn run_one(name: &str, text: &str) -> Report {
    run(vec![SourceFile::new(name, text)], Config::default())
}

fn names(r: &Report) -> BTreeSet<String> {
    r.findings.iter().map(|f| f.name.clone()).collect()
}

/// The checklist's example Dockerfiles (`tests/data/seed-examples/`, verbatim copies of
/// `../shared/seed-examples`) and the rules each one fires.
const SEEDS: &[(&str, &[&str])] = &[
    (
        "Dockerfile.bad-ubuntu",
        &[
            "dockerfile-apt-install-recommends",
            "dockerfile-build-tools-in-final-stage",
            "dockerfile-package-cache",
            "dockerfile-runs-as-root",
        ],
    ),
    ("Dockerfile.go-single-stage", &["dockerfile-build-tools-in-final-stage", "dockerfile-runs-as-root"]),
    ("Dockerfile.go-distroless", &["dockerfile-base-image-unpinned", "dockerfile-user-not-numeric"]),
    ("Dockerfile.good-python-slim", &["dockerfile-user-not-numeric"]),
    ("Dockerfile.nonroot-named", &["dockerfile-user-not-numeric"]),
    ("Dockerfile.nonroot-uid", &["dockerfile-user-not-numeric"]),
];

fn seed(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seed-examples").join(name)).unwrap()
}

#[test]
fn seeds_give_what_a_reader_expects() {
    for (name, expected) in SEEDS {
        let report = run_one(name, &seed(name));
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        let got = names(&report);
        let want: BTreeSet<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(got, want, "{name}");
    }
    // bad-ubuntu: the pip cache and the apt lists are two findings, on lines 2 and 4
    let r = run_one("Dockerfile.bad-ubuntu", &seed("Dockerfile.bad-ubuntu"));
    let cache: Vec<u32> =
        r.findings.iter().filter(|f| f.name == "dockerfile-package-cache").filter_map(|f| f.line).collect();
    assert_eq!(cache, vec![2, 4]);
    let tools = r.findings.iter().find(|f| f.name == "dockerfile-build-tools-in-final-stage").unwrap();
    assert!(
        tools.message.contains("python3-pip") && tools.message.contains("--no-install-recommends"),
        "{}",
        tools.message
    );
    // go-distroless: the unpinned base is the runtime stage (line 8), not the pinned builder
    let r = run_one("Dockerfile.go-distroless", &seed("Dockerfile.go-distroless"));
    let f = r.findings.iter().find(|f| f.name == "dockerfile-base-image-unpinned").unwrap();
    assert_eq!((f.line, f.path.as_deref()), (Some(8), Some("stage[1].FROM")));
    assert_eq!(f.object.as_ref().map(|o| o.kind.as_str()), Some("Dockerfile"));
    let u = r.findings.iter().find(|f| f.name == "dockerfile-user-not-numeric").unwrap();
    assert!(u.message.contains("65532"), "{}", u.message);
    // nonroot-uid: the fix suggests the UID the Dockerfile created
    let r = run_one("Dockerfile.nonroot-uid", &seed("Dockerfile.nonroot-uid"));
    assert!(r.findings[0].message.contains("`USER 1001`"), "{}", r.findings[0].message);
}

#[test]
fn suppression_comments_need_a_reason() {
    let with = "FROM ubuntu:22.04\n# kubeharden ignore=dockerfile-apt-install-recommends,DKR005 reason=\"tiny image anyway\"\nRUN apt-get update && apt-get install -y curl\nUSER 10001\n";
    let r = run_one("Dockerfile", with);
    assert!(names(&r).is_empty(), "{:?}", r.findings);
    assert_eq!(r.suppressed, 2);
    let without = "FROM ubuntu:22.04\n# kubeharden ignore=dockerfile-apt-install-recommends\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* && apt-get install -y jq && rm -rf /var/lib/apt/lists/*\nUSER 10001\n";
    let r = run_one("Dockerfile", without);
    assert_eq!(r.suppressed, 0);
    let f = r.findings.iter().find(|f| f.name == "dockerfile-apt-install-recommends").unwrap();
    assert!(f.message.contains("is ignored: it needs a `reason"), "{}", f.message);
}

#[test]
fn secret_values_never_appear_in_output() {
    let secret = "s3cr3t-Passw0rd-XYZ";
    let text = format!("FROM alpine:3.20\nENV DB_PASSWORD={secret}\nARG DEPLOY_TOKEN=\"{secret}\"\nENV LEGACY_SECRET {secret}\nUSER 10001\n");
    let r = run_one("Dockerfile", &text);
    let hits: Vec<_> = r.findings.iter().filter(|f| f.name == "dockerfile-secret-in-env").collect();
    assert_eq!(hits.len(), 3, "{:?}", r.findings);
    assert!(!r.to_json().contains(secret));
    let rendered = kubeharden::report::text::render(&r, &[SourceFile::new("Dockerfile", text.clone())], false);
    assert!(!rendered.contains(secret), "{rendered}");
    assert!(rendered.contains("ENV DB_PASSWORD") || rendered.contains("`ENV DB_PASSWORD`"));
}

fn trivy(vulns: &str) -> SourceFile {
    SourceFile::new(
        "trivy.json",
        format!(
            r#"{{"SchemaVersion": 2, "ArtifactName": "app:1", "ArtifactType": "container_image",
 "Results": [{{"Target": "app:1 (debian 12)", "Vulnerabilities": [{vulns}]}}]}}"#
        ),
    )
}

fn gate(report: &Report) -> Vec<(String, Severity)> {
    report.findings.iter().filter(|f| f.name == "vulnerability-gate").map(|f| (f.message.clone(), f.severity)).collect()
}

#[test]
fn vulnerability_gate_threshold_unfixed_and_dedup() {
    let v = r#"{"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "FixedVersion": "2", "Status": "fixed", "Severity": "CRITICAL"},
{"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "FixedVersion": "2", "Status": "fixed", "Severity": "CRITICAL"},
{"VulnerabilityID": "CVE-1", "PkgName": "b", "InstalledVersion": "1", "FixedVersion": "2", "Status": "fixed", "Severity": "CRITICAL"},
{"VulnerabilityID": "CVE-2", "PkgName": "c", "InstalledVersion": "1", "FixedVersion": "1.1", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-3", "PkgName": "d", "InstalledVersion": "1", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-4", "PkgName": "e", "InstalledVersion": "1", "Status": "affected", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-5", "PkgName": "f", "InstalledVersion": "1", "Status": "fix_deferred", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-6", "PkgName": "g", "InstalledVersion": "1", "Status": "end_of_life", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-7", "PkgName": "h", "InstalledVersion": "1", "FixedVersion": "3", "Status": "fixed", "Severity": "MEDIUM"},
{"VulnerabilityID": "CVE-8", "PkgName": "i", "InstalledVersion": "1", "Status": "unknown", "Severity": "HIGH"}"#;
    let r = run(vec![trivy(v)], Config::default());
    let g = gate(&r);
    // one per image x vulnerability x package; unfixed statuses ignored; MEDIUM below the threshold;
    // `unknown` is kept as Trivy keeps it
    assert_eq!(g.len(), 4, "{g:?}");
    assert_eq!(g[0].1, Severity::Critical);
    assert!(g.iter().any(|(m, _)| m.contains("`CVE-2`") && m.contains("fixed in `1.1`")));
    assert!(g.iter().any(|(m, _)| m.contains("`CVE-8`") && m.contains("no fixed version yet")));
    assert!(r.fails(Severity::High));

    let cfg = Config {
        options: Options {
            vulnerability_threshold: Some(Severity::Medium),
            vulnerability_ignore_unfixed: Some(false),
            ..Options::default()
        },
        ..Config::default()
    };
    let g = gate(&run(vec![trivy(v)], cfg));
    assert_eq!(g.len(), 9, "{g:?}");
}

fn waiver(id: &str, expires: &str, package: Option<&str>) -> VulnerabilityWaiver {
    VulnerabilityWaiver {
        id: id.into(),
        reason: "not reachable".into(),
        expires: expires.into(),
        package: package.map(Into::into),
        image: None,
    }
}

#[test]
fn vulnerability_waivers_expire() {
    let v = r#"{"VulnerabilityID": "CVE-1", "PkgName": "a", "InstalledVersion": "1", "FixedVersion": "2", "Status": "fixed", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-2", "PkgName": "b", "InstalledVersion": "1", "FixedVersion": "2", "Status": "fixed", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-3", "PkgName": "c", "InstalledVersion": "1", "FixedVersion": "2", "Status": "fixed", "Severity": "HIGH"}"#;
    let mut cfg = Config::default();
    cfg.options.vulnerability_waivers = vec![
        waiver("CVE-1", "2026-11-22", None), // last day is today: still works
        waiver("CVE-2", "2026-11-21", None), // expired yesterday
        waiver("CVE-3", "2027-01-01", Some("other-package")),
    ];
    let r = run(vec![trivy(v)], cfg);
    let g = gate(&r);
    assert_eq!(r.suppressed, 1);
    assert_eq!(g.len(), 2, "{g:?}");
    assert!(
        g[0].0.contains("`CVE-2`") && g[0].0.contains("the waiver of `CVE-2` expired on `2026-11-21`"),
        "{}",
        g[0].0
    );
    assert!(g[1].0.contains("`CVE-3`") && !g[1].0.contains("waiver"));

    // waivers are checked when the configuration is read, with the line of the bad value
    let e = Config::from_yaml(
        "options:\n  vulnerability-waivers:\n    - {id: CVE-1, reason: '', expires: 2026-12-31}\n",
        Some(".kubeharden.yaml"),
    )
    .unwrap_err();
    assert_eq!((e.file(), e.line()), (Some(".kubeharden.yaml"), Some(3)));
    assert!(e.message().contains("vulnerability-waivers[0].reason: must not be empty"), "{e}");
    let e =
        Config::from_yaml("options:\n  vulnerability-waivers:\n    - {id: CVE-1, reason: x, expires: someday}\n", None)
            .unwrap_err();
    assert!(e.message().contains("`someday` is not a date"), "{e}");
    assert!(Config::from_yaml("options:\n  vulnerability-waivers:\n    - {id: CVE-1, reason: x}\n", None).is_err());
    // ... and when a configuration built in code reaches the checker
    let mut bad = Config::default();
    bad.options.vulnerability_waivers =
        vec![VulnerabilityWaiver { reason: " ".into(), ..waiver("CVE-1", "2026-12-31", None) }];
    let e = check(&CheckRequest { config: bad, ..Default::default() }).unwrap_err();
    assert!(e.to_string().contains("the waiver of `CVE-1`: `reason` must not be empty"), "{e}");
    let ok = Config::from_yaml(
        "options:\n  image-max-age-days: 30\n  vulnerability-threshold: critical\n  vulnerability-ignore-unfixed: false\n  vulnerability-waivers:\n    - {id: CVE-1, reason: x, expires: 2026-12-31, package: openssl}\n",
        None,
    )
    .unwrap();
    assert_eq!(ok.options.image_max_age_days, Some(30));
    assert_eq!(ok.options.vulnerability_threshold, Some(Severity::Critical));
}

#[test]
fn image_age_needs_now_and_honours_the_option() {
    let meta = r#"{"architecture": "amd64", "os": "linux", "created": "2026-08-01T00:00:00Z", "config": {"User": "1"}, "rootfs": {}}"#;
    let file = || vec![SourceFile::new("cfg.json", meta)];
    let r = run(file(), Config::default());
    let f = r.findings.iter().find(|f| f.name == "image-too-old").unwrap();
    assert!(
        f.message.contains("`2026-08-01`, 113 days ago") && f.message.contains("maximum of 90 days"),
        "{}",
        f.message
    );
    assert_eq!((f.line, f.path.as_deref()), (Some(1), Some("created")));
    let mut cfg = Config::default();
    cfg.options.image_max_age_days = Some(120);
    assert!(!names(&run(file(), cfg)).contains("image-too-old"));
    let no_now = check(&CheckRequest { files: file(), ..Default::default() }).unwrap();
    assert!(!names(&no_now).contains("image-too-old"));
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers:\n        - name: api\n          image: registry.example.com/api:1.0\n";

#[test]
fn cross_check_by_image_file_reference() {
    let cfg = |user: &str| {
        format!(r#"{{"architecture": "amd64", "os": "linux", "config": {{"User": "{user}"}}, "rootfs": {{}}}}"#)
    };
    let req = |user: &str, map: bool| CheckRequest {
        files: vec![SourceFile::new("k8s/api.yaml", DEPLOY), SourceFile::new("images/api-config.json", cfg(user))],
        now: Some(NOW.to_owned()),
        image_files: if map {
            BTreeMap::from([("registry.example.com/api:1.0".to_owned(), "./images/api-config.json".to_owned())])
        } else {
            BTreeMap::new()
        },
        ..Default::default()
    };
    let hit = |r: &Report| r.findings.iter().find(|f| f.name == "run-as-non-root-unverifiable").cloned();
    // without --image the config names no image: nothing to match
    assert!(hit(&check(&req("app", false)).unwrap()).is_none());
    let f = hit(&check(&req("app", true)).unwrap()).unwrap();
    assert_eq!((f.file.as_deref(), f.line, f.container.as_deref()), (Some("k8s/api.yaml"), Some(7), Some("api")));
    assert!(
        f.message.contains("non-numeric user (app)") && f.message.contains("runAsUser: <uid of app>"),
        "{}",
        f.message
    );
    let f = hit(&check(&req("", true)).unwrap()).unwrap();
    assert!(f.message.contains("image will run as root"), "{}", f.message);
    assert!(hit(&check(&req("10001", true)).unwrap()).is_none());
    assert!(hit(&check(&req("10001:app", true)).unwrap()).is_none());
}

mod needs_shared {
    use std::collections::BTreeMap;
    use std::path::Path;

    use kubeharden::{Config, SourceFile};

    use super::{run, shared};

    /// The Dockerfiles of `../shared/corpus/dockerfiles` (public, mixed licences, not vendored):
    /// no panic, no parse error.
    #[test]
    #[ignore = "reads ../shared (KUBEHARDEN_SHARED): scripts/test runs it when present"]
    fn corpus_dockerfiles_parse() {
        let root = shared::require("corpus/dockerfiles");
        let mut stack = vec![root.clone()];
        let mut files = Vec::new();
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if kubeharden::dockerfile::is_dockerfile_name(&p.display().to_string()) {
                    files.push(SourceFile::new(p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        assert!(files.len() > 100, "{} Dockerfiles under {}", files.len(), root.display());
        let r = run(files, Config::default());
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &r.findings {
            *per_rule.entry(f.name.as_str()).or_default() += 1;
        }
        eprintln!("{per_rule:#?}");
    }

    /// The vendored seed examples (`tests/data/seed-examples/`, `tests/data/netpol/`) are still
    /// the same text as their originals in `../shared/seed-examples`.
    #[test]
    #[ignore = "reads ../shared (KUBEHARDEN_SHARED): scripts/test runs it when present"]
    fn vendored_seed_examples_are_shared_ones() {
        let originals = shared::require("seed-examples");
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut copies: Vec<(std::path::PathBuf, String)> = std::fs::read_dir(data.join("seed-examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .map(|p| {
                let name = p.file_name().unwrap().to_str().unwrap().to_owned();
                (p, name)
            })
            .collect();
        copies.push((data.join("netpol/seed-k8s-network-policies.yaml"), "k8s-network-policies.yaml".to_owned()));
        assert!(copies.len() >= 9, "{copies:?}");
        for (copy, name) in &copies {
            let original = std::fs::read_to_string(originals.join(name)).unwrap();
            assert!(
                std::fs::read_to_string(copy).unwrap() == original,
                "{} is no longer {}/{name}: update the copy",
                copy.display(),
                originals.display()
            );
        }
    }
}

mod props {
    use proptest::prelude::*;

    fn line() -> impl Strategy<Value = String> {
        let kw = prop::sample::select(vec![
            "FROM",
            "RUN",
            "COPY",
            "ADD",
            "USER",
            "ENV",
            "ARG",
            "CMD",
            "# ",
            "#escape=`",
            "# syntax=x",
            "",
            "  ",
            "EOF",
            "LABEL",
            "from",
        ]);
        let arg = prop::sample::select(vec![
            "alpine:3.20",
            "${A:-b}",
            "$X",
            "<<EOF",
            "<<-'E'",
            "\\",
            "`",
            "[\"a\", \"b\"]",
            "[\"bad",
            "--from=x",
            "AS y",
            "a=b c=\"d e\"",
            "root",
            "0:0",
            "apt-get install -y gcc",
            "pip install x",
            "'",
            "\"",
            "${",
            "@sha256:x",
        ]);
        (kw, prop::collection::vec(arg, 0..4)).prop_map(|(k, a)| format!("{k} {}", a.join(" ")))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// No panic on Dockerfile-shaped input, and every instruction's lines lie in the file.
        #[test]
        fn parser_never_panics(lines in prop::collection::vec(line(), 0..24), crlf in any::<bool>()) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let n = u32::try_from(lines.len().max(1)).unwrap();
            if let Ok(df) = kubeharden::dockerfile::parse_dockerfile(&text) {
                for i in &df.instructions {
                    prop_assert!(i.line >= 1 && i.line <= i.end_line && i.end_line <= n + 1, "{i:?}");
                }
                prop_assert!(!df.stages.is_empty());
            }
            let report = super::run_one("Dockerfile", &text);
            for f in &report.findings {
                prop_assert!(f.line.is_some_and(|l| l >= 1 && l <= n));
            }
        }

        /// Arbitrary text, too.
        #[test]
        fn parser_never_panics_on_noise(text in "\\PC{0,200}") {
            let _ = kubeharden::dockerfile::parse_dockerfile(&text);
            let _ = super::run_one("x.Dockerfile", &text);
        }
    }
}

#[test]
fn broken_dockerfiles_are_input_errors_with_lines() {
    let r = run_one("svc/Dockerfile", "FROM alpine:3.20\nRUNN echo\n");
    assert_eq!(r.errors.len(), 1);
    assert_eq!((r.errors[0].file.as_str(), r.errors[0].line), ("svc/Dockerfile", Some(2)));
    assert!(r.errors[0].message.contains("unknown instruction `RUNN`"), "{}", r.errors[0].message);
    let r = run_one("Containerfile", "RUN echo\nFROM alpine:3.20\n");
    assert_eq!(r.errors[0].line, Some(1));
}

#[test]
fn checklist_names_and_sorted_ids() {
    for name in [
        "dockerfile-runs-as-root",
        "dockerfile-user-not-numeric",
        "dockerfile-build-tools-in-final-stage",
        "dockerfile-base-image-unpinned",
        "dockerfile-package-cache",
        "dockerfile-apt-install-recommends",
        "dockerfile-add-instead-of-copy",
        "dockerfile-secret-in-env",
        "image-too-old",
        "image-runs-as-root",
        "run-as-non-root-unverifiable",
        "vulnerability-gate",
    ] {
        assert!(registry::find(name).is_some(), "{name} is not registered");
    }
    let ids: Vec<&str> = registry::RULES.iter().map(|r| r.meta().id.0).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
}

#[test]
fn dockerfile_fingerprints_differ_between_files_and_survive_line_moves() {
    let a = "FROM ubuntu:22.04\nCOPY . /app\n";
    let moved = "# a comment\n\nFROM ubuntu:22.04\nCOPY . /app\n";
    let r = run(
        vec![
            SourceFile::new("a/Dockerfile", a),
            SourceFile::new("b/Dockerfile", a),
            SourceFile::new("c/Dockerfile", moved),
        ],
        Config::default(),
    );
    let fp = |file: &str| {
        r.findings
            .iter()
            .find(|f| f.file.as_deref() == Some(file) && f.name == "dockerfile-runs-as-root")
            .unwrap()
            .fingerprint
            .clone()
    };
    assert_ne!(fp("a/Dockerfile"), fp("b/Dockerfile"));
    let r2 = run_one("a/Dockerfile", moved);
    assert_eq!(
        fp("a/Dockerfile"),
        r2.findings.iter().find(|f| f.name == "dockerfile-runs-as-root").unwrap().fingerprint
    );
}

/// `image-registry-untrusted` does nothing until `options.trusted-registries` is set; then it
/// compares images after Docker's normalisation, entries on a path boundary.
#[test]
fn image_registry_untrusted_only_with_trusted_registries() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n    - {name: a, image: nginx}\n    - {name: b, image: ghcr.io/acme/api:1}\n    - {name: c, image: ghcr.io/acme-evil/api:1}\n";
    let run = |trusted: Option<Vec<&str>>| {
        let config = kubeharden::Config {
            select: Some(vec!["image-registry-untrusted".to_owned()]),
            options: Options {
                trusted_registries: trusted.map(|t| t.into_iter().map(str::to_owned).collect()),
                ..Options::default()
            },
            ..kubeharden::Config::default()
        };
        let files = vec![kubeharden::SourceFile::new("p.yaml", pod)];
        let r = kubeharden::check(&kubeharden::CheckRequest { files, config, ..kubeharden::CheckRequest::default() })
            .unwrap();
        r.findings.iter().map(|f| f.container.clone().unwrap()).collect::<Vec<_>>()
    };
    assert!(run(None).is_empty());
    assert_eq!(run(Some(vec!["ghcr.io/acme"])), ["a", "c"]);
    assert_eq!(run(Some(vec!["index.docker.io/library/", "GHCR.io/acme"])), ["c"]);
    assert_eq!(run(Some(vec!["docker.io", "ghcr.io"])), Vec::<String>::new());
    assert_eq!(run(Some(vec![])), ["a", "b", "c"]);
}
