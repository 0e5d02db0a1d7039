use crate::api::Severity;
use crate::declare_rule;
use crate::image::ImageMeta;
use crate::rules::{At, Context, Rule, RuleMeta, Sink};
use crate::time::parse_rfc3339;

use super::place;

/// The default of the `image-max-age-days` option.
pub const DEFAULT_MAX_AGE_DAYS: u32 = 90;

declare_rule! {
    /// ## What it does
    /// Flags image metadata whose creation time is more than `image-max-age-days` (default 90)
    /// before the request's "now" (`--now` on the CLI, the clock by default). A creation time at
    /// the Unix epoch (reproducible builds set `SOURCE_DATE_EPOCH=0`) or Go's zero time means
    /// unknown, not old. Without a "now" the rule cannot judge and stays silent.
    ///
    /// ## Why is this bad?
    /// An old image carries the vulnerabilities fixed since it was built: its base packages are
    /// never patched in place. The checklist's weekly audit asks for images rebuilt regularly on
    /// current base images.
    ///
    /// ## Example
    /// ```json
    /// {"architecture": "amd64", "os": "linux", "created": "2020-01-01T00:00:00Z",
    ///  "config": {"User": "10001"}, "rootfs": {"type": "layers", "diff_ids": []}}
    /// ```
    ///
    /// ## Fix
    /// ```json
    /// {"architecture": "amd64", "os": "linux", "created": "2026-11-20T00:00:00Z",
    ///  "config": {"User": "10001"}, "rootfs": {"type": "layers", "diff_ids": []}}
    /// ```
    pub ImageTooOld {
        id: "IMG001",
        name: "image-too-old",
        severity: Severity::Medium,
        title: "The image is older than the maximum age",
        help: "rebuild the image on a current base image and redeploy it",
        references: ["NIST SP 800-190 4.1.1 (image vulnerabilities)"],
        peers: [],
        since: "0.1.0",
    }
}

impl Rule for ImageTooOld {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_image(&self, img: &ImageMeta, cx: &Context, out: &mut Sink) {
        let (Some(now), Some(created)) = (cx.now, &img.created) else { return };
        let Some(t) = parse_rfc3339(&created.value) else { return };
        if t <= 0 {
            return; // the epoch (reproducible builds) or the zero time: unknown
        }
        let max = i64::from(cx.options.image_max_age_days.unwrap_or(DEFAULT_MAX_AGE_DAYS));
        let age_days = (now - t).div_euclid(86_400);
        if age_days <= max {
            return;
        }
        let day = created.value.get(..10).unwrap_or(&created.value);
        out.report(Self::META, At::Place(place(img, Some(created))), format!(
            "image `{}` was created on `{day}`, {age_days} days ago, more than the maximum of {max} days: rebuild it on an up-to-date base image",
            img.display_name()
        ));
    }
}
