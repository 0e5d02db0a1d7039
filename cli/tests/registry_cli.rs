//! `kubeharden audit --registry` and `scan --registry` end to end against a real registry:
//! Debian's `docker-registry` on 127.0.0.1 (plain HTTP; HTTPS with htpasswd basic auth), images
//! built as OCI layouts and pushed with skopeo, a pod list that references them by tag, by digest
//! and by the digest the node pulled. Ignored by default (they need the tools of
//! scripts/install-toolchains.sh); `scripts/test 10-rust` runs them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use std::path::Path;
use std::process::Command;

use kubeharden_registry::testing::{ImageSpec, Layout, LocalRegistry, Written};
use serde_json::Value;

const OLD: &str = "2020-01-02T03:04:05Z";
const NEW: &str = "2026-11-20T10:00:00Z";
const NOW: &str = "2026-11-22T00:00:00Z";

struct Images {
    old: Written,
    new: Written,
    multi: Written,
}

fn push(reg: &LocalRegistry) -> Images {
    let mut l = Layout::new(&reg.scratch("layout")).unwrap();
    let old = l.add_image("old", &ImageSpec { created: Some(OLD), user: Some(""), platform: "linux/amd64" }).unwrap();
    let new =
        l.add_image("new", &ImageSpec { created: Some(NEW), user: Some("10001"), platform: "linux/amd64" }).unwrap();
    let multi = l
        .add_index(
            "multi",
            &[
                ImageSpec { created: Some(NEW), user: Some("10001"), platform: "linux/amd64" },
                ImageSpec { created: Some(OLD), user: Some("root"), platform: "linux/arm64/v8" },
            ],
        )
        .unwrap();
    for (name, dest) in [("old", "team/app:1.0"), ("new", "team/app:2.0"), ("multi", "multi:latest")] {
        reg.push(&l, name, dest).unwrap();
    }
    Images { old, new, multi }
}

fn pod(name: &str, image: &str, image_id: Option<&str>) -> String {
    let status = match image_id {
        Some(id) => format!(r#","status":{{"containerStatuses":[{{"name":"c","image":"{image}","imageID":"{id}"}}]}}"#),
        None => String::new(),
    };
    format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}","namespace":"prod"}},"spec":{{"containers":[{{"name":"c","image":"{image}","securityContext":{{"runAsNonRoot":true,"runAsUser":10001}},"resources":{{"limits":{{"cpu":"1","memory":"1Gi"}}}}}}]}}{status}}}"#
    )
}

fn pod_list(pods: &[String]) -> String {
    format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}],"metadata":{{"resourceVersion":""}}}}"#, pods.join(","))
}

/// Runs kubeharden with a cache and a Docker config of the test's own.
fn kubeharden(home: &Path, args: &[&str], path: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kubeharden"));
    c.args(args).env("XDG_CACHE_HOME", home.join("cache")).env("DOCKER_CONFIG", home.join("docker")).env("HOME", home);
    if let Some(p) = path {
        c.env("PATH", p);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn entry<'a>(report: &'a Value, image: &str) -> &'a Value {
    report["image_age"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["image"] == image)
        .unwrap_or_else(|| panic!("{image} not in {report:#}"))
}

#[test]
#[ignore = "real registry: needs docker-registry, skopeo, htpasswd, openssl (scripts/install-toolchains.sh)"]
fn audit_registry_running_digests_errors_and_cache() {
    let reg = LocalRegistry::start(false, None).unwrap();
    let img = push(&reg);
    let a = reg.addr.clone();
    // a port nothing listens on (bound, then released)
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("docker")).unwrap();
    let pods = pod_list(&[
        pod("by-tag", &format!("{a}/team/app:1.0"), None),
        // the spec says 2.0, the node pulled 1.0's digest: the audit sees 1.0's age
        pod("drift", &format!("{a}/team/app:2.0"), Some(&format!("{a}/team/app@{}", img.old.digest))),
        pod("pinned", &format!("{a}/team/app@{}", img.new.digest), None),
        pod("multi", &format!("{a}/multi"), None),
        // pods pinned to arm64 nodes: the index's arm64 manifest
        pod("arm", &format!("{a}/multi:latest"), None)
            .replace(r#""spec":{"#, r#""spec":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"#),
        pod("missing", &format!("{a}/team/app:9.9"), None),
        pod("gone", &format!("{dead}/x/y:1"), None),
    ]);
    let file = home.path().join("pods.json");
    std::fs::write(&file, pods).unwrap();
    let f = file.to_str().unwrap();
    let args = [
        "audit",
        f,
        "--registry",
        "--insecure-registry",
        &a,
        "--insecure-registry",
        &dead,
        "--now",
        NOW,
        "--format",
        "json",
    ];
    let (code, out, err) = kubeharden(home.path(), &args, None);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["images_unreachable"], 2, "{r:#}");

    let e = entry(&r, &format!("{a}/team/app:1.0"));
    assert_eq!((e["created"].as_str(), e["age_days"].as_i64()), (Some(OLD), Some(2515)));
    assert_eq!(
        (e["registry"]["used"].as_str(), e["registry"]["digest"].as_str()),
        (Some("tag"), Some(img.old.digest.as_str()))
    );
    let e = entry(&r, &format!("{a}/team/app:2.0"));
    assert_eq!((e["created"].as_str(), e["matched_by"].as_str()), (Some(OLD), Some("digest")));
    assert_eq!(e["registry"]["used"], "running digest");
    assert_eq!(e["digest"], img.old.digest.as_str());
    let e = entry(&r, &format!("{a}/team/app@{}", img.new.digest));
    assert_eq!((e["age_days"].as_i64(), e["registry"]["used"].as_str()), (Some(1), Some("reference digest")));
    let e = entry(&r, &format!("{a}/multi"));
    assert_eq!((e["created"].as_str(), e["registry"]["platform"].as_str()), (Some(NEW), Some("linux/amd64")), "{e:#}");
    assert_eq!(e["registry"]["digest"], img.multi.digest.as_str());
    let e = entry(&r, &format!("{a}/multi:latest"));
    assert_eq!((e["created"].as_str(), e["registry"]["platform"].as_str()), (Some(OLD), Some("linux/arm64/v8")));
    // unreachable: no age, the reason
    let e = entry(&r, &format!("{a}/team/app:9.9"));
    assert_eq!((e["age_days"].as_i64(), e["registry"]["error_kind"].as_str()), (None, Some("not-found")));
    let e = entry(&r, &format!("{dead}/x/y:1"));
    assert_eq!((e["created"].as_str(), e["registry"]["error_kind"].as_str()), (None, Some("unreachable")));
    assert!(err.contains("registry: 7 images"), "{err}");

    // the text report says which digest was used and why an image has no age
    let (_, text, _) =
        kubeharden(home.path(), &["audit", f, "--registry", "--insecure-registry", &a, "--now", NOW], None);
    assert!(text.contains(&format!("fetched by running digest {}", img.old.digest)), "{text}");
    assert!(text.contains(&format!("fetched by tag {} (linux/amd64)", img.multi.digest)), "{text}");
    assert!(text.contains("not fetched: not-found"), "{text}");

    // the weekly re-run: every manifest and config from the cache; tags cost one request each
    let (code, out, err) = kubeharden(home.path(), &args, None);
    assert_eq!(code, 0, "{err}");
    let again: Value = serde_json::from_str(&out).unwrap();
    for image in
        [format!("{a}/team/app:1.0"), format!("{a}/team/app:2.0"), format!("{a}/multi"), format!("{a}/multi:latest")]
    {
        assert_eq!(entry(&again, &image)["registry"]["cached"], true, "{image}");
    }
    assert!(err.contains("registry: 7 images, "), "{err}");
    assert!(err.contains(" 12 manifests and configs from the cache, 2 not fetched"), "{err}");

    // --no-cache: fetched again; --fail-on-unreachable: exit 2
    let mut strict = args.to_vec();
    strict.extend(["--no-cache", "--fail-on-unreachable"]);
    let (code, out, err) = kubeharden(home.path(), &strict, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2 images could not be fetched"), "{err}");
    let third: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(entry(&third, &format!("{a}/team/app:1.0"))["registry"]["cached"], false);
}

#[test]
#[ignore = "real registry: needs docker-registry, skopeo, htpasswd, openssl (scripts/install-toolchains.sh)"]
fn scan_registry_auth_helpers_and_root_users() {
    let reg = LocalRegistry::start(true, Some(("alice", "s3cret-pw"))).unwrap();
    let img = push(&reg);
    let a = reg.addr.clone();
    let ca = reg.ca.clone().unwrap();
    let home = tempfile::tempdir().unwrap();
    let docker = home.path().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let manifest = home.path().join("deploy.yaml");
    std::fs::write(
        &manifest,
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: prod}}\nspec:\n  template:\n    spec:\n      containers:\n      - {{name: old, image: \"{a}/team/app:1.0\"}}\n      - {{name: new, image: \"{a}/team/app@{}\"}}\n",
            img.new.digest
        ),
    )
    .unwrap();
    let m = manifest.to_str().unwrap();
    let ca = ca.to_str().unwrap();
    let scan =
        ["scan", m, "--registry", "--registry-ca", ca, "--now", NOW, "--format", "json", "--select", "IMG001,IMG002"];
    use base64::Engine as _;
    let auth = |pw: &str| {
        let b = base64::engine::general_purpose::STANDARD.encode(format!("alice:{pw}"));
        std::fs::write(docker.join("config.json"), format!(r#"{{"auths":{{"{a}":{{"auth":"{b}"}}}}}}"#)).unwrap();
    };

    auth("s3cret-pw");
    let (code, out, err) = kubeharden(home.path(), &scan, None);
    let r: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let hits: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or_default().to_owned(), f["file"].as_str().unwrap_or_default().to_owned()))
        .collect();
    // 1.0 runs as root (no User) and is old; the pinned 2.0 runs as 10001 and is two days old
    let old_file = format!("registry:{a}/team/app@{}.json", img.old.digest);
    assert!(hits.contains(&("IMG002".to_owned(), old_file.clone())), "{hits:?}\n{err}");
    assert!(hits.contains(&("IMG001".to_owned(), old_file.clone())), "{hits:?}");
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(code, 1, "{err}");

    // the wrong password: a warning per image, the image rules did not run; an input error with
    // --fail-on-unreachable; the password appears nowhere
    auth("wrong-pw");
    let (code, out, err) = kubeharden(home.path(), &scan, None);
    assert!(err.contains("not fetched (denied)"), "{err}");
    assert!(!format!("{out}{err}").contains("wrong-pw"));
    assert_eq!(code, 0, "{err}");
    let mut strict = scan.to_vec();
    strict.push("--fail-on-unreachable");
    let (code, out, _) = kubeharden(home.path(), &strict, None);
    assert_eq!(code, 2);
    let r: Value = serde_json::from_str(&out).unwrap();
    assert!(r["errors"].as_array().unwrap().iter().any(|e| e["message"].as_str().unwrap().contains("denied")), "{r:#}");

    // a credential helper (credsStore) gives the password
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-khtest");
    std::fs::write(&helper, "#!/bin/sh\nread server\necho \"{\\\"ServerURL\\\":\\\"$server\\\",\\\"Username\\\":\\\"alice\\\",\\\"Secret\\\":\\\"s3cret-pw\\\"}\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(docker.join("config.json"), r#"{"credsStore":"khtest"}"#).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut no_cache = scan.to_vec();
    no_cache.push("--no-cache");
    let (code, _, err) = kubeharden(home.path(), &no_cache, Some(&path));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("registry: 2 images") && !err.contains("not fetched"), "{err}");
}
