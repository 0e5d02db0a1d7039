#![allow(clippy::panic, reason = "benchmark set-up: a failure aborts the bench")]
//! The floor: parsing the corpus into a generic value, with no rules. `serde_yaml` (yaml_serde,
//! libyaml) into `serde_yaml::Value`, and `saphyr-parser` events only (the parser kubeharden uses,
//! without building anything), and kubeharden's own spanned tree (`source::parse_documents`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::source::parse_documents;
use kubeharden::syntax::Limits;
use serde::Deserialize;

fn parse(c: &mut Criterion) {
    let files = kubeharden_benches::k8s_corpus();
    let mut g = c.benchmark_group("corpus-k8s");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(kubeharden_benches::total_bytes(&files)));
    g.bench_function("serde_yaml-value", |b| {
        b.iter(|| {
            let mut docs = 0usize;
            for f in &files {
                for d in serde_yaml::Deserializer::from_str(&f.content) {
                    if serde_yaml::Value::deserialize(d).is_ok() {
                        docs += 1;
                    }
                }
            }
            docs
        });
    });
    g.bench_function("saphyr-events", |b| {
        b.iter(|| {
            let mut events = 0usize;
            for f in &files {
                for ev in saphyr_parser::Parser::new_from_str(&f.content) {
                    if ev.is_err() {
                        break;
                    }
                    events += 1;
                }
            }
            events
        });
    });
    let limits = Limits::default();
    g.bench_function("kubeharden-parse", |b| {
        b.iter(|| files.iter().map(|f| parse_documents(f, &limits).0.len()).sum::<usize>());
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
