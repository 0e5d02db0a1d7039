//! Credentials as Docker finds them: the Docker config (`$DOCKER_CONFIG/config.json` or
//! `~/.docker/config.json`) with `auths` (`auth` = base64 of `user:password`, or `username` and
//! `password`, or `registrytoken`), `credHelpers` (a helper per registry) and `credsStore` (the
//! helper for every other registry). A helper is the program `docker-credential-<name>`, run
//! with `get` and the server URL on its standard input, answering `{"Username", "Secret"}`.
//!
//! Passwords and tokens never reach a message: `Debug` of a [`Credential`] hides them, and
//! errors name the file, the registry and the helper only.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;

/// How to authenticate to one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// No credentials: anonymous access (the bearer flow still runs, for public images).
    Anonymous,
    /// A user name and password (or access token), for basic auth and the token request.
    Basic {
        /// The user name.
        username: String,
        /// The password or access token.
        password: String,
    },
    /// A registry token sent as `Authorization: Bearer` (`registrytoken` in the config).
    Bearer(String),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Anonymous => f.write_str("Anonymous"),
            Credential::Basic { username, .. } => write!(f, "Basic({username:?}, <redacted>)"),
            Credential::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
}

/// A Docker config, read once.
pub struct DockerConfig {
    path: PathBuf,
    auths: BTreeMap<String, AuthEntry>,
    creds_store: Option<String>,
    cred_helpers: BTreeMap<String, String>,
}

/// How long a credential helper may take.
const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

/// The registry of a normalised repository: `docker.io` of `docker.io/library/nginx`,
/// `127.0.0.1:5000` of `127.0.0.1:5000/app`.
#[must_use]
pub fn registry_host(repository: &str) -> &str {
    repository.split('/').next().unwrap_or(repository)
}

/// A key of `auths` or `credHelpers` as a registry host: the scheme and path dropped
/// (`https://index.docker.io/v1/` is `docker.io`), Docker Hub's aliases as `docker.io`.
fn host_of_key(key: &str) -> String {
    let k = key.trim();
    let k = k.strip_prefix("https://").or_else(|| k.strip_prefix("http://")).unwrap_or(k);
    let host = k.split('/').next().unwrap_or(k).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => "docker.io".to_owned(),
        _ => host,
    }
}

/// The server URL Docker hands a credential helper for a registry.
fn server_url(host: &str) -> String {
    if host == "docker.io" {
        "https://index.docker.io/v1/".to_owned()
    } else {
        host.to_owned()
    }
}

impl DockerConfig {
    /// Reads a Docker config; `Ok(None)` when the file does not exist (anonymous access).
    ///
    /// # Errors
    /// A message when the file exists but cannot be read or is not a Docker config.
    pub fn load(path: &Path) -> Result<Option<DockerConfig>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the Docker config: {e}")),
        };
        let raw: RawConfig = serde_json::from_str(&text).map_err(|e| {
            // serde_json's message names the line and column, never the value
            format!("not a Docker config (JSON): {e}")
        })?;
        // several keys may name one host (`https://index.docker.io/v1/` and `docker.io`): the
        // first in key order that has credentials wins, as with Docker
        let mut auths = BTreeMap::new();
        for (k, v) in raw.auths {
            auths.entry(host_of_key(&k)).or_insert(v);
        }
        let cred_helpers = raw.cred_helpers.into_iter().map(|(k, v)| (host_of_key(&k), v)).collect();
        let creds_store = raw.creds_store.filter(|s| !s.is_empty());
        Ok(Some(DockerConfig { path: path.to_owned(), auths, creds_store, cred_helpers }))
    }

    /// The file it was read from.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The credential for a registry host: its `credHelpers` helper, else the `credsStore`
    /// helper, else its `auths` entry, else anonymous. A helper that has no credentials for the
    /// registry falls through to `auths`.
    ///
    /// # Errors
    /// A message when a helper fails or an entry cannot be used (never with the secret).
    pub fn credential(&self, host: &str) -> Result<Credential, String> {
        let helper = self.cred_helpers.get(host).or(self.creds_store.as_ref());
        if let Some(h) = helper {
            if let Some(c) = run_helper(h, &server_url(host))? {
                return Ok(c);
            }
        }
        match self.auths.get(host) {
            Some(e) => self.entry_credential(host, e),
            None => Ok(Credential::Anonymous),
        }
    }

    fn entry_credential(&self, host: &str, e: &AuthEntry) -> Result<Credential, String> {
        let what = format!("{}: `auths` entry of `{host}`", self.path.display());
        if let Some(t) = e.registrytoken.as_deref().filter(|t| !t.is_empty()) {
            return Ok(Credential::Bearer(t.to_owned()));
        }
        if e.identitytoken.as_deref().is_some_and(|t| !t.is_empty()) {
            return Err(format!(
                "{what} holds an identity token (OAuth refresh token), which kubeharden does not exchange: log in with a password or access token"
            ));
        }
        if let Some(a) = e.auth.as_deref().filter(|a| !a.is_empty()) {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(a.trim())
                .map_err(|_| format!("{what}: `auth` is not base64"))?;
            let text = String::from_utf8(bytes).map_err(|_| format!("{what}: `auth` is not UTF-8 text"))?;
            let (u, p) = text.split_once(':').ok_or_else(|| format!("{what}: `auth` is not `user:password`"))?;
            return Ok(Credential::Basic { username: u.to_owned(), password: p.to_owned() });
        }
        match (&e.username, &e.password) {
            (Some(u), Some(p)) if !u.is_empty() => Ok(Credential::Basic { username: u.clone(), password: p.clone() }),
            _ => Ok(Credential::Anonymous),
        }
    }

    /// The helpers the config names (for messages): `credsStore` and every `credHelpers` value.
    #[must_use]
    pub fn helpers(&self) -> Vec<&str> {
        let mut h: Vec<&str> = self.creds_store.iter().chain(self.cred_helpers.values()).map(String::as_str).collect();
        h.sort_unstable();
        h.dedup();
        h
    }
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Runs `docker-credential-<name> get`; `Ok(None)` when it has no credentials for the server.
fn run_helper(name: &str, server: &str) -> Result<Option<Credential>, String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err(format!(
            "credential helper `{}` is not a helper name",
            kubeharden::report::escape::escape_control(name)
        ));
    }
    let program = format!("docker-credential-{name}");
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("credential helper `{program}` cannot be run: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // a helper that exits without reading closes the pipe: its exit status says why
        let _ = stdin.write_all(server.as_bytes());
    }
    let deadline = Instant::now() + HELPER_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("credential helper `{program}` did not answer in {} s", HELPER_TIMEOUT.as_secs()));
            }
            Err(e) => return Err(format!("credential helper `{program}`: {e}")),
        }
    };
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut out);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    if !status.success() {
        let said = format!("{out} {err}");
        if said.to_ascii_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        let first = said.trim().lines().next().unwrap_or("").chars().take(200).collect::<String>();
        return Err(format!(
            "credential helper `{program}` failed ({status}): {}",
            kubeharden::report::escape::escape_control(&first)
        ));
    }
    let a: HelperAnswer = serde_json::from_str(out.trim()).map_err(|_| {
        format!("credential helper `{program}` answered something else than `{{\"Username\", \"Secret\"}}`")
    })?;
    if a.username == "<token>" {
        return Err(format!(
            "credential helper `{program}` holds an identity token (OAuth refresh token) for `{server}`, which kubeharden does not exchange"
        ));
    }
    if a.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credential::Basic { username: a.username, password: a.secret }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> DockerConfig {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.json");
        std::fs::write(&p, text).unwrap();
        DockerConfig::load(&p).unwrap().unwrap()
    }

    #[test]
    fn reads_auths() {
        // "alice:s3cret:with:colons"
        let c = config(
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"YWxpY2U6czNjcmV0OndpdGg6Y29sb25z"},
                "127.0.0.1:5000":{"username":"bob","password":"pw"},
                "http://reg.example:8443/v2/":{"registrytoken":"tok"},
                "id.example":{"identitytoken":"idtok-XYZ"},
                "bad.example":{"auth":"!!"}}}"#,
        );
        assert_eq!(
            c.credential("docker.io").unwrap(),
            Credential::Basic { username: "alice".into(), password: "s3cret:with:colons".into() }
        );
        assert_eq!(
            c.credential("127.0.0.1:5000").unwrap(),
            Credential::Basic { username: "bob".into(), password: "pw".into() }
        );
        assert_eq!(c.credential("reg.example:8443").unwrap(), Credential::Bearer("tok".into()));
        assert_eq!(c.credential("ghcr.io").unwrap(), Credential::Anonymous);
        let e = c.credential("id.example").unwrap_err();
        assert!(e.contains("identity token") && !e.contains("idtok-XYZ"), "{e}");
        assert!(c.credential("bad.example").unwrap_err().contains("not base64"));
        let dbg = format!("{:?}", c.credential("docker.io").unwrap());
        assert!(!dbg.contains("s3cret"), "{dbg}");
    }

    #[test]
    fn missing_and_malformed_configs() {
        let dir = tempfile::tempdir().unwrap();
        assert!(DockerConfig::load(&dir.path().join("none.json")).unwrap().is_none());
        let p = dir.path().join("config.json");
        std::fs::write(&p, r#"{"auths": {"x": {"auth": "c2VjcmV0"}"#).unwrap();
        let e = DockerConfig::load(&p).err().unwrap();
        assert!(e.contains("not a Docker config") && !e.contains("c2VjcmV0"), "{e}");
    }

    #[test]
    fn helpers_are_named_and_missing_ones_fail() {
        let c = config(
            r#"{"credsStore":"kh-test-missing","credHelpers":{"gcr.io":"kh-test-other"},"auths":{"gcr.io":{}}}"#,
        );
        assert_eq!(c.helpers(), ["kh-test-missing", "kh-test-other"]);
        let e = c.credential("gcr.io").unwrap_err();
        assert!(e.contains("docker-credential-kh-test-other") && e.contains("cannot be run"), "{e}");
        let e = c.credential("docker.io").unwrap_err();
        assert!(e.contains("docker-credential-kh-test-missing"), "{e}");
        let c = config(r#"{"credsStore":"../evil"}"#);
        assert!(c.credential("docker.io").unwrap_err().contains("not a helper name"));
    }

    #[test]
    fn hosts() {
        assert_eq!(registry_host("docker.io/library/nginx"), "docker.io");
        assert_eq!(registry_host("127.0.0.1:5000/team/app"), "127.0.0.1:5000");
        assert_eq!(host_of_key("https://registry-1.docker.io/v2/"), "docker.io");
        assert_eq!(host_of_key("Quay.IO"), "quay.io");
    }
}
