#!/usr/bin/env bash
# The figures of README.md's "Reliability" section, rerunnable: the hostile-input regression
# tests per file (each one an input once mishandled or a class of them: silent passes, leaks,
# escapes, limits, fingerprints), then with --measure the linear-time check (time_linearity, N
# vs 10 N per input shape) and the memory bound (mem_bound, about 250 MiB per shape). The fuzz
# figures come from fuzz/long-run.sh. Usage: scripts/reliability.sh [--measure]
set -euo pipefail
cd "$(dirname "$0")/.."
count() { # count PACKAGE TEST...: tests per test file
  local pkg=$1
  shift
  for t in "$@"; do
    n=$(cargo test -q --locked -p "$pkg" --test "$t" -- --list --include-ignored 2>/dev/null | grep -c ': test$' || true)
    printf '| `%s/tests/%s.rs` | %s |\n' "$([ "$pkg" = kubeharden ] && echo core || echo cli)" "$t" "$n"
  done
}
echo "| hostile-input tests | tests |"
echo "|---|---:|"
count kubeharden hostile manifest_trust dockerfile_trust image_trust escapes fingerprints regressions secrets
count kubeharden-cli config_trust leaks walk
if [ "${1:-}" = --measure ]; then
  cargo build --release --locked -q -p kubeharden-benches --bin time_linearity --bin mem_bound
  target/release/time_linearity
  target/release/mem_bound --mib 250
fi
