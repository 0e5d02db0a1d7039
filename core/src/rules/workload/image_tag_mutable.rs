use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::workload::common::check_container_images;
use crate::rules::workload::ImageDigestMissing;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Flags every container whose image has no tag or the tag `latest`, and no digest. A
    /// registry port is not a tag: `registry.example.com:5000/app` has no tag. Such an image is
    /// not pinned by a digest either: `image-digest-missing` does not report the container again
    /// (one problem, one finding, which takes the higher severity of the two).
    ///
    /// ## Why is this bad?
    /// An untagged image means `latest`, and `latest` moves: two nodes can run different code
    /// for the same manifest, a rollback redeploys whatever is newest, and nobody can say which
    /// build a pod runs. A registry compromise or a careless push changes production without
    /// any change in git. Kubernetes also defaults `imagePullPolicy` to `Always` for such images.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:latest
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: pins the image to the digest the input's image metadata gives it (`skopeo inspect`,
    /// `docker inspect`, the image config of a Trivy report, scanned with the manifests):
    /// `nginx:1.27` becomes `nginx:1.27@sha256:…`. The metadata may describe another build than the
    /// tag names now, and the workload no longer follows the tag. No fix without such metadata: a
    /// digest is never guessed.
    pub ImageTagMutable {
        id: "POD019",
        name: "image-tag-mutable",
        severity: Severity::Medium,
        title: "Container image has no tag or uses latest",
        help: "use a version tag (`image:1.2.3`), not `latest` or none",
        references: ["Kubernetes documentation: Images (image names, updating images)", "NSA/CISA Kubernetes Hardening Guide: image scanning and provenance"],
        peers: ["checkov:CKV_K8S_14", "trivy:KSV-0013", "kube-linter:latest-tag", "kube-score:container-image-tag",
                "polaris:tagNotSpecified"],
        since: "0.1.0",
        fix: Sometimes,
    }
}

impl Rule for ImageTagMutable {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        check_container_images(Self::META, Some(ImageDigestMissing::META), pod, out, |who, image, r| {
            if r.digest.is_some() {
                return None;
            }
            match r.tag {
                None if image.trim().is_empty() => Some(format!("{who} has an empty `image`")),
                None => Some(format!("{who} uses `{image}` without a tag or digest: it runs whatever `latest` is")),
                Some("latest") => Some(format!("{who} uses `{image}`: `latest` is a moving tag and no digest pins it")),
                Some(_) => None,
            }
        });
    }
}
