//! A generated `kubectl get pods -A -o json` of realistic pods (about 10 KB each, like a real
//! cluster's: managedFields, projected token volume, probes, env, status), with a mix of the
//! audit's problems. Shared by the `audit` bench and the `pod_list` example.

use std::fmt::Write as _;

/// Writes one pod (4-space indented, as kubectl prints) to `out`.
fn pod(out: &mut String, i: usize) {
    let ns = format!("team-{:03}", i % 200);
    let app = format!("svc-{:04}", i / 5);
    let hash = format!("{:09x}", (i / 5).wrapping_mul(2_654_435_761) % 0xf_ffff_ffff);
    let name = format!("{app}-{hash}-{:05x}", i.wrapping_mul(40_503) % 0xfffff);
    let privileged = i % 97 == 0;
    let pod_non_root = i % 3 != 0;
    let container_override = if i % 11 == 0 { "\n                    \"runAsNonRoot\": false," } else { "" };
    let limits = if i % 7 == 0 {
        String::from("\"requests\": {\n                        \"cpu\": \"100m\"\n                    }")
    } else {
        String::from("\"limits\": {\n                        \"cpu\": \"500m\",\n                        \"memory\": \"512Mi\"\n                    },\n                    \"requests\": {\n                        \"cpu\": \"100m\",\n                        \"memory\": \"128Mi\"\n                    }")
    };
    let image = format!("registry.example.com/{app}:1.{}.{}", i % 13, i % 7);
    let digest = format!("sha256:{:064x}", i / 5);
    let mut env = String::new();
    for k in 0..10 {
        let _ = write!(
            env,
            "{}\n                    {{\n                        \"name\": \"SETTING_{k}\",\n                        \"value\": \"value-{k}-for-{app}\"\n                    }}",
            if k == 0 { "" } else { "," }
        );
    }
    let _ = write!(
        out,
        r#"        {{
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {{
                "annotations": {{
                    "kubectl.kubernetes.io/restartedAt": "2026-11-01T10:00:00Z",
                    "prometheus.io/scrape": "true",
                    "prometheus.io/port": "9102"
                }},
                "creationTimestamp": "2026-11-20T08:{m:02}:{s:02}Z",
                "generateName": "{app}-{hash}-",
                "labels": {{
                    "app.kubernetes.io/name": "{app}",
                    "app.kubernetes.io/part-of": "shop",
                    "app.kubernetes.io/version": "1.{v}",
                    "pod-template-hash": "{hash}"
                }},
                "managedFields": [
                    {{
                        "apiVersion": "v1",
                        "fieldsType": "FieldsV1",
                        "fieldsV1": {{
                            "f:metadata": {{
                                "f:annotations": {{".": {{}}, "f:kubectl.kubernetes.io/restartedAt": {{}}, "f:prometheus.io/port": {{}}, "f:prometheus.io/scrape": {{}}}},
                                "f:generateName": {{}},
                                "f:labels": {{".": {{}}, "f:app.kubernetes.io/name": {{}}, "f:app.kubernetes.io/part-of": {{}}, "f:app.kubernetes.io/version": {{}}, "f:pod-template-hash": {{}}}},
                                "f:ownerReferences": {{".": {{}}, "k:{{\"uid\":\"6f1c-{i}\"}}": {{}}}}
                            }},
                            "f:spec": {{
                                "f:containers": {{
                                    "k:{{\"name\":\"app\"}}": {{".": {{}}, "f:env": {{}}, "f:image": {{}}, "f:imagePullPolicy": {{}}, "f:livenessProbe": {{}}, "f:name": {{}}, "f:ports": {{}}, "f:readinessProbe": {{}}, "f:resources": {{}}, "f:securityContext": {{}}, "f:terminationMessagePath": {{}}, "f:terminationMessagePolicy": {{}}, "f:volumeMounts": {{}}}},
                                    "k:{{\"name\":\"sidecar\"}}": {{".": {{}}, "f:image": {{}}, "f:imagePullPolicy": {{}}, "f:name": {{}}, "f:resources": {{}}, "f:terminationMessagePath": {{}}, "f:terminationMessagePolicy": {{}}}}
                                }},
                                "f:dnsPolicy": {{}},
                                "f:enableServiceLinks": {{}},
                                "f:restartPolicy": {{}},
                                "f:schedulerName": {{}},
                                "f:securityContext": {{".": {{}}, "f:runAsNonRoot": {{}}}},
                                "f:terminationGracePeriodSeconds": {{}}
                            }}
                        }},
                        "manager": "kube-controller-manager",
                        "operation": "Update",
                        "time": "2026-11-20T08:00:00Z"
                    }},
                    {{
                        "apiVersion": "v1",
                        "fieldsType": "FieldsV1",
                        "fieldsV1": {{
                            "f:status": {{
                                "f:conditions": {{
                                    "k:{{\"type\":\"ContainersReady\"}}": {{".": {{}}, "f:lastProbeTime": {{}}, "f:lastTransitionTime": {{}}, "f:status": {{}}, "f:type": {{}}}},
                                    "k:{{\"type\":\"Initialized\"}}": {{".": {{}}, "f:lastProbeTime": {{}}, "f:lastTransitionTime": {{}}, "f:status": {{}}, "f:type": {{}}}},
                                    "k:{{\"type\":\"Ready\"}}": {{".": {{}}, "f:lastProbeTime": {{}}, "f:lastTransitionTime": {{}}, "f:status": {{}}, "f:type": {{}}}}
                                }},
                                "f:containerStatuses": {{}},
                                "f:hostIP": {{}},
                                "f:phase": {{}},
                                "f:podIP": {{}},
                                "f:podIPs": {{".": {{}}, "k:{{\"ip\":\"10.1.{a}.{b}\"}}": {{".": {{}}, "f:ip": {{}}}}}},
                                "f:startTime": {{}}
                            }}
                        }},
                        "manager": "kubelet",
                        "operation": "Update",
                        "subresource": "status",
                        "time": "2026-11-20T08:01:00Z"
                    }}
                ],
                "name": "{name}",
                "namespace": "{ns}",
                "ownerReferences": [
                    {{
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "ReplicaSet",
                        "name": "{app}-{hash}",
                        "uid": "6f1c-{i}"
                    }}
                ],
                "resourceVersion": "{rv}",
                "uid": "0b6e{i:08}-4c2a-4f5e-9d3b-3c1f2a7e8d90"
            }},
            "spec": {{
                "containers": [
                    {{
                        "env": [{env}
                        ],
                        "image": "{image}",
                        "imagePullPolicy": "IfNotPresent",
                        "livenessProbe": {{
                            "failureThreshold": 3,
                            "httpGet": {{"path": "/healthz", "port": 8080, "scheme": "HTTP"}},
                            "periodSeconds": 10,
                            "successThreshold": 1,
                            "timeoutSeconds": 1
                        }},
                        "name": "app",
                        "ports": [
                            {{"containerPort": 8080, "name": "http", "protocol": "TCP"}},
                            {{"containerPort": 9102, "name": "metrics", "protocol": "TCP"}}
                        ],
                        "readinessProbe": {{
                            "failureThreshold": 3,
                            "httpGet": {{"path": "/ready", "port": 8080, "scheme": "HTTP"}},
                            "periodSeconds": 5,
                            "successThreshold": 1,
                            "timeoutSeconds": 1
                        }},
                        "resources": {{
                            {limits}
                        }},
                        "securityContext": {{{container_override}
                            "allowPrivilegeEscalation": false,
                            "privileged": {privileged},
                            "readOnlyRootFilesystem": true
                        }},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-{hash}", "readOnly": true}},
                            {{"mountPath": "/etc/app", "name": "config", "readOnly": true}}
                        ]
                    }},
                    {{
                        "image": "docker.io/envoyproxy/envoy:v1.{v}.0",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "sidecar",
                        "resources": {{
                            "limits": {{"memory": "128Mi"}}
                        }},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    }}
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "nodeName": "node-{node}.cluster.internal",
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {{
                    "runAsNonRoot": {pod_non_root}
                }},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}},
                    {{"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}}
                ],
                "volumes": [
                    {{"configMap": {{"defaultMode": 420, "name": "{app}-config"}}, "name": "config"}},
                    {{
                        "name": "kube-api-access-{hash}",
                        "projected": {{
                            "defaultMode": 420,
                            "sources": [
                                {{"serviceAccountToken": {{"expirationSeconds": 3607, "path": "token"}}}},
                                {{"configMap": {{"items": [{{"key": "ca.crt", "path": "ca.crt"}}], "name": "kube-root-ca.crt"}}}},
                                {{"downwardAPI": {{"items": [{{"fieldRef": {{"apiVersion": "v1", "fieldPath": "metadata.namespace"}}, "path": "namespace"}}]}}}}
                            ]
                        }}
                    }}
                ]
            }},
            "status": {{
                "conditions": [
                    {{"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:00:00Z", "status": "True", "type": "Initialized"}},
                    {{"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:00Z", "status": "True", "type": "Ready"}},
                    {{"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:00Z", "status": "True", "type": "ContainersReady"}},
                    {{"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:00:00Z", "status": "True", "type": "PodScheduled"}}
                ],
                "containerStatuses": [
                    {{
                        "containerID": "containerd://{digest_hex}",
                        "image": "{image}",
                        "imageID": "registry.example.com/{app}@{digest}",
                        "lastState": {{}},
                        "name": "app",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {{"running": {{"startedAt": "2026-11-20T08:00:30Z"}}}}
                    }},
                    {{
                        "containerID": "containerd://{digest_hex}",
                        "image": "docker.io/envoyproxy/envoy:v1.{v}.0",
                        "imageID": "docker.io/envoyproxy/envoy@sha256:{envoy:064x}",
                        "lastState": {{}},
                        "name": "sidecar",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {{"running": {{"startedAt": "2026-11-20T08:00:31Z"}}}}
                    }}
                ],
                "hostIP": "10.0.{a}.{b}",
                "phase": "Running",
                "podIP": "10.1.{a}.{b}",
                "podIPs": [{{"ip": "10.1.{a}.{b}"}}],
                "qosClass": "Burstable",
                "startTime": "2026-11-20T08:00:00Z"
            }}
        }}"#,
        m = i % 60,
        s = (i / 60) % 60,
        v = 28 + i % 4,
        rv = 100_000 + i,
        node = i % 50,
        a = (i / 250) % 250,
        b = i % 250,
        digest_hex = format!("{:064x}", i),
        envoy = 28 + i % 4,
    );
}

/// A `kind: List` of `n` pods.
#[must_use]
pub fn generate(n: usize) -> String {
    let mut out = String::with_capacity(n * 11_000);
    out.push_str("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n");
    for i in 0..n {
        if i > 0 {
            out.push_str(",\n");
        }
        pod(&mut out, i);
    }
    out.push_str(
        "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n",
    );
    out
}
