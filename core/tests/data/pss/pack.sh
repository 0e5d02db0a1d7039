#!/usr/bin/env bash
# Packs Kubernetes' Pod Security Admission fixtures into fixtures.tar.gz (beside this script), the
# archive core/tests/conformance_pss.rs reads. SRC is upstream's `test/testdata` directory
# (https://github.com/kubernetes/pod-security-admission at the commit named in README.md) or a
# verbatim copy of it such as ../shared/conformance/pss. The archive is reproducible: sorted
# names, owner 0, mtime 0, gzip without a name or time stamp. Usage: pack.sh SRC
set -euo pipefail
src=${1:?usage: pack.sh SRC (upstream test/testdata, or ../shared/conformance/pss)}
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$src/baseline" ] && [ -d "$src/restricted" ] || { echo "pack.sh: $src has no baseline/ and restricted/" >&2; exit 1; }
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=a+rX,u+w,go-w --format=ustar \
  -C "$src" -cf - baseline restricted | gzip -9n >"$here/fixtures.tar.gz.new"
mv "$here/fixtures.tar.gz.new" "$here/fixtures.tar.gz"
echo "pack.sh: $(tar -tzf "$here/fixtures.tar.gz" | grep -c '\.yaml$') fixtures, $(stat -c %s "$here/fixtures.tar.gz") bytes in fixtures.tar.gz"
