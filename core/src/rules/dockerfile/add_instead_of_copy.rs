use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::{Dockerfile, Form};
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::report_fix;
use crate::fix::{Op, Plan};

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of a local file that is not a tar archive (which `ADD` would extract), and
    /// `ADD` of a URL without `--checksum`. Git sources (`ADD https://github.com/org/repo.git#v1`)
    /// and sources that come from variables are left alone.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it fetches URLs and unpacks archives. Used for plain files it
    /// hides that magic (a `.tar.gz` someone drops in the context gets extracted); used for URLs
    /// without `--checksum` it downloads whatever the server returns today, unverified. `COPY`
    /// does exactly one thing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD app.conf /etc/app.conf
    /// ADD https://example.com/tool /usr/local/bin/tool
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.conf /etc/app.conf
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool /usr/local/bin/tool
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Safe: writes `COPY` for an `ADD` of local files that are no archives (or of a heredoc):
    /// `COPY` copies them the same way. No fix when the `ADD` also downloads a URL or uses a flag
    /// only `ADD` knows (`--checksum`, `--keep-git-dir`).
    pub DockerfileAddInsteadOfCopy {
        id: "DKR007",
        name: "dockerfile-add-instead-of-copy",
        severity: Severity::Low,
        title: "ADD used where COPY (or a verified download) belongs",
        help: "use `COPY` for local files, and `ADD --checksum=sha256:...` for a download",
        references: ["CIS Docker Benchmark 4.9", "Docker docs: Dockerfile best practices, ADD or COPY"],
        peers: ["hadolint:DL3020", "trivy:DS-0005", "checkov:CKV_DOCKER_4"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

const ARCHIVES: &[&str] =
    &[".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.z", ".taz"];

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("ftp://")
}

fn is_git(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("git@") || l.starts_with("git://") || l.ends_with(".git") || l.contains(".git#")
}

impl Rule for DockerfileAddInsteadOfCopy {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for (idx, ins) in df.instructions.iter().enumerate() {
            if ins.keyword != "ADD" {
                continue;
            }
            let words: Vec<String> = match &ins.form {
                Form::Exec(v) => v.clone(),
                Form::Shell(s) => s.split_whitespace().map(str::to_owned).collect(),
            };
            let sources: Vec<&String> = match words.split_last() {
                Some((_, srcs)) => srcs.iter().filter(|w| !w.starts_with("<<")).collect(),
                None => continue,
            };
            let checksum = ins.has_flag("checksum");
            let mut urls = Vec::new();
            let mut files = Vec::new();
            // Whether some source is an archive, a variable or a git repository: ADD does more
            // than COPY with it, so `COPY` would not do the same.
            let mut more_than_copy = false;
            for src in sources {
                if src.contains('$') || is_git(src) {
                    more_than_copy = true;
                    continue;
                }
                if is_url(src) {
                    if !checksum {
                        urls.push(format!("`{src}`"));
                    }
                } else if !ARCHIVES.iter().any(|a| src.to_ascii_lowercase().ends_with(a)) {
                    files.push(format!("`{src}`"));
                } else {
                    more_than_copy = true;
                }
            }
            if !ins.heredocs.is_empty() {
                files.push("a heredoc".to_owned());
            }
            let message = match (urls.is_empty(), files.is_empty()) {
                (true, true) => continue,
                (false, true) => format!("`ADD` downloads {} without `--checksum`: the content is not verified; add `--checksum=sha256:...` or download and verify in a `RUN`", urls.join(", ")),
                (true, false) => format!("`ADD` of {}, which is not an archive to extract: use `COPY`", files.join(", ")),
                (false, false) => format!("`ADD` of {} (not archives: use `COPY`) and of {} without `--checksum`", files.join(", "), urls.join(", ")),
            };
            // Only local files that are no archives (ADD extracts archives, downloads URLs):
            // COPY does the same with them. Flags only ADD knows keep it ADD.
            let add_only = ["checksum", "keep-git-dir", "unpack"].iter().any(|f| ins.has_flag(f));
            let fix = (urls.is_empty() && !add_only && !more_than_copy).then(|| {
                Plan::safe("write `COPY` for `ADD`").op(Op::ReplaceAt {
                    line: ins.line,
                    column: ins.column,
                    find: "ADD".to_owned(),
                    replace: "COPY".to_owned(),
                })
            });
            report_fix(out, Self::META, file, df, idx, message, fix);
        }
    }
}
