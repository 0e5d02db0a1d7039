#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test code")]

//! `kubeharden_lsp::run` over an in-memory connection: the handshake, diagnostics on open, the
//! shutdown and exit sequence, as a client drives them.

use std::sync::Arc;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};

fn recv(client: &Connection) -> Message {
    client.receiver.recv_timeout(Duration::from_secs(10)).expect("a message from the server")
}

#[test]
fn handshake_diagnostics_shutdown_exit() {
    let (server, client) = Connection::memory();
    let thread =
        std::thread::spawn(move || kubeharden_lsp::run(&server, Arc::new(kubeharden_lsp::Detached), None).is_ok());
    let send = |m: Message| client.sender.send(m).expect("send");
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        serde_json::json!({"capabilities": {}, "processId": null, "rootUri": null}),
    )));
    let Message::Response(init) = recv(&client) else { panic!("no initialize response") };
    let caps = init.result.expect("capabilities");
    assert_eq!(caps["capabilities"]["textDocumentSync"]["change"], 2, "{caps}");
    assert_eq!(caps["serverInfo"]["name"], "kubeharden");
    send(Message::Notification(Notification::new("initialized".to_owned(), serde_json::json!({}))));
    let text = "FROM alpine:3.20\nUSER root\n";
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".to_owned(),
        serde_json::json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "dockerfile", "version": 1, "text": text}}),
    )));
    let Message::Notification(n) = recv(&client) else { panic!("no diagnostics") };
    assert_eq!(n.method, "textDocument/publishDiagnostics");
    let diagnostics = n.params["diagnostics"].as_array().expect("diagnostics").clone();
    let root = diagnostics.iter().find(|d| d["range"]["start"]["line"] == 1).expect("a finding on USER root");
    assert!(root["code"].as_str().is_some_and(|c| c.starts_with("DKR")), "{root}");
    send(Message::Request(Request::new(RequestId::from(2), "shutdown".to_owned(), serde_json::Value::Null)));
    let Message::Response(r) = recv(&client) else { panic!("no shutdown response") };
    assert_eq!(r.id, RequestId::from(2));
    assert!(r.error.is_none());
    send(Message::Notification(Notification::new("exit".to_owned(), serde_json::Value::Null)));
    assert!(thread.join().expect("the server thread"));
}
