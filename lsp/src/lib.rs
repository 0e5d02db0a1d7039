//! kubeharden's language server: the findings of a manifest or a Dockerfile while it is being
//! written, as LSP diagnostics, with hover docs and code actions (a suppression annotation, the
//! fixes of a [`FixProvider`]).
//!
//! A thin layer like the CLI: every file goes through the core's front door
//! ([`kubeharden::source::parse`]), one [`kubeharden::Inventory`] over the workspace, and a
//! [`kubeharden::Checker`]; no rule logic lives here (`related.rs` knows, by rule id, which
//! findings involve a Namespace, NetworkPolicies or a ServiceAccount, to point at them). What needs the file system (listing the
//! workspace with the CLI's walker, reading files, reading `.kubeharden.yaml`) comes from a
//! [`Host`] the caller gives (`kubeharden server` gives the CLI's), so the server and `scan`
//! read the same files the same way.
//!
//! [`Server`] is the protocol's state machine: messages in, messages out, no I/O, so tests and
//! the property test drive it directly; [`run`] connects it to a [`lsp_server::Connection`] (stdio
//! for `kubeharden server`) and indexes the workspace on a thread of its own, so no message
//! waits for the index.

pub mod actions;
mod related;
mod server;
pub mod text;

use std::path::{Path, PathBuf};

pub use actions::{CoreFixes, Edit, Fix, FixProvider};
use kubeharden::{Config, SourceFile};
pub use server::{IndexJob, Server};

/// What the server needs from its surroundings: the walker, file reads, the configuration and
/// the clock. `kubeharden server` implements it with the CLI's own walker and readers.
pub trait Host: Send + Sync {
    /// The files a scan of the directories `roots` reads (the CLI's walker: its skips and
    /// limits), and the problems met listing them, as (name, message).
    fn list(&self, roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>);
    /// Whether a changed file at `path` is one the walker would have listed.
    fn wants(&self, path: &Path) -> bool;
    /// Reads one file, or says why it cannot be read.
    fn read(&self, path: &Path) -> Result<SourceFile, String>;
    /// The configuration of the workspace folder `dir` (its `.kubeharden.yaml`): the defaults when
    /// there is none, an error when one exists but cannot be read.
    fn config(&self, dir: &Path) -> Result<Config, String>;
    /// "Now" for date rules (RFC 3339); `None` where date rules should not use a clock.
    fn now(&self) -> Option<String>;
}

/// A [`Host`] without a file system: no workspace to index, only the open documents, the default
/// configuration, no clock (for embedding the server, and for its bench).
pub struct Detached;

impl Host for Detached {
    fn list(&self, _: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>) {
        (Vec::new(), Vec::new())
    }
    fn wants(&self, _: &Path) -> bool {
        false
    }
    fn read(&self, path: &Path) -> Result<SourceFile, String> {
        Err(format!("`{}`: no file system", path.display()))
    }
    fn config(&self, _: &Path) -> Result<Config, String> {
        Ok(Config::default())
    }
    fn now(&self) -> Option<String> {
        None
    }
}

/// Runs the server on `connection` until the client says `exit`: the initialize handshake, then
/// every message, with the workspace index built on a thread of its own.
///
/// # Errors
/// When the connection fails (the client went away before `exit`).
pub fn run(
    connection: &lsp_server::Connection,
    host: std::sync::Arc<dyn Host>,
    fixes: Option<std::sync::Arc<dyn FixProvider>>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (id, params) = connection.initialize_start()?;
    let params: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::new(host, fixes, &params);
    // `initialize_finish` answers and waits for the client's `initialized`, which it consumes:
    // the server is handed it here.
    connection.initialize_finish(id, serde_json::to_value(server.initialize_result())?)?;
    let initialized = lsp_server::Notification::new("initialized".to_owned(), serde_json::json!({}));
    let mut pending = Some(server.handle(lsp_server::Message::Notification(initialized)));
    let (index_tx, index_rx) = crossbeam_channel::unbounded();
    loop {
        if let Some(job) = server.take_index_job() {
            let tx = index_tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send(job.run());
            });
        }
        for m in pending.take().into_iter().flatten() {
            connection.sender.send(m)?;
        }
        let out = crossbeam_channel::select! {
            recv(connection.receiver) -> msg => {
                let Ok(msg) = msg else { break };
                if let lsp_server::Message::Notification(n) = &msg {
                    if n.method == "exit" {
                        break;
                    }
                }
                server.handle(msg)
            }
            recv(index_rx) -> done => match done {
                Ok(done) => server.index_loaded(done),
                Err(_) => Vec::new(),
            },
        };
        pending = Some(out);
    }
    Ok(())
}

/// `kubeharden server`: the server over standard input and output.
///
/// # Errors
/// When standard input or output fails.
pub fn run_stdio(
    host: std::sync::Arc<dyn Host>,
    fixes: Option<std::sync::Arc<dyn FixProvider>>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, threads) = lsp_server::Connection::stdio();
    run(&connection, host, fixes)?;
    drop(connection);
    threads.join()?;
    Ok(())
}
