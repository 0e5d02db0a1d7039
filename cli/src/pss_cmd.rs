//! `kubeharden pss --level baseline|restricted [--version v1.N|latest] PATH...`: would Pod
//! Security Admission admit the pods of each pod-bearing object?

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kubeharden::pss::{check_pss, PssRequest, DEFAULT_LEVEL, DEFAULT_VERSION};
use kubeharden::report::pss as render;
use kubeharden::SourceFile;

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
    #[arg(long, default_value = DEFAULT_LEVEL)]
    pub level: String,
    /// Policy version: `latest` or `v1.<minor>` (v1.0 … v1.37).
    #[arg(long, default_value = DEFAULT_VERSION)]
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
    let files = inputs::expand(&a.paths, a.follow_symlinks)
        .into_iter()
        .filter_map(|item| match item {
            Item::Path(p) => Some(inputs::read(&p).unwrap_or_else(|(name, message)| SourceFile::failed(name, message))),
            Item::Problem(name, message) => Some(SourceFile::failed(name, message)),
            Item::Skipped(name, reason) => {
                errln!("{}", inputs::skipped_notice(&name, &reason));
                None
            }
        })
        .collect();
    let req = PssRequest { files, level: a.level.clone(), version: a.version.clone(), ..PssRequest::default() };
    let report = match check_pss(&req) {
        Ok(mut r) => {
            inputs::report_not_inputs(&mut r.skipped, &mut r.errors);
            r
        }
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let text = match a.format {
        Format::Json => render::render_json(&report),
        Format::Text => render::render_text(&report),
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
