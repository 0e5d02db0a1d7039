//! Image metadata from container registries over the OCI Distribution API, for kubeharden's
//! `audit --registry` and `scan --registry`.
//!
//! Given image references as a pod spec writes them (and, for a running pod, the digest its node
//! pulled), [`Registry::fetch`] resolves each one — Docker's normalisation (`nginx` is
//! `docker.io/library/nginx:latest`), a tag to its digest, a multi-platform index to the manifest
//! of one platform — and fetches the image manifest and config blob. Each image gives either a
//! [`Fetched`], whose [`Fetched::metadata`] is a `docker inspect`-shaped JSON file the core's
//! front door recognises as image metadata (`Created`, `Config.User`, `RepoDigests`), or a
//! [`FetchError`] with the reason (authentication denied, not found, timeout, malformed
//! manifest...). Nothing is dropped: the caller gets one answer per request, in request order.
//!
//! Access as Docker's and skopeo's: credentials from the Docker config (`auths`, `credsStore`,
//! `credHelpers`: [`auth`]), basic auth and the bearer-token flow announced by
//! `WWW-Authenticate` (by `oci-client`), HTTPS unless a host is named insecure, extra CA
//! certificates, bounded concurrency, a timeout per request and retries with backoff. Manifests
//! and configs are cached on disk by digest ([`cache`]): a re-run asks the registry only what a
//! tag points at now and fetches what changed.
//!
//! The crate is the I/O side of images; the rules stay in the pure core.

pub mod auth;
pub mod cache;
mod fetch;
mod meta;
mod platform;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::PathBuf;
use std::time::Duration;

pub use kubeharden::SourceFile;
pub use platform::Platform;

/// Settings of a [`Registry`].
#[derive(Clone, Debug)]
pub struct Options {
    /// The platform picked from a multi-platform index when a request names none
    /// (default `linux/amd64`).
    pub platform: Platform,
    /// Registries (`host[:port]`, as in the image reference) reached over plain HTTP.
    pub insecure: Vec<String>,
    /// PEM files of extra CA certificates trusted for HTTPS (besides the system's).
    pub ca_certs: Vec<PathBuf>,
    /// The cache directory (manifests and configs by digest), `None` for no cache.
    pub cache_dir: Option<PathBuf>,
    /// The Docker config file to read credentials from, `None` for anonymous access only.
    pub docker_config: Option<PathBuf>,
    /// Images fetched at once.
    pub concurrency: usize,
    /// Time allowed for one request (connecting, reading the answer).
    pub timeout: Duration,
    /// Tries after the first one, for timeouts, refused connections, 429 and 5xx answers.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            platform: Platform::default(),
            insecure: Vec::new(),
            ca_certs: Vec::new(),
            cache_dir: None,
            docker_config: None,
            concurrency: 8,
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

impl Options {
    /// The user's cache directory for kubeharden's registry cache: `$XDG_CACHE_HOME/kubeharden`
    /// or `~/.cache/kubeharden` on Linux, `~/Library/Caches/kubeharden` on macOS,
    /// `%LOCALAPPDATA%\kubeharden` on Windows. `None` when the platform has none.
    #[must_use]
    pub fn default_cache_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("kubeharden"))
    }

    /// The Docker config file as Docker finds it: `$DOCKER_CONFIG/config.json`, else
    /// `~/.docker/config.json`. `None` when there is no home directory.
    #[must_use]
    pub fn default_docker_config() -> Option<PathBuf> {
        match std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
            Some(dir) => Some(PathBuf::from(dir).join("config.json")),
            None => dirs::home_dir().map(|h| h.join(".docker").join("config.json")),
        }
    }
}

/// One image to fetch.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    /// The reference as written (`nginx:1.25`, `ghcr.io/o/app@sha256:...`).
    pub image: String,
    /// The digest that runs (`status.containerStatuses[].imageID`), when known: fetched instead
    /// of the tag.
    pub digest: Option<String>,
    /// The platform to pick from an index (the node's), else [`Options::platform`].
    pub platform: Option<Platform>,
}

impl Request {
    /// A request for a reference as written.
    #[must_use]
    pub fn new(image: impl Into<String>) -> Self {
        Request { image: image.into(), digest: None, platform: None }
    }
}

/// What identified the image that was fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pin {
    /// The digest the node pulled (`status.containerStatuses[].imageID`).
    Running,
    /// The digest written in the reference.
    Reference,
    /// The tag, resolved to a digest now (may differ from what runs).
    Tag,
}

impl Pin {
    /// How reports name it: `running digest`, `reference digest`, `tag`.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Pin::Running => "running digest",
            Pin::Reference => "reference digest",
            Pin::Tag => "tag",
        }
    }
}

/// An image's metadata, fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// The reference as requested.
    pub image: String,
    /// The normalised repository (`docker.io/library/nginx`).
    pub repository: String,
    /// The tag of the reference, if any.
    pub tag: Option<String>,
    /// What identified the image.
    pub pin: Pin,
    /// The digest the reference resolves to: of the index, for a multi-platform image.
    pub digest: String,
    /// The digest of the image manifest (= `digest` unless the image is an index).
    pub manifest_digest: String,
    /// The platform picked from an index (`linux/arm64/v8`), `None` for a single manifest.
    pub platform: Option<String>,
    /// The digest of the config blob (Docker's image id).
    pub config_digest: String,
    /// `created` of the config, as written.
    pub created: Option<String>,
    /// `config.User` of the config (`""` when it sets none), `None` without a `config` object.
    pub user: Option<String>,
    /// The metadata as a file the core recognises (`docker inspect` JSON).
    pub metadata: SourceFile,
    /// Whether the manifest(s) and config came from the cache (a tag still costs one request).
    pub cached: bool,
}

/// Why an image could not be fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The reference or digest cannot be read.
    InvalidReference,
    /// The Docker config or a credential helper failed for this registry.
    Credentials,
    /// The registry denied access (401/403, wrong credentials).
    Denied,
    /// The repository, tag, manifest or blob does not exist.
    NotFound,
    /// No answer in time.
    Timeout,
    /// The registry cannot be reached (refused, DNS).
    Unreachable,
    /// The TLS handshake failed: a certificate that is not trusted or not for this host.
    Tls,
    /// The registry answered with an error (5xx, 429, or another status).
    Server,
    /// A manifest, index or config that is not what the API promises (bad JSON, wrong digest,
    /// unknown media type, too large).
    Malformed,
    /// The index has no manifest for the platform.
    NoPlatform,
}

impl ErrorKind {
    /// Short name for reports: `denied`, `not-found`, `timeout`...
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidReference => "invalid-reference",
            ErrorKind::Credentials => "credentials",
            ErrorKind::Denied => "denied",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Tls => "tls",
            ErrorKind::Server => "server-error",
            ErrorKind::Malformed => "malformed",
            ErrorKind::NoPlatform => "no-platform",
        }
    }

    /// Whether another try may succeed.
    #[must_use]
    pub fn retryable(self) -> bool {
        matches!(self, ErrorKind::Timeout | ErrorKind::Unreachable | ErrorKind::Server)
    }
}

/// An image that could not be fetched, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{image}: {message}")]
pub struct FetchError {
    /// The reference as requested.
    pub image: String,
    /// What kind of failure.
    pub kind: ErrorKind,
    /// One sentence, with the registry's words where it gave some (control characters escaped).
    pub message: String,
}

/// A setting that keeps the registry client from starting at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// The Docker config cannot be read.
    #[error("{path}: {message}")]
    DockerConfig {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A CA certificate file cannot be read or holds no certificate.
    #[error("{path}: {message}")]
    CaCert {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The HTTP client or its runtime cannot be built.
    #[error("registry client: {0}")]
    Client(String),
}

/// What a [`Registry::fetch`] cost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Distinct images fetched (requests for the same image, digest and platform share one).
    pub images: usize,
    /// Calls to the registry API: tag resolutions, manifests, configs (authentication
    /// round-trips of the client not counted).
    pub requests: usize,
    /// Manifests and configs read from the cache.
    pub cache_hits: usize,
    /// Manifests and configs fetched and stored in the cache.
    pub cache_misses: usize,
    /// Problems with the cache (unwritable, corrupt entries): the fetch went on without it.
    pub cache_warnings: Vec<String>,
}

/// The answer of [`Registry::fetch`]: one result per request, in request order.
#[derive(Debug)]
pub struct Outcome {
    /// Per request.
    pub results: Vec<Result<Fetched, FetchError>>,
    /// What it cost.
    pub stats: Stats,
}

/// A registry client: options, credentials read once, the HTTP client.
pub struct Registry {
    inner: fetch::Fetcher,
}

impl Registry {
    /// Reads the Docker config and the CA certificates and builds the client.
    ///
    /// # Errors
    /// A [`SetupError`] for an unreadable or malformed Docker config, a CA file without a
    /// certificate, or a client that cannot be built.
    pub fn new(options: Options) -> Result<Self, SetupError> {
        Ok(Registry { inner: fetch::Fetcher::new(options)? })
    }

    /// Fetches every request's metadata (the same image once), at most
    /// [`Options::concurrency`] at a time. Blocks until all are done, on the registry's own
    /// single-threaded runtime: from async code, call it in `spawn_blocking` (tokio refuses to
    /// block a runtime's worker thread on another runtime).
    #[must_use]
    pub fn fetch(&self, requests: &[Request]) -> Outcome {
        self.inner.fetch_all(requests)
    }
}
