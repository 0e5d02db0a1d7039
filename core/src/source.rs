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

use std::collections::BTreeMap;

pub use crate::api::SourceKind;
use crate::api::{InputError, SourceFile};
use crate::dockerfile::Dockerfile;
use crate::image::{ImageMeta, ImageRef, TrivyReport};
use crate::model::Document;
use crate::syntax::{parse_json, parse_yaml, Limits, SyntaxError};

/// How files are read: the input limits, and the images named by `--image REF=FILE`.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Nesting depth, alias budgets, input size (docs/input-handling.md).
    pub limits: Limits,
    /// Image metadata files that name no image (`skopeo inspect --config`), by reference:
    /// reference → file name.
    pub image_files: BTreeMap<String, String>,
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
            not_input: None,
        }
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
    if file.content.len() > options.limits.max_input_bytes {
        let message = format!(
            "the file is {} bytes, larger than the limit of {} bytes for one input: refused, split it",
            file.content.len(),
            options.limits.max_input_bytes
        );
        source.errors.push(InputError::in_file(&file.name, message));
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
                source.documents = documents;
                source.errors = errors;
                recognise_artifacts(&mut source, options);
            }
        }
    }
    source
}

/// Parses a file's YAML or JSON documents, with the errors met (a syntax error ends the file:
/// the documents before it are kept).
#[must_use]
pub fn parse_documents(file: &SourceFile, limits: &Limits) -> (Vec<Document>, Vec<InputError>) {
    let text = file.content.strip_prefix('\u{feff}').unwrap_or(&file.content);
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let first = text.trim_start().as_bytes().first().copied();
    if first.is_none() {
        // Nothing but white space holds nothing, in JSON as in YAML: a `.json` file the shell
        // created empty for this very run's output (`scan . --format json > report.json`).
        return (docs, errors);
    }
    let looks_json = file.name.ends_with(".json") || matches!(first, Some(b'{' | b'['));
    if looks_json {
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
/// gives them.
fn recognise_artifacts(source: &mut Source, options: &ParseOptions) {
    for doc in &source.documents {
        let (images, trivy) = crate::image::recognise(&source.name, &doc.root);
        source.images.extend(images.into_iter().map(|mut m| {
            m.document = doc.index;
            m
        }));
        if source.trivy.is_none() {
            source.trivy = trivy.map(|mut t| {
                t.document = doc.index;
                t
            });
        }
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
