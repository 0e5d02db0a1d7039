#![allow(clippy::panic, reason = "benchmark set-up: a failure aborts the bench")]
//! Pod Security Standards (`kubeharden::check_pss`): Kubernetes' own Pod Security Admission
//! fixtures (`shared/conformance/pss/<level>/v1.<minor>/{pass,fail}/*.yaml`) of the newest
//! version, at their level; and the manifest corpus at `restricted` (every pod-bearing object of
//! 1,030 real files).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::pss::{check_pss, PssRequest};
use kubeharden::SourceFile;
use kubeharden_benches::{k8s_corpus, load, shared_dir, total_bytes};

/// The fixtures of `level` for the newest version directory (`v1.<greatest minor>`).
fn fixtures(level: &str) -> Vec<SourceFile> {
    let dir = shared_dir().join("conformance/pss").join(level);
    let newest = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let minor: u32 = name.strip_prefix("v1.")?.parse().ok()?;
            Some((minor, e.path()))
        })
        .max_by_key(|(minor, _)| *minor)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("no v1.* directory under {}", dir.display()));
    load(&newest, &|p| p.extension().is_some_and(|e| e == "yaml"))
}

fn pss(c: &mut Criterion) {
    let mut g = c.benchmark_group("pss");
    g.sample_size(20);
    for level in ["baseline", "restricted"] {
        let files = fixtures(level);
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
