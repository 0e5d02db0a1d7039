use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::shell::{self, Manager};
use crate::dockerfile::{Dockerfile, Lookup};
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{cache_mount, final_image_stages, report_fix, runs};
use crate::fix::{Op, Plan};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` of the stages that make up the final image which leaves a package manager's
    /// cache in its layer: `apt-get install` without `rm -rf /var/lib/apt/lists/*` (or `apt-get dist-clean`) in the
    /// same `RUN`, `pip install` without `--no-cache-dir` (or `PIP_NO_CACHE_DIR`), `apk add` without
    /// `--no-cache` (or `--no-network`). A BuildKit cache mount (`RUN --mount=type=cache,target=...`) keeps the cache
    /// out of the image and is accepted. Builder stages whose files are only copied from are not
    /// checked: their caches never reach the image.
    ///
    /// ## Why is this bad?
    /// Caches removed in a later `RUN` stay in the earlier layer: the image is tens to hundreds of
    /// megabytes bigger, slower to pull and scan, and ships stale package indexes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// RUN pip install -r requirements.txt
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Safe: removes the cache where it is made — `&& rm -rf /var/lib/apt/lists/*` at the end of
    /// the `RUN`, `--no-cache-dir` after `pip install`, `--no-cache` after `apk add`. The same packages
    /// are installed; only the layer is smaller. No fix for a `RUN` in exec form or with a heredoc.
    pub DockerfilePackageCache {
        id: "DKR005",
        name: "dockerfile-package-cache",
        severity: Severity::Low,
        title: "Package manager cache left in the image",
        help: "clean the package cache in the same `RUN` (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`)",
        references: ["Docker docs: Dockerfile best practices, apt-get"],
        peers: ["hadolint:DL3009", "hadolint:DL3042", "hadolint:DL3019", "trivy:DS-0025 (partial: `apk add` only)"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

/// `apt-get dist-clean` (apt ≥ 2.7, Debian trixie's images) removes the lists too.
/// The fix of a `RUN` in shell form without heredocs: the apt lists removed at its end, `--no-cache-dir`
/// for `pip install`, `--no-cache` for `apk add`. What is installed stays the same.
fn cache_fix(ins: &crate::dockerfile::Instruction, apt: bool, pip: bool, apk: bool) -> Option<Plan> {
    if !ins.heredocs.is_empty() || !matches!(ins.form, crate::dockerfile::Form::Shell(_)) {
        return None;
    }
    let mut plan = Plan::safe("remove the package cache in the same `RUN`");
    let replace = |plan: Plan, find: &str, with: &str| {
        plan.op(Op::ReplaceInLines {
            first: ins.line,
            last: ins.end_line,
            find: find.to_owned(),
            replace: with.to_owned(),
        })
    };
    if pip {
        let found: Vec<&str> = ["pip install", "pip3 install"].into_iter().filter(|p| ins.args.contains(p)).collect();
        if found.is_empty() {
            return None;
        }
        for p in found {
            plan = replace(plan, p, &format!("{p} --no-cache-dir"));
        }
    }
    if apk {
        if !ins.args.contains("apk add") {
            return None;
        }
        plan = replace(plan, "apk add", "apk add --no-cache");
    }
    if apt {
        let end = ins.args.trim_end();
        let text = if end.ends_with(';') {
            " rm -rf /var/lib/apt/lists/*"
        } else if end.ends_with(['&', '|', '\\']) {
            return None;
        } else {
            " && rm -rf /var/lib/apt/lists/*"
        };
        plan = plan.op(Op::AppendToLine { line: ins.end_line, text: text.to_owned() });
    }
    Some(plan)
}

fn apt_dist_clean(cmd: &[String]) -> bool {
    cmd.first().is_some_and(|w| w == "apt-get" || w == "apt") && cmd.iter().skip(1).any(|w| w == "dist-clean")
}

/// Whether `PIP_NO_CACHE_DIR` is set in the stage: pip disables its cache for any boolean value,
/// `0` and `false` included (kept for backward compatibility).
fn pip_cache_off(df: &Dockerfile, s: &crate::dockerfile::Stage, idx: usize) -> bool {
    df.vars_at(s, idx).var("PIP_NO_CACHE_DIR").flatten().is_some_and(|v| !v.is_empty())
}

impl Rule for DockerfilePackageCache {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for s in final_image_stages(df) {
            for (idx, ins, cmds) in runs(df, s) {
                let installs: Vec<shell::Install> = cmds.iter().filter_map(|c| shell::install(c)).collect();
                let mut problems: Vec<&str> = Vec::new();
                let apt = installs.iter().any(|i| i.manager == Manager::Apt);
                if apt
                    && !cmds.iter().any(|c| shell::removes_path(c, &["/var/lib/apt/lists"]) || apt_dist_clean(c))
                    && !cache_mount(ins, &["/var/lib/apt"])
                {
                    problems.push("the apt lists stay (add `&& rm -rf /var/lib/apt/lists/*` to this `RUN`)");
                }
                let pip = installs.iter().any(|i| i.manager == Manager::Pip && !i.has("--no-cache-dir"));
                if pip
                    && !pip_cache_off(df, s, idx)
                    && !cmds.iter().any(|c| shell::removes_path(c, &["/root/.cache", "~/.cache", "$HOME/.cache"]))
                    && !cache_mount(ins, &[".cache/pip", "/root/.cache"])
                {
                    problems.push("`pip install` keeps its download cache (add `--no-cache-dir`)");
                }
                // `--no-network` installs from what is already there and writes no index cache
                let apk = installs
                    .iter()
                    .any(|i| i.manager == Manager::Apk && !i.has("--no-cache") && !i.has("--no-network"));
                if apk
                    && !cmds.iter().any(|c| shell::removes_path(c, &["/var/cache/apk"]))
                    && !cache_mount(ins, &["/var/cache/apk"])
                {
                    problems.push("`apk add` keeps its index cache (add `--no-cache`)");
                }
                if problems.is_empty() {
                    continue;
                }
                let has = |what: &str| problems.iter().any(|p| p.contains(what));
                let fix = cache_fix(ins, has("apt lists"), has("`pip install`"), has("`apk add`"));
                report_fix(
                    out,
                    Self::META,
                    file,
                    df,
                    idx,
                    format!("this `RUN` leaves a package cache in the layer: {}", problems.join("; ")),
                    fix,
                );
            }
        }
    }
}
