//! Reading inputs: files, directories (recursive), `-` for stdin. Symbolic links inside a
//! scanned directory are not followed unless asked, so a scan never leaves the tree it was given
//! and a link loop ends.
//!
//! Nothing is skipped silently: hidden files and directories (`.github/`, `.deploy/`) are read;
//! only version-control metadata (`.git`, `.hg`, `.svn`, `.bzr`, `.jj`) is left out without a
//! word. Dependency and build directories (`node_modules`, `target`) and what is not a regular
//! file (a FIFO, a socket, a device: reading one could block forever) are skipped with a notice
//! ([`Item::Skipped`]); a path named on the command line is always read.
//!
//! The Python binding's `kubeharden.scan_paths` reads inputs with this module too, so both read
//! the same files.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use kubeharden::SourceFile;

/// Whether a directory entry is a file kubeharden reads: YAML and JSON (manifests, image
/// metadata, Trivy reports) and Dockerfiles by name, hidden ones included.
pub fn is_scannable(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(ext, "yaml" | "yml" | "json") || kubeharden::dockerfile::is_dockerfile_name(name)
}

/// Version-control metadata: never scanned, without a notice.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".bzr", ".jj"];

/// Directories of dependencies and build output: skipped with a notice (name one on the command
/// line to scan it).
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

/// A file to read, or a problem met while listing inputs.
pub enum Item {
    /// A path (or `-`).
    Path(PathBuf),
    /// A problem: (name, message).
    Problem(String, String),
    /// A path left out of a directory walk, with the reason: (name, reason). Not an error, but
    /// said on standard error.
    Skipped(String, String),
}

/// The notice for a skipped path, as printed on standard error.
#[must_use]
pub fn skipped_notice(name: &str, reason: &str) -> String {
    format!("kubeharden: skipped `{}`: {reason}", kubeharden::report::escape::escape_control(name))
}

/// The notice for a file left out because it is none of kubeharden's inputs
/// ([`kubeharden::Source::not_input`]: a kustomization, a values file, a report it wrote, ...).
#[must_use]
pub fn not_input_notice(e: &kubeharden::InputError) -> String {
    let at = match e.line {
        Some(l) => format!("{}:{l}", e.file),
        None => e.file.clone(),
    };
    skipped_notice(&at, &e.message)
}

/// Says which files were left out as none of kubeharden's inputs, on standard error; one read
/// from standard input is an input error instead (piped in, it was meant to be checked).
pub fn report_not_inputs(skipped: &mut Vec<kubeharden::InputError>, errors: &mut Vec<kubeharden::InputError>) {
    for e in std::mem::take(skipped) {
        if e.file == STDIN {
            errors.push(e);
        } else {
            errln!("{}", not_input_notice(&e));
            skipped.push(e);
        }
    }
}

/// The name of standard input in reports.
pub const STDIN: &str = "<stdin>";

/// Expands the command-line paths into files, in a deterministic order.
pub fn expand(paths: &[PathBuf], follow_symlinks: bool) -> Vec<Item> {
    expand_rooted(paths, follow_symlinks).into_iter().map(|(_, item)| item).collect()
}

/// Expands the command-line paths into files, each with its input: a directory argument is one
/// input (everything under it), a file argument's input is its directory (so the files of one
/// directory named one by one, as pre-commit names them, are one input), standard input is
/// `<stdin>`. Each input is a cluster of its own ([`kubeharden::SourceScope::input`]).
pub fn expand_rooted(paths: &[PathBuf], follow_symlinks: bool) -> Vec<(String, Item)> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(("<stdin>".to_owned(), Item::Path(p.clone())));
            continue;
        }
        let mut items = Vec::new();
        let root = match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                walk(p, follow_symlinks, &mut items, 0, &mut HashSet::new());
                p.display().to_string()
            }
            Ok(_) => {
                items.push(Item::Path(p.clone()));
                directory_of(p)
            }
            Err(e) => {
                items.push(Item::Problem(p.display().to_string(), format!("cannot read: {e}")));
                directory_of(p)
            }
        };
        out.extend(items.into_iter().map(|i| (root.clone(), i)));
    }
    out
}

/// The directory of a file argument, as written (`.` for a bare name).
fn directory_of(p: &Path) -> String {
    match p.parent().map(Path::as_os_str).filter(|d| !d.is_empty()) {
        Some(d) => Path::new(d).display().to_string(),
        None => ".".to_owned(),
    }
}

fn walk(dir: &Path, follow: bool, out: &mut Vec<Item>, depth: usize, seen: &mut HashSet<PathBuf>) {
    // A directory reached twice (a symbolic link loop, or two links to one place when
    // following links) is read once.
    if let Ok(real) = std::fs::canonicalize(dir) {
        if !seen.insert(real) {
            return;
        }
    }
    if depth > 64 {
        out.push(Item::Problem(dir.display().to_string(), "directories nested deeper than 64 levels".to_owned()));
        return;
    }
    // The entry's type comes with the directory listing (no `stat` per file), as
    // `symlink_metadata` would give it: links are not followed.
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| (e.path(), e.file_type().ok())).collect(),
        Err(e) => {
            out.push(Item::Problem(dir.display().to_string(), format!("cannot read directory: {e}")));
            return;
        }
    };
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, ft) in entries {
        let Some(ft) = ft.or_else(|| std::fs::symlink_metadata(&p).ok().map(|m| m.file_type())) else { continue };
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if ft.is_symlink() {
            if !follow {
                continue;
            }
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => walk(&p, follow, out, depth + 1, seen),
                Ok(m) if m.is_file() && is_scannable(&p) => out.push(Item::Path(p)),
                Ok(_) if is_scannable(&p) => out.push(Item::Skipped(
                    p.display().to_string(),
                    "not a regular file (a FIFO, socket or device; name it to read it)".to_owned(),
                )),
                _ => {}
            }
        } else if ft.is_dir() {
            if VCS_DIRS.contains(&name) {
                continue;
            }
            if SKIPPED_DIRS.contains(&name) {
                out.push(Item::Skipped(
                    p.display().to_string(),
                    "a dependency or build directory (name it to scan it)".to_owned(),
                ));
                continue;
            }
            walk(&p, follow, out, depth + 1, seen);
        } else if ft.is_file() {
            if is_scannable(&p) {
                out.push(Item::Path(p));
            }
        } else if is_scannable(&p) {
            out.push(Item::Skipped(
                p.display().to_string(),
                "not a regular file (a FIFO, socket or device; name it to read it)".to_owned(),
            ));
        }
    }
}

/// Maximum size of one input file: the library's limit, checked before reading.
pub const MAX_FILE_BYTES: u64 = kubeharden::syntax::MAX_INPUT_BYTES as u64;

/// Reads one input into a [`SourceFile`], or an error message.
pub fn read(path: &Path) -> Result<SourceFile, (String, String)> {
    let name = if path.as_os_str() == "-" { STDIN.to_owned() } else { path.display().to_string() };
    let mut bytes = Vec::new();
    let res = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| {
            // Sized from the file's length: `take` hides it from `read_to_end`, which would
            // otherwise grow the buffer by doubling and keep the spare half for the whole run.
            let len = f.metadata().map_or(0, |m| m.len()).min(MAX_FILE_BYTES + 1);
            bytes.reserve_exact(usize::try_from(len).unwrap_or(0).saturating_add(1));
            f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)
        })
    };
    if let Err(e) = res {
        return Err((name, format!("cannot read: {e}")));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err((name, format!("larger than {} MiB: refused", MAX_FILE_BYTES / 1024 / 1024)));
    }
    // Decoded as the bindings decode bytes: the same message for the same bad byte.
    let file = SourceFile::from_utf8(name, bytes);
    match file.unreadable() {
        Some(message) => Err((file.name.clone(), message.to_owned())),
        None => Ok(file),
    }
}
