#!/usr/bin/env bash
# Python binding: `pip install ./bindings-python` (maturin as the PEP 517 backend, release build)
# into the venv target/py-venv, then pytest, stubtest on the compiled module and mypy --strict
# over the package and the tests. The CLI-parity tests run the native debug command, built here
# (cached when 10-rust ran first).
# needs: python
set -euo pipefail
cd "$ROOT"
T0=$SECONDS
VENV=target/py-venv
PY=$ROOT/$VENV/bin/python
if [ ! -x "$PY" ]; then
  # System site-packages: maturin, pytest and mypy come from scripts/install-toolchains.sh.
  python3 -m venv --system-site-packages "$VENV"
fi
if ! "$PY" -c "import maturin, pytest, mypy, kubernetes_validate" 2>/dev/null; then
  # kubernetes-validate: the strict schema check of the fixed corpus (tests/test_fix_corpus.py).
  "$PY" -m pip install --quiet "maturin==1.16.0" pytest mypy kubernetes-validate
fi
"$PY" -m pip install --quiet --no-build-isolation --no-deps --force-reinstall ./bindings-python
echo "40-python: wheel built and installed in $((SECONDS - T0)) s"
cargo build --quiet --locked -p kubeharden-cli --bin kubeharden
KUBEHARDEN_CLI="${CARGO_TARGET_DIR:-$ROOT/target}/debug/kubeharden"
export KUBEHARDEN_CLI
cd bindings-python
"$PY" -m pytest -q -rs -p no:cacheprovider tests
"$PY" -m mypy.stubtest kubeharden._kubeharden
"$PY" -m mypy --config-file pyproject.toml --cache-dir "$ROOT/target/mypy-cache" tests
(cd python && "$PY" -m mypy --config-file ../pyproject.toml --cache-dir "$ROOT/target/mypy-cache" -p kubeharden)
echo "40-python: done in $((SECONDS - T0)) s"
