#!/usr/bin/env bash
# Rust: formatting (rustfmt over the workspace and fuzz/), clippy (warnings are errors), every test
# (unit, integration, doc, conformance), the ignored tests, the memory bound (`mem_bound`), and the
# benches compile. Needs cargo (rustup stable) and python3: core/tests/reports.rs validates SARIF
# with Python's jsonschema ($PYTHON, default python3; installed into the venv target/rust-venv when
# python3 lacks it).
#
# Tests that read ../shared (the public corpora beside the repository, not vendored; or
# $KUBEHARDEN_SHARED) live in modules named `needs_shared` and are ignored by plain `cargo test`.
# They run here when that directory exists; otherwise each is reported SKIPPED by name (here, in
# test-output/skipped.txt and in scripts/test's summary), and with KUBEHARDEN_REQUIRE_SHARED=1
# (CI, which has ../shared) its absence fails the suite.
set -euo pipefail
cd "$ROOT"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)
cargo clippy --workspace --all-targets --locked -- -D warnings
if ! "${PYTHON:-python3}" -c "import jsonschema" 2>/dev/null; then
  [ -x target/rust-venv/bin/python ] || python3 -m venv target/rust-venv
  target/rust-venv/bin/python -c "import jsonschema" 2>/dev/null ||
    target/rust-venv/bin/python -m pip install --quiet --disable-pip-version-check "jsonschema>=4"
  export PYTHON=$ROOT/target/rust-venv/bin/python
fi
cargo test --workspace --locked
# The memory bound (issue 16; README "Reliability"): every input shape of about 25 MiB checked
# within 4 × its size + 100 MB of peak RSS, measured in a child process (memory, not time: the
# figure does not depend on the machine's load; a debug build holds the same structures, within a
# few MB of the release build's figures, and costs no build of its own here). Exit 1 above the bound.
cargo run --locked -p kubeharden-benches --bin mem_bound -- --mib 25
shared=${KUBEHARDEN_SHARED:-$ROOT/../shared}
if [ -d "$shared" ]; then
  echo "10-rust: ../shared found ($shared): running the ignored tests, the needs_shared ones included"
  cargo test --workspace --locked -- --ignored
  exit 0
fi
if [ "${KUBEHARDEN_REQUIRE_SHARED:-0}" = 1 ]; then
  echo "10-rust: KUBEHARDEN_REQUIRE_SHARED=1 but $shared does not exist (set KUBEHARDEN_SHARED)" >&2
  exit 1
fi
cargo test --workspace --locked -- --ignored --skip needs_shared::
# The skipped tests by name: the `Running <source> (<binary>)` line cargo prints before each test
# binary's listing, then its `needs_shared::<name>: test` lines.
skipped=$(cargo test --workspace --locked -- --ignored --list needs_shared:: 2>&1 |
  awk '$1 == "Running" { src = $2 } /^needs_shared::.*: test$/ { sub(/: test$/, ""); print src " " $0 }')
[ -n "$skipped" ] || { echo "10-rust: no needs_shared test found: the listing changed?" >&2; exit 1; }
mkdir -p test-output
echo "$skipped" | while read -r src name; do
  echo "SKIPPED $src $name: $shared not found (set KUBEHARDEN_SHARED to run it)" | tee -a test-output/skipped.txt
done
