"""`kubeharden fix --unsafe-fixes` on a copy of the public corpus: every fixed manifest still
validates against Kubernetes' own schemas (kubernetes-validate, strict), and the other figures of
`scripts/fix-figures.py` (which this test shares) hold. Skipped, by name, when the corpus is absent."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _corpus() -> Path:
    shared = os.environ.get("KUBEHARDEN_SHARED")
    return Path(shared) / "corpus" if shared else ROOT.parent / "shared" / "corpus"


def _figures_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fix_figures", ROOT / "scripts" / "fix-figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (_corpus() / "k8s").is_dir(), reason="the public corpus (shared/corpus) is absent")
def test_fixed_corpus_validates_strictly_and_rescans_clean(native_cli: Path) -> None:
    f = _figures_module().measure(native_cli.resolve(), _corpus().resolve(), timing=False)
    assert f.files_changed > 0
    assert f.with_fix * 100 >= f.findings * 60, f"{f.with_fix} of {f.findings} findings carry a fix"
    assert f.fixed_gone * 100 >= f.with_fix * 99, f"{f.fixed_gone} of {f.with_fix} fixed findings gone"
    assert f.new_errors == []
    assert not f.second_run_changes
    assert f.docs_validated > 0
    assert f.docs_invalid_after == [], f.docs_invalid_after
    assert f.pods_admitted_after > f.pods_admitted_before
