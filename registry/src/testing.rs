//! A real registry for tests and measurements (feature `testing`): Debian's `docker-registry`
//! (distribution) started on `127.0.0.1` with a port the kernel picks, plain HTTP or HTTPS with
//! a self-signed certificate made by `openssl`, optionally with htpasswd basic auth
//! (`htpasswd` from apache2-utils); images written as OCI layouts ([`Layout`]: configs with
//! chosen `created` and `User`, multi-platform indexes) and pushed with `skopeo copy
//! --preserve-digests`, so the digests a test expects are the registry's.
//!
//! Only loopback is used; the registry is stopped (killed and reaped) when its
//! [`LocalRegistry`] is dropped. A missing tool is an error naming the package, never a pass.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::cache::Sha256Digest;

/// The Debian packages the harness needs, for messages.
pub const PACKAGES: &str = "docker-registry skopeo apache2-utils openssl (scripts/install-toolchains.sh installs them)";

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e} (needs {PACKAGES})"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A running `docker-registry`.
pub struct LocalRegistry {
    child: Option<Child>,
    dir: tempfile::TempDir,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The CA (self-signed certificate) to trust, when the registry speaks HTTPS.
    pub ca: Option<PathBuf>,
    /// The user and password of its htpasswd or token auth, if any.
    pub credentials: Option<(String, String)>,
    token_server: Option<TokenServer>,
}

/// How a [`LocalRegistry`] authenticates.
#[derive(Clone, Copy, Debug)]
pub enum Auth<'a> {
    /// Anonymous access.
    None,
    /// htpasswd basic auth with this user and password.
    Htpasswd(&'a str, &'a str),
    /// The bearer-token flow: the registry answers `WWW-Authenticate: Bearer realm=...` naming a
    /// token server started here, which gives a JWT (RS256, signed by `openssl` with a key whose
    /// certificate is the registry's `rootcertbundle`) to this user and password, for these
    /// repositories, and 401 to anyone else. The registry verifies the token as for any issuer.
    Token(&'a str, &'a str, &'a [&'a str]),
}

/// The token server of [`Auth::Token`]: one pre-signed token, given for the right basic
/// credentials (loopback, one connection at a time).
struct TokenServer {
    addr: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TokenServer {
    fn start(token: String, user: &str, password: &str) -> Result<Self, String> {
        use base64::Engine as _;
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?.to_string();
        let expected =
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(mut c) = conn else { continue };
                let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match c.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(buf.get(..n).unwrap_or_default()),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let authorized = head.lines().any(|l| {
                    l.split_once(':')
                        .is_some_and(|(k, v)| k.eq_ignore_ascii_case("authorization") && v.trim() == expected)
                });
                let (status, body) = if authorized {
                    (
                        "200 OK",
                        serde_json::json!({"token": token, "access_token": token, "expires_in": 3600}).to_string(),
                    )
                } else {
                    (
                        "401 Unauthorized",
                        r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.to_owned(),
                    )
                };
                let _ = write!(
                    c,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Ok(TokenServer { addr, stop, thread: Some(thread) })
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // wake the accept loop
        let _ = std::net::TcpStream::connect(&self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A JWT for distribution's token auth, signed RS256 by `openssl dgst` with `key`, carrying
/// `cert` (DER) in `x5c`.
fn sign_token(dir: &Path, key: &Path, cert_der: &[u8], user: &str, repos: &[&str]) -> Result<String, String> {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?.as_secs();
    let header = serde_json::json!({
        "typ": "JWT", "alg": "RS256",
        "x5c": [base64::engine::general_purpose::STANDARD.encode(cert_der)],
    });
    let access: Vec<serde_json::Value> = repos
        .iter()
        .map(|r| serde_json::json!({"type": "repository", "name": r, "actions": ["pull", "push"]}))
        .collect();
    let claims = serde_json::json!({
        "iss": "kubeharden-test-issuer", "sub": user, "aud": "kubeharden-test",
        "exp": now + 3600, "nbf": now.saturating_sub(60), "iat": now, "jti": format!("kh-{now}"),
        "access": access,
    });
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let (input_file, sig_file) = (dir.join("token.input"), dir.join("token.sig"));
    std::fs::write(&input_file, &input).map_err(|e| e.to_string())?;
    run(Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .arg("-out")
        .arg(&sig_file)
        .arg(&input_file))?;
    let sig = std::fs::read(&sig_file).map_err(|e| e.to_string())?;
    Ok(format!("{input}.{}", b64(&sig)))
}

impl LocalRegistry {
    /// Starts a registry: `tls` for HTTPS with a fresh self-signed certificate for 127.0.0.1,
    /// `credentials` for htpasswd basic auth.
    ///
    /// # Errors
    /// A message when a tool is missing or the registry does not start.
    pub fn start(tls: bool, credentials: Option<(&str, &str)>) -> Result<Self, String> {
        match credentials {
            Some((u, p)) => Self::start_with(tls, Auth::Htpasswd(u, p)),
            None => Self::start_with(tls, Auth::None),
        }
    }

    /// Starts a registry with any [`Auth`].
    ///
    /// # Errors
    /// A message when a tool is missing or the registry does not start.
    pub fn start_with(tls: bool, auth: Auth<'_>) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let d = dir.path();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n  secret: kubeharden-test\n",
            d.join("data").display()
        );
        let mut ca = None;
        if tls {
            // a CA and a server certificate it signs (webpki refuses a self-signed end entity)
            let p = |n: &str| d.join(n);
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
            run(Command::new("openssl")
                .args(["req", "-x509"])
                .args(ec)
                .args([
                    "-days",
                    "2",
                    "-subj",
                    "/CN=kubeharden test CA",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign",
                    "-keyout",
                ])
                .arg(p("ca.key"))
                .arg("-out")
                .arg(p("ca.crt")))?;
            run(Command::new("openssl")
                .arg("req")
                .args(ec)
                .args(["-subj", "/CN=127.0.0.1", "-keyout"])
                .arg(p("key.pem"))
                .arg("-out")
                .arg(p("server.csr")))?;
            std::fs::write(
                p("ext.cnf"),
                "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
            )
            .map_err(|e| e.to_string())?;
            run(Command::new("openssl")
                .args(["x509", "-req", "-days", "2", "-in"])
                .arg(p("server.csr"))
                .arg("-CA")
                .arg(p("ca.crt"))
                .arg("-CAkey")
                .arg(p("ca.key"))
                .arg("-CAcreateserial")
                .arg("-extfile")
                .arg(p("ext.cnf"))
                .arg("-out")
                .arg(p("server.crt")))?;
            let (cert, key) = (p("server.crt"), p("key.pem"));
            let _ = writeln!(config, "  tls:\n    certificate: {}\n    key: {}", cert.display(), key.display());
            ca = Some(p("ca.crt"));
        }
        let mut credentials = None;
        let mut token_server = None;
        match auth {
            Auth::None => {}
            Auth::Htpasswd(user, password) => {
                let htpasswd = run(Command::new("htpasswd").args(["-Bbn", user, password]))?;
                let path = d.join("htpasswd");
                std::fs::write(&path, htpasswd).map_err(|e| e.to_string())?;
                let _ =
                    writeln!(config, "auth:\n  htpasswd:\n    realm: kubeharden-test\n    path: {}", path.display());
                credentials = Some((user.to_owned(), password.to_owned()));
            }
            Auth::Token(user, password, repos) => {
                let (key, cert, der) = (d.join("token.key"), d.join("token.crt"), d.join("token.der"));
                run(Command::new("openssl")
                    .args([
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=kubeharden test token issuer",
                        "-keyout",
                    ])
                    .arg(&key)
                    .arg("-out")
                    .arg(&cert))?;
                run(Command::new("openssl").args(["x509", "-outform", "DER", "-in"]).arg(&cert).arg("-out").arg(&der))?;
                let der = std::fs::read(&der).map_err(|e| e.to_string())?;
                let token = sign_token(d, &key, &der, user, repos)?;
                let server = TokenServer::start(token, user, password)?;
                let _ = writeln!(
                    config,
                    "auth:\n  token:\n    realm: http://{}/token\n    service: kubeharden-test\n    issuer: kubeharden-test-issuer\n    rootcertbundle: {}",
                    server.addr,
                    cert.display()
                );
                token_server = Some(server);
                credentials = Some((user.to_owned(), password.to_owned()));
            }
        }
        let config_path = d.join("config.yml");
        std::fs::write(&config_path, config).map_err(|e| e.to_string())?;
        let mut child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run docker-registry: {e} (needs {PACKAGES})"))?;
        let (tx, rx) = mpsc::channel();
        if let Some(stderr) = child.stderr.take() {
            // read the log to its end (a full pipe would block the registry), sending the address
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let addr: String =
                            rest.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':')).collect();
                        let _ = tx.send(addr);
                    }
                }
            });
        }
        let mut me = LocalRegistry { child: Some(child), dir, addr: String::new(), ca, credentials, token_server };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) if addr.starts_with("127.0.0.1:") => me.addr = addr,
            Ok(addr) => return Err(format!("docker-registry listens on `{addr}`, not on loopback")),
            Err(_) => return Err("docker-registry did not start in 30 s".to_owned()),
        }
        Ok(me)
    }

    /// Stops the registry now (kill and reap); later requests find nothing listening.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.token_server = None;
    }

    /// A directory of the registry's temporary directory (for a test's files).
    #[must_use]
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Pushes image `name` of an OCI layout to `<addr>/<dest>` (`repo:tag`) with
    /// `skopeo copy --preserve-digests` (`--all` for an index).
    ///
    /// # Errors
    /// skopeo's message.
    pub fn push(&self, layout: &Layout, name: &str, dest: &str) -> Result<(), String> {
        let mut cmd = Command::new("skopeo");
        cmd.args(["--insecure-policy", "copy", "--quiet", "--all", "--preserve-digests"]);
        match &self.ca {
            Some(ca) => {
                let certs = self.scratch("skopeo-certs");
                std::fs::create_dir_all(&certs).map_err(|e| e.to_string())?;
                std::fs::copy(ca, certs.join("ca.crt")).map_err(|e| e.to_string())?;
                cmd.arg("--dest-cert-dir").arg(certs);
            }
            None => {
                cmd.arg("--dest-tls-verify=false");
            }
        }
        if let Some((u, p)) = &self.credentials {
            cmd.arg("--dest-creds").arg(format!("{u}:{p}"));
        }
        cmd.arg(format!("oci:{}:{name}", layout.dir.display())).arg(format!("docker://{}/{dest}", self.addr));
        run(&mut cmd).map(|_| ())
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The digests of an image written into a [`Layout`].
#[derive(Clone, Debug)]
pub struct Written {
    /// The manifest's digest (of the index, for [`Layout::add_index`]).
    pub digest: String,
    /// Per platform manifest (one for a single image): manifest digest and config digest.
    pub manifests: Vec<(String, String)>,
}

/// An image config to write: `created` and `User` as chosen (`None` leaves them out).
#[derive(Clone, Debug, Default)]
pub struct ImageSpec<'a> {
    /// `created`.
    pub created: Option<&'a str>,
    /// `config.User`.
    pub user: Option<&'a str>,
    /// `os/architecture[/variant]`.
    pub platform: &'a str,
}

/// An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/`) written by hand.
pub struct Layout {
    dir: PathBuf,
    refs: Vec<serde_json::Value>,
}

/// One empty tar archive (two zero blocks): the only layer of every image.
const EMPTY_TAR: [u8; 1024] = [0; 1024];

impl Layout {
    /// A new layout in `dir` (created).
    ///
    /// # Errors
    /// An I/O message.
    pub fn new(dir: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir.join("blobs").join("sha256")).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).map_err(|e| e.to_string())?;
        let mut l = Layout { dir: dir.to_owned(), refs: Vec::new() };
        l.write_index()?;
        Ok(l)
    }

    fn blob(&self, bytes: &[u8]) -> Result<String, String> {
        let d = Sha256Digest::of(bytes);
        let hex = d.as_str().trim_start_matches("sha256:");
        std::fs::write(self.dir.join("blobs").join("sha256").join(hex), bytes).map_err(|e| e.to_string())?;
        Ok(d.as_str().to_owned())
    }

    fn write_index(&mut self) -> Result<(), String> {
        let index = serde_json::json!({"schemaVersion": 2, "manifests": self.refs});
        std::fs::write(self.dir.join("index.json"), index.to_string()).map_err(|e| e.to_string())
    }

    fn manifest(&self, spec: &ImageSpec<'_>) -> Result<(String, String, usize, serde_json::Value), String> {
        let mut parts = spec.platform.split('/');
        let (os, arch, variant) = (parts.next().unwrap_or("linux"), parts.next().unwrap_or("amd64"), parts.next());
        let layer = self.blob(&EMPTY_TAR)?;
        let mut inner = serde_json::Map::new();
        inner.insert("Env".to_owned(), serde_json::json!(["PATH=/usr/bin"]));
        if let Some(u) = spec.user {
            inner.insert("User".to_owned(), u.into());
        }
        let mut config = serde_json::Map::new();
        config.insert("architecture".to_owned(), arch.into());
        config.insert("os".to_owned(), os.into());
        if let Some(v) = variant {
            config.insert("variant".to_owned(), v.into());
        }
        if let Some(c) = spec.created {
            config.insert("created".to_owned(), c.into());
        }
        config.insert("config".to_owned(), inner.into());
        config.insert("rootfs".to_owned(), serde_json::json!({"type": "layers", "diff_ids": [layer]}));
        let config = serde_json::Value::Object(config);
        let config_bytes = config.to_string().into_bytes();
        let config_digest = self.blob(&config_bytes)?;
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_bytes.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer, "size": EMPTY_TAR.len()}],
        });
        let bytes = manifest.to_string().into_bytes();
        let digest = self.blob(&bytes)?;
        let platform = match variant {
            Some(v) => serde_json::json!({"os": os, "architecture": arch, "variant": v}),
            None => serde_json::json!({"os": os, "architecture": arch}),
        };
        Ok((digest, config_digest, bytes.len(), platform))
    }

    /// Writes a single-platform image named `name` in `index.json`.
    ///
    /// # Errors
    /// An I/O message.
    pub fn add_image(&mut self, name: &str, spec: &ImageSpec<'_>) -> Result<Written, String> {
        let (digest, config, size, _) = self.manifest(spec)?;
        self.refs.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": size,
            "annotations": {"org.opencontainers.image.ref.name": name},
        }));
        self.write_index()?;
        Ok(Written { digest: digest.clone(), manifests: vec![(digest, config)] })
    }

    /// Writes an image manifest named `name` whose config blob is `config` with `media_type`
    /// as given (an artifact that is no container image, a config that is not JSON).
    ///
    /// # Errors
    /// An I/O message.
    pub fn add_raw(&mut self, name: &str, media_type: &str, config: &[u8]) -> Result<Written, String> {
        let layer = self.blob(&EMPTY_TAR)?;
        let config_digest = self.blob(config)?;
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": media_type, "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer, "size": EMPTY_TAR.len()}],
        });
        let bytes = manifest.to_string().into_bytes();
        let digest = self.blob(&bytes)?;
        self.refs.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": bytes.len(),
            "annotations": {"org.opencontainers.image.ref.name": name},
        }));
        self.write_index()?;
        Ok(Written { digest: digest.clone(), manifests: vec![(digest, config_digest)] })
    }

    /// Writes a multi-platform image index named `name`, one manifest per spec (in order).
    ///
    /// # Errors
    /// An I/O message.
    pub fn add_index(&mut self, name: &str, specs: &[ImageSpec<'_>]) -> Result<Written, String> {
        let mut entries = Vec::new();
        let mut manifests = Vec::new();
        for s in specs {
            let (digest, config, size, platform) = self.manifest(s)?;
            entries.push(serde_json::json!({
                "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": size, "platform": platform,
            }));
            manifests.push((digest, config));
        }
        let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries});
        let bytes = index.to_string().into_bytes();
        let digest = self.blob(&bytes)?;
        self.refs.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest, "size": bytes.len(),
            "annotations": {"org.opencontainers.image.ref.name": name},
        }));
        self.write_index()?;
        Ok(Written { digest, manifests })
    }
}
