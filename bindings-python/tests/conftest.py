"""Shared fixtures: test data and the native `kubeharden` command (for side-by-side checks)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = TESTS.parent.parent

# The three rules of the foundation; selecting them keeps expectations stable as rules are added.
SELECT = ["privileged-container", "run-as-non-root", "invalid-field-type"]


@pytest.fixture(scope="session")
def native_cli() -> Path:
    """The native command: `$KUBEHARDEN_CLI`, else a debug build made with cargo."""
    env = os.environ.get("KUBEHARDEN_CLI")
    if env:
        return Path(env)
    subprocess.run(
        ["cargo", "build", "--quiet", "-p", "kubeharden-cli", "--bin", "kubeharden"], cwd=ROOT, check=True
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "kubeharden"
