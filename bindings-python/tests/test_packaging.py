"""The package's two build descriptions agree: the repository root's pyproject.toml, which
pre-commit's `language: python` hook installs (it pip-installs a hook repository's root), builds
the same package as bindings-python/pyproject.toml (`pip install ./bindings-python`)."""

from __future__ import annotations

import tomllib
from typing import Any

from conftest import ROOT


def load(path: str) -> dict[str, Any]:
    with open(ROOT / path, "rb") as f:
        return tomllib.load(f)


def test_root_pyproject_builds_the_same_package() -> None:
    here, root = load("bindings-python/pyproject.toml"), load("pyproject.toml")
    assert root["build-system"] == here["build-system"]
    assert root["project"] == {**here["project"], "readme": "bindings-python/README.md"}
    maturin = {k: v for k, v in here["tool"]["maturin"].items() if k != "python-source"}
    assert root["tool"]["maturin"] == {
        **maturin,
        "manifest-path": "bindings-python/Cargo.toml",
        "python-source": "bindings-python/" + here["tool"]["maturin"]["python-source"],
    }
    assert root["project"]["scripts"] == {"kubeharden": "kubeharden.__main__:console_main"}
