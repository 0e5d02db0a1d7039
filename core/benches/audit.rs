//! The weekly audit on a cluster-sized input: a generated `kubectl get pods -A -o json` of 10,000
//! realistic pods (about 130 MB). Run with `cargo bench -p kubeharden --bench audit`.

#[path = "support/pod_list.rs"]
mod pod_list;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::audit::{audit, AuditOptions};
use kubeharden::SourceFile;

fn bench(c: &mut Criterion) {
    let pods = SourceFile::new("pods.json", pod_list::generate(10_000));
    let opts = AuditOptions::default();
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(u64::try_from(pods.content.len()).unwrap_or(u64::MAX)));
    g.bench_function("10k_pods", |b| {
        b.iter(|| {
            let r = audit(&pods, &[], Some("2026-11-22T00:00:00Z"), &opts);
            assert!(r.as_ref().is_ok_and(|r| r.pods == 10_000 && r.errors.is_empty()));
            r
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
