//! A Dockerfile parser of our own (nothing is built, no Docker engine runs): instructions with
//! 1-based lines, comments, parser directives (`# escape=`, `# syntax=`), line continuations with
//! the escape character, heredocs (`RUN <<EOF`, `<<-EOF`, quoted delimiters), exec and shell
//! forms, flags (`--from=`, `--platform=`, `--mount=`), stages (`FROM [--platform=..] image [AS
//! name]`) with global `ARG`s substituted in `FROM`, and `ENV`/`ARG`/`LABEL` pairs in both the
//! `k=v` and the legacy `k v` forms.
//!
//! The parser never panics; a file BuildKit would refuse gives a [`DockerfileError`] with its line.

mod parse;
pub mod shell;
mod vars;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

pub use parse::parse_dockerfile;
pub(crate) use parse::unquote;
pub use vars::{expand, Budget, Exceeded, Expansion, Lookup};

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dockerfile {
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    /// Parser directives, in order.
    pub directives: Vec<Directive>,
    /// Every instruction, in order.
    pub instructions: Vec<Instruction>,
    /// The build stages, in order; the last one is the image that gets built.
    pub stages: Vec<Stage>,
    /// `ARG`s before the first `FROM`: (name, default).
    pub global_args: Vec<(String, Option<String>)>,
}

/// A parser directive (`# syntax=docker/dockerfile:1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lowercase name.
    pub name: String,
    /// Value.
    pub value: String,
    /// 1-based line.
    pub line: u32,
}

/// One instruction.
#[derive(Clone, Debug, PartialEq)]
pub struct Instruction {
    /// 1-based line where it starts.
    pub line: u32,
    /// 1-based line where it ends (continuations and heredocs included).
    pub end_line: u32,
    /// 1-based column of the keyword.
    pub column: u32,
    /// The keyword, uppercase (`RUN`).
    pub keyword: String,
    /// Leading `--name[=value]` flags.
    pub flags: Vec<Flag>,
    /// The text after the keyword and the flags, continuations joined (heredoc markers kept).
    pub args: String,
    /// Exec form (a JSON array) or shell form.
    pub form: Form,
    /// Heredocs attached to the instruction.
    pub heredocs: Vec<Heredoc>,
    /// The comment lines directly above the instruction (text after `#`, trimmed).
    pub comments: Vec<String>,
    /// Index of the stage it belongs to (`None` for `ARG`s before the first `FROM`).
    pub stage: Option<usize>,
}

impl Instruction {
    /// The value of flag `--name`, if present.
    #[must_use]
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name)).map(|f| f.value.as_deref().unwrap_or(""))
    }

    /// Whether flag `--name` is present.
    #[must_use]
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The `k=v` (or legacy `k v`) pairs of `ENV`, `ARG` and `LABEL`, values unquoted.
    #[must_use]
    pub fn pairs(&self) -> Vec<(String, Option<String>)> {
        parse::pairs(&self.keyword, &self.args, '\\')
    }
}

/// A `--name[=value]` flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// Name without the dashes.
    pub name: String,
    /// Value, if `=` was given.
    pub value: Option<String>,
}

/// The two forms of `RUN`, `CMD`, `ENTRYPOINT`, `COPY`, `ADD`, `SHELL`, `VOLUME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// `["executable", "arg"]`.
    Exec(Vec<String>),
    /// `command arg` (run by the shell for `RUN`, `CMD`, `ENTRYPOINT`).
    Shell(String),
}

/// A heredoc (`<<EOF` ... `EOF`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, without quotes.
    pub delimiter: String,
    /// The body (tabs stripped for `<<-`), lines joined with `\n`, with a final `\n`.
    pub body: String,
    /// `<<-`: leading tabs are stripped.
    pub strip_tabs: bool,
    /// The delimiter was quoted: no expansion in the body.
    pub quoted: bool,
    /// 1-based line of the first body line.
    pub line: u32,
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// 0-based index.
    pub index: usize,
    /// `AS name`, lowercased as BuildKit does.
    pub name: Option<String>,
    /// The image as written.
    pub image_raw: String,
    /// The image after substituting global `ARG`s.
    pub image: String,
    /// Whether the image names a variable without a known value.
    pub unresolved: bool,
    /// `--platform`, if any.
    pub platform: Option<String>,
    /// 1-based line of the `FROM`.
    pub line: u32,
    /// Index of the `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// One past the index of the stage's last instruction.
    pub end: usize,
    /// The earlier stage this one is built on (`FROM builder`), if any.
    pub parent: Option<usize>,
    /// The stage's `ARG` and `ENV` definitions, in order, values expanded.
    pub vars: Vec<VarDef>,
    /// For each variable name, its positions in `vars`.
    by_name: HashMap<String, Vec<usize>>,
    /// The variables at the end of the stage: the parent stage's, then the stage's own (shared
    /// with the parent when the stage defines none).
    env_end: Arc<HashMap<String, Option<String>>>,
}

/// An `ARG` or `ENV` definition of a stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarDef {
    /// Index of the instruction in [`Dockerfile::instructions`].
    pub instruction: usize,
    /// Variable name.
    pub name: String,
    /// Its value, variables expanded; `None` for an `ARG` without a default (set by the build).
    pub value: Option<String>,
}

/// The variables of a stage just before one of its instructions ([`Dockerfile::vars_at`]).
#[derive(Clone, Copy, Debug)]
pub struct VarsAt<'d> {
    df: &'d Dockerfile,
    stage: &'d Stage,
    upto: usize,
}

impl Lookup for VarsAt<'_> {
    fn var(&self, name: &str) -> Option<Option<&str>> {
        let s = self.stage;
        if let Some(list) = s.by_name.get(name) {
            let before = list.partition_point(|&p| s.vars.get(p).is_some_and(|d| d.instruction < self.upto));
            if let Some(d) = before.checked_sub(1).and_then(|k| list.get(k)).and_then(|&p| s.vars.get(p)) {
                return Some(d.value.as_deref());
            }
        }
        let parent = s.parent.and_then(|p| self.df.stages.get(p))?;
        parent.env_end.get(name).map(Option::as_deref)
    }
}

impl Stage {
    /// `builder`, or `stage[1]` for an unnamed stage (0-based, as in paths).
    #[must_use]
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("stage[{}]", self.index))
    }

    /// Whether the stage starts from the empty image.
    #[must_use]
    pub fn is_scratch(&self) -> bool {
        self.parent.is_none() && self.image.eq_ignore_ascii_case("scratch")
    }
}

impl Dockerfile {
    /// The stage the build produces (the last one).
    #[must_use]
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The instructions of a stage (its `FROM` first).
    #[must_use]
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        self.instructions.get(stage.from..stage.end).unwrap_or_default()
    }

    /// The chain of stages the final image is made of: the final stage, then the stage it is
    /// built `FROM`, and so on.
    #[must_use]
    pub fn final_chain(&self) -> Vec<&Stage> {
        let mut out = Vec::new();
        let mut cur = self.final_stage();
        while let Some(s) = cur {
            out.push(s);
            // A parent is always an earlier stage (the parser looks names up among those), so
            // the chain ends; the index check keeps it so whatever built the value.
            cur = s.parent.filter(|&p| p < s.index).and_then(|p| self.stages.get(p));
        }
        out
    }

    /// The external image at the root of a stage's chain (`golang:1.22` for a stage built
    /// `FROM builder` where `builder` is `FROM golang:1.22`).
    #[must_use]
    pub fn root_stage<'s>(&'s self, stage: &'s Stage) -> &'s Stage {
        let mut cur = stage;
        let mut hops = 0;
        while let Some(p) = cur.parent.and_then(|p| self.stages.get(p)) {
            cur = p;
            hops += 1;
            if hops > self.stages.len() {
                break;
            }
        }
        cur
    }

    /// The variables known in a stage just before instruction `upto` (an index into
    /// [`Dockerfile::instructions`]): `ARG` defaults (global ones re-declared in the stage) and
    /// `ENV` values, inherited from parent stages. Lookups take a binary search, so asking at
    /// every instruction stays linear.
    #[must_use]
    pub fn vars_at<'d>(&'d self, stage: &'d Stage, upto: usize) -> VarsAt<'d> {
        VarsAt { df: self, stage, upto }
    }
}

/// What kind of problem made a Dockerfile unreadable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DockerfileErrorKind {
    /// A keyword BuildKit does not know.
    UnknownInstruction,
    /// An instruction without the arguments it needs.
    MissingArguments,
    /// An instruction other than `ARG` before the first `FROM`.
    InstructionBeforeFrom,
    /// No `FROM` at all.
    NoFrom,
    /// A heredoc whose delimiter never comes.
    UnterminatedHeredoc,
    /// A malformed `FROM`.
    InvalidFrom,
    /// A bad parser directive (`# escape=x`).
    InvalidDirective,
    /// Variables that expand beyond the budget, or defaults nested too deep.
    ExpansionTooLarge,
}

/// A Dockerfile that cannot be read, with the 1-based line of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerfileError {
    kind: DockerfileErrorKind,
    line: u32,
    message: String,
}

impl DockerfileError {
    pub(crate) fn new(kind: DockerfileErrorKind, line: u32, message: impl Into<String>) -> Self {
        DockerfileError { kind, line, message: message.into() }
    }

    /// The kind of problem.
    #[must_use]
    pub fn kind(&self) -> DockerfileErrorKind {
        self.kind
    }

    /// 1-based line.
    #[must_use]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// What is wrong (one sentence, lowercase).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DockerfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DockerfileError {}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Dockerfile.*`, `Dockerfile-*`,
/// `*.Dockerfile`, `*.dockerfile`, `Containerfile`, `Containerfile.*` (any directory).
#[must_use]
pub fn is_dockerfile_name(path: &str) -> bool {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = base.to_ascii_lowercase();
    if [".yaml", ".yml", ".json", ".dockerignore", ".md", ".template", ".sh", ".txt"].iter().any(|e| lower.ends_with(e))
    {
        return false;
    }
    for stem in ["dockerfile", "containerfile"] {
        if lower == stem {
            return true;
        }
        if let Some(rest) = lower.strip_prefix(stem) {
            if rest.starts_with(['.', '-', '_']) {
                return true;
            }
        }
        if lower.ends_with(&format!(".{stem}")) && lower.len() > stem.len() + 1 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
