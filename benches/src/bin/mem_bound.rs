//! The memory bound of issue 16: any input within the 256 MiB limit is scanned with a peak
//! resident set of at most 4 × its size + 100 MB (or refused up front with a clear message).
//!
//! `mem_bound --print SHAPE KIB` prints a shape's input of about KIB KiB.
//!
//! `mem_bound [--mib M] [SHAPE...]` generates each input shape at about M MiB (default 250),
//! checks it in a child process as `kubeharden scan --format json` does (the front door, every
//! default rule, the report written as JSON, streamed) and prints the input size, how it was read
//! (all of it; the pods beyond the model's budget not checked; or refused for a syntax tree beyond
//! its budget: `kubeharden::memory`), the findings kept and cut (`--max-findings`), the time, the
//! peak RSS (`VmHWM`, Linux) and the bound. Exit 1 when a shape exceeds its bound. Shapes:
//! - `pod-list`: `kubectl get pods -A -o json` of ordinary (unhardened) pods, about 2.4 KB each,
//!   minified (`jq -c`): the most values per byte of a real List;
//! - `pretty-pod-list`: the same pods as kubectl writes them (indented), about 4.4 KB each;
//! - `clean-pod-list`: the same pods hardened (one finding each, as no NetworkPolicy covers them:
//!   mostly the syntax tree's share);
//! - `containers`: one pod with as many one-line containers as fit (`{name: cN, image: nginx}`),
//!   about 33 bytes per container: the most findings per byte.

use std::process::{Command, ExitCode};
use std::time::Instant;

use kubeharden::{Checker, Config, SourceFile};

const SHAPES: &[&str] = &["pod-list", "pretty-pod-list", "clean-pod-list", "containers"];

fn pod(i: usize, hardened: bool) -> String {
    let (pod_sc, sc) = if hardened {
        (
            r#""securityContext":{"runAsNonRoot":true,"runAsUser":10001,"seccompProfile":{"type":"RuntimeDefault"}},"automountServiceAccountToken":false,"#,
            r#""securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}},"resources":{"requests":{"cpu":"100m","memory":"128Mi","ephemeral-storage":"1Gi"},"limits":{"cpu":"500m","memory":"256Mi","ephemeral-storage":"1Gi"}},"#,
        )
    } else {
        ("", r#""resources":{"requests":{"cpu":"100m"}},"#)
    };
    format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"web-{i:08}-7d9f8c6b5-x2x4z","namespace":"shop","uid":"3f1c1b0e-{i:08x}-4e2b-9a57-1c2d3e4f5a6b","resourceVersion":"{i}","creationTimestamp":"2026-11-01T10:00:00Z","labels":{{"app":"web","pod-template-hash":"7d9f8c6b5"}},"annotations":{{"kubectl.kubernetes.io/restartedAt":"2026-11-01T09:59:00Z"}},"ownerReferences":[{{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d9f8c6b5","uid":"9a8b7c6d-0000-4000-8000-{i:012x}","controller":true,"blockOwnerDeletion":true}}]}},"spec":{{{pod_sc}"serviceAccountName":"web","nodeName":"node-{n}","restartPolicy":"Always","dnsPolicy":"ClusterFirst","terminationGracePeriodSeconds":30,"containers":[{{"name":"app","image":"registry.example.com/shop/web@sha256:{i:064x}",{sc}"ports":[{{"containerPort":8080,"protocol":"TCP"}}],"env":[{{"name":"LOG_LEVEL","value":"info"}},{{"name":"DB_HOST","value":"postgres.shop.svc"}}],"volumeMounts":[{{"name":"kube-api-access","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","readOnly":true}}]}}],"volumes":[{{"name":"kube-api-access","projected":{{"sources":[{{"serviceAccountToken":{{"path":"token","expirationSeconds":3607}}}}]}}}}]}},"status":{{"phase":"Running","podIP":"10.0.{a}.{b}","hostIP":"192.168.0.{a}","startTime":"2026-11-01T10:00:01Z","containerStatuses":[{{"name":"app","ready":true,"restartCount":0,"image":"registry.example.com/shop/web:1.4.2","imageID":"registry.example.com/shop/web@sha256:{i:064x}","started":true}}]}}}}"#,
        n = i % 50,
        a = (i / 250) % 250,
        b = i % 250,
    )
}

fn input(shape: &str, bytes: usize) -> SourceFile {
    match shape {
        "containers" => {
            let mut text = String::with_capacity(bytes + 64);
            text.push_str("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n");
            let mut i = 0usize;
            while text.len() < bytes {
                text.push_str(&format!("  - {{name: c{i}, image: nginx}}\n"));
                i += 1;
            }
            SourceFile::new("big.yaml", text)
        }
        _ => {
            let hardened = shape == "clean-pod-list";
            let pretty = shape == "pretty-pod-list";
            let mut text = String::with_capacity(bytes + 4096);
            text.push_str("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
            let mut i = 0usize;
            while text.len() < bytes {
                if i > 0 {
                    text.push_str(",\n");
                }
                let p = pod(i, hardened);
                match serde_json::from_str::<serde_json::Value>(&p).ok().filter(|_| pretty) {
                    Some(v) => {
                        let mut w = serde_json::Serializer::with_formatter(
                            Vec::new(),
                            serde_json::ser::PrettyFormatter::with_indent(b"    "),
                        );
                        if serde::Serialize::serialize(&v, &mut w).is_ok() {
                            text.push_str(&String::from_utf8_lossy(&w.into_inner()));
                        }
                    }
                    None => text.push_str(&p),
                }
                i += 1;
            }
            text.push_str("\n],\"metadata\":{\"resourceVersion\":\"\"}}\n");
            SourceFile::new("pods.json", text)
        }
    }
}

/// A writer that counts the bytes written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// One measurement, in this process: prints `bytes kept cut seconds peak_kib`.
fn once(shape: &str, mib: usize) -> ExitCode {
    let file = input(shape, mib * 1024 * 1024);
    let bytes = file.content.len();
    let t0 = Instant::now();
    let Ok(checker) = Checker::new(&Config::default(), Some("2026-11-22T00:00:00Z")) else { return ExitCode::FAILURE };
    // As the command does: the text is freed before rendering when the format is JSON.
    let source = kubeharden::source::parse(&file, checker.parse_options());
    drop(file);
    let report = checker.check_sources(std::slice::from_ref(&source));
    // Written as the command writes it: streamed, counted here instead of kept.
    let mut out = Counted(0);
    if report.write_json(&mut out).is_err() {
        return ExitCode::FAILURE;
    }
    let json = out.0;
    let secs = t0.elapsed().as_secs_f64();
    let cut = report
        .errors
        .iter()
        .find(|e| e.message.contains("more findings were not kept"))
        .map_or(0, |e| e.message.split_whitespace().next().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0));
    // How the memory bound was kept (`kubeharden::memory`): 0 all read, 1 pods not checked,
    // 2 the input refused for its tree.
    let how = if report.errors.iter().any(|e| e.message.starts_with("the syntax tree of this input")) {
        2
    } else {
        u8::from(report.errors.iter().any(|e| e.message.contains("were not checked")))
    };
    println!("{bytes} {} {cut} {secs:.2} {} {json} {how}", report.findings.len(), peak_rss_kib());
    std::mem::forget(source);
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--print") {
        // The input of a shape, to look at or to scan with the command: `--print SHAPE KIB`.
        let shape = args.get(1).map_or("pod-list", String::as_str);
        let kib = args.get(2).and_then(|m| m.parse().ok()).unwrap_or(4);
        print!("{}", input(shape, kib * 1024).content);
        return ExitCode::SUCCESS;
    }
    if args.first().map(String::as_str) == Some("--once") {
        let shape = args.get(1).map_or("pod-list", String::as_str);
        let mib = args.get(2).and_then(|m| m.parse().ok()).unwrap_or(250);
        return once(shape, mib);
    }
    let mut mib = 250usize;
    let mut shapes = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--mib" {
            mib = it.next().and_then(|m| m.parse().ok()).unwrap_or(mib);
        } else {
            shapes.push(a.clone());
        }
    }
    if shapes.is_empty() {
        shapes = SHAPES.iter().map(|s| (*s).to_owned()).collect();
    }
    let Ok(me) = std::env::current_exe() else { return ExitCode::FAILURE };
    println!("| shape | input MB | read | findings kept | cut | JSON MB | seconds | peak RSS MB | bound (4 × input + 100 MB) | within |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---|");
    let mut ok = true;
    for shape in &shapes {
        let Ok(out) = Command::new(&me).args(["--once", shape, &mib.to_string()]).output() else {
            return ExitCode::FAILURE;
        };
        let line = String::from_utf8_lossy(&out.stdout);
        let v: Vec<f64> = line.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        let [bytes, kept, cut, secs, kib, json, how] = v[..] else {
            eprintln!("{shape}: no measurement ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
            ok = false;
            continue;
        };
        let mb = |b: f64| b / 1e6;
        let peak = kib * 1024.0;
        let bound = 4.0 * bytes + 100e6;
        let within = peak <= bound;
        ok &= within;
        let read = match how as u8 {
            0 => "all",
            1 => "pods beyond the budget not checked",
            _ => "refused (syntax tree beyond its budget)",
        };
        println!(
            "| {shape} | {:.1} | {read} | {kept} | {cut} | {:.1} | {secs:.2} | {:.0} | {:.0} | {} |",
            mb(bytes),
            mb(json),
            mb(peak),
            mb(bound),
            if within { "yes" } else { "**no**" }
        );
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
