"""Hostile and odd inputs end in a report or a kubeharden exception, never a crash or a panic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import kubeharden
from kubeharden import ParseError

PRIVILEGED = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
    "spec:\n  containers:\n  - {name: c, image: i, securityContext: {privileged: true}}\n"
)


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused() -> None:
    with pytest.raises(ParseError, match="alias") as info:
        kubeharden.scan(billion_laughs())
    assert info.value.line == 5
    report = kubeharden.scan(billion_laughs(), strict=False)
    assert len(report.errors) == 1 and report.findings == ()


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        "{a: " * 100_000 + "}" * 100_000,
        "a:\n" + "".join("  " * i + "- \n" for i in range(1, 400)),
    ],
    ids=["flow-sequences", "flow-mappings", "block"],
)
def test_deep_nesting_text(text: str) -> None:
    with pytest.raises(ParseError) as info:
        kubeharden.scan(text)
    assert info.value.line is not None
    with pytest.raises(ParseError):
        kubeharden.scan(text, filename="deep.json")


def test_deep_nesting_json_and_dicts() -> None:
    with pytest.raises(ParseError, match="nesting"):
        kubeharden.scan("[" * 100_000 + "]" * 100_000, filename="deep.json")
    deep: dict[str, Any] = {}
    cur = deep
    for _ in range(100_000):
        cur["a"] = {}
        cur = cur["a"]
    with pytest.raises(ParseError, match="nested too deeply") as info:
        kubeharden.scan(deep, filename="deep-dict")
    assert info.value.file == "deep-dict"
    medium: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m"}}
    cur = medium
    for _ in range(500):
        cur["data"] = {}
        cur = cur["data"]
    with pytest.raises(ParseError) as info:
        kubeharden.scan(medium)
    assert info.value.line is not None and info.value.line > 256


def test_empty_inputs() -> None:
    # Nothing to check is no error; an empty mapping is a document without `kind` (test_boundary.py).
    values: list[str | bytes | list[dict[str, Any]]] = ["", "\n", "---\n", "# only a comment\n", b"", []]
    for value in values:
        report = kubeharden.scan(value)
        assert report.findings == () and report.errors == ()
    assert kubeharden.scan_paths([]).summary.files == 0


def test_odd_texts_never_crash() -> None:
    odd = ["\x00", "a: \x00", "\ufeff" + PRIVILEGED, "\t- x", "key: 'unterminated", "!!binary xyz", "? [a]\n: b",
           "&a [*a]", "*unknown", "%YAML 1.1\n---\na: 1", "a: " + "x" * 1_000_000, "é: ü"]
    for text in odd:
        try:
            report = kubeharden.scan(text)
        except ParseError as e:
            assert e.message
        else:
            assert isinstance(report, kubeharden.Report)
    assert kubeharden.scan("\ufeff" + PRIVILEGED).findings


def test_invalid_utf8_file_name_and_content(tmp_path: Path) -> None:
    base = os.fsencode(tmp_path)
    bad_name = os.path.join(base, b"pod-\xff\xfe.yaml")
    with open(bad_name, "wb") as fh:
        fh.write(PRIVILEGED.encode())
    bad_content = os.path.join(base, b"content.yaml")
    with open(bad_content, "wb") as fh:
        fh.write(b"apiVersion: v1\nkind: Pod\nmetadata: {name: \xff\xfe}\n")
    only = {"select": ["privileged-container"]}
    report = kubeharden.scan_paths(tmp_path, config=only)
    assert [f.name for f in report.findings if f.file and f.file.startswith(str(tmp_path / "pod-"))] == [
        "privileged-container"
    ]
    assert [e.file for e in report.errors] == [str(tmp_path / "content.yaml")]
    assert "UTF-8" in report.errors[0].message
    direct = kubeharden.scan_paths(bad_name, config=only)
    assert [f.name for f in direct.findings] == ["privileged-container"]


def test_missing_paths_and_directories_are_errors(tmp_path: Path) -> None:
    report = kubeharden.scan_paths([tmp_path / "missing.yaml", tmp_path])
    assert len(report.errors) == 1 and "cannot read" in report.errors[0].message


def test_strings_with_surrogates_are_a_type_of_error_not_a_crash() -> None:
    with pytest.raises((UnicodeEncodeError, ValueError)):
        kubeharden.scan("a: \ud800")
