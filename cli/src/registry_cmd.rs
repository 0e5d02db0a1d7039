//! `--registry` for `audit` and `scan`: image metadata fetched from registries by
//! `kubeharden-registry`, handed to the core as metadata files it already reads. The options,
//! the requests, the stderr summary and the per-image outcomes live here; the rules stay in the
//! core.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use kubeharden::audit::{ImageInUse, RegistryImage};
use kubeharden::report::escape::escape_control;
use kubeharden::{Inventory, Source, SourceFile};
use kubeharden_registry::{FetchError, Fetched, Options, Outcome, Registry, Request};

/// The platform of `--platform` (`os/arch[/variant]`), for callers that fill [`RegistryArgs`].
pub use kubeharden_registry::Platform;

/// Options of `--registry`.
#[derive(Args, Debug, Clone)]
pub struct RegistryArgs {
    /// Fetch every image's metadata (created date, config user, digest) from its registry over
    /// the OCI Distribution API, with the credentials of the Docker config
    /// (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`).
    #[arg(long)]
    pub registry: bool,
    /// The platform picked from multi-platform images (unless the pods' `nodeSelector` names
    /// one, for `audit`).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]", default_value = "linux/amd64", requires = "registry")]
    pub platform: Platform,
    /// Reach this registry (`host[:port]` as in the image reference) over plain HTTP; repeatable.
    #[arg(long = "insecure-registry", value_name = "HOST", requires = "registry")]
    pub insecure_registry: Vec<String>,
    /// Trust the CA certificates of this PEM file as well as the system's; repeatable.
    #[arg(long = "registry-ca", value_name = "FILE", requires = "registry")]
    pub registry_ca: Vec<PathBuf>,
    /// Neither read nor write the cache of manifests and configs (by digest, under the user's
    /// cache directory: `$XDG_CACHE_HOME/kubeharden` or `~/.cache/kubeharden`).
    #[arg(long, requires = "registry")]
    pub no_cache: bool,
    /// Exit 2 when an image cannot be fetched (by default it is reported and counted).
    #[arg(long, requires = "registry")]
    pub fail_on_unreachable: bool,
    /// Images fetched at once.
    #[arg(long, value_name = "N", default_value_t = 8, requires = "registry")]
    pub registry_concurrency: usize,
    /// Seconds allowed for one registry request (each is retried up to 3 times on timeouts,
    /// refused connections and 5xx answers).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, requires = "registry")]
    pub registry_timeout: u64,
    /// No summary or warnings on standard error (the Python binding's `audit`, which returns the
    /// same facts in the report).
    #[arg(skip)]
    pub quiet: bool,
}

impl RegistryArgs {
    fn client(&self) -> Result<Registry, String> {
        let cache_dir = if self.no_cache {
            None
        } else {
            let dir = Options::default_cache_dir();
            if dir.is_none() && !self.quiet {
                eprintln!("warning: registry: no cache directory on this system: fetching without a cache");
            }
            dir
        };
        let options = Options {
            platform: self.platform.clone(),
            insecure: self.insecure_registry.clone(),
            ca_certs: self.registry_ca.clone(),
            cache_dir,
            docker_config: Options::default_docker_config(),
            concurrency: self.registry_concurrency.max(1),
            timeout: Duration::from_secs(self.registry_timeout.max(1)),
            ..Options::default()
        };
        Registry::new(options).map_err(|e| format!("registry: {e}"))
    }

    /// Fetches the requests, says what it cost on standard error.
    fn fetch(&self, requests: &[Request]) -> Result<Outcome, String> {
        let out = self.client()?.fetch(requests);
        if self.quiet {
            return Ok(out);
        }
        let s = &out.stats;
        let failed = out.results.iter().filter(|r| r.is_err()).count();
        eprintln!(
            "registry: {} images, {} registry requests, {} manifests and configs from the cache{}",
            s.images,
            s.requests,
            s.cache_hits,
            if failed > 0 { format!(", {failed} not fetched") } else { String::new() }
        );
        for w in &s.cache_warnings {
            eprintln!("warning: registry cache: {}", escape_control(w));
        }
        Ok(out)
    }
}

fn outcome(image: &str, r: &Result<Fetched, FetchError>) -> RegistryImage {
    match r {
        Ok(f) => RegistryImage {
            image: image.to_owned(),
            used: Some(f.pin.describe().to_owned()),
            digest: Some(f.digest.clone()),
            platform: f.platform.clone(),
            metadata: Some(f.metadata.name.clone()),
            cached: f.cached,
            error_kind: None,
            error: None,
        },
        Err(e) => RegistryImage {
            image: image.to_owned(),
            used: None,
            digest: None,
            platform: None,
            metadata: None,
            cached: false,
            error_kind: Some(e.kind.as_str().to_owned()),
            error: Some(e.message.clone()),
        },
    }
}

/// For `audit --registry`: one request per image in use, for the digest its pods run (the first,
/// sorted, when they run several), else its reference; on the platform of the pods'
/// `nodeSelector` when they name exactly one, else `--platform`. Returns the metadata files and
/// the per-image outcomes for [`kubeharden::audit::PodAudit::finish`].
///
/// # Errors
/// A message when the client cannot start (Docker config, CA file, platform).
pub fn fetch_for_audit(
    a: &RegistryArgs,
    in_use: &[ImageInUse],
) -> Result<(Vec<SourceFile>, Vec<RegistryImage>), String> {
    let requests: Vec<Request> = in_use
        .iter()
        .map(|i| Request {
            digest: i.running.first().cloned(),
            platform: match i.platforms.as_slice() {
                [one] => one.parse::<Platform>().ok(),
                _ => None,
            },
            ..Request::new(i.image.clone())
        })
        .collect();
    let out = a.fetch(&requests)?;
    let mut files = Vec::new();
    let mut outcomes = Vec::with_capacity(in_use.len());
    for (i, r) in in_use.iter().zip(&out.results) {
        outcomes.push(outcome(&i.image, r));
        if let Ok(f) = r {
            files.push(f.metadata.clone());
        }
    }
    Ok((files, outcomes))
}

/// For `scan --registry`: the images of every workload in the parsed files, fetched; their
/// metadata parsed through the front door. An image that cannot be fetched is a warning on
/// standard error, or with `--fail-on-unreachable` an input error of the scan.
///
/// # Errors
/// A message when the client cannot start (Docker config, CA file, platform).
pub fn fetch_for_scan(
    a: &RegistryArgs,
    parsed: &[Source],
    options: &kubeharden::ParseOptions,
) -> Result<(Vec<SourceFile>, Vec<Source>), String> {
    let mut images: Vec<String> = Inventory::new(parsed)
        .pods
        .iter()
        .flat_map(|p| p.containers.iter().filter_map(|c| c.image.valid().map(str::to_owned)))
        .collect();
    images.sort();
    images.dedup();
    let requests: Vec<Request> = images.iter().map(|i| Request::new(i.clone())).collect();
    let out = a.fetch(&requests)?;
    let mut texts = Vec::new();
    let mut sources = Vec::new();
    for r in out.results {
        match r {
            Ok(f) => {
                sources.push(kubeharden::source::parse(&f.metadata, options));
                texts.push(f.metadata);
            }
            Err(e) if a.fail_on_unreachable => sources.push(Source::unreadable(
                &format!("registry:{}", e.image),
                format!("image metadata not fetched: {}: {}", e.kind.as_str(), e.message),
            )),
            Err(e) => eprintln!(
                "warning: registry: {}: not fetched ({}): {}; its image rules did not run",
                escape_control(&e.image),
                e.kind.as_str(),
                e.message
            ),
        }
    }
    Ok((texts, sources))
}
