#!/usr/bin/env bash
# Fuzz smoke: every cargo-fuzz target of fuzz/ for a few seconds from the curated seeds
# (60 s of fuzzing in total), so a target that no longer builds or crashes at once fails CI.
# Long runs are manual: see fuzz/README.md. The first build compiles libFuzzer and the crate
# graph (measured below); later runs reuse fuzz/target. Needs rustup's nightly toolchain (skipped,
# and listed as such, without it) and cargo-fuzz (`cargo install`ed into ~/.cargo/bin when missing).
set -euo pipefail
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup toolchain list 2>/dev/null | grep '^nightly' >/dev/null; then
  echo "SKIPPED 70-fuzz-smoke: no nightly toolchain (rustup toolchain install nightly)" | tee -a test-output/skipped.txt
  exit 0
fi
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked
fi
targets=$(cargo +nightly fuzz list)
n=$(echo "$targets" | wc -w)
per=$((60 / n))
out=test-output/fuzz-smoke
rm -rf "$out"
# Build every target once, then run the binaries directly (`cargo fuzz run` would build a second
# time with other flags). A smoke needs a quick build more than fast runs: unoptimised (debug
# assertions and overflow checks on) and without ASan (the core forbids unsafe code). The long
# runs of fuzz/README.md use the default optimised ASan build.
cargo +nightly fuzz build --dev -s none
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin=fuzz/target/$host/debug
for t in $targets; do
  mkdir -p "$out/corpus-$t" "$out/artifacts-$t"
  seeds=()
  [ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
  echo "--- fuzz $t for ${per}s"
  rc=0
  "$bin/$t" "$out/corpus-$t" "${seeds[@]}" -max_total_time="$per" -max_len=8192 -len_control=0 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$out/artifacts-$t/" -print_final_stats=1 >"$out/$t.log" 2>&1 || rc=$?
  grep -E "^#[0-9]+.*DONE|^stat::(number_of_executed_units|peak_rss_mb)|panicked|^SUMMARY" "$out/$t.log" || true
  if [ "$rc" -ne 0 ]; then
    tail -40 "$out/$t.log"
    echo "fuzz target $t failed (exit $rc): see $out/$t.log and $out/artifacts-$t/"
    exit 1
  fi
done
