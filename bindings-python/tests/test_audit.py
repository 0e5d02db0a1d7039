"""``kubeharden.audit``: the command's audit report as dataclasses (the one conversion), with image
metadata texts or fetched from a real registry (Debian's ``docker-registry`` on 127.0.0.1, images
pushed with skopeo), the GIL released while fetching."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kubeharden

from conftest import ROOT

AUDIT_DATA = ROOT / "core" / "tests" / "data" / "audit"
NOW = "2026-11-22T00:00:00Z"
TOOLS = ("docker-registry", "skopeo")


def test_same_report_as_the_command(native_cli: Path) -> None:
    out = subprocess.run(
        [str(native_cli), "audit", "pods.json", "--images", "images", "--now", NOW, "--format", "json"],
        cwd=AUDIT_DATA,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    images = {f"images/{p.name}": p.read_text() for p in sorted((AUDIT_DATA / "images").glob("*.json"))}
    pods = (AUDIT_DATA / "pods.json").read_text()
    report = kubeharden.audit(pods, images=images, filename="pods.json", now=NOW)
    assert isinstance(report, kubeharden.AuditReport)
    assert report == kubeharden.AuditReport.from_json(out)
    assert report.images_unreachable is None and report.errors == ()
    assert report.privileged and report.running_as_root and report.missing_limits
    assert all(type(f.severity) is kubeharden.Severity for c in report.privileged for f in c.findings)
    assert report.privileged[0].reason == report.privileged[0].findings[0].message
    too_old = [i for i in report.image_age if i.finding is not None]
    assert too_old and all(isinstance(i.finding, kubeharden.Finding) for i in too_old)
    # its bytes give the same report; the parsed list the same entries (lines are those of the
    # JSON text the dict becomes)
    assert kubeharden.audit(pods.encode(), images=images, filename="pods.json", now=NOW) == report
    parsed = kubeharden.audit(json.loads(pods), images=images, filename="pods.json", now=NOW)
    assert parsed.image_age == report.image_age

    def entries(r: kubeharden.AuditReport) -> list[tuple[str, str, str]]:
        sections = (r.privileged, r.running_as_root, r.missing_limits)
        return [(c.pod_path, c.container, f.rule) for s in sections for c in s for f in c.findings]

    assert entries(parsed) == entries(report) and entries(report)


def test_errors() -> None:
    # what is not a list of pods is never a clean audit: raised, or reported with strict=False
    with pytest.raises(kubeharden.ParseError) as e:
        kubeharden.audit("[]")
    assert e.value.file == "<input>"
    assert kubeharden.audit("[]", strict=False).errors
    with pytest.raises(kubeharden.ParseError, match="no image metadata"):
        kubeharden.audit(_pods(["nginx:1"]), images={"x.json": '{"a": 1}'})
    with pytest.raises(kubeharden.RequestError):
        kubeharden.audit('{"items": []}', now="yesterday")
    with pytest.raises(kubeharden.RequestError, match="platform"):
        kubeharden.audit(_pods(["nginx:1"]), registry=True, platform="linux")
    with pytest.raises(TypeError):
        kubeharden.audit(42)  # type: ignore[arg-type]
    with pytest.raises(kubeharden.ParseError, match="not a kubeharden audit"):
        kubeharden.AuditReport.from_json('{"version": 2}')


def _pods(images: list[str]) -> str:
    items = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"p{i}", "namespace": "ns"},
            "spec": {"containers": [{"name": "c", "image": image}]},
        }
        for i, image in enumerate(images)
    ]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def test_gil_released_while_fetching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a server that accepts and never answers: the fetch waits for its timeout, Python runs on
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        host = f"127.0.0.1:{server.getsockname()[1]}"
        ticks = 0
        done = threading.Event()

        def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                time.sleep(0.001)

        t = threading.Thread(target=tick)
        t.start()
        try:
            report = kubeharden.audit(_pods([f"{host}/app:1"]), registry=True, insecure_registry=[host], registry_timeout=1)
        finally:
            done.set()
            t.join()
    (image,) = report.image_age
    assert image.registry is not None and image.registry.error_kind == "timeout", image
    assert image.age_days is None
    assert report.images_unreachable == 1
    assert ticks > 100, ticks


def _blob(layout: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(data)
    return f"sha256:{digest}"


def _layout(layout: Path, images: dict[str, tuple[str, str]]) -> dict[str, str]:
    """An OCI layout with one image per name: (created, user). Returns name -> manifest digest."""
    (layout / "blobs" / "sha256").mkdir(parents=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    layer = _blob(layout, bytes(1024))
    refs, digests = [], {}
    for name, (created, user) in images.items():
        config = json.dumps(
            {
                "created": created,
                "architecture": "amd64",
                "os": "linux",
                "config": {"User": user},
                "rootfs": {"type": "layers", "diff_ids": [layer]},
            }
        ).encode()
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": _blob(layout, config),
                    "size": len(config),
                },
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer, "size": 1024}],
            }
        ).encode()
        digests[name] = _blob(layout, manifest)
        refs.append(
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": digests[name],
                "size": len(manifest),
                "annotations": {"org.opencontainers.image.ref.name": name},
            }
        )
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": refs}))
    return digests


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[str]:
    """docker-registry on 127.0.0.1 (plain HTTP, a port the kernel picks), stopped afterwards."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        message = f"needs {', '.join(missing)} (scripts/install-toolchains.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    config = tmp_path / "registry.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {tmp_path / 'data'}\n"
        "http:\n  addr: 127.0.0.1:0\n  secret: kubeharden-test\n"
    )
    proc = subprocess.Popen(
        ["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        addr = None
        deadline = time.monotonic() + 30
        while addr is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if "listening on 127.0.0.1:" in line:
                addr = line.split("listening on ", 1)[1].split()[0].rstrip(",\"")
        assert addr, "docker-registry did not start"
        # keep reading its log so the pipe never fills
        threading.Thread(target=lambda: [None for _ in proc.stderr or ()], daemon=True).start()
        yield addr
    finally:
        proc.kill()
        proc.wait()


def test_registry(registry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    layout = tmp_path / "layout"
    digests = _layout(layout, {"old": ("2020-01-02T03:04:05Z", ""), "new": ("2026-11-20T10:00:00Z", "10001")})
    for name, dest in [("old", "app:1"), ("new", "app:2")]:
        subprocess.run(
            ["skopeo", "--insecure-policy", "copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false"]
            + [f"oci:{layout}:{name}", f"docker://{registry}/team/{dest}"],
            check=True,
        )
    pods = json.loads(_pods([f"{registry}/team/app:1", f"{registry}/team/app:2", f"{registry}/team/app:9"]))
    # the pod of app:2 runs app:1's digest: that is what the audit sees
    pods["items"][1]["status"] = {
        "containerStatuses": [{"name": "c", "imageID": f"{registry}/team/app@{digests['old']}"}]
    }
    report = kubeharden.audit(pods, registry=True, insecure_registry=[registry], now=NOW)
    by_image = {i.image: i for i in report.image_age}
    one, two, nine = (by_image[f"{registry}/team/app:{t}"] for t in "129")
    assert one.registry and two.registry and nine.registry
    assert (one.age_days, one.registry.used, one.registry.digest) == (2515, "tag", digests["old"])
    assert (two.age_days, two.registry.used) == (2515, "running digest")
    assert (nine.age_days, nine.registry.error_kind) == (None, "not-found")
    assert report.images_unreachable == 1
    # app:2's pod runs app:1's digest: the metadata fetched for both is app:1's
    assert one.metadata == two.metadata and one.metadata is not None and one.metadata.startswith("registry:")
    again = kubeharden.audit(pods, registry=True, insecure_registry=[registry], now=NOW)
    fetched = [i.registry for i in again.image_age if i.registry and not i.registry.error]
    assert len(fetched) == 2 and all(f.cached for f in fetched)
    # without the cache, fetched again
    fresh = kubeharden.audit(pods, registry=True, insecure_registry=[registry], now=NOW, no_cache=True)
    assert not any(i.registry and i.registry.cached for i in fresh.image_age)
