use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::check_container_images;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container whose image is not pinned by an `@sha256:` digest (64 hexadecimal
    /// digits). Informational by default. A container that `image-tag-mutable` reports (no tag or
    /// `latest`, and no digest) is not reported again: a moving tag without a digest is one
    /// problem, and that finding says both.
    ///
    /// ## Why is this bad?
    /// Tags are mutable: whoever can push to the repository can change what `app:1.4.2` means,
    /// and a node that pulls later gets other bytes than the one that pulled earlier. A digest
    /// names exactly one image, so what was scanned, signed and reviewed is what runs. Keep the
    /// tag for humans and add the digest (`app:1.4.2@sha256:...`); tools such as Renovate keep
    /// both up to date.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2@sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: pins the image to the digest the input's image metadata gives it (`skopeo inspect`,
    /// `docker inspect`, the image config of a Trivy report, scanned with the manifests):
    /// `nginx:1.27` becomes `nginx:1.27@sha256:…`. The metadata may describe another build than the
    /// tag names now, and the workload no longer follows the tag. No fix without such metadata: a
    /// digest is never guessed.
    pub ImageDigestMissing {
        id: "POD020",
        name: "image-digest-missing",
        severity: Severity::Info,
        title: "Container image is not pinned by digest",
        help: "pin the image by digest (`image:1.2.3@sha256:...`)",
        references: ["NSA/CISA Kubernetes Hardening Guide: image provenance", "SLSA: pin dependencies by digest"],
        peers: ["checkov:CKV_K8S_43"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for ImageDigestMissing {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        check_container_images(Self::META, None, pod, out, |who, image, r| {
            if r.has_sha256_digest() {
                return None;
            }
            Some(match r.digest {
                Some(d) => format!(
                    "{who} uses `{image}`, whose digest `{d}` is not `sha256:` followed by 64 hexadecimal digits"
                ),
                None => format!("{who} uses `{image}`, which is not pinned by an `@sha256:` digest"),
            })
        });
    }
}
