use crate::api::Severity;
use crate::declare_rule;
use crate::image::ImageMeta;
use crate::rules::{At, Context, Rule, RuleMeta, Sink};
use crate::time::parse_rfc3339;

use super::place;

/// The default of the `image-max-age-days` option.
pub const DEFAULT_MAX_AGE_DAYS: u32 = 90;

/// A creation time as Unix seconds, when it is usable: `None` when it does not parse or is at or
/// before the Unix epoch (reproducible builds set `SOURCE_DATE_EPOCH=0`; Go's zero time): unknown,
/// not old. The rule and the audit's image ages read creation times with this.
pub(crate) fn created_secs(created: &str) -> Option<i64> {
    parse_rfc3339(created).filter(|&t| t > 0)
}

/// Whole days from a creation time to `now`, when the creation time is usable ([`created_secs`]).
pub(crate) fn age_days(created: &str, now: i64) -> Option<i64> {
    created_secs(created).map(|t| (now - t).div_euclid(86_400))
}

/// Whether an age in days is beyond the maximum (the rule fires; the audit says "too old").
pub(crate) fn is_too_old(age_days: i64, max_days: i64) -> bool {
    age_days > max_days
}

declare_rule! {
    /// ## What it does
    /// Flags image metadata whose creation time is more than `image-max-age-days` (default 90)
    /// before the request's "now" (`--now` on the CLI, the clock by default). A creation time at
    /// the Unix epoch (reproducible builds set `SOURCE_DATE_EPOCH=0`) or Go's zero time means
    /// unknown, not old. A creation time more than a day after "now" cannot be judged either and
    /// is a finding, since the image's age is unknown. Without a "now" the rule cannot judge and
    /// stays silent. (Image metadata without a creation time, or with one that is no RFC 3339
    /// time, is an input error.)
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
        let Some(age_days) = age_days(&created.value, now) else { return };
        let max = i64::from(cx.options.image_max_age_days.unwrap_or(DEFAULT_MAX_AGE_DAYS));
        let day = created.value.get(..10).unwrap_or(&created.value);
        if age_days < -1 {
            // A day of clock skew is tolerated; beyond it the age is unknown, not young.
            out.report(Self::META, At::Place(place(img, Some(created))), format!(
                "image `{}` was created on `{day}`, {} days after now: its age cannot be checked (is the metadata or the clock wrong?)",
                img.display_name(),
                -age_days
            ));
            return;
        }
        if !is_too_old(age_days, max) {
            return;
        }
        out.report(Self::META, At::Place(place(img, Some(created))), format!(
            "image `{}` was created on `{day}`, {age_days} days ago, more than the maximum of {max} days: rebuild it on an up-to-date base image",
            img.display_name()
        ));
    }
}
