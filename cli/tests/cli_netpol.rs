//! `kubeharden netpol` end to end on the seed scenario (as intended).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::process::Command;

fn netpol(args: &[&str]) -> (i32, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/netpol");
    let out = Command::new(env!("CARGO_BIN_EXE_kubeharden"))
        .arg("netpol")
        .arg(format!("{dir}/workloads-prod.yaml"))
        .arg(format!("{dir}/policies-prod.yaml"))
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn pair_answers_and_exit_codes() {
    let (code, out) = netpol(&["--from", "nginx-ingress", "--to", "prod/api-service", "--port", "8080"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("allowed: `Deployment/prod/nginx-ingress` -> `Deployment/prod/api-service` on 8080/TCP"),
        "{out}"
    );
    assert!(out.contains("allowed by prod/api-service-policy (ingress[0], from[0]) on 8080/TCP"), "{out}");
    let (code, out) = netpol(&["--from", "Deployment/prod/api-service", "--to", "postgres", "--port", "5432/tcp"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = netpol(&["--from", "postgres", "--to", "api-service", "--port", "http"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("denied:"), "{out}");
    let (code, _) = netpol(&["--from", "api-service", "--to", "external"]);
    assert_eq!(code, 1);
    let (code, _) = netpol(&["--from", "nope"]);
    assert_eq!(code, 2);
}

#[test]
fn json_matrix() {
    let (code, out) = netpol(&["--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["workloads"].as_array().unwrap().len(), 4);
    let allowed: Vec<(String, String, String)> = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["allowed"] == true)
        .map(|p| {
            (p["from"].as_str().unwrap().into(), p["to"].as_str().unwrap().into(), p["ports"].as_str().unwrap().into())
        })
        .collect();
    assert_eq!(
        allowed,
        [
            ("Deployment/prod/nginx-ingress".into(), "Deployment/prod/api-service".into(), "8080/TCP".into()),
            ("Deployment/prod/api-service".into(), "StatefulSet/prod/postgres".into(), "5432/TCP".into()),
            ("external".into(), "Deployment/prod/nginx-ingress".into(), "80/TCP, 443/TCP".into()),
        ]
    );
}
