//! `kubeharden fix` against `scan` on the corpus (`shared/corpus/k8s` and `dockerfiles`), in
//! process and single-threaded: `check` (what a scan computes: parse, rules, each finding's fix
//! resolved to edits), then the fix loop with safe fixes and with unsafe ones (check, apply, read
//! the fixed files again, check again, until nothing changes). The budget is a fix at most
//! twice the scan; README "Fixing" gives the figures and `scripts/fix-figures.py` the wall clock
//! of the command.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::fix::fix_files;
use kubeharden::{check, CheckRequest};

fn corpus(c: &mut Criterion) {
    let mut files = kubeharden_benches::k8s_corpus();
    files.extend(kubeharden_benches::dockerfile_corpus());
    let bytes = kubeharden_benches::total_bytes(&files);
    let req = CheckRequest { files, now: Some("2026-11-22T00:00:00Z".to_owned()), ..CheckRequest::default() };
    let mut g = c.benchmark_group("fix-corpus");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("scan", |b| b.iter(|| check(&req).map(|r| r.findings.len())));
    g.bench_function("fix-safe", |b| b.iter(|| fix_files(&req, false).map(|o| o.applied.len())));
    g.bench_function("fix-unsafe", |b| b.iter(|| fix_files(&req, true).map(|o| o.applied.len())));
    g.finish();
}

criterion_group!(benches, corpus);
criterion_main!(benches);
