use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::shell;
use crate::dockerfile::Dockerfile;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{report, stage_words};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` of any stage that runs a command with `sudo` (after assignments and other
    /// wrappers: `env X=1 sudo apt-get ...`, `cd /src && sudo make install`).
    ///
    /// ## Why is this bad?
    /// A build runs `RUN` as the current `USER`; `sudo` there means the image ships `sudo` and a
    /// sudoers rule, so any process of the container can become root — exactly what `USER`
    /// was meant to prevent. Its TTY and environment handling also make builds unpredictable. Run
    /// the step as root with `USER root` before it, and switch back to the unprivileged user after.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER 10001
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update
    /// USER 10001
    /// ```
    pub DockerfileSudo {
        id: "DKR009",
        name: "dockerfile-sudo",
        severity: Severity::Medium,
        title: "RUN uses sudo",
        help: "run the step as root before `USER`, or use `gosu`/`su-exec` in the entrypoint, instead of `sudo`",
        references: ["Docker docs: Dockerfile best practices, USER"],
        peers: ["hadolint:DL3004", "trivy:DS-0010", "checkov:CKV2_DOCKER_1"],
        since: "0.1.0",
    }
}

/// Whether a command as written runs `sudo`: its first word after `VAR=value` assignments and
/// `env`/`exec`/`command` wrappers.
fn runs_sudo(cmd: &[String]) -> bool {
    cmd.iter()
        .find(|w| {
            let assign = w
                .split_once('=')
                .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            !assign && !matches!(w.as_str(), "env" | "exec" | "command" | "then" | "do" | "else" | "!" | "{" | "}")
        })
        .is_some_and(|w| w == "sudo" || w.ends_with("/sudo"))
}

impl Rule for DockerfileSudo {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for s in &df.stages {
            let instructions = df.instructions.iter().enumerate().skip(s.from).take(s.end.saturating_sub(s.from));
            for (idx, ins) in instructions.filter(|(_, i)| i.keyword == "RUN") {
                let cmds = shell::raw_commands(&shell::run_script(ins));
                if let Some(c) = cmds.iter().find(|c| runs_sudo(c)) {
                    let shown = c.iter().take(4).cloned().collect::<Vec<_>>().join(" ");
                    let m = format!(
                        "`RUN` in {} uses `sudo` (`{shown}`): switch with `USER root` instead of shipping sudo",
                        stage_words(df, s)
                    );
                    report(out, Self::META, file, df, idx, m);
                }
            }
        }
    }
}
