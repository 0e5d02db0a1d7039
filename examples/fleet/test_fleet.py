"""The fleet audit on a real `dask.distributed.LocalCluster` of two worker processes equals the
plain loop in this process on the same inputs (run by scripts/test.d/45-fleet.sh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster

import kubeharden

import fleet
import generate

NOW = generate.NOW


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("fleet")
    dirs = generate.generate(out, clusters=8, pods=40, seed=7)
    # One cluster with an export that cannot be read: reported per cluster, not raised.
    (dirs[3] / "images" / "broken.json").write_text('{"Id": "sha256:1", "RepoTags": [')
    return [str(d) for d in dirs]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_dask_equals_the_plain_loop(clusters: list[str], client: Client) -> None:
    local = fleet.audit_fleet(clusters, NOW)
    fleet.check_workers(client)
    distributed = fleet.audit_fleet_dask(client, clusters, NOW)
    assert distributed == local
    assert distributed.to_json() == local.to_json()
    # The tasks ran in the two worker processes, not here.
    pids = {c.pid for c in distributed.clusters}
    assert len(pids) == 2 and os.getpid() not in pids, pids
    assert len(client.scheduler_info()["workers"]) == 2


def test_the_merged_report(clusters: list[str]) -> None:
    report = fleet.audit_fleet(clusters, NOW)
    t = report.totals()
    exports = [json.loads((Path(c) / "pods.json").read_text()) for c in clusters]
    assert [c.cluster for c in report.clusters] == sorted(Path(c).name for c in clusters)
    assert [c.pods for c in report.clusters] == [len(e["items"]) for e in exports]
    assert t["pods"] == sum(len(e["items"]) for e in exports)
    assert t["tickets"] == sum(len(c.tickets) for c in report.clusters) > 0
    assert sum(t["tickets_by_severity"].values()) == t["tickets"]
    assert t["findings"] == sum(t["findings_by_rule"].values()) >= t["tickets"]
    # Tickets are distinct problems within a cluster, and what the core's Report.tickets() gives.
    for c in report.clusters:
        assert len({x.fingerprint for x in c.tickets}) == len(c.tickets)
    first = kubeharden.scan_paths(clusters[0], now=NOW)
    assert [(x.fingerprint, x.title) for x in report.clusters[0].tickets] == [(x.fingerprint, x.title) for x in first.tickets()]
    # The image metadata took part: old images and images running as root were found.
    assert {"image-too-old", "image-runs-as-root"} <= set(t["findings_by_rule"])
    # The broken file is the one input error, in its cluster.
    assert t["errors"] == 1 and report.clusters[3].errors[0].startswith("broken.json: ")


def test_the_command(clusters: list[str], tmp_path: Path) -> None:
    fleet_dir = Path(clusters[0]).parent
    here = Path(__file__).parent
    out = {}
    for workers in ("0", "2"):
        r = subprocess.run([sys.executable, str(here / "fleet.py"), str(fleet_dir), "--workers", workers, "--now", NOW,
                            "--format", "json", "-o", str(tmp_path / f"{workers}.json")], capture_output=True, text=True, check=False)
        assert r.returncode == 0, r.stderr
        out[workers] = (tmp_path / f"{workers}.json").read_text()
    assert out["0"] == out["2"] == fleet.audit_fleet(clusters, NOW).to_json()
    weekly = here / "weekly-audit.kubeharden.yaml"
    r = subprocess.run([sys.executable, str(here / "fleet.py"), str(fleet_dir), "--workers", "0", "--now", NOW,
                        "--format", "json", "--config", str(weekly)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    rules = set(json.loads(r.stdout)["totals"]["findings_by_rule"])
    assert rules and rules <= {"image-too-old", "image-runs-as-root", "privileged-container", "run-as-non-root",
                               "run-as-root-user", "cpu-limit-missing", "memory-limit-missing"}, rules
