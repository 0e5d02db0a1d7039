#!/usr/bin/env bash
# Compares the speed and memory of two revisions of kubeharden on the same input, so a change can
# show it did not regress: builds BASE_REV in a temporary worktree (release, into
# target/compare-base as scripts/compare-findings.sh does), then runs `scan --format json` of
# both builds alternately RUNS times and prints the median wall time and peak RSS of each and
# their ratio. Alternating spreads the machine's other load over both.
#
#   scripts/compare-speed.sh BASE_REV [PATH] [RUNS]   (default ../shared/corpus/k8s, 7 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
base=${1:?usage: scripts/compare-speed.sh BASE_REV [PATH] [RUNS]}
path=${2:-${KUBEHARDEN_SHARED:-../shared}/corpus/k8s}
runs=${3:-7}
work=$(mktemp -d)
trap 'git -C "$ROOT" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
echo "building $base ..."
(cd "$work/base" && CARGO_TARGET_DIR="$ROOT/target/compare-base" cargo build --release --quiet --bin kubeharden)
echo "building the working tree ..."
cargo build --release --quiet --bin kubeharden
old="$ROOT/target/compare-base/release/kubeharden"
new="$ROOT/target/release/kubeharden"
for i in $(seq "$runs"); do
  for which in old new; do
    bin=$old
    [ "$which" = new ] && bin=$new
    /usr/bin/time -f "$which %e %M" -a -o "$work/times" "$bin" scan --now 2026-12-01T00:00:00Z --format json \
      --fail-on never "$path" >/dev/null 2>&1 || true
  done
done
python3 - "$work/times" "$base" "$path" "$runs" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.split() and l.split()[0] in ("old", "new")]
med = {w: (statistics.median(float(r[1]) for r in rows if r[0] == w),
           statistics.median(int(r[2]) for r in rows if r[0] == w) / 1024) for w in ("old", "new")}
print(f"{sys.argv[3]}, {sys.argv[4]} runs each, alternating; medians:")
print(f"  {sys.argv[2]:>12}: {med['old'][0]:.3f} s, {med['old'][1]:.1f} MB")
print(f"  {'working tree':>12}: {med['new'][0]:.3f} s, {med['new'][1]:.1f} MB")
print(f"  ratio: time {med['new'][0] / med['old'][0]:.2f}, memory {med['new'][1] / med['old'][1]:.2f}")
PY
