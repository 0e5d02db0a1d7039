//! The on-disk cache of manifests, indexes and config blobs, content-addressed by digest:
//! `<dir>/registry/blobs/sha256/<hex>`. Content under a digest never changes, so an entry is
//! never stale; it is checked against its digest when read (a corrupt entry is removed and
//! fetched again) and written atomically (a temporary file renamed into place). Tags are not
//! cached: what a tag points at is asked every time.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// Largest manifest, index or config the cache stores and the client accepts.
pub const MAX_BLOB: usize = 8 << 20;

/// A validated `sha256:<64 lowercase hex>` digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sha256Digest(String);

impl Sha256Digest {
    /// Reads a digest; only `sha256` is accepted (every registry uses it; other algorithms are
    /// refused rather than trusted unchecked).
    ///
    /// # Errors
    /// A message for anything else.
    pub fn parse(s: &str) -> Result<Self, String> {
        let hex = s.strip_prefix("sha256:").ok_or_else(|| format!("`{s}` is not a sha256 digest"))?;
        if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(Sha256Digest(s.to_owned()))
        } else {
            Err(format!("`{s}` is not a sha256 digest (64 lowercase hexadecimal digits)"))
        }
    }

    /// The digest of some bytes.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Self {
        let sum = Sha256::digest(bytes);
        let mut s = String::with_capacity(71);
        s.push_str("sha256:");
        for b in sum {
            s.push(char::from(b"0123456789abcdef".get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            s.push(char::from(b"0123456789abcdef".get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        }
        Sha256Digest(s)
    }

    /// `sha256:...`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn hex(&self) -> &str {
        self.0.strip_prefix("sha256:").unwrap_or(&self.0)
    }
}

/// The cache directory.
#[derive(Clone, Debug)]
pub struct Cache {
    blobs: PathBuf,
}

impl Cache {
    /// A cache under `dir` (created on first write).
    #[must_use]
    pub fn new(dir: &Path) -> Self {
        Cache { blobs: dir.join("registry").join("blobs").join("sha256") }
    }

    fn path(&self, d: &Sha256Digest) -> PathBuf {
        self.blobs.join(d.hex())
    }

    /// The content stored under `d`, if present and intact. A corrupt entry is removed and
    /// reported as the `Err` (a warning: the caller fetches it again).
    ///
    /// # Errors
    /// A message for an entry that is unreadable or does not match its digest.
    pub fn get(&self, d: &Sha256Digest) -> Result<Option<Vec<u8>>, String> {
        let p = self.path(d);
        let bytes = match fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: cannot read cache entry: {e}", p.display())),
        };
        if bytes.len() > MAX_BLOB || Sha256Digest::of(&bytes) != *d {
            let _ = fs::remove_file(&p);
            return Err(format!("{}: cache entry does not match its digest: removed", p.display()));
        }
        Ok(Some(bytes))
    }

    /// Stores `bytes` under their digest `d` (which the caller has verified).
    ///
    /// # Errors
    /// A message when the directory or file cannot be written.
    pub fn put(&self, d: &Sha256Digest, bytes: &[u8]) -> Result<(), String> {
        let fail = |e: std::io::Error| format!("{}: cannot write the cache: {e}", self.blobs.display());
        fs::create_dir_all(&self.blobs).map_err(fail)?;
        let final_path = self.path(d);
        let tmp = self.blobs.join(format!(".{}.{}.tmp", d.hex(), std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &final_path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            fail(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        let d = Sha256Digest::of(b"");
        assert_eq!(d.as_str(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(Sha256Digest::parse(d.as_str()).unwrap(), d);
        for bad in ["sha256:../../etc/passwd", "sha512:00", "sha256:E3B0", "", "sha256:"] {
            assert!(Sha256Digest::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stores_verifies_and_drops_corrupt_entries() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let d = Sha256Digest::of(b"{}");
        assert_eq!(c.get(&d).unwrap(), None);
        c.put(&d, b"{}").unwrap();
        assert_eq!(c.get(&d).unwrap().as_deref(), Some(&b"{}"[..]));
        fs::write(c.path(&d), b"{ }").unwrap();
        assert!(c.get(&d).unwrap_err().contains("does not match"));
        assert_eq!(c.get(&d).unwrap(), None);
    }
}
