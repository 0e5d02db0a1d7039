"""The GIL is released while the core works, so Python threads run alongside it."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Callable

import kubeharden
from kubeharden import _kubeharden

HARDENED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: shop
spec:
  template:
    spec:
      securityContext: {{runAsNonRoot: true}}
      containers:
        - name: web
          image: registry.example.com/web:{i}
          securityContext: {{privileged: false, allowPrivilegeEscalation: false}}
          env: [{{name: A, value: "1"}}, {{name: B, value: "2"}}, {{name: C, value: "3"}}]
"""

# Big enough that the Rust work dominates (few findings, so little Python-side conversion).
BIG = "---\n".join(HARDENED.format(i=i) for i in range(8000))


def scan_big() -> None:
    report = kubeharden.scan(BIG, config={"select": ["privileged-container"]})
    assert report.summary.objects == 8000


def wall(f: Callable[[], None]) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def twice(f: Callable[[], None]) -> None:
    f()
    f()


def in_two_threads(f: Callable[[], None]) -> None:
    threads = [threading.Thread(target=f) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


DATA = b"k" * (32 * 1024 * 1024)


def reference() -> None:
    """About as long as `scan_big`; hashlib releases the GIL: the parallelism the machine gives."""
    for _ in range(8):
        hashlib.sha256(DATA).digest()


def test_two_threads_scan_faster_than_serially() -> None:
    scan_big()  # warm up
    best: dict[str, float] = {}
    # Rounds alternate our scan and the reference so both see the same machine; best of five.
    for _ in range(5):
        for name, f in (("scan", scan_big), ("reference", reference)):
            for mode, run in (("serial", twice), ("threads", in_two_threads)):
                key = f"{name} {mode}"
                best[key] = min(best.get(key, float("inf")), wall(lambda: run(f)))
    ours = best["scan serial"] / best["scan threads"]
    machine = best["reference serial"] / best["reference threads"]
    print(f"two threads vs serial: scan {ours:.2f}x, hashlib reference {machine:.2f}x")
    # With the GIL held, two threads could not beat serial (<= 1x). On two free cores the
    # reference gives ~1.9x and we require 1.3x. The scheduler gives each session a share of
    # the cores (autogroup): with other sessions busy the reference measured 0.55x-1.24x, and
    # wall times cannot show parallelism, so require 70% of the reference then;
    # test_scan_paths_lets_other_threads_run shows the GIL release under any load.
    assert ours >= min(1.3, 0.7 * machine)


def test_scan_paths_lets_other_threads_run(tmp_path: Path) -> None:
    for i in range(200):
        (tmp_path / f"web-{i}.yaml").write_text("---\n".join(HARDENED.format(i=i * 100 + j) for j in range(20)))
    counter = [0]
    during: list[int] = []
    done = threading.Event()

    def work() -> None:
        before = counter[0]
        # The native call alone: argument conversion, then Rust with the GIL released.
        _kubeharden.check_paths([str(tmp_path)])
        during.append(counter[0] - before)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        counter[0] += 1
    t.join()
    # Had the call held the GIL, this thread could not have counted while it ran.
    assert during and during[0] > 1000, during
