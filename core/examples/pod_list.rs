//! Writes a generated `kubectl get pods -A -o json` of N pods (default 10000, about 100 MB) to
//! standard output, to time `kubeharden audit` on a cluster-sized input:
//!
//! ```sh
//! cargo run --release --example pod_list -- 10000 > /tmp/pods.json
//! /usr/bin/time -v target/release/kubeharden audit /tmp/pods.json --now 2026-11-22T00:00:00Z > /dev/null
//! ```

#[path = "../benches/support/pod_list.rs"]
mod pod_list;

use std::io::Write as _;

fn main() {
    let n = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let text = pod_list::generate(n);
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
