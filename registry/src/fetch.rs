//! The fetching: requests resolved to jobs (one per distinct image), credentials per registry,
//! then every job on a single-threaded tokio runtime, at most `concurrency` at once, each call to
//! the registry under a timeout and retried with backoff when another try may succeed.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin as StdPin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use futures_util::stream::{self, StreamExt as _};
use kubeharden::image::ImageRef;
use kubeharden::report::escape::escape_control;
use kubeharden::SourceFile;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::manifest::{
    IMAGE_CONFIG_MEDIA_TYPE, IMAGE_DOCKER_CONFIG_MEDIA_TYPE, IMAGE_MANIFEST_LIST_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE,
    OCI_IMAGE_INDEX_MEDIA_TYPE, OCI_IMAGE_MEDIA_TYPE,
};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde::Deserialize;

use crate::auth::{registry_host, Credential, DockerConfig};
use crate::cache::{Cache, Sha256Digest, MAX_BLOB};
use crate::platform::{choose, Candidate, Platform};
use crate::{ErrorKind, FetchError, Fetched, Options, Outcome, Pin, Request, SetupError, Stats};

const ACCEPT: &[&str] =
    &[OCI_IMAGE_INDEX_MEDIA_TYPE, IMAGE_MANIFEST_LIST_MEDIA_TYPE, OCI_IMAGE_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE];

/// One distinct image to fetch.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Job {
    /// `docker.io/library/nginx`.
    repository: String,
    tag: Option<String>,
    /// The digest to fetch (the running one, else the reference's), if any.
    digest: Option<String>,
    pin: Pin,
    platform: Platform,
}

type Failure = (ErrorKind, String);

pub(crate) struct Fetcher {
    client: Client,
    options: Options,
    cache: Option<Cache>,
    docker: Option<DockerConfig>,
    runtime: tokio::runtime::Runtime,
}

fn read_ca(path: &std::path::Path) -> Result<Certificate, SetupError> {
    let fail = |message: String| SetupError::CaCert { path: path.display().to_string(), message };
    let data = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if !data.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(fail("holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)".to_owned()));
    }
    Ok(Certificate { encoding: CertificateEncoding::Pem, data })
}

/// The host that serves a registry's API: Docker Hub's is `registry-1.docker.io`.
fn api_host(host: &str) -> &str {
    if host == "docker.io" {
        "registry-1.docker.io"
    } else {
        host
    }
}

/// Every message of an error and its sources, once each, control characters escaped and cut at
/// 300 characters (a registry's error body can be anything).
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    let joined = parts.join(": ");
    let cut: String = joined.chars().take(300).collect();
    let more = if joined.chars().count() > 300 { "..." } else { "" };
    format!("{}{more}", escape_control(&cut))
}

/// Whether rustls refused the connection somewhere in the error's sources.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        // an `io::Error` hides the error it wraps from `source()` (hyper-rustls wraps twice)
        let mut io_err = err.downcast_ref::<io::Error>();
        while let Some(inner) = io_err.and_then(io::Error::get_ref) {
            if inner.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            io_err = inner.downcast_ref::<io::Error>();
        }
        cur = err.source();
    }
    false
}

fn classify(e: &OciDistributionError) -> Failure {
    use OciDistributionError as E;
    let msg = chain(e);
    let kind = match e {
        E::AuthenticationFailure(_) | E::UnauthorizedError { .. } => ErrorKind::Denied,
        E::RegistryError { envelope, .. } => {
            let codes: Vec<&OciErrorCode> = envelope.errors.iter().map(|x| &x.code).collect();
            if codes.iter().any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied)) {
                ErrorKind::Denied
            } else if codes.iter().any(|c| {
                matches!(
                    c,
                    OciErrorCode::ManifestUnknown
                        | OciErrorCode::NameUnknown
                        | OciErrorCode::BlobUnknown
                        | OciErrorCode::NotFound
                        | OciErrorCode::ManifestBlobUnknown
                )
            }) {
                ErrorKind::NotFound
            } else if codes.iter().any(|c| matches!(c, OciErrorCode::Toomanyrequests)) {
                ErrorKind::Server
            } else {
                ErrorKind::Malformed
            }
        }
        E::ImageManifestNotFoundError(_) => ErrorKind::NotFound,
        E::ServerError { code, .. } => match code {
            401 | 403 => ErrorKind::Denied,
            404 => ErrorKind::NotFound,
            _ => ErrorKind::Server,
        },
        E::RequestError(r) => {
            if is_tls(r) {
                ErrorKind::Tls
            } else if r.is_timeout() {
                ErrorKind::Timeout
            } else if r.is_connect() || r.is_request() {
                ErrorKind::Unreachable
            } else {
                ErrorKind::Server
            }
        }
        E::IoError(_) => ErrorKind::Unreachable,
        _ => ErrorKind::Malformed,
    };
    (kind, msg)
}

/// A `Vec` that refuses to grow past [`MAX_BLOB`].
struct Bounded {
    buf: Vec<u8>,
    overflow: bool,
}

impl tokio::io::AsyncWrite for Bounded {
    fn poll_write(mut self: StdPin<&mut Self>, _: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        if self.buf.len().saturating_add(data.len()) > MAX_BLOB {
            self.overflow = true;
            return Poll::Ready(Err(io::Error::other("blob larger than the limit")));
        }
        self.buf.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: StdPin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: StdPin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[derive(Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    digest: String,
    #[serde(default)]
    size: Option<i64>,
}

#[derive(Deserialize, Default)]
struct PlatformJson {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
}

#[derive(Deserialize)]
struct IndexEntry {
    digest: String,
    #[serde(default)]
    platform: Option<PlatformJson>,
}

#[derive(Deserialize)]
struct AnyManifest {
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<i64>,
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    manifests: Option<Vec<IndexEntry>>,
}

enum Parsed {
    Index(Vec<IndexEntry>),
    Image(Descriptor),
}

fn malformed(msg: impl Into<String>) -> Failure {
    (ErrorKind::Malformed, msg.into())
}

fn parse_manifest(bytes: &[u8], digest: &str) -> Result<Parsed, Failure> {
    let m: AnyManifest = serde_json::from_slice(bytes)
        .map_err(|e| malformed(format!("manifest {digest} is not a manifest (JSON): {}", chain(&e))))?;
    match m.schema_version {
        Some(2) => {}
        Some(1) => {
            return Err(malformed(format!(
                "manifest {digest} is a Docker schema 1 manifest (deprecated, not supported)"
            )))
        }
        v => return Err(malformed(format!("manifest {digest} has schemaVersion {v:?}, not 2"))),
    }
    let is_index = matches!(m.media_type.as_deref(), Some(OCI_IMAGE_INDEX_MEDIA_TYPE | IMAGE_MANIFEST_LIST_MEDIA_TYPE));
    match (is_index, m.manifests, m.config) {
        (_, Some(list), None) => Ok(Parsed::Index(list)),
        (false, None, Some(c)) => Ok(Parsed::Image(c)),
        _ => Err(malformed(format!(
            "manifest {digest} ({}) is neither an image manifest nor an index",
            m.media_type.as_deref().unwrap_or("no media type")
        ))),
    }
}

/// `host[:port]/component/...` with the Distribution API's repository grammar: components of
/// lowercase letters and digits joined by `.`, `_`, `__` or dashes (so never `..` or an empty
/// component: a reference cannot walk out of `/v2/<name>/`).
fn valid_repository(repository: &str) -> bool {
    let mut parts = repository.split('/');
    let host = parts.next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && !host.contains("..");
    let component = |c: &str| {
        let b = c.as_bytes();
        let alnum = |x: &u8| x.is_ascii_lowercase() || x.is_ascii_digit();
        b.first().is_some_and(alnum)
            && b.last().is_some_and(alnum)
            && b.iter().all(|x| alnum(x) || matches!(x, b'.' | b'_' | b'-'))
            && !c.contains("..")
            && !c.contains("___")
    };
    let mut n = 0;
    let path_ok = parts.all(|c| {
        n += 1;
        component(c)
    });
    host_ok && path_ok && n > 0
}

/// A tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() <= 128
        && b.first().is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_')
        && b.iter().all(|x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b'.' | b'-'))
}

impl Fetcher {
    pub(crate) fn new(options: Options) -> Result<Self, SetupError> {
        // reqwest's rustls without a built-in provider: ring, installed once per process (an
        // `Err` means a provider is already installed, which is what is needed)
        let _ = rustls::crypto::ring::default_provider().install_default();
        let extra_root_certificates = options.ca_certs.iter().map(|p| read_ca(p)).collect::<Result<Vec<_>, _>>()?;
        let docker = match &options.docker_config {
            Some(p) => DockerConfig::load(p)
                .map_err(|message| SetupError::DockerConfig { path: p.display().to_string(), message })?,
            None => None,
        };
        let config = ClientConfig {
            protocol: ClientProtocol::HttpsExcept(options.insecure.clone()),
            extra_root_certificates,
            read_timeout: Some(options.timeout),
            connect_timeout: Some(options.timeout),
            user_agent: concat!("kubeharden/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        let client = Client::try_from(config).map_err(|e| SetupError::Client(chain(&e)))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| SetupError::Client(e.to_string()))?;
        let cache = options.cache_dir.as_deref().map(Cache::new);
        Ok(Fetcher { client, options, cache, docker, runtime })
    }

    fn job(&self, r: &Request) -> Result<Job, Failure> {
        let bad = |m: String| (ErrorKind::InvalidReference, m);
        let parsed = ImageRef::parse(&r.image)
            .ok_or_else(|| bad(format!("`{}` is not an image reference", escape_control(&r.image))))?;
        let check = |d: &str| Sha256Digest::parse(d).map(|d| d.as_str().to_owned()).map_err(bad);
        let (digest, pin) = match (&r.digest, &parsed.digest) {
            (Some(d), _) => (Some(check(d)?), Pin::Running),
            (None, Some(d)) => (Some(check(d)?), Pin::Reference),
            (None, None) => (None, Pin::Tag),
        };
        let tag = parsed.tag.clone().or_else(|| parsed.effective_tag().map(str::to_owned));
        if !valid_repository(&parsed.repository) {
            return Err(bad(format!(
                "`{}` is not a repository the Distribution API can name (lowercase letters, digits, `.`, `_`, `-` between them)",
                escape_control(&parsed.repository)
            )));
        }
        if let Some(t) = tag.as_deref().filter(|t| !valid_tag(t)) {
            return Err(bad(format!("`{}` is not a tag (at most 128 of `A-Za-z0-9_.-`)", escape_control(t))));
        }
        let platform = r.platform.clone().unwrap_or_else(|| self.options.platform.clone());
        Ok(Job { repository: parsed.repository, tag, digest, pin, platform })
    }

    pub(crate) fn fetch_all(&self, requests: &[Request]) -> Outcome {
        let stats = Mutex::new(Stats::default());
        let mut jobs: Vec<Job> = Vec::new();
        let mut index: HashMap<Job, usize> = HashMap::new();
        let planned: Vec<Result<usize, Failure>> = requests
            .iter()
            .map(|r| {
                let j = self.job(r)?;
                Ok(*index.entry(j.clone()).or_insert_with(|| {
                    jobs.push(j);
                    jobs.len() - 1
                }))
            })
            .collect();
        // credentials once per registry, before any request (helpers are programs)
        let mut auths: HashMap<String, Result<RegistryAuth, String>> = HashMap::new();
        for j in &jobs {
            let host = registry_host(&j.repository).to_owned();
            if let std::collections::hash_map::Entry::Vacant(slot) = auths.entry(host) {
                let a = match &self.docker {
                    None => Ok(RegistryAuth::Anonymous),
                    Some(d) => d.credential(slot.key()).map(|c| match c {
                        Credential::Anonymous => RegistryAuth::Anonymous,
                        Credential::Basic { username, password } => RegistryAuth::Basic(username, password),
                        Credential::Bearer(t) => RegistryAuth::Bearer(t),
                    }),
                };
                slot.insert(a);
            }
        }
        let concurrency = self.options.concurrency.max(1);
        let done: Vec<Result<Fetched, Failure>> = self.runtime.block_on(
            stream::iter(jobs.iter())
                .map(|j| {
                    let auth = auths.get(registry_host(&j.repository));
                    self.fetch_job(j, auth, &stats)
                })
                .buffered(concurrency)
                .collect(),
        );
        let results = requests
            .iter()
            .zip(planned)
            .map(|(r, p)| {
                let res = p.and_then(|i| done.get(i).cloned().unwrap_or_else(|| Err(malformed("lost job"))));
                match res {
                    Ok(f) => Ok(Fetched { image: r.image.clone(), ..f }),
                    Err((kind, message)) => Err(FetchError { image: r.image.clone(), kind, message }),
                }
            })
            .collect();
        let mut stats = stats.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        stats.images = jobs.len();
        Outcome { results, stats }
    }

    /// One call to the registry, timed out and retried.
    async fn call<T, F, Fut>(&self, what: &str, stats: &Mutex<Stats>, mut f: F) -> Result<T, Failure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        let mut attempt: u32 = 0;
        loop {
            if let Ok(mut s) = stats.lock() {
                s.requests += 1;
            }
            let (kind, msg) = match tokio::time::timeout(self.options.timeout, f()).await {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) => classify(&e),
                Err(_) => (ErrorKind::Timeout, format!("no answer in {} s", self.options.timeout.as_secs_f64())),
            };
            if !kind.retryable() || attempt >= self.options.retries {
                let tries = if attempt > 0 { format!(" (after {} tries)", attempt + 1) } else { String::new() };
                return Err((kind, format!("{what}: {msg}{tries}")));
            }
            let wait = self.options.backoff.saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX));
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    fn cached(&self, d: &Sha256Digest, stats: &Mutex<Stats>) -> Option<Vec<u8>> {
        let c = self.cache.as_ref()?;
        match c.get(d) {
            Ok(Some(b)) => {
                if let Ok(mut s) = stats.lock() {
                    s.cache_hits += 1;
                }
                Some(b)
            }
            Ok(None) => None,
            Err(w) => {
                if let Ok(mut s) = stats.lock() {
                    s.cache_warnings.push(w);
                }
                None
            }
        }
    }

    fn store(&self, d: &Sha256Digest, bytes: &[u8], stats: &Mutex<Stats>) {
        let Some(c) = &self.cache else { return };
        let r = c.put(d, bytes);
        if let Ok(mut s) = stats.lock() {
            s.cache_misses += 1;
            if let Err(w) = r {
                if !s.cache_warnings.contains(&w) {
                    s.cache_warnings.push(w);
                }
            }
        }
    }

    /// A manifest or index by digest: from the cache, else from the registry (its digest checked).
    async fn manifest(
        &self,
        reference: &Reference,
        digest: &Sha256Digest,
        auth: &RegistryAuth,
        stats: &Mutex<Stats>,
    ) -> Result<(Vec<u8>, bool), Failure> {
        if let Some(b) = self.cached(digest, stats) {
            return Ok((b, true));
        }
        let by_digest = reference.clone_with_digest(digest.as_str().to_owned());
        let (bytes, _) = self
            .call(&format!("manifest {}", digest.as_str()), stats, || {
                self.client.pull_manifest_raw(&by_digest, auth, ACCEPT)
            })
            .await?;
        if bytes.len() > MAX_BLOB {
            return Err(malformed(format!("manifest {} is larger than {MAX_BLOB} bytes", digest.as_str())));
        }
        if Sha256Digest::of(&bytes) != *digest {
            return Err(malformed(format!("manifest {} does not match its digest", digest.as_str())));
        }
        self.store(digest, &bytes, stats);
        Ok((bytes.to_vec(), false))
    }

    /// The config blob: from the cache, else from the registry (its digest checked by the client).
    async fn config(
        &self,
        reference: &Reference,
        desc: &Descriptor,
        auth: &RegistryAuth,
        stats: &Mutex<Stats>,
    ) -> Result<(Vec<u8>, bool), Failure> {
        let d = Sha256Digest::parse(&desc.digest).map_err(|m| malformed(format!("the config descriptor: {m}")))?;
        if let Some(b) = self.cached(&d, stats) {
            return Ok((b, true));
        }
        if desc.size.is_some_and(|s| usize::try_from(s).map_or(true, |s| s > MAX_BLOB)) {
            return Err(malformed(format!("config {} is larger than {MAX_BLOB} bytes", d.as_str())));
        }
        let what = format!("config {}", d.as_str());
        // a blob request carries the credentials stored by an earlier call; the manifests may
        // have come from the cache
        self.client.store_auth_if_needed(reference.resolve_registry(), auth).await;
        let bytes = self
            .call(&what, stats, || async {
                let mut out = Bounded { buf: Vec::new(), overflow: false };
                let r = self.client.pull_blob(reference, d.as_str(), &mut out).await;
                match r {
                    Ok(()) => Ok(Ok(out.buf)),
                    Err(_) if out.overflow => Ok(Err(())),
                    Err(e) => Err(e),
                }
            })
            .await?
            .map_err(|()| malformed(format!("{what} is larger than {MAX_BLOB} bytes")))?;
        self.store(&d, &bytes, stats);
        Ok((bytes, false))
    }

    async fn fetch_job(
        &self,
        job: &Job,
        auth: Option<&Result<RegistryAuth, String>>,
        stats: &Mutex<Stats>,
    ) -> Result<Fetched, Failure> {
        let host = registry_host(&job.repository);
        let auth = match auth {
            Some(Ok(a)) => a,
            Some(Err(m)) => return Err((ErrorKind::Credentials, m.clone())),
            None => return Err((ErrorKind::Credentials, format!("no credentials resolved for `{host}`"))),
        };
        let path = job.repository.get(host.len() + 1..).unwrap_or_default().to_owned();
        let api = api_host(host).to_owned();
        let reference = match (&job.digest, &job.tag) {
            (Some(d), _) => Reference::with_digest(api, path, d.clone()),
            (None, Some(t)) => Reference::with_tag(api, path, t.clone()),
            (None, None) => return Err((ErrorKind::InvalidReference, "neither a tag nor a digest".to_owned())),
        };
        let digest = match &job.digest {
            Some(d) => Sha256Digest::parse(d).map_err(|m| (ErrorKind::InvalidReference, m))?,
            None => {
                let tag = job.tag.as_deref().unwrap_or("latest");
                let d = self
                    .call(&format!("tag `{tag}`"), stats, || self.client.fetch_manifest_digest(&reference, auth))
                    .await?;
                Sha256Digest::parse(&d).map_err(|m| malformed(format!("the registry's digest of tag `{tag}`: {m}")))?
            }
        };
        let (top, mut all_cached) = self.manifest(&reference, &digest, auth, stats).await?;
        let (manifest_digest, platform, config_desc) = match parse_manifest(&top, digest.as_str())? {
            Parsed::Image(c) => (digest.clone(), None, c),
            Parsed::Index(entries) => {
                let candidates: Vec<Candidate<'_>> = entries
                    .iter()
                    .map(|e| {
                        let p = e.platform.as_ref();
                        Candidate {
                            os: p.map_or("", |p| p.os.as_str()),
                            architecture: p.map_or("", |p| p.architecture.as_str()),
                            variant: p.and_then(|p| p.variant.as_deref()),
                        }
                    })
                    .collect();
                let Some(entry) = choose(&job.platform, &candidates).and_then(|i| entries.get(i)) else {
                    let mut have: Vec<String> = candidates
                        .iter()
                        .filter(|c| !c.os.is_empty() && c.os != "unknown")
                        .map(|c| match c.variant {
                            Some(v) => format!("{}/{}/{v}", c.os, c.architecture),
                            None => format!("{}/{}", c.os, c.architecture),
                        })
                        .collect();
                    have.dedup();
                    return Err((
                        ErrorKind::NoPlatform,
                        format!(
                            "index {} has no manifest for {} (it has: {})",
                            digest.as_str(),
                            job.platform,
                            if have.is_empty() { "none".to_owned() } else { have.join(", ") }
                        ),
                    ));
                };
                let child = Sha256Digest::parse(&entry.digest)
                    .map_err(|m| malformed(format!("index {}: {m}", digest.as_str())))?;
                let (bytes, cached) = self.manifest(&reference, &child, auth, stats).await?;
                all_cached &= cached;
                let platform = entry.platform.as_ref().map(|p| match &p.variant {
                    Some(v) => format!("{}/{}/{v}", p.os, p.architecture),
                    None => format!("{}/{}", p.os, p.architecture),
                });
                match parse_manifest(&bytes, child.as_str())? {
                    Parsed::Image(c) => (child, platform, c),
                    Parsed::Index(_) => {
                        return Err(malformed(format!(
                            "index {} points at another index ({}) for {}",
                            digest.as_str(),
                            child.as_str(),
                            job.platform
                        )))
                    }
                }
            }
        };
        if let Some(mt) = config_desc.media_type.as_deref() {
            if mt != IMAGE_CONFIG_MEDIA_TYPE && mt != IMAGE_DOCKER_CONFIG_MEDIA_TYPE {
                return Err(malformed(format!(
                    "manifest {} is not a container image: its config is `{}`",
                    manifest_digest.as_str(),
                    escape_control(mt)
                )));
            }
        }
        let (config, cached) = self.config(&reference, &config_desc, auth, stats).await?;
        all_cached &= cached;
        let mut repo_digests = vec![format!("{}@{}", job.repository, digest.as_str())];
        if manifest_digest != digest {
            repo_digests.push(format!("{}@{}", job.repository, manifest_digest.as_str()));
        }
        let repo_tag = job.tag.as_ref().map(|t| format!("{}:{t}", job.repository));
        let d = crate::meta::describe(&config, &config_desc.digest, repo_tag.as_deref(), &repo_digests)
            .map_err(|m| malformed(format!("config {}: {m}", config_desc.digest)))?;
        Ok(Fetched {
            image: String::new(),
            repository: job.repository.clone(),
            tag: job.tag.clone(),
            pin: job.pin,
            digest: digest.as_str().to_owned(),
            manifest_digest: manifest_digest.as_str().to_owned(),
            platform,
            config_digest: config_desc.digest.clone(),
            created: d.created,
            user: d.user,
            // named by the platform's manifest: one file per image and platform
            metadata: SourceFile::new(format!("registry:{}@{}.json", job.repository, manifest_digest.as_str()), d.json),
            cached: all_cached,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_classified() {
        let d = "sha256:x";
        let image = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:c","size":2},"layers":[]}"#;
        assert!(matches!(parse_manifest(image, d), Ok(Parsed::Image(c)) if c.digest == "sha256:c"));
        let index = br#"{"schemaVersion":2,"manifests":[{"digest":"sha256:a","platform":{"os":"linux","architecture":"amd64"}}]}"#;
        assert!(matches!(parse_manifest(index, d), Ok(Parsed::Index(l)) if l.len() == 1));
        let schema1 = br#"{"schemaVersion":1,"name":"x"}"#;
        assert!(parse_manifest(schema1, d).err().unwrap().1.contains("schema 1"));
        for bad in [&b"not json"[..], br#"{"schemaVersion":2}"#, br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{"digest":"sha256:c"}}"#] {
            assert_eq!(parse_manifest(bad, d).err().unwrap().0, ErrorKind::Malformed);
        }
    }

    #[test]
    fn messages_are_escaped_and_bounded() {
        let e = OciDistributionError::ServerError {
            code: 500,
            url: "u".into(),
            message: format!("\x1b[31m{}", "x".repeat(500)),
        };
        let (kind, m) = classify(&e);
        assert_eq!(kind, ErrorKind::Server);
        assert!(!m.contains('\x1b') && m.chars().count() <= 310, "{m}");
        assert_eq!(
            classify(&OciDistributionError::ServerError { code: 404, url: "u".into(), message: String::new() }).0,
            ErrorKind::NotFound
        );
    }

    #[test]
    fn jobs_normalise_and_pin() {
        let f = Fetcher::new(Options::default()).unwrap();
        let j = f.job(&Request::new("nginx")).unwrap();
        assert_eq!(
            (j.repository.as_str(), j.tag.as_deref(), j.pin),
            ("docker.io/library/nginx", Some("latest"), Pin::Tag)
        );
        let d = format!("sha256:{}", "a".repeat(64));
        let j = f.job(&Request { digest: Some(d.clone()), ..Request::new("localhost:5000/app:1") }).unwrap();
        assert_eq!((j.digest.as_deref(), j.pin, j.tag.as_deref()), (Some(d.as_str()), Pin::Running, Some("1")));
        let j = f.job(&Request::new(format!("ghcr.io/o/app@{d}"))).unwrap();
        assert_eq!((j.pin, j.tag), (Pin::Reference, None));
        assert_eq!(f.job(&Request::new("app@sha256:../../x")).unwrap_err().0, ErrorKind::InvalidReference);
        assert_eq!(f.job(&Request::new("${IMAGE}")).unwrap_err().0, ErrorKind::InvalidReference);
        for bad in [
            "reg.example/../v2/x:1",
            "reg.example/a//b:1",
            "reg.example/-a:1",
            "reg.example/a:-x",
            "reg.example/a?b=1:2",
        ] {
            assert_eq!(f.job(&Request::new(bad)).unwrap_err().0, ErrorKind::InvalidReference, "{bad}");
        }
        for good in ["reg.example:5000/team/app_x.y-z:v1.2_3", "[::1]:5000/a/b", "nginx", "a__b/c--d"] {
            assert!(f.job(&Request::new(good)).is_ok(), "{good}");
        }
        assert_eq!(api_host("docker.io"), "registry-1.docker.io");
    }
}
