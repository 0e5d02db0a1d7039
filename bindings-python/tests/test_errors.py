"""Exception classes, their attributes, and when each is raised."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

import kubeharden
from kubeharden import ConfigError, KubehardenError, ParseError, RequestError
from conftest import DATA


def test_hierarchy() -> None:
    assert issubclass(KubehardenError, Exception)
    for cls in (ParseError, ConfigError, RequestError):
        assert issubclass(cls, KubehardenError) and issubclass(cls, ValueError)
        assert cls.__module__ == "kubeharden"
    assert not issubclass(KubehardenError, ValueError)


def test_parse_error_has_file_document_line_column() -> None:
    text = "apiVersion: v1\nkind: Pod\n---\nmetadata:\n  name: [unclosed\n"
    with pytest.raises(ParseError) as info:
        kubeharden.scan(text, filename="pods.yaml")
    e = info.value
    assert (e.file, e.document) == ("pods.yaml", 1)
    assert e.line is not None and e.line >= 5 and e.column is not None and e.column >= 1
    assert e.message and str(e).startswith(f"pods.yaml:{e.line}:{e.column}: ")
    assert str(e).endswith(e.message)


def test_parse_error_for_json_and_for_objects_that_cannot_be_kubernetes() -> None:
    with pytest.raises(ParseError) as info:
        kubeharden.scan('{"kind": "Pod",', filename="pod.json")
    assert info.value.file == "pod.json" and info.value.line == 1
    with pytest.raises(ParseError, match="no `apiVersion`"):
        kubeharden.scan({"kind": "Pod", "metadata": {"name": "x"}})


def test_non_strict_scan_reports_instead_of_raising() -> None:
    report = kubeharden.scan("a: [1\n", filename="x.yaml", strict=False)
    assert len(report.errors) == 1
    e = report.errors[0]
    assert e.file == "x.yaml" and e.line is not None and e.message


def test_scan_paths_reports_bad_files_and_goes_on() -> None:
    report = kubeharden.scan_paths([DATA / "broken", DATA / "app" / "worker-cronjob.yaml"])
    assert [e.file for e in report.errors] == [str(DATA / "broken" / "unclosed.yaml")]
    assert report.errors[0].line is not None
    assert any(f.name == "privileged-container" for f in report.findings)


def test_config_errors_carry_their_place() -> None:
    with pytest.raises(ConfigError) as info:
        kubeharden.scan("", config="select: [privileged-container]\nbogus: 1\n")
    assert (info.value.line, info.value.column) == (2, 1)
    assert info.value.message is not None and "bogus" in info.value.message
    with pytest.raises(ConfigError) as info:
        kubeharden.scan("", config={"options": {"nope": []}})
    assert info.value.line is None and "nope" in str(info.value)
    with pytest.raises(ConfigError, match="unknown rule `no-such-rule`"):
        kubeharden.scan("", config={"enable": ["no-such-rule"]})
    with pytest.raises(ConfigError):
        kubeharden.scan_paths(DATA / "app", config={"severity": {"privileged-container": "urgent"}})
    with pytest.raises(ConfigError, match="fail-on|severity"):
        kubeharden.scan("", config={"fail-on": "sometimes"})


def test_request_errors() -> None:
    with pytest.raises(RequestError) as info:
        kubeharden.scan_paths(DATA / "app", now="2026-13-45")
    assert info.value.message == "`2026-13-45` is not an RFC 3339 time"


def test_errors_are_catchable_as_value_error(tmp_path: Path) -> None:
    caught = 0
    calls: list[Callable[[], object]] = [
        lambda: kubeharden.scan("a: [", filename="f.yaml"),
        lambda: kubeharden.scan("", config={"bogus": 1}),
        lambda: kubeharden.scan("", now="never"),
    ]
    for call in calls:
        try:
            call()
        except ValueError:
            caught += 1
    assert caught == 3
