#!/usr/bin/env bash
# How much a default scan says per workload: the figures of README "Signal".
#
#   scripts/signal-stats.sh [--rev REV] [PATH...]   (default path: $KUBEHARDEN_SHARED/corpus/k8s,
#                                                   KUBEHARDEN_SHARED defaulting to ../shared)
#
# Builds kubeharden (release; with --rev, REV in a temporary worktree), runs a default
# `scan --format json` (no configuration file: the defaults) and `pss --format json` (which lists
# every pod-bearing object: the workloads, those without a finding included) on the PATHs, and
# prints:
#   - the number of workloads, the median, mean and maximum of the findings on each (findings
#     whose object is the workload: container, pod and object findings; namespace-level findings
#     are on the Namespace and counted apart), and their distribution;
#   - the count of every rule over all findings, highest first (as `scan --statistics`).
# The PATHs are given to both commands as they are: each is one input (one cluster), in which
# objects without a namespace share `default` with their directory only (ARCHITECTURE.md,
# "Clusters"; revisions before it read the whole input as one `default`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
rev=""
if [ "${1:-}" = "--rev" ]; then
  rev=${2:?usage: scripts/signal-stats.sh [--rev REV] [PATH...]}
  shift 2
fi
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("${KUBEHARDEN_SHARED:-../shared}/corpus/k8s")
work=$(mktemp -d)
cleanup() {
  if [ -n "$rev" ]; then git -C "$ROOT" worktree remove --force "$work/rev" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "$rev" ]; then
  git worktree add --detach "$work/rev" "$rev" >/dev/null
  ( cd "$work/rev" && CARGO_TARGET_DIR="$ROOT/target/signal-rev" cargo build --release --quiet --bin kubeharden )
  bin="$ROOT/target/signal-rev/release/kubeharden"
else
  cargo build --release --quiet --bin kubeharden
  bin="$ROOT/target/release/kubeharden"
fi
# No configuration file of the working directory: the defaults.
"$bin" scan --config /dev/null --now 2026-12-01T00:00:00Z --fail-on never --format json "${paths[@]}" >"$work/scan.json" 2>/dev/null || true
"$bin" pss --format json "${paths[@]}" >"$work/pss.json" 2>/dev/null || true
python3 - "$work/scan.json" "$work/pss.json" <<'EOF'
import collections, json, statistics, sys
scan = json.load(open(sys.argv[1]))
pss = json.load(open(sys.argv[2]))
def key(file, document, o):
    return (file, document, o.get("kind"), o.get("namespace"), o.get("name"))
per = {key(r["file"], r["document"], r["object"]): 0 for r in pss["results"]}
for f in scan["findings"]:
    k = key(f.get("file"), f.get("document"), f.get("object") or {})
    if k in per:
        per[k] += 1
counts = sorted(per.values())
print(f"workloads: {len(counts)}")
if counts:
    print(f"findings per workload: median {statistics.median(counts):g}, mean {statistics.mean(counts):.1f}, max {counts[-1]}")
    dist = collections.Counter(counts)
    print("distribution (findings: workloads): " + ", ".join(f"{n}: {dist[n]}" for n in sorted(dist)))
print(f"findings: {len(scan['findings'])} ({sum(per.values())} on workloads), input errors: {len(scan['errors'])}")
rules = collections.Counter((f["rule"], f["name"]) for f in scan["findings"])
width = max((len(str(n)) for n in rules.values()), default=1)
for (rule, name), n in sorted(rules.items(), key=lambda x: (-x[1], x[0])):
    print(f"{n:>{width}}  {rule:<7} {name}")
EOF
