//! Image references: `registry[:port]/path/name[:tag][@digest]`, normalised as Docker reads them
//! (`nginx` is `docker.io/library/nginx:latest`).

/// A parsed image reference.
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
    /// Parses a reference. `None` for text that cannot be one (empty, spaces, a variable).
    #[must_use]
    pub fn parse(s: &str) -> Option<ImageRef> {
        let s = s.trim();
        if s.is_empty() || s.contains(char::is_whitespace) || s.contains('$') {
            return None;
        }
        let (name, digest) = match s.split_once('@') {
            Some((n, d)) => (n, Some(d.to_owned())),
            None => (s, None),
        };
        let (path, last) = match name.rsplit_once('/') {
            Some((p, l)) => (Some(p), l),
            None => (None, name),
        };
        let (last_name, tag) = match last.split_once(':') {
            Some((n, t)) => (n, Some(t.to_owned())),
            None => (last, None),
        };
        if last_name.is_empty() || tag.as_deref() == Some("") {
            return None;
        }
        let full = match path {
            Some(p) => format!("{p}/{last_name}"),
            None => last_name.to_owned(),
        };
        Some(ImageRef { repository: normalize_repository(&full), tag, digest })
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

/// `nginx` → `docker.io/library/nginx`; `user/app` → `docker.io/user/app`; registries with a dot,
/// a port or `localhost` are kept; `index.docker.io` is `docker.io`.
#[must_use]
pub fn normalize_repository(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let (first, rest) = match lower.split_once('/') {
        Some((f, r)) => (f, Some(r)),
        None => (lower.as_str(), None),
    };
    let is_registry = rest.is_some() && (first.contains('.') || first.contains(':') || first == "localhost");
    match (is_registry, rest) {
        (true, Some(r)) => {
            let reg = if matches!(first, "index.docker.io" | "registry-1.docker.io") { "docker.io" } else { first };
            if reg == "docker.io" && !r.contains('/') {
                format!("docker.io/library/{r}")
            } else {
                format!("{reg}/{r}")
            }
        }
        _ if !lower.contains('/') => format!("docker.io/library/{lower}"),
        _ => format!("docker.io/{lower}"),
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
        assert!(ImageRef::parse("${IMG}").is_none());
        assert!(ImageRef::parse("app:").is_none());
    }
}
