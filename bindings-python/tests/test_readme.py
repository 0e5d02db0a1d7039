"""The README's Python example runs as written."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT


def test_readme_example_runs() -> None:
    readme = (ROOT / "bindings-python" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 1
    code = blocks[0]
    assert len(code.strip().splitlines()) <= 10
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert "critical POD001 privileged-container web spec.containers[0].securityContext.privileged" in out.getvalue()
