"""The README's Python example and the package docstring's example run as written."""

from __future__ import annotations

import contextlib
import doctest
import io
import re

import kubeharden
from conftest import ROOT


import pytest


@pytest.mark.parametrize("readme_path", ["README.md", "bindings-python/README.md"])
def test_readme_example_runs(readme_path: str) -> None:
    readme = (ROOT / readme_path).read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    code = blocks[0]
    assert len(code.strip().splitlines()) <= 10
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert "critical POD001 privileged-container web spec.containers[0].securityContext.privileged" in out.getvalue()


def test_module_docstring_example_runs() -> None:
    result = doctest.testmod(kubeharden)
    assert result.attempted >= 2 and result.failed == 0
