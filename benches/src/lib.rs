//! Shared helpers of the benchmarks: loading the corpora of `../shared` and the vendored Pod
//! Security Admission fixtures, and [`synthetic`], the generated NetworkPolicy clusters (not part
//! of the core's API; core/tests/netpol.rs includes the file by path).

use std::path::Path;

use kubeharden::SourceFile;

pub mod synthetic;

#[path = "../../core/tests/support/pss_fixtures.rs"]
mod pss_fixtures;
#[path = "../../core/tests/support/shared.rs"]
mod shared;

/// The shared material folder: `$KUBEHARDEN_SHARED`, else `../shared` of the repository.
pub use shared::dir as shared_dir;

/// Kubernetes' Pod Security Admission fixtures of `level` (`baseline`, `restricted`) at the
/// newest version of the vendored snapshot (`core/tests/data/pss/fixtures.tar.gz`).
///
/// # Errors
/// When the archive cannot be read.
pub fn pss_fixtures_latest(level: &str) -> Result<Vec<SourceFile>, String> {
    let all = pss_fixtures::load()?;
    let minor = |v: &str| v.strip_prefix("v1.").and_then(|m| m.parse::<u32>().ok());
    let newest = all.iter().filter(|f| f.level == level).filter_map(|f| minor(&f.version)).max();
    Ok(all
        .into_iter()
        .filter(|f| f.level == level && minor(&f.version) == newest)
        .map(|f| SourceFile::new(f.path, f.text))
        .collect())
}

/// Every file under `dir` whose name passes `keep`, sorted, as source files.
#[must_use]
pub fn load(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push(SourceFile::new(p.display().to_string(), text));
                }
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The Kubernetes manifest corpus (`shared/corpus/k8s`: .yaml, .yml, .json).
#[must_use]
pub fn k8s_corpus() -> Vec<SourceFile> {
    load(&shared_dir().join("corpus/k8s"), &|p| {
        matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
    })
}

/// Total size in bytes.
#[must_use]
pub fn total_bytes(files: &[SourceFile]) -> u64 {
    files.iter().map(|f| f.content.len() as u64).sum()
}

/// The Dockerfile corpus (`shared/corpus/dockerfiles`: files named as Dockerfiles).
#[must_use]
pub fn dockerfile_corpus() -> Vec<SourceFile> {
    load(&shared_dir().join("corpus/dockerfiles"), &|p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(kubeharden::dockerfile::is_dockerfile_name)
    })
}

/// The ids of every registered rule whose id starts with one of `prefixes` (`POD`, `SEC`, ...).
#[must_use]
pub fn rule_ids<S: AsRef<str>>(prefixes: &[S]) -> Vec<String> {
    kubeharden::RULES
        .iter()
        .map(|r| r.meta().id.0)
        .filter(|id| prefixes.iter().any(|p| id.starts_with(p.as_ref())))
        .map(str::to_owned)
        .collect()
}

/// A configuration that runs only the rules whose ids start with one of `prefixes`.
#[must_use]
pub fn select<S: AsRef<str>>(prefixes: &[S]) -> kubeharden::Config {
    kubeharden::Config { select: Some(rule_ids(prefixes)), ..kubeharden::Config::default() }
}

/// The rule families: the distinct letter prefixes of the registered rule ids (`DKR`, `POD`,
/// `SEC`, ...), sorted. A family added to the registry gets its benchmark without an edit here.
#[must_use]
pub fn families() -> Vec<String> {
    let mut out: Vec<String> = kubeharden::RULES
        .iter()
        .map(|r| r.meta().id.0.chars().take_while(char::is_ascii_alphabetic).collect::<String>())
        .collect();
    out.sort();
    out.dedup();
    out
}
