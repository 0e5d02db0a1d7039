"""The example application: the expected findings, by file, line, rule, object and container.

The cases are data (`data/app-expected.json`) over the manifests in `data/app/`.
"""

from __future__ import annotations

import json
from typing import Any

import kubeharden
from kubeharden import Severity
from conftest import DATA, SELECT


def key(file: str, line: Any, rule: str, obj: Any, container: Any, path: Any) -> tuple[Any, ...]:
    return (file, line, rule, obj, container, path)


def test_example_app_findings() -> None:
    expected = json.loads((DATA / "app-expected.json").read_text())
    report = kubeharden.scan_paths(DATA / "app", config={"select": SELECT})
    got = [
        key(f.file.rsplit("/", 1)[-1] if f.file else "", f.line, f.rule, f.object.name if f.object else None,
            f.container, f.path)
        for f in report.findings
    ]
    assert got == [key(e["file"], e["line"], e["rule"], e["object"], e["container"], e["path"]) for e in expected]
    assert report.errors == ()
    assert report.suppressed == 1  # node-debugger's reviewed privileged container
    assert report.summary.objects == 4  # the Helm values file is not an object


def test_example_app_hardened_deployment_is_clean() -> None:
    report = kubeharden.scan((DATA / "app" / "web-deployment.yaml").read_text(), config={"select": SELECT})
    assert report.findings == ()


def test_example_app_with_its_config() -> None:
    config = (DATA / "kubeharden-config.yaml").read_text()
    report = kubeharden.scan_paths(DATA / "app", config=config)
    sev = {f.rule: f.severity for f in report.findings}
    assert sev == {"POD001": Severity.CRITICAL, "POD003": Severity.MEDIUM, "WKL001": Severity.HIGH}


def test_suppression_can_be_turned_off() -> None:
    report = kubeharden.scan_paths(DATA / "app", config={"select": SELECT, "annotation-suppressions": False})
    assert report.suppressed == 0
    assert any(f.object and f.object.name == "node-debugger" for f in report.findings)
