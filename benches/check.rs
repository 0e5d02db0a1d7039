//! Full checks: the whole corpus through `check` (single-threaded, as the library runs it), and a
//! single small manifest (the pre-commit case).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::{check, CheckRequest, SourceFile};

fn corpus(c: &mut Criterion) {
    let files = kubeharden_benches::k8s_corpus();
    let bytes = kubeharden_benches::total_bytes(&files);
    let req = CheckRequest { files, ..CheckRequest::default() };
    let mut g = c.benchmark_group("corpus-k8s");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("check-all-rules", |b| b.iter(|| check(&req).map(|r| r.findings.len())));
    g.finish();

    let pod = SourceFile::new(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n",
    );
    let small = CheckRequest { files: vec![pod], ..CheckRequest::default() };
    c.bench_function("single-pod", |b| b.iter(|| check(&small).map(|r| r.findings.len())));
}

criterion_group!(benches, corpus);
criterion_main!(benches);
