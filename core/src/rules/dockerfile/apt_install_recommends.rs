use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::shell::{self, Manager};
use crate::dockerfile::Dockerfile;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{apt_no_recommends, final_image_stages, report_fix, runs};
use crate::fix::{Op, Plan};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (or `apt install`) without `--no-install-recommends` in the stages
    /// that make up the final image. `-o APT::Install-Recommends=false` on the command line, or
    /// an `APT::Install-Recommends "0"` configuration written by the Dockerfile, count as the
    /// option.
    ///
    /// ## Why is this bad?
    /// Recommended packages are not needed to run the software, yet apt installs them by
    /// default: `python3-pip` alone brings `build-essential`, gcc and the development headers.
    /// Every extra package is more size and more vulnerabilities to patch.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: adds `--no-install-recommends` after `apt-get install` (and `apt install`) in the
    /// `RUN`. Packages that were only recommended are no longer installed, and a program that used
    /// one of them (`ca-certificates` is a common one) fails until it is named. No fix where the
    /// install is written another way (`apt-get -y install`) or in a heredoc.
    pub DockerfileAptInstallRecommends {
        id: "DKR006",
        name: "dockerfile-apt-install-recommends",
        severity: Severity::Low,
        title: "apt-get install without --no-install-recommends",
        help: "add `--no-install-recommends` to `apt-get install`",
        references: ["Docker docs: Dockerfile best practices, apt-get"],
        peers: ["hadolint:DL3015", "trivy:DS-0029"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for DockerfileAptInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for s in final_image_stages(df) {
            for (idx, ins, cmds) in runs(df, s) {
                let missing: Vec<String> = cmds
                    .iter()
                    .filter_map(|c| shell::install(c))
                    .filter(|i| i.manager == Manager::Apt && !apt_no_recommends(df, i))
                    .flat_map(|i| i.packages)
                    .collect();
                let has_apt = cmds
                    .iter()
                    .filter_map(|c| shell::install(c))
                    .any(|i| i.manager == Manager::Apt && !apt_no_recommends(df, &i));
                if !has_apt {
                    continue;
                }
                let what = if missing.is_empty() {
                    String::new()
                } else {
                    let shown: Vec<String> = missing.iter().take(5).map(|p| format!("`{p}`")).collect();
                    let more =
                        if missing.len() > 5 { format!(" and {} more", missing.len() - 5) } else { String::new() };
                    format!(" of {}{more}", shown.join(", "))
                };
                let found: Vec<&str> =
                    ["apt-get install", "apt install"].into_iter().filter(|p| ins.args.contains(p)).collect();
                let fix = (!found.is_empty() && ins.heredocs.is_empty()).then(|| {
                    found.into_iter().fold(
                        Plan::unsafe_fix("add `--no-install-recommends` to `apt-get install`"),
                        |plan, p| {
                            plan.op(Op::ReplaceInLines {
                                first: ins.line,
                                last: ins.end_line,
                                find: p.to_owned(),
                                replace: format!("{p} --no-install-recommends"),
                            })
                        },
                    )
                });
                report_fix(
                    out,
                    Self::META,
                    file,
                    df,
                    idx,
                    format!(
                    "`apt-get install`{what} without `--no-install-recommends` also installs every recommended package"
                ),
                    fix,
                );
            }
        }
    }
}
