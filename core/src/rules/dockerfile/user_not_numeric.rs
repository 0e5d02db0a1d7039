use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::Dockerfile;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{final_user, known_uid, report_fix, runs, windows_image};
use crate::fix::{Op, Plan};
use crate::model::image_user;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final `USER` (the last one of the final stage, or inherited from
    /// the stage it is built `FROM`) names the user (`USER app`, `USER nonroot:nonroot`) instead
    /// of giving a numeric UID. Root is left to `dockerfile-runs-as-root`; Windows images, whose
    /// users are always names (`ContainerUser`), are exempt.
    ///
    /// ## Why is this bad?
    /// The kubelet checks `runAsNonRoot: true` against the image's user before starting the
    /// container, and it can only verify a number: with a user name and no `runAsUser` in the
    /// pod, it refuses to start the container (`CreateContainerConfigError: container has
    /// runAsNonRoot and image has non-numeric user ... cannot verify user is non-root`). A
    /// numeric `USER` works everywhere.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN adduser --system --uid 10001 app
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN adduser --system --uid 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: writes the user's UID instead of its name, when the Dockerfile creates the user
    /// with that UID (`useradd --uid 10001 app`) or the name is one whose UID common base images fix
    /// (`nobody`, `nonroot`). The same user runs, but the group is no longer looked up by name where
    /// none is written. No fix when the UID is unknown.
    pub DockerfileUserNotNumeric {
        id: "DKR002",
        name: "dockerfile-user-not-numeric",
        severity: Severity::Low,
        title: "The final USER is a name, not a numeric UID",
        help: "use a numeric UID in the final `USER` (`USER 10001`), so the kubelet can verify `runAsNonRoot`",
        references: ["Kubernetes: SecurityContext runAsNonRoot", "kubelet: verifyRunAsNonRoot"],
        peers: ["hadolint:DL3066"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for DockerfileUserNotNumeric {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        let Some(u) = final_user(df) else { return };
        let parsed = image_user(&u.user);
        // A user that depends on a build argument is not known here; root is another rule's.
        if u.unresolved || parsed.root || windows_image(df) || parsed.uid.is_some() {
            return;
        }
        let (idx, raw, user) = (u.idx, &u.raw, parsed.name);
        let uid = created_uid(df, user).or_else(|| known_uid(user));
        let plan = match (uid, df.instructions.get(idx), raw.strip_prefix(user)) {
            (Some(uid), Some(ins), Some(rest)) if rest.is_empty() || rest.starts_with(':') => Some(
                Plan::unsafe_fix(format!("write `USER {uid}{rest}`, the UID of `{user}`")).op(Op::ReplaceInLines {
                    first: ins.line,
                    last: ins.end_line,
                    find: raw.clone(),
                    replace: format!("{uid}{rest}"),
                }),
            ),
            _ => None,
        };
        let fix = match (created_uid(df, user), known_uid(user)) {
            (Some(uid), _) => format!("`USER {uid}` (the UID the Dockerfile gives `{user}`)"),
            (None, Some(uid)) => format!("`USER {uid}` (the UID of `{user}` in common base images)"),
            (None, None) => format!("the numeric UID of `{user}` (`USER 10001` after `useradd --uid 10001 {user}`)"),
        };
        report_fix(out, Self::META, file, df, idx, format!(
            "the final `USER {raw}` names the user `{user}`: with `runAsNonRoot: true` and no `runAsUser` the kubelet cannot verify it and refuses to start the container; use {fix}"
        ), plan);
    }
}

/// The UID an `adduser`/`useradd` of the final image's stages gives `user` (`-u 1001`,
/// `--uid 1001`, `--uid=1001`).
fn created_uid(df: &Dockerfile, user: &str) -> Option<u32> {
    for s in df.final_chain() {
        for (_, _, cmds) in runs(df, s) {
            for c in &cmds {
                let Some(first) = c.first() else { continue };
                if !matches!(first.rsplit('/').next(), Some("adduser" | "useradd"))
                    || c.last().map(String::as_str) != Some(user)
                {
                    continue;
                }
                let mut it = c.iter();
                while let Some(w) = it.next() {
                    let v = match w.as_str() {
                        "-u" | "--uid" => it.next().map(String::as_str),
                        _ => w.strip_prefix("--uid="),
                    };
                    if let Some(uid) = v.and_then(|v| v.parse().ok()) {
                        return Some(uid);
                    }
                }
            }
        }
    }
    None
}
