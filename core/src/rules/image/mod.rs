//! Rules over image metadata (`docker inspect`, `skopeo inspect`, OCI image configs, the image
//! config of Trivy reports), and the cross-check of workloads against their images.

mod image_runs_as_root;
mod image_too_old;
mod run_as_non_root_unverifiable;

pub use image_runs_as_root::ImageRunsAsRoot;
pub use image_too_old::ImageTooOld;
pub(crate) use image_too_old::{age_days, created_secs, is_too_old, DEFAULT_MAX_AGE_DAYS};
pub use run_as_non_root_unverifiable::RunAsNonRootUnverifiable;

use crate::image::{ImageMeta, Located};
use crate::model::ObjectRef;
use crate::rules::Place;

/// Where a finding about an image points: the located field, else the image's object.
pub(crate) fn place(img: &ImageMeta, at: Option<&Located<String>>) -> Place {
    Place {
        file: Some(img.file.clone()),
        document: Some(img.document),
        pos: Some(at.map_or(img.pos, |l| l.pos)),
        end_line: None,
        object: Some(ObjectRef {
            api_version: None,
            kind: "Image".to_owned(),
            namespace: None,
            name: Some(img.display_name()),
        }),
        path: at.map(|l| l.path.clone()),
        container: None,
        scope: None,
    }
}
