use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::Dockerfile;
use crate::image::ImageRef;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::report;

declare_rule! {
    /// ## What it does
    /// Flags every `FROM` whose image has no tag or the tag `latest`, and no `@sha256:` digest.
    /// A registry port is not a tag (`localhost:5000/app` is unpinned); `scratch` and the names
    /// of earlier stages are not images and are skipped, and so is an image that comes from a
    /// build argument without a default (its value is only known at build time).
    ///
    /// ## Why is this bad?
    /// `latest` moves: the same Dockerfile builds a different image tomorrow, with a different
    /// OS release, different packages and different vulnerabilities, and a compromised or broken
    /// upstream push lands in your build unnoticed. Pin a version tag, better a digest (updated
    /// by Renovate or Dependabot).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM gcr.io/distroless/base
    /// COPY app /app
    /// USER 65532
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM gcr.io/distroless/base-debian12:nonroot@sha256:6ae5fe659f28c6afe9cc2903aebc78a5c6ad3aaa3d9d0369760ac6aaea2529c8
    /// COPY app /app
    /// USER 65532
    /// ```
    pub DockerfileBaseImageUnpinned {
        id: "DKR004",
        name: "dockerfile-base-image-unpinned",
        severity: Severity::Medium,
        title: "Base image without a version tag or digest",
        help: "pin the base image by version tag and digest (`FROM image:1.2.3@sha256:...`)",
        references: ["CIS Docker Benchmark 4.2", "Docker docs: Dockerfile best practices, FROM"],
        peers: ["hadolint:DL3006", "hadolint:DL3007", "trivy:DS-0001", "checkov:CKV_DOCKER_7"],
        since: "0.1.0",
    }
}

/// The literal tag of an image written with variables, when the tag itself has none:
/// `Some(Some(tag))`, `Some(None)` for no tag, `None` when it cannot be known.
fn literal_tag(raw: &str) -> Option<Option<&str>> {
    if raw.contains('@') {
        return None;
    }
    let last = raw.rsplit('/').next().unwrap_or(raw);
    let (_, tag) = last.rsplit_once(':')?;
    (!tag.contains('$') && !tag.contains('}')).then_some(Some(tag))
}

impl Rule for DockerfileBaseImageUnpinned {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        for s in &df.stages {
            if s.parent.is_some() || s.is_scratch() {
                continue;
            }
            let tag: Option<String> = if s.unresolved {
                match literal_tag(&s.image_raw) {
                    Some(t) => t.map(str::to_owned),
                    None => continue,
                }
            } else {
                let Some(r) = ImageRef::parse(&s.image) else { continue };
                if r.digest.is_some() {
                    continue;
                }
                r.tag
            };
            let shown = if s.image == s.image_raw {
                format!("`{}`", s.image)
            } else {
                format!("`{}` (`{}`)", s.image_raw, s.image)
            };
            let message = match tag.as_deref() {
                None => format!("the base image {shown} has no tag: it means `latest`, which changes under you; pin a version tag and a digest (`image:1.2.3@sha256:...`)"),
                Some(t) if t.eq_ignore_ascii_case("latest") => format!("the base image {shown} uses the moving tag `latest`; pin a version tag and a digest (`image:1.2.3@sha256:...`)"),
                Some(_) => continue,
            };
            report(out, Self::META, file, df, s.from, message);
        }
    }
}
