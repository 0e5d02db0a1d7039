//! The line-level parser.

use std::collections::HashMap;
use std::sync::Arc;

use super::vars::{self, Budget, Exceeded, Lookup};
use super::{
    Directive, Dockerfile, DockerfileError, DockerfileErrorKind as K, Flag, Form, Heredoc, Instruction, Stage, VarDef,
};

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Arguments BuildKit defines in every `FROM` without a declaration (their values depend on the
/// build platform, so they stay unknown here).
const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
    "BUILDKIT_SYNTAX",
];

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// Trailing escape character (after optional spaces/tabs): the line continues.
fn continues(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t']);
    t.strip_suffix(escape)
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Parses a Dockerfile.
///
/// # Errors
/// A [`DockerfileError`] (with the line) for what BuildKit would refuse: an unknown instruction,
/// a missing argument, an unterminated heredoc, an instruction before the first `FROM`, no
/// `FROM`, a bad `escape` directive.
pub fn parse_dockerfile(text: &str) -> Result<Dockerfile, DockerfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut df = Dockerfile { escape: '\\', ..Dockerfile::default() };

    // parser directives: only at the very top, before any blank line, comment or instruction
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let Some(rest) = line.trim_start().strip_prefix('#') else { break };
        let Some((k, v)) = rest.split_once('=') else { break };
        let k = k.trim();
        if k.is_empty() || k.contains(char::is_whitespace) {
            break;
        }
        let name = k.to_ascii_lowercase();
        let value = v.trim().to_owned();
        if name == "escape" {
            match value.as_str() {
                "\\" => df.escape = '\\',
                "`" => df.escape = '`',
                _ => {
                    return Err(DockerfileError::new(
                        K::InvalidDirective,
                        line_no(i),
                        format!("invalid escape character `{value}`: it must be `\\` or a backtick"),
                    ))
                }
            }
        }
        if !df.directives.iter().any(|d| d.name == name) {
            df.directives.push(Directive { name, value, line: line_no(i) });
        }
        i += 1;
    }

    let escape = df.escape;
    let mut comments: Vec<String> = Vec::new();
    while let Some(&first) = lines.get(i) {
        let start = i;
        if first.trim().is_empty() {
            comments.clear();
            i += 1;
            continue;
        }
        if is_comment(first) {
            let c = first.trim_start().trim_start_matches('#').trim().to_owned();
            comments.push(c);
            i += 1;
            continue;
        }
        // collect the logical line
        let mut logical = String::new();
        let mut cur = first.trim_start().to_owned();
        i += 1;
        loop {
            match continues(&cur, escape) {
                Some(head) => {
                    logical.push_str(head);
                    // skip comment and empty lines inside the continuation
                    loop {
                        match lines.get(i) {
                            Some(l) if is_comment(l) || l.trim().is_empty() => i += 1,
                            _ => break,
                        }
                    }
                    match lines.get(i) {
                        Some(l) => {
                            cur = (*l).to_owned();
                            i += 1;
                        }
                        None => break,
                    }
                }
                None => {
                    logical.push_str(&cur);
                    break;
                }
            }
        }
        let column = u32::try_from(first.len() - first.trim_start().len() + 1).unwrap_or(1);
        let (kw, rest) = match logical.find(char::is_whitespace) {
            Some(p) => (logical.get(..p).unwrap_or(""), logical.get(p..).unwrap_or("").trim()),
            None => (logical.as_str(), ""),
        };
        let keyword = kw.to_ascii_uppercase();
        if !KEYWORDS.contains(&keyword.as_str()) {
            return Err(DockerfileError::new(
                K::UnknownInstruction,
                line_no(start),
                format!("unknown instruction `{kw}`"),
            ));
        }
        // heredocs
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delim, strip_tabs, quoted) in heredoc_markers(rest) {
                let body_line = line_no(i);
                let mut body = String::new();
                let mut found = false;
                while let Some(l) = lines.get(i) {
                    i += 1;
                    let cand = if strip_tabs { l.trim_start_matches('\t') } else { l };
                    if cand == delim {
                        found = true;
                        break;
                    }
                    body.push_str(cand);
                    body.push('\n');
                }
                if !found {
                    return Err(DockerfileError::new(
                        K::UnterminatedHeredoc,
                        line_no(start),
                        format!("the heredoc `<<{delim}` has no closing `{delim}` line"),
                    ));
                }
                heredocs.push(Heredoc { delimiter: delim, body, strip_tabs, quoted, line: body_line });
            }
        }
        let (flags, args) = if matches!(keyword.as_str(), "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK") {
            split_flags(rest)
        } else {
            (Vec::new(), rest.to_owned())
        };
        let form = match args.trim_start().strip_prefix('[') {
            Some(_)
                if matches!(keyword.as_str(), "RUN" | "CMD" | "ENTRYPOINT" | "COPY" | "ADD" | "SHELL" | "VOLUME") =>
            {
                match serde_json::from_str::<Vec<String>>(args.trim()) {
                    Ok(v) => Form::Exec(v),
                    Err(_) => Form::Shell(args.clone()),
                }
            }
            _ => Form::Shell(args.clone()),
        };
        let needs_args = !matches!(keyword.as_str(), "CMD" | "ENTRYPOINT" | "RUN");
        if needs_args && args.trim().is_empty() && heredocs.is_empty() {
            return Err(DockerfileError::new(
                K::MissingArguments,
                line_no(start),
                format!("`{keyword}` requires arguments"),
            ));
        }
        df.instructions.push(Instruction {
            line: line_no(start),
            end_line: u32::try_from(i).unwrap_or(u32::MAX).max(line_no(start)),
            column,
            keyword,
            flags,
            args,
            form,
            heredocs,
            comments: std::mem::take(&mut comments),
            stage: None,
        });
    }
    build_stages(&mut df)?;
    Ok(df)
}

/// The variables a `FROM` sees: the global `ARG`s, and BuildKit's platform arguments (unknown
/// here: their values depend on the build platform).
struct FromVars<'g>(&'g HashMap<String, Option<String>>);

impl Lookup for FromVars<'_> {
    fn var(&self, name: &str) -> Option<Option<&str>> {
        if PLATFORM_ARGS.contains(&name) {
            return Some(None);
        }
        self.0.var(name)
    }
}

fn exceeded(e: Exceeded, line: u32) -> DockerfileError {
    let message = match e {
        Exceeded::Budget => format!(
            "the variables of the Dockerfile take more than {} MiB once expanded and inherited by its stages (values that repeat each other double at every line): refused",
            Budget::DEFAULT / 1024 / 1024
        ),
        Exceeded::Nesting => "variable defaults (`${A:-${B:-...}}`) nested too deeply: refused".to_owned(),
    };
    DockerfileError::new(K::ExpansionTooLarge, line, message)
}

/// The stage being read: its variables so far (the parent's, shared until the stage defines
/// one of its own).
struct Open {
    env: Arc<HashMap<String, Option<String>>>,
}

impl Open {
    /// Defines a variable; copying the parent's variables first is charged to the budget.
    fn define(&mut self, name: String, value: Option<String>, budget: &mut Budget) -> bool {
        if Arc::strong_count(&self.env) > 1 {
            let bytes: usize = self.env.iter().map(|(k, v)| k.len() + v.as_ref().map_or(0, String::len)).sum();
            if !budget.charge(bytes) {
                return false;
            }
        }
        Arc::make_mut(&mut self.env).insert(name, value);
        true
    }
}

/// Ends the open stage: its variables become the stage's `env_end`.
fn close(stages: &mut [Stage], open: Option<Open>) {
    if let (Some(last), Some(o)) = (stages.last_mut(), open) {
        last.env_end = o.env;
    }
}

/// Splits the instructions into stages, expands `FROM` images with the global `ARG`s, and reads
/// every stage's `ARG`/`ENV` definitions in one pass (one expansion [`Budget`] for the file).
fn build_stages(df: &mut Dockerfile) -> Result<(), DockerfileError> {
    let escape = df.escape;
    let mut budget = Budget::default();
    let mut global: Vec<(String, Option<String>)> = Vec::new();
    let mut global_map: HashMap<String, Option<String>> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut open: Option<Open> = None;
    for (idx, ins) in df.instructions.iter_mut().enumerate() {
        if ins.keyword == "FROM" {
            let words: Vec<&str> = ins.args.split_whitespace().collect();
            let (raw, name) = match words.as_slice() {
                [img] => (*img, None),
                [img, as_kw, name] if as_kw.eq_ignore_ascii_case("as") => (*img, Some(name.to_ascii_lowercase())),
                _ => {
                    return Err(DockerfileError::new(
                        K::InvalidFrom,
                        ins.line,
                        format!("`FROM {}` must be `FROM image` or `FROM image AS name`", ins.args.trim()),
                    ))
                }
            };
            let expanded =
                vars::expand(raw, &FromVars(&global_map), escape, &mut budget).map_err(|e| exceeded(e, ins.line))?;
            let platform = ins.flags.iter().find(|f| f.name == "platform").and_then(|f| f.value.clone());
            let parent = names.get(&expanded.text.to_ascii_lowercase()).copied();
            close(&mut stages, open.take());
            if let Some(last) = stages.last_mut() {
                last.end = idx;
            }
            // A stage starts with its parent stage's variables.
            let env = parent.and_then(|p| stages.get(p)).map(|p| Arc::clone(&p.env_end)).unwrap_or_default();
            open = Some(Open { env });
            ins.stage = Some(stages.len());
            if let Some(n) = &name {
                names.insert(n.clone(), stages.len());
            }
            stages.push(Stage {
                index: stages.len(),
                name,
                image_raw: raw.to_owned(),
                image: expanded.text,
                unresolved: expanded.unresolved,
                platform,
                line: ins.line,
                from: idx,
                end: idx + 1,
                parent,
                vars: Vec::new(),
                by_name: HashMap::new(),
                env_end: Arc::default(),
            });
            continue;
        }
        match (stages.last_mut(), open.as_mut()) {
            (Some(s), Some(o)) => {
                ins.stage = Some(s.index);
                s.end = idx + 1;
                if ins.keyword == "ARG" || ins.keyword == "ENV" {
                    for (k, v) in ins.pairs() {
                        // A stage's `ARG NAME` without a value takes the global default.
                        let v = match v {
                            None if ins.keyword == "ARG" => global_map.get(&k).cloned().flatten(),
                            v => v,
                        };
                        let v = match v {
                            Some(v) => Some(
                                vars::expand(&v, o.env.as_ref(), escape, &mut budget)
                                    .map_err(|e| exceeded(e, ins.line))?
                                    .text,
                            ),
                            None => None,
                        };
                        s.by_name.entry(k.clone()).or_default().push(s.vars.len());
                        s.vars.push(VarDef { instruction: idx, name: k.clone(), value: v.clone() });
                        if !o.define(k, v, &mut budget) {
                            return Err(exceeded(Exceeded::Budget, ins.line));
                        }
                    }
                } else if ins.keyword == "USER" {
                    // Expanded by the rules later with these variables: bounded here, once.
                    vars::expand(&ins.args, o.env.as_ref(), escape, &mut budget).map_err(|e| exceeded(e, ins.line))?;
                }
            }
            _ if ins.keyword == "ARG" => {
                for (k, v) in pairs("ARG", &ins.args, escape) {
                    let v = match v {
                        Some(v) => Some(
                            vars::expand(&v, global.as_slice(), escape, &mut budget)
                                .map_err(|e| exceeded(e, ins.line))?
                                .text,
                        ),
                        None => None,
                    };
                    global_map.insert(k.clone(), v.clone());
                    global.push((k, v));
                }
            }
            _ => {
                return Err(DockerfileError::new(
                    K::InstructionBeforeFrom,
                    ins.line,
                    format!("`{}` comes before the first `FROM` (only `ARG` may)", ins.keyword),
                ))
            }
        }
    }
    close(&mut stages, open.take());
    if stages.is_empty() {
        let line = df.instructions.last().map_or(1, |i| i.line);
        return Err(DockerfileError::new(K::NoFrom, line, "the Dockerfile has no `FROM` instruction"));
    }
    df.stages = stages;
    df.global_args = global;
    Ok(())
}

/// Heredoc markers of an instruction's text: (delimiter, strip tabs, quoted). Markers inside
/// quotes do not count; `<<` must be followed by a word that starts with a letter, `_` or a quote
/// (so `$((1<<2))` is no heredoc).
fn heredoc_markers(s: &str) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while let Some(&c) = b.get(i) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
            i += 1;
            continue;
        }
        if c == '<'
            && b.get(i + 1) == Some(&'<')
            && b.get(i + 2) != Some(&'<')
            && (i == 0 || b.get(i - 1) != Some(&'<'))
        {
            let mut j = i + 2;
            let strip = b.get(j) == Some(&'-');
            if strip {
                j += 1;
            }
            let q = match b.get(j) {
                Some(&qc @ ('"' | '\'')) => {
                    j += 1;
                    Some(qc)
                }
                _ => None,
            };
            let start = j;
            while b.get(j).is_some_and(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '-' || *ch == '.') {
                j += 1;
            }
            let word: String = b.get(start..j).unwrap_or_default().iter().collect();
            let ok_start = word.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_');
            let closed = match q {
                Some(qc) => b.get(j) == Some(&qc),
                None => true,
            };
            if ok_start && closed {
                out.push((word, strip, q.is_some()));
                i = if q.is_some() { j + 1 } else { j };
                continue;
            }
            i = j.max(i + 2);
            continue;
        }
        i += 1;
    }
    out
}

/// Splits leading `--flag[=value]` words from the arguments.
fn split_flags(s: &str) -> (Vec<Flag>, String) {
    let mut flags = Vec::new();
    let mut rest = s.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        // a flag word ends at unquoted whitespace
        let mut end = after.len();
        let mut quote: Option<char> = None;
        for (p, ch) in after.char_indices() {
            match quote {
                Some(q) if ch == q => quote = None,
                Some(_) => {}
                None if ch == '"' || ch == '\'' => quote = Some(ch),
                None if ch.is_whitespace() => {
                    end = p;
                    break;
                }
                None => {}
            }
        }
        let word = after.get(..end).unwrap_or("");
        if word.is_empty() {
            break;
        }
        let (name, value) = match word.split_once('=') {
            Some((n, v)) => (n, Some(unquote(v))),
            None => (word, None),
        };
        flags.push(Flag { name: name.to_ascii_lowercase(), value });
        rest = after.get(end..).unwrap_or("").trim_start();
    }
    (flags, rest.to_owned())
}

/// Removes one level of shell quoting from a word.
pub(crate) fn unquote(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut quote: Option<char> = None;
    let mut chars = w.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('"') if c == '"' => quote = None,
            Some('"') if c == '\\' => {
                if let Some(&n) = chars.peek() {
                    if matches!(n, '"' | '\\' | '$' | '`') {
                        out.push(n);
                        chars.next();
                        continue;
                    }
                }
                out.push(c);
            }
            Some(_) => out.push(c),
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Splits on unquoted whitespace, keeping quotes in the words.
pub(crate) fn words(s: &str, escape: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                cur.push(c);
            }
            Some(_) if c == escape => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c == escape => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `ENV`/`LABEL`/`ARG` pairs: `k=v k2="v 2"`, or the legacy `ENV k v w` (one pair, the value is
/// the rest of the line). `ARG name` has no value.
pub(crate) fn pairs(keyword: &str, args: &str, escape: char) -> Vec<(String, Option<String>)> {
    let ws = words(args, escape);
    let Some(first) = ws.first() else { return Vec::new() };
    if !first.contains('=') && keyword != "ARG" {
        // legacy form: the key, then the rest of the line
        let rest = args.trim_start().get(first.len()..).unwrap_or("").trim();
        return vec![(first.clone(), Some(unquote(rest)))];
    }
    ws.iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (unquote(k), Some(unquote(v))),
            None => (unquote(w), None),
        })
        .collect()
}
