//! Image metadata and Trivy reports kubeharden recognises but cannot read whole are input errors
//! naming the file and the field, never "0 vulnerabilities" or a skipped check (issue 16, silent
//! passes 1 and 2).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::{check, CheckRequest, Report, SourceFile};

fn scan(name: &str, text: &str) -> Report {
    check(&CheckRequest {
        files: vec![SourceFile::new(name, text)],
        now: Some("2026-11-22T00:00:00Z".to_owned()),
        ..Default::default()
    })
    .unwrap()
}

const VULN: &str = r#"{"VulnerabilityID": "CVE-2024-1", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Severity": "CRITICAL"}"#;

fn report(schema: &str, results: &str) -> String {
    format!("{{\n{schema}\"ArtifactName\": \"app:1\",\n\"ArtifactType\": \"container_image\",\n\"Results\": {results}\n}}\n")
}

#[test]
fn a_readable_report_fails_the_gate() {
    let r = scan(
        "trivy.json",
        &report("\"SchemaVersion\": 2,\n", &format!("[{{\"Target\": \"app\", \"Vulnerabilities\": [{VULN}]}}]")),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.findings.len(), 1);
}

#[test]
fn trivy_reports_that_cannot_be_read_whole_are_input_errors_with_file_and_field() {
    let vulns = format!("[{{\"Target\": \"app\", \"Vulnerabilities\": [{VULN}]}}]");
    let cases: Vec<(String, &str, u32)> = vec![
        (report("\"SchemaVersion\": 3,\n", &vulns), "`SchemaVersion` is 3", 2),
        (report("\"SchemaVersion\": 1,\n", &vulns), "`SchemaVersion` is 1", 2),
        (report("\"SchemaVersion\": \"2\",\n", &vulns), "`SchemaVersion` is a string", 2),
        (report("", &vulns), "`SchemaVersion` is missing", 1),
        (report("\"SchemaVersion\": 2,\n", "{\"Target\": \"app\"}"), "`Results` is a mapping", 5),
        (report("\"SchemaVersion\": 2,\n", "[{\"Target\": \"app\", \"Vulnerabilities\": \"CVE-2024-1\"}]"), "`Results[0].Vulnerabilities` is a string", 5),
        (
            report("\"SchemaVersion\": 2,\n", "[{\"Target\": \"app\", \"Vulnerabilities\": [{\"VulnerabilityID\": 1, \"Severity\": \"CRITICAL\"}]}]"),
            "`Results[0].Vulnerabilities[0].VulnerabilityID` is a number",
            5,
        ),
        (
            report("\"SchemaVersion\": 2,\n", "[{\"Target\": \"app\", \"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-1\", \"Severity\": \"DISASTER\"}]}]"),
            "`Results[0].Vulnerabilities[0].Severity` is `DISASTER`",
            5,
        ),
        (
            report("\"SchemaVersion\": 2,\n", "[{\"Target\": \"app\", \"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-1\", \"Severity\": 5}]}]"),
            "`Results[0].Vulnerabilities[0].Severity` is a number",
            5,
        ),
        (format!("[{}]", report("\"SchemaVersion\": 2,\n", &vulns)), "a Trivy report inside a list", 1),
    ];
    for (text, says, line) in cases {
        let r = scan("trivy.json", &text);
        assert!(r.findings.is_empty() || r.errors.len() == 1, "{text}");
        assert_eq!(r.errors.len(), 1, "{text}\n{:?}", r.errors);
        let e = &r.errors[0];
        assert_eq!(e.file, "trivy.json");
        assert!(e.message.contains(says), "{text}\n{}", e.message);
        assert_eq!(e.line, Some(line), "{text}\n{e}");
        // strict callers (the bindings) get it raised
        let strict = check(&CheckRequest {
            files: vec![SourceFile::new("trivy.json", &text)],
            inputs: kubeharden::InputPolicy { strict: true, require_content: true },
            ..Default::default()
        });
        assert!(matches!(strict, Err(kubeharden::Error::Input(_))), "{text}");
    }
}

#[test]
fn other_trivy_outputs_are_said_to_be_unsupported() {
    for (text, says) in [
        (
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {"tools": {"components": [{"type": "application", "group": "aquasecurity", "name": "trivy", "version": "0.57.0"}]}}, "components": [], "vulnerabilities": [{"id": "CVE-2024-1"}]}"#,
            "a CycloneDX document written by Trivy (`--format cyclonedx`) is not supported",
        ),
        (
            r#"{"version": "2.1.0", "$schema": "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json", "runs": [{"tool": {"driver": {"fullName": "Trivy Vulnerability Scanner", "name": "Trivy"}}, "results": [{"ruleId": "CVE-2024-1"}]}]}"#,
            "SARIF written by Trivy (`--format sarif`) is not supported",
        ),
    ] {
        let r = scan("trivy.json", text);
        assert_eq!(r.errors.len(), 1, "{text}");
        assert!(r.errors[0].message.contains(says), "{}", r.errors[0].message);
    }
}

const POD_USING_APP: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: app\n    image: registry.example.com/app:1.0\n";

#[test]
fn docker_inspect_as_an_object_shows_a_root_image() {
    // `docker inspect --format '{{json .}}' IMAGE`: one object, no array
    let meta = r#"{"Id": "sha256:1", "RepoTags": ["registry.example.com/app:1.0"], "Created": "2026-11-01T00:00:00Z", "Config": {"User": ""}, "RootFS": {"Type": "layers"}}"#;
    let r = scan("image.json", meta);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(r.findings.iter().any(|f| f.name == "image-runs-as-root"), "{:?}", r.findings);
    let r = check(&CheckRequest {
        files: vec![SourceFile::new("pod.yaml", POD_USING_APP), SourceFile::new("image.json", meta)],
        now: Some("2026-11-22T00:00:00Z".to_owned()),
        ..Default::default()
    })
    .unwrap();
    assert!(r.findings.iter().any(|f| f.name == "run-as-non-root-unverifiable"), "{:?}", r.findings);
}

#[test]
fn an_odd_element_of_docker_inspect_neither_hides_the_root_image_nor_passes() {
    let meta = r#"[
  {"Id": "sha256:1", "RepoTags": ["registry.example.com/app:1.0"], "Created": "2026-11-01T00:00:00Z", "Config": {"User": ""}, "RootFS": {"Type": "layers"}},
  {"Id": "sha256:2", "RepoTags": ["registry.example.com/other:1.0"]}
]"#;
    let r = scan("image.json", meta);
    assert!(r.findings.iter().any(|f| f.name == "image-runs-as-root"), "{:?}", r.findings);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!((r.errors[0].line, r.errors[0].file.as_str()), (Some(3), "image.json"));
    assert!(r.errors[0].message.starts_with("`[1]` is not an image of `docker inspect`"), "{}", r.errors[0]);
}

#[test]
fn creation_times_are_read_or_reported() {
    let oci = |created: &str| {
        format!("{{\"architecture\": \"amd64\", \"os\": \"linux\",\n{created}\"config\": {{\"User\": \"10001\"}}, \"rootfs\": {{\"type\": \"layers\"}}}}")
    };
    for (field, says) in [
        ("", "`created` is missing"),
        ("\"created\": \"last tuesday\",\n", "`created` is `last tuesday`, not an RFC 3339 time"),
        ("\"created\": \"2024-02-31T00:00:00Z\",\n", "not an RFC 3339 time"),
        ("\"created\": 1700000000,\n", "`created` is a number"),
    ] {
        let r = scan("config.json", &oci(field));
        assert_eq!(r.errors.len(), 1, "{field}: {:?}", r.errors);
        assert!(r.errors[0].message.contains(says), "{field}: {}", r.errors[0]);
    }
    // in the future: the age is unknown, a finding says so
    let r = scan("config.json", &oci("\"created\": \"9999-12-31T00:00:00Z\",\n"));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let old: Vec<_> = r.findings.iter().filter(|f| f.name == "image-too-old").collect();
    assert_eq!(old.len(), 1, "{:?}", r.findings);
    assert!(old[0].message.contains("its age cannot be checked"), "{}", old[0].message);
}

#[test]
fn an_oci_user_of_plus_zero_is_root() {
    let r = scan(
        "config.json",
        r#"{"architecture": "amd64", "os": "linux", "created": "2026-11-01T00:00:00Z", "config": {"User": "+0"}, "rootfs": {"type": "layers"}}"#,
    );
    assert!(r.findings.iter().any(|f| f.name == "image-runs-as-root"), "{:?}", r.findings);
}
