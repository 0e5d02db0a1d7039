use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::Dockerfile;
use crate::image::ImageRef;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{final_user, report_fix, stage_words};
use crate::fix::{Op, Plan};
use crate::model::image_user;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage — the image that gets built — has no `USER`, or whose
    /// last `USER` is `root` or UID `0`. A `USER` set only in a builder stage does not count; a
    /// `USER` of the stage the final one is built `FROM` does (it is inherited). Base images
    /// whose tag says `nonroot` (distroless `:nonroot`) or `chiseled` (.NET chiseled images), whose
    /// name ends in `-unprivileged`, and Chainguard images (`cgr.dev/chainguard/...`) already run
    /// as a non-root user and are not flagged. On Windows `ContainerAdministrator` counts as root.
    ///
    /// ## Why is this bad?
    /// Without `USER` a container runs as root (UID 0). Root in a container is one kernel bug,
    /// one writable host mount or one mounted socket away from root on the node, and the
    /// checklist asks for a non-root `USER` in every image. Kubernetes' `runAsNonRoot: true`
    /// then refuses to start the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 --no-create-home app
    /// COPY . /app
    /// USER 10001
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: writes the UID of `fix.run-as-user` (default 65532) in the last `USER`, or adds
    /// `USER` with it after the final stage's last instruction (the build's `RUN`s still run as
    /// root). A program that writes to root-owned paths, or binds a port below 1024, fails; give it
    /// ownership (`COPY --chown`) or the capability.
    pub DockerfileRunsAsRoot {
        id: "DKR001",
        name: "dockerfile-runs-as-root",
        severity: Severity::High,
        title: "The image built by the Dockerfile runs as root",
        help: "add `USER 10001` (a numeric, non-root UID) to the final stage",
        references: ["CIS Docker Benchmark 4.1", "Docker docs: Dockerfile best practices, USER"],
        peers: ["hadolint:DL3002 (partial: an explicit root `USER` only)", "trivy:DS-0002", "checkov:CKV_DOCKER_3",
                "checkov:CKV_DOCKER_8 (partial: an explicit root `USER` only)"],
        since: "0.1.0",
        fix: Always,
    }
}

/// Whether the base image is known to set a non-root user.
fn base_runs_nonroot(image: &str) -> bool {
    let Some(r) = ImageRef::parse(image) else { return false };
    r.tag.as_deref().is_some_and(|t| t.contains("nonroot") || t.contains("chiseled"))
        || r.short_name().ends_with("-unprivileged")
        || r.repository.starts_with("cgr.dev/chainguard/")
}

impl Rule for DockerfileRunsAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, cx: &Context, out: &mut Sink) {
        let Some(last) = df.final_stage() else { return };
        let uid = cx.fix.run_as_user;
        match final_user(df) {
            Some(u) => {
                if image_user(&u.user).root {
                    // What the build makes of it, when that is not what is written.
                    let reads = if u.user.is_empty() && !u.missing.is_empty() {
                        let names: Vec<String> = u.missing.iter().map(|m| format!("`{m}`")).collect();
                        format!(
                            " ({} {} no value there — a build argument without a default, or not declared — so it expands to nothing)",
                            names.join(", "),
                            if names.len() == 1 { "has" } else { "have" }
                        )
                    } else if u.user != u.raw {
                        format!(" (the build reads it as `{}`)", u.user)
                    } else {
                        String::new()
                    };
                    let fix = df.instructions.get(u.idx).map(|ins| {
                        Plan::unsafe_fix(format!("write `USER {uid}` (`fix.run-as-user`)")).op(Op::ReplaceInLines {
                            first: ins.line,
                            last: ins.end_line,
                            find: u.raw.clone(),
                            replace: uid.to_string(),
                        })
                    });
                    report_fix(out, Self::META, file, df, u.idx, format!(
                        "the last `USER` of {} is `{}`{reads}: the container runs as root; switch to a non-root numeric user such as `USER 10001`",
                        stage_words(df, last), u.raw
                    ), fix);
                }
            }
            None => {
                let root = df.root_stage(last);
                if root.unresolved || base_runs_nonroot(&root.image) {
                    return;
                }
                let base = if root.is_scratch() {
                    "the container runs as UID 0 (`scratch` has no users)".to_owned()
                } else {
                    format!("the container runs as root unless the base image `{}` sets another user", root.image)
                };
                // After the stage's last instruction: every `RUN` still runs as root, the image's
                // process does not.
                let fix = last.end.checked_sub(1).and_then(|i| df.instructions.get(i)).map(|ins| {
                    Plan::unsafe_fix(format!("add `USER {uid}` at the end of the stage (`fix.run-as-user`)"))
                        .op(Op::InsertLine { after: ins.end_line, text: format!("USER {uid}") })
                });
                report_fix(
                    out,
                    Self::META,
                    file,
                    df,
                    last.from,
                    format!(
                        "{} has no `USER` instruction: {base}; add `USER 10001` (a numeric, non-root UID)",
                        stage_words(df, last)
                    ),
                    fix,
                );
            }
        }
    }
}
