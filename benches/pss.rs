#![allow(clippy::panic, reason = "benchmark set-up: a failure aborts the bench")]
//! Pod Security Standards (`kubeharden::check_pss`): Kubernetes' own Pod Security Admission
//! fixtures (vendored in `core/tests/data/pss/fixtures.tar.gz`) of the newest version, at their
//! level; and the manifest corpus (`../shared/corpus/k8s`) at `restricted` (every pod-bearing
//! object of 1,030 real files).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::pss::{check_pss, PssRequest};
use kubeharden_benches::{k8s_corpus, pss_fixtures_latest, total_bytes};

fn pss(c: &mut Criterion) {
    let mut g = c.benchmark_group("pss");
    g.sample_size(20);
    for level in ["baseline", "restricted"] {
        let files = pss_fixtures_latest(level).unwrap_or_else(|e| panic!("PSS fixtures: {e}"));
        if files.is_empty() {
            panic!("no PSS fixtures for `{level}`");
        }
        g.throughput(Throughput::Elements(files.len() as u64));
        let req = PssRequest { files, level: level.to_owned(), ..PssRequest::default() };
        g.bench_function(format!("fixtures-{level}-latest"), |b| b.iter(|| check_pss(&req).map(|r| r.results.len())));
    }
    let files = k8s_corpus();
    g.sample_size(10);
    g.throughput(Throughput::Bytes(total_bytes(&files)));
    let req = PssRequest { files, ..PssRequest::default() }; // restricted, latest
    g.bench_function("corpus-k8s-restricted", |b| b.iter(|| check_pss(&req).map(|r| r.results.len())));
    g.finish();
}

criterion_group!(benches, pss);
criterion_main!(benches);
