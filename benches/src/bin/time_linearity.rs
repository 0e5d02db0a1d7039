//! Time against input size: checks each input shape at N and 10·N and prints the ratio of the
//! times. A linear path gives about 10; the project's bound is 12. Exit 1 when a shape exceeds
//! the bound.
//!
//! Each measurement runs in a child process (`time_linearity --once SHAPE N`), as the command
//! runs a scan: one thread, every default rule, the input parsed through the front door, the
//! inventory, the per-file and cross-resource rules, the report; the syntax trees are left to the
//! operating system at exit, as `kubeharden scan` leaves them. The parent prints the best of 3.
//!
//! `time_linearity [--n N] [SHAPE...]` (default N = 8000, every shape); `time_linearity --print
//! SHAPE N` prints a shape's input (one file). Shapes:
//! - `clean-pod-list`: one `kind: List` of hardened pods in a namespace labelled
//!   `enforce: restricted`, with its Namespace and a default-deny NetworkPolicy (no finding);
//! - `pods-without-namespace`: the same without the Namespace object (every pod looks its
//!   namespace up and finds none);
//! - `dockerfile-stages`: one Dockerfile of N named stages (`FROM alpine AS sN`, a `RUN`);
//! - `dockerfile-stage-chain`: one Dockerfile of N stages, each built `FROM` the one before, each
//!   with a `pip install` (variables inherited through the whole chain, looked up per `RUN`).

use std::process::{Command, ExitCode};
use std::time::Instant;

use kubeharden::{Checker, Config, Inventory, SourceFile};

/// The bound on the time ratio for ten times the input.
const BOUND: f64 = 12.0;

fn pod_list(n: usize, with_namespace: bool) -> String {
    let mut items = Vec::with_capacity(n + 2);
    if with_namespace {
        items.push(r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}}"#.to_owned());
    }
    items.push(r#"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"prod"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}"#.to_owned());
    for i in 0..n {
        items.push(format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","namespace":"prod"}},"spec":{{"automountServiceAccountToken":false,"securityContext":{{"runAsNonRoot":true,"runAsUser":10001,"seccompProfile":{{"type":"RuntimeDefault"}}}},"containers":[{{"name":"app","image":"registry.example.com/app@sha256:{i:064x}","securityContext":{{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{{"drop":["ALL"]}}}},"resources":{{"requests":{{"cpu":"100m","memory":"128Mi","ephemeral-storage":"1Gi"}},"limits":{{"cpu":"500m","memory":"256Mi","ephemeral-storage":"1Gi"}}}}}}]}}}}"#
        ));
    }
    format!("{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n{}\n]}}\n", items.join(",\n"))
}

/// The shapes: (name, generator of the input at size n).
type Shape = (&'static str, fn(usize) -> Vec<SourceFile>);

const SHAPES: &[Shape] = &[
    ("clean-pod-list", |n| vec![SourceFile::new("pods.json", pod_list(n, true))]),
    ("pods-without-namespace", |n| vec![SourceFile::new("pods.json", pod_list(n, false))]),
    ("dockerfile-stages", |n| vec![SourceFile::new("Dockerfile", dockerfile(n, false))]),
    ("dockerfile-stage-chain", |n| vec![SourceFile::new("Dockerfile", dockerfile(n, true))]),
];

fn dockerfile(n: usize, chain: bool) -> String {
    let mut df = String::from("FROM python:3.12-slim AS s0\nENV PIP_NO_CACHE_DIR=1\n");
    for i in 1..n {
        if chain {
            df.push_str(&format!("FROM s{} AS s{i}\nRUN pip install pkg{i}\n", i - 1));
        } else {
            df.push_str(&format!("FROM python:3.12-slim AS s{i}\nRUN pip install --no-cache-dir pkg{i}\n"));
        }
    }
    df.push_str("USER 10001\n");
    df
}

/// One measurement, in this process: prints `<milliseconds> <findings> <errors>`.
fn once(shape: &str, n: usize) -> ExitCode {
    let Some((_, make)) = SHAPES.iter().find(|(name, _)| *name == shape) else {
        eprintln!("unknown shape `{shape}`");
        return ExitCode::from(2);
    };
    let files = make(n);
    let checker = match Checker::new(&Config::default(), Some("2026-11-22T00:00:00Z")) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let t = Instant::now();
    let sources: Vec<_> = files.iter().map(|f| kubeharden::source::parse(f, checker.parse_options())).collect();
    let inventory = Inventory::new(&sources);
    let per_file = (0..sources.len()).map(|i| checker.check_file(&inventory, i)).collect();
    let report = checker.report(&inventory, per_file);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    println!("{ms:.3} {} {}", report.findings.len(), report.errors.len());
    // As the command does: the process ends, the operating system takes the memory back.
    std::mem::forget(inventory);
    std::mem::forget(sources);
    ExitCode::SUCCESS
}

/// Best of 3 child runs: (milliseconds, findings).
fn best(shape: &str, n: usize) -> Result<(f64, usize), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let out = Command::new(&exe).args(["--once", shape, &n.to_string()]).output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.split_whitespace();
        let (Some(ms), Some(f), Some(e)) = (it.next(), it.next(), it.next()) else {
            return Err(format!("child failed: {}", String::from_utf8_lossy(&out.stderr)));
        };
        if e != "0" {
            return Err(format!("{e} input errors"));
        }
        best = best.min(ms.parse().map_err(|_| format!("bad time `{ms}`"))?);
        findings = f.parse().unwrap_or(0);
    }
    Ok((best, findings))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, shape, n] = args.as_slice() {
        if flag == "--once" {
            return match n.parse() {
                Ok(n) => once(shape, n),
                Err(_) => ExitCode::from(2),
            };
        }
        if flag == "--print" {
            // A shape's input at size n, to scan with the command (e.g. under callgrind).
            let Some((_, make)) = SHAPES.iter().find(|(name, _)| name == shape) else { return ExitCode::from(2) };
            let Ok(n) = n.parse() else { return ExitCode::from(2) };
            for f in make(n) {
                print!("{}", f.content);
            }
            return ExitCode::SUCCESS;
        }
    }
    let mut n = 8000;
    let mut wanted = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--n" {
            match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => n = v,
                None => {
                    eprintln!("usage: time_linearity [--n N] [SHAPE...]");
                    return ExitCode::from(2);
                }
            }
        } else {
            wanted.push(a.as_str());
        }
    }
    let mut ok = true;
    println!("shape                     n          time        10n        time       ratio  findings(n, 10n)");
    for (name, _) in SHAPES {
        if !wanted.is_empty() && !wanted.contains(name) {
            continue;
        }
        let small = best(name, n);
        let large = best(name, 10 * n);
        match (small, large) {
            (Ok((ts, fs)), Ok((tl, fl))) => {
                let ratio = tl / ts.max(1e-9);
                let verdict = if ratio <= BOUND { "" } else { "  OVER THE BOUND" };
                ok &= ratio <= BOUND;
                println!(
                    "{name:<24} {n:>7} {ts:>10.1} ms {:>9} {tl:>10.1} ms {ratio:>6.1}  {fs}, {fl}{verdict}",
                    10 * n
                );
            }
            (Err(e), _) | (_, Err(e)) => {
                println!("{name:<24} error: {e}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
