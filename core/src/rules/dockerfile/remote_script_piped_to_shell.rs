use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::shell;
use crate::dockerfile::Dockerfile;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{report, stage_words};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` of any stage that pipes a download into a shell or an interpreter:
    /// `curl ... | sh`, `wget -qO- ... | bash`, `curl ... | sudo python3 -`, and the same through
    /// substitution (`sh -c "$(curl ...)"`, `bash <(curl ...)`). Shells and interpreters:
    /// `sh`, `bash`, `zsh`, `ash`, `dash`, `ksh`, `python`, `python2`, `python3`, `perl`, `ruby`,
    /// `node`, `php` (not when given `-c`: that runs its argument, and the download is data).
    /// `wget` counts only when it writes to standard output (`-O-`).
    ///
    /// ## Why is this bad?
    /// The script runs as it arrives: nobody reviewed it, it is not pinned (the next build may
    /// run another one), and a truncated download runs half a script. Whoever controls the
    /// server, its DNS or its TLS chooses what the build executes. Download a pinned version,
    /// check its checksum or signature, then run it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.2.3/install.sh \
    ///  && echo "4f0a3b9c1d2e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh
    /// USER 10001
    /// ```
    pub DockerfileRemoteScriptPipedToShell {
        id: "DKR011",
        name: "dockerfile-remote-script-piped-to-shell",
        severity: Severity::Medium,
        title: "RUN pipes a download into a shell",
        help: "download the script, check its checksum or signature, then run the file",
        references: ["Docker docs: Dockerfile best practices, RUN"],
        peers: [],
        since: "0.1.0",
    }
}

const RUNNERS: [&str; 13] =
    ["sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python2", "python3", "perl", "ruby", "node", "php"];

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The program a command runs, past options of a wrapper (`sudo -E bash` is `bash`).
fn program(cmd: &[String]) -> Option<&str> {
    cmd.iter().map(String::as_str).find(|w| !w.starts_with('-')).map(base)
}

/// Whether a part of a pipeline downloads to standard output: `curl` (it writes there unless
/// told otherwise), or `wget` with `-O-`/`-O -`/`--output-document=-`.
fn downloads(cmd: &[String]) -> bool {
    match cmd.first().map(|w| base(w)) {
        Some("curl") => {
            !cmd.iter().any(|a| a == "-o" || a == "-O" || a.starts_with("--output") || a == "--remote-name")
        }
        Some("wget") => cmd.iter().zip(cmd.iter().skip(1).map(Some).chain(std::iter::once(None))).any(|(a, next)| {
            a == "--output-document=-"
                || (a.starts_with('-') && !a.starts_with("--") && a.ends_with("O-"))
                || ((a == "--output-document" || (a.starts_with('-') && !a.starts_with("--") && a.ends_with('O')))
                    && next.is_some_and(|n| n == "-"))
        }),
        _ => false,
    }
}

fn first_command(part: &str) -> Vec<String> {
    shell::commands(part).into_iter().next().unwrap_or_default()
}

/// The download and the runner of the first pipeline that feeds one into the other.
fn piped(script: &str) -> Option<(String, String)> {
    for pipeline in shell::pipelines(script) {
        let cmds: Vec<Vec<String>> = pipeline.iter().map(|p| first_command(p)).collect();
        let runner = |c: &Vec<String>| program(c).filter(|p| RUNNERS.contains(p)).map(str::to_owned);
        // `python3 -c '...'` runs its argument, reading the download as data.
        let reads_stdin = |c: &Vec<String>| if c.iter().any(|w| w == "-c") { None } else { runner(c) };
        if let Some(d) = cmds.iter().position(|c| downloads(c)) {
            if let Some(r) = cmds.iter().skip(d + 1).find_map(reads_stdin) {
                return Some((cmds.get(d).and_then(|c| c.first()).map_or_else(String::new, |w| base(w).to_owned()), r));
            }
        }
        // `sh -c "$(curl ...)"`, `bash <(curl ...)`
        for (part, c) in pipeline.iter().zip(&cmds) {
            let Some(r) = runner(c) else { continue };
            for tool in ["curl", "wget"] {
                if ["$(", "<(", "`"].iter().any(|open| part.contains(&format!("{open}{tool} "))) {
                    return Some((tool.to_owned(), r));
                }
            }
        }
    }
    None
}

impl Rule for DockerfileRemoteScriptPipedToShell {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for s in &df.stages {
            let instructions = df.instructions.iter().enumerate().skip(s.from).take(s.end.saturating_sub(s.from));
            for (idx, ins) in instructions.filter(|(_, i)| i.keyword == "RUN") {
                let Some((tool, runner)) = piped(&shell::run_script(ins)) else { continue };
                let m = format!(
                    "`RUN` in {} pipes a `{tool}` download into `{runner}`: it runs an unreviewed, unpinned script; download a pinned version and check its checksum first",
                    stage_words(df, s)
                );
                report(out, Self::META, file, df, idx, m);
            }
        }
    }
}
