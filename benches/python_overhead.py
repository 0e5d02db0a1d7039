#!/usr/bin/env python3
"""Overhead of the Python binding against the native command, scanning a manifest corpus.

    python3 -m venv /tmp/khvenv && /tmp/khvenv/bin/pip install ./bindings-python
    /tmp/khvenv/bin/python benches/python_overhead.py [CORPUS] [--runs N]

Needs the release command (`cargo build --release -p kubeharden`) and kubeharden installed in
the interpreter that runs this script (target/py-venv, made by `scripts/test.d/40-python.sh`,
works too, but see bindings-python/README.md for its slower start-up on the sandbox machine).
Compares, best of N runs each, commands alternating:
  native          `target/release/kubeharden scan CORPUS --format json` (a whole process)
  python -m       `python -m kubeharden scan CORPUS --format json` (a whole process, as a user runs it)
  scan_paths      `kubeharden.scan_paths(CORPUS)` inside this process: the report, findings not built yet
  + findings      the same, then every `Finding` built (`report.findings`)
  + to_json       the same, then the JSON the command prints (`report.to_json()`)
and checks that the two commands print the same JSON and that `to_json()` is that JSON too.
Interpreter start-up is timed on its own (`python -c pass`, `python -c "import kubeharden"`):
it is a fixed cost per process, whatever the corpus. Target: through Python within 10% of native.
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
from typing import Callable

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
    shared = Path(os.environ.get("KUBEHARDEN_SHARED", ROOT.parent / "shared"))
    ap.add_argument("corpus", nargs="?", default=str(shared / "corpus" / "k8s"))
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    native = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "kubeharden"
    if not native.exists():
        print(f"error: {native} is missing: run `cargo build --release -p kubeharden-cli`", file=sys.stderr)
        return 2
    if not Path(a.corpus).is_dir():
        print(f"error: corpus `{a.corpus}` is not a directory", file=sys.stderr)
        return 2
    args = ["scan", a.corpus, "--format", "json", "--now", NOW, "--fail-on", "never"]
    commands = {
        "native": [str(native), *args],
        "python -m": [sys.executable, "-m", "kubeharden", *args],
        "python start": [sys.executable, "-c", "pass"],
        "+ import": [sys.executable, "-c", "import kubeharden"],
    }
    calls: dict[str, Callable[[], object]] = {
        "scan_paths": lambda: kubeharden.scan_paths(a.corpus, now=NOW),
        "+ findings": lambda: kubeharden.scan_paths(a.corpus, now=NOW).findings,
        "+ to_json": lambda: kubeharden.scan_paths(a.corpus, now=NOW).to_json() + "\n",
    }
    times: dict[str, list[float]] = {k: [] for k in [*commands, *calls]}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    outputs: dict[str, object] = {}
    timed(commands["native"])  # warm the page cache
    for _ in range(a.runs):
        for k, argv in commands.items():
            t, c, outputs[k] = timed(argv)
            times[k].append(t)
            cpu[k].append(c)
    # In-process runs last: this process's idle rayon threads must not disturb the commands.
    for _ in range(a.runs):
        for k, call in calls.items():
            c0, t0 = time.process_time(), time.perf_counter()
            outputs[k] = call()
            times[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
    if outputs["native"] != outputs["python -m"]:
        print("error: the native and the Python command print different reports", file=sys.stderr)
        return 1
    if outputs["+ to_json"] != outputs["native"].decode():  # type: ignore[attr-defined]
        print("error: Report.to_json() differs from the native command's JSON", file=sys.stderr)
        return 1
    best = {k: min(v) for k, v in times.items()}
    best_cpu = {k: min(v) for k, v in cpu.items()}
    report = outputs["scan_paths"]
    assert isinstance(report, kubeharden.Report)
    s = report.summary
    print(f"corpus: {a.corpus}: {s.files} files, {s.documents} documents, {s.objects} objects, "
          f"{s.findings} findings, {s.errors} errors; best of {a.runs} runs")
    n, nc = best["native"], best_cpu["native"]
    for k in times:
        print(f"  {k:12} wall {best[k]:.3f} s  cpu {best_cpu[k]:.3f} s  vs native {best[k] / n:.2f} / {best_cpu[k] / nc:.2f}"
              f"   (wall runs: {', '.join(f'{x:.3f}' for x in times[k])})")
    startup = best["+ import"]
    print(f"  python -m without the interpreter start-up and imports ({startup:.3f} s): "
          f"{(best['python -m'] - startup) / n:.2f} of native")
    worst = max(best[k] / n for k in calls)
    print(f"  in-process, worst of the three / native: {worst:.2f} (target <= 1.10: {'met' if worst <= 1.10 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
