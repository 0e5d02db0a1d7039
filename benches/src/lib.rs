//! Shared helpers of the benchmarks: loading the corpora of `../shared`.

use std::path::{Path, PathBuf};

use kubeharden::SourceFile;

/// The shared material folder (`../shared` beside the repository).
#[must_use]
pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
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
