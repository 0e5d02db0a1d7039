use super::*;
use crate::syntax::{parse_json, Limits};

fn read(text: &str) -> (Vec<ImageMeta>, Option<TrivyReport>) {
    recognise("f.json", &parse_json(text, &Limits::default()).unwrap())
}

#[test]
fn skopeo_inspect() {
    let (m, t) = read(
        r#"{
  "Name": "docker.io/library/nginx",
  "Digest": "sha256:aaa",
  "RepoTags": ["1.25", "latest"],
  "Created": "2024-01-01T00:00:00Z",
  "Layers": ["sha256:l1"]
}"#,
    );
    assert!(t.is_none());
    let m = &m[0];
    assert_eq!(m.source, MetadataSource::SkopeoInspect);
    assert_eq!(m.created.as_ref().unwrap().pos.line, 5);
    assert!(m.user.is_none(), "skopeo inspect carries no user");
    assert!(m.matches(&ImageRef::parse("nginx@sha256:aaa").unwrap()));
    assert!(
        !m.matches(&ImageRef::parse("nginx:1.25").unwrap()),
        "RepoTags lists the repository's tags, not this image's"
    );
}

#[test]
fn oci_config() {
    let (m, _) = read(
        r#"{"architecture": "amd64", "os": "linux", "created": "2024-05-01T10:00:00Z",
 "config": {"User": "app", "Env": ["PATH=/bin"]}, "rootfs": {"type": "layers", "diff_ids": []}}"#,
    );
    let m = &m[0];
    assert_eq!(m.source, MetadataSource::OciConfig);
    let u = m.user.as_ref().unwrap();
    assert_eq!((u.value.as_str(), u.path.as_str(), u.pos.line), ("app", "config.User", 2));
    assert!(m.refs.is_empty());
    let (m, _) = read(r#"{"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}"#);
    assert_eq!(m[0].user.as_ref().unwrap().value, "");
}

#[test]
fn docker_inspect() {
    let (m, _) = read(
        r#"[
  {
    "Id": "sha256:cfg",
    "RepoTags": ["registry.example.com/app:1.0"],
    "RepoDigests": ["registry.example.com/app@sha256:bbb"],
    "Created": "2025-01-01T00:00:00.123456789Z",
    "Config": {"User": "1000:1000"},
    "RootFS": {"Type": "layers"}
  }
]"#,
    );
    let m = &m[0];
    assert_eq!(m.source, MetadataSource::DockerInspect);
    assert_eq!(m.user.as_ref().unwrap().path, "[0].Config.User");
    assert!(m.matches(&ImageRef::parse("registry.example.com/app:1.0").unwrap()));
    assert!(m.matches(&ImageRef::parse("registry.example.com/app@sha256:bbb").unwrap()));
    assert!(!m.matches(&ImageRef::parse("registry.example.com/app@sha256:ccc").unwrap()));
    assert!(!m.matches(&ImageRef::parse("registry.example.com/app:2.0").unwrap()));
}

#[test]
fn trivy_report() {
    let (m, t) = read(
        r#"{
  "SchemaVersion": 2,
  "ArtifactName": "nginx:1.25",
  "ArtifactType": "container_image",
  "Metadata": {"RepoTags": ["nginx:1.25"], "ImageConfig": {"created": "2024-01-01T00:00:00Z", "config": {}}},
  "Results": [{"Target": "nginx:1.25 (debian 12.4)", "Vulnerabilities": [
    {"VulnerabilityID": "CVE-1", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Status": "fixed", "Severity": "HIGH"},
    {"VulnerabilityID": "CVE-2", "PkgName": "zlib", "InstalledVersion": "1", "Severity": "CRITICAL", "Status": "affected"}
  ]}]
}"#,
    );
    let t = t.unwrap();
    assert_eq!(t.artifact, "nginx:1.25");
    assert_eq!(t.vulnerabilities.len(), 2);
    assert_eq!(t.vulnerabilities[0].fixed.as_deref(), Some("3.0.2"));
    assert_eq!(t.vulnerabilities[0].pos.line, 7);
    assert_eq!(t.vulnerabilities[1].severity, Severity::Critical);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].user.as_ref().unwrap().value, "");
    assert!(m[0].matches(&ImageRef::parse("docker.io/library/nginx:1.25").unwrap()));
}

#[test]
fn manifests_and_other_json_are_not_metadata() {
    let (m, t) = read(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}"#);
    assert!(m.is_empty() && t.is_none());
    let (m, t) = read(r#"[1, 2]"#);
    assert!(m.is_empty() && t.is_none());
    let (m, t) = read(r#"{"name": "package", "version": "1"}"#);
    assert!(m.is_empty() && t.is_none());
}
