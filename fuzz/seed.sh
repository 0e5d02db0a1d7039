#!/usr/bin/env bash
# Builds the fuzz corpora in fuzz/corpus/<target>/ (not committed): the curated seeds of
# fuzz/seeds/<target>/ plus a deterministic sample of the PSS conformance fixtures (vendored in
# core/tests/data/pss/fixtures.tar.gz) and, when present, of the shared manifest corpus (files up
# to 16 KiB). Usage: fuzz/seed.sh [SHARED_DIR]   (default $KUBEHARDEN_SHARED, else ../shared)
set -euo pipefail
cd "$(dirname "$0")"
shared=${1:-${KUBEHARDEN_SHARED:-../../shared}}
mkdir -p corpus/scan corpus/list corpus/config corpus/dockerfile corpus/image corpus/trivy
for t in scan config dockerfile image trivy; do cp seeds/$t/* corpus/$t/; done
sample() { # sample DIR EVERY LABEL: every EVERY-th small .yaml/.yml/.json file, sorted, into corpus/scan
  [ -d "$1" ] || { echo "seed.sh: $1 missing, skipped"; return 0; }
  find "$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -16k | LC_ALL=C sort \
    | awk -v n="$2" 'NR % n == 0' | while read -r f; do
      # named after LABEL and the path below DIR, so a re-run gives the same names
      cp "$f" "corpus/scan/$(printf '%s' "$3/${f#"$1"/}" | cksum | cut -d' ' -f1)-$(basename "$f")"
    done
}
sample "$shared/corpus/k8s" 8 corpus-k8s
pss=$(mktemp -d)
trap 'rm -rf "$pss"' EXIT
tar -xzf ../core/tests/data/pss/fixtures.tar.gz -C "$pss" restricted/v1.37 baseline/v1.37
sample "$pss/restricted/v1.37" 2 pss-restricted
sample "$pss/baseline/v1.37" 3 pss-baseline
# every Dockerfile of the shared corpus (they are few and small)
if [ -d "$shared/corpus/dockerfiles" ]; then
  find "$shared/corpus/dockerfiles" -type f -size -16k | LC_ALL=C sort | while read -r f; do
    cp "$f" "corpus/dockerfile/$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
  done
fi
for t in scan config dockerfile image trivy; do echo "seed.sh: corpus/$t $(ls corpus/$t | wc -l) files"; done
