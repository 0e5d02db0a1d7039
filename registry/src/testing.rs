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
    /// The user and password of its htpasswd auth, if any.
    pub credentials: Option<(String, String)>,
}

impl LocalRegistry {
    /// Starts a registry: `tls` for HTTPS with a fresh self-signed certificate for 127.0.0.1,
    /// `credentials` for htpasswd basic auth.
    ///
    /// # Errors
    /// A message when a tool is missing or the registry does not start.
    pub fn start(tls: bool, credentials: Option<(&str, &str)>) -> Result<Self, String> {
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
        if let Some((user, password)) = credentials {
            let htpasswd = run(Command::new("htpasswd").args(["-Bbn", user, password]))?;
            let path = d.join("htpasswd");
            std::fs::write(&path, htpasswd).map_err(|e| e.to_string())?;
            let _ = writeln!(config, "auth:\n  htpasswd:\n    realm: kubeharden-test\n    path: {}", path.display());
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
        let mut me = LocalRegistry {
            child: Some(child),
            dir,
            addr: String::new(),
            ca,
            credentials: credentials.map(|(u, p)| (u.to_owned(), p.to_owned())),
        };
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
