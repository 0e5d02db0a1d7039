#!/usr/bin/env bash
# Builds the kubeharden-wasm package: wasm-cargo (scripts/install-toolchains.sh) compiles the crate
# for wasm32-unknown-unknown, wasm-bindgen (= the version pinned in Cargo.lock) writes the ES-module
# glue (--target web: browsers fetch the .wasm, node passes its bytes; see index.js), wasm-opt -O3
# optimises the module. Output: bindings-wasm/pkg/ (gitignored), copied to bindings-wasm/www/pkg/.
# Prints the .wasm size after wasm-opt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck disable=SC1091
[ -f /opt/kubeharden-tools/env.sh ] && . /opt/kubeharden-tools/env.sh
cd "$root"
# The workspace's release profile (opt-level 3): opt-level "s" gave a 25 % smaller module that
# checked a 1 MB manifest 1.7 times slower; the size budget (1.5 MB) has room, the time one less.
wasm-cargo build --release --locked -p kubeharden-wasm
target_dir=${WASM_CARGO_TARGET_DIR:-${CARGO_TARGET_DIR:+$CARGO_TARGET_DIR/wasm}}
target_dir=${target_dir:-$root/target/wasm}
raw="$target_dir/wasm32-unknown-unknown/release/kubeharden_wasm.wasm"
rm -rf "$here/pkg" "$here/www/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$here/pkg" "$raw"
wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$here/pkg/kubeharden_wasm_bg.wasm" -o "$here/pkg/kubeharden_wasm_bg.wasm.opt"
mv "$here/pkg/kubeharden_wasm_bg.wasm.opt" "$here/pkg/kubeharden_wasm_bg.wasm"
mkdir -p "$here/www/pkg"
cp "$here/pkg/kubeharden_wasm.js" "$here/pkg/kubeharden_wasm_bg.wasm" "$here/www/pkg/"
raw_size=$(stat -c %s "$raw")
size=$(stat -c %s "$here/pkg/kubeharden_wasm_bg.wasm")
echo "kubeharden_wasm_bg.wasm: $size bytes after wasm-opt -O3 ($raw_size bytes before wasm-bindgen and wasm-opt)"
