//! `kubeharden server`: the language server (crate `kubeharden-lsp`) over standard input and
//! output, with this crate's walker ([`crate::inputs`]), file reader and configuration loader,
//! so the editor sees the files and the configuration `scan` would.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use kubeharden::{Config, SourceFile};

use crate::inputs::{self, Item};
use crate::{EXIT_ERROR, EXIT_OK};

/// Arguments of `server`.
#[derive(Args, Debug)]
pub struct ServerArgs {
    /// Speak LSP over standard input and output (the only transport; editors pass it).
    #[arg(long)]
    pub stdio: bool,
    /// Follow symbolic links inside the workspace folders when indexing them.
    #[arg(long)]
    pub follow_symlinks: bool,
}

/// The CLI's walker, reader and configuration, for the server.
pub struct CliHost {
    /// Follow symbolic links in the workspace walk.
    pub follow_symlinks: bool,
}

impl kubeharden_lsp::Host for CliHost {
    fn list(&self, roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for item in inputs::expand(roots, self.follow_symlinks) {
            match item {
                Item::Path(p) => files.push(p),
                Item::Problem(name, message) | Item::Skipped(name, message) => problems.push((name, message)),
            }
        }
        (files, problems)
    }

    fn wants(&self, path: &Path) -> bool {
        inputs::walk_reads(path)
    }

    fn read(&self, path: &Path) -> Result<SourceFile, String> {
        inputs::read(path).map_err(|(_, message)| message)
    }

    fn config(&self, dir: &Path) -> Result<Config, String> {
        crate::scan::load_config_file(&dir.join(".kubeharden.yaml"), false)
    }

    fn now(&self) -> Option<String> {
        Some(crate::scan::now_rfc3339())
    }
}

/// Runs the server until the client says `exit`.
pub fn run(args: &ServerArgs) -> u8 {
    let host = Arc::new(CliHost { follow_symlinks: args.follow_symlinks });
    match kubeharden_lsp::run_stdio(host, Some(std::sync::Arc::new(kubeharden_lsp::CoreFixes))) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            errln!("kubeharden server: {e}");
            EXIT_ERROR
        }
    }
}
