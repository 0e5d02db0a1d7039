//! Image metadata (`skopeo inspect` JSON) and image references.

use serde::{Deserialize, Serialize};

use crate::time::parse_rfc3339;

/// What the audit knows about an image from `skopeo inspect docker://IMAGE`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageMeta {
    /// Where it was read from (a file name).
    pub source: String,
    /// `Name`: the repository (`docker.io/library/nginx`), normalized.
    pub name: Option<String>,
    /// `Digest` (`sha256:...`).
    pub digest: Option<String>,
    /// `Created`, as written.
    pub created: Option<String>,
    /// Tags of `RepoTags` written as whole references of this repository (`docker inspect`'s
    /// `nginx:1.25`); skopeo's bare tag names (every tag of the repository) are not read.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl ImageMeta {
    /// Reads the JSON of `skopeo inspect` (also accepts `docker inspect`'s single object or
    /// one-element array: `RepoDigests`, `Created`).
    ///
    /// # Errors
    /// A message when the text is not a JSON object.
    pub fn from_json(source: &str, text: &str) -> Result<Self, String> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let v = match v {
            serde_json::Value::Array(mut a) if a.len() == 1 => a.pop().unwrap_or_default(),
            v => v,
        };
        let obj = v.as_object().ok_or("not a JSON object: expected the output of `skopeo inspect`")?;
        let s = |k: &str| obj.get(k).and_then(serde_json::Value::as_str).filter(|x| !x.is_empty()).map(str::to_owned);
        let mut name = s("Name").map(|n| normalize_repository(&n));
        let mut digest = s("Digest");
        if let Some(rd) =
            obj.get("RepoDigests").and_then(|r| r.as_array()).and_then(|a| a.first()).and_then(|x| x.as_str())
        {
            if let Some((repo, d)) = rd.split_once('@') {
                name = name.or_else(|| Some(normalize_repository(repo)));
                digest = digest.or_else(|| Some(d.to_owned()));
            }
        }
        let tag_refs: Vec<ImageRef> = obj
            .get("RepoTags")
            .and_then(|r| r.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(serde_json::Value::as_str)
                    .filter(|t| t.rsplit('/').next().is_some_and(|last| last.contains(':')))
                    .map(ImageRef::parse)
                    .collect()
            })
            .unwrap_or_default();
        if name.is_none() {
            name = tag_refs.first().map(|r| r.repository.clone());
        }
        let tags = tag_refs
            .into_iter()
            .filter(|r| name.as_deref() == Some(r.repository.as_str()))
            .filter_map(|r| r.tag)
            .collect();
        if name.is_none() && digest.is_none() {
            return Err(
                "names no image: neither `Name` nor `Digest` (an image config needs `--image REF=FILE`)".to_owned()
            );
        }
        Ok(ImageMeta { source: source.to_owned(), name, digest, created: s("Created"), tags })
    }

    /// `Created` as Unix seconds; `None` when absent, unparsable, or at/before the Unix epoch
    /// (reproducible builds set it to 0: unknown, not old).
    #[must_use]
    pub fn created_secs(&self) -> Option<i64> {
        self.created.as_deref().and_then(parse_rfc3339).filter(|&t| t > 0)
    }
}

/// An image reference split into its normalized repository, tag and digest:
/// `nginx:1.25` → (`docker.io/library/nginx`, `1.25`, none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `registry/path` with Docker Hub's defaults filled in.
    pub repository: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest (`sha256:...`), if any.
    pub digest: Option<String>,
}

/// Docker Hub's defaults: `nginx` → `docker.io/library/nginx`, `bitnami/redis` →
/// `docker.io/bitnami/redis`, `index.docker.io/x` → `docker.io/x`.
#[must_use]
pub fn normalize_repository(repo: &str) -> String {
    let (first, rest) = match repo.split_once('/') {
        Some((f, r)) if f.contains('.') || f.contains(':') || f == "localhost" => (f, r.to_owned()),
        _ => ("docker.io", repo.to_owned()),
    };
    let host = match first {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => "docker.io",
        h => h,
    };
    if host == "docker.io" && !rest.contains('/') {
        format!("docker.io/library/{rest}")
    } else {
        format!("{host}/{rest}")
    }
}

impl ImageRef {
    /// Parses a reference as written in a pod spec.
    #[must_use]
    pub fn parse(image: &str) -> Self {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (image, None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (repo, tag) = match rest.get(slash..).and_then(|last| last.rfind(':')) {
            Some(i) => (rest.get(..slash + i).unwrap_or(rest), rest.get(slash + i + 1..).map(str::to_owned)),
            None => (rest, None),
        };
        ImageRef { repository: normalize_repository(repo), tag, digest }
    }
}

/// The digest of a `containerStatuses[].imageID` (`docker-pullable://nginx@sha256:...`,
/// `docker.io/library/nginx@sha256:...`, or a bare `sha256:...` image id, which is not a
/// repository digest and gives nothing).
#[must_use]
pub fn status_digest(image_id: &str) -> Option<&str> {
    image_id.rsplit_once('@').map(|(_, d)| d).filter(|d| d.starts_with("sha256:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = ImageRef::parse("nginx:1.25");
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref(), r.digest),
            ("docker.io/library/nginx", Some("1.25"), None)
        );
        let r = ImageRef::parse("localhost:5000/team/app@sha256:abc");
        assert_eq!(
            (r.repository.as_str(), r.tag, r.digest.as_deref()),
            ("localhost:5000/team/app", None, Some("sha256:abc"))
        );
        let r = ImageRef::parse("ghcr.io/o/app:v1@sha256:abc");
        assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("ghcr.io/o/app", Some("v1")));
        assert_eq!(ImageRef::parse("bitnami/redis").repository, "docker.io/bitnami/redis");
        assert_eq!(normalize_repository("index.docker.io/library/busybox"), "docker.io/library/busybox");
        assert_eq!(status_digest("docker-pullable://nginx@sha256:1"), Some("sha256:1"));
        assert_eq!(status_digest("sha256:1"), None);
    }

    #[test]
    fn skopeo() {
        let m = ImageMeta::from_json("n.json", r#"{"Name":"docker.io/library/nginx","Digest":"sha256:1","Created":"2020-01-02T03:04:05.123Z","RepoTags":["1.25"]}"#).unwrap();
        assert_eq!(m.name.as_deref(), Some("docker.io/library/nginx"));
        assert_eq!(m.created_secs(), Some(1_577_934_245));
        let epoch = ImageMeta { created: Some("1970-01-01T00:00:00Z".to_owned()), ..m.clone() };
        assert_eq!(epoch.created_secs(), None);
        assert!(ImageMeta::from_json("c.json", r#"{"config":{"User":""}}"#).unwrap_err().contains("names no image"));
        assert!(ImageMeta::from_json("x.json", "nope").is_err());
        // skopeo's bare tag names are every tag of the repository: not this image's
        assert!(m.tags.is_empty());
        let d = ImageMeta::from_json(
            "d.json",
            r#"[{"Id":"sha256:c","RepoTags":["nginx:1.25","other/x:2","localhost:5000/y"],"RepoDigests":["nginx@sha256:2"],"Config":{}}]"#,
        )
        .unwrap();
        assert_eq!((d.name.as_deref(), d.tags.as_slice()), (Some("docker.io/library/nginx"), &["1.25".to_owned()][..]));
    }
}
