"""``kubeharden.fix``: the fixed text (edits of the user's text, comments kept), the applied and
the remaining findings, typed; unsafe fixes only when asked; a literal secret never in any output;
``python -m kubeharden fix``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kubeharden

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web  # the front end
spec:
  containers:
    - name: app
      image: registry.example.com/web:1.0
      env:
        - name: DB_PASSWORD
          value: fixture-hunter2
      securityContext:
        privileged: true
        capabilities:
          drop: [all]
"""


def test_safe_fixes_only_by_default() -> None:
    r = kubeharden.fix(POD, filename="pod.yaml", now="2026-11-22T00:00:00Z")
    assert isinstance(r, kubeharden.FixResult)
    assert r.changed
    assert "drop: [ALL]" in r.text
    assert "seccompProfile:\n          type: RuntimeDefault\n" in r.text
    assert "name: web  # the front end\n" in r.text
    assert "privileged: true" in r.text  # unsafe: not applied
    names = {f.name for f in r.applied}
    assert names == {"capabilities-drop-all-missing", "seccomp-profile-missing"}
    for f in r.applied:
        assert isinstance(f, kubeharden.Finding)
        assert f.fix is not None and f.fix.applicability == "safe"
        assert all(isinstance(e, kubeharden.Edit) for e in f.fix.edits)
    assert isinstance(r.remaining, kubeharden.Report)
    left = {f.name for f in r.remaining.findings}
    assert "privileged-container" in left and not names & left
    unsafe = [f for f in r.remaining.findings if f.fix is not None]
    assert unsafe and all(f.fix is not None and f.fix.applicability == "unsafe" for f in unsafe)


def test_unsafe_fixes_and_the_secret_is_written_nowhere() -> None:
    r = kubeharden.fix(POD, filename="pod.yaml", unsafe=True, now="2026-11-22T00:00:00Z")
    assert "privileged: false" in r.text
    assert "fixture-hunter2" not in r.text
    assert "valueFrom:\n            secretKeyRef:\n              name: web-secrets\n              key: DB_PASSWORD\n" in r.text
    for out in (repr(r.applied), r.remaining.to_json(), r.remaining.to_sarif(), r.remaining.to_text()):
        # the planted value (the rules' docs in SARIF have a `hunter2` example of their own)
        assert "fixture-hunter2" not in out
    again = kubeharden.fix(r.text, filename="pod.yaml", unsafe=True, now="2026-11-22T00:00:00Z")
    assert again.text == r.text and not again.changed


def test_fix_settings_come_from_the_configuration() -> None:
    config = {"fix": {"run-as-user": 10001, "secret-name": "{name}-env"}}
    r = kubeharden.fix(POD, filename="pod.yaml", unsafe=True, config=config, now="2026-11-22T00:00:00Z")
    assert "runAsUser: 10001" in r.text
    assert "name: web-env" in r.text
    with pytest.raises(kubeharden.ConfigError):
        kubeharden.fix(POD, config={"fix": {"run-as-user": 0}})


def test_a_mapping_is_fixed_as_json() -> None:
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "image": "registry.example.com/a:1",
                                    "securityContext": {"capabilities": {"drop": ["all"]}}}]}}
    r = kubeharden.fix(obj)
    assert '"ALL"' in r.text and '"all"' not in r.text


def test_an_unreadable_input_raises_and_nothing_is_fixed() -> None:
    with pytest.raises(kubeharden.ParseError):
        kubeharden.fix("apiVersion: v1\nkind: Pod\nmetadata: {name: p\n", filename="bad.yaml")


def test_rules_say_whether_they_fix() -> None:
    fixes = {r.name: r.fix for r in kubeharden.rules()}
    assert fixes["seccomp-profile-missing"] == "always"
    assert fixes["literal-secret-in-env"] == "sometimes"
    assert set(fixes.values()) <= {"always", "sometimes", "never"}


def test_python_m_kubeharden_fix_diff(tmp_path: Path) -> None:
    p = tmp_path / "pod.yaml"
    p.write_text(POD)
    out = subprocess.run(
        [sys.executable, "-m", "kubeharden", "fix", "--diff", "--now", "2026-11-22T00:00:00Z", str(p)],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 1, out.stderr
    assert "+          drop: [ALL]" in out.stdout
    assert "hunter2" not in out.stdout
    assert p.read_text() == POD
