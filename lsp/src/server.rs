//! The protocol's state machine: documents, the workspace index, the configuration, and what
//! each message gives back.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeharden::{
    Checker, Config, Finding, InputError, Inventory, ParseOptions, Severity, Source, SourceFile, SourceKind,
};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, Diagnostic, DiagnosticSeverity, DidChangeConfigurationParams,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, FileChangeType, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, MarkupContent, MarkupKind, NumberOrString, PublishDiagnosticsParams, Range,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
};

use crate::actions::{self, Edit, FixProvider};
use crate::related::{OpenText, Related};
use crate::text::{apply_change, Lines};
use crate::Host;

/// The name of the configuration file in a workspace folder.
const CONFIG_FILE: &str = ".kubeharden.yaml";

/// The code action kind of "fix all safe".
const FIX_ALL: &str = "source.fixAll.kubeharden";

/// An open document.
struct Open {
    name: String,
    text: String,
    version: i32,
    kind: Option<SourceKind>,
}

/// The LSP settings (`initializationOptions`, `workspace/didChangeConfiguration`), under a
/// `kubeharden` key or at the top.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Settings {
    /// Run only these rules (as `--select`).
    #[serde(default)]
    select: Vec<String>,
    /// Do not run these rules (as `--ignore`).
    #[serde(default)]
    ignore: Vec<String>,
    /// Whether `kubeharden.io/ignore.*` annotations suppress (default: the configuration's).
    #[serde(default)]
    annotation_suppressions: Option<bool>,
}

/// The workspace folders to index, handed to a thread by [`crate::run`].
pub struct IndexJob {
    host: Arc<dyn Host>,
    roots: Vec<PathBuf>,
    options: ParseOptions,
}

/// What an index job found: the parsed files and the walker's problems.
pub struct Indexed {
    sources: Vec<Source>,
    problems: Vec<(String, String)>,
}

impl IndexJob {
    /// Lists and parses the workspace's files (the walker's rules), through the front door.
    #[must_use]
    pub fn run(self) -> Indexed {
        let (paths, mut problems) = self.host.list(&self.roots);
        let mut sources = Vec::with_capacity(paths.len());
        for p in paths {
            match self.host.read(&p) {
                Ok(file) => sources.push(kubeharden::source::parse(&file, &self.options)),
                Err(message) => problems.push((p.display().to_string(), message)),
            }
        }
        Indexed { sources, problems }
    }
}

/// The server's state: open documents, the workspace's parsed files, the configuration.
pub struct Server {
    host: Arc<dyn Host>,
    fixes: Option<Arc<dyn FixProvider>>,
    roots: Vec<PathBuf>,
    /// Every parsed file: the workspace index and the open documents (which replace their file).
    sources: Vec<Source>,
    /// Source name → its index in `sources`.
    slots: HashMap<String, usize>,
    open: BTreeMap<Url, Open>,
    /// The findings last published per open document (for code actions and hover).
    findings: HashMap<Url, Vec<Finding>>,
    file_config: Result<Config, String>,
    settings: Settings,
    checker: Result<Checker, String>,
    index_job: Option<IndexJob>,
    /// Initialization options that could not be read, said after `initialized`.
    settings_error: Option<String>,
    shutdown: bool,
    next_request: i32,
    watch_files: bool,
}

fn name_of(uri: &Url) -> String {
    match uri.to_file_path() {
        Ok(p) if uri.scheme() == "file" => p.display().to_string(),
        _ => uri.as_str().to_owned(),
    }
}

fn is_config(name: &str) -> bool {
    Path::new(name).file_name().is_some_and(|n| n == CONFIG_FILE)
}

fn kind_of_language(language: &str) -> Option<SourceKind> {
    match language {
        "dockerfile" | "containerfile" => Some(SourceKind::Dockerfile),
        "yaml" | "json" | "jsonc" | "helm" => Some(SourceKind::Documents),
        _ => None,
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low => DiagnosticSeverity::INFORMATION,
        Severity::Info => DiagnosticSeverity::HINT,
    }
}

fn notification<N: lsp_types::notification::Notification>(params: N::Params) -> Message {
    Message::Notification(Notification::new(N::METHOD.to_owned(), params))
}

fn log(kind: lsp_types::MessageType, message: String) -> Message {
    notification::<notification::LogMessage>(lsp_types::LogMessageParams { typ: kind, message })
}

fn show(kind: lsp_types::MessageType, message: String) -> Message {
    notification::<notification::ShowMessage>(lsp_types::ShowMessageParams { typ: kind, message })
}

fn ranges_meet(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

impl Server {
    /// A server for a client's `initialize` parameters: its workspace folders (or root), its
    /// settings (`initializationOptions`) and the configuration of the first folder.
    #[must_use]
    pub fn new(host: Arc<dyn Host>, fixes: Option<Arc<dyn FixProvider>>, params: &InitializeParams) -> Self {
        let mut roots: Vec<PathBuf> =
            params.workspace_folders.iter().flatten().filter_map(|f| f.uri.to_file_path().ok()).collect();
        #[allow(deprecated)] // `rootUri`: clients without workspace folders still send it.
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
        }
        let watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let mut server = Server {
            file_config: Ok(Config::default()),
            checker: Err(String::new()),
            host,
            fixes,
            roots,
            sources: Vec::new(),
            slots: HashMap::new(),
            open: BTreeMap::new(),
            findings: HashMap::new(),
            settings: Settings::default(),
            index_job: None,
            settings_error: None,
            shutdown: false,
            next_request: 0,
            watch_files,
        };
        if let Some(options) = &params.initialization_options {
            // A bad setting is said once the client listens (after `initialized`); until it is
            // corrected, the other settings stand.
            match Self::read_settings(options) {
                Ok(s) => server.settings = s.unwrap_or_default(),
                Err(e) => server.settings_error = Some(e),
            }
        }
        server.reload_config();
        server
    }

    /// The capabilities: incremental sync, hover, code actions (quick fixes, fix all).
    #[must_use]
    pub fn initialize_result(&self) -> InitializeResult {
        let mut kinds = vec![CodeActionKind::QUICKFIX];
        if self.fixes.is_some() {
            kinds.push(CodeActionKind::from(FIX_ALL));
        }
        InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(kinds),
                    ..CodeActionOptions::default()
                })),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "kubeharden".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        }
    }

    /// The index job to run on another thread, once, after `initialized`.
    pub fn take_index_job(&mut self) -> Option<IndexJob> {
        self.index_job.take()
    }

    /// Merges the workspace index (files already open keep their editor text) and republishes.
    pub fn index_loaded(&mut self, indexed: Indexed) -> Vec<Message> {
        let mut out = Vec::new();
        let files = indexed.sources.len();
        for source in indexed.sources {
            if !self.slots.contains_key(&source.name) && !is_config(&source.name) {
                self.put(source);
            }
        }
        for (name, message) in indexed.problems {
            out.push(log(lsp_types::MessageType::WARNING, format!("kubeharden: `{name}`: {message}")));
        }
        out.push(log(lsp_types::MessageType::INFO, format!("kubeharden: indexed {files} files of the workspace")));
        out.extend(self.publish());
        out
    }

    fn put(&mut self, source: Source) {
        match self.slots.get(&source.name) {
            Some(&i) => {
                if let Some(slot) = self.sources.get_mut(i) {
                    *slot = source;
                }
            }
            None => {
                self.slots.insert(source.name.clone(), self.sources.len());
                self.sources.push(source);
            }
        }
    }

    fn remove(&mut self, name: &str) {
        let Some(i) = self.slots.remove(name) else { return };
        if i >= self.sources.len() {
            return;
        }
        self.sources.swap_remove(i);
        if let Some(moved) = self.sources.get(i) {
            self.slots.insert(moved.name.clone(), i);
        }
    }

    /// The settings in `value` (under `kubeharden`, or at the top); `None` when it holds none
    /// (`null`, `{}`: clients send that without being configured), which leaves them as they are.
    fn read_settings(value: &serde_json::Value) -> Result<Option<Settings>, String> {
        let v = value.get("kubeharden").unwrap_or(value);
        if v.is_null() || v.as_object().is_some_and(serde_json::Map::is_empty) {
            return Ok(None);
        }
        serde_json::from_value(v.clone()).map(Some).map_err(|e| format!("kubeharden: settings not applied: {e}"))
    }

    /// Reads the first workspace folder's `.kubeharden.yaml` (or the open one's text) and builds
    /// the checker with the settings.
    fn reload_config(&mut self) {
        let open_config = self.open.values().find(|o| is_config(&o.name) && self.in_first_root(&o.name));
        self.file_config = match open_config {
            Some(o) => Config::from_yaml(&o.text, Some(&o.name)).map_err(|e| e.to_string()),
            None => match self.roots.first() {
                Some(root) => self.host.config(root),
                None => Ok(Config::default()),
            },
        };
        self.rebuild_checker();
    }

    fn in_first_root(&self, name: &str) -> bool {
        self.roots.first().is_some_and(|r| Path::new(name).parent() == Some(r.as_path()))
    }

    fn rebuild_checker(&mut self) {
        self.checker = match &self.file_config {
            Err(e) => Err(format!("the configuration cannot be read, so nothing was checked: {e}")),
            Ok(config) => {
                let mut config = config.clone();
                if !self.settings.select.is_empty() {
                    config.select = Some(self.settings.select.clone());
                }
                config.ignore.extend(self.settings.ignore.iter().cloned());
                if let Some(a) = self.settings.annotation_suppressions {
                    config.annotation_suppressions = a;
                }
                Checker::new(&config, self.host.now().as_deref())
                    .map_err(|e| format!("the configuration is not valid, so nothing was checked: {e}"))
            }
        };
    }

    fn options(&self) -> ParseOptions {
        self.checker.as_ref().map(|c| c.parse_options().clone()).unwrap_or_default()
    }

    /// One message from the client; the messages to send back.
    pub fn handle(&mut self, msg: Message) -> Vec<Message> {
        match msg {
            Message::Request(req) => self.request(req),
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => Vec::new(),
        }
    }

    fn request(&mut self, req: Request) -> Vec<Message> {
        let id = req.id.clone();
        if self.shutdown {
            return vec![error(id, ErrorCode::InvalidRequest, "the server is shutting down".to_owned())];
        }
        let result = match req.method.as_str() {
            request::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(serde_json::Value::Null)
            }
            request::HoverRequest::METHOD => params(req).map(|p| json(self.hover(&p))),
            request::CodeActionRequest::METHOD => params(req).map(|p| json(self.code_actions(&p))),
            request::Initialize::METHOD => {
                Err((ErrorCode::InvalidRequest, "the server is already initialized".to_owned()))
            }
            m => Err((ErrorCode::MethodNotFound, format!("unknown method `{m}`"))),
        };
        match result {
            Ok(v) => vec![Message::Response(Response::new_ok(id, v))],
            Err((code, message)) => vec![error(id, code, message)],
        }
    }

    fn notification(&mut self, n: Notification) -> Vec<Message> {
        let method = n.method.clone();
        let bad =
            |e: (ErrorCode, String)| vec![log(lsp_types::MessageType::ERROR, format!("kubeharden: {method}: {}", e.1))];
        match n.method.as_str() {
            notification::Initialized::METHOD => self.initialized(),
            notification::DidOpenTextDocument::METHOD => match params::<DidOpenTextDocumentParams>(n) {
                Ok(p) => {
                    let d = p.text_document;
                    let open = Open {
                        name: name_of(&d.uri),
                        text: d.text,
                        version: d.version,
                        kind: kind_of_language(&d.language_id),
                    };
                    self.open.insert(d.uri.clone(), open);
                    self.changed(&d.uri)
                }
                Err(e) => bad(e),
            },
            notification::DidChangeTextDocument::METHOD => match params::<DidChangeTextDocumentParams>(n) {
                Ok(p) => {
                    let uri = p.text_document.uri;
                    let Some(doc) = self.open.get_mut(&uri) else {
                        return bad((ErrorCode::InvalidParams, format!("`{uri}` is not open")));
                    };
                    for c in p.content_changes {
                        apply_change(&mut doc.text, c);
                    }
                    doc.version = p.text_document.version;
                    self.changed(&uri)
                }
                Err(e) => bad(e),
            },
            notification::DidSaveTextDocument::METHOD => match params::<DidSaveTextDocumentParams>(n) {
                Ok(p) => match p.text {
                    Some(text) => {
                        if let Some(doc) = self.open.get_mut(&p.text_document.uri) {
                            doc.text = text;
                        }
                        self.changed(&p.text_document.uri)
                    }
                    None => Vec::new(),
                },
                Err(e) => bad(e),
            },
            notification::DidCloseTextDocument::METHOD => match params::<DidCloseTextDocumentParams>(n) {
                Ok(p) => self.closed(&p.text_document.uri),
                Err(e) => bad(e),
            },
            notification::DidChangeConfiguration::METHOD => match params::<DidChangeConfigurationParams>(n) {
                Ok(p) => match Self::read_settings(&p.settings) {
                    Ok(None) => Vec::new(),
                    Ok(Some(s)) => {
                        self.settings = s;
                        self.rebuild_checker();
                        self.publish()
                    }
                    Err(e) => vec![show(lsp_types::MessageType::ERROR, e)],
                },
                Err(e) => bad(e),
            },
            notification::DidChangeWatchedFiles::METHOD => match params::<DidChangeWatchedFilesParams>(n) {
                Ok(p) => self.files_changed(&p),
                Err(e) => bad(e),
            },
            _ => Vec::new(),
        }
    }

    fn initialized(&mut self) -> Vec<Message> {
        let mut out = Vec::new();
        if self.watch_files {
            let glob = |g: &str| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String(g.to_owned()),
                kind: None,
            };
            let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![
                    glob("**/*.{yaml,yml,json}"),
                    glob("**/{Dockerfile,Containerfile}*"),
                    glob("**/*.{Dockerfile,dockerfile}"),
                ],
            };
            let registration = lsp_types::Registration {
                id: "kubeharden-watch".to_owned(),
                method: notification::DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: serde_json::to_value(options).ok(),
            };
            self.next_request += 1;
            out.push(Message::Request(Request::new(
                RequestId::from(format!("kubeharden-{}", self.next_request)),
                request::RegisterCapability::METHOD.to_owned(),
                lsp_types::RegistrationParams { registrations: vec![registration] },
            )));
        }
        if !self.roots.is_empty() {
            self.index_job =
                Some(IndexJob { host: self.host.clone(), roots: self.roots.clone(), options: self.options() });
        }
        if let Some(e) = self.settings_error.take() {
            out.push(show(lsp_types::MessageType::ERROR, e));
        }
        if let Err(e) = &self.checker {
            out.push(show(lsp_types::MessageType::ERROR, format!("kubeharden: {e}")));
        }
        out
    }

    fn changed(&mut self, uri: &Url) -> Vec<Message> {
        let Some(doc) = self.open.get(uri) else { return Vec::new() };
        if is_config(&doc.name) {
            if self.in_first_root(&doc.name) || self.roots.is_empty() {
                let text = doc.text.clone();
                let name = doc.name.clone();
                self.file_config = Config::from_yaml(&text, Some(&name)).map_err(|e| e.to_string());
                self.rebuild_checker();
            }
            return self.publish();
        }
        let file = SourceFile::new(doc.name.clone(), doc.text.clone()).with_kind(doc.kind);
        let source = kubeharden::source::parse(&file, &self.options());
        self.put(source);
        self.publish()
    }

    fn closed(&mut self, uri: &Url) -> Vec<Message> {
        let Some(doc) = self.open.remove(uri) else { return Vec::new() };
        self.findings.remove(uri);
        let mut out = vec![notification::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: Vec::new(),
            version: None,
        })];
        if is_config(&doc.name) {
            self.reload_config();
        } else {
            // Back to the file on disk, when the walker reads it.
            self.remove(&doc.name);
            self.reindex_file(Path::new(&doc.name));
        }
        out.extend(self.publish());
        out
    }

    fn reindex_file(&mut self, path: &Path) {
        let under_root = self.roots.iter().any(|r| path.starts_with(r));
        if under_root && self.host.wants(path) {
            if let Ok(file) = self.host.read(path) {
                let source = kubeharden::source::parse(&file, &self.options());
                self.put(source);
            }
        }
    }

    fn files_changed(&mut self, p: &DidChangeWatchedFilesParams) -> Vec<Message> {
        let mut config = false;
        for change in &p.changes {
            let Ok(path) = change.uri.to_file_path() else { continue };
            let name = path.display().to_string();
            if is_config(&name) {
                config = true;
                continue;
            }
            if self.open.values().any(|o| o.name == name) {
                continue;
            }
            self.remove(&name);
            if change.typ != FileChangeType::DELETED {
                self.reindex_file(&path);
            }
        }
        if config {
            self.reload_config();
        }
        self.publish()
    }

    /// Checks the workspace and publishes the diagnostics of every open document.
    fn publish(&mut self) -> Vec<Message> {
        let checker = match &self.checker {
            Ok(c) => c,
            Err(e) => {
                let message = e.clone();
                return self.publish_everywhere(&message);
            }
        };
        let inventory = Inventory::new(&self.sources);
        let checked: Vec<usize> = self.open.values().filter_map(|o| self.slots.get(&o.name).copied()).collect();
        let per_file = checked.iter().map(|&i| checker.check_file(&inventory, i)).collect();
        let report = checker.report(&inventory, per_file);
        let mut findings: HashMap<&str, Vec<Finding>> = HashMap::new();
        for f in report.findings {
            if let Some(name) = f.file.as_deref().and_then(|n| self.open.values().find(|o| o.name == n)) {
                findings.entry(name.name.as_str()).or_default().push(f);
            }
        }
        let mut errors: HashMap<&str, Vec<&InputError>> = HashMap::new();
        for e in &report.errors {
            errors.entry(e.file.as_str()).or_default().push(e);
        }
        let texts: HashMap<&str, OpenText<'_>> = self
            .open
            .iter()
            .map(|(uri, doc)| (doc.name.as_str(), OpenText { uri, text: &doc.text, lines: Lines::new(&doc.text) }))
            .collect();
        let related = Related::new(&inventory, &self.slots, &texts);
        let mut out = Vec::new();
        let mut stored = HashMap::new();
        for (uri, doc) in &self.open {
            let Some(OpenText { lines, .. }) = texts.get(doc.name.as_str()) else { continue };
            let mut diagnostics = Vec::new();
            if is_config(&doc.name) {
                if let Err(e) = &self.file_config {
                    diagnostics.push(plain(Range::default(), DiagnosticSeverity::ERROR, e.clone()));
                }
            }
            for e in errors.get(doc.name.as_str()).into_iter().flatten() {
                let range = lines.field_range(&doc.text, e.line, e.column);
                diagnostics.push(plain(range, DiagnosticSeverity::ERROR, e.message.clone()));
            }
            let mine = findings.remove(doc.name.as_str()).unwrap_or_default();
            for f in &mine {
                let mut d = diagnostic(lines, &doc.text, f);
                d.related_information = related.of(f);
                diagnostics.push(d);
            }
            stored.insert(uri.clone(), mine);
            out.push(notification::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version: Some(doc.version),
            }));
        }
        self.findings = stored;
        out
    }

    fn publish_everywhere(&mut self, message: &str) -> Vec<Message> {
        self.findings.clear();
        self.open
            .iter()
            .map(|(uri, doc)| {
                notification::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics: vec![plain(
                        Range::default(),
                        DiagnosticSeverity::ERROR,
                        format!("kubeharden: {message}"),
                    )],
                    version: Some(doc.version),
                })
            })
            .collect()
    }

    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let uri = &p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let doc = self.open.get(uri)?;
        let lines = Lines::new(&doc.text);
        let line = lines.line(&doc.text, pos.line);
        let at = lines.offset(&doc.text, pos).saturating_sub(lines.start(pos.line).unwrap_or(0));
        let word_char = |c: char| c.is_ascii_alphanumeric() || c == '-';
        let start = line.get(..at).map_or(at, |s| s.trim_end_matches(word_char).len());
        let end = line.get(at..).map_or(at, |s| at + s.len() - s.trim_start_matches(word_char).len());
        let word = line.get(start..end).unwrap_or("");
        let markdown = actions::rule_hover(word).or_else(|| {
            let found = self.findings.get(uri)?;
            let f = found.iter().find(|f| {
                let r = lines.field_range(&doc.text, f.line, f.column);
                r.start <= pos && pos <= r.end
            })?;
            actions::rule_hover(&f.rule)
        })?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
            range: None,
        })
    }

    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let (Some(doc), Some(found), Some(&slot)) =
            (self.open.get(uri), self.findings.get(uri), self.open.get(uri).and_then(|d| self.slots.get(&d.name)))
        else {
            return Vec::new();
        };
        let Some(source) = self.sources.get(slot) else { return Vec::new() };
        let lines = Lines::new(&doc.text);
        let wanted = |kind: &CodeActionKind| {
            p.context.only.as_ref().is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
        };
        let edit = |edits: Vec<Edit>| {
            let edits = edits
                .into_iter()
                .map(|e| TextEdit {
                    range: Range {
                        start: lines.position_of(&doc.text, e.start),
                        end: lines.position_of(&doc.text, e.end),
                    },
                    new_text: e.text,
                })
                .collect();
            WorkspaceEdit {
                changes: Some(std::collections::HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }
        };
        let mut out = Vec::new();
        let mut all_safe: Vec<Edit> = Vec::new();
        for f in found {
            let d = diagnostic(&lines, &doc.text, f);
            let fixes = self.fixes.as_ref().map(|x| x.fixes(&doc.text, source, f)).unwrap_or_default();
            for fix in &fixes {
                if fix.safe {
                    // Edits that overlap an edit already taken wait for the next run.
                    if fix.edits.iter().all(|e| all_safe.iter().all(|a| !actions::conflict(a, e))) {
                        all_safe.extend(fix.edits.iter().cloned());
                    }
                }
            }
            if !ranges_meet(&d.range, &p.range) || !wanted(&CodeActionKind::QUICKFIX) {
                continue;
            }
            for (i, fix) in fixes.into_iter().enumerate() {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(edit(fix.edits)),
                    is_preferred: Some(i == 0 && fix.safe),
                    ..CodeAction::default()
                }));
            }
            if let Some(e) = actions::suppression_edit(&doc.text, source, f) {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress {} ({}) with a reason: `{}`", f.rule, f.name, actions::suppression_key(f)),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d]),
                    edit: Some(edit(vec![e])),
                    ..CodeAction::default()
                }));
            }
        }
        let fix_all = CodeActionKind::from(FIX_ALL);
        if !all_safe.is_empty() && wanted(&fix_all) {
            all_safe.sort_by_key(|e| e.start);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safe kubeharden findings".to_owned(),
                kind: Some(fix_all),
                edit: Some(edit(all_safe)),
                ..CodeAction::default()
            }));
        }
        out
    }
}

fn plain(range: Range, severity: DiagnosticSeverity, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        source: Some("kubeharden".to_owned()),
        message,
        ..Diagnostic::default()
    }
}

/// A finding as a diagnostic: the rule id as `code`, its docs as `codeDescription`, the field's
/// range, the severity mapped.
fn diagnostic(lines: &Lines, text: &str, f: &Finding) -> Diagnostic {
    Diagnostic {
        range: lines.field_range(text, f.line, f.column),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.clone())),
        code_description: Url::parse(&actions::docs_url(&f.rule)).ok().map(|href| CodeDescription { href }),
        source: Some("kubeharden".to_owned()),
        message: format!("{} ({})", f.message, f.name),
        ..Diagnostic::default()
    }
}

fn error(id: RequestId, code: ErrorCode, message: String) -> Message {
    Message::Response(Response::new_err(id, code as i32, message))
}

fn params<P: serde::de::DeserializeOwned>(msg: impl Into<ParamsOf>) -> Result<P, (ErrorCode, String)> {
    let v = msg.into().0;
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

/// The parameters of a request or a notification.
struct ParamsOf(serde_json::Value);

impl From<Request> for ParamsOf {
    fn from(r: Request) -> Self {
        ParamsOf(r.params)
    }
}

impl From<Notification> for ParamsOf {
    fn from(n: Notification) -> Self {
        ParamsOf(n.params)
    }
}

fn json<T: serde::Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
