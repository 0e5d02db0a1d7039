"""No secret reaches a Python report: the values planted in ``core/tests/data/leaks`` (shared with
the command's and the WASM package's tests) appear in no finding, no rendering and no result of
``scan``, ``scan_paths``, ``pss`` or ``netpol``."""

from __future__ import annotations

import pathlib

import kubeharden

DATA = pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "leaks"
INPUTS = ["manifests.yaml", "minified.json", "Dockerfile"]
PLANTED = [
    line
    for line in (DATA / "planted.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
NOW = "2026-11-22T00:00:00Z"


def assert_clean(what: str, text: str) -> None:
    assert len(PLANTED) >= 15
    for value in PLANTED:
        assert value not in text, f"{what} shows the planted secret {value!r}:\n{text}"
    assert "S3CR3T" not in text, f"{what} shows part of a planted secret:\n{text}"


def assert_report_clean(what: str, report: kubeharden.Report) -> None:
    assert report.findings, what
    for rendering, text in [
        ("to_json", report.to_json()),
        ("to_sarif", report.to_sarif()),
        ("to_text", report.to_text()),
        ("to_text(color)", report.to_text(color=True)),
        ("repr of the findings", repr(report.findings)),
        ("the messages", "\n".join(f.message for f in report.findings)),
    ]:
        assert_clean(f"{what}: {rendering}", text)


def test_scan_of_texts_shows_no_secret() -> None:
    for name in INPUTS:
        text = (DATA / name).read_text(encoding="utf-8")
        report = kubeharden.scan(text, filename=name, now=NOW)
        assert_report_clean(f"scan({name})", report)


def test_scan_paths_shows_no_secret() -> None:
    report = kubeharden.scan_paths([str(DATA / name) for name in INPUTS], now=NOW)
    names = {f.name for f in report.findings}
    assert {"literal-secret-in-env", "duplicate-key", "dockerfile-secret-in-env", "configmap-credentials"} <= names
    assert_report_clean("scan_paths", report)


def test_pss_and_netpol_show_no_secret() -> None:
    for name in ["manifests.yaml", "minified.json"]:
        text = (DATA / name).read_text(encoding="utf-8")
        assert_clean(f"pss({name})", repr(kubeharden.pss(text, filename=name)))
        assert_clean(f"netpol({name})", repr(kubeharden.netpol(text, filename=name)))


def test_fix_shows_no_secret() -> None:
    for name in INPUTS:
        text = (DATA / name).read_text(encoding="utf-8")
        for unsafe in (False, True):
            r = kubeharden.fix(text, filename=name, unsafe=unsafe, now=NOW)
            assert_clean(f"fix({name}, unsafe={unsafe}): applied", repr(r.applied))
            assert_report_clean(f"fix({name}, unsafe={unsafe}): remaining", r.remaining)
            # the fixed text is the user's own: it copies no planted value
            for value in PLANTED:
                assert r.text.count(value) <= text.count(value), f"fix({name}) copied {value!r}"
