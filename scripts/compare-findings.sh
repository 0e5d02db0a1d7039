#!/usr/bin/env bash
# Compares what two revisions of kubeharden report on the same inputs, finding by finding, so a
# refactoring can show it changed no behaviour (or exactly which).
#
#   scripts/compare-findings.sh BASE_REV [PATH...]     (default paths: ../shared/corpus/k8s and
#                                                       ../shared/corpus/dockerfiles)
#
# Builds BASE_REV in a temporary worktree (release), runs `scan --format json` of both builds on
# each path with a fixed --now, and prints the differences of the sorted finding lists
# (rule, file, document, line, column, fingerprint, message) and of the input errors. Exit 0 when
# they are identical, 1 otherwise. Both builds are run from the working directory, so file names
# match.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
base=${1:?usage: scripts/compare-findings.sh BASE_REV [PATH...]}
shift
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(../shared/corpus/k8s ../shared/corpus/dockerfiles)
work=$(mktemp -d)
trap 'git -C "$ROOT" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
echo "building $base ..."
( cd "$work/base" && CARGO_TARGET_DIR="$ROOT/target/compare-base" cargo build --release --quiet --bin kubeharden )
echo "building the working tree ..."
cargo build --release --quiet --bin kubeharden
old="$ROOT/target/compare-base/release/kubeharden"
new="$ROOT/target/release/kubeharden"
flat='import json,sys
r=json.load(sys.stdin)
for f in r["findings"]:
    print("\t".join(str(f.get(k)) for k in ("rule","file","document","line","column","fingerprint","message")))
for e in r["errors"]:
    print("\t".join(["ERROR"]+[str(e.get(k)) for k in ("file","document","line","column","message")]))'
status=0
for p in "${paths[@]}"; do
  "$old" scan --now 2026-12-01T00:00:00Z --format json "$p" | python3 -c "$flat" | LC_ALL=C sort >"$work/old.tsv" || true
  "$new" scan --now 2026-12-01T00:00:00Z --format json "$p" | python3 -c "$flat" | LC_ALL=C sort >"$work/new.tsv" || true
  echo "== $p: $(wc -l <"$work/old.tsv") findings+errors at $base, $(wc -l <"$work/new.tsv") now"
  if ! diff "$work/old.tsv" "$work/new.tsv" >"$work/diff"; then
    status=1
    echo "-- only at $base: $(grep -c '^<' "$work/diff" || true), only now: $(grep -c '^>' "$work/diff" || true)"
    cat "$work/diff"
  fi
done
exit $status
