//! The PSS API: `check_pss` (request validation, results per pod-bearing object, paths and lines)
//! and Kubernetes' wording of every check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test helpers")]

use kubeharden::pss::{check_pss, PssLevel, PssRequest, PssVersion, PssViolation};
use kubeharden::{Error, SourceFile};

fn req(level: &str, version: &str, text: &str) -> PssRequest {
    PssRequest {
        files: vec![SourceFile::new("in.yaml", text)],
        level: level.into(),
        version: version.into(),
        ..PssRequest::default()
    }
}

/// The violations of the single pod-bearing object of `text`.
fn violations(level: &str, version: &str, text: &str) -> Vec<PssViolation> {
    let r = check_pss(&req(level, version, text)).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.results.len(), 1);
    r.results.into_iter().next().unwrap().violations
}

fn messages(level: &str, version: &str, text: &str) -> Vec<String> {
    violations(level, version, text).into_iter().map(|v| format!("{}: {}", v.check, v.message)).collect()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";

#[test]
fn request_validation() {
    for (level, version) in [
        ("strict", "latest"),
        ("Baseline", "latest"),
        ("baseline", "1.29"),
        ("baseline", "v2.0"),
        ("baseline", "v1.x"),
        ("baseline", "v1.029"),
    ] {
        let e = check_pss(&req(level, version, POD)).unwrap_err();
        assert!(matches!(e, Error::Request(_)), "{level} {version}: {e}");
    }
    assert_eq!(
        check_pss(&req("strict", "latest", POD)).unwrap_err().to_string(),
        "invalid request: unknown level `strict` (expected baseline, restricted or privileged)"
    );
    let json = r#"{"files": [], "level": "baseline", "version": "latest", "extra": 1}"#;
    assert!(serde_json::from_str::<PssRequest>(json).is_err());
    assert_eq!("v1.40".parse::<PssVersion>().unwrap().minor(), 37);
    assert_eq!("v1.0".parse::<PssVersion>().unwrap(), PssVersion::V(0));
    assert_eq!("privileged".parse::<PssLevel>().unwrap(), PssLevel::Privileged);
}

#[test]
fn one_result_per_pod_bearing_object_with_absolute_paths() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d, namespace: shop}
  spec:
    template:
      spec:
        hostPID: true
        containers:
        - name: app
          image: nginx
---
apiVersion: v1
kind: Pod
metadata: {name: ok}
spec:
  containers:
  - {name: app, image: nginx}
";
    let r = check_pss(&req("baseline", "latest", text)).unwrap();
    assert_eq!(r.results.len(), 2);
    let d = &r.results[0];
    assert_eq!((d.object.kind.as_str(), d.object.name.as_deref(), d.document), ("Deployment", Some("d"), 0));
    assert!(!d.allowed);
    assert_eq!(d.violations.len(), 1);
    let v = &d.violations[0];
    assert_eq!(v.check, "hostNamespaces");
    assert_eq!(v.message, "host namespaces (hostPID=true)");
    assert_eq!(v.path, "items[1].spec.template.spec.hostPID");
    assert_eq!((v.line, v.column), (13, 9));
    assert!(r.results[1].allowed && r.results[1].violations.is_empty());
    // privileged allows everything.
    assert!(check_pss(&req("privileged", "v1.0", text)).unwrap().all_allowed());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["results"][0]["violations"][0]["check"], "hostNamespaces");
    assert_eq!(json["results"][0]["object"]["kind"], "Deployment");
}

#[test]
fn baseline_wording() {
    let text = r#"
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  hostNetwork: true
  hostIPC: true
  securityContext:
    sysctls: [{name: kernel.msgmax, value: "1"}, {name: net.ipv4.tcp_syncookies, value: "1"}]
    seLinuxOptions: {type: spc_t, user: sysadm_u}
    windowsOptions: {hostProcess: true}
    seccompProfile: {type: Unconfined}
  volumes:
  - name: docker
    hostPath: {path: /var/run/docker.sock}
  initContainers:
  - name: init
    image: busybox
    securityContext:
      privileged: true
      capabilities: {add: [SYS_ADMIN, CHOWN]}
      procMount: Unmasked
  containers:
  - name: app
    image: nginx
    ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 443, hostPort: 443}]
    securityContext:
      privileged: true
      capabilities: {add: [NET_ADMIN]}
    livenessProbe:
      httpGet: {host: 10.0.0.1, port: 80}
"#;
    assert_eq!(
        messages("baseline", "latest", text),
        [
            r#"appArmorProfile: forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")"#,
            r#"capabilities_baseline: non-default capabilities (containers "init", "app" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)"#,
            "hostNamespaces: host namespaces (hostNetwork=true, hostIPC=true)",
            r#"hostPathVolumes: hostPath volumes (volume "docker")"#,
            r#"hostPorts: hostPort (container "app" uses hostPorts 443, 8080)"#,
            r#"hostProbesAndHostLifecycle: probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")"#,
            r#"privileged: privileged (containers "init", "app" must not set securityContext.privileged=true)"#,
            r#"procMount: procMount (container "init" must not set securityContext.procMount to "Unmasked")"#,
            r#"seLinuxOptions: seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)"#,
            r#"seccompProfile_baseline: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")"#,
            "sysctls: forbidden sysctls (kernel.msgmax)",
            "windowsHostProcess: hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
        ]
    );
    // Before 1.34 host probes are not checked; before 1.19 seccomp fields are not either.
    let old = messages("baseline", "v1.18", text);
    assert!(!old.iter().any(|m| m.starts_with("hostProbesAndHostLifecycle") || m.starts_with("seccompProfile")));
}

#[test]
fn restricted_wording_and_versions() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 0}
  volumes:
  - {name: data, nfs: {server: nfs.local, path: /}}
  - {name: cache, emptyDir: {}}
  - {name: git, gitRepo: {repository: x}}
  containers:
  - name: app
    image: nginx
    securityContext:
      runAsNonRoot: false
      allowPrivilegeEscalation: true
      seccompProfile: {type: Unconfined}
      capabilities: {add: [NET_BIND_SERVICE, NET_RAW]}
  - name: side
    image: nginx
";
    assert_eq!(
        messages("restricted", "latest", text),
        [
            r#"allowPrivilegeEscalation: allowPrivilegeEscalation != false (containers "app", "side" must set securityContext.allowPrivilegeEscalation=false)"#,
            r#"capabilities_restricted: unrestricted capabilities (containers "app", "side" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "NET_RAW" in securityContext.capabilities.add)"#,
            r#"restrictedVolumes: restricted volume types (volumes "data", "git" use restricted volume types "gitRepo", "nfs")"#,
            r#"runAsNonRoot: runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)"#,
            "runAsUser: runAsUser=0 (pod must not set runAsUser=0)",
            r#"seccompProfile_restricted: seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")"#,
        ]
    );
    // v1.0: no allowPrivilegeEscalation, capabilities_restricted, runAsUser, seccomp field checks;
    // the baseline capabilities check applies instead (NET_RAW is not in the default set).
    let checks: Vec<String> = violations("restricted", "v1.0", text).into_iter().map(|v| v.check).collect();
    assert_eq!(checks, ["capabilities_baseline", "restrictedVolumes", "runAsNonRoot"]);
}

#[test]
fn implicit_restricted_settings_point_where_the_fix_goes() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
";
    let v = violations("restricted", "latest", text);
    let got: Vec<(&str, &str, u32)> = v.iter().map(|v| (v.check.as_str(), v.path.as_str(), v.line)).collect();
    assert_eq!(
        got,
        [
            ("runAsNonRoot", "spec.template.spec.containers[0].securityContext.runAsNonRoot", 10),
            ("seccompProfile_restricted", "spec.template.spec.containers[0].securityContext.seccompProfile.type", 10),
        ]
    );
    assert_eq!(
        v[0].message,
        r#"runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)"#
    );
}

#[test]
fn user_namespaces_and_windows() {
    let userns = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: nginx
    securityContext:
      procMount: Unmasked
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
";
    assert!(violations("baseline", "v1.35", userns).is_empty());
    assert_eq!(violations("baseline", "v1.34", userns)[0].check, "procMount");
    let restricted: Vec<String> = violations("restricted", "latest", userns).into_iter().map(|v| v.check).collect();
    assert_eq!(restricted, ["procMount_restricted"]);
    let windows = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  securityContext: {runAsNonRoot: true}
  containers:
  - {name: app, image: mcr.microsoft.com/windows/nanoserver}
";
    assert!(violations("restricted", "v1.25", windows).is_empty());
    let old: Vec<String> = violations("restricted", "v1.24", windows).into_iter().map(|v| v.check).collect();
    assert_eq!(old, ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]);
}

/// A warning Kubernetes printed for a node-debug pod (`kubectl`/`oc debug node`), reproduced
/// word for word: check order (baseline, then restricted, each by id), `restrictedVolumes`
/// replacing `hostPathVolumes`, and every message.
#[test]
fn reproduces_a_real_kubernetes_warning() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: node-debug}
spec:
  hostNetwork: true
  hostPID: true
  volumes:
  - name: host
    hostPath: {path: /}
  containers:
  - name: container-00
    image: registry.example.com/tools:1
    securityContext:
      privileged: true
      runAsUser: 0
";
    let joined: Vec<String> = violations("restricted", "latest", text).into_iter().map(|v| v.message).collect();
    assert_eq!(
        format!("would violate PodSecurity \"restricted:latest\": {}", joined.join(", ")),
        "would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true, hostPID=true), \
         privileged (container \"container-00\" must not set securityContext.privileged=true), \
         allowPrivilegeEscalation != false (container \"container-00\" must set securityContext.allowPrivilegeEscalation=false), \
         unrestricted capabilities (container \"container-00\" must set securityContext.capabilities.drop=[\"ALL\"]), \
         restricted volume types (volume \"host\" uses restricted volume type \"hostPath\"), \
         runAsNonRoot != true (pod or container \"container-00\" must set securityContext.runAsNonRoot=true), \
         runAsUser=0 (container \"container-00\" must not set runAsUser=0), \
         seccompProfile (pod or container \"container-00\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
    );
}

#[test]
fn ephemeral_containers_and_user_namespace_run_as_non_root() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: app, image: nginx}
  ephemeralContainers:
  - name: debugger
    image: busybox
    securityContext: {privileged: true}
";
    let v = violations("baseline", "latest", text);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].message, r#"privileged (container "debugger" must not set securityContext.privileged=true)"#);
    assert_eq!(v[0].path, "spec.ephemeralContainers[0].securityContext.privileged");

    let userns = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: app
    image: nginx
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
";
    assert!(violations("restricted", "v1.35", userns).is_empty());
    let checks: Vec<String> = violations("restricted", "v1.34", userns).into_iter().map(|v| v.check).collect();
    assert_eq!(checks, ["runAsNonRoot"]);
    // runAsUser=0 too is allowed in a user namespace from 1.35 (root inside maps to an unprivileged
    // user outside).
    let root = userns
        .replace("seccompProfile: {type: RuntimeDefault}", "seccompProfile: {type: RuntimeDefault}, runAsUser: 0");
    assert!(violations("restricted", "v1.35", &root).is_empty());
    let checks: Vec<String> = violations("restricted", "v1.34", &root).into_iter().map(|v| v.check).collect();
    assert_eq!(checks, ["runAsNonRoot", "runAsUser"]);

    // Image volumes pass restricted at every version.
    let image = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  volumes:
  - {name: models, image: {reference: registry.example.com/models:1, pullPolicy: IfNotPresent}}
  containers:
  - {name: app, image: nginx}
";
    assert!(violations("restricted", "v1.0", image).is_empty());
}

/// Another error the API server returned (`restricted:v1.32`), word for word.
#[test]
fn reproduces_a_real_kubernetes_rejection_with_selinux_and_sysctls() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: sysctlpod}
spec:
  securityContext:
    seLinuxOptions: {user: system_u, role: object_r, level: 's0:c123,c456'}
    sysctls:
    - {name: net.core.somaxconn, value: '1024'}
    - {name: kernel.msgmax, value: '65536'}
  containers:
  - {name: my-pod, image: busybox}
";
    let joined: Vec<String> = violations("restricted", "v1.32", text).into_iter().map(|v| v.message).collect();
    assert_eq!(
        joined.join(", "),
        "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set), \
         forbidden sysctls (net.core.somaxconn, kernel.msgmax), \
         allowPrivilegeEscalation != false (container \"my-pod\" must set securityContext.allowPrivilegeEscalation=false), \
         unrestricted capabilities (container \"my-pod\" must set securityContext.capabilities.drop=[\"ALL\"]), \
         runAsNonRoot != true (pod or container \"my-pod\" must set securityContext.runAsNonRoot=true), \
         seccompProfile (pod or container \"my-pod\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
    );
}
