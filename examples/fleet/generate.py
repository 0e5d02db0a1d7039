"""Writes a synthetic fleet: one directory per cluster holding what the weekly audit collects,

    <out>/<cluster>/pods.json          kubectl get pods -A -o json (a v1 List of Pods)
    <out>/<cluster>/images/<n>.json    docker inspect of each image the pods run

Deterministic: the same arguments give the same bytes. The pods look like a real cluster's
(controllers' owner references, probes, env, projected token volumes, managedFields, status) and
carry a realistic mix of what the checklist finds: pods without runAsNonRoot, containers running as
UID 0, a few privileged ones or on the host network, missing limits, mutable tags, images that are
months old or run as root. About 9 KB of JSON per pod (indented as kubectl prints it).

    python examples/fleet/generate.py OUT [--clusters 200] [--pods 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
from pathlib import Path
from typing import Any

#: The day the images' ages are counted from (the audit's `now` in the test and the bench).
NOW = "2026-11-22T00:00:00Z"

TEAMS = ["payments", "search", "checkout", "catalog", "identity", "ledger", "media", "ops", "data", "edge"]
APPS = ["api", "worker", "web", "cron", "gateway", "indexer", "exporter", "scheduler", "cache", "sync"]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _when(days_before: float) -> str:
    now = dt.datetime.strptime(NOW, "%Y-%m-%dT%H:%M:%SZ")
    return (now - dt.timedelta(days=days_before)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Cluster:
    """The workloads of one cluster: deployments with their image and their habits."""

    def __init__(self, name: str, rng: random.Random, pods: int) -> None:
        self.name = name
        self.rng = rng
        self.pods = pods
        # About four pods per deployment, each deployment with its own image.
        self.deployments: list[dict[str, Any]] = []
        for i in range(max(1, pods // 4)):
            team = rng.choice(TEAMS)
            app = f"{rng.choice(APPS)}-{i:03d}"
            tag = rng.choice(["latest", ""]) if rng.random() < 0.12 else f"{rng.randint(1, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
            repo = f"registry.example.com/{team}/{app}"
            self.deployments.append({
                "team": team,
                "app": app,
                "image": f"{repo}:{tag}" if tag else repo,
                "repo": repo,
                "tag": tag or "latest",
                "hash": _hex(rng, 10),
                "pod_non_root": rng.random() < 0.7,
                "uid0_container": rng.random() < 0.05,
                "privileged": rng.random() < 0.01,
                "host_network": rng.random() < 0.02,
                "limits": rng.random() < 0.85,
                "sidecar": rng.random() < 0.3,
                "image_days": rng.choice([rng.uniform(3, 80), rng.uniform(90, 400)]),
                "image_user": "" if rng.random() < 0.2 else rng.choice(["10001", "65532:65532", "app"]),
            })

    def container(self, d: dict[str, Any], n: int) -> dict[str, Any]:
        sc: dict[str, Any] = {"allowPrivilegeEscalation": d["privileged"], "readOnlyRootFilesystem": not d["privileged"]}
        if d["privileged"]:
            sc["privileged"] = True
        if d["uid0_container"]:
            sc["runAsUser"] = 0
        resources: dict[str, Any] = {"requests": {"cpu": "100m", "memory": "128Mi"}}
        if d["limits"]:
            resources["limits"] = {"cpu": "500m", "memory": "512Mi"}
        return {
            "name": "app",
            "image": d["image"],
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "env": [{"name": f"SETTING_{k}", "value": f"value-{k}-{d['app']}"} for k in range(4)]
            + [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "periodSeconds": 10},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"}, "periodSeconds": 5},
            "resources": resources,
            "securityContext": sc,
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": f"kube-api-access-{n:05x}", "readOnly": True}],
        }

    def pod(self, i: int) -> dict[str, Any]:
        d = self.deployments[i % len(self.deployments)]
        name = f"{d['app']}-{d['hash']}-{_hex(self.rng, 5)}"
        containers = [self.container(d, i)]
        if d["sidecar"]:
            containers.append({
                "name": "metrics",
                "image": "registry.example.com/ops/statsd-exporter:0.26.0",
                "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "32Mi"}},
                "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 65534},
            })
        spec: dict[str, Any] = {
            "containers": containers,
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "nodeName": f"node-{self.rng.randint(1, 40):02d}.{self.name}.internal",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}} if d["pod_non_root"] else {},
            "serviceAccountName": d["app"],
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}],
            "volumes": [{"name": f"kube-api-access-{i:05x}", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            ]}}],
        }
        if d["host_network"]:
            spec["hostNetwork"] = True
        digest = "sha256:" + hashlib.sha256(d["image"].encode()).hexdigest()
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "9102"},
                "creationTimestamp": _when(self.rng.uniform(0, 30)),
                "generateName": f"{d['app']}-{d['hash']}-",
                "labels": {"app.kubernetes.io/name": d["app"], "app.kubernetes.io/part-of": d["team"], "pod-template-hash": d["hash"]},
                "managedFields": [{"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kube-controller-manager", "operation": "Update",
                                   "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app.kubernetes.io/name": {}}}}}],
                "name": name,
                "namespace": d["team"],
                "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True, "kind": "ReplicaSet",
                                     "name": f"{d['app']}-{d['hash']}", "uid": f"{_hex(self.rng, 8)}-{_hex(self.rng, 4)}"}],
                "resourceVersion": str(self.rng.randint(10**6, 10**8)),
                "uid": f"{_hex(self.rng, 8)}-{_hex(self.rng, 4)}-{_hex(self.rng, 4)}-{_hex(self.rng, 12)}",
            },
            "spec": spec,
            "status": {
                "containerStatuses": [{"image": c["image"], "imageID": f"{d['repo']}@{digest}", "name": c["name"], "ready": True,
                                       "restartCount": 0, "started": True, "state": {"running": {"startedAt": _when(1)}}} for c in containers],
                "hostIP": f"10.0.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                "phase": "Running",
                "podIP": f"10.{self.rng.randint(64, 127)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                "qosClass": "Burstable",
                "startTime": _when(1),
            },
        }

    def image(self, d: dict[str, Any]) -> list[dict[str, Any]]:
        digest = "sha256:" + hashlib.sha256(d["image"].encode()).hexdigest()
        return [{
            "Id": "sha256:" + hashlib.sha256(d["repo"].encode()).hexdigest(),
            "RepoTags": [f"{d['repo']}:{d['tag']}"],
            "RepoDigests": [f"{d['repo']}@{digest}"],
            "Created": _when(d["image_days"]),
            "Config": {"User": d["image_user"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                       "Entrypoint": [f"/usr/local/bin/{d['app'].rsplit('-', 1)[0]}"], "WorkingDir": "/app"},
            "Architecture": "amd64",
            "Os": "linux",
            "RootFS": {"Type": "layers", "Layers": ["sha256:" + hashlib.sha256(f"{d['repo']}/{k}".encode()).hexdigest() for k in range(3)]},
        }]

    def write(self, out: Path) -> int:
        """Writes the cluster's directory; returns its number of pods."""
        images = out / self.name / "images"
        images.mkdir(parents=True, exist_ok=True)
        pods = {"apiVersion": "v1", "items": [self.pod(i) for i in range(self.pods)], "kind": "List",
                "metadata": {"resourceVersion": ""}}
        (out / self.name / "pods.json").write_text(json.dumps(pods, indent=4) + "\n")
        for k, d in enumerate(self.deployments):
            (images / f"{k:03d}.json").write_text(json.dumps(self.image(d), indent=4) + "\n")
        return self.pods


def generate(out: Path, clusters: int, pods: int, seed: int = 1) -> list[Path]:
    """Writes `clusters` clusters of about `pods` pods each (sizes vary by ±30 %) into `out`;
    returns their directories, sorted."""
    rng = random.Random(seed)
    dirs = []
    for c in range(clusters):
        n = max(1, round(pods * rng.uniform(0.7, 1.3)))
        cluster = Cluster(f"cluster-{c:04d}", random.Random(f"{seed}/{c}"), n)
        cluster.write(out)
        dirs.append(out / cluster.name)
    return dirs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--clusters", type=int, default=200)
    ap.add_argument("--pods", type=int, default=300, help="pods per cluster, on average")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    dirs = generate(a.out, a.clusters, a.pods, a.seed)
    size = sum(f.stat().st_size for d in dirs for f in d.rglob("*.json"))
    print(f"{len(dirs)} clusters in {a.out}, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
