"""The weekly audit of a fleet of clusters on Dask: `kubeharden.scan_paths` mapped over a
`dask.distributed` cluster, one task per cluster, and the per-cluster results merged into one
report (tickets per cluster, totals).

A cluster is a directory holding its `kubectl get pods -A -o json` export and the metadata of its
images (`docker inspect`, `skopeo inspect`, `skopeo inspect --config`, Trivy reports), each in a
`.json` file (see generate.py). Each task reads one such directory where it runs, so the workers
must see the same paths as the client (a shared volume), and every worker needs `kubeharden`
installed (`pip install ./bindings-python`); this module is sent to the workers by the client.

    python examples/fleet/fleet.py CLUSTER_DIR... [--scheduler tcp://HOST:8786 | --workers N]
                                   [--now 2026-11-22T00:00:00Z] [--config .kubeharden.yaml]
                                   [--format text|json] [-o FILE]

Without `--scheduler`, a `LocalCluster` of N worker processes (default 2) runs on this machine;
`--workers 0` runs the plain loop in this process instead (no Dask).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Optional

import kubeharden

SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclasses.dataclass(frozen=True)
class TicketRow:
    """One ticket of a cluster: a distinct problem (rule × object × container), as the core's
    `Report.tickets()` names it; `fingerprint` is stable from one week to the next."""

    fingerprint: str
    severity: str
    title: str


@dataclasses.dataclass(frozen=True)
class ClusterResult:
    """What one task returns: small, so gathering hundreds of them is cheap."""

    cluster: str
    pods: int
    findings: int
    tickets: tuple[TicketRow, ...]
    by_rule: tuple[tuple[str, int], ...]
    """Findings per rule name, most frequent first."""
    errors: tuple[str, ...]
    """Inputs that could not be read: `file: message`."""
    seconds: float = dataclasses.field(default=0.0, compare=False)
    """Wall time of the task where it ran (not part of the result's value)."""
    scan_seconds: float = dataclasses.field(default=0.0, compare=False)
    """The part of it in `scan_paths`; the rest reads the findings and builds the tickets."""
    cpu_seconds: float = dataclasses.field(default=0.0, compare=False)
    """CPU time of the process that ran it, during the task."""
    pid: int = dataclasses.field(default=0, compare=False)
    """The process that ran it."""


def audit_cluster(cluster_dir: str, now: str, config: Optional[kubeharden.ConfigLike] = None) -> ClusterResult:
    """Audits one cluster's directory with `kubeharden.scan_paths` (every rule, the pods × images
    cross-check included); the cluster's name is the directory's."""
    t0, c0 = time.perf_counter(), time.process_time()
    report = kubeharden.scan_paths(cluster_dir, now=now, config=config)
    scanned = time.perf_counter()
    rules = collections.Counter(f.name for f in report.findings)
    tickets = tuple(TicketRow(t.fingerprint, str(t.severity), t.title) for t in report.tickets())
    return ClusterResult(
        cluster=Path(cluster_dir).name,
        pods=report.summary.objects,
        findings=report.summary.findings,
        tickets=tickets,
        by_rule=tuple(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
        errors=tuple(f"{Path(e.file).name}: {e.message}" for e in report.errors),
        seconds=time.perf_counter() - t0,
        scan_seconds=scanned - t0,
        cpu_seconds=time.process_time() - c0,
        pid=os.getpid(),
    )


@dataclasses.dataclass(frozen=True)
class FleetReport:
    """The merged audit: every cluster's result, sorted by cluster, and the fleet's totals."""

    now: str
    clusters: tuple[ClusterResult, ...]

    def totals(self) -> dict[str, Any]:
        """Clusters, pods, findings, tickets (and tickets by severity), input errors, findings
        per rule."""
        by_severity = collections.Counter(t.severity for c in self.clusters for t in c.tickets)
        by_rule: collections.Counter[str] = collections.Counter()
        for c in self.clusters:
            by_rule.update(dict(c.by_rule))
        return {
            "clusters": len(self.clusters),
            "pods": sum(c.pods for c in self.clusters),
            "findings": sum(c.findings for c in self.clusters),
            "tickets": sum(len(c.tickets) for c in self.clusters),
            "tickets_by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "errors": sum(len(c.errors) for c in self.clusters),
            "findings_by_rule": dict(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        }

    def to_json(self) -> str:
        """The report as JSON: `now`, `totals`, and per cluster its counts, tickets and errors."""
        clusters = [
            {
                "cluster": c.cluster,
                "pods": c.pods,
                "findings": c.findings,
                "tickets": [dataclasses.asdict(t) for t in c.tickets],
                "findings_by_rule": dict(c.by_rule),
                "errors": list(c.errors),
            }
            for c in self.clusters
        ]
        return json.dumps({"now": self.now, "totals": self.totals(), "clusters": clusters}, indent=2) + "\n"

    def to_text(self) -> str:
        """One line per cluster (tickets by severity), then the totals."""
        lines = [f"fleet audit at {self.now}", ""]
        width = max((len(c.cluster) for c in self.clusters), default=7)
        lines.append(f"{'cluster':<{width}}  {'pods':>6}  {'findings':>8}  {'tickets':>7}  " + "  ".join(f"{s:>8}" for s in SEVERITIES))
        for c in self.clusters:
            sev = collections.Counter(t.severity for t in c.tickets)
            lines.append(f"{c.cluster:<{width}}  {c.pods:>6}  {c.findings:>8}  {len(c.tickets):>7}  "
                         + "  ".join(f"{sev.get(s, 0):>8}" for s in SEVERITIES)
                         + (f"  ({len(c.errors)} unreadable inputs)" if c.errors else ""))
        t = self.totals()
        lines.append("")
        lines.append(f"{t['clusters']} clusters, {t['pods']} pods, {t['findings']} findings, {t['tickets']} tickets ("
                     + ", ".join(f"{n} {s}" for s, n in t["tickets_by_severity"].items() if n) + f"), {t['errors']} unreadable inputs")
        top = list(t["findings_by_rule"].items())[:5]
        lines.append("most frequent: " + ", ".join(f"{name} {n}" for name, n in top))
        return "\n".join(lines) + "\n"


def merge(results: Iterable[ClusterResult], now: str) -> FleetReport:
    """The fleet report of per-cluster results, in any order (sorted here by cluster)."""
    return FleetReport(now, tuple(sorted(results, key=lambda r: r.cluster)))


def audit_fleet(clusters: Sequence[str], now: str, config: Optional[kubeharden.ConfigLike] = None) -> FleetReport:
    """The plain loop: every cluster in this process, one after the other."""
    return merge((audit_cluster(c, now, config) for c in clusters), now)


def audit_fleet_dask(client: Any, clusters: Sequence[str], now: str, config: Optional[kubeharden.ConfigLike] = None) -> FleetReport:
    """Every cluster as a task of the `distributed.Client`'s cluster, merged here. `pure=False`:
    an audit reads files that change from week to week, so no result is reused by key."""
    futures = client.map(audit_cluster, list(clusters), now=now, config=config, pure=False)
    return merge(client.gather(futures), now)


def check_workers(client: Any) -> None:
    """Sends this module to the workers (unless they share this process's files) and checks that
    they run the same kubeharden as the client."""
    here = Path(__file__).resolve()
    if not all(Path(p).resolve() == here for p in client.run(_module_path).values()):
        client.upload_file(str(here))
    versions = set(client.run(_kubeharden_version).values())
    if versions != {kubeharden.__version__}:
        raise RuntimeError(f"the workers run kubeharden {sorted(versions)}, the client {kubeharden.__version__}")


def _module_path() -> str:
    try:
        import fleet  # noqa: PLC0415  (the module as the workers import it)
    except ImportError:
        return ""
    return str(fleet.__file__)


def _kubeharden_version() -> str:
    return str(kubeharden.__version__)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clusters", nargs="+", type=Path,
                    help="cluster directories (holding .json files), or directories of cluster directories")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786)")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes when no --scheduler is given; 0: no Dask")
    ap.add_argument("--now", default=None, help="RFC 3339 time the image ages are counted to (default: now)")
    ap.add_argument("--config", type=Path, help="a .kubeharden.yaml (default: every rule enabled by default), "
                    "e.g. weekly-audit.kubeharden.yaml beside this file")
    ap.add_argument("--format", choices=["text", "json"], default="text")
    ap.add_argument("-o", "--output", type=Path)
    a = ap.parse_args(argv)
    clusters = []
    for p in a.clusters:
        if not p.is_dir():
            ap.error(f"{p}: not a directory")
        # A cluster directory holds .json files; a fleet directory (as generate.py writes it), only
        # cluster directories.
        is_cluster = any(f.suffix == ".json" for f in p.iterdir())
        clusters.extend([str(p)] if is_cluster else sorted(str(d) for d in p.iterdir() if d.is_dir()))
    now = a.now or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = a.config.read_text() if a.config else None
    if config is not None:
        kubeharden.scan("", config=config)  # a bad configuration raises ConfigError here, not in every task
    t0 = time.perf_counter()
    if a.scheduler is None and a.workers == 0:
        report = audit_fleet(clusters, now, config)
    else:
        from dask.distributed import Client, LocalCluster

        if a.scheduler:
            client = Client(a.scheduler)
        else:
            client = Client(LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=None))
        with client:
            check_workers(client)
            report = audit_fleet_dask(client, clusters, now, config)
    out = report.to_json() if a.format == "json" else report.to_text()
    if a.output:
        a.output.write_text(out)
    else:
        sys.stdout.write(out)
        sys.stdout.flush()
    t = report.totals()
    print(f"{t['clusters']} clusters, {t['pods']} pods in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    # Run as the module `fleet` (its directory is first in sys.path), so tasks name
    # `fleet.audit_cluster` instead of carrying a copy of `__main__`'s functions and classes.
    import fleet

    raise SystemExit(fleet.main())
