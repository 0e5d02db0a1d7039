#!/usr/bin/env python3
"""Overhead of the Python binding against the native command, scanning a manifest corpus.

    target/py-venv/bin/python benches/python_overhead.py [CORPUS] [--runs N]

Needs the release command (`cargo build --release -p kubeharden`) and kubeharden installed in
the interpreter that runs this script (`scripts/test.d/40-python.sh` makes target/py-venv).
Compares, best of N runs each, alternating:
  native   `target/release/kubeharden scan CORPUS --format json`
  python   `python -m kubeharden scan CORPUS --format json` (a whole process, as a user runs it)
  in-proc  `kubeharden.scan_paths(CORPUS)` inside this process (no interpreter start-up)
and checks that the two commands print the same JSON. Target: python within 10% of native.
Wall and CPU (user + system) times are both printed: on a shared machine CPU time is the steadier.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import kubeharden

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T00:00:00Z"


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv: list[str]) -> tuple[float, float, bytes]:
    """Wall time, CPU time (user + system) and stdout of a command."""
    c, t = child_cpu(), time.perf_counter()
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t, child_cpu() - c, out.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "k8s"))
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    native = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "kubeharden"
    if not native.exists():
        print(f"error: {native} is missing: run `cargo build --release -p kubeharden`", file=sys.stderr)
        return 2
    if not Path(a.corpus).is_dir():
        print(f"error: corpus `{a.corpus}` is not a directory", file=sys.stderr)
        return 2
    args = ["scan", a.corpus, "--format", "json", "--now", NOW, "--fail-on", "never"]
    native_argv = [str(native), *args]
    python_argv = [sys.executable, "-m", "kubeharden", *args]
    times: dict[str, list[float]] = {"native": [], "python": [], "in-proc": []}
    cpu: dict[str, list[float]] = {"native": [], "python": [], "in-proc": []}
    outputs: dict[str, bytes] = {}
    timed(native_argv)  # warm the page cache
    for _ in range(a.runs):
        for k, argv in (("native", native_argv), ("python", python_argv)):
            t, c, outputs[k] = timed(argv)
            times[k].append(t)
            cpu[k].append(c)
    # In-process runs last: this process's idle rayon threads must not disturb the commands.
    for _ in range(a.runs):
        c0, t0 = time.process_time(), time.perf_counter()
        report = kubeharden.scan_paths(a.corpus, now=NOW)
        times["in-proc"].append(time.perf_counter() - t0)
        cpu["in-proc"].append(time.process_time() - c0)
    if outputs["native"] != outputs["python"]:
        print("error: the native and the Python command print different reports", file=sys.stderr)
        return 1
    best = {k: min(v) for k, v in times.items()}
    best_cpu = {k: min(v) for k, v in cpu.items()}
    s = report.summary
    print(f"corpus: {a.corpus}: {s.files} files, {s.documents} documents, {s.objects} objects, "
          f"{s.findings} findings, {s.errors} errors; best of {a.runs} runs")
    for k in ("native", "python", "in-proc"):
        print(f"  {k:8} wall {best[k]:.3f} s  cpu {best_cpu[k]:.3f} s   "
              f"(wall runs: {', '.join(f'{x:.3f}' for x in times[k])})")
    print(f"  python / native: wall {best['python'] / best['native']:.3f}, cpu {best_cpu['python'] / best_cpu['native']:.3f}"
          f" (commands); in-process scan_paths / native: wall {best['in-proc'] / best['native']:.3f},"
          f" cpu {best_cpu['in-proc'] / best_cpu['native']:.3f}; target <= 1.10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
