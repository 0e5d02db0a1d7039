use super::*;

use std::sync::Mutex;

use lsp_types::Position;

/// A workspace in memory.
#[derive(Default)]
struct Memory {
    files: Mutex<BTreeMap<PathBuf, String>>,
    config: Mutex<Option<String>>,
}

impl Host for Memory {
    fn list(&self, roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>) {
        let files =
            self.files.lock().map(|f| f.keys().filter(|p| roots.iter().any(|r| p.starts_with(r))).cloned().collect());
        (files.unwrap_or_default(), Vec::new())
    }
    fn wants(&self, _: &Path) -> bool {
        true
    }
    fn read(&self, path: &Path) -> Result<SourceFile, String> {
        let files = self.files.lock().map_err(|e| e.to_string())?;
        let text = files.get(path).ok_or("no such file")?;
        Ok(SourceFile::new(path.display().to_string(), text.clone()))
    }
    fn config(&self, _: &Path) -> Result<Config, String> {
        match self.config.lock().map_err(|e| e.to_string())?.as_deref() {
            Some(t) => Config::from_yaml(t, Some(CONFIG_FILE)).map_err(|e| e.to_string()),
            None => Ok(Config::default()),
        }
    }
    fn now(&self) -> Option<String> {
        None
    }
}

const ROOT: &str = "/workspace";

fn uri(name: &str) -> Url {
    Url::parse(&format!("file://{ROOT}/{name}")).unwrap()
}

fn server_with(host: Arc<Memory>, options: Option<serde_json::Value>) -> Server {
    let params = serde_json::json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {},
        "workspaceFolders": [{"uri": format!("file://{ROOT}"), "name": "w"}],
        "initializationOptions": options,
    });
    let params: InitializeParams = serde_json::from_value(params).unwrap();
    let mut s = Server::new(host, None, &params);
    s.handle(note("initialized", serde_json::json!({})));
    s
}

fn note(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_owned(), params))
}

fn open(s: &mut Server, name: &str, language: &str, text: &str) -> Vec<Message> {
    s.handle(note(
        "textDocument/didOpen",
        serde_json::json!({"textDocument": {"uri": uri(name), "languageId": language, "version": 1, "text": text}}),
    ))
}

/// The diagnostics published for `name` in `out`.
fn diagnostics(out: &[Message], name: &str) -> Vec<Diagnostic> {
    out.iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                serde_json::from_value::<PublishDiagnosticsParams>(n.params.clone()).ok()
            }
            _ => None,
        })
        .rfind(|p| p.uri == uri(name))
        .map(|p| p.diagnostics)
        .unwrap_or_default()
}

fn codes(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .map(|d| match &d.code {
            Some(NumberOrString::String(s)) => s.clone(),
            _ => "-".to_owned(),
        })
        .collect()
}

const PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
        privileged: true
";

#[test]
fn a_finding_is_a_diagnostic_with_code_docs_severity_and_the_field_range() {
    let mut s = server_with(Arc::new(Memory::default()), None);
    let out = open(&mut s, "pod.yaml", "yaml", PRIVILEGED);
    let d = diagnostics(&out, "pod.yaml");
    let privileged = d.iter().find(|d| d.message.contains("(privileged-container)")).unwrap();
    assert_eq!(privileged.code, Some(NumberOrString::String("POD001".to_owned())));
    assert_eq!(privileged.severity, Some(DiagnosticSeverity::ERROR));
    assert_eq!(privileged.range, Range { start: Position::new(10, 8), end: Position::new(10, 18) });
    let href = privileged.code_description.as_ref().unwrap().href.as_str();
    assert!(href.ends_with("/docs/rules.md#pod001"), "{href}");
    assert_eq!(privileged.source.as_deref(), Some("kubeharden"));
}

#[test]
fn a_syntax_error_mid_typing_is_a_diagnostic_and_the_other_documents_keep_their_findings() {
    let mut s = server_with(Arc::new(Memory::default()), None);
    let text = format!("{PRIVILEGED}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: [\n");
    let out = open(&mut s, "pod.yaml", "yaml", &text);
    let d = diagnostics(&out, "pod.yaml");
    assert!(codes(&d).contains(&"POD001".to_owned()), "{d:?}");
    let syntax = d.iter().find(|d| d.code.is_none()).unwrap();
    assert_eq!(syntax.severity, Some(DiagnosticSeverity::ERROR));
    assert!(syntax.range.start.line >= 14, "{syntax:?}");
}

#[test]
fn incremental_changes_update_the_diagnostics() {
    let mut s = server_with(Arc::new(Memory::default()), None);
    open(&mut s, "pod.yaml", "yaml", PRIVILEGED);
    let out = s.handle(note(
        "textDocument/didChange",
        serde_json::json!({
            "textDocument": {"uri": uri("pod.yaml"), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 10, "character": 20}, "end": {"line": 10, "character": 24}}, "text": "false"}],
        }),
    ));
    let d = diagnostics(&out, "pod.yaml");
    assert!(!d.is_empty());
    assert!(!codes(&d).contains(&"POD001".to_owned()), "{d:?}");
}

#[test]
fn the_workspace_index_lets_cross_file_rules_see_other_files() {
    let host = Arc::new(Memory::default());
    let policy = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";
    host.files.lock().unwrap().insert(PathBuf::from(format!("{ROOT}/policy.yaml")), policy.to_owned());
    let mut s = server_with(host, None);
    // Before the index: its namespace has no default-deny NetworkPolicy (one finding, NET001).
    let out = open(&mut s, "pod.yaml", "yaml", PRIVILEGED);
    assert!(codes(&diagnostics(&out, "pod.yaml")).contains(&"NET001".to_owned()));
    let job = s.take_index_job().unwrap();
    let out = s.index_loaded(job.run());
    let after = codes(&diagnostics(&out, "pod.yaml"));
    assert!(!after.contains(&"NET001".to_owned()), "{after:?}");
    assert!(after.contains(&"POD001".to_owned()));
    // Deleted on disk: the policy no longer counts.
    let out = s.handle(note(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({"changes": [{"uri": uri("policy.yaml"), "type": 3}]}),
    ));
    assert!(codes(&diagnostics(&out, "pod.yaml")).contains(&"NET001".to_owned()));
}

#[test]
fn findings_about_a_namespace_point_at_its_namespace_policies_and_service_account() {
    let host = Arc::new(Memory::default());
    let ns = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
";
    let policy = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  namespace: shop
  name: only-other
spec:
  podSelector: {matchLabels: {app: other}}
  policyTypes: [Ingress]
";
    let sa = "apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: shop
";
    for (name, text) in [("ns.yaml", ns), ("policy.yaml", policy), ("sa.yaml", sa)] {
        host.files.lock().unwrap().insert(PathBuf::from(format!("{ROOT}/{name}")), text.to_owned());
    }
    let mut s = server_with(host, None);
    let job = s.take_index_job().unwrap();
    s.index_loaded(job.run());
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  serviceAccountName: web
  containers:
    - name: app
      image: nginx:1.25
";
    let out = open(&mut s, "pod.yaml", "yaml", pod);
    let d = diagnostics(&out, "pod.yaml");
    let related = |code: &str| {
        let d = d.iter().find(|d| d.code == Some(NumberOrString::String(code.to_owned())));
        let d = d.unwrap_or_else(|| panic!("no {code}: {d:?}"));
        d.related_information.clone().unwrap_or_default()
    };
    let net002 = related("NET002");
    let place = |r: &lsp_types::DiagnosticRelatedInformation| (r.location.uri.clone(), r.location.range);
    let at = |line, from, to| Range { start: Position::new(line, from), end: Position::new(line, to) };
    assert_eq!(
        net002.iter().map(place).collect::<Vec<_>>(),
        [(uri("ns.yaml"), at(3, 8, 12)), (uri("policy.yaml"), at(4, 8, 18))]
    );
    assert_eq!(net002[0].message, "Namespace `shop` (its labels)");
    assert_eq!(net002[1].message, "NetworkPolicy `only-other` of namespace `shop`");
    let pod021 = related("POD021");
    assert_eq!(pod021.iter().map(place).collect::<Vec<_>>(), [(uri("sa.yaml"), at(3, 8, 11))]);
    assert_eq!(pod021[0].message, "ServiceAccount `web` of namespace `shop`");
    // The namespace's own finding (NET001, at the Namespace) points at the policy, not at itself;
    // an open document's positions come from its text.
    let out = open(&mut s, "ns.yaml", "yaml", ns);
    let d = diagnostics(&out, "ns.yaml");
    let net001 = d.iter().find(|d| d.code == Some(NumberOrString::String("NET001".to_owned()))).unwrap();
    let places = net001.related_information.iter().flatten().map(place).collect::<Vec<_>>();
    assert_eq!(places, [(uri("policy.yaml"), at(4, 8, 18))]);
    // Other findings have none.
    assert!(d
        .iter()
        .filter(|d| !d.code.as_ref().is_some_and(|c| *c == NumberOrString::String("NET001".to_owned())))
        .all(|d| d.related_information.is_none()));
}

#[test]
fn a_namespace_finding_at_a_workload_points_at_the_namespace_policies() {
    let host = Arc::new(Memory::default());
    let policy = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-other, namespace: shop}
spec:
  podSelector: {matchLabels: {app: other}}
  policyTypes: [Ingress]
";
    host.files.lock().unwrap().insert(PathBuf::from(format!("{ROOT}/policy.yaml")), policy.to_owned());
    let mut s = server_with(host, None);
    let job = s.take_index_job().unwrap();
    s.index_loaded(job.run());
    // No Namespace object: NET001 is reported at the pod, and the policy is related to it.
    let d = diagnostics(&open(&mut s, "pod.yaml", "yaml", PRIVILEGED), "pod.yaml");
    let net001 = d.iter().find(|d| d.code == Some(NumberOrString::String("NET001".to_owned()))).unwrap();
    let related = net001.related_information.as_deref().unwrap_or_default();
    assert_eq!(related.len(), 1, "{related:?}");
    assert_eq!(related[0].location.uri, uri("policy.yaml"));
    assert_eq!(related[0].location.range.start, Position::new(2, 17));
}

#[test]
fn settings_and_the_workspace_configuration_select_rules() {
    let host = Arc::new(Memory::default());
    *host.config.lock().unwrap() = Some("disable: [NET001]\n".to_owned());
    let mut s = server_with(host.clone(), Some(serde_json::json!({"kubeharden": {"ignore": ["POD001"]}})));
    let d = codes(&diagnostics(&open(&mut s, "pod.yaml", "yaml", PRIVILEGED), "pod.yaml"));
    assert!(!d.contains(&"POD001".to_owned()) && !d.contains(&"NET001".to_owned()), "{d:?}");
    assert!(!d.is_empty());
    // Clients send empty settings when they have none: nothing changes.
    assert!(s.handle(note("workspace/didChangeConfiguration", serde_json::json!({"settings": {}}))).is_empty());
    let out =
        s.handle(note("workspace/didChangeConfiguration", serde_json::json!({"settings": {"select": ["POD001"]}})));
    assert_eq!(codes(&diagnostics(&out, "pod.yaml")), ["POD001"]);
    // The configuration file changes on disk: reloaded.
    *host.config.lock().unwrap() = Some("enable: [nonsense-rule]\n".to_owned());
    let out = s.handle(note(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({"changes": [{"uri": uri(CONFIG_FILE), "type": 2}]}),
    ));
    let d = diagnostics(&out, "pod.yaml");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("nonsense-rule"), "{d:?}");
    // Edited in the editor: its text counts, and its error is shown on it.
    let out = open(&mut s, CONFIG_FILE, "yaml", "disable: [no-such-rule]\n");
    assert!(diagnostics(&out, CONFIG_FILE)[0].message.contains("no-such-rule"));
    assert!(diagnostics(&out, "pod.yaml")[0].message.contains("nothing was checked"));
}

fn request(s: &mut Server, method: &str, params: serde_json::Value) -> serde_json::Value {
    let out = s.handle(Message::Request(Request::new(RequestId::from(7), method.to_owned(), params)));
    match out.as_slice() {
        [Message::Response(r)] => r.result.clone().unwrap_or(serde_json::Value::Null),
        other => panic!("{other:?}"),
    }
}

#[test]
fn suppress_with_a_reason_inserts_the_annotation_that_silences_the_finding() {
    for (text, container_key) in [
        (PRIVILEGED.to_owned(), true),
        (PRIVILEGED.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n    team: web\n"), true),
    ] {
        let mut s = server_with(Arc::new(Memory::default()), None);
        open(&mut s, "pod.yaml", "yaml", &text);
        let line = text.lines().position(|l| l.contains("privileged: true")).unwrap();
        let actions = request(
            &mut s,
            "textDocument/codeAction",
            serde_json::json!({
                "textDocument": {"uri": uri("pod.yaml")},
                "range": {"start": {"line": line, "character": 10}, "end": {"line": line, "character": 10}},
                "context": {"diagnostics": []},
            }),
        );
        let actions: Vec<CodeAction> = serde_json::from_value(actions).unwrap();
        let suppress =
            actions.iter().find(|a| a.title.starts_with("Suppress POD001")).unwrap_or_else(|| panic!("{actions:?}"));
        assert_eq!(suppress.title.contains(".app`"), container_key);
        let edits = &suppress.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri("pod.yaml")];
        let mut fixed = text.clone();
        for e in edits {
            crate::text::apply_change(
                &mut fixed,
                lsp_types::TextDocumentContentChangeEvent {
                    range: Some(e.range),
                    range_length: None,
                    text: e.new_text.clone(),
                },
            );
        }
        assert!(fixed.contains("kubeharden.io/ignore.POD001.app: \"TODO"), "{fixed}");
        let out = open(&mut s, "pod.yaml", "yaml", &fixed);
        let d = codes(&diagnostics(&out, "pod.yaml"));
        assert!(!d.contains(&"POD001".to_owned()), "{fixed}\n{d:?}");
        assert!(!d.is_empty());
    }
}

#[test]
fn no_suppression_edit_for_json() {
    let mut s = server_with(Arc::new(Memory::default()), None);
    let json = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
 "spec": {"containers": [{"name": "app", "image": "nginx:1.25", "securityContext": {"privileged": true}}]}}"#;
    open(&mut s, "pod.json", "json", json);
    let actions = request(
        &mut s,
        "textDocument/codeAction",
        serde_json::json!({"textDocument": {"uri": uri("pod.json")}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, serde_json::json!([]));
}

#[test]
fn hover_on_a_rule_id_shows_its_docs() {
    let mut s = server_with(Arc::new(Memory::default()), None);
    let text = PRIVILEGED
        .replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n    kubeharden.io/ignore.POD002: \"x\"\n");
    open(&mut s, "pod.yaml", "yaml", &text);
    let hover = |s: &mut Server, line: u32, character: u32| {
        request(
            s,
            "textDocument/hover",
            serde_json::json!({"textDocument": {"uri": uri("pod.yaml")}, "position": {"line": line, "character": character}}),
        )
    };
    let h = hover(&mut s, 6, 30);
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("**POD002**"), "{value}");
    assert!(value.contains("## What it does"));
    // On a finding's field: the finding's rule.
    let value = hover(&mut s, 12, 10)["contents"]["value"].as_str().unwrap().to_owned();
    assert!(value.starts_with("**POD001**"), "{value}");
    assert_eq!(hover(&mut s, 0, 0), serde_json::Value::Null);
}

#[test]
fn a_fix_provider_plugs_in_as_quick_fixes_and_fix_all() {
    struct Flip;
    impl FixProvider for Flip {
        fn fixes(&self, text: &str, _: &Source, f: &Finding) -> Vec<crate::Fix> {
            if f.rule != "POD001" {
                return Vec::new();
            }
            let at = text.find("privileged: true").unwrap() + "privileged: ".len();
            vec![crate::Fix {
                title: "Set privileged: false".to_owned(),
                edits: vec![Edit { start: at, end: at + 4, text: "false".to_owned() }],
                safe: true,
            }]
        }
    }
    let params: InitializeParams = serde_json::from_value(serde_json::json!({"capabilities": {}})).unwrap();
    let mut s = Server::new(Arc::new(Memory::default()), Some(Arc::new(Flip)), &params);
    let kinds = serde_json::to_value(s.initialize_result()).unwrap();
    assert!(kinds.to_string().contains(FIX_ALL));
    open(&mut s, "pod.yaml", "yaml", PRIVILEGED);
    let actions: Vec<CodeAction> = serde_json::from_value(request(
        &mut s,
        "textDocument/codeAction",
        serde_json::json!({"textDocument": {"uri": uri("pod.yaml")}, "range": {"start": {"line": 10, "character": 9}, "end": {"line": 10, "character": 9}}, "context": {"diagnostics": []}}),
    ))
    .unwrap();
    let titles: Vec<_> = actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles.first(), Some(&"Set privileged: false"), "{titles:?}");
    assert!(titles.contains(&"Fix all safe kubeharden findings"));
    let only: Vec<CodeAction> = serde_json::from_value(request(
        &mut s,
        "textDocument/codeAction",
        serde_json::json!({"textDocument": {"uri": uri("pod.yaml")}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    ))
    .unwrap();
    assert_eq!(only.len(), 1);
    let edit = &only[0].edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri("pod.yaml")][0];
    assert_eq!((edit.range.start, edit.new_text.as_str()), (Position::new(10, 20), "false"));
}

/// The core's fixes as code actions: the finding's own fix (safe or marked unsafe) at its field,
/// and "fix all safe" applying only the safe ones, which leave the text valid and the safe
/// findings gone.
#[test]
fn the_core_fixes_are_quick_fixes_and_fix_all_safe() {
    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0.0\n      securityContext:\n        privileged: true\n        capabilities:\n          drop: [all]\n";
    let params: InitializeParams = serde_json::from_value(serde_json::json!({"capabilities": {}})).unwrap();
    let mut s = Server::new(Arc::new(Memory::default()), Some(Arc::new(crate::CoreFixes)), &params);
    open(&mut s, "pod.yaml", "yaml", POD);
    let at = |line: u32, character: u32| serde_json::json!({"textDocument": {"uri": uri("pod.yaml")}, "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "context": {"diagnostics": []}});
    let actions: Vec<CodeAction> =
        serde_json::from_value(request(&mut s, "textDocument/codeAction", at(10, 9))).unwrap();
    let titles: Vec<_> = actions.iter().map(|a| a.title.as_str()).collect();
    let privileged =
        actions.iter().find(|a| a.title.contains("privileged: false")).unwrap_or_else(|| panic!("{titles:?}"));
    assert!(privileged.title.ends_with("(unsafe fix: review it)"), "{titles:?}");
    assert_eq!(privileged.is_preferred, Some(false));
    let edit = &privileged.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri("pod.yaml")][0];
    assert_eq!((edit.range.start, edit.new_text.as_str()), (Position::new(10, 20), "false"));
    // On the lowercase `all`: its safe fix, preferred.
    let actions: Vec<CodeAction> =
        serde_json::from_value(request(&mut s, "textDocument/codeAction", at(12, 18))).unwrap();
    let drop = actions.iter().find(|a| a.title.contains("ALL")).unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(drop.is_preferred, Some(true));
    // Fix all safe: the safe edits only (`ALL`, and `seccompProfile: RuntimeDefault` where no
    // profile is set), not `privileged: false`.
    let mut all = at(0, 0);
    all["context"]["only"] = serde_json::json!(["source.fixAll"]);
    let only: Vec<CodeAction> = serde_json::from_value(request(&mut s, "textDocument/codeAction", all)).unwrap();
    assert_eq!(only.len(), 1, "{only:?}");
    let edits = &only[0].edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri("pod.yaml")];
    let shown: Vec<_> = edits.iter().map(|e| (e.range.start, e.new_text.as_str())).collect();
    assert_eq!(
        shown,
        [
            (Position::new(12, 17), "ALL"),
            (Position::new(13, 0), "        seccompProfile:\n          type: RuntimeDefault\n")
        ],
        "{edits:?}"
    );
}

#[test]
fn settings_that_cannot_be_read_are_said() {
    let host = Arc::new(Memory::default());
    let params: InitializeParams = serde_json::from_value(serde_json::json!({
        "capabilities": {}, "initializationOptions": {"kubeharden": {"selec": ["POD001"]}},
    }))
    .unwrap();
    let mut s = Server::new(host, None, &params);
    let out = s.handle(note("initialized", serde_json::json!({})));
    let shown = format!("{out:?}");
    assert!(shown.contains("window/showMessage") && shown.contains("selec"), "{shown}");
    let out = s.handle(note("workspace/didChangeConfiguration", serde_json::json!({"settings": {"ignore": "POD001"}})));
    assert!(format!("{out:?}").contains("settings not applied"), "{out:?}");
}

#[test]
fn bad_requests_get_errors_not_a_crash() {
    let mut s = server_with(Arc::new(Memory::default()), None);
    let out = s.handle(Message::Request(Request::new(
        RequestId::from(1),
        "textDocument/hover".to_owned(),
        serde_json::json!(3),
    )));
    assert!(matches!(out.as_slice(), [Message::Response(Response { error: Some(_), .. })]));
    let out = s.handle(Message::Request(Request::new(RequestId::from(2), "no/such".to_owned(), serde_json::json!({}))));
    assert!(
        matches!(out.as_slice(), [Message::Response(Response { error: Some(e), .. })] if e.code == ErrorCode::MethodNotFound as i32)
    );
    let out = s.handle(note(
        "textDocument/didChange",
        serde_json::json!({"textDocument": {"uri": uri("x.yaml"), "version": 1}, "contentChanges": []}),
    ));
    assert!(matches!(out.as_slice(), [Message::Notification(n)] if n.method == "window/logMessage"));
}

/// Nothing a client sends crashes the server: any sequence of messages, of known methods with
/// parameters of the right shape and of any shape, positions and ranges anywhere, texts of any
/// characters, gets an answer to each request and never a panic.
mod robustness {
    use super::*;
    use proptest::prelude::*;

    const METHODS: &[&str] = &[
        "textDocument/didOpen",
        "textDocument/didChange",
        "textDocument/didSave",
        "textDocument/didClose",
        "textDocument/hover",
        "textDocument/codeAction",
        "workspace/didChangeConfiguration",
        "workspace/didChangeWatchedFiles",
        "initialized",
        "initialize",
        "shutdown",
        "$/cancelRequest",
        "no/such",
    ];

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just(PRIVILEGED.to_owned()),
            Just("---\n".to_owned()),
            Just("metadata: {name: [\n".to_owned()),
            Just("FROM alpine\nUSER root\n".to_owned()),
            Just("  annotations:\n    kubeharden.io/ignore.POD001: \"\"\n".to_owned()),
            Just("{\"kind\": \"Pod\", \"spec\": [".to_owned()),
            Just("𝄞é\r\n\t".to_owned()),
            "\\PC{0,40}",
        ];
        prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
    }

    fn position() -> impl Strategy<Value = serde_json::Value> {
        (prop_oneof![0u32..20, Just(u32::MAX)], prop_oneof![0u32..30, Just(u32::MAX)])
            .prop_map(|(line, character)| serde_json::json!({"line": line, "character": character}))
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "\\PC{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn params() -> impl Strategy<Value = serde_json::Value> {
        let doc = prop_oneof![Just("pod.yaml"), Just("Dockerfile"), Just(CONFIG_FILE), Just("x.json")];
        let language = prop_oneof![Just("yaml"), Just("dockerfile"), Just("json"), Just("plaintext")];
        prop_oneof![
            (doc.clone(), language, text(), any::<i32>()).prop_map(|(d, l, t, v)| serde_json::json!({
                "textDocument": {"uri": uri(d), "languageId": l, "version": v, "text": t}
            })),
            (doc.clone(), position(), position(), text(), prop::bool::ANY).prop_map(|(d, a, b, t, full)| {
                let change = if full {
                    serde_json::json!({"text": t})
                } else {
                    serde_json::json!({"range": {"start": a, "end": b}, "text": t})
                };
                serde_json::json!({"textDocument": {"uri": uri(d), "version": 2}, "contentChanges": [change]})
            }),
            (doc.clone(), position(), position()).prop_map(|(d, a, b)| serde_json::json!({
                "textDocument": {"uri": uri(d)}, "position": a, "range": {"start": a, "end": b},
                "context": {"diagnostics": [], "only": ["quickfix", "source"]}
            })),
            (doc, 1i32..4).prop_map(|(d, t)| serde_json::json!({"changes": [{"uri": uri(d), "type": t}]})),
            any_json().prop_map(|s| serde_json::json!({"settings": s})),
            any_json(),
        ]
    }

    fn message() -> impl Strategy<Value = Message> {
        (prop::sample::select(METHODS), params(), any::<bool>(), any::<i32>()).prop_map(|(m, p, request, id)| {
            if request {
                Message::Request(Request::new(RequestId::from(id), m.to_owned(), p))
            } else {
                note(m, p)
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn any_message_sequence_is_answered_without_a_crash(messages in prop::collection::vec(message(), 1..12)) {
            let host = Arc::new(Memory::default());
            host.files.lock().unwrap().insert(PathBuf::from(format!("{ROOT}/pod.yaml")), PRIVILEGED.to_owned());
            let mut s = server_with(host, None);
            if let Some(job) = s.take_index_job() {
                s.index_loaded(job.run());
            }
            for m in messages {
                let request = match &m { Message::Request(r) => Some(r.id.clone()), _ => None };
                let out = s.handle(m);
                if let Some(id) = request {
                    let answers = out.iter().filter(|o| matches!(o, Message::Response(r) if r.id == id)).count();
                    prop_assert_eq!(answers, 1);
                }
            }
        }
    }
}
