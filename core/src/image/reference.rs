//! Image references: `registry[:port]/path/name[:tag][@digest]`, split by one grammar
//! ([`RefParts::split`]) and normalised as Docker reads them ([`normalize_repository`]: `nginx`
//! is `docker.io/library/nginx`). Every reader of an image reference — the workload rules, the
//! Dockerfile and image rules, the inventory's image index, the audit — goes through here.
//!
//! Docker's grammar (`distribution/reference`): the first path component is a registry host when
//! it is `localhost`, contains a `.` or a `:` (a port), or has an uppercase letter; Docker Hub's
//! legacy host `index.docker.io` is `docker.io`; a Docker Hub name of one component is in
//! `library/`. What we do beyond Docker, for matching only:
//! - `registry-1.docker.io` and `registry.hub.docker.com` (the same registry under other names)
//!   are `docker.io` too;
//! - the registry host is lowercased: host names are case-insensitive (DNS), so
//!   `Registry.Example.com/app` and `registry.example.com/app` are one repository. Docker keeps
//!   the host as written.
//! - the path is kept as written. Docker refuses a reference whose path has an uppercase letter
//!   (`repository name must be lowercase`); such a reference is kept as written, so it matches no
//!   metadata of a lowercase repository (which Docker could not have pulled for it either).

/// Where a reference's tag and digest are, borrowing the text: `name[:tag][@digest]`. The digest
/// follows the first `@`; the tag follows the last `:` after the last `/` (a `:` before it
/// belongs to a registry port).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefParts<'a> {
    /// Everything before the tag and digest, as written (`registry.example.com:5000/team/app`).
    pub name: &'a str,
    /// The tag as written, if there is a `:` (empty for `app:`).
    pub tag: Option<&'a str>,
    /// The digest as written (`sha256:...`), if there is an `@`.
    pub digest: Option<&'a str>,
}

impl<'a> RefParts<'a> {
    /// Splits a reference (surrounding whitespace ignored). Never fails: whether the parts make a
    /// reference is for the caller ([`ImageRef::parse`]) to judge.
    #[must_use]
    pub fn split(reference: &'a str) -> Self {
        let s = reference.trim();
        let (name, digest) = match s.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (s, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        match name.get(last_slash..).and_then(|last| last.rfind(':')) {
            Some(i) => {
                let cut = last_slash + i;
                RefParts { name: name.get(..cut).unwrap_or(name), tag: name.get(cut + 1..), digest }
            }
            None => RefParts { name, tag: None, digest },
        }
    }

    /// Whether the digest is a well-formed `sha256:` followed by 64 hexadecimal digits.
    #[must_use]
    pub fn has_sha256_digest(&self) -> bool {
        self.digest
            .and_then(|d| d.strip_prefix("sha256:"))
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

/// A parsed image reference, its repository normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io/library/nginx`, `localhost:5000/app`.
    pub repository: String,
    /// The tag, if written (`1.25`); a registry port is not a tag.
    pub tag: Option<String>,
    /// The digest, if written (`sha256:...`).
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference. `None` for text that cannot be one (empty, spaces, a variable, an
    /// empty name or tag).
    #[must_use]
    pub fn parse(s: &str) -> Option<ImageRef> {
        let s = s.trim();
        if s.is_empty() || s.contains(char::is_whitespace) || s.contains('$') {
            return None;
        }
        let p = RefParts::split(s);
        let last_name = p.name.rsplit('/').next().unwrap_or(p.name);
        if last_name.is_empty() || p.tag == Some("") {
            return None;
        }
        Some(ImageRef {
            repository: normalize_repository(p.name),
            tag: p.tag.map(str::to_owned),
            digest: p.digest.map(str::to_owned),
        })
    }

    /// The tag, `latest` when none is written and no digest pins the image.
    #[must_use]
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// The last path component (`nginx` of `docker.io/library/nginx`).
    #[must_use]
    pub fn short_name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }

    /// Keys by which metadata can be matched: `digest:<d>` and `tag:<repository>:<tag>`.
    #[must_use]
    pub fn keys(&self) -> Vec<String> {
        let mut k = Vec::new();
        if let Some(d) = &self.digest {
            k.push(format!("digest:{d}"));
        }
        if let Some(t) = self.effective_tag() {
            k.push(format!("tag:{}:{t}", self.repository));
        }
        k
    }
}

/// The digest of a pod's `status.containerStatuses[].imageID`, as the container runtime writes it
/// (`docker-pullable://nginx@sha256:...`, `docker.io/library/nginx@sha256:...`). A bare
/// `sha256:...` is the image's id, not a repository digest: nothing.
#[must_use]
pub fn image_id_digest(image_id: &str) -> Option<&str> {
    image_id.rsplit_once('@').map(|(_, d)| d).filter(|d| d.starts_with("sha256:"))
}

/// Docker Hub under its other host names.
const DOCKER_HUB_HOSTS: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];

/// The repository of a name (a reference without tag and digest), normalised: `nginx` →
/// `docker.io/library/nginx`; `user/app` → `docker.io/user/app`; `Registry.Example.com/App` →
/// `registry.example.com/App`; `index.docker.io/x`, `registry-1.docker.io/x`,
/// `registry.hub.docker.com/x` → `docker.io/library/x` (see the module docs).
#[must_use]
pub fn normalize_repository(name: &str) -> String {
    let (host, path) = match name.split_once('/') {
        Some((first, rest))
            if first == "localhost" || first.contains(['.', ':']) || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (first.to_ascii_lowercase(), rest)
        }
        _ => ("docker.io".to_owned(), name),
    };
    if DOCKER_HUB_HOSTS.contains(&host.as_str()) {
        if path.contains('/') {
            format!("docker.io/{path}")
        } else {
            format!("docker.io/library/{path}")
        }
    } else {
        format!("{host}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref(), r.effective_tag()),
            ("docker.io/library/nginx", None, Some("latest"))
        );
        let r = ImageRef::parse("localhost:5000/app").unwrap();
        assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("localhost:5000/app", None));
        let r = ImageRef::parse("registry.example.com:5000/team/app:1.2@sha256:abc").unwrap();
        assert_eq!((r.tag.as_deref(), r.digest.as_deref()), (Some("1.2"), Some("sha256:abc")));
        assert_eq!(
            r.keys(),
            vec!["digest:sha256:abc".to_owned(), "tag:registry.example.com:5000/team/app:1.2".to_owned()]
        );
        assert_eq!(ImageRef::parse("index.docker.io/library/nginx:1").unwrap().repository, "docker.io/library/nginx");
        assert_eq!(ImageRef::parse("bitnami/redis:7").unwrap().repository, "docker.io/bitnami/redis");
        assert_eq!(ImageRef::parse("app@sha256:x").unwrap().effective_tag(), None);
        let r = ImageRef::parse("ghcr.io/o/app:v1@sha256:abc").unwrap();
        assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("ghcr.io/o/app", Some("v1")));
        assert!(ImageRef::parse("${IMG}").is_none());
        assert!(ImageRef::parse("app:").is_none());
        assert!(ImageRef::parse("").is_none());
    }

    #[test]
    fn the_two_old_normalisers_no_longer_disagree() {
        // One of them mapped `registry.hub.docker.com` and kept case; the other lowercased
        // everything and did not know that host.
        for hub in ["registry.hub.docker.com", "index.docker.io", "registry-1.docker.io", "docker.io", "Docker.IO"] {
            assert_eq!(normalize_repository(&format!("{hub}/busybox")), "docker.io/library/busybox", "{hub}");
            assert_eq!(normalize_repository(&format!("{hub}/team/app")), "docker.io/team/app", "{hub}");
        }
        // the host is lowercased (DNS is case-insensitive); the path is kept as written
        assert_eq!(normalize_repository("Registry.Example.com/team/app"), "registry.example.com/team/app");
        assert_eq!(normalize_repository("registry.example.com/Team/App"), "registry.example.com/Team/App");
        // Docker: an uppercase first component is a host, not a Docker Hub namespace
        assert_eq!(normalize_repository("Myhost/app"), "myhost/app");
        assert_eq!(normalize_repository("myhost/app"), "docker.io/myhost/app");
        // an uppercase path never matches a lowercase repository
        assert_ne!(ImageRef::parse("Nginx:1").unwrap().repository, ImageRef::parse("nginx:1").unwrap().repository);
    }

    #[test]
    fn status_image_ids() {
        assert_eq!(image_id_digest("docker-pullable://nginx@sha256:1"), Some("sha256:1"));
        assert_eq!(image_id_digest("docker.io/library/nginx@sha256:2"), Some("sha256:2"));
        assert_eq!(image_id_digest("sha256:1"), None);
    }

    #[test]
    fn parts_as_written() {
        let p = RefParts::split("registry.example.com:5000/app");
        assert_eq!((p.name, p.tag, p.digest), ("registry.example.com:5000/app", None, None));
        let p = RefParts::split(" host:5000/team/app:1.2 ");
        assert_eq!((p.name, p.tag), ("host:5000/team/app", Some("1.2")));
        let p = RefParts::split("app:");
        assert_eq!((p.name, p.tag), ("app", Some("")));
        let d = format!("nginx@sha256:{}", "a".repeat(64));
        let p = RefParts::split(&d);
        assert_eq!((p.name, p.tag), ("nginx", None));
        assert!(p.has_sha256_digest());
        assert!(!RefParts::split("nginx@sha256:abc").has_sha256_digest());
    }
}
