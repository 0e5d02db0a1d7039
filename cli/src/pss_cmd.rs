//! `kubeharden pss --level baseline|restricted [--version v1.N|latest] PATH...`: would Pod
//! Security Admission admit the pods of each pod-bearing object?

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kubeharden::api::InputError;
use kubeharden::pss::{check_pss, PssReport, PssRequest};

use crate::inputs::{self, Item};
use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// Output formats of `pss`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// One block per object: allowed or denied, with the violations as Kubernetes words them.
    Text,
    /// `{"results": [{"file", "document", "object", "allowed", "violations": [...]}]}`.
    Json,
}

/// Arguments of `pss`.
#[derive(Args, Debug)]
pub struct PssArgs {
    /// Files or directories (recursive: .yaml, .yml, .json); `-` reads stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Pod Security Standards level: baseline, restricted (or privileged: allows everything).
    #[arg(long)]
    pub level: String,
    /// Policy version: `latest` or `v1.<minor>` (v1.0 … v1.37).
    #[arg(long, default_value = "latest")]
    pub version: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Follow symbolic links inside scanned directories.
    #[arg(long)]
    pub follow_symlinks: bool,
}

/// Runs `pss`: exit 0 when every object is allowed, 1 when one is denied, 2 on a usage or input
/// error.
pub fn run(a: &PssArgs) -> u8 {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for item in inputs::expand(&a.paths, a.follow_symlinks) {
        let read = match item {
            Item::Path(p) => inputs::read(&p),
            Item::Problem(name, msg) => Err((name, msg)),
            Item::Skipped(name, reason) => {
                eprintln!("{}", inputs::skipped_notice(&name, &reason));
                continue;
            }
        };
        match read {
            Ok(src) => files.push(src),
            Err((file, message)) => {
                unreadable.push(InputError { file, document: None, line: None, column: None, message })
            }
        }
    }
    let req = PssRequest { files, level: a.level.clone(), version: a.version.clone() };
    let mut report = match check_pss(&req) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    report.errors.splice(0..0, unreadable);
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        Format::Text => render_text(&report),
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if report.all_allowed() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

fn render_text(report: &PssReport) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let at = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            _ => String::new(),
        };
        out.push_str(&format!("{}{at}: error: {}\n", e.file, e.message));
    }
    for r in &report.results {
        let o = &r.object;
        let name = match (&o.namespace, &o.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (None, Some(n)) => n.clone(),
            _ => "(unnamed)".to_owned(),
        };
        let verdict = if r.allowed { "allowed" } else { "denied" };
        out.push_str(&format!("{} [document {}]: {} `{name}`: {verdict}\n", r.file, r.document, o.kind));
        for v in &r.violations {
            out.push_str(&format!("  {}:{}:{}: {}: {}\n", r.file, v.line, v.column, v.check, v.message));
        }
    }
    let denied = report.results.iter().filter(|r| !r.allowed).count();
    out.push_str(&format!(
        "{} pod-bearing object(s) at {} {}: {} allowed, {denied} denied\n",
        report.results.len(),
        report.level,
        report.version,
        report.results.len() - denied
    ));
    out
}
