#!/usr/bin/env bash
# scripts/bare-clone.sh: the README's first command, verbatim, as a new user runs it. Clones HEAD
# into a fresh temporary directory (no ../shared beside it, nothing built: the clone's own target/,
# CARGO_TARGET_DIR unset), runs the first command of README.md's "Set up" block there as written,
# and checks that it printed the example app's findings (exit 1: findings at or above high). With
# --test it then runs `scripts/test [SUITE...]`, the README's test command, in the clone too.
# Prints the wall time of each step. CI runs it (.ci/run); uncommitted changes are not part of
# the clone. Usage: scripts/bare-clone.sh [--test [SUITE...]]    Environment: KEEP=1 keeps the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# The README's first command: the first line of the first ```sh block after "## Set up".
cmd=$(awk '/^## Set up/ { s = 1 } s && /^```sh/ { b = 1; next } b { print; exit }' README.md | sed 's/[[:space:]]*#.*$//')
[ -n "$cmd" ] || { echo "bare-clone: no command in README.md's Set up block" >&2; exit 1; }
tmp=$(mktemp -d -t kubeharden-bare.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
[ -z "$(git status --porcelain --untracked-files=no)" ] || echo "bare-clone: note: uncommitted changes are not in the clone"
git clone --quiet --no-local "$ROOT" "$tmp/kubeharden"
cd "$tmp/kubeharden"
unset CARGO_TARGET_DIR KUBEHARDEN_SHARED
echo "bare-clone: $(git log -1 --format='%h %s' | cut -c1-72) in $tmp/kubeharden"
echo "bare-clone: \$ $cmd"
t0=$SECONDS
rc=0
bash -c "$cmd" >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
secs=$((SECONDS - t0))
cat "$tmp/out.txt"
findings=$(grep -cE '^examples/manifests/[^:]+:[0-9]+:[0-9]+: [A-Z]+[0-9]+ \[' "$tmp/out.txt" || true)
if [ "$rc" != 1 ] || [ "$findings" -eq 0 ]; then
  tail -30 "$tmp/err.txt" >&2
  echo "bare-clone: FAILED: \`$cmd\` exited $rc with $findings findings of examples/manifests (expected exit 1 and findings)" >&2
  exit 1
fi
echo "bare-clone: \`$cmd\` printed $findings findings of the example app (exit 1) in $secs s, cold"
if [ "${1:-}" = --test ]; then
  shift
  t0=$SECONDS
  scripts/test "$@"
  echo "bare-clone: scripts/test $* passed in $((SECONDS - t0)) s, cold"
fi
