//! Image metadata and vulnerability reports, recognised by content: `skopeo inspect` JSON,
//! `skopeo inspect --config` (an OCI image config), `docker inspect` JSON, and Trivy JSON reports
//! (`SchemaVersion: 2`, whose embedded image config is image metadata too).
//!
//! Everything is read from the spanned syntax tree, so findings point at the line of `Created`,
//! `User` or the vulnerability.

mod reference;

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

fn located(n: &Node, key: &str, prefix: &str) -> Option<Located<String>> {
    let e = n.entry(key)?;
    let value = e.value.as_str()?.to_owned();
    Some(Located { value, pos: e.key_pos, path: join(prefix, key) })
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
/// inspect): `""` when the config (or its `User`) is absent.
fn config_user(obj: &Node, key: &str, prefix: &str) -> Located<String> {
    let cpath = join(prefix, key);
    match obj.entry(key) {
        Some(c) => match c.value.entry("User") {
            Some(u) => {
                Located { value: u.value.as_str().unwrap_or("").to_owned(), pos: u.key_pos, path: join(&cpath, "User") }
            }
            None => Located { value: String::new(), pos: c.key_pos, path: join(&cpath, "User") },
        },
        None => Located { value: String::new(), pos: obj.pos, path: join(&cpath, "User") },
    }
}

fn refs_of(names: &[String]) -> Vec<ImageRef> {
    names.iter().filter_map(|n| ImageRef::parse(n)).collect()
}

/// Recognises image metadata or a Trivy report in a JSON document. Returns nothing for other
/// documents (Kubernetes manifests included).
#[must_use]
pub fn recognise(file: &str, root: &Node) -> (Vec<ImageMeta>, Option<TrivyReport>) {
    if root.get("kind").is_some() && root.get("apiVersion").is_some() {
        return (Vec::new(), None);
    }
    // Trivy report
    if root.get("SchemaVersion").and_then(Node::as_i64) == Some(2)
        && (root.get("Results").is_some() || root.get("ArtifactName").is_some())
    {
        return trivy(file, root);
    }
    // docker inspect: an array of objects with Id and Config
    if let Some(items) = root.as_seq() {
        let looks = |n: &Node| {
            n.get("Id").is_some()
                && n.get("Config").is_some()
                && (n.get("RepoTags").is_some() || n.get("RootFS").is_some())
        };
        if !items.is_empty() && items.iter().all(looks) {
            let metas = items
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let prefix = format!("[{i}]");
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
                        created: located(n, "Created", &prefix),
                        user: Some(config_user(n, "Config", &prefix)),
                    }
                })
                .collect();
            return (metas, None);
        }
        return (Vec::new(), None);
    }
    // skopeo inspect
    if root.get("Digest").is_some() && (root.get("Layers").is_some() || root.get("LayersData").is_some()) {
        let name = s(root, "Name").map(str::to_owned);
        let digest = s(root, "Digest").map(str::to_owned);
        let refs = match (&name, &digest) {
            (Some(n), Some(d)) => ImageRef::parse(&format!("{n}@{d}")).into_iter().collect(),
            _ => Vec::new(),
        };
        let meta = ImageMeta {
            file: file.to_owned(),
            document: 0,
            source: MetadataSource::SkopeoInspect,
            pos: root.pos,
            names: name.into_iter().collect(),
            refs,
            created: located(root, "Created", ""),
            user: None,
        };
        return (vec![meta], None);
    }
    // OCI image config (skopeo inspect --config)
    if root.get("rootfs").is_some() && (root.get("architecture").is_some() || root.get("os").is_some()) {
        let meta = ImageMeta {
            file: file.to_owned(),
            document: 0,
            source: MetadataSource::OciConfig,
            pos: root.pos,
            names: Vec::new(),
            refs: Vec::new(),
            created: located(root, "created", ""),
            user: Some(config_user(root, "config", "")),
        };
        return (vec![meta], None);
    }
    (Vec::new(), None)
}

fn trivy(file: &str, root: &Node) -> (Vec<ImageMeta>, Option<TrivyReport>) {
    let artifact = s(root, "ArtifactName").unwrap_or("").to_owned();
    let artifact_type = s(root, "ArtifactType").map(str::to_owned);
    let mut images = Vec::new();
    if let Some(md) = root.get("Metadata") {
        if let Some(cfg) = md.get("ImageConfig").filter(|c| c.as_map().is_some()) {
            let prefix = "Metadata.ImageConfig";
            let mut names: Vec<String> = Vec::new();
            if !artifact.is_empty() && artifact_type.as_deref().is_none_or(|t| t == "container_image") {
                names.push(artifact.clone());
            }
            for t in strs(md, "RepoTags") {
                if !names.contains(&t) {
                    names.push(t);
                }
            }
            let mut refs = refs_of(&names);
            refs.extend(refs_of(&strs(md, "RepoDigests")));
            images.push(ImageMeta {
                file: file.to_owned(),
                document: 0,
                source: MetadataSource::Trivy,
                pos: cfg.pos,
                names,
                refs,
                created: located(cfg, "created", prefix),
                user: Some(config_user(cfg, "config", prefix)),
            });
        }
    }
    let mut vulnerabilities = Vec::new();
    for (ri, r) in root.get("Results").and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
        let target = s(r, "Target").unwrap_or("").to_owned();
        for (vi, v) in r.get("Vulnerabilities").and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
            let Some(id) = s(v, "VulnerabilityID") else { continue };
            let severity_raw = s(v, "Severity").unwrap_or("UNKNOWN").to_owned();
            let severity = match severity_raw.to_ascii_uppercase().as_str() {
                "CRITICAL" => Severity::Critical,
                "HIGH" => Severity::High,
                "MEDIUM" => Severity::Medium,
                "LOW" => Severity::Low,
                _ => Severity::Info,
            };
            vulnerabilities.push(Vulnerability {
                id: id.to_owned(),
                package: s(v, "PkgName").unwrap_or("").to_owned(),
                installed: s(v, "InstalledVersion").unwrap_or("").to_owned(),
                fixed: s(v, "FixedVersion").filter(|f| !f.trim().is_empty()).map(str::to_owned),
                status: s(v, "Status").map(str::to_owned),
                severity_raw,
                severity,
                title: s(v, "Title").map(str::to_owned),
                target: target.clone(),
                pos: v.pos,
                path: format!("Results[{ri}].Vulnerabilities[{vi}]"),
            });
        }
    }
    (images, Some(TrivyReport { file: file.to_owned(), document: 0, artifact, artifact_type, vulnerabilities }))
}

#[cfg(test)]
mod tests;
