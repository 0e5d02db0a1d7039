use super::*;
use crate::syntax::{parse_json, Limits};

fn read(text: &str) -> (Vec<ImageMeta>, Option<TrivyReport>) {
    let r = recognise("f.json", &parse_json(text, &Limits::default()).unwrap());
    assert_eq!(r.problems, [], "{text}");
    (r.images, r.trivy)
}

fn problems(text: &str) -> Vec<String> {
    recognise("f.json", &parse_json(text, &Limits::default()).unwrap())
        .problems
        .into_iter()
        .map(|p| p.message)
        .collect()
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
    let (m, _) = read(
        r#"{"architecture": "amd64", "os": "linux", "created": "2024-05-01T10:00:00Z", "rootfs": {"type": "layers"}}"#,
    );
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

const TRIVY_HEAD: &str = r#""SchemaVersion": 2, "ArtifactName": "nginx:1.25", "ArtifactType": "container_image""#;

fn trivy_with(results: &str) -> String {
    format!("{{{TRIVY_HEAD}, \"Results\": {results}}}")
}

#[test]
fn trivy_reports_kubeharden_cannot_read_whole_are_problems_naming_the_field() {
    let v = r#"{"VulnerabilityID": "CVE-1", "PkgName": "openssl", "InstalledVersion": "1", "Severity": "HIGH"}"#;
    let cases: &[(String, &str)] = &[
        (trivy_with(r#""none""#), "`Results` is a string, expected a list of results"),
        (trivy_with(r#"{"Target": "x"}"#), "`Results` is a mapping, expected a list of results"),
        (trivy_with("[3]"), "`Results[0]` is a number, expected a mapping"),
        (trivy_with(r#"[{"Target": "x", "Vulnerabilities": {"a": 1}}]"#), "`Results[0].Vulnerabilities` is a mapping, expected a list of vulnerabilities"),
        (trivy_with(r#"[{"Target": "x", "Vulnerabilities": "CVE-1"}]"#), "`Results[0].Vulnerabilities` is a string"),
        (trivy_with(r#"[{"Vulnerabilities": [{"PkgName": "x", "Severity": "HIGH"}]}]"#), "`Results[0].Vulnerabilities[0].VulnerabilityID` is missing or empty"),
        (trivy_with(r#"[{"Vulnerabilities": [{"VulnerabilityID": 12, "Severity": "HIGH"}]}]"#), "`Results[0].Vulnerabilities[0].VulnerabilityID` is a number, expected a string"),
        (trivy_with(r#"[{"Vulnerabilities": [{"VulnerabilityID": "", "Severity": "HIGH"}]}]"#), "VulnerabilityID` is missing or empty"),
        (trivy_with(r#"[{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": "SEVERE"}]}]"#), "`Results[0].Vulnerabilities[0].Severity` is `SEVERE`, not a severity Trivy writes"),
        (trivy_with(r#"[{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": 4}]}]"#), "`Results[0].Vulnerabilities[0].Severity` is a number, expected a string"),
        (trivy_with(r#"[{"Vulnerabilities": [{"VulnerabilityID": "CVE-1"}]}]"#), "`Results[0].Vulnerabilities[0].Severity` is missing"),
        (trivy_with(r#"[{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": "HIGH", "FixedVersion": 2}]}]"#), "`Results[0].Vulnerabilities[0].FixedVersion` is a number, expected a string"),
        (trivy_with(r#"[{"Vulnerabilities": [[1]]}]"#), "`Results[0].Vulnerabilities[0]` is a list, expected a mapping"),
        (format!(r#"{{"SchemaVersion": 3, "ArtifactName": "x", "Results": [{{"Vulnerabilities": [{v}]}}]}}"#), "`SchemaVersion` is 3: kubeharden reads reports of schema version 2"),
        (r#"{"SchemaVersion": 1, "ArtifactName": "x", "Results": []}"#.to_owned(), "`SchemaVersion` is 1"),
        (r#"{"SchemaVersion": "2", "ArtifactName": "x", "Results": []}"#.to_owned(), "`SchemaVersion` is a string (\"2\")"),
        (format!(r#"{{"ArtifactName": "x", "ArtifactType": "container_image", "Results": [{{"Vulnerabilities": [{v}]}}]}}"#), "`SchemaVersion` is missing"),
        (format!("[{}]", trivy_with(&format!(r#"[{{"Vulnerabilities": [{v}]}}]"#))), "a Trivy report inside a list (`[0]`)"),
        (r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {"tools": {"components": [{"name": "trivy", "version": "0.50.1"}]}}, "vulnerabilities": []}"#.to_owned(), "a CycloneDX document written by Trivy (`--format cyclonedx`) is not supported"),
        (r#"{"bomFormat": "CycloneDX", "metadata": {"tools": [{"vendor": "aquasecurity", "name": "trivy"}]}}"#.to_owned(), "CycloneDX document written by Trivy"),
        (r#"{"spdxVersion": "SPDX-2.3", "creationInfo": {"creators": ["Organization: aquasecurity", "Tool: trivy-0.50.1"]}}"#.to_owned(), "an SPDX document written by Trivy"),
        (r#"{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": [{"tool": {"driver": {"name": "Trivy"}}, "results": []}]}"#.to_owned(), "SARIF written by Trivy (`--format sarif`) is not supported"),
        (r#"{"ClusterName": "prod", "Resources": [{"Namespace": "x", "Results": []}]}"#.to_owned(), "a `trivy k8s` report is not supported"),
    ];
    for (text, expected) in cases {
        let r = recognise("f.json", &parse_json(text, &Limits::default()).unwrap());
        assert!(
            r.problems.iter().any(|p| p.message.contains(expected)),
            "{text}\nexpected a problem with {expected:?}, got {:?}",
            r.problems
        );
        assert!(r.problems.iter().all(|p| p.pos.line >= 1), "{:?}", r.problems);
    }
}

#[test]
fn a_trivy_report_keeps_the_vulnerabilities_it_can_read() {
    let text = trivy_with(
        r#"[{"Target": "t", "Vulnerabilities": [
        {"VulnerabilityID": "CVE-1", "Severity": "HIGH", "PkgName": "a"},
        {"VulnerabilityID": "CVE-2", "Severity": "bogus", "PkgName": "b"},
        {"VulnerabilityID": "CVE-3", "Severity": "unknown", "PkgName": "c"}]}]"#,
    );
    let r = recognise("f.json", &parse_json(&text, &Limits::default()).unwrap());
    let t = r.trivy.unwrap();
    let ids: Vec<(&str, Severity)> = t.vulnerabilities.iter().map(|v| (v.id.as_str(), v.severity)).collect();
    assert_eq!(ids, [("CVE-1", Severity::High), ("CVE-3", Severity::Info)]);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].pos.line, 3);
    // a report without results (Trivy omits empty ones) or with `null` ones reads as clean
    assert_eq!(read(&format!("{{{TRIVY_HEAD}}}")).1.unwrap().vulnerabilities, []);
    assert_eq!(read(&trivy_with("null")).1.unwrap().vulnerabilities, []);
    assert_eq!(read(&trivy_with(r#"[{"Target": "x", "Vulnerabilities": null}]"#)).1.unwrap().vulnerabilities, []);
}

#[test]
fn docker_inspect_as_an_object_is_read() {
    // `docker inspect --format '{{json .}}' IMAGE` writes the object without the array
    let (m, _) = read(
        r#"{"Id": "sha256:cfg", "RepoTags": ["app:1"], "Created": "2025-01-01T00:00:00Z", "Config": {"User": ""}, "RootFS": {"Type": "layers"}}"#,
    );
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].source, MetadataSource::DockerInspect);
    let u = m[0].user.as_ref().unwrap();
    assert_eq!((u.value.as_str(), u.path.as_str()), ("", "Config.User"));
}

#[test]
fn docker_inspect_with_an_odd_element_reads_the_images_and_reports_the_rest() {
    let text = r#"[
  {"Id": "sha256:a", "RepoTags": ["app:1"], "Created": "2025-01-01T00:00:00Z", "Config": {"User": "0"}, "RootFS": {}},
  {"Id": "sha256:b"},
  7
]"#;
    let r = recognise("f.json", &parse_json(text, &Limits::default()).unwrap());
    assert_eq!(r.images.len(), 1);
    assert_eq!(r.images[0].user.as_ref().unwrap().value, "0");
    let lines: Vec<u32> = r.problems.iter().map(|p| p.pos.line).collect();
    assert_eq!(lines, [3, 4], "{:?}", r.problems);
    assert!(r.problems[0].message.starts_with("`[1]` is not an image of `docker inspect`"), "{:?}", r.problems);
}

#[test]
fn creation_times_that_are_missing_or_no_time_are_problems() {
    let oci = |created: &str| {
        format!(
            r#"{{"architecture": "amd64", "os": "linux", {created} "config": {{}}, "rootfs": {{"type": "layers"}}}}"#
        )
    };
    for (text, expected) in [
        (oci(""), "`created` is missing: the image's creation time is needed to check its age"),
        (oci(r#""created": "yesterday","#), "`created` is `yesterday`, not an RFC 3339 time"),
        (oci(r#""created": "2024-02-30T00:00:00Z","#), "`created` is `2024-02-30T00:00:00Z`, not an RFC 3339 time"),
        (oci(r#""created": "2024-13-01T00:00:00Z","#), "`created` is `2024-13-01T00:00:00Z`, not an RFC 3339 time"),
        (oci(r#""created": 1700000000,"#), "`created` is a number, expected an RFC 3339 time"),
        (
            r#"{"Name": "x", "Digest": "sha256:a", "Layers": [], "Created": "0000-00-00"}"#.to_owned(),
            "`Created` is `0000-00-00`, not an RFC 3339 time",
        ),
        (r#"[{"Id": "a", "RepoTags": [], "Config": {}, "RootFS": {}}]"#.to_owned(), "`[0].Created` is missing"),
        (
            trivy_with(r#"[]"#).replace(r#""Results""#, r#""Metadata": {"ImageConfig": {"config": {}}}, "Results""#),
            "`Metadata.ImageConfig.created` is missing",
        ),
    ] {
        let found = problems(&text);
        assert!(found.len() == 1 && found[0].starts_with(expected), "{text}: {found:?}");
    }
}

#[test]
fn users_and_configs_of_the_wrong_type_are_problems() {
    let oci = |config: &str| {
        format!(
            r#"{{"architecture": "amd64", "os": "linux", "created": "2025-01-01T00:00:00Z", "config": {config}, "rootfs": {{}}}}"#
        )
    };
    assert_eq!(problems(&oci(r#"{"User": 1000}"#)), ["`config.User` is a number, expected a string"]);
    assert_eq!(problems(&oci(r#""app""#)), ["`config` is a string, expected a mapping"]);
    assert_eq!(problems(&oci("null")), Vec::<String>::new());
    assert_eq!(problems(&oci(r#"{"User": null}"#)), Vec::<String>::new());
}
