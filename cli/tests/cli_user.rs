//! What a user meets on the command line (issue 21), as insta snapshots of the built binary's
//! output: the `= help:` line under each finding and the `help`, `url`, `end_line` and
//! `end_column` of each JSON finding; wrong inputs (an unrendered Helm template, a Helm values
//! file, a kustomization, a JSON Patch) failing with what to run instead; kubeharden's own reports
//! left out of `scan .` by content; and Dockerfile-only runs counting Dockerfiles and stages and
//! saying each location once.

// Test helpers may panic: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n";

const DOCKERFILE: &str =
    "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n";

/// A fresh, empty directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("kubeharden-user-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn file(&self, rel: &str, content: &str) {
        let p = self.0.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn kubeharden(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Exit code, standard output and standard error, as one text to snapshot.
fn shown(o: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn text_findings_end_with_a_help_line() {
    let d = TempDir::new("help");
    d.file("pod.yaml", POD);
    let o = kubeharden(&d.0, &["scan", "pod.yaml", "--select", "POD001,POD003,POD020"], None);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let findings = out.lines().filter(|l| l.starts_with("pod.yaml:")).count();
    let helps = out.lines().filter(|l| l.starts_with("  = help: ") && l.contains("— kubeharden explain ")).count();
    assert!(findings > 0);
    assert_eq!(findings, helps, "one help line per finding:\n{out}");
    insta::assert_snapshot!(shown(&o));
}

#[test]
fn json_findings_carry_help_url_and_end() {
    let d = TempDir::new("json");
    d.file("pod.yaml", POD);
    let o = kubeharden(&d.0, &["scan", "pod.yaml", "--format", "json"], None);
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let rule = f["rule"].as_str().unwrap();
        assert!(!f["help"].as_str().unwrap().is_empty(), "{f}");
        assert!(f["url"].as_str().unwrap().ends_with(&format!("docs/rules.md#{}", rule.to_ascii_lowercase())), "{f}");
        if f["path"].is_null() {
            continue; // no field to underline (a namespace without a NetworkPolicy)
        }
        let (line, column) = (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap());
        let end_line = f["end_line"].as_u64().unwrap_or_else(|| panic!("a field finding has an end: {f}"));
        let end_column = f["end_column"].as_u64().unwrap();
        assert!((end_line, end_column) > (line, column), "the span ends after it starts: {f}");
    }
    // the privileged field is underlined whole: `privileged: true` on line 10, from column 7
    let pod001 = findings.iter().find(|f| f["rule"] == "POD001").unwrap();
    assert_eq!(
        (&pod001["line"], &pod001["column"], &pod001["end_line"], &pod001["end_column"]),
        (&10.into(), &7.into(), &10.into(), &23.into())
    );
    // SARIF gives the same link and region
    let s = json(&kubeharden(&d.0, &["scan", "pod.yaml", "--format", "sarif"], None));
    let run = &s["runs"][0];
    let rule = run["tool"]["driver"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "POD001").unwrap();
    assert_eq!(rule["helpUri"], pod001["url"]);
    let result = run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "POD001").unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!((&region["endLine"], &region["endColumn"]), (&10.into(), &23.into()));
}

#[test]
fn an_unrendered_helm_template_fails_saying_to_render_it() {
    let d = TempDir::new("helm");
    d.file(
        "chart/templates/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\nspec: {}\n",
    );
    let o = kubeharden(&d.0, &["scan", "chart"], None);
    assert_eq!(o.status.code(), Some(2), "a template fails the run, never passes it");
    insta::assert_snapshot!(shown(&o));
}

#[test]
fn values_kustomizations_and_json_patches_are_left_out_with_what_to_run_instead() {
    let d = TempDir::new("wrong");
    d.file("chart/values.yaml", "replicaCount: 1\nimage:\n  repository: nginx\n  tag: \"1.27\"\n");
    d.file("chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n";
    d.file("overlay/kustomization.yaml", kustomization);
    d.file("overlay/patch.json", "[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]\n");
    let o = kubeharden(&d.0, &["scan", "chart", "overlay"], None);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(shown(&o));
    d.file("pod.yaml", POD);
    let v = json(&kubeharden(&d.0, &["scan", ".", "--format", "json"], None));
    assert_eq!(v["skipped"].as_array().unwrap().len(), 4, "{v}");
    assert_eq!(v["summary"]["objects"], 1, "the manifest beside them is still checked");
    // piped in, it was meant to be checked: an input error with the same advice
    let o = kubeharden(&d.0, &["scan", "-"], Some(kustomization));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("`kustomize build DIR | kubeharden scan -`"));
}

#[test]
fn an_unrendered_template_on_standard_input_says_to_render_it() {
    let d = TempDir::new("stdin-helm");
    let o = kubeharden(
        &d.0,
        &["scan", "-"],
        Some("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers: []\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(shown(&o));
}

#[test]
fn scan_dot_skips_the_reports_it_wrote() {
    let d = TempDir::new("own");
    d.file("pod.yaml", POD);
    for (format, file) in [("json", "report.json"), ("sarif", "report.sarif.json")] {
        let o = kubeharden(&d.0, &["scan", ".", "--format", format], None);
        d.file(file, &String::from_utf8(o.stdout).unwrap());
    }
    let o = kubeharden(&d.0, &["scan", ".", "--write-baseline", "baseline.json"], None);
    assert_eq!(o.status.code(), Some(1));
    d.file(
        "pss.json",
        &String::from_utf8(kubeharden(&d.0, &["pss", "pod.yaml", "--format", "json"], None).stdout).unwrap(),
    );
    let o = kubeharden(&d.0, &["scan", "."], None);
    // the pod's findings and nothing else: no error about the reports, each named on stderr
    assert_eq!(o.status.code(), Some(1));
    let v = json(&kubeharden(&d.0, &["scan", ".", "--format", "json"], None));
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v}");
    let mut skipped: Vec<&str> = v["skipped"].as_array().unwrap().iter().map(|e| e["file"].as_str().unwrap()).collect();
    skipped.sort_unstable();
    assert_eq!(skipped, ["./baseline.json", "./pss.json", "./report.json", "./report.sarif.json"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let summary = stdout.lines().last().unwrap();
    insta::assert_snapshot!(format!("{}--- summary\n{summary}\n", String::from_utf8_lossy(&o.stderr)));
    // piped in, a report is an input error: it was meant to be checked
    let o = kubeharden(&d.0, &["scan", "-"], Some(&fs::read_to_string(d.0.join("report.json")).unwrap()));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_manifest_shaped_like_a_report_is_still_checked() {
    let d = TempDir::new("forged");
    d.file("pod.yaml", &format!("{POD}tool: {{name: kubeharden}}\nfindings: []\n"));
    let v = json(&kubeharden(&d.0, &["scan", ".", "--format", "json"], None));
    assert!(v.get("skipped").is_none(), "{v}");
    assert_eq!(v["summary"]["objects"], 1);
}

#[test]
fn a_dockerfile_run_counts_dockerfiles_and_stages_and_says_each_location_once() {
    let d = TempDir::new("docker");
    d.file("Dockerfile", DOCKERFILE);
    let o = kubeharden(&d.0, &["scan", "Dockerfile"], None);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("1 Dockerfile (2 stages) checked"), "{out}");
    assert!(!out.contains("0 objects"), "{out}");
    assert!(!out.contains("stage[0], stage[0]") && !out.contains("stage[1], stage[1]"), "{out}");
    insta::assert_snapshot!(shown(&o));
    let v = json(&kubeharden(&d.0, &["scan", "Dockerfile", "--format", "json"], None));
    assert_eq!((&v["summary"]["dockerfiles"], &v["summary"]["stages"]), (&1.into(), &2.into()));
}
