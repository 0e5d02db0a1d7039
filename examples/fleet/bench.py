"""Throughput of the fleet audit: the plain loop in one process against Dask `LocalCluster`s of 1
and 2 worker processes (one thread each), on a generated fleet. Prints a Markdown table: median
wall time of `--runs` runs, pods per second, pods per second per worker, the overhead of Dask
against the loop, and CPU time: of every process (client, scheduler, nannies, workers) and inside
the scans (the tasks' own). Every scan runs with RAYON_NUM_THREADS=1 (unless set), so one worker
is one core. CPU time does not depend on the machine's load; wall time does.

    python examples/fleet/bench.py [--clusters 100] [--pods 300] [--workers 1 2] [--runs 3] [--dir DIR]

The fleet is generated into DIR (default: a temporary directory) unless it already holds one.
The machine's core count and load average are printed with the figures: wall times on a loaded
machine say more about the load than about the audit.
"""

from __future__ import annotations

import os

# Before the core's thread pool starts (and inherited by the workers LocalCluster spawns).
os.environ.setdefault("RAYON_NUM_THREADS", "1")

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import kubeharden
import psutil  # type: ignore[import-untyped]  # a dependency of distributed, without type stubs

import fleet
import generate


def tree_cpu() -> float:
    """CPU seconds (user + system) of this process and its descendants: with a LocalCluster, the
    scheduler (a thread here), the nannies and the workers."""
    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


def median_run(runs: int, fn: Callable[[], fleet.FleetReport]) -> tuple[float, float, fleet.FleetReport]:
    """Median wall time and median CPU time (all processes) of `runs` calls, and the last result."""
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), tree_cpu()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(tree_cpu() - c0)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clusters", type=int, default=100)
    ap.add_argument("--pods", type=int, default=300)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", type=Path)
    a = ap.parse_args()
    from importlib.metadata import version

    from dask.distributed import Client, LocalCluster

    tmp = None
    if a.dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="kubeharden-fleet-")
        a.dir = Path(tmp.name)
    clusters = sorted(str(d) for d in a.dir.iterdir() if d.is_dir()) if a.dir.is_dir() else []
    if not clusters:
        clusters = [str(d) for d in generate.generate(a.dir, a.clusters, a.pods)]
    size = sum(f.stat().st_size for c in clusters for f in Path(c).rglob("*.json"))
    now = generate.NOW
    load0 = os.getloadavg()
    print(f"{len(clusters)} clusters, {size / 1e6:.0f} MB of exports; kubeharden {kubeharden.__version__}, dask {version('dask')}, "
          f"Python {platform.python_version()}; {os.cpu_count()} cores, load average {load0[0]:.2f} at the start; "
          f"RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']}; median of {a.runs} runs", flush=True)

    fleet.audit_cluster(clusters[0], now)  # page cache and the core's first use
    loop_wall, loop_cpu, report = median_run(a.runs, lambda: fleet.audit_fleet(clusters, now))
    pods = report.totals()["pods"]
    rows = [("plain loop, 1 process", loop_wall, 1, loop_cpu, report)]
    for w in a.workers:
        with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
            fleet.check_workers(client)
            client.gather(client.map(fleet.audit_cluster, clusters[:w], now=now, pure=False))  # warm the workers
            wall, cpu, merged = median_run(a.runs, lambda: fleet.audit_fleet_dask(client, clusters, now))
            if merged != report:
                print("error: the Dask run's report differs from the loop's", file=sys.stderr)
                return 1
            rows.append((f"Dask `LocalCluster`, {w} worker{'s' if w > 1 else ''}", wall, w, cpu, merged))
    print()
    print("| run | wall | pods/s | pods/s per worker | CPU s, all processes | tasks: CPU s | tasks: wall s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, wall, w, cpu, r in rows:
        task_cpu, task_wall = sum(c.cpu_seconds for c in r.clusters), sum(c.seconds for c in r.clusters)
        print(f"| {name} | {wall:.2f} s | {pods / wall:,.0f} | {pods / wall / w:,.0f} | {cpu:.2f} | {task_cpu:.2f} | {task_wall:.2f} |")
    print("\n(tasks: the time inside fleet.audit_cluster, summed over the clusters; in the loop too)")
    one = next((r for r in rows if r[2] == 1 and r[0].startswith("Dask")), None)
    if one:
        print(f"Dask, 1 worker, against the plain loop: {100 * (one[1] / loop_wall - 1):+.1f} % wall time "
              f"({(one[1] - loop_wall) / len(clusters) * 1000:+.1f} ms per cluster), "
              f"{100 * (one[3] / loop_cpu - 1):+.1f} % CPU time ({(one[3] - loop_cpu) / len(clusters) * 1000:+.1f} ms per cluster)")
        clusters_one = one[4].clusters
        print(f"In a worker: {pods / sum(c.cpu_seconds for c in clusters_one):,.0f} pods per CPU second; "
              f"scan_paths is {100 * sum(c.scan_seconds for c in clusters_one) / sum(c.seconds for c in clusters_one):.0f} % of a task's "
              "wall time, the rest reads the findings and builds the tickets")
    print(f"{pods:,} pods; load average {os.getloadavg()[0]:.2f} at the end")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
