"""The boundary between Python and the core: what each function accepts (text, bytes, mappings,
lists of mappings; nothing else), what it refuses (never a clean report for what was not
understood), one set of defaults, ``netpol()``, and the one conversion that builds every result
(every dataclass the core fills has exactly its fields, and behaves as a frozen dataclass)."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import kubeharden
from kubeharden import (
    ConfigError,
    InputError,
    NetpolPair,
    NetpolReport,
    ParseError,
    PssResult,
    RequestError,
    Severity,
)
from kubeharden._api import _RUST_TYPES
from conftest import DATA, ROOT

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext: {privileged: true}
"""

DOCKERFILE = "FROM ubuntu:latest\nRUN apt-get install -y curl\n"

NETWORK = (DATA / "network.yaml").read_text()


# An audit with every part (image ages with their `image-too-old` findings, what a registry
# fetched and did not, every section): the core's snapshot of `kubeharden audit --format json`.
REGISTRY_AUDIT = (ROOT / "core/tests/snapshots/audit__snapshot_registry_json.snap").read_text().split("---\n", 2)[2]


# `in` is not a selector operator: the API server would reject the peer, which matches nothing.
INVALID_POLICY = NETWORK.replace("matchLabels: {app: api}", "matchExpressions: [{key: app, operator: in, values: [api]}]")


# ---- issue 16.8: never a silent pass at the boundary ---------------------------------------------


def test_a_list_of_non_mappings_is_a_type_error() -> None:
    for f in (kubeharden.scan, kubeharden.pss, kubeharden.netpol):
        with pytest.raises(TypeError, match="item 0 is int"):
            f([1, 2, 3])  # type: ignore[list-item]
        with pytest.raises(TypeError, match="item 1 is str"):
            f([{"kind": "Pod"}, "kind: Pod"])  # type: ignore[list-item]
        with pytest.raises(TypeError, match="not int"):
            f(42)  # type: ignore[arg-type]


def test_a_scalar_is_no_kubernetes_object() -> None:
    with pytest.raises(ParseError) as info:
        kubeharden.scan("hello")
    e = info.value
    assert (e.file, e.document, e.line, e.column) == ("<input>", 0, 1, 1)
    assert e.message == "not a Kubernetes object: the document is a string, not a mapping with `apiVersion` and `kind`"
    report = kubeharden.scan("hello", strict=False)
    assert report.findings == () and [x.message for x in report.errors] == [e.message]
    with pytest.raises(ParseError, match="not a Kubernetes object"):
        kubeharden.scan("hello", filename="notes.yaml")


def test_a_mapping_without_kind_is_no_kubernetes_object() -> None:
    objs: list[kubeharden.InputLike] = [
        {"foo": 1},
        {},
        [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}, {"spec": {}}],
    ]
    for obj in objs:
        with pytest.raises(ParseError, match="mapping without `kind`"):
            kubeharden.scan(obj)
    # The values are never quoted: a document could be a secret.
    with pytest.raises(ParseError) as info:
        kubeharden.scan({"password": "hunter2"})
    assert "hunter2" not in str(info.value)


def test_a_pasted_dockerfile_is_recognised_or_named() -> None:
    sniffed = kubeharden.scan(DOCKERFILE)
    assert sniffed.errors == () and any(f.rule.startswith("DKR") for f in sniffed.findings)
    assert all(f.file == "<input>" for f in sniffed.findings)
    named = kubeharden.scan(DOCKERFILE, filename="build/app.yaml", kind="dockerfile")
    assert [f.rule for f in named.findings] == [f.rule for f in sniffed.findings]
    assert kubeharden.scan(DOCKERFILE.encode(), kind="dockerfile").findings == sniffed.findings
    # Read as YAML, a Dockerfile is no Kubernetes object: an error, not a clean report.
    with pytest.raises(ParseError, match="not a Kubernetes object"):
        kubeharden.scan(DOCKERFILE, kind="yaml")
    with pytest.raises(RequestError, match="unknown kind `docker`"):
        kubeharden.scan(DOCKERFILE, kind="docker")  # type: ignore[arg-type]


# ---- issue 21.10: bytes, one set of defaults ---------------------------------------------------------


def test_bytes_are_utf8_with_the_commands_errors(tmp_path: Path) -> None:
    assert kubeharden.scan(POD.encode()) == kubeharden.scan(POD)
    assert kubeharden.scan(bytearray(POD.encode())) == kubeharden.scan(POD)
    bad = b"apiVersion: v1\nkind: Pod\nmetadata: {name: \xff}\n"
    with pytest.raises(ParseError) as info:
        kubeharden.scan(bad, filename="bad.yaml")
    (tmp_path / "bad.yaml").write_bytes(bad)
    from_file = kubeharden.scan_paths(tmp_path / "bad.yaml").errors[0]
    assert info.value.message == from_file.message == "not valid UTF-8 (line 3, byte 42): YAML and JSON manifests must be UTF-8"
    assert kubeharden.scan(bad, strict=False).errors[0].message == from_file.message
    assert kubeharden.pss(POD.encode()).results[0].object.name == "web"
    with pytest.raises(ParseError, match="not valid UTF-8"):
        kubeharden.pss(bad)


def test_pss_defaults_are_restricted_latest_as_everywhere() -> None:
    default = kubeharden.pss(POD)
    assert (default.level, default.version) == ("restricted", "latest")
    assert default == kubeharden.pss(POD, "restricted", "latest") == kubeharden.pss(POD, level="restricted")
    assert not default.allowed


def test_pss_refuses_what_it_cannot_evaluate() -> None:
    with pytest.raises(ParseError, match="a Dockerfile holds no Kubernetes object"):
        kubeharden.pss(DOCKERFILE)
    with pytest.raises(ParseError, match="not a Kubernetes object"):
        kubeharden.pss("hello")
    lenient = kubeharden.pss("kind: Pod\nmetadata: {name: [\n", strict=False)
    assert lenient.results == () and len(lenient.errors) == 1 and isinstance(lenient.errors[0], InputError)


def test_wrong_inputs_are_input_errors_that_say_what_to_run() -> None:
    # the same advice as the command line, where a directory walk leaves these files out
    kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base]\n"
    with pytest.raises(ParseError, match=r"`kustomize build DIR \| kubeharden scan -`"):
        kubeharden.scan(kustomization)
    template = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n"
    with pytest.raises(ParseError, match="unrendered Helm template") as info:
        kubeharden.pss(template)
    assert info.value.line == 4
    report = kubeharden.scan(kubeharden.scan(POD).to_json(), filename="report.json", strict=False)
    assert report.findings == () and "a report kubeharden wrote" in report.errors[0].message


def test_config_mappings_are_read_strictly() -> None:
    bad: list[tuple[dict[Any, Any], str]] = [
        ({"select": "privileged-container"}, "`select`: invalid type: string \"privileged-container\", expected a sequence"),
        ({"annotation-suppressions": 1}, "`annotation-suppressions`: invalid type: integer `1`, expected a boolean"),
        ({"options": {"image-max-age-days": True}}, "`options.image-max-age-days`: invalid type: boolean `true`"),
        ({"options": {"nope": []}}, "`options`: unknown field `nope`"),
        ({"severity": {"privileged-container": "urgent"}}, "`severity.privileged-container`: unknown variant `urgent`"),
        ({1: "x"}, "invalid type: integer `1`, expected a string key"),
    ]
    for wrong, message in bad:
        with pytest.raises(ConfigError) as info:
            kubeharden.scan(POD, config=wrong)
        assert info.value.message is not None and info.value.message.startswith(message), info.value.message

    class Frozen(Mapping[str, Any]):
        def __init__(self, d: dict[str, Any]) -> None:
            self._d = d

        def __getitem__(self, k: str) -> Any:
            return self._d[k]

        def __iter__(self) -> Iterator[str]:
            return iter(self._d)

        def __len__(self) -> int:
            return len(self._d)

    only = {"select": ("privileged-container",)}
    expected = [f.rule for f in kubeharden.scan(POD, config={"select": ["privileged-container"]}).findings]
    assert expected == ["POD001"]
    configs: list[Mapping[str, Any]] = [only, MappingProxyType(only), Frozen(only)]
    for config in configs:
        assert [f.rule for f in kubeharden.scan(POD, config=config).findings] == expected


# ---- netpol() -------------------------------------------------------------------------------------------


def test_netpol_answers_a_pair_a_row_a_column_and_the_matrix() -> None:
    pair = kubeharden.netpol(NETWORK, from_="api", to="db", port=5432)
    assert isinstance(pair, NetpolReport) and pair.scope == "pair" and pair.allowed
    assert (pair.from_, pair.to, pair.port) == ("Deployment/shop/api", "Deployment/shop/db", "5432")
    (only,) = pair.pairs
    assert isinstance(only, NetpolPair) and (only.from_, only.ports) == ("Deployment/shop/api", "5432/TCP")
    (rule,) = only.ingress.allowed_by
    assert (rule.policy, rule.rule, rule.peer, rule.peer_description) == ("shop/db", "ingress[0]", 0, "from[0]")
    assert only.ingress.isolated_by == ("shop/db",) and not only.egress.isolated
    assert not kubeharden.netpol(NETWORK, from_="external", to="db").allowed
    assert not kubeharden.netpol(NETWORK, from_="api", to="db", port="http").allowed
    row = kubeharden.netpol(NETWORK, from_="api")
    assert row.scope == "row" and [p.to for p in row.pairs] == list(row.workloads)
    column = kubeharden.netpol(NETWORK, to="shop/db")
    assert column.scope == "column" and [p.from_ for p in column.pairs] == list(column.workloads)
    matrix = kubeharden.netpol(NETWORK)
    assert matrix.workloads == ("Deployment/shop/api", "Deployment/shop/db", "external")
    assert matrix.scope == "matrix" and len(matrix.pairs) == 3 * 3 - 1
    allowed = {(p.from_, p.to) for p in matrix.pairs if p.allowed and not p.all_ports}
    assert allowed == {("Deployment/shop/api", "Deployment/shop/db")}


def test_netpol_errors() -> None:
    with pytest.raises(RequestError, match="no workload `nope` in the input"):
        kubeharden.netpol(NETWORK, from_="nope")
    with pytest.raises(RequestError, match="--port: port `0` is not between 1 and 65535"):
        kubeharden.netpol(NETWORK, port=0)
    with pytest.raises(RequestError, match="does not cross the cluster"):
        kubeharden.netpol(NETWORK, from_="external", to="external")
    # The input error first: the workload may be in the file that could not be read.
    with pytest.raises(ParseError):
        kubeharden.netpol("kind: Deployment\nmetadata: {name: [\n", from_="api")
    with pytest.raises(ParseError, match="not a Kubernetes object"):
        kubeharden.netpol("hello")
    warned = kubeharden.netpol(INVALID_POLICY, filename="net.yaml")
    (w,) = warned.warnings
    assert (w.file, w.policy) == ("net.yaml", "shop/db") and "`in` is not a selector operator" in w.message


# ---- the one conversion ---------------------------------------------------------------------------------


def built_objects(value: object) -> Iterator[Any]:
    """Every dataclass instance reachable from `value`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from built_objects(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from built_objects(v)
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from built_objects(v)


def test_every_result_is_built_with_exactly_its_fields() -> None:
    results: list[object] = [
        kubeharden.scan(POD + "---\n" + POD.replace("name: web", "name: api")).findings,
        kubeharden.scan("a: [\n", strict=False).errors,
        kubeharden.scan(POD).summary,
        kubeharden.rules(),
        kubeharden.pss(POD),
        kubeharden.pss("kind: Pod\nmetadata: {name: [\n", strict=False),
        kubeharden.netpol(NETWORK),
        kubeharden.netpol(INVALID_POLICY, from_="api", to="db", port="http"),
        kubeharden.AuditReport.from_json(REGISTRY_AUDIT),
    ]
    seen: set[type] = set()
    for r in results:
        for obj in built_objects(r):
            cls = type(obj)
            seen.add(cls)
            assert set(vars(obj)) == {f.name for f in dataclasses.fields(obj)}, cls
            # Built without __init__, it equals what the constructor makes, hashes, pickles.
            again = cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})
            assert again == obj and repr(again) == repr(obj)
            assert pickle.loads(pickle.dumps(obj)) == obj
            assert hash(again) == hash(obj)
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(obj, dataclasses.fields(obj)[0].name, None)
    registered = {t for t in _RUST_TYPES.values() if dataclasses.is_dataclass(t)}
    assert registered - seen == set(), "a registered type no test builds"


def test_mappings_are_read_only_and_enums_are_members() -> None:
    summary = kubeharden.scan(POD).summary
    assert isinstance(summary.by_severity, MappingProxyType)
    assert summary.by_severity[Severity.CRITICAL] == 1 and set(summary.by_severity) == set(Severity)
    with pytest.raises(TypeError):
        summary.by_severity[Severity.LOW] = 3  # type: ignore[index]
    assert all(type(r.severity) is Severity for r in kubeharden.rules())
    result = kubeharden.pss(POD)
    assert isinstance(result, PssResult) and isinstance(result.results, tuple)
