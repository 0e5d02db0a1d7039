//! Image metadata and vulnerability reports, recognised by content: `skopeo inspect` JSON,
//! `skopeo inspect --config` (an OCI image config), `docker inspect` JSON, and Trivy JSON reports
//! (`SchemaVersion: 2`, whose embedded image config is image metadata too).
//!
//! Everything is read from the spanned syntax tree, so findings point at the line of `Created`,
//! `User` or the vulnerability.

mod reference;
mod trivy;

pub use reference::{image_id_digest, normalize_repository, ImageRef, RefParts};

use crate::api::Severity;
use crate::location::Pos;
use crate::syntax::Node;

/// Which tool wrote the metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataSource {
    /// `skopeo inspect`: repository, digest, created; no user.
    SkopeoInspect,
    /// `skopeo inspect --config`: an OCI image config; has the user, names no image.
    OciConfig,
    /// `docker inspect`: tags, digests, created, user.
    DockerInspect,
    /// The image config embedded in a Trivy report.
    Trivy,
}

impl MetadataSource {
    /// How the source is called in messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            MetadataSource::SkopeoInspect => "skopeo inspect",
            MetadataSource::OciConfig => "OCI image config",
            MetadataSource::DockerInspect => "docker inspect",
            MetadataSource::Trivy => "Trivy report",
        }
    }
}

/// A value with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Its position.
    pub pos: Pos,
    /// Its path in the file (`[0].Config.User`).
    pub path: String,
}

/// The metadata of one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageMeta {
    /// File name.
    pub file: String,
    /// 0-based index of the document in the file.
    pub document: usize,
    /// Which tool wrote it.
    pub source: MetadataSource,
    /// Position of the image's object in the file.
    pub pos: Pos,
    /// References the file names the image by (tags, repository), as written.
    pub names: Vec<String>,
    /// Parsed references used to match workloads' images (digests and repository+tag), plus
    /// those given by `--image REF=FILE`.
    pub refs: Vec<ImageRef>,
    /// The creation time as written.
    pub created: Option<Located<String>>,
    /// The config user (`""` when the config has none), when the input carries the config.
    pub user: Option<Located<String>>,
}

impl ImageMeta {
    /// How to call the image in messages: its first name, else its digest, else the file.
    #[must_use]
    pub fn display_name(&self) -> String {
        if let Some(n) = self.names.first() {
            return n.clone();
        }
        if let Some(d) = self.refs.iter().find_map(|r| r.digest.clone()) {
            return d;
        }
        self.file.clone()
    }

    /// Whether the image matches a reference (by digest, or by repository and tag).
    #[must_use]
    pub fn matches(&self, r: &ImageRef) -> bool {
        let mine: Vec<String> = self.refs.iter().flat_map(ImageRef::keys).collect();
        let theirs = r.keys();
        // a digest decides when both sides have one
        if let Some(d) = &r.digest {
            if self.refs.iter().any(|m| m.digest.is_some()) {
                return mine.contains(&format!("digest:{d}"));
            }
        }
        theirs.iter().any(|k| mine.contains(k))
    }
}

/// One vulnerability of a Trivy report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vulnerability {
    /// `CVE-2024-1234`.
    pub id: String,
    /// Package name.
    pub package: String,
    /// Installed version.
    pub installed: String,
    /// Fixed version(s), if any.
    pub fixed: Option<String>,
    /// Trivy status (`fixed`, `affected`, `will_not_fix`, ...), if the report has it.
    pub status: Option<String>,
    /// Severity as Trivy writes it (`HIGH`).
    pub severity_raw: String,
    /// Severity mapped to ours (`UNKNOWN` is info).
    pub severity: Severity,
    /// Title, if any.
    pub title: Option<String>,
    /// The result target (`nginx:1.25 (debian 12.4)`, a lock file).
    pub target: String,
    /// Where it is.
    pub pos: Pos,
    /// Path in the report (`Results[0].Vulnerabilities[3]`).
    pub path: String,
}

/// A Trivy JSON report (schema version 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrivyReport {
    /// File name.
    pub file: String,
    /// 0-based index of the document in the file.
    pub document: usize,
    /// `ArtifactName`.
    pub artifact: String,
    /// `ArtifactType` (`container_image`, `filesystem`, ...).
    pub artifact_type: Option<String>,
    /// Every vulnerability, in report order.
    pub vulnerabilities: Vec<Vulnerability>,
}

fn s<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

fn strs(n: &Node, key: &str) -> Vec<String> {
    n.get(key).and_then(Node::as_seq).unwrap_or_default().iter().filter_map(Node::as_str).map(str::to_owned).collect()
}

/// The creation time of an image object (`Created` of `docker inspect` and `skopeo inspect`,
/// `created` of an OCI config): the age check needs it, so a missing one, one of another type or
/// one that is no RFC 3339 time (`2024-02-30`, `yesterday`) is a problem, never a skipped check.
fn created(n: &Node, key: &str, prefix: &str, problems: &mut Vec<Problem>) -> Option<Located<String>> {
    let path = join(prefix, key);
    let Some(e) = n.entry(key) else {
        let message = format!("`{path}` is missing: the image's creation time is needed to check its age");
        problems.push(Problem { pos: n.pos, message });
        return None;
    };
    let Some(value) = e.value.as_str() else {
        let message = format!("`{path}` is a {}, expected an RFC 3339 time", e.value.type_name());
        problems.push(Problem { pos: e.value.pos, message });
        return None;
    };
    if crate::time::parse_rfc3339(value).is_none() {
        let message = format!("`{path}` is `{}`, not an RFC 3339 time (`2024-01-31T10:00:00Z`)", value.trim());
        problems.push(Problem { pos: e.value.pos, message });
        return None;
    }
    Some(Located { value: value.to_owned(), pos: e.key_pos, path })
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else if key.starts_with('[') {
        format!("{prefix}{key}")
    } else {
        format!("{prefix}.{key}")
    }
}

/// The config user of an image config object (`config` of an OCI config, `Config` of docker
/// inspect): `""` when the config (or its `User`) is absent or `null`. A config or user of
/// another type is a problem (and reads as `""`, root).
fn config_user(obj: &Node, key: &str, prefix: &str, problems: &mut Vec<Problem>) -> Located<String> {
    let cpath = join(prefix, key);
    let upath = join(&cpath, "User");
    match obj.entry(key).filter(|c| !c.value.is_null()) {
        Some(c) if c.value.as_map().is_none() => {
            let message = format!("`{cpath}` is a {}, expected a mapping", c.value.type_name());
            problems.push(Problem { pos: c.value.pos, message });
            Located { value: String::new(), pos: c.key_pos, path: upath }
        }
        Some(c) => match c.value.entry("User") {
            Some(u) => {
                if !u.value.is_null() && u.value.as_str().is_none() {
                    let message = format!("`{upath}` is a {}, expected a string", u.value.type_name());
                    problems.push(Problem { pos: u.value.pos, message });
                }
                Located { value: u.value.as_str().unwrap_or("").to_owned(), pos: u.key_pos, path: upath }
            }
            None => Located { value: String::new(), pos: c.key_pos, path: upath },
        },
        None => Located { value: String::new(), pos: obj.pos, path: upath },
    }
}

fn refs_of(names: &[String]) -> Vec<ImageRef> {
    names.iter().filter_map(|n| ImageRef::parse(n)).collect()
}

/// A document that is image metadata or a Trivy report but cannot be read whole: where, and what
/// is wrong (the front door reports it as an input error of the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub pos: Pos,
    /// What is wrong, naming the field (`` `Results[0].Vulnerabilities` is a string, ... ``).
    pub message: String,
}

/// What [`recognise`] found in a document.
#[derive(Debug, Default)]
pub struct Recognised {
    /// Image metadata (one per image of a `docker inspect` array).
    pub images: Vec<ImageMeta>,
    /// The Trivy report.
    pub trivy: Option<TrivyReport>,
    /// What could not be read.
    pub problems: Vec<Problem>,
}

/// Whether an object is an image of `docker inspect`.
fn docker_image(n: &Node) -> bool {
    n.get("Id").is_some() && n.get("Config").is_some() && (n.get("RepoTags").is_some() || n.get("RootFS").is_some())
}

/// One image of `docker inspect` (`prefix`: its path in the document, `[0]` in the array).
fn docker_inspect(file: &str, n: &Node, prefix: &str, problems: &mut Vec<Problem>) -> ImageMeta {
    let mut names = strs(n, "RepoTags");
    let digests = strs(n, "RepoDigests");
    let mut refs = refs_of(&names);
    refs.extend(refs_of(&digests));
    if names.is_empty() {
        names = digests;
    }
    ImageMeta {
        file: file.to_owned(),
        document: 0,
        source: MetadataSource::DockerInspect,
        pos: n.pos,
        names,
        refs,
        created: created(n, "Created", prefix, problems),
        user: Some(config_user(n, "Config", prefix, problems)),
    }
}

/// Recognises image metadata or a Trivy report in a JSON document. Returns nothing for other
/// documents (Kubernetes manifests included); a document recognised but not readable whole (a
/// Trivy report of another schema, an array of `docker inspect` images with an odd element, a
/// creation time that is no time) comes with its problems, and a Trivy output kubeharden does not
/// read (CycloneDX, SPDX, SARIF) is a problem saying so.
#[must_use]
pub fn recognise(file: &str, root: &Node) -> Recognised {
    let mut out = Recognised::default();
    if root.get("kind").is_some() && root.get("apiVersion").is_some() {
        return out;
    }
    if let Some(message) = trivy::other_output(root) {
        out.problems.push(Problem { pos: root.pos, message });
        return out;
    }
    if trivy::looks_like(root) {
        (out.images, out.trivy) = trivy::read(file, root, &mut out.problems);
        return out;
    }
    // docker inspect: an array of image objects (`--format '{{json .}}'` writes one object)
    if let Some(items) = root.as_seq() {
        if let Some((i, n)) = items.iter().enumerate().find(|(_, n)| trivy::looks_like(n)) {
            let message = format!("a Trivy report inside a list (`[{i}]`): kubeharden reads the report object Trivy writes (`trivy image --format json`), not a list of reports");
            out.problems.push(Problem { pos: n.pos, message });
            return out;
        }
        if items.iter().any(docker_image) {
            for (i, n) in items.iter().enumerate() {
                let prefix = format!("[{i}]");
                if docker_image(n) {
                    out.images.push(docker_inspect(file, n, &prefix, &mut out.problems));
                } else {
                    let message = format!("`{prefix}` is not an image of `docker inspect` (an object with `Id`, `Config` and `RepoTags` or `RootFS`), unlike the rest of the list: it cannot be checked");
                    out.problems.push(Problem { pos: n.pos, message });
                }
            }
        }
        return out;
    }
    if docker_image(root) {
        out.images.push(docker_inspect(file, root, "", &mut out.problems));
        return out;
    }
    // skopeo inspect
    if root.get("Digest").is_some() && (root.get("Layers").is_some() || root.get("LayersData").is_some()) {
        let name = s(root, "Name").map(str::to_owned);
        let digest = s(root, "Digest").map(str::to_owned);
        let refs = match (&name, &digest) {
            (Some(n), Some(d)) => ImageRef::parse(&format!("{n}@{d}")).into_iter().collect(),
            _ => Vec::new(),
        };
        out.images.push(ImageMeta {
            file: file.to_owned(),
            document: 0,
            source: MetadataSource::SkopeoInspect,
            pos: root.pos,
            names: name.into_iter().collect(),
            refs,
            created: created(root, "Created", "", &mut out.problems),
            user: None,
        });
        return out;
    }
    // OCI image config (skopeo inspect --config)
    if root.get("rootfs").is_some() && (root.get("architecture").is_some() || root.get("os").is_some()) {
        out.images.push(ImageMeta {
            file: file.to_owned(),
            document: 0,
            source: MetadataSource::OciConfig,
            pos: root.pos,
            names: Vec::new(),
            refs: Vec::new(),
            created: created(root, "created", "", &mut out.problems),
            user: Some(config_user(root, "config", "", &mut out.problems)),
        });
    }
    out
}

#[cfg(test)]
mod tests;
