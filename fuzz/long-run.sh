#!/usr/bin/env bash
# The long fuzz runs of fuzz/README.md, reproducible: builds every target once (optimised, ASan:
# `cargo +nightly fuzz build`), seeds the corpora (fuzz/seed.sh), runs each target for SECONDS
# of wall time from fuzz/corpus/<target> plus fuzz/seeds/<target>, JOBS targets at a time, and
# prints one line per target from libFuzzer's own final lines: executions, cov and ft at the start
# and at the end, the corpus size, peak RSS, and the result (crashes are left in
# fuzz/artifacts/<target>/). CPU seconds are the target process's user+sys time, so a run that
# shared the cores with other work says how much fuzzing it really got.
# Usage: [NO_BUILD=1] fuzz/long-run.sh [SECONDS] [JOBS] [TARGET...]   (default 1800 s, 2 at a time, every
# target; NO_BUILD=1 skips the build)
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-1800}
jobs=${2:-2}
shift $(($# > 2 ? 2 : $#))
export PATH="$HOME/.cargo/bin:$PATH"
# A new machine has the nightly toolchain but not cargo-fuzz: install it (crates.io) once.
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
targets=${*:-$(cargo +nightly fuzz list)}
# NO_BUILD=1 runs the binaries built before (e.g. while the core changes under them).
[ "${NO_BUILD:-0}" = 1 ] || cargo +nightly fuzz build
./seed.sh >/dev/null
mkdir -p corpus/list logs
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin=target/$host/release

run_one() {
  local t=$1 seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  mkdir -p "artifacts/$t" "corpus/$t"
  local TIMEFORMAT='%U %S'
  { time (
    rc=0
    "$bin/$t" "corpus/$t" "${seeds[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"logs/$t.log" 2>&1 || rc=$?
    echo "$rc" >"logs/$t.rc"
  ); } 2>"logs/$t.cpu"
}

running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

printf '| target | wall s | CPU s | executions | cov / ft at start -> end | corpus | peak RSS MB | result |\n'
printf '|---|---:|---:|---:|---|---:|---:|---|\n'
for t in $targets; do
  log=logs/$t.log
  start=$(grep -m1 -E '^#[0-9]+\s+INITED' "$log" | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1 \/ \2/' || true)
  end=$(grep -E '^#[0-9]+\s+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1 \/ \2/' || true)
  corp=$(grep -E '^#[0-9]+\s+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed -E 's/.*corp: ([0-9]+)\/.*/\1/' || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "logs/$t.cpu" 2>/dev/null || echo "?")
  rc=$(cat "logs/$t.rc")
  if [ "$rc" = 0 ]; then result=none; else result="exit $rc: $(ls "artifacts/$t" | head -3 | tr '\n' ' ')"; fi
  printf '| `%s` | %s | %s | %s | %s -> %s | %s | %s | %s |\n' "$t" "$secs" "$cpu" "${execs:-?}" "${start:-?}" \
    "${end:-?}" "${corp:-?}" "${rss:-?}" "$result"
done
