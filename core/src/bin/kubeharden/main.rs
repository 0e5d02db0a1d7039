//! The `kubeharden` command-line program. Everything but the allocator lives in `app.rs`, which
//! the Python extension compiles in too (`python -m kubeharden`).

use std::process::ExitCode;

/// mimalloc: parsing allocates many small strings and nodes; it measured faster than glibc's
/// allocator on the corpus (benches/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod app;

fn main() -> ExitCode {
    ExitCode::from(app::main(std::env::args_os()))
}
