//! `kubeharden netpol PATH... [--from W] [--to W] [--port P] [--format text|json|dot]`:
//! offline reachability between the workloads of the input under their NetworkPolicies. Reads
//! the inputs (in parallel), asks the core ([`kubeharden::netpol::answer`]) and picks a renderer
//! ([`kubeharden::report::netpol`]).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kubeharden::report::netpol::{self as render, NetpolScope};
use kubeharden::{InputPolicy, Inventory, NetpolReport, ParseOptions};

use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// Output formats of `netpol`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable.
    Text,
    /// JSON.
    Json,
    /// Graphviz: allowed paths as edges.
    Dot,
}

/// Arguments of `netpol`.
#[derive(Args, Debug)]
pub struct NetpolArgs {
    /// Files or directories (recursive: .yaml, .yml, .json); `-` reads stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Source workload: `name`, `namespace/name`, `Kind/namespace/name` or `external`.
    #[arg(long)]
    pub from: Option<String>,
    /// Destination workload: `name`, `namespace/name`, `Kind/namespace/name` or `external`.
    #[arg(long)]
    pub to: Option<String>,
    /// Port: `8080`, `8080/UDP`, or a port name of the destination (`http`, `dns/UDP`).
    #[arg(long)]
    pub port: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Follow symbolic links inside scanned directories.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Treat every input as one cluster (as `scan --one-cluster`): policies of any input select
    /// the workloads of any other, and objects without a namespace share one `default`.
    #[arg(long)]
    pub one_cluster: bool,
}

/// Runs `netpol`: exit 0 when answered (for a pair: allowed), 1 when a pair asked about is
/// denied, 2 on a usage or input error.
pub fn run(a: &NetpolArgs) -> u8 {
    let options = ParseOptions { one_cluster: a.one_cluster, ..ParseOptions::default() };
    let (_, sources) = crate::scan::read_all(&a.paths, a.follow_symlinks, &options);
    let inventory = Inventory::new(&sources);
    let report = match kubeharden::netpol::answer(&inventory, a.from.as_deref(), a.to.as_deref(), a.port.as_deref()) {
        // the notices of what was left out were said while reading
        Ok(r) => NetpolReport { skipped: inventory.skipped(InputPolicy::default()), ..r },
        Err(e) => {
            // The inputs first: a workload not found may be in a file that could not be read.
            print_input_errors(inventory.input_errors());
            match e {
                kubeharden::Error::Request(m) => errln!("error: {m}"),
                other => errln!("error: {other}"),
            }
            return EXIT_ERROR;
        }
    };
    print_input_errors(&report.errors);
    for w in &report.warnings {
        errln!(
            "warning: {}:{}:{}: NetworkPolicy `{}`: {} (this part matches nothing)",
            w.file,
            w.line,
            w.column,
            w.policy,
            w.message
        );
    }
    for note in &report.notes {
        errln!("note: {note}");
    }
    let out = match a.format {
        Format::Json => render::render_json(&report),
        Format::Dot => render::render_dot(&report),
        Format::Text => render::render_text(&report),
    };
    out!("{out}");
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if report.scope == NetpolScope::Pair && !report.all_allowed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn print_input_errors<'e>(errors: impl IntoIterator<Item = &'e kubeharden::InputError>) {
    for e in errors {
        match (e.line, e.column) {
            (Some(l), Some(c)) => errln!("error: {}:{l}:{c}: {}", e.file, e.message),
            _ => errln!("error: {}: {}", e.file, e.message),
        }
    }
}
