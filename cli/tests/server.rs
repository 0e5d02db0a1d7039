//! `kubeharden server`'s host: the server indexes a workspace with the CLI's walker (its skips),
//! reads the workspace's `.kubeharden.yaml` as `scan` does, and ignores changed files the walker
//! would not read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeharden_cli::server_cmd::CliHost;
use kubeharden_lsp::{Host, Server};
use lsp_server::{Message, Notification};

fn scratch(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("kubeharden-server-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx:1.25\n      securityContext:\n        privileged: true\n";
const POLICY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: all\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";

fn codes(out: &[Message]) -> Vec<String> {
    let Some(Message::Notification(n)) =
        out.iter().rfind(|m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"))
    else {
        panic!("no diagnostics in {out:?}")
    };
    n.params["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap_or("-").to_owned()).collect()
}

fn server(root: &Path) -> Server {
    let params = serde_json::from_value(serde_json::json!({
        "capabilities": {},
        "workspaceFolders": [{"uri": url(root), "name": "w"}],
    }))
    .unwrap();
    let mut s = Server::new(Arc::new(CliHost { follow_symlinks: false }), None, &params);
    s.handle(Message::Notification(Notification::new("initialized".to_owned(), serde_json::json!({}))));
    s
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn the_index_uses_the_walker_and_the_configuration_of_scan() {
    let root = scratch("index");
    std::fs::write(root.join("pod.yaml"), POD).unwrap();
    // The walker skips node_modules: this policy does not count.
    std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
    std::fs::write(root.join("node_modules/x/all.yaml"), POLICY).unwrap();
    std::fs::write(root.join(".kubeharden.yaml"), "disable: [POD020]\n").unwrap();
    let host = CliHost { follow_symlinks: false };
    assert!(host.wants(&root.join("deploy/policy.yaml")));
    assert!(!host.wants(&root.join("node_modules/x/all.yaml")));
    assert!(!host.wants(&root.join("notes.txt")));

    let mut s = server(&root);
    let open = serde_json::json!({"textDocument": {"uri": url(&root.join("pod.yaml")), "languageId": "yaml", "version": 1, "text": POD}});
    s.handle(Message::Notification(Notification::new("textDocument/didOpen".to_owned(), open)));
    let job = s.take_index_job().expect("an index job");
    let out = s.index_loaded(job.run());
    let found = codes(&out);
    assert!(found.contains(&"NET001".to_owned()) && found.contains(&"POD001".to_owned()), "{found:?}");
    assert!(!found.contains(&"POD020".to_owned()), "the configuration disables POD020: {found:?}");

    // A policy written beside it: the watched-file change brings it in.
    std::fs::write(root.join("policy.yaml"), POLICY).unwrap();
    let change = serde_json::json!({"changes": [{"uri": url(&root.join("policy.yaml")), "type": 1}]});
    let out = s.handle(Message::Notification(Notification::new("workspace/didChangeWatchedFiles".to_owned(), change)));
    assert!(!codes(&out).contains(&"NET001".to_owned()), "{:?}", codes(&out));

    // An unreadable configuration: said on every document, nothing checked in silence.
    std::fs::write(root.join(".kubeharden.yaml"), [0xff, 0xfe, 0x00]).unwrap();
    let change = serde_json::json!({"changes": [{"uri": url(&root.join(".kubeharden.yaml")), "type": 2}]});
    let out = s.handle(Message::Notification(Notification::new("workspace/didChangeWatchedFiles".to_owned(), change)));
    let Some(Message::Notification(n)) = out.last() else { panic!("{out:?}") };
    assert!(n.params["diagnostics"][0]["message"].as_str().unwrap().contains("UTF-16"), "{n:?}");
    let _ = std::fs::remove_dir_all(&root);
}
