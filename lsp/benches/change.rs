//! The server's handling of one change to a 1,000-line manifest: a `textDocument/didChange`
//! (one character, incremental) in, the document's diagnostics out — the parse through the
//! front door, the inventory, every rule, the diagnostics. The target is 20 ms.
//!
//! `cargo bench -p kubeharden-lsp --bench change`

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use kubeharden_lsp::{Detached, Server};
use lsp_server::{Message, Notification};

/// A 1,025-line manifest: 25 Deployments, each with findings (no limits, root, a
/// mutable tag), each with a Service.
fn manifest() -> String {
    let mut out = String::new();
    for i in 0..25 {
        out.push_str(&format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: shop
  labels:
    app: web-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web-{i}
  template:
    metadata:
      labels:
        app: web-{i}
    spec:
      containers:
        - name: app
          image: registry.example/web:1.{i}
          ports:
            - containerPort: 8080
          env:
            - name: MODE
              value: production
          securityContext:
            allowPrivilegeEscalation: true
          resources:
            requests:
              cpu: 100m
---
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
  namespace: shop
spec:
  selector:
    app: web-{i}
  ports: [{{port: 80, targetPort: 8080}}]
---
"
        ));
    }
    out
}

fn note(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_owned(), params))
}

fn bench(c: &mut Criterion) {
    let text = manifest();
    let lines = text.lines().count();
    assert!((1000..=1030).contains(&lines), "{lines} lines");
    let replicas = text.lines().enumerate().filter(|(_, l)| *l == "  replicas: 2").nth(12).map_or(0, |(i, _)| i);
    let params = serde_json::from_value(serde_json::json!({"capabilities": {}})).unwrap_or_default();
    let mut server = Server::new(Arc::new(Detached), None, &params);
    let uri = "file:///bench/manifest.yaml";
    let opened = server.handle(note(
        "textDocument/didOpen",
        serde_json::json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    ));
    let findings = opened.first().map_or(0, |m| match m {
        Message::Notification(n) => n.params.get("diagnostics").and_then(|d| d.as_array()).map_or(0, Vec::len),
        _ => 0,
    });
    println!("change: a {lines}-line manifest with {findings} diagnostics");
    let mut version = 1;
    let mut digit = 0;
    c.bench_function("did_change_1000_line_manifest", |b| {
        b.iter(|| {
            version += 1;
            digit = (digit + 1) % 10;
            // `replicas: 2` of the 13th Deployment becomes another digit.
            let out = server.handle(note(
                "textDocument/didChange",
                serde_json::json!({
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": {"line": replicas, "character": 12}, "end": {"line": replicas, "character": 13}}, "text": digit.to_string()}],
                }),
            ));
            assert_eq!(out.len(), 1);
            out
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
