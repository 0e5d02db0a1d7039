//! `kubeharden fix PATH...`: apply the findings' fixes to the files (or show them as a diff).
//!
//! The core computes everything ([`kubeharden::fix::fix_sources`]: the fix loop, with the
//! re-check and the revert of a file whose fixed text would not read as it did); this command
//! reads the files, runs the loop with the files in parallel, and writes each changed file
//! atomically (a temporary file beside it, its permissions, a rename; several files at once, the
//! files of a pass while the next pass runs), or prints a unified diff.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use kubeharden::fix::{self, FixOutcome, Pipeline};
use kubeharden::{Checker, Report, Source, SourceFile};
use rayon::prelude::*;

use crate::inputs::{self, Item};
use crate::scan::{check_all, now_rfc3339};
use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// Arguments of `fix`.
#[derive(Args, Debug)]
pub struct FixArgs {
    /// Files or directories (recursive: .yaml, .yml, .json, Dockerfiles by name); `-` reads
    /// stdin and writes the fixed text to stdout.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Apply unsafe fixes too (they may change what a workload does: `runAsNonRoot`, dropped
    /// capabilities, limits, `enforce` labels, default-deny NetworkPolicies, `USER`).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Write nothing: print the changes as a unified diff (exit 1 when something would change).
    #[arg(long)]
    pub diff: bool,
    /// Configuration file (default: .kubeharden.yaml in the working directory, if present); its
    /// `fix:` section gives the values fixes cannot know (run-as UID, resource sizes).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Fix only these rules' findings (names or ids, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Leave these rules' findings alone (names or ids, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// "Now" for date rules (RFC 3339); default: the system clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Follow symbolic links inside the given directories.
    #[arg(long)]
    pub follow_symlinks: bool,
}

/// Files in parallel: parsing, checking and fixing each file on rayon's threads; the files each
/// pass fixed written in the background ([`Writer`]) while the next pass runs, unless only a diff
/// is shown.
struct Parallel<'c> {
    checker: &'c Checker,
    writer: Option<Writer<'c>>,
}

impl Pipeline for Parallel<'_> {
    fn checker(&self) -> &Checker {
        self.checker
    }

    fn parse(&self, files: &[SourceFile]) -> Vec<Source> {
        let options = self.checker.parse_options();
        files.par_iter().map(|f| kubeharden::source::parse(f, options)).collect()
    }

    fn check(&self, sources: &[Source]) -> Report {
        check_all(self.checker, sources)
    }

    fn fixed(&self, files: &[(usize, &SourceFile)]) {
        if let Some(w) = &self.writer {
            w.write(files);
        }
    }

    fn each<T: Send>(&self, n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
        // One task per index, taken in order by whichever thread is free (a parallel iterator
        // would split the range in halves: the biggest files, which the fix loop puts first,
        // would all be one thread's while the other is idle at the end).
        let slots: Vec<std::sync::Mutex<Option<T>>> = (0..n).map(|_| std::sync::Mutex::new(None)).collect();
        let f = &f;
        rayon::scope_fifo(|scope| {
            for (i, slot) in slots.iter().enumerate() {
                scope.spawn_fifo(move |_| {
                    let value = f(i);
                    *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
                });
            }
        });
        slots.into_iter().filter_map(|s| s.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)).collect()
    }

    fn discard<T>(&self, value: T) {
        // The process ends soon: freeing syntax trees node by node and reports finding by finding
        // would cost more than a re-check of the unchanged files (`scan` leaves its trees too).
        std::mem::forget(value);
    }
}

/// Reads every input as a [`SourceFile`] (one that cannot be read becomes one the front door
/// reports as an input error), with the paths to write back (`None` for stdin).
fn read_inputs(paths: &[PathBuf], follow: bool) -> Vec<(SourceFile, Option<PathBuf>)> {
    let mut items = inputs::expand(paths, follow);
    items.retain(|item| match item {
        Item::Skipped(name, reason) => {
            errln!("{}", inputs::skipped_notice(name, reason));
            false
        }
        _ => true,
    });
    items
        .into_par_iter()
        .map(|item| match item {
            Item::Problem(name, msg) | Item::Skipped(name, msg) => (SourceFile::failed(name, msg), None),
            Item::Path(p) => match inputs::read(&p) {
                Ok(f) => {
                    let target = (p.as_os_str() != "-").then_some(p);
                    (f, target)
                }
                Err((name, msg)) => (SourceFile::failed(name, msg), None),
            },
        })
        .collect()
}

/// What [`write_atomically`] writes: the file a path names (a symbolic link resolved: its target
/// is rewritten, the link stays), which file it is, and its permissions.
struct Target {
    file: PathBuf,
    id: FileId,
    permissions: std::fs::Permissions,
}

/// Which file a path names: two paths of one file (a link and its target, a hard link, `./a` and
/// `a`) have one id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FileId {
    /// Device and inode.
    #[cfg(unix)]
    Inode(u64, u64),
    /// The canonical path.
    #[cfg(not(unix))]
    Path(PathBuf),
}

/// The [`Target`] of a path: two `stat`s, and the canonical path only of a symbolic link (it
/// takes a `readlink` per component).
fn resolve(path: &Path) -> Result<Target, String> {
    let fail = |e: std::io::Error| format!("{}: cannot resolve: {e}", path.display());
    let meta = std::fs::metadata(path).map_err(fail)?;
    let link = std::fs::symlink_metadata(path).map_err(fail)?.file_type().is_symlink();
    let file = if link { std::fs::canonicalize(path).map_err(fail)? } else { path.to_path_buf() };
    #[cfg(unix)]
    let id = {
        use std::os::unix::fs::MetadataExt;
        FileId::Inode(meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let id = FileId::Path(std::fs::canonicalize(path).map_err(fail)?);
    Ok(Target { file, id, permissions: meta.permissions() })
}

/// Writes `text` to `path` (whose file and permissions `target` gives, [`resolve`]) atomically: a
/// temporary file in the same directory with the original's permissions, synced, then a rename
/// over it.
fn write_atomically(path: &Path, target: &Target, text: &str) -> Result<(), String> {
    let dir = target.file.parent().unwrap_or_else(|| Path::new("."));
    let name = target.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.kubeharden-{}.tmp", process_id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.set_permissions(target.permissions.clone())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target.file)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("{}: cannot write: {e}", path.display()));
    }
    Ok(())
}

/// This process's id, asked once.
fn process_id() -> u32 {
    static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ID.get_or_init(std::process::id)
}

/// How many files are written at once: a file's write waits for the disk (each is synced before
/// its rename), so more than the cores; on the corpus 8 writers measured faster than 2 or 4 and
/// as fast as 16.
const WRITERS: usize = 8;

/// Writes each `(path, text)` atomically ([`write_atomically`]), [`WRITERS`] at a time: the results
/// in the order of `jobs`. Paths that name one file (a file named twice, a link and its target)
/// are written one after the other in that order, by one writer, as a loop over `jobs` would.
fn write_all(jobs: &[(&Path, &str)]) -> Vec<Result<(), String>> {
    let write = |i: usize, target: &Result<Target, String>| -> Result<(), String> {
        let (path, text) = jobs.get(i).ok_or_else(String::new)?;
        write_atomically(path, target.as_ref().map_err(Clone::clone)?, text)
    };
    if jobs.len() <= 1 {
        return jobs.iter().enumerate().map(|(i, (path, _))| write(i, &resolve(path))).collect();
    }
    let targets: Vec<Result<Target, String>> = jobs.iter().map(|(path, _)| resolve(path)).collect();
    // The jobs by file (the indexes of its jobs in order).
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut by_file: std::collections::HashMap<&FileId, usize> = std::collections::HashMap::new();
    for (i, target) in targets.iter().enumerate() {
        match target {
            Ok(t) => match by_file.get(&t.id) {
                Some(&c) => chains.get_mut(c).into_iter().for_each(|chain| chain.push(i)),
                None => {
                    by_file.insert(&t.id, chains.len());
                    chains.push(vec![i]);
                }
            },
            Err(_) => chains.push(vec![i]),
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<(), String>>> = vec![None; jobs.len()];
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS.min(chains.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(chain) = chains.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        for &i in chain {
                            if let Some(target) = targets.get(i) {
                                done.push((i, write(i, target)));
                            }
                        }
                    }
                    done
                })
            })
            .collect();
        for w in writers {
            for (i, r) in w.join().unwrap_or_default() {
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(r);
                }
            }
        }
    });
    results
        .into_iter()
        .zip(jobs)
        .map(|(r, (path, _))| r.unwrap_or_else(|| Err(format!("{}: cannot write: the writer stopped", path.display()))))
        .collect()
}

/// What the writes of fixed files did: (index of the file, result), in the order they ran.
type Written = Vec<(usize, Result<(), String>)>;

/// Writes the files the fix loop's passes fixed ([`Pipeline::fixed`]) in the background, a pass's
/// files once the previous pass's are written (a file a later pass changes again is written
/// again, after), each atomically ([`write_all`]).
struct Writer<'t> {
    /// Where each input file is written (`None`: standard input, or a file that was not read).
    targets: &'t [Option<PathBuf>],
    /// The writes of the passes so far.
    running: std::sync::Mutex<Option<std::thread::JoinHandle<Written>>>,
}

impl<'t> Writer<'t> {
    fn new(targets: &'t [Option<PathBuf>]) -> Self {
        Writer { targets, running: std::sync::Mutex::new(None) }
    }

    /// Starts writing `files` once the writes started before are done.
    fn write(&self, files: &[(usize, &SourceFile)]) {
        let jobs: Vec<(usize, PathBuf, String)> = files
            .par_iter()
            .filter_map(|(i, f)| Some((*i, self.targets.get(*i)?.clone()?, f.content.clone())))
            .collect();
        if jobs.is_empty() {
            return;
        }
        let mut running = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = running.take();
        *running = Some(std::thread::spawn(move || {
            let mut done = before.map(|w| w.join().unwrap_or_default()).unwrap_or_default();
            let refs: Vec<(&Path, &str)> = jobs.iter().map(|(_, path, text)| (path.as_path(), text.as_str())).collect();
            done.extend(jobs.iter().map(|(i, ..)| *i).zip(write_all(&refs)));
            done
        }));
    }

    /// Waits for every write: what each did, the last write of a file last.
    fn finish(self) -> Written {
        let running = self.running.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        running.map(|w| w.join().unwrap_or_default()).unwrap_or_default()
    }
}

/// The closing line: `Fixed 12 findings in 3 files (4 remaining; 2 more with --unsafe-fixes).`
#[must_use]
pub fn summary(outcome: &FixOutcome, diff: bool, unsafe_fixes: bool) -> String {
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    let fixed = outcome.fixed().len();
    let files = outcome.files.iter().filter(|f| f.changed()).count();
    let verb = if diff { "Would fix" } else { "Fixed" };
    let mut s = format!(
        "{verb} {} in {}, {} remaining",
        plural(fixed, "finding"),
        plural(files, "file"),
        outcome.report.findings.len()
    );
    let more = outcome.unsafe_remaining();
    if !unsafe_fixes && more > 0 {
        s.push_str(&format!(", {more} more with `--unsafe-fixes`"));
    }
    s.push('.');
    s
}

/// Runs `fix`.
pub fn run(a: &FixArgs) -> u8 {
    let config = match crate::scan::load_selected_config(a.config.as_ref(), &a.select, &a.ignore) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let threshold = config.fail_threshold();
    let now = a.now.clone().unwrap_or_else(now_rfc3339);
    let checker = match Checker::new(&config, Some(&now)) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let inputs = read_inputs(&a.paths, a.follow_symlinks);
    let (files, targets): (Vec<SourceFile>, Vec<Option<PathBuf>>) = inputs.into_iter().unzip();
    let stdin = a.paths.iter().any(|p| p.as_os_str() == "-");
    let pipe = Parallel { checker: &checker, writer: (!a.diff).then(|| Writer::new(&targets)) };
    let outcome = fix::fix_sources(&pipe, files, a.unsafe_fixes);
    // What each write of a fixed file did (its last write).
    let mut results: Vec<Option<Result<(), String>>> = vec![None; outcome.files.len()];
    for (i, r) in pipe.writer.map(Writer::finish).unwrap_or_default() {
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    let mut code = EXIT_OK;
    for e in &outcome.before.errors {
        errln!("error: {e}");
        code = EXIT_ERROR;
    }
    for f in &outcome.files {
        if let Some(why) = &f.reverted {
            errln!("warning: {}: {why}", f.name);
        }
    }
    // The summary goes to standard error when the fixed text or the diff is the output.
    let to_stderr = stdin || a.diff;
    let mut changed = false;
    for (i, (f, target)) in outcome.files.iter().zip(&targets).enumerate() {
        if let Some(Some(Err(e))) = results.get(i) {
            errln!("error: {e}");
            code = EXIT_ERROR;
        }
        if !f.changed() {
            if stdin && target.is_none() && f.name == "<stdin>" && !a.diff {
                out!("{}", f.fixed);
            }
            continue;
        }
        changed = true;
        if a.diff {
            let secret = fix::diff::secret_lines(
                &f.original,
                outcome.before.findings.iter().filter(|x| x.file.as_deref() == Some(f.name.as_str())),
            );
            out!("{}", fix::diff::unified(&f.name, &f.original, &f.fixed, &secret, &outcome.before.redactions));
            continue;
        }
        if target.is_none() {
            out!("{}", f.fixed);
        }
    }
    let line = summary(&outcome, a.diff, a.unsafe_fixes);
    if to_stderr {
        errln!("{line}");
    } else {
        outln!("{line}");
    }
    let code = if code == EXIT_ERROR {
        code
    } else if a.diff {
        if changed {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    } else if threshold.is_some_and(|t| outcome.report.fails(t)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends now: every text twice and two reports are left to its end rather than
    // freed piece by piece.
    std::mem::forget(outcome);
    code
}
