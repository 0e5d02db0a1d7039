#![allow(clippy::panic, reason = "benchmark set-up: a failure aborts the bench")]
//! Each rule family alone. Two views:
//! - `rules-only/*`: the corpus parsed once, outside the measurement; only the rules run (the
//!   per-object and per-pod hooks, then the cross-resource hook), as the engine runs them. This is
//!   where a slow rule shows: parsing is four fifths of a full check and hides it otherwise.
//! - `check-family/*`: the full `check` (parse, rules, locations, report) with `select` set to one
//!   family, as `kubeharden scan --select POD001,...` runs it.
//!
//! The Dockerfile corpus (`shared/corpus/dockerfiles`) gets the same pair: parsing only, the DKR
//! rules on parsed Dockerfiles, and the full check.

use std::collections::HashMap;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::dockerfile::{parse_dockerfile, Dockerfile};
use kubeharden::rules::{Context, Sink};
use kubeharden::source::{parse, ParseOptions};
use kubeharden::{check, CheckRequest, Checker, Config, Inventory, Source, SourceFile};
use kubeharden_benches::{dockerfile_corpus, k8s_corpus, select, total_bytes};

/// The families run on the manifest corpus, as (label, id prefixes): every family of the
/// registry but the Dockerfile rules (`kubeharden_benches::families`), then every default rule.
fn k8s_families() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> =
        kubeharden_benches::families().into_iter().filter(|f| f != "DKR").map(|f| (f.clone(), vec![f])).collect();
    out.push(("all-default".to_owned(), Vec::new()));
    out
}

fn checker_for<S: AsRef<str>>(prefixes: &[S]) -> Checker {
    let config = if prefixes.is_empty() { Config::default() } else { select(prefixes) };
    Checker::new(&config, Some("2026-11-22T00:00:00Z")).unwrap_or_else(|e| panic!("{e}"))
}

/// The rules of `checker` over parsed files, as the engine runs them (the inventory, the
/// per-object and per-pod hooks, then the cross-resource hooks); returns the number of findings.
fn run_rules(checker: &Checker, cx: &Context, sources: &[Source]) -> usize {
    let severity = HashMap::new();
    let mut sink = Sink::new(&severity, true);
    let inventory = Inventory::new(sources);
    for file in 0..sources.len() {
        for (obj, pod) in inventory.objects_of(file) {
            for r in checker.rules() {
                r.check_object(obj, cx, &mut sink);
            }
            if let Some(pod) = pod {
                for r in checker.rules() {
                    r.check_pod(pod, cx, &mut sink);
                }
            }
        }
    }
    for r in checker.rules() {
        r.check_inventory(&inventory, cx, &mut sink);
    }
    sink.finish().0.len()
}

fn k8s(c: &mut Criterion) {
    let files = k8s_corpus();
    if files.is_empty() {
        panic!("no manifests under {}", kubeharden_benches::shared_dir().display());
    }
    let bytes = total_bytes(&files);
    let sources: Vec<Source> = files.iter().map(|f| parse(f, &ParseOptions::default())).collect();
    let cx = Context { now: Some(1_795_305_600), ..Context::default() };

    let mut g = c.benchmark_group("rules-only");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    for (label, prefixes) in k8s_families() {
        let checker = checker_for(&prefixes);
        g.bench_function(label, |b| b.iter(|| run_rules(&checker, &cx, &sources)));
    }
    g.finish();

    let mut g = c.benchmark_group("check-family");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    for (label, prefixes) in k8s_families() {
        let config = if prefixes.is_empty() { Config::default() } else { select(&prefixes) };
        let req = CheckRequest { files: files.clone(), config, ..CheckRequest::default() };
        g.bench_function(label, |b| b.iter(|| check(&req).map(|r| r.findings.len())));
    }
    g.finish();
}

fn dockerfiles(c: &mut Criterion) {
    let files: Vec<SourceFile> = dockerfile_corpus();
    if files.is_empty() {
        panic!("no Dockerfiles under {}", kubeharden_benches::shared_dir().display());
    }
    let parsed: Vec<(String, Dockerfile)> =
        files.iter().filter_map(|f| parse_dockerfile(&f.content).ok().map(|d| (f.name.clone(), d))).collect();
    let checker = checker_for(&["DKR"]);
    let cx = Context::default();
    let severity = HashMap::new();

    let mut g = c.benchmark_group("corpus-dockerfiles");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(total_bytes(&files)));
    g.bench_function("parse", |b| {
        b.iter(|| files.iter().filter(|f| parse_dockerfile(&f.content).is_ok()).count());
    });
    g.bench_function("rules-only-DKR", |b| {
        b.iter(|| {
            let mut sink = Sink::new(&severity, true);
            for (name, df) in &parsed {
                for r in checker.rules() {
                    r.check_dockerfile(name, df, &cx, &mut sink);
                }
            }
            sink.finish().0.len()
        });
    });
    let req = CheckRequest { files: files.clone(), ..CheckRequest::default() };
    g.bench_function("check-all-rules", |b| b.iter(|| check(&req).map(|r| r.findings.len())));
    g.finish();
}

criterion_group!(benches, k8s, dockerfiles);
criterion_main!(benches);
