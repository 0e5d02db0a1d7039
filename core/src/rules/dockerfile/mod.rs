//! Rules over Dockerfiles (the checklist's image rules with input "Dockerfile"). Findings point
//! at the instruction's line; the object is `{kind: Dockerfile, name: <stage>}` and the path
//! names the stage and the instruction (`stage[1].USER`, `stage[0].RUN[2]`).
//!
//! Suppression: a comment directly above the instruction,
//! `# kubeharden ignore=<rule-name or id>[,<other>] reason="why"`; without a reason it is ignored
//! and the finding says so.

mod add_instead_of_copy;
mod apt_install_recommends;
mod base_image_unpinned;
mod build_tools_in_final_stage;
mod package_cache;
mod remote_script_piped_to_shell;
mod runs_as_root;
mod secret_in_env;
mod sudo;
mod untrusted_packages;
mod user_not_numeric;

pub use add_instead_of_copy::DockerfileAddInsteadOfCopy;
pub use apt_install_recommends::DockerfileAptInstallRecommends;
pub use base_image_unpinned::DockerfileBaseImageUnpinned;
pub use build_tools_in_final_stage::DockerfileBuildToolsInFinalStage;
pub use package_cache::DockerfilePackageCache;
pub use remote_script_piped_to_shell::DockerfileRemoteScriptPipedToShell;
pub use runs_as_root::DockerfileRunsAsRoot;
pub(crate) use secret_in_env::secret_pair;
pub use secret_in_env::DockerfileSecretInEnv;
pub use sudo::DockerfileSudo;
pub use untrusted_packages::DockerfileUntrustedPackages;
pub use user_not_numeric::DockerfileUserNotNumeric;

use crate::dockerfile::{shell, Budget, Dockerfile, Instruction, Stage};
use crate::location::Pos;
use crate::model::ObjectRef;
use crate::rules::{At, Place, RuleMeta, Sink};

/// The comment prefix of Dockerfile suppressions.
pub const IGNORE_COMMENT: &str = "kubeharden ignore=";

/// What a suppression comment above an instruction says about a rule: `Some(Ok(reason))`
/// suppresses, `Some(Err(()))` names the rule without a reason.
fn suppression(meta: &RuleMeta, ins: &Instruction) -> Option<Result<String, ()>> {
    for c in &ins.comments {
        let Some(rest) = c.strip_prefix(IGNORE_COMMENT) else { continue };
        let (rules, tail) = match rest.find(char::is_whitespace) {
            Some(p) => (rest.get(..p).unwrap_or(""), rest.get(p..).unwrap_or("")),
            None => (rest, ""),
        };
        if !rules.split(',').any(|r| r == meta.name || r.eq_ignore_ascii_case(meta.id.0)) {
            continue;
        }
        let reason = tail.trim().strip_prefix("reason=").map(|r| {
            let r = r.trim();
            r.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(r).trim().to_owned()
        });
        return Some(match reason {
            Some(r) if !r.is_empty() => Ok(r),
            _ => Err(()),
        });
    }
    None
}

/// Reports a finding at instruction `idx` (suppression comments applied).
pub(crate) fn report(
    out: &mut Sink,
    meta: &'static RuleMeta,
    file: &str,
    df: &Dockerfile,
    idx: usize,
    message: String,
) {
    report_fix(out, meta, file, df, idx, message, None);
}

/// Reports a finding at instruction `idx` with its fix (suppression comments applied).
pub(crate) fn report_fix(
    out: &mut Sink,
    meta: &'static RuleMeta,
    file: &str,
    df: &Dockerfile,
    idx: usize,
    message: String,
    fix: Option<crate::fix::Plan>,
) {
    let Some(ins) = df.instructions.get(idx) else { return };
    let mut message = message;
    match suppression(meta, ins) {
        Some(Ok(_)) => {
            out.count_suppressed();
            return;
        }
        Some(Err(())) => message.push_str(&format!(
            " (the comment `# {IGNORE_COMMENT}{}` is ignored: it needs a `reason=\"...\"`)",
            meta.name
        )),
        None => {}
    }
    let stage = ins.stage.and_then(|s| df.stages.get(s));
    let path = match stage {
        Some(s) => {
            let ordinal = df
                .instructions
                .get(s.from..idx)
                .unwrap_or_default()
                .iter()
                .filter(|i| i.keyword == ins.keyword)
                .count();
            if ins.keyword == "FROM" || (ins.keyword == "USER" && is_last_of_kind(df, s, idx)) {
                format!("{}.{}", stage_path(s), ins.keyword)
            } else {
                format!("{}.{}[{ordinal}]", stage_path(s), ins.keyword)
            }
        }
        None => format!("{}[{idx}]", ins.keyword),
    };
    let object = ObjectRef {
        api_version: None,
        kind: "Dockerfile".to_owned(),
        namespace: None,
        name: Some(stage.map_or_else(|| "global".to_owned(), Stage::label)),
    };
    let place = Place {
        file: Some(file.to_owned()),
        document: None,
        pos: Some(Pos::new(ins.line, ins.column)),
        end_line: Some(ins.end_line),
        object: Some(object),
        path: Some(path),
        container: None,
        scope: Some(file.to_owned()),
    };
    let d = out.report(meta, At::Place(place), message);
    if let Some(fix) = fix {
        d.fix(fix);
    }
}

fn is_last_of_kind(df: &Dockerfile, s: &Stage, idx: usize) -> bool {
    df.instructions
        .get(idx + 1..s.end)
        .unwrap_or_default()
        .iter()
        .all(|i| df.instructions.get(idx).is_none_or(|me| i.keyword != me.keyword))
}

fn stage_path(s: &Stage) -> String {
    format!("stage[{}]", s.index)
}

/// `stage `builder``, `the final stage` for messages.
fn stage_words(df: &Dockerfile, s: &Stage) -> String {
    let last = df.stages.len().saturating_sub(1) == s.index;
    match (&s.name, last) {
        (Some(n), true) => format!("the final stage `{n}`"),
        (None, true) => "the final stage".to_owned(),
        (Some(n), false) => format!("stage `{n}`"),
        (None, false) => format!("stage {}", s.index + 1),
    }
}

/// The `RUN` instructions of a stage: (index, simple commands).
fn runs<'d>(df: &'d Dockerfile, s: &Stage) -> Vec<(usize, &'d Instruction, Vec<Vec<String>>)> {
    df.instructions
        .iter()
        .enumerate()
        .skip(s.from)
        .take(s.end.saturating_sub(s.from))
        .filter(|(_, i)| i.keyword == "RUN")
        .map(|(idx, i)| (idx, i, shell::commands(&shell::run_script(i))))
        .collect()
}

/// The stages whose layers end up in the built image: the final stage and the stages it is built
/// `FROM`.
fn final_image_stages(df: &Dockerfile) -> Vec<&Stage> {
    df.final_chain()
}

/// The effective `USER` of the final image.
struct FinalUser {
    /// Index of the `USER` instruction.
    idx: usize,
    /// The argument as written.
    raw: String,
    /// The user as the build sets it: variables expanded (a variable without a value expands to
    /// nothing, as in BuildKit), quotes removed.
    user: String,
    /// Whether part of it is unknown before the build (a build argument without a default).
    unresolved: bool,
    /// The variables that expanded to nothing.
    missing: Vec<String>,
}

/// The effective `USER` of the final image: the last `USER` of the final stage, else of the
/// stage it is built from, and so on.
fn final_user(df: &Dockerfile) -> Option<FinalUser> {
    for s in df.final_chain() {
        let found = df.instructions.iter().enumerate().take(s.end).skip(s.from).rfind(|(_, i)| i.keyword == "USER");
        if let Some((idx, ins)) = found {
            let raw = ins.args.trim().to_owned();
            // The parser expanded this `USER` within the file's budget already: a fresh budget
            // of the same size cannot run out.
            let e = crate::dockerfile::expand(&raw, &df.vars_at(s, idx), df.escape, &mut Budget::default())
                .unwrap_or_default();
            let user = crate::dockerfile::unquote(e.text.trim());
            return Some(FinalUser { idx, raw, user, unresolved: e.unresolved, missing: e.missing });
        }
    }
    None
}

/// Whether the final image is a Windows image (its users are names; the kubelet checks
/// `runAsUserName` there, not a UID).
fn windows_image(df: &Dockerfile) -> bool {
    df.final_stage().is_some_and(|s| {
        let img = df.root_stage(s).image.to_ascii_lowercase();
        img.contains("windows") || img.contains("nanoserver")
    })
}

/// The UID of well-known user names, for fix suggestions.
fn known_uid(name: &str) -> Option<u32> {
    match name {
        "nobody" => Some(65534),
        "nonroot" => Some(65532),
        "node" => Some(1000),
        "www-data" => Some(33),
        "postgres" => Some(999),
        "redis" => Some(999),
        "nginx" => Some(101),
        "daemon" => Some(1),
        _ => None,
    }
}

/// Whether apt is told not to install recommended packages, on the command line
/// (`--no-install-recommends`, `-o APT::Install-Recommends=false`) or in a configuration the
/// Dockerfile writes (`APT::Install-Recommends "0"`).
fn apt_no_recommends(df: &Dockerfile, inst: &shell::Install) -> bool {
    let off = |s: &str| {
        let l = s.to_ascii_lowercase();
        l.contains("install-recommends")
            && (l.contains("false") || l.contains("\"0\"") || l.contains("=0") || l.contains("'0'"))
    };
    inst.has("--no-install-recommends")
        || inst.args.iter().any(|a| off(a))
        || df.instructions.iter().any(|i| i.keyword == "RUN" && off(&i.args))
}

/// Whether a `RUN` mounts a BuildKit cache at a path containing one of `paths`.
fn cache_mount(ins: &Instruction, paths: &[&str]) -> bool {
    ins.flags.iter().any(|f| {
        f.name == "mount"
            && f.value.as_deref().is_some_and(|v| v.contains("type=cache") && paths.iter().any(|p| v.contains(p)))
    })
}
