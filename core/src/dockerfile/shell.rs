//! Just enough shell to read `RUN` lines: the script of a `RUN` (shell form, `sh -c` exec form,
//! heredoc scripts), its simple commands, and the package-manager calls in them.

use super::{Form, Instruction};

/// The shell script a `RUN` executes: the shell form, the `-c` argument of an exec-form shell,
/// and heredoc bodies that the shell runs (`RUN <<EOF`, `RUN bash <<EOF`). Heredocs fed to other
/// programs (`RUN python3 <<EOF`, `RUN cat <<EOF > file`) are data and left out.
#[must_use]
pub fn run_script(ins: &Instruction) -> String {
    let mut script = match &ins.form {
        Form::Shell(s) => s.clone(),
        Form::Exec(argv) => {
            let shells = ["sh", "bash", "/bin/sh", "/bin/bash", "ash", "/bin/ash", "dash", "zsh"];
            match argv.as_slice() {
                [sh, c, body, ..] if shells.contains(&sh.as_str()) && c == "-c" => body.clone(),
                _ => argv.join(" "),
            }
        }
    };
    if !ins.heredocs.is_empty() {
        let mut head = script.clone();
        for h in &ins.heredocs {
            for marker in [
                format!("<<-\"{}\"", h.delimiter),
                format!("<<-'{}'", h.delimiter),
                format!("<<-{}", h.delimiter),
                format!("<<\"{}\"", h.delimiter),
                format!("<<'{}'", h.delimiter),
                format!("<<{}", h.delimiter),
            ] {
                head = head.replace(&marker, "");
            }
        }
        let head = head.trim();
        let shell_runs = head.is_empty()
            || [
                "sh",
                "bash",
                "/bin/sh",
                "/bin/bash",
                "ash",
                "dash",
                "sh -e",
                "bash -e",
                "sh -ex",
                "bash -ex",
                "set -e",
            ]
            .contains(&head);
        if shell_runs {
            script = head.to_owned();
            for h in &ins.heredocs {
                script.push('\n');
                script.push_str(&h.body);
            }
        }
    }
    script
}

/// Splits a script into simple commands (words, quotes removed), on `&&`, `||`, `;`, `|`, `&`,
/// newlines and parentheses outside quotes. Backslash-newline continuations are joined. Leading
/// `VAR=value` assignments and `sudo`/`env`/`exec`/`command` wrappers are dropped.
#[must_use]
pub fn commands(script: &str) -> Vec<Vec<String>> {
    raw_commands(script)
        .into_iter()
        .map(|c| {
            let mut start = 0;
            while let Some(w) = c.get(start) {
                let is_assign = w
                    .split_once('=')
                    .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'));
                if is_assign
                    || matches!(
                        w.as_str(),
                        "sudo" | "env" | "exec" | "command" | "then" | "do" | "else" | "!" | "{" | "}"
                    )
                {
                    start += 1;
                } else {
                    break;
                }
            }
            c.into_iter().skip(start).collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// The simple commands of a script as written: [`commands`] without dropping assignments and
/// wrappers (`sudo`, `env`, ...).
#[must_use]
pub fn raw_commands(script: &str) -> Vec<Vec<String>> {
    let script = script.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cmd: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    let flush_word = |cmd: &mut Vec<String>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            cmd.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            Some(_) => word.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    in_word = true;
                }
                '\\' => {
                    if let Some(n) = chars.next() {
                        word.push(n);
                        in_word = true;
                    }
                }
                '#' if !in_word => {
                    // a comment up to the end of the line
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                    flush_word(&mut cmd, &mut word, &mut in_word);
                    if !cmd.is_empty() {
                        out.push(std::mem::take(&mut cmd));
                    }
                }
                ';' | '&' | '|' | '\n' | '(' | ')' | '`' => {
                    flush_word(&mut cmd, &mut word, &mut in_word);
                    if !cmd.is_empty() {
                        out.push(std::mem::take(&mut cmd));
                    }
                }
                c if c.is_whitespace() => flush_word(&mut cmd, &mut word, &mut in_word),
                _ => {
                    word.push(c);
                    in_word = true;
                }
            },
        }
    }
    flush_word(&mut cmd, &mut word, &mut in_word);
    if !cmd.is_empty() {
        out.push(cmd);
    }
    out
}

/// The pipelines of a script, each as the texts of its parts (`curl -fsSL x | sh` is one
/// pipeline of two parts): split on `;`, `&&`, `||`, `&` and newlines, and the parts on `|`, outside
/// quotes and parentheses (a `$(...)` or `<(...)` stays inside its part). Backslash-newline
/// continuations are joined.
#[must_use]
pub fn pipelines(script: &str) -> Vec<Vec<String>> {
    let script = script.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut pipeline: Vec<String> = Vec::new();
    let mut part = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut chars = script.chars().peekable();
    let end_part = |pipeline: &mut Vec<String>, part: &mut String| {
        let t = part.trim();
        if !t.is_empty() {
            pipeline.push(t.to_owned());
        }
        part.clear();
    };
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                part.push(c);
            }
            Some('"') if c == '\\' => {
                part.push(c);
                if let Some(n) = chars.next() {
                    part.push(n);
                }
            }
            Some(_) => part.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    part.push(c);
                }
                '\\' => {
                    part.push(c);
                    if let Some(n) = chars.next() {
                        part.push(n);
                    }
                }
                '(' => {
                    depth += 1;
                    part.push(c);
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    part.push(c);
                }
                '|' if depth == 0 && chars.peek() != Some(&'|') => end_part(&mut pipeline, &mut part),
                ';' | '&' | '|' | '\n' if depth == 0 => {
                    if (c == '&' || c == '|') && chars.peek() == Some(&c) {
                        chars.next();
                    }
                    end_part(&mut pipeline, &mut part);
                    if !pipeline.is_empty() {
                        out.push(std::mem::take(&mut pipeline));
                    }
                }
                _ => part.push(c),
            },
        }
    }
    end_part(&mut pipeline, &mut part);
    if !pipeline.is_empty() {
        out.push(pipeline);
    }
    out
}

/// A package manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manager {
    /// `apt-get` / `apt`.
    Apt,
    /// `apk`.
    Apk,
    /// `pip`, `pip3`, `python -m pip`.
    Pip,
    /// `yum`, `dnf`, `microdnf`.
    Yum,
}

/// A package installation: the manager, its options and the packages named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Install {
    /// Which manager.
    pub manager: Manager,
    /// Every word after the install subcommand (options and packages).
    pub args: Vec<String>,
    /// The packages (words that are not options or option values).
    pub packages: Vec<String>,
}

impl Install {
    /// Whether an option word is present (`--no-cache`, `--no-install-recommends`).
    #[must_use]
    pub fn has(&self, opt: &str) -> bool {
        self.args.iter().any(|a| a == opt || a.starts_with(&format!("{opt}=")))
    }
}

fn basename(w: &str) -> &str {
    w.rsplit('/').next().unwrap_or(w)
}

fn is_pip(w: &str) -> bool {
    let b = basename(w);
    b == "pip" || b.strip_prefix("pip").is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(w: &str) -> bool {
    let b = basename(w);
    b.strip_prefix("python").is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The package installation a simple command performs, if any.
#[must_use]
pub fn install(cmd: &[String]) -> Option<Install> {
    let first = cmd.first()?;
    let (manager, rest): (Manager, &[String]) = match basename(first) {
        "apt-get" | "apt" => (Manager::Apt, cmd.get(1..)?),
        "apk" => (Manager::Apk, cmd.get(1..)?),
        "yum" | "dnf" | "microdnf" | "tdnf" => (Manager::Yum, cmd.get(1..)?),
        w if is_pip(w) => (Manager::Pip, cmd.get(1..)?),
        w if is_python(w) && cmd.get(1).map(String::as_str) == Some("-m") && cmd.get(2).is_some_and(|m| is_pip(m)) => {
            (Manager::Pip, cmd.get(3..)?)
        }
        _ => return None,
    };
    // options that take a value before the subcommand
    let takes_value: &[&str] = match manager {
        Manager::Apt => &["-o", "-c", "-t", "--target-release"],
        Manager::Apk => &["-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--cache-dir"],
        Manager::Pip => &[
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-t",
            "--target",
            "--prefix",
            "--root",
            "-f",
            "--find-links",
            "--trusted-host",
            "--cache-dir",
            "-e",
            "--editable",
        ],
        Manager::Yum => {
            &["--setopt", "-c", "--config", "--enablerepo", "--disablerepo", "--installroot", "--releasever"]
        }
    };
    let sub = match manager {
        Manager::Apk => "add",
        _ => "install",
    };
    let mut it = rest.iter().enumerate();
    let mut sub_at = None;
    while let Some((p, w)) = it.next() {
        if w.starts_with('-') {
            if takes_value.contains(&w.as_str()) {
                it.next();
            }
            continue;
        }
        if w == sub {
            sub_at = Some(p);
        }
        break;
    }
    let sub_at = sub_at?;
    let args: Vec<String> = rest.get(sub_at + 1..)?.to_vec();
    let mut packages = Vec::new();
    let mut skip = false;
    for w in &args {
        if skip {
            skip = false;
            continue;
        }
        if w.starts_with('-') {
            skip = takes_value.contains(&w.as_str());
            continue;
        }
        if w == ">" || w == "2>" || w.starts_with('>') {
            break;
        }
        packages.push(w.clone());
    }
    Some(Install { manager, args, packages })
}

/// Whether a simple command removes packages (`apt-get purge`, `apt-get remove`, `apt-get
/// autoremove`, `apk del`, `yum remove`).
#[must_use]
pub fn removes_packages(cmd: &[String]) -> bool {
    let Some(first) = cmd.first() else { return false };
    let subs: &[&str] = match basename(first) {
        "apt-get" | "apt" => &["purge", "remove", "autoremove"],
        "apk" => &["del"],
        "yum" | "dnf" | "microdnf" => &["remove", "erase", "autoremove"],
        _ => return false,
    };
    cmd.iter().skip(1).find(|w| !w.starts_with('-')).is_some_and(|w| subs.contains(&w.as_str()))
}

/// Whether a simple command is `rm` of a path that starts with one of `prefixes`.
#[must_use]
pub fn removes_path(cmd: &[String], prefixes: &[&str]) -> bool {
    cmd.first().is_some_and(|w| basename(w) == "rm")
        && cmd.iter().skip(1).any(|w| prefixes.iter().any(|p| w.starts_with(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commands() {
        let c = commands("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\\n  gcc 'make' ; rm -rf /var/lib/apt/lists/* # done");
        assert_eq!(c.len(), 3);
        assert_eq!(c[1][0], "apt-get");
        assert_eq!(c[1].last().unwrap(), "make");
        assert_eq!(c[2], vec!["rm", "-rf", "/var/lib/apt/lists/*"]);
    }

    #[test]
    fn finds_installs() {
        let cmds = commands("apt-get -o Dpkg::Options::=--force-confold install -y python3-pip; apk add --no-cache --virtual .deps gcc; python3 -m pip install --no-cache-dir -r req.txt flask; pip3.11 install x; apt-get update");
        let ins: Vec<Install> = cmds.iter().filter_map(|c| install(c)).collect();
        assert_eq!(ins.len(), 4);
        assert_eq!(ins[0].manager, Manager::Apt);
        assert_eq!(ins[0].packages, vec!["python3-pip"]);
        assert_eq!(ins[1].packages, vec!["gcc"]);
        assert!(ins[1].has("--no-cache"));
        assert_eq!(ins[2].manager, Manager::Pip);
        assert_eq!(ins[2].packages, vec!["flask"]);
        assert_eq!(ins[3].packages, vec!["x"]);
    }

    #[test]
    fn removals() {
        assert!(removes_packages(&commands("apt-get purge -y --auto-remove gcc")[0]));
        assert!(removes_packages(&commands("apk del --no-network .build-deps")[0]));
        assert!(!removes_packages(&commands("apt-get install gcc")[0]));
        assert!(removes_path(&commands("rm -rf /var/lib/apt/lists/*")[0], &["/var/lib/apt/lists"]));
    }
}
