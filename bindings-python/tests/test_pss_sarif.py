"""``pss()`` and ``Report.to_sarif()``: thin wrappers over the core's PSS evaluation and SARIF
renderer (the Rust conformance and schema tests own their semantics)."""

from __future__ import annotations

import json

import pytest

import kubeharden

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "securityContext": {"privileged": True}}]},
}

HARDENED = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: api
          image: registry.example.com/api:1.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
"""


def test_pss_denies_a_privileged_pod_in_kubernetes_words() -> None:
    result = kubeharden.pss(POD, "baseline", "v1.30")
    assert (result.level, result.version) == ("baseline", "v1.30")
    assert not result.allowed
    (only,) = result.results
    assert only.object == kubeharden.ObjectRef("Pod", "v1", "shop", "web")
    assert not only.allowed
    checks = {v.check for v in only.violations}
    assert checks == {"privileged"}
    v = only.violations[0]
    assert v.message == 'privileged (container "app" must not set securityContext.privileged=true)'
    assert v.path == "spec.containers[0].securityContext.privileged"
    assert v.line > 0 and v.column > 0


def test_pss_allows_a_hardened_deployment_and_judges_its_pods() -> None:
    result = kubeharden.pss(HARDENED, filename="api.yaml")
    assert result.allowed
    assert result.results[0].object.kind == "Deployment"
    assert result.results[0].file == "api.yaml"
    # the privileged level admits everything
    assert kubeharden.pss(POD, "privileged").allowed


def test_pss_errors_are_exceptions() -> None:
    with pytest.raises(kubeharden.RequestError):
        kubeharden.pss(POD, "strict")
    with pytest.raises(kubeharden.RequestError):
        kubeharden.pss(POD, "restricted", "v2.0")
    with pytest.raises(kubeharden.ParseError) as e:
        kubeharden.pss("kind: Pod\nmetadata: {name: [\n", filename="bad.yaml")
    assert e.value.file == "bad.yaml"
    assert e.value.line is not None


def test_to_sarif_is_sarif_2_1_0_with_the_findings() -> None:
    report = kubeharden.scan(POD, filename="pod.json")
    log = json.loads(report.to_sarif())
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "kubeharden"
    assert len(run["results"]) == len(report.findings)
    ids = {r["ruleId"] for r in run["results"]}
    assert "POD001" in ids
    loc = next(r for r in run["results"] if r["ruleId"] == "POD001")["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "pod.json"
    assert loc["region"]["startLine"] > 0
