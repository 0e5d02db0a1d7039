//! Check a manifest with the library API and print what a CI gate would act on.
//!
//! ```sh
//! cargo run -p kubeharden-examples --example check_manifest -- examples/manifests/postgres.yaml
//! ```
//! Without an argument it checks a built-in pod.

use std::process::ExitCode;

use kubeharden::{check, CheckRequest, Config, Severity, SourceFile};

const POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:latest
      securityContext:
        privileged: true
"#;

fn main() -> ExitCode {
    let file = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => SourceFile::new(path, text),
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => SourceFile::new("web-pod.yaml", POD),
    };
    // Only what matters for this gate: medium and above, with the CPU limit rule silenced.
    let config = Config { disable: vec!["cpu-limit-missing".to_owned()], ..Config::default() };
    let request = CheckRequest { files: vec![file], config, ..CheckRequest::default() };
    let report = match check(&request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for e in &report.errors {
        eprintln!("input error: {e}");
    }
    for f in report.findings.iter().filter(|f| f.severity >= Severity::Medium) {
        println!(
            "{:>8}  {}:{}  {:<32} {}",
            f.severity.as_str(),
            f.file.as_deref().unwrap_or("-"),
            f.line.unwrap_or(0),
            f.name,
            f.message
        );
    }
    println!("{}", kubeharden::report::text::summary_line(&report));
    if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if report.fails(Severity::High) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
