//! Platforms (`linux/amd64`, `linux/arm64/v8`) and the choice of one manifest of an index.

use std::fmt;
use std::str::FromStr;

/// An OS, architecture and optional variant, as `--platform` and Docker write them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Platform {
    /// `linux`, `windows`.
    pub os: String,
    /// `amd64`, `arm64`, `arm`.
    pub architecture: String,
    /// `v8`, `v7`, if any.
    pub variant: Option<String>,
}

impl Default for Platform {
    fn default() -> Self {
        Platform { os: "linux".to_owned(), architecture: "amd64".to_owned(), variant: None }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = String;

    /// `os/arch[/variant]`; Docker's `arm64` alias `aarch64` and `x86_64` for `amd64` are read
    /// as Go names.
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split('/').collect();
        let ok = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let (os, arch, variant) = match parts.as_slice() {
            [os, arch] if ok(os) && ok(arch) => (*os, *arch, None),
            [os, arch, v] if ok(os) && ok(arch) && ok(v) => (*os, *arch, Some((*v).to_owned())),
            _ => return Err(format!("`{s}` is not a platform: expected `os/architecture[/variant]` (`linux/arm64`)")),
        };
        let architecture = match arch.to_ascii_lowercase().as_str() {
            "x86_64" | "x86-64" => "amd64".to_owned(),
            "aarch64" => "arm64".to_owned(),
            a => a.to_owned(),
        };
        Ok(Platform { os: os.to_ascii_lowercase(), architecture, variant: variant.map(|v| v.to_ascii_lowercase()) })
    }
}

impl Platform {
    /// Whether an index entry's platform is this one. A wanted variant must be equal; without
    /// one, any variant matches, except that `arm64` prefers `v8` or none (see [`choose`]).
    fn matches(&self, os: &str, architecture: &str, variant: Option<&str>) -> bool {
        self.os == os
            && self.architecture == architecture
            && match (&self.variant, variant) {
                (Some(w), Some(v)) => w == v,
                (Some(w), None) => self.architecture == "arm64" && w == "v8",
                (None, _) => true,
            }
    }
}

/// An entry of an image index, as far as choosing goes.
pub(crate) struct Candidate<'a> {
    pub os: &'a str,
    pub architecture: &'a str,
    pub variant: Option<&'a str>,
}

/// The index of the manifest for `want` among `candidates`: the first exact match, a variant
/// written by neither side before one written by the index only.
pub(crate) fn choose(want: &Platform, candidates: &[Candidate<'_>]) -> Option<usize> {
    let matching = || candidates.iter().enumerate().filter(|(_, c)| want.matches(c.os, c.architecture, c.variant));
    if want.variant.is_none() {
        // `linux/arm64` picks `arm64` or `arm64/v8` before another variant
        if let Some((i, _)) = matching().find(|(_, c)| c.variant.is_none() || c.variant == Some("v8")) {
            return Some(i);
        }
    }
    matching().map(|(i, _)| i).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_platforms() {
        assert_eq!("linux/amd64".parse::<Platform>().unwrap(), Platform::default());
        let p: Platform = "linux/arm64/v8".parse().unwrap();
        assert_eq!(p.to_string(), "linux/arm64/v8");
        assert_eq!("linux/aarch64".parse::<Platform>().unwrap().architecture, "arm64");
        for bad in ["linux", "linux/", "/amd64", "linux/amd64/v8/x", "linux/am d64", ""] {
            assert!(bad.parse::<Platform>().is_err(), "{bad}");
        }
    }

    #[test]
    fn chooses() {
        let c = |os, architecture, variant| Candidate { os, architecture, variant };
        let list = [
            c("linux", "arm", Some("v7")),
            c("linux", "arm64", Some("v8")),
            c("linux", "amd64", None),
            c("unknown", "unknown", None),
        ];
        assert_eq!(choose(&Platform::default(), &list), Some(2));
        assert_eq!(choose(&"linux/arm64".parse().unwrap(), &list), Some(1));
        assert_eq!(choose(&"linux/arm64/v8".parse().unwrap(), &list), Some(1));
        assert_eq!(choose(&"linux/arm".parse().unwrap(), &list), Some(0));
        assert_eq!(choose(&"linux/arm/v6".parse().unwrap(), &list), None);
        assert_eq!(choose(&"windows/amd64".parse().unwrap(), &list), None);
        let no_variant = [c("linux", "arm64", None)];
        assert_eq!(choose(&"linux/arm64/v8".parse().unwrap(), &no_variant), Some(0));
    }
}
