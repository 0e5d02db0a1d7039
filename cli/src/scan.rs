//! `kubeharden scan PATH...`

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kubeharden::report::{self, baseline};
use kubeharden::{Checker, Config, FailOn, Inventory, ParseOptions, Report, Source, SourceFile};
use rayon::prelude::*;

use crate::inputs::{self, Item};
use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// Output formats of `scan`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, with source excerpts.
    Text,
    /// Per file, then per object, then per container: one short line per finding.
    Grouped,
    /// The version-1 JSON contract.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps).
    Sarif,
    /// JUnit XML (one test suite per file).
    Junit,
    /// GitHub Actions annotations (`::error file=...,line=...::...`).
    Github,
    /// One Markdown ticket per problem (rule × object × container); with `--output DIR`, one file each.
    Tickets,
}

/// `--fail-on`: the values of the configuration's `fail-on` ([`kubeharden::FailOn`]).
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOnArg {
    /// Exit 1 on critical findings.
    Critical,
    /// Exit 1 on high findings or worse (the default).
    High,
    /// Exit 1 on medium findings or worse.
    Medium,
    /// Exit 1 on low findings or worse.
    Low,
    /// Exit 1 on any finding.
    Info,
    /// Exit 0 whatever the findings (2 still means errors).
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(a: FailOnArg) -> Self {
        match a {
            FailOnArg::Critical => FailOn::Critical,
            FailOnArg::High => FailOn::High,
            FailOnArg::Medium => FailOn::Medium,
            FailOnArg::Low => FailOn::Low,
            FailOnArg::Info => FailOn::Info,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// `--color`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Arguments of `scan`.
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories (recursive: .yaml, .yml, .json, Dockerfiles by name); `-` reads stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when a finding is at or above this severity (default: the configuration's
    /// `fail-on`, else high).
    #[arg(long, value_enum, ignore_case = true)]
    pub fail_on: Option<FailOnArg>,
    /// Configuration file (default: .kubeharden.yaml in the working directory, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Run only these rules (names or ids, comma-separated); default-off rules included.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (names or ids, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Ignore `kubeharden.io/ignore.*` suppression annotations.
    #[arg(long)]
    pub no_annotation_suppressions: bool,
    /// Treat every input as one cluster: NetworkPolicies, Namespaces, ServiceAccounts and RBAC of
    /// any input apply to the workloads of any other, and every object without
    /// `metadata.namespace` is in one `default` namespace. Default: each directory argument (and
    /// the directory of each file argument) is its own cluster, and objects without a namespace
    /// share `default` with those of their directory only.
    #[arg(long)]
    pub one_cluster: bool,
    /// "Now" for date rules (RFC 3339); default: the system clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Follow symbolic links inside scanned directories.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Exit 2 when the paths hold no file to read, or nothing kubeharden checks (no Kubernetes
    /// object, Dockerfile, image metadata or Trivy report); without it, that is a warning on
    /// standard error.
    #[arg(long)]
    pub fail_on_empty: bool,
    /// Print how many findings each rule gave (highest first) instead of the findings: a table,
    /// or with `--format json` a JSON list. The exit code is the scan's.
    #[arg(long)]
    pub statistics: bool,
    /// Keep at most this many findings, whatever memory they take; beyond it the report says how
    /// many it did not keep (an input error: exit 2). Default: 100,000, or as many as fit in the
    /// memory bound of the input (4 × its size + 100 MB; at least 8,192).
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
    /// Colour of the text report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Name the image of a metadata file that names none (`skopeo inspect --config`):
    /// `REF=FILE`, repeatable; the file is scanned too.
    #[arg(long = "image", value_name = "REF=FILE")]
    pub image: Vec<String>,
    /// An earlier JSON report: report only findings not in it (matched by fingerprint); the exit
    /// code counts only those.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Write the JSON report of this scan (every finding) to FILE, for a later `--baseline`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Write the output to FILE instead of standard output (for `--format tickets`, an existing
    /// directory gets one `<fingerprint>.md` per ticket).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Image metadata from the registries (`--registry` and its options).
    #[command(flatten)]
    pub registry: crate::registry_cmd::RegistryArgs,
}

/// Resolves `--image REF=FILE` options: the map reference → input name, and the paths to scan
/// (FILE added when no given path covers it).
pub fn image_files(
    specs: &[String],
    paths: &[PathBuf],
    follow: bool,
) -> Result<(std::collections::BTreeMap<String, String>, Vec<PathBuf>), String> {
    let mut map = std::collections::BTreeMap::new();
    let mut paths = paths.to_vec();
    if specs.is_empty() {
        return Ok((map, paths));
    }
    let listed: Vec<PathBuf> = inputs::expand(&paths, follow)
        .into_iter()
        .filter_map(|i| match i {
            Item::Path(p) => Some(p),
            Item::Problem(..) | Item::Skipped(..) => None,
        })
        .collect();
    for spec in specs {
        let Some((reference, file)) = spec.split_once('=') else {
            return Err(format!("`--image {spec}` must be `REF=FILE`"));
        };
        if reference.trim().is_empty() || file.trim().is_empty() {
            return Err(format!("`--image {spec}` must be `REF=FILE`"));
        }
        let fp = PathBuf::from(file);
        let canon = std::fs::canonicalize(&fp).map_err(|e| format!("--image {spec}: cannot read `{file}`: {e}"))?;
        let found = listed.iter().find(|p| std::fs::canonicalize(p).is_ok_and(|c| c == canon));
        let name = match found {
            Some(p) => p.display().to_string(),
            None => {
                paths.push(fp.clone());
                fp.display().to_string()
            }
        };
        map.insert(reference.to_owned(), name);
    }
    Ok((map, paths))
}

/// Loads the configuration: `--config`, else `.kubeharden.yaml` in the working directory.
///
/// A configuration that exists but cannot be read is an error (exit 2), never the defaults in
/// silence: not UTF-8 (UTF-16 included), larger than [`kubeharden::config::MAX_CONFIG_BYTES`], a
/// directory, a dangling symbolic link. A `.kubeharden.yaml` that is not a regular file (a FIFO,
/// a socket, a device) is an error without being opened, since reading a FIFO would block; a file
/// named with `--config` is read whatever it is (`--config <(generate-config)` is a pipe).
pub fn load_config(path: Option<&PathBuf>) -> Result<Config, String> {
    match path {
        Some(p) => load_config_file(p, true),
        None => load_config_file(std::path::Path::new(".kubeharden.yaml"), false),
    }
}

/// Loads the configuration at `p`: named with `--config` (`explicit`: read whatever it is), or
/// the `.kubeharden.yaml` of a directory (the defaults when there is none; `kubeharden server`
/// reads each workspace folder's this way).
pub fn load_config_file(p: &std::path::Path, explicit: bool) -> Result<Config, String> {
    use std::io::Read as _;
    let name = p.display().to_string();
    let shown = kubeharden::report::escape::escape_control(&name).into_owned();
    let fail = |why: String| format!("{shown}: cannot read the configuration: {why}");
    if !explicit {
        match std::fs::metadata(p) {
            Ok(m) if m.is_file() => {}
            Ok(m) if m.is_dir() => return Err(fail("it is a directory".to_owned())),
            Ok(_) => {
                return Err(fail(
                    "it is not a regular file (a FIFO, a socket or a device): not opened; remove it, or name the configuration with --config".to_owned(),
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(p).is_ok() {
                    return Err(fail("it is a symbolic link to nothing".to_owned()));
                }
                return Ok(Config::default());
            }
            Err(e) => return Err(fail(e.to_string())),
        }
    }
    let limit = kubeharden::config::MAX_CONFIG_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() > limit {
        return Err(fail(format!("larger than {} KiB: refused", limit / 1024)));
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(fail("it is UTF-16: save it as UTF-8".to_owned()));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes().get(..at).map_or(0, |t| t.iter().filter(|&&b| b == b'\n').count()) + 1;
        fail(format!("not valid UTF-8 (line {line}, byte {at}): save it as UTF-8"))
    })?;
    Config::from_yaml(&text, Some(&shown)).map_err(|e| e.to_string())
}

/// The system clock as RFC 3339 (the library never reads the clock).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    kubeharden::time::format_rfc3339(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// Reads every input in parallel and parses it through the front door
/// ([`kubeharden::source::parse`]); returns the texts (for text excerpts) and the parsed files, in
/// the order of the expanded paths, each with its input ([`inputs::expand_rooted`]: a cluster of
/// its own, unless [`ParseOptions::one_cluster`]). Paths the walk skipped, and files that are
/// none of kubeharden's inputs ([`kubeharden::Source::not_input`]), are said on standard error.
pub fn read_all(paths: &[PathBuf], follow: bool, options: &ParseOptions) -> (Vec<SourceFile>, Vec<Source>) {
    let mut items = inputs::expand_rooted(paths, follow);
    items.retain(|(_, item)| match item {
        Item::Skipped(name, reason) => {
            errln!("{}", inputs::skipped_notice(name, reason));
            false
        }
        _ => true,
    });
    let one = |(root, item): (String, Item)| {
        let (text, mut source) = match item {
            Item::Problem(name, msg) | Item::Skipped(name, msg) => (None, Source::unreadable(&name, msg)),
            Item::Path(p) => match inputs::read(&p) {
                Ok(src) => {
                    let parsed = kubeharden::source::parse(&src, options);
                    (Some(src), parsed)
                }
                Err((name, msg)) => (None, Source::unreadable(&name, msg)),
            },
        };
        if !options.one_cluster {
            source.scope.input = Some(root);
        }
        (text, source)
    };
    // One file (the pre-commit case): no thread pool to start.
    let results: Vec<(Option<SourceFile>, Source)> =
        if items.len() <= 1 { items.into_iter().map(one).collect() } else { items.into_par_iter().map(one).collect() };
    let mut texts = Vec::new();
    let mut sources = Vec::with_capacity(results.len());
    for (t, mut s) in results {
        // A file that is none of kubeharden's inputs is left out with a notice (a directory walk
        // over a Helm chart goes on); piped in on standard input, it is an input error.
        if let Some(n) = s.not_input.take() {
            let mut skipped = vec![n];
            inputs::report_not_inputs(&mut skipped, &mut s.errors);
            s.not_input = skipped.pop();
        }
        texts.extend(t);
        sources.push(s);
    }
    (texts, sources)
}

/// Checks parsed files with the inventory's extraction and the per-file rules run in parallel.
pub fn check_all(checker: &Checker, sources: &[Source]) -> Report {
    if sources.len() <= 1 {
        return checker.check_sources(sources);
    }
    let parts = sources.par_iter().map(Inventory::extract).collect();
    let inventory = Inventory::from_parts(sources, parts);
    let per_file = (0..sources.len()).into_par_iter().map(|i| checker.check_file(&inventory, i)).collect();
    checker.report(&inventory, per_file)
}

/// The configuration ([`load_config`]) with the command line's `--select` (which replaces the
/// file's) and `--ignore` (added to it): `scan` and `fix` choose their rules alike.
///
/// # Errors
/// [`load_config`]'s message.
pub fn load_selected_config(path: Option<&PathBuf>, select: &[String], ignore: &[String]) -> Result<Config, String> {
    let mut config = load_config(path)?;
    if !select.is_empty() {
        config.select = Some(select.to_vec());
    }
    config.ignore.extend(ignore.iter().cloned());
    Ok(config)
}

/// Runs `scan`.
pub fn run(a: &ScanArgs) -> u8 {
    let mut config = match load_selected_config(a.config.as_ref(), &a.select, &a.ignore) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if let Some(f) = a.fail_on {
        config.fail_on = Some(f.into());
    }
    if a.no_annotation_suppressions {
        config.annotation_suppressions = false;
    }
    if a.one_cluster {
        config.one_cluster = true;
    }
    if a.statistics && !matches!(a.format, Format::Text | Format::Grouped | Format::Json) {
        let name = a.format.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default();
        eprintln!("error: `--statistics` prints a table, or JSON with `--format json`: not `--format {name}`");
        return EXIT_ERROR;
    }
    let threshold = config.fail_threshold();
    let now = a.now.clone().unwrap_or_else(now_rfc3339);
    let (image_map, paths) = match image_files(&a.image, &a.paths, a.follow_symlinks) {
        Ok(x) => x,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let checker = match Checker::new(&config, Some(&now)) {
        Ok(c) => {
            let c = c.with_image_files(image_map);
            match a.max_findings {
                Some(n) => c.with_max_findings(n),
                None => c,
            }
        }
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let (mut sources, mut parsed) = read_all(&paths, a.follow_symlinks, checker.parse_options());
    if a.registry.registry {
        match crate::registry_cmd::fetch_for_scan(&a.registry, &parsed, checker.parse_options()) {
            Ok((texts, metadata)) => {
                sources.extend(texts);
                parsed.extend(metadata);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        }
    }
    let mut full = check_all(&checker, &parsed);
    // Each finding's fix as edits of the user's text (`kubeharden fix` applies them).
    kubeharden::fix::resolve(&mut full, &sources, &parsed);
    if a.format != Format::Text || a.statistics {
        // Only the text report quotes source lines: free the texts before rendering.
        for s in &mut sources {
            s.content = String::new();
        }
    }
    let empty = empty_notice(&parsed, &full);
    // The syntax trees are not needed any more and the process ends soon: freeing them node by
    // node would cost a twentieth of the scan.
    std::mem::forget(parsed);
    if let Some(path) = &a.write_baseline {
        if let Err(e) = write_json(&full, Some(path)) {
            errln!("error: {}: cannot write the baseline: {e}", path.display());
            return EXIT_ERROR;
        }
    }
    let mut comparison = None;
    let report = match &a.baseline {
        None => full,
        Some(path) => {
            // Read as an input is (size limit, UTF-8 as the bindings decode it), then checked.
            let earlier = match inputs::read(path) {
                Ok(file) => baseline::read(&file.content).map_err(|e| (file.name.clone(), e)),
                Err(e) => Err(e),
            };
            let earlier = match earlier {
                Ok(f) => f,
                Err((name, e)) => {
                    errln!("error: {name}: {e}");
                    return EXIT_ERROR;
                }
            };
            let c = baseline::compare(&full.findings, &earlier);
            let r = baseline::with_findings(&full, c.new.clone());
            comparison = Some(c);
            r
        }
    };
    let color = a.output.is_none()
        && match a.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
    let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let mut text = match a.format {
        _ if a.statistics && a.format == Format::Json => report::statistics::render_json(&report),
        _ if a.statistics => report::statistics::render_text(&report),
        Format::Grouped => report::grouped::render(&report, color),
        Format::Text => kubeharden::report::text::render(&report, &sources, color),
        Format::Json => String::new(), // written by `emit`, straight from the report
        Format::Sarif => report::sarif::render(&report),
        Format::Junit => report::junit::render(&report, &names),
        Format::Github => report::github::render(&report),
        Format::Tickets => report::tickets::render(&report),
    };
    if let Some(c) = &comparison {
        let summary = baseline::render_text(c);
        if matches!(a.format, Format::Text | Format::Grouped) && !a.statistics {
            text.push_str(&summary);
        } else {
            errlines!(summary);
        }
    }
    if let Err(e) = emit(a, &report, &text) {
        errln!("error: {e}");
        return EXIT_ERROR;
    }
    if let Some(notice) = &empty {
        errln!("{}: {notice}", if a.fail_on_empty { "error" } else { "warning" });
    }
    if !report.errors.is_empty() || (a.fail_on_empty && empty.is_some()) {
        EXIT_ERROR
    } else if threshold.is_some_and(|t| report.fails(t)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// What to say when a scan read nothing, or nothing it checks (as ruff says "No Python files
/// found"): a run that checked nothing must not look like a clean one.
fn empty_notice(parsed: &[Source], report: &Report) -> Option<String> {
    if parsed.is_empty() {
        return Some(
            "no file to scan under the given paths (kubeharden reads .yaml, .yml, .json and Dockerfiles)".to_owned(),
        );
    }
    let checked = report.summary.objects > 0
        || parsed.iter().any(|s| s.dockerfile.is_some() || !s.images.is_empty() || s.trivy.is_some());
    (!checked && report.errors.is_empty()).then(|| {
        format!(
            "no Kubernetes object, Dockerfile, image metadata or Trivy report in the {} file{} read: nothing was checked",
            parsed.len(),
            if parsed.len() == 1 { "" } else { "s" }
        )
    })
}

/// Writes a report's JSON and a final line break to `path` (standard output when `None`),
/// without building the text in memory. A closed standard output is no error.
fn write_json(report: &Report, path: Option<&std::path::Path>) -> std::io::Result<()> {
    use std::io::Write as _;
    let result = match path {
        Some(p) => {
            let mut w = std::io::BufWriter::new(std::fs::File::create(p)?);
            report.write_json(&mut w).and_then(|()| w.write_all(b"\n")).and_then(|()| w.flush())
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            report.write_json(&mut w).and_then(|()| w.write_all(b"\n")).and_then(|()| w.flush())
        }
    };
    match result {
        Err(e) if path.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// Writes the rendered output: stdout, `--output FILE`, or one ticket per file in `--output DIR`.
fn emit(a: &ScanArgs, report: &kubeharden::Report, text: &str) -> Result<(), String> {
    if a.format == Format::Json && !a.statistics {
        return write_json(report, a.output.as_deref())
            .map_err(|e| format!("{}: cannot write: {e}", a.output.as_deref().unwrap_or("-".as_ref()).display()));
    }
    let Some(path) = &a.output else {
        out!("{text}");
        return Ok(());
    };
    if a.format == Format::Tickets && path.is_dir() {
        for t in report::tickets::tickets(report) {
            let file = path.join(format!("{}.md", t.fingerprint));
            std::fs::write(&file, &t.markdown).map_err(|e| format!("{}: cannot write: {e}", file.display()))?;
        }
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}
