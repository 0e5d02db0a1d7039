//! `kubeharden audit PODS.json [--images DIR] [--registry] [--now T] [--format text|json|tickets]`:
//! the weekly audit over `kubectl get pods -A -o json` (the logic is `kubeharden::audit`; tickets
//! and the baseline comparison are `kubeharden::report`'s; `--registry` fetches the metadata of
//! the images in use through [`crate::registry_cmd`] between reading the pods and matching it).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use kubeharden::audit::{self, AuditOptions};
use kubeharden::{report, InputError, SourceFile};

use crate::inputs;
use crate::scan::now_rfc3339;
use crate::{EXIT_ERROR, EXIT_OK};

/// Output formats of `audit`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// The four sections, for people.
    Text,
    /// JSON (audit format version 2).
    Json,
    /// One Markdown ticket per problem; with `--output DIR`, one file each.
    Tickets,
}

/// Arguments of `audit`.
#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The output of `kubectl get pods -A -o json` (a `kind: List`); `-` reads stdin.
    pub pods: PathBuf,
    /// A directory of `skopeo inspect docker://IMAGE` outputs (`*.json`), for image ages.
    #[arg(long, value_name = "DIR")]
    pub images: Option<PathBuf>,
    /// "Now" for image ages (RFC 3339); default: the system clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Images older than this many days get a ticket (`image-too-old`).
    #[arg(long, default_value_t = 90)]
    pub max_image_age_days: u32,
    /// Write the output to FILE (for `--format tickets`, an existing directory gets one
    /// `<fingerprint>.md` per ticket).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// An earlier `audit --format json`: tickets only for problems that are new since then; the
    /// text output counts new, still open and resolved problems.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Image metadata from the registries (`--registry` and its options).
    #[command(flatten)]
    pub registry: crate::registry_cmd::RegistryArgs,
}

/// The image metadata files of `--images DIR` (`*.json`, in name order), and the ones that could
/// not be read, as input errors.
fn read_images(dir: &Path) -> Result<(Vec<SourceFile>, Vec<InputError>), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read directory: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> =
        rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    paths.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in &paths {
        match inputs::read(p) {
            Ok(f) => files.push(f),
            Err((name, message)) => errors.push(InputError::in_file(&name, message)),
        }
    }
    Ok((files, errors))
}

/// Runs `audit`: exit 0, or 2 on a usage error, when an input could not be read (as `scan`), or
/// with `--fail-on-unreachable` when an image could not be fetched from its registry.
pub fn run(a: &AuditArgs) -> u8 {
    let pods = match inputs::read(&a.pods) {
        Ok(s) => s,
        Err((name, msg)) => {
            errln!("error: {name}: {msg}");
            return EXIT_ERROR;
        }
    };
    let (mut images, unreadable) = match a.images.as_deref().map(read_images).transpose() {
        Ok(i) => i.unwrap_or_default(),
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let now = a.now.clone().unwrap_or_else(now_rfc3339);
    let opts = AuditOptions { max_image_age_days: a.max_image_age_days };
    let read = match audit::read_pods(&pods, Some(&now), &opts) {
        Ok(r) => r,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    drop(pods);
    let mut fetched = None;
    if a.registry.registry {
        match crate::registry_cmd::fetch_for_audit(&a.registry, &read.images_in_use()) {
            Ok((files, outcomes)) => {
                images.extend(files);
                fetched = Some(outcomes);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        }
    }
    let mut report = read.finish(&images, fetched.as_deref());
    report.errors.extend(unreadable);
    let comparison = match &a.baseline {
        None => None,
        Some(p) => match inputs::read(p) {
            Err((name, msg)) => {
                errln!("error: {name}: {msg}");
                return EXIT_ERROR;
            }
            Ok(file) => match audit::read_json(&file) {
                Ok(earlier) => Some(audit::compare(&report, &earlier)),
                Err(e) => {
                    errln!("error: {e}");
                    return EXIT_ERROR;
                }
            },
        },
    };
    let tickets = match &comparison {
        Some(c) => c.new.clone(),
        None => audit::tickets(&report),
    };
    let mut text = match a.format {
        Format::Text => audit::render_text(&report),
        Format::Json => audit::to_json(&report),
        Format::Tickets if tickets.is_empty() && comparison.is_some() => "No new problems: no tickets.\n".to_owned(),
        Format::Tickets if tickets.is_empty() => "No problems: no tickets.\n".to_owned(),
        Format::Tickets => report::tickets::join(&tickets),
    };
    if let Some(c) = &comparison {
        let summary = report::baseline::render_text(c);
        if a.format == Format::Text {
            text.push('\n');
            text.push_str(&summary);
        } else {
            errlines!(summary);
        }
    }
    let written = match &a.output {
        None => {
            out!("{text}");
            Ok(())
        }
        Some(dir) if a.format == Format::Tickets && dir.is_dir() => tickets.iter().try_for_each(|t| {
            let f = dir.join(format!("{}.md", t.fingerprint));
            std::fs::write(&f, &t.markdown).map_err(|e| format!("{}: cannot write: {e}", f.display()))
        }),
        Some(f) => std::fs::write(f, &text).map_err(|e| format!("{}: cannot write: {e}", f.display())),
    };
    if let Err(e) = written {
        errln!("error: {e}");
        return EXIT_ERROR;
    }
    let unreachable = report.images_unreachable.unwrap_or(0);
    if a.registry.fail_on_unreachable && unreachable > 0 {
        eprintln!("error: {unreachable} images could not be fetched from their registries (--fail-on-unreachable)");
        return EXIT_ERROR;
    }
    if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    }
}
