//! The `kubeharden` command-line program as a library: [`main`] runs a command line and returns
//! the exit code. This crate is the only place with file I/O, the clock, threads and exit codes;
//! the core (`kubeharden`) stays pure. `src/main.rs` adds the allocator, and the Python extension
//! calls [`main`] for `python -m kubeharden` and reuses [`inputs`] and [`scan::analyze_all`].
//! Subcommands live in their own modules.

use std::ffi::OsString;

use clap::{Parser, Subcommand};

/// `println!` that ignores a closed stdout (`kubeharden explain X | head`) instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($t)*);
    }};
}

/// `eprintln!` for a line that may hold names from the input (file names, object names,
/// messages): its control characters are made visible, so a name cannot take over the terminal
/// or forge a line of a CI log. The line's own end is kept.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($t)*);
        let _ = writeln!(std::io::stderr().lock(), "{}", kubeharden::report::escape::escape_control(&line));
    }};
}

/// `eprint!` of lines that may hold names from the input: each line escaped as [`errln!`] does.
macro_rules! errlines {
    ($text:expr) => {{
        for line in $text.lines() {
            errln!("{line}");
        }
    }};
}

pub mod audit_cmd;
pub mod fix_cmd;
pub mod inputs;
pub mod netpol_cmd;
pub mod pss_cmd;
pub mod registry_cmd;
pub mod rules_cmd;
pub mod scan;
pub mod server_cmd;

/// Exit code: nothing at or above the threshold.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "kubeharden",
    version,
    about = "Container-security checklist as rules: Kubernetes manifests, Pod Security Standards, NetworkPolicies, Dockerfiles, images"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check manifests (files, directories, `-` for stdin).
    Scan(scan::ScanArgs),
    /// Apply the findings' fixes to the files, or show them (`--diff`); safe fixes only unless `--unsafe-fixes`.
    Fix(fix_cmd::FixArgs),
    /// List the rules.
    Rules(rules_cmd::RulesArgs),
    /// Show a rule's documentation.
    Explain(rules_cmd::ExplainArgs),
    /// Offline NetworkPolicy reachability: who can reach whom, on which ports, by which policies.
    Netpol(netpol_cmd::NetpolArgs),
    /// The weekly audit of running pods (`kubectl get pods -A -o json`): image age, privileged, root, limits.
    Audit(audit_cmd::AuditArgs),
    /// Would Pod Security Admission admit the pods? (Pod Security Standards, by level and version.)
    Pss(pss_cmd::PssArgs),
    /// The language server (LSP over stdio): findings, docs and fixes in your editor.
    Server(server_cmd::ServerArgs),
}

/// Runs the command line `args` (the program name first) and returns the exit code. Output goes
/// to the process's standard output and error; stdout is flushed before returning.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let code = match cli.command {
        Command::Scan(a) => scan::run(&a),
        Command::Fix(a) => fix_cmd::run(&a),
        Command::Rules(a) => rules_cmd::rules(&a),
        Command::Explain(a) => rules_cmd::explain(&a),
        Command::Netpol(a) => netpol_cmd::run(&a),
        Command::Audit(a) => audit_cmd::run(&a),
        Command::Pss(a) => pss_cmd::run(&a),
        Command::Server(a) => server_cmd::run(&a),
    };
    {
        use std::io::Write as _;
        let _ = std::io::stdout().lock().flush();
    }
    code
}
