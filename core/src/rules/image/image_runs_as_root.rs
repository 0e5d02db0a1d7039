use crate::api::Severity;
use crate::declare_rule;
use crate::image::ImageMeta;
use crate::rules::{At, Context, Rule, RuleMeta, Sink};

use super::place;
use crate::model::image_user;

declare_rule! {
    /// ## What it does
    /// Flags image metadata whose config user is empty or absent, `root`, `0` or `0:0` — only
    /// where the input carries the image config (`docker inspect`, `skopeo inspect --config`, the
    /// image config of a Trivy report). Plain `skopeo inspect` has no user: unknown is not root.
    ///
    /// ## Why is this bad?
    /// An image whose config names no user runs its process as root unless every pod that uses
    /// it overrides `runAsUser`. The checklist asks for a non-root `USER` in every image.
    ///
    /// ## Example
    /// ```json
    /// {"architecture": "amd64", "os": "linux", "created": "2026-11-01T00:00:00Z",
    ///  "config": {"User": ""}, "rootfs": {"type": "layers", "diff_ids": []}}
    /// ```
    ///
    /// ## Fix
    /// ```json
    /// {"architecture": "amd64", "os": "linux", "created": "2026-11-01T00:00:00Z",
    ///  "config": {"User": "10001"}, "rootfs": {"type": "layers", "diff_ids": []}}
    /// ```
    pub ImageRunsAsRoot {
        id: "IMG002",
        name: "image-runs-as-root",
        severity: Severity::High,
        title: "The image runs as root",
        help: "build the image with a numeric non-root `USER`, or set `runAsUser` to a non-zero UID in the pod",
        references: ["CIS Docker Benchmark 4.1"],
        peers: ["trivy:DS-0002"],
        since: "0.1.0",
    }
}

impl Rule for ImageRunsAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_image(&self, img: &ImageMeta, _cx: &Context, out: &mut Sink) {
        let Some(user) = &img.user else { return };
        if !image_user(&user.value).root {
            return;
        }
        let how = if user.value.trim().is_empty() {
            "sets no user".to_owned()
        } else {
            format!("sets `User: {}`", user.value)
        };
        out.report(
            Self::META,
            At::Place(place(img, Some(user))),
            format!(
                "image `{}` {how} ({}): its containers run as root; build it with a numeric non-root `USER`",
                img.display_name(),
                img.source.describe()
            ),
        );
    }
}
