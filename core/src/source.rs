//! The front door: one input file in, classified and parsed, out. Every entry point — `scan`,
//! `pss`, `netpol`, `audit`, both bindings — reads its files through [`parse`], so a Dockerfile
//! reaches the Dockerfile parser and a Trivy report the report reader whichever command is run,
//! with the same limits and the same input errors.
//!
//! What a file holds ([`classify`]):
//! - a **Dockerfile** (the caller says so with [`SourceFile::kind`]; else by name:
//!   [`crate::dockerfile::is_dockerfile_name`]; else, for a name that says nothing such as
//!   `<stdin>` or a pasted text, by content: [`looks_like_dockerfile`]) → [`Source::dockerfile`];
//! - otherwise **YAML or JSON documents** → [`Source::documents`] (Kubernetes manifests, `kind:
//!   List` included), and each document is also offered to [`crate::image::recognise`], which
//!   knows image metadata (`skopeo inspect`, OCI configs, `docker inspect`) and Trivy reports by
//!   content → [`Source::images`], [`Source::trivy`].
//!
//! - a file often given as an input that is none ([`crate::wrong_input`]): an unrendered Helm
//!   template → one input error saying to render it; a kustomization, a JSON Patch, a Helm values
//!   file or a report kubeharden wrote → [`Source::not_input`], not checked.
//!
//! Kubernetes objects are not extracted here: that is the inventory's job
//! ([`crate::model::Inventory`]), done once for every file.
//!
//! A large `kind: List` (`kubectl get pods -A -o json` of a whole cluster) can also be read item
//! by item ([`read_list_items`]): each item becomes a [`Document`] of its own as soon as it is
//! read, so the tree of the whole list is never built (the audit reads its input this way; the
//! scan reads whole files).

use std::collections::BTreeMap;

pub use crate::api::SourceKind;
use crate::api::{InputError, SourceFile};
use crate::dockerfile::Dockerfile;
use crate::image::{ImageMeta, ImageRef, TrivyReport};
use crate::location::Pos;
use crate::model::{is_list_kind, item_without_kind, Document};
use crate::syntax::{parse_json, parse_json_list, parse_yaml, parse_yaml_list, Limits, Node, SyntaxError, Value};

/// How files are read: the input limits, the images named by `--image REF=FILE`, and whether
/// every input is one cluster.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Nesting depth, alias budgets, input size (docs/input-handling.md).
    pub limits: Limits,
    /// Image metadata files that name no image (`skopeo inspect --config`), by reference:
    /// reference → file name.
    pub image_files: BTreeMap<String, String>,
    /// Every input is one cluster, and every object without `metadata.namespace` is in its one
    /// `default` namespace (the configuration's `one-cluster`): [`Source::scope`] says nothing.
    pub one_cluster: bool,
}

/// Which cluster a file's objects belong to, and which `default` namespace its objects without
/// `metadata.namespace` are in (ARCHITECTURE.md, "Clusters"). Cross-resource rules relate objects
/// of one cluster only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceScope {
    /// The input the file was found under (the command line gives each directory argument, and
    /// the directory of each file argument): files of different inputs are different clusters.
    /// `None`: the request's one input. Set by the caller after [`parse`]; never with
    /// [`ParseOptions::one_cluster`].
    pub input: Option<String>,
    /// The file's directory (its name up to the last `/` or `\`; `.` for a bare name): objects
    /// without `metadata.namespace` share a `default` namespace with those of the same directory
    /// only, since the namespace they land in is chosen when they are applied. `None` with
    /// [`ParseOptions::one_cluster`]: the cluster's one `default`.
    pub directory: Option<String>,
}

impl SourceScope {
    /// The scope [`parse`] gives a file named `name`.
    #[must_use]
    pub fn of(name: &str, options: &ParseOptions) -> Self {
        if options.one_cluster {
            return SourceScope::default();
        }
        let dir = name.rfind(['/', '\\']).and_then(|i| name.get(..i)).filter(|d| !d.is_empty());
        let dir = match dir {
            Some(d) => d,
            None if name.starts_with(['/', '\\']) => "/",
            None => ".",
        };
        SourceScope { input: None, directory: Some(dir.to_owned()) }
    }
}

/// One input file, parsed.
#[derive(Debug)]
pub struct Source {
    /// The file name as given.
    pub name: String,
    /// What the file was read as.
    pub kind: SourceKind,
    /// YAML/JSON documents (empty for a Dockerfile).
    pub documents: Vec<Document>,
    /// The Dockerfile, when the file is one and parses.
    pub dockerfile: Option<Dockerfile>,
    /// Image metadata (one per image of a `docker inspect` array; one from a Trivy report).
    pub images: Vec<ImageMeta>,
    /// The Trivy report, when the file is one.
    pub trivy: Option<TrivyReport>,
    /// What could not be read.
    pub errors: Vec<InputError>,
    /// The size of the text, in bytes.
    pub bytes: usize,
    /// What the syntax tree of its documents is taken to cost, in bytes
    /// ([`crate::syntax::TREE_NODE_BYTES`] per value): with `bytes`, the memory budget of the
    /// check ([`crate::model::Inventory`]).
    pub tree_bytes: usize,
    /// The cluster and the `default` namespace of its objects.
    pub scope: SourceScope,
    /// Why the file is not checked, when it is none of kubeharden's inputs but a file often given
    /// as one ([`crate::wrong_input`]: a kustomization, a JSON Patch, a Helm values file, a report
    /// kubeharden wrote), with what to run instead. Its documents are then dropped; a command
    /// lists it as skipped (with a notice), or as an input error when every input must hold
    /// content (the bindings, standard input).
    pub not_input: Option<InputError>,
}

impl Source {
    fn empty(name: &str, kind: SourceKind) -> Self {
        Source {
            name: name.to_owned(),
            kind,
            documents: Vec::new(),
            dockerfile: None,
            images: Vec::new(),
            trivy: None,
            errors: Vec::new(),
            bytes: 0,
            tree_bytes: 0,
            scope: SourceScope::default(),
            not_input: None,
        }
    }

    /// A file of documents parsed already (an item of [`read_list_items`]), with image metadata
    /// and Trivy reports recognised among them as [`parse`] does.
    #[must_use]
    pub fn from_documents(name: &str, documents: Vec<Document>, options: &ParseOptions) -> Self {
        let mut source = Source::empty(name, SourceKind::Documents);
        source.documents = documents;
        recognise_artifacts(&mut source, options);
        source
    }

    /// A file that could not be read at all (an I/O error, invalid UTF-8, a skipped path): an
    /// input error, never a silent pass.
    #[must_use]
    pub fn unreadable(name: &str, message: impl Into<String>) -> Self {
        let mut s = Source::empty(name, SourceKind::Documents);
        s.errors.push(InputError::in_file(name, message.into()));
        s
    }
}

/// What a file is: the kind the caller gave ([`SourceFile::kind`]); else by name
/// ([`SourceKind::Dockerfile`] for `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `Containerfile`...; [`SourceKind::Documents`] for `.yaml`, `.yml`, `.json`); else, for a name
/// that says nothing (`<stdin>`, `<input>`, a pasted text), by content: a Dockerfile when it
/// starts like one ([`looks_like_dockerfile`]), YAML/JSON documents otherwise.
#[must_use]
pub fn classify(file: &SourceFile) -> SourceKind {
    if let Some(kind) = file.kind {
        return kind;
    }
    if crate::dockerfile::is_dockerfile_name(&file.name) {
        return SourceKind::Dockerfile;
    }
    let lower = file.name.to_ascii_lowercase();
    if [".yaml", ".yml", ".json"].iter().any(|e| lower.ends_with(e)) {
        return SourceKind::Documents;
    }
    if looks_like_dockerfile(&file.content) {
        SourceKind::Dockerfile
    } else {
        SourceKind::Documents
    }
}

/// Whether a text starts like a Dockerfile: a parser directive on the first line
/// (`# syntax=`, `# escape=`, `# check=`), or, after blank and comment lines, a `FROM` or `ARG`
/// instruction (the only ones a Dockerfile may start with; any case) followed by its argument.
/// YAML never starts so: `FROM nginx` would be a bare string, `FROM: x` has a colon after the word.
#[must_use]
pub fn looks_like_dockerfile(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let directive = |line: &str| {
        let Some(rest) = line.trim_start().strip_prefix('#') else { return false };
        let key = rest.trim_start().split('=').next().unwrap_or_default().trim_end().to_ascii_lowercase();
        rest.contains('=') && matches!(key.as_str(), "syntax" | "escape" | "check")
    };
    if text.lines().next().is_some_and(directive) {
        return true;
    }
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')) else {
        return false;
    };
    let mut words = first.splitn(2, char::is_whitespace);
    let word = words.next().unwrap_or_default();
    let rest = words.next().unwrap_or_default().trim_start();
    (word.eq_ignore_ascii_case("FROM") || word.eq_ignore_ascii_case("ARG")) && !rest.is_empty()
}

/// Classifies and parses one file. Never fails: what cannot be read is in [`Source::errors`].
#[must_use]
pub fn parse(file: &SourceFile, options: &ParseOptions) -> Source {
    if let Some(message) = file.unreadable() {
        return Source::unreadable(&file.name, message);
    }
    let kind = classify(file);
    let mut source = Source::empty(&file.name, kind);
    source.scope = SourceScope::of(&file.name, options);
    if let Some(e) = too_large(file, &options.limits) {
        source.errors.push(e);
        return source;
    }
    match kind {
        SourceKind::Dockerfile => match crate::dockerfile::parse_dockerfile(&file.content) {
            Ok(df) => source.dockerfile = Some(df),
            Err(e) => source.errors.push(InputError {
                file: file.name.clone(),
                document: None,
                line: Some(e.line()),
                column: None,
                message: e.message().to_owned(),
            }),
        },
        SourceKind::Documents => {
            let (documents, errors) = parse_documents(file, &options.limits);
            // An unrendered Helm template is an input error that says to render it (its YAML
            // failed to parse); a kustomization, a JSON Patch, a values file or a report
            // kubeharden wrote is left out, saying why and what to run instead.
            match errors.first() {
                Some(e) => {
                    if let Some(t) =
                        crate::wrong_input::helm_template(&file.name, &file.content, e.line.unwrap_or(u32::MAX))
                    {
                        source.errors = vec![t];
                    }
                }
                None => {
                    source.not_input = crate::wrong_input::among_documents(&file.name, &documents)
                        .or_else(|| crate::wrong_input::own_report(&file.name, &documents));
                }
            }
            if source.errors.is_empty() && source.not_input.is_none() {
                let nodes = documents.iter().map(|d| d.root.count()).sum();
                take_documents(&mut source, documents, nodes, errors, options);
            }
        }
    }
    source.bytes = file.content.len();
    source
}

/// The file of YAML documents `documents`, read without an error, as [`parse`] makes it; `None`
/// when it is none of kubeharden's inputs ([`Source::not_input`]) or its tree is beyond the budget
/// [`parse`] would have refused it for ([`Limits::max_tree_nodes`]). For a fixed file read again
/// document by document.
pub(crate) fn from_documents(file: &SourceFile, documents: Vec<Document>, options: &ParseOptions) -> Option<Source> {
    if file.unreadable().is_some()
        || classify(file) != SourceKind::Documents
        || too_large(file, &options.limits).is_some()
    {
        return None;
    }
    if crate::wrong_input::among_documents(&file.name, &documents).is_some()
        || crate::wrong_input::own_report(&file.name, &documents).is_some()
    {
        return None;
    }
    let nodes: usize = documents.iter().map(|d| d.root.count()).sum();
    if nodes > options.limits.max_tree_nodes(file.content.len()) {
        return None;
    }
    let mut source = Source::empty(&file.name, SourceKind::Documents);
    source.scope = SourceScope::of(&file.name, options);
    take_documents(&mut source, documents, nodes, Vec::new(), options);
    source.bytes = file.content.len();
    Some(source)
}

/// A file's documents (`nodes` values in all), their tree's cost, and the artifacts among them.
fn take_documents(
    source: &mut Source,
    documents: Vec<Document>,
    nodes: usize,
    errors: Vec<InputError>,
    options: &ParseOptions,
) {
    source.tree_bytes = nodes.saturating_mul(crate::syntax::TREE_NODE_BYTES);
    source.documents = documents;
    source.errors = errors;
    recognise_artifacts(source, options);
}

/// The input error of a file larger than the input limit.
fn too_large(file: &SourceFile, limits: &Limits) -> Option<InputError> {
    (file.content.len() > limits.max_input_bytes).then(|| {
        let message = format!(
            "the file is {} bytes, larger than the limit of {} bytes for one input: refused, split it",
            file.content.len(),
            limits.max_input_bytes
        );
        InputError::in_file(&file.name, message)
    })
}

/// Whether a file is read as JSON first: by its name, or by its first character.
pub(crate) fn looks_json(name: &str, text: &str) -> bool {
    let first = text.trim_start().as_bytes().first().copied();
    name.ends_with(".json") || matches!(first, Some(b'{' | b'['))
}

/// Parses a file's YAML or JSON documents, with the errors met (a syntax error ends the file:
/// the documents before it are kept).
#[must_use]
pub fn parse_documents(file: &SourceFile, limits: &Limits) -> (Vec<Document>, Vec<InputError>) {
    let text = file.content.strip_prefix('\u{feff}').unwrap_or(&file.content);
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    if text.trim_start().is_empty() {
        // Nothing but white space holds nothing, in JSON as in YAML: a `.json` file the shell
        // created empty for this very run's output (`scan . --format json > report.json`).
        return (docs, errors);
    }
    if looks_json(&file.name, text) {
        match parse_json(text, limits) {
            Ok(root) => {
                docs.push(Document { file: file.name.clone(), index: 0, root, source: None });
                return (docs, errors);
            }
            Err(e) if file.name.ends_with(".json") => {
                errors.push(syntax_error(&file.name, 0, &e));
                return (docs, errors);
            }
            Err(_) => {} // a YAML flow mapping: read it as YAML below
        }
    }
    let stream = parse_yaml(text, limits);
    for d in stream.documents {
        if let Some(root) = d.root {
            docs.push(Document { file: file.name.clone(), index: d.index, root, source: d.source });
        }
    }
    if let Some((i, e)) = stream.error {
        errors.push(syntax_error(&file.name, i, &e));
    }
    (docs, errors)
}

fn syntax_error(file: &str, doc: usize, e: &SyntaxError) -> InputError {
    InputError {
        file: file.to_owned(),
        document: Some(doc),
        line: Some(e.line),
        column: Some(e.column),
        message: e.message.clone(),
    }
}

/// Image metadata and Trivy reports among the documents, with the references `--image REF=FILE`
/// gives them; a document recognised as one but not readable whole is an input error naming the
/// field ([`crate::image::Problem`]).
fn recognise_artifacts(source: &mut Source, options: &ParseOptions) {
    for doc in &source.documents {
        let found = crate::image::recognise(&source.name, &doc.root);
        source.images.extend(found.images.into_iter().map(|mut m| {
            m.document = doc.index;
            m
        }));
        if source.trivy.is_none() {
            source.trivy = found.trivy.map(|mut t| {
                t.document = doc.index;
                t
            });
        }
        source.errors.extend(found.problems.into_iter().map(|p| InputError {
            file: source.name.clone(),
            document: Some(doc.index),
            line: Some(p.pos.line),
            column: Some(p.pos.column),
            message: p.message,
        }));
    }
    let same = |a: &str, b: &str| a.trim_start_matches("./") == b.trim_start_matches("./");
    for (reference, f) in &options.image_files {
        if !same(f, &source.name) {
            continue;
        }
        for img in &mut source.images {
            if let Some(r) = ImageRef::parse(reference) {
                img.refs.push(r);
            }
            if !img.names.contains(reference) {
                img.names.insert(0, reference.clone());
            }
        }
    }
}

/// One object of a file read by [`read_list_items`].
#[derive(Debug)]
pub struct ListItem {
    /// The index of the item in its list's `items`; `None` for a document that is not a list,
    /// handed over whole.
    pub index: Option<usize>,
    /// The item as a document of its own: the file's name, the index of the list's document in
    /// the file, the item as root. Positions are the file's, so a finding or an error points at
    /// the item's line in the file; field paths are relative to the item (`spec.containers[0]`,
    /// where the whole file's would be `items[3].spec.containers[0]`).
    pub document: Document,
}

/// What [`read_list_items`] met besides the items it handed over.
#[derive(Debug, Default)]
pub struct ListRead {
    /// Documents of the file read (lists and others; an empty or `null` document is none).
    pub documents: usize,
    /// Objects handed over (list items and whole documents).
    pub handed: usize,
    /// What could not be read: syntax errors (which end the file; what came before them has been
    /// handed over), items without `kind`, a document with `items` that is not a `kind: List`.
    pub errors: Vec<InputError>,
}

/// A list document as read: its root without the items, and the items it had.
struct ListDoc {
    index: usize,
    root: Node,
    source: Option<String>,
    /// Items read, and handed over (those with a `kind`).
    read: usize,
    handed: usize,
}

/// Reads a file of Kubernetes objects one object at a time: each item of a `kind: List` (or
/// `*List`) document is handed to `each` as its own [`Document`] as soon as it is read, and
/// dropped when `each` returns, so the tree of a whole list is never built and memory stays near
/// the size of the text, however many items it has (`kubectl get pods -A -o json` of a large
/// cluster). Another document (a single object) is handed over whole.
///
/// The text is read as [`parse`] reads it — JSON or YAML by the same test, the same limits
/// (input size, depth, alias budgets), the same syntax errors with file, document, line and
/// column — and an item without `kind` is the same input error as in the inventory (file,
/// document, line, item index), not handed over. Because `kubectl` writes `kind` after `items`,
/// a document turns out not to be a list only after its items have been handed over: a document
/// with `items` whose `kind` is missing, or whose `kind` is not a list kind once an item with a
/// `kind` has been handed over, is an input error then. A document with another `kind` whose
/// items have no `kind` (`{"kind": "Foo", "items": [1, 2]}`) is handed over whole, its items
/// kept aside while it was read, as [`parse`] reads it.
pub fn read_list_items(file: &SourceFile, options: &ParseOptions, each: &mut dyn FnMut(ListItem)) -> ListRead {
    let mut read = ListRead::default();
    if let Some(e) = too_large(file, &options.limits) {
        read.errors.push(e);
        return read;
    }
    let text = file.content.strip_prefix('\u{feff}').unwrap_or(&file.content);
    // Items without `kind`, by document: reported once the list's own `kind` is known. While no
    // item of the document has been handed over, they are kept too: if the document turns out
    // not to be a list, it is handed over whole, with them as its `items`.
    let mut kindless: BTreeMap<usize, Vec<Kindless>> = BTreeMap::new();
    // Items read, and items handed over, by document.
    let mut handed: Vec<(usize, usize)> = Vec::new();
    let mut seen = 0usize;
    let mut hand = |doc: usize, index: usize, node: Node, read: &mut ListRead, seen: &mut usize| {
        *seen += 1;
        if handed.len() <= doc {
            handed.resize(doc + 1, (0, 0));
        }
        let Some(counts) = handed.get_mut(doc) else { return };
        counts.0 += 1;
        if node.get("kind").is_none() {
            let (pos, short) = (node.pos, node.short());
            let node = (counts.1 == 0).then_some(node);
            kindless.entry(doc).or_default().push(Kindless { index, pos, short, node });
            return;
        }
        // The first item handed over: the document is a list, its kindless items need not be kept.
        if counts.1 == 0 {
            if let Some(kept) = kindless.get_mut(&doc) {
                kept.iter_mut().for_each(|k| k.node = None);
            }
        }
        counts.1 += 1;
        read.handed += 1;
        each(ListItem {
            index: Some(index),
            document: Document { file: file.name.clone(), index: doc, root: node, source: None },
        });
    };
    let mut docs: Vec<ListDoc> = Vec::new();
    let mut json_done = false;
    if looks_json(&file.name, text) {
        match parse_json_list(text, &options.limits, &mut |i, node| hand(0, i, node, &mut read, &mut seen)) {
            Ok(root) => {
                // `null` is an empty document, as YAML reads it
                if !root.is_null() {
                    docs.push(ListDoc { index: 0, root, source: None, read: 0, handed: 0 });
                }
                json_done = true;
            }
            // Nothing handed over yet and not named `.json`: a YAML flow mapping, read below.
            Err(_) if seen == 0 && !file.name.ends_with(".json") => {}
            Err(e) => {
                read.errors.push(syntax_error(&file.name, 0, &e));
                json_done = true;
            }
        }
    }
    if !json_done {
        let stream = parse_yaml_list(text, &options.limits, &mut |d, i, node| hand(d, i, node, &mut read, &mut seen));
        for d in stream.documents {
            if let Some(root) = d.root {
                docs.push(ListDoc { index: d.index, root, source: d.source, read: 0, handed: 0 });
            }
        }
        if let Some((i, e)) = stream.error {
            read.errors.push(syntax_error(&file.name, i, &e));
        }
    }
    for d in &mut docs {
        (d.read, d.handed) = handed.get(d.index).copied().unwrap_or((0, 0));
    }
    read.documents = docs.len();
    let at = |doc: usize, pos: Pos, message: String| InputError {
        file: file.name.clone(),
        document: Some(doc),
        line: Some(pos.line),
        column: Some(pos.column),
        message,
    };
    for mut d in docs {
        let kind = d.root.get("kind").and_then(Node::as_str);
        let list_kind = kind.filter(|k| is_list_kind(k));
        let kept = kindless.remove(&d.index).unwrap_or_default();
        let has_items = d.root.get("items").and_then(Node::as_seq).is_some();
        if list_kind.is_none() && kind.is_some() && d.handed == 0 && d.read > 0 {
            // Not a list, and none of its items handed over: the document as a whole reading has it.
            let items: Vec<Node> = kept.into_iter().filter_map(|k| k.node).collect();
            d.root = with_items(d.root, items);
            read.handed += 1;
            each(ListItem {
                index: None,
                document: Document { file: file.name.clone(), index: d.index, root: d.root, source: d.source },
            });
            continue;
        }
        for k in kept {
            read.errors.push(at(d.index, k.pos, item_without_kind(list_kind.unwrap_or("List"), k.index, &k.short)));
        }
        let had_items = d.handed > 0;
        // A list whose `items` is no list (`items: 5`): handed over whole, so that the reader's
        // inventory reports it as a whole reading does.
        let odd_items = d.root.get("items").is_some_and(|i| !i.is_null() && i.as_seq().is_none());
        match (list_kind, has_items) {
            (Some(_), _) if !odd_items => {}
            (None, true) if had_items || kind.is_none() => {
                let what = kind.map_or_else(|| "no `kind`".to_owned(), |k| format!("`kind: {k}`"));
                read.errors.push(at(
                    d.index,
                    d.root.pos,
                    format!(
                        "the document has `items` but {what}, not a list kind (`List`, `*List`): its items were read as the items of a list"
                    ),
                ));
            }
            _ => {
                read.handed += 1;
                each(ListItem {
                    index: None,
                    document: Document { file: file.name.clone(), index: d.index, root: d.root, source: d.source },
                });
            }
        }
    }
    // Items of a document that a syntax error cut: its `kind` may never have been read.
    for (doc, items) in kindless {
        for k in items {
            read.errors.push(at(doc, k.pos, item_without_kind("List", k.index, &k.short)));
        }
    }
    read
}

/// An item without `kind` met by [`read_list_items`]: where, what, and the item itself while
/// none of its document's items has been handed over.
struct Kindless {
    index: usize,
    pos: Pos,
    short: String,
    node: Option<Node>,
}

/// `root` (a mapping read item by item, its `items` left empty) with `items` put back.
fn with_items(root: Node, items: Vec<Node>) -> Node {
    let Node { value, pos, end } = root;
    let Value::Map(entries) = value else { return Node { value, pos, end } };
    let mut entries = entries.into_vec();
    let mut items = Some(items);
    for e in &mut entries {
        if e.key.as_ref() == "items" && e.value.as_seq().is_some() {
            if let Some(items) = items.take() {
                e.value.value = Value::Seq(items.into_boxed_slice());
            }
        }
    }
    Node { value: Value::Map(entries.into_boxed_slice()), pos, end }
}
