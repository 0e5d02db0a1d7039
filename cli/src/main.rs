//! The `kubeharden` command-line program. Everything but the allocator lives in the library
//! (`src/lib.rs`), which the Python extension calls too (`python -m kubeharden`).

use std::process::ExitCode;

/// mimalloc: parsing allocates many small strings and nodes; it measured faster than glibc's
/// allocator on the corpus (benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(kubeharden_cli::main(std::env::args_os()))
}
