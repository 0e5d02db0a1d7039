#!/usr/bin/env bash
# WASM binding (bindings-wasm/): build the package (wasm-cargo, wasm-bindgen, wasm-opt; the first
# build compiles std for wasm32, later ones take seconds), check that the binding holds no rule
# logic, run the node API tests, type-check index.d.ts with tsc (a user's calls, tests/usage.ts,
# and the package's own results, tests/types.test.mjs), and run the page's end-to-end test in
# headless Chromium (screenshots in test-output/; prints the .wasm size and 1 MB timing).
# needs: wasm chromium
set -euo pipefail
cd "${ROOT:-$(dirname "$0")/../..}"
# shellcheck disable=SC1091
[ -f /opt/kubeharden-tools/env.sh ] && . /opt/kubeharden-tools/env.sh
T0=$SECONDS
bash bindings-wasm/build.sh
echo "wasm build: $((SECONDS - T0)) s"
# STYLE.md: bindings convert and call, nothing else.
if grep -rnE 'rules::|Severity::' bindings-wasm/src; then
  echo "bindings-wasm/src must not reach into rules or severities (STYLE.md §2.4)" >&2
  exit 1
fi
node --test --test-reporter=spec bindings-wasm/tests/api.test.mjs
tsc -p bindings-wasm/tests/tsconfig.json
echo "tsc --noEmit: index.d.ts ok for tests/usage.ts"
mkdir -p test-output
node --test --test-reporter=spec bindings-wasm/tests/types.test.mjs
node --test --test-reporter=spec bindings-wasm/tests/browser.test.mjs
echo "suite 50-wasm: $((SECONDS - T0)) s"
