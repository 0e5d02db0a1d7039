use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::shell;
use crate::dockerfile::Dockerfile;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{report, stage_words};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` of any stage that turns off the integrity of what it installs or downloads:
    /// `apk --allow-untrusted`; `apt-get`/`apt` with `--allow-unauthenticated` or
    /// `--allow-insecure-repositories`, or an apt source marked `[trusted=yes]`;
    /// `pip --trusted-host`; `npm config set strict-ssl false` (or `yarn`); `curl -k`/`--insecure`;
    /// `wget --no-check-certificate`. The message names each one.
    ///
    /// ## Why is this bad?
    /// Package signatures and TLS certificates are what stop a compromised mirror, proxy or
    /// network from handing the build a different package. With them off, anyone on the path
    /// chooses what the image runs — and the image is then shipped to every cluster.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache --allow-untrusted /tmp/tool.apk
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY keys/tool.rsa.pub /etc/apk/keys/
    /// RUN apk add --no-cache /tmp/tool.apk
    /// USER 10001
    /// ```
    pub DockerfileUntrustedPackages {
        id: "DKR010",
        name: "dockerfile-untrusted-packages",
        severity: Severity::High,
        title: "RUN turns off package or download integrity",
        help: "remove the flag that skips signature or certificate checks, and add the repository's key instead",
        references: ["Docker docs: Dockerfile best practices", "SLSA: build integrity"],
        peers: ["checkov:CKV2_DOCKER_7 (partial: apk)", "checkov:CKV2_DOCKER_8 (partial: apt-get --allow-unauthenticated)",
                "checkov:CKV2_DOCKER_4 (partial: pip)", "checkov:CKV2_DOCKER_13 (partial: npm/yarn)",
                "checkov:CKV2_DOCKER_2 (partial: curl)", "checkov:CKV2_DOCKER_3 (partial: wget)"],
        since: "0.1.0",
    }
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// Whether `curl` is given `-k` (alone or in a cluster of short options) or `--insecure`.
fn curl_insecure(args: &[String]) -> bool {
    args.iter().any(|a| {
        a == "--insecure"
            || a.strip_prefix('-')
                .is_some_and(|o| !o.starts_with('-') && o.chars().all(|c| c.is_ascii_alphanumeric()) && o.contains('k'))
    })
}

/// What a simple command turns off, as written for the message.
fn what_it_disables(cmd: &[String]) -> Vec<String> {
    let Some(first) = cmd.first() else { return Vec::new() };
    let args = cmd.get(1..).unwrap_or_default();
    let has = |opt: &str| args.iter().any(|a| a == opt || a.starts_with(&format!("{opt}=")));
    let mut out = Vec::new();
    match base(first) {
        "apk" if has("--allow-untrusted") => out.push("`apk --allow-untrusted`".to_owned()),
        "apt-get" | "apt" => {
            for opt in ["--allow-unauthenticated", "--allow-insecure-repositories"] {
                if has(opt) {
                    out.push(format!("`{} {opt}`", base(first)));
                }
            }
        }
        "pip" | "pip3" if has("--trusted-host") => out.push(format!("`{} --trusted-host`", base(first))),
        "python" | "python3" if args.first().is_some_and(|a| a == "-m") && has("--trusted-host") => {
            out.push("`pip --trusted-host`".to_owned());
        }
        "npm" | "yarn" => {
            let words: Vec<&str> = args.iter().map(String::as_str).collect();
            if let Some(i) = words.windows(2).position(|w| w == ["config", "set"]) {
                let rest = words.get(i + 2..).unwrap_or_default();
                let off = match rest {
                    [k, v, ..] if *k == "strict-ssl" => *v == "false",
                    [kv, ..] => *kv == "strict-ssl=false",
                    _ => false,
                };
                if off {
                    out.push(format!("`{} config set strict-ssl false`", base(first)));
                }
            }
        }
        "curl" if curl_insecure(args) => out.push("`curl --insecure`".to_owned()),
        "wget" if has("--no-check-certificate") => out.push("`wget --no-check-certificate`".to_owned()),
        _ => {}
    }
    out
}

impl Rule for DockerfileUntrustedPackages {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for s in &df.stages {
            let instructions = df.instructions.iter().enumerate().skip(s.from).take(s.end.saturating_sub(s.from));
            for (idx, ins) in instructions.filter(|(_, i)| i.keyword == "RUN") {
                let script = shell::run_script(ins);
                let mut found: Vec<String> = Vec::new();
                for c in shell::commands(&script) {
                    for w in what_it_disables(&c) {
                        if !found.contains(&w) {
                            found.push(w);
                        }
                    }
                }
                if script.contains("[trusted=yes]") {
                    found.push("an apt source marked `[trusted=yes]`".to_owned());
                }
                if found.is_empty() {
                    continue;
                }
                let m = format!(
                    "`RUN` in {} turns off the integrity of what it installs or downloads: {}",
                    stage_words(df, s),
                    found.join(", ")
                );
                report(out, Self::META, file, df, idx, m);
            }
        }
    }
}
