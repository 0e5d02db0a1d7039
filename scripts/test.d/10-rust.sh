#!/usr/bin/env bash
# Rust: formatting (rustfmt over the workspace and fuzz/), clippy (warnings are errors), every test
# (unit, integration, doc, conformance), the ignored corpus test, and the benches compile.
set -euo pipefail
cd "$ROOT"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
cargo test --workspace --locked -- --ignored
