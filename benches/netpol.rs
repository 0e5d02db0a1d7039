#![allow(clippy::panic, reason = "benchmark set-up: a failure aborts the bench")]
//! NetworkPolicy reachability at scale, on the deterministic synthetic cluster of
//! `kubeharden_benches::synthetic` (workloads and policies over labelled namespaces, selectors
//! of every kind): building the model (every policy's selection), one column of the reachability
//! matrix (who reaches one workload), and the NET rules through the full `check`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeharden::netpol::{Endpoint, NetworkModel};
use kubeharden::source::{parse, ParseOptions};
use kubeharden::{check, CheckRequest, Config, Inventory, SourceFile};
use kubeharden_benches::synthetic;

/// (workloads, policies) of each size.
const SIZES: &[(usize, usize)] = &[(1_000, 200), (5_000, 1_000)];

fn netpol(c: &mut Criterion) {
    let mut g = c.benchmark_group("netpol");
    g.sample_size(10);
    for &(workloads, policies) in SIZES {
        let file = SourceFile::new("cluster.yaml", synthetic::manifests(workloads, policies));
        let sources = [parse(&file, &ParseOptions::default())];
        let inventory = Inventory::new(&sources);
        let size = format!("{workloads}w-{policies}p");
        g.throughput(Throughput::Elements(workloads as u64));
        g.bench_function(format!("model/{size}"), |b| {
            b.iter(|| NetworkModel::new(&inventory.objects, &inventory.pods).workloads.len())
        });
        let model = inventory.network();
        if model.workloads.len() != workloads {
            panic!("the synthetic cluster reads as {} workloads, not {workloads}", model.workloads.len());
        }
        let to = Endpoint::Workload(2);
        g.bench_function(format!("matrix-column/{size}"), |b| {
            b.iter(|| (0..model.workloads.len()).filter(|&i| model.reach(Endpoint::Workload(i), to).any()).count());
        });
        let net: Vec<String> = kubeharden_benches::rule_ids(&["NET"]);
        let req = CheckRequest {
            files: vec![file.clone()],
            config: Config { select: Some(net), ..Config::default() },
            ..CheckRequest::default()
        };
        g.bench_function(format!("check-NET/{size}"), |b| b.iter(|| check(&req).map(|r| r.findings.len())));
    }
    g.finish();
}

criterion_group!(benches, netpol);
criterion_main!(benches);
