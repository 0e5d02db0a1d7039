//! Memory against input size: checks N and 2N copies of a manifest (each copy its own file, with
//! its own object names) and reports the peak resident set size (`VmHWM`, Linux), so one can see
//! that memory grows with the input, not with rules × objects.
//!
//! `mem_linearity` (no arguments) runs itself as a child for each size, with every default rule
//! and with one rule only, and prints a table; `mem_linearity --copies N [--select ID,...]` checks
//! once and prints `copies bytes objects findings peak_kib`.

use std::process::{Command, ExitCode};

use kubeharden::{check, CheckRequest, Config, SourceFile};

const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-NAME
  namespace: shop
  labels: {app: web-NAME, tier: frontend}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web-NAME}
  template:
    metadata:
      labels: {app: web-NAME}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/web:1.4.2
        ports:
        - containerPort: 8080
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: DB_HOST, value: postgres.shop.svc}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
      - name: sidecar
        image: envoyproxy/envoy:v1.31.0
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
---
apiVersion: v1
kind: Service
metadata: {name: web-NAME, namespace: shop}
spec:
  selector: {app: web-NAME}
  ports: [{port: 80, targetPort: 8080}]
";

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn once(copies: usize, select: Option<Vec<String>>) -> ExitCode {
    let files: Vec<SourceFile> =
        (0..copies).map(|i| SourceFile::new(format!("m/{i}.yaml"), MANIFEST.replace("NAME", &i.to_string()))).collect();
    let bytes: usize = files.iter().map(|f| f.content.len()).sum();
    let config = Config { select, ..Config::default() };
    let req = CheckRequest { files, config, now: Some("2026-11-22T00:00:00Z".to_owned()), ..CheckRequest::default() };
    match check(&req) {
        Ok(report) => {
            let peak = peak_kib().map_or_else(|| "n/a".to_owned(), |k| k.to_string());
            println!("{copies} {bytes} {} {} {peak}", report.summary.objects, report.findings.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn child(copies: usize, select: Option<&str>) -> Option<Vec<String>> {
    let exe = std::env::current_exe().ok()?;
    let mut cmd = Command::new(exe);
    cmd.arg("--copies").arg(copies.to_string());
    if let Some(s) = select {
        cmd.arg("--select").arg(s);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.split_whitespace().map(str::to_owned).collect())
}

fn table() -> ExitCode {
    let sizes = [500usize, 1000, 2000, 4000];
    println!(
        "{:<12} {:>7} {:>10} {:>8} {:>9} {:>10} {:>14}",
        "rules", "copies", "bytes", "objects", "findings", "peak KiB", "KiB/copy (Δ)"
    );
    for (label, select) in [("all-default", None), ("POD001 only", Some("POD001"))] {
        let mut prev: Option<(usize, u64)> = None;
        for &n in &sizes {
            let Some(row) = child(n, select) else {
                eprintln!("error: the child run failed");
                return ExitCode::from(2);
            };
            let [copies, bytes, objects, findings, peak] = row.as_slice() else {
                eprintln!("error: unexpected child output {row:?}");
                return ExitCode::from(2);
            };
            let peak_n: Option<u64> = peak.parse().ok();
            let delta = match (prev, peak_n) {
                (Some((pn, pk)), Some(k)) if n > pn => {
                    format!("{:.2}", (k.saturating_sub(pk)) as f64 / (n - pn) as f64)
                }
                _ => "-".to_owned(),
            };
            println!("{label:<12} {copies:>7} {bytes:>10} {objects:>8} {findings:>9} {peak:>10} {delta:>14}");
            prev = peak_n.map(|k| (n, k));
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut copies = None;
    let mut select = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--copies" => copies = it.next().and_then(|v| v.parse::<usize>().ok()),
            "--select" => select = it.next().map(|v| v.split(',').map(str::to_owned).collect()),
            _ => {
                eprintln!("usage: mem_linearity [--copies N] [--select ID,...]");
                return ExitCode::from(2);
            }
        }
    }
    match copies {
        Some(n) => once(n, select),
        None => table(),
    }
}
