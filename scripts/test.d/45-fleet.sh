#!/usr/bin/env bash
# The fleet audit on Dask (examples/fleet/): `pip install ./bindings-python` and the pinned Dask
# (examples/fleet/requirements.txt) into the venv target/fleet-venv, then its pytest, which starts
# a real LocalCluster of two worker processes and compares the merged report with the plain loop,
# and mypy --strict over the example.
# The wheel's cargo build is shared with 40-python (the same target/ and release profile).
# needs: python
set -euo pipefail
cd "$ROOT"
T0=$SECONDS
VENV=target/fleet-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r examples/fleet/requirements.txt pytest mypy
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps ./bindings-python
echo "45-fleet: venv ready in $((SECONDS - T0)) s"
cd examples/fleet
"$ROOT/$VENV/bin/python" -m pytest -q -p no:cacheprovider test_fleet.py
# distributed has no type annotations: calls into it are allowed untyped
"$ROOT/$VENV/bin/python" -m mypy --strict --allow-untyped-calls --cache-dir "$ROOT/target/mypy-cache" fleet.py generate.py bench.py test_fleet.py
echo "45-fleet: done in $((SECONDS - T0)) s"
