#!/usr/bin/env bash
# The language server (`kubeharden server`) with real clients, over stdio, on a copy of
# lsp/tests/clients/workspace: a Python LSP client (pygls/lsprotocol: diagnostics after the
# workspace index, an incremental change, a syntax error, hover, the suppression code action) and
# Neovim headless (Debian's neovim: attach, read the diagnostics, apply the code action, check the
# buffer). Both from scripts/install-toolchains.sh; a few seconds each, on the debug build
# (cached when 10-rust ran first).
# needs: python editor
set -euo pipefail
cd "$ROOT"
PY=${PYTHON:-python3}
"$PY" -c "import pygls, lsprotocol, pytest" ||
  { echo "80-lsp-clients: pygls, lsprotocol or pytest missing for $PY: run scripts/install-toolchains.sh" >&2; exit 1; }
command -v nvim >/dev/null || { echo "80-lsp-clients: nvim missing: run scripts/install-toolchains.sh" >&2; exit 1; }
cargo build --locked -p kubeharden-cli
KUBEHARDEN=$ROOT/target/debug/kubeharden
export KUBEHARDEN
timeout 120 "$PY" -m pytest -q -p no:cacheprovider lsp/tests/clients/test_pygls.py
ws=$(mktemp -d -t kh-nvim.XXXXXX)
trap 'rm -rf "$ws"' EXIT
cp -R lsp/tests/clients/workspace/. "$ws/"
timeout 60 nvim --headless --clean "$ws/pod.yaml" -c "luafile lsp/tests/clients/nvim_test.lua"
