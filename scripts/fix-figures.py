#!/usr/bin/env python3
"""The figures of `kubeharden fix` on the public corpus (README, "Fixing"): run from the repository
root as `scripts/fix-figures.py [--cli PATH] [--corpus DIR]` (default: a release build made with
cargo, and `$KUBEHARDEN_SHARED/corpus` or `../shared/corpus`).

On a temporary copy of `corpus/k8s` and `corpus/dockerfiles` it measures:
- the fixable share: findings of a default scan that carry a fix;
- the re-scan after `kubeharden fix --unsafe-fixes`: the share of those findings gone, new input
  errors, and whether a second run changes anything;
- schema validation: every Kubernetes document of a changed file that kubernetes-validate (strict)
  accepted before the fix, and every document the fix added, validated strictly after it;
- the share of pods that `kubeharden pss --level restricted` admits before and after;
- the time of `fix --unsafe-fixes` against the time of `scan` (wall clock, best of 3).

`bindings-python/tests/test_fix_corpus.py` asserts the same figures (through `measure`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T00:00:00Z"


@dataclass
class Figures:
    """What `measure` found."""

    findings: int = 0
    with_fix: int = 0
    fixed_gone: int = 0
    left_with_fix: int = 0
    files: int = 0
    files_changed: int = 0
    new_errors: list[str] = field(default_factory=list)
    second_run_changes: bool = False
    docs_validated: int = 0
    docs_invalid_after: list[str] = field(default_factory=list)
    docs_added: int = 0
    pods: int = 0
    pods_admitted_before: int = 0
    pods_admitted_after: int = 0
    scan_seconds: float = 0.0
    fix_seconds: float = 0.0


def _run(cli: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(cli), *args], cwd=cwd, capture_output=True, check=False)


def _json(cli: Path, cwd: Path, *args: str) -> Any:
    out = _run(cli, cwd, *args)
    return json.loads(out.stdout)


def _contents(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _k8s_documents(name: str, data: bytes) -> list[dict[str, Any]]:
    import yaml

    text = data.decode("utf-8", errors="replace")
    try:
        if name.endswith(".json"):
            docs: list[Any] = [json.loads(text)]
        elif name.endswith((".yaml", ".yml")):
            docs = list(yaml.safe_load_all(text))
        else:
            return []
    except Exception:  # noqa: BLE001 - a file neither reader reads is not validated
        return []
    out: list[dict[str, Any]] = []
    for d in docs:
        if isinstance(d, dict) and d.get("kind") == "List" and isinstance(d.get("items"), list):
            out.extend(i for i in d["items"] if isinstance(i, dict))
        elif isinstance(d, dict) and "apiVersion" in d and "kind" in d:
            out.append(d)
    return out


_VALIDATORS: dict[tuple[str, str], Any] = {}


def _validator(kind: str, api_version: str) -> Any:
    """kubernetes-validate's strict schema for a kind, as `kubernetes_validate.validate` builds it,
    built once per kind (it builds the schema registry again on every call, which is most of its
    time); None when it has no schema for the kind."""
    import re

    import jsonschema
    import kubernetes_validate
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    key = (kind, api_version)
    if key not in _VALIDATORS:
        version = kubernetes_validate.latest_version()
        schema_dir = f"v{[v for v in utils.all_versions() if utils.major_minor(v) <= utils.major_minor(version)][-1]}-local-strict"
        api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        try:
            schema = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{api}.json", version)
        except FileNotFoundError:
            _VALIDATORS[key] = None
        else:
            defs = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json", version)
            registry = Resource.from_contents(defs) @ (Resource.from_contents(schema) @ Registry())
            _VALIDATORS[key] = jsonschema.validators.Draft202012Validator(schema, registry=registry)
    return _VALIDATORS[key]


def _valid(doc: dict[str, Any]) -> bool | None:
    """Strict validation: True, False, or None when kubernetes-validate has no schema for it."""
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return None
    try:
        validator = _validator(kind, api_version)
        if validator is None:
            return None
        return not any(True for _ in validator.iter_errors(doc))
    except Exception:  # noqa: BLE001 - anything it cannot judge (an odd document, a bad reference)
        return None


def _best_of(n: int, f: Any) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def _admitted(report: Any) -> tuple[int, int]:
    results = report.get("results", [])
    return len(results), sum(1 for r in results if r.get("allowed"))


def measure(cli: Path, corpus: Path, timing: bool = True) -> Figures:
    """Fixes a copy of the corpus and measures it (see the module's doc)."""
    f = Figures()
    with tempfile.TemporaryDirectory(prefix="kubeharden-fix-figures-") as tmp:
        work = Path(tmp)
        for part in ("k8s", "dockerfiles"):
            shutil.copytree(corpus / part, work / part)
        before = _contents(work)
        f.files = len(before)
        scan = _json(cli, work, "scan", "--format", "json", "--now", NOW, ".")
        f.findings = len(scan["findings"])
        f.with_fix = sum(1 for x in scan["findings"] if "fix" in x)
        f.pods, f.pods_admitted_before = _admitted(_json(cli, work, "pss", "--level", "restricted", "--format", "json", "k8s"))
        if timing:
            f.scan_seconds = _best_of(3, lambda: _run(cli, work, "scan", "--format", "json", "--now", NOW, "."))
            scratch = Path(tmp) / "timing"
            for part in ("k8s", "dockerfiles"):
                shutil.copytree(corpus / part, scratch / part)

            def fix_a_fresh_copy() -> float:
                shutil.rmtree(scratch)
                for part in ("k8s", "dockerfiles"):
                    shutil.copytree(corpus / part, scratch / part)
                t = time.perf_counter()
                _run(cli, scratch, "fix", "--unsafe-fixes", "--now", NOW, ".")
                return time.perf_counter() - t

            f.fix_seconds = min(fix_a_fresh_copy() for _ in range(3))
            shutil.rmtree(scratch)
        _run(cli, work, "fix", "--unsafe-fixes", "--now", NOW, ".")
        after = _contents(work)
        changed = [n for n in before if after.get(n) != before[n]]
        f.files_changed = len(changed)
        rescan = _json(cli, work, "scan", "--format", "json", "--now", NOW, ".")
        key = lambda x: (x.get("file"), x.get("rule"), x.get("fingerprint"), x.get("path"), x.get("message"))  # noqa: E731
        left = {key(x) for x in rescan["findings"]}
        f.fixed_gone = sum(1 for x in scan["findings"] if "fix" in x and key(x) not in left)
        f.left_with_fix = sum(1 for x in rescan["findings"] if "fix" in x)
        old_errors = {e.get("file") for e in scan["errors"]}
        f.new_errors = sorted({str(e.get("file")) for e in rescan["errors"]} - old_errors)
        second = _run(cli, work, "fix", "--diff", "--unsafe-fixes", "--now", NOW, ".")
        f.second_run_changes = bool(second.stdout)
        _, f.pods_admitted_after = _admitted(_json(cli, work, "pss", "--level", "restricted", "--format", "json", "k8s"))
        for name in changed:
            old_docs = _k8s_documents(name, before[name])
            new_docs = _k8s_documents(name, after[name])
            for i, doc in enumerate(new_docs):
                was = old_docs[i] if i < len(old_docs) else None
                if was is None:
                    f.docs_added += 1
                elif _valid(was) is not True:
                    continue  # not valid before the fix (or no schema): not the fix's to answer for
                ok = _valid(doc)
                if ok is None:
                    continue
                f.docs_validated += 1
                if not ok:
                    f.docs_invalid_after.append(f"{name} document {i + 1} ({doc.get('kind')})")
    return f


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--cli", type=Path, help="the kubeharden binary (default: cargo build --release)")
    ap.add_argument("--corpus", type=Path, help="the corpus directory (k8s/ and dockerfiles/)")
    a = ap.parse_args()
    cli = a.cli
    if cli is None:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--locked", "-p", "kubeharden-cli"], cwd=ROOT, check=True)
        cli = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "kubeharden"
    corpus = a.corpus
    if corpus is None:
        shared = os.environ.get("KUBEHARDEN_SHARED")
        corpus = Path(shared) / "corpus" if shared else ROOT.parent / "shared" / "corpus"
    if not (corpus / "k8s").is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    f = measure(cli.resolve(), corpus.resolve())
    print(f"files: {f.files}, changed by `fix --unsafe-fixes`: {f.files_changed}")
    print(f"fixable share: {f.with_fix} of {f.findings} findings carry a fix ({_pct(f.with_fix, f.findings)})")
    print(f"re-scan: {f.fixed_gone} of {f.with_fix} fixable findings gone ({_pct(f.fixed_gone, f.with_fix)}); {f.left_with_fix} still carry a fix; new input errors: {len(f.new_errors)}; second run changes: {'yes' if f.second_run_changes else 'none'}")
    print(f"schema (kubernetes-validate --strict): {f.docs_validated - len(f.docs_invalid_after)} of {f.docs_validated} fixed documents valid ({f.docs_added} added)")
    for d in f.docs_invalid_after[:20]:
        print(f"  invalid after the fix: {d}")
    print(f"pss restricted: {f.pods_admitted_before} of {f.pods} pods admitted before ({_pct(f.pods_admitted_before, f.pods)}), {f.pods_admitted_after} after ({_pct(f.pods_admitted_after, f.pods)})")
    print(f"time: scan {f.scan_seconds:.2f} s, fix --unsafe-fixes {f.fix_seconds:.2f} s ({f.fix_seconds / f.scan_seconds:.2f}x the scan; best of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
