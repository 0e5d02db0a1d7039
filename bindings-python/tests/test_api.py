"""The public surface: scan (text, dict, list), scan_paths, rules, Report, Severity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import kubeharden
from kubeharden import Finding, ObjectRef, Report, Rule, Severity
from conftest import DATA, SELECT

POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
"""

# What `kubernetes.client.ApiClient().sanitize_for_serialization(pod)` returns for a V1Pod read
# from a cluster: camelCase keys, None fields dropped, datetimes as ISO strings, status included.
SANITIZED_POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "creationTimestamp": "2026-11-20T08:15:02+00:00",
        "generateName": "api-7d9f8c6b5-",
        "labels": {"app": "api", "pod-template-hash": "7d9f8c6b5"},
        "name": "api-7d9f8c6b5-x2kqp",
        "namespace": "shop",
        "ownerReferences": [
            {"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True,
             "kind": "ReplicaSet", "name": "api-7d9f8c6b5", "uid": "0b6c9c56-5d0e-4c7e-9a43-2f0f0c1d2e3f"}
        ],
        "resourceVersion": "48213",
        "uid": "6f1d2a8e-8c44-4f7b-a1d5-3f3f61e0b9aa",
    },
    "spec": {
        "containers": [
            {
                "image": "registry.example.com/shop/api:3.1.0",
                "imagePullPolicy": "IfNotPresent",
                "name": "api",
                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
                "securityContext": {"allowPrivilegeEscalation": True, "privileged": True},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                  "name": "kube-api-access-8x2lq", "readOnly": True}],
            }
        ],
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": True,
        "nodeName": "worker-2",
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": "default",
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30,
    },
    "status": {"phase": "Running", "podIP": "10.244.1.17", "qosClass": "Burstable",
               "startTime": "2026-11-20T08:15:02+00:00"},
}


def names(report: Report) -> list[str]:
    return [f.name for f in report.findings]


def test_scan_text_finds_with_locations() -> None:
    report = kubeharden.scan(POD_YAML, filename="pod.yaml")
    f = next(f for f in report.findings if f.name == "privileged-container")
    assert (f.rule, f.file, f.line, f.column, f.document) == ("POD001", "pod.yaml", 11, 9, 0)
    assert f.severity is Severity.CRITICAL
    assert f.object == ObjectRef(kind="Pod", api_version="v1", namespace="shop", name="web")
    assert f.container == "app"
    assert f.path == "spec.containers[0].securityContext.privileged"
    assert "`app`" in f.message and f.fingerprint
    assert report.errors == ()
    assert report.summary.files == 1 and report.summary.objects == 1
    assert report.summary.findings == len(report.findings)


def test_scan_dict_equals_scan_of_its_yaml() -> None:
    as_dict = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                        "securityContext": {"privileged": True}}]}}
    from_dict = kubeharden.scan(as_dict)
    from_text = kubeharden.scan(POD_YAML)
    key = [(f.rule, f.path, f.object, f.container, f.fingerprint) for f in from_dict.findings]
    assert key == [(f.rule, f.path, f.object, f.container, f.fingerprint) for f in from_text.findings]
    assert all(f.file == "<input>" for f in from_dict.findings)


def test_scan_sanitized_client_pod() -> None:
    report = kubeharden.scan(SANITIZED_POD, config={"select": SELECT})
    assert report.errors == ()
    by_name = {f.name: f for f in report.findings}
    assert set(by_name) == {"privileged-container", "run-as-non-root"}
    f = by_name["privileged-container"]
    assert f.object is not None and f.object.name == "api-7d9f8c6b5-x2kqp" and f.object.namespace == "shop"
    assert f.path == "spec.containers[0].securityContext.privileged"
    assert f.line is not None  # lines refer to the JSON text the dict became


def test_scan_list_of_dicts_is_one_document_each() -> None:
    hardened = json.loads(json.dumps(SANITIZED_POD))
    hardened["metadata"]["name"] = "hardened"
    hardened["spec"]["securityContext"] = {"runAsNonRoot": True}
    hardened["spec"]["containers"][0]["securityContext"] = {"privileged": False}
    report = kubeharden.scan([hardened, SANITIZED_POD], config={"select": SELECT})
    assert report.summary.documents == 2 and report.summary.objects == 2
    assert {f.document for f in report.findings} == {1}
    assert {f.object.name for f in report.findings if f.object} == {"api-7d9f8c6b5-x2kqp"}


def test_scan_dict_with_datetimes_converts_them() -> None:
    pod = json.loads(json.dumps(SANITIZED_POD))
    pod["metadata"]["creationTimestamp"] = dt.datetime(2026, 11, 20, 8, 15, 2, tzinfo=dt.timezone.utc)
    assert "privileged-container" in names(kubeharden.scan(pod))


def test_scan_multi_document_text_and_json_text() -> None:
    text = POD_YAML + "---\n" + POD_YAML.replace("name: web", "name: api")
    report = kubeharden.scan(text)
    assert sorted({(f.document, f.object.name) for f in report.findings if f.object and f.object.kind == "Pod"}) == [(0, "web"), (1, "api")]
    as_json = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
                          "spec": {"containers": [{"name": "c", "image": "i",
                                                   "securityContext": {"privileged": True}}]}})
    assert "privileged-container" in names(kubeharden.scan(as_json, filename="pod.json"))


def test_config_as_dict_and_as_yaml_text() -> None:
    only = kubeharden.scan(POD_YAML, config={"select": ["POD001"]})
    assert names(only) == ["privileged-container"]
    text = "select: [privileged-container, run-as-non-root]\nseverity:\n  privileged-container: low\n"
    report = kubeharden.scan(POD_YAML, config=text)
    assert {f.name: f.severity for f in report.findings} == {
        "privileged-container": Severity.LOW,
        "run-as-non-root": Severity.HIGH,
    }
    off = kubeharden.scan(POD_YAML, config={"disable": ["privileged-container"]})
    assert "privileged-container" not in names(off)


def test_now_accepts_strings_and_datetimes() -> None:
    a = kubeharden.scan(POD_YAML, now="2026-11-22T00:00:00Z")
    b = kubeharden.scan(POD_YAML, now=dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc))
    assert a == b
    with pytest.raises(kubeharden.RequestError):
        kubeharden.scan(POD_YAML, now="next tuesday")


def test_scan_paths_matches_scan_of_each_file() -> None:
    report = kubeharden.scan_paths(DATA / "app", config={"select": SELECT})
    assert report.summary.files == 4 and report.errors == ()
    for path in sorted((DATA / "app").glob("*.yaml")):
        if path.name == "not-kubernetes.yaml":
            # A directory walk skips a chart's values file; given as the one input, it is an error.
            with pytest.raises(kubeharden.ParseError, match="not a Kubernetes object"):
                kubeharden.scan(path.read_text(), filename=str(path))
            continue
        one = kubeharden.scan(path.read_text(), filename=str(path), config={"select": SELECT})
        assert [f for f in report.findings if f.file == str(path)] == list(one.findings)


def test_scan_paths_accepts_str_bytes_pathlike_and_lists() -> None:
    path = DATA / "app" / "worker-cronjob.yaml"
    reports = [
        kubeharden.scan_paths(str(path)),
        kubeharden.scan_paths(path),
        kubeharden.scan_paths(bytes(path)),
        kubeharden.scan_paths([path]),
        kubeharden.scan_paths(p for p in [path]),
    ]
    assert all(r.findings == reports[0].findings for r in reports)
    assert reports[0].findings


def test_scan_paths_walks_like_the_command(tmp_path: Path) -> None:
    pod = POD_YAML
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.yml").write_text(pod)
    (tmp_path / "top.yaml").write_text(pod)
    (tmp_path / "top.json").write_text(json.dumps(SANITIZED_POD))
    (tmp_path / "notes.txt").write_text(pod)
    (tmp_path / ".hidden.yaml").write_text(pod)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text(pod)
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    outside.mkdir()
    (outside / "linked.yaml").write_text(pod)
    (tmp_path / "link").symlink_to(outside, target_is_directory=True)
    files = {f.file for f in kubeharden.scan_paths(tmp_path).findings}
    # hidden files are read; version-control metadata is not
    assert files == {
        str(tmp_path / "a" / "b" / "deep.yml"),
        str(tmp_path / "top.yaml"),
        str(tmp_path / "top.json"),
        str(tmp_path / ".hidden.yaml"),
    }
    followed = {f.file for f in kubeharden.scan_paths(tmp_path, follow_symlinks=True).findings}
    assert followed == files | {str(tmp_path / "link" / "linked.yaml")}


def test_rules_lists_every_rule_sorted() -> None:
    rules = kubeharden.rules()
    assert all(isinstance(r, Rule) for r in rules)
    ids = [r.id for r in rules]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    by_name = {r.name: r for r in rules}
    assert set(SELECT) <= set(by_name)
    p = by_name["privileged-container"]
    assert p.id == "POD001" and p.severity is Severity.CRITICAL and p.enabled_by_default
    assert "## What it does" in p.docs and isinstance(p.references, tuple) and p.peers


def test_severity_is_ordered_and_named() -> None:
    assert Severity.INFO < Severity.LOW < Severity.MEDIUM < Severity.HIGH < Severity.CRITICAL
    assert sorted([Severity.HIGH, Severity.INFO, Severity.CRITICAL]) == [Severity.INFO, Severity.HIGH, Severity.CRITICAL]
    assert str(Severity.HIGH) == "high" and Severity.parse("Critical") is Severity.CRITICAL
    with pytest.raises(ValueError):
        Severity.parse("urgent")


def test_report_objects_are_frozen_and_hashable() -> None:
    report = kubeharden.scan(POD_YAML)
    f = report.findings[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.message = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.suppressed = 3  # type: ignore[misc]
    assert isinstance(f, Finding) and len({f, f}) == 1
    assert report.max_severity is Severity.CRITICAL
    assert kubeharden.scan("").max_severity is None
    assert dict(report.summary.by_severity) == {s: sum(g.severity is s for g in report.findings) for s in Severity}


def test_to_json_is_the_contract_and_round_trips() -> None:
    report = kubeharden.scan(POD_YAML, filename="pod.yaml")
    doc = json.loads(report.to_json())
    assert doc["version"] == 1 and doc["tool"]["name"] == "kubeharden"
    assert [f["rule"] for f in doc["findings"]] == [f.rule for f in report.findings]
    assert doc["findings"][0]["object"]["apiVersion"] == "v1"
    assert "template" not in doc["findings"][0]
    assert doc["summary"]["by_severity"]["critical"] == 1
    again = Report.from_json(report.to_json())
    assert again == report and hash(again) == hash(report) and again.to_json() == report.to_json()
    assert Report.from_json(kubeharden.scan("").to_json()) != report


def test_report_from_json_reads_the_commands_output(tmp_path: Path) -> None:
    report = kubeharden.scan_paths(DATA / "app", now="2026-11-22T00:00:00Z")
    saved = tmp_path / "report.json"
    saved.write_text(report.to_json() + "\n")
    loaded = Report.from_json(saved.read_text())
    assert loaded == report and loaded.to_sarif() == report.to_sarif()
    with pytest.raises(kubeharden.RequestError, match="not a kubeharden report"):
        Report.from_json('{"findings": 3}')
    with pytest.raises(TypeError):
        Report("{}")  # type: ignore[arg-type]


def test_findings_are_built_once_and_equal_dataclasses() -> None:
    report = kubeharden.scan_paths(DATA / "app", now="2026-11-22T00:00:00Z")
    assert report.findings is report.findings and report.errors is report.errors
    assert report.summary.findings == len(report.findings) > 0
    for f in report.findings:
        # Built without __init__, they are the same values a constructor call makes.
        assert f == Finding(**{x.name: getattr(f, x.name) for x in dataclasses.fields(Finding)})
        assert dataclasses.asdict(f)["fingerprint"] == f.fingerprint
        assert f.object is None or f.object == ObjectRef(**dataclasses.asdict(f.object))
    doc = json.loads(report.to_json())["findings"]
    assert [(f.rule, f.file, f.line, f.column, f.document, f.path, f.container, f.template) for f in report.findings] == [
        (d["rule"], d["file"], d["line"], d["column"], d["document"], d["path"], d["container"], d.get("template")) for d in doc
    ]
    assert [str(f.severity) for f in report.findings] == [d["severity"] for d in doc]


def test_reports_pickle_through_json() -> None:
    import pickle

    report = kubeharden.scan(POD_YAML, filename="pod.yaml")
    again = pickle.loads(pickle.dumps(report))
    assert again == report and again.findings == report.findings
    assert "Report(files=1, objects=1, findings=" in repr(report) and "max_severity=critical" in repr(report)


def test_to_text_shows_source_lines() -> None:
    text = kubeharden.scan(POD_YAML, filename="pod.yaml").to_text()
    assert "pod.yaml:11:9: POD001 [critical] privileged-container" in text
    assert "        privileged: true" in text and "\x1b[" not in text
    assert "\x1b[" in kubeharden.scan(POD_YAML).to_text(color=True)


def test_wrong_argument_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        kubeharden.scan(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="item 0 is int"):
        kubeharden.scan([1, 2, 3])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        kubeharden.scan("", config=["select"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kubeharden.scan({"a": object()})


def test_version() -> None:
    assert kubeharden.__version__ == kubeharden.scan("").tool.version


def test_the_api_loads_on_first_use() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, kubeharden; assert 'kubeharden._api' not in sys.modules; "
        "from kubeharden.__main__ import main; assert 'kubeharden._api' not in sys.modules; "
        "assert kubeharden.Severity.HIGH > kubeharden.Severity.LOW; assert 'kubeharden._api' in sys.modules; "
        "ns = {}; exec('from kubeharden import *', ns); assert set(kubeharden.__all__) <= set(ns); "
        "assert set(kubeharden.__all__) <= set(dir(kubeharden))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kubeharden.nope  # type: ignore[attr-defined]  # noqa: B018  (mypy flags it too)
