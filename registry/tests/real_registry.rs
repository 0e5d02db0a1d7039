//! The registry client against a real registry: Debian's `docker-registry` (distribution) on
//! 127.0.0.1, once plain HTTP without auth, once HTTPS (self-signed CA) with htpasswd basic
//! auth; images built here as OCI layouts and pushed with skopeo. Ignored by default (they need
//! the tools of scripts/install-toolchains.sh); `scripts/test 10-rust` runs them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use kubeharden::source::{parse, ParseOptions};
use kubeharden_registry::testing::{Auth, ImageSpec, Layout, LocalRegistry, Written};
use kubeharden_registry::{ErrorKind, Fetched, Options, Pin, Platform, Registry, Request};

const OLD: &str = "2020-01-02T03:04:05Z";
const NEW: &str = "2026-11-20T10:00:00Z";
const ARM: &str = "2026-10-01T00:00:00Z";

struct Images {
    old: Written,
    new: Written,
    multi: Written,
    no_user: Written,
}

fn build(dir: &Path) -> (Layout, Images) {
    let mut l = Layout::new(dir).unwrap();
    let old = l.add_image("old", &ImageSpec { created: Some(OLD), user: Some(""), platform: "linux/amd64" }).unwrap();
    let new = l
        .add_image("new", &ImageSpec { created: Some(NEW), user: Some("10001:10001"), platform: "linux/amd64" })
        .unwrap();
    let multi = l
        .add_index(
            "multi",
            &[
                ImageSpec { created: Some(NEW), user: Some("root"), platform: "linux/amd64" },
                ImageSpec { created: Some(ARM), user: Some("nobody"), platform: "linux/arm64/v8" },
            ],
        )
        .unwrap();
    let no_user = l.add_image("no-user", &ImageSpec { created: None, user: None, platform: "linux/amd64" }).unwrap();
    l.add_raw("helm", "application/vnd.cncf.helm.config.v1+json", br#"{"name":"chart"}"#).unwrap();
    l.add_raw("not-json", "application/vnd.oci.image.config.v1+json", b"this is not JSON").unwrap();
    (l, Images { old, new, multi, no_user })
}

fn push_all(reg: &LocalRegistry, l: &Layout) {
    for (name, dest) in [
        ("old", "team/app:1.0"),
        ("new", "team/app:2.0"),
        ("multi", "multi:latest"),
        ("no-user", "bare:1"),
        ("helm", "bare:helm"),
        ("not-json", "bare:not-json"),
    ] {
        reg.push(l, name, dest).unwrap();
    }
}

fn ok(r: &Result<Fetched, kubeharden_registry::FetchError>) -> &Fetched {
    match r {
        Ok(f) => f,
        Err(e) => panic!("{e} ({:?})", e.kind),
    }
}

fn err(r: &Result<Fetched, kubeharden_registry::FetchError>) -> (ErrorKind, String) {
    match r {
        Ok(f) => panic!("{} fetched, expected an error", f.image),
        Err(e) => (e.kind, e.message.clone()),
    }
}

fn fast(o: Options) -> Options {
    Options { backoff: Duration::from_millis(20), timeout: Duration::from_secs(10), ..o }
}

#[test]
#[ignore = "real registry: needs docker-registry, skopeo, htpasswd, openssl (scripts/install-toolchains.sh)"]
fn plain_registry_tags_digests_indexes_cache_and_errors() {
    let mut reg = LocalRegistry::start(false, None).unwrap();
    let (layout, img) = build(&reg.scratch("layout"));
    push_all(&reg, &layout);
    let a = reg.addr.clone();
    let cache = tempfile::tempdir().unwrap();
    let options =
        fast(Options { insecure: vec![a.clone()], cache_dir: Some(cache.path().to_owned()), ..Options::default() });
    let registry = Registry::new(options.clone()).unwrap();
    let arm: Platform = "linux/arm64".parse().unwrap();
    let requests = vec![
        Request::new(format!("{a}/team/app:1.0")),
        Request::new(format!("{a}/team/app@{}", img.new.digest)),
        // the spec says 2.0, the node pulled 1.0's digest: the running image is fetched
        Request { digest: Some(img.old.digest.clone()), ..Request::new(format!("{a}/team/app:2.0")) },
        Request::new(format!("{a}/multi")),
        Request { platform: Some(arm.clone()), ..Request::new(format!("{a}/multi:latest")) },
        Request { platform: Some("windows/amd64".parse().unwrap()), ..Request::new(format!("{a}/multi")) },
        Request::new(format!("{a}/bare:1")),
        Request::new(format!("{a}/team/app:9.9")),
        Request::new(format!("{a}/nothing/here:1")),
        Request::new(format!("{a}/team/app@sha256:{}", "0".repeat(64))),
        Request::new("not a reference"),
        // the same image twice: fetched once
        Request::new(format!("{a}/team/app:1.0")),
        // malformed: an artifact that is not a container image, a config that is not JSON
        Request::new(format!("{a}/bare:helm")),
        Request::new(format!("{a}/bare:not-json")),
    ];
    let first = registry.fetch(&requests);
    let r = &first.results;
    assert_eq!(r.len(), requests.len());

    let f = ok(&r[0]);
    assert_eq!((f.pin, f.digest.as_str()), (Pin::Tag, img.old.digest.as_str()));
    assert_eq!((f.created.as_deref(), f.user.as_deref()), (Some(OLD), Some("")));
    assert_eq!(f.config_digest, img.old.manifests[0].1);
    assert_eq!(f.repository, format!("{a}/team/app"));
    assert!(!f.cached);

    let f = ok(&r[1]);
    assert_eq!((f.pin, f.digest.as_str()), (Pin::Reference, img.new.digest.as_str()));
    assert_eq!((f.created.as_deref(), f.user.as_deref()), (Some(NEW), Some("10001:10001")));

    let f = ok(&r[2]);
    assert_eq!((f.pin, f.digest.as_str(), f.tag.as_deref()), (Pin::Running, img.old.digest.as_str(), Some("2.0")));
    assert_eq!(f.created.as_deref(), Some(OLD));

    let f = ok(&r[3]);
    assert_eq!(f.digest, img.multi.digest);
    assert_eq!(f.manifest_digest, img.multi.manifests[0].0);
    assert_eq!(
        (f.platform.as_deref(), f.user.as_deref(), f.created.as_deref()),
        (Some("linux/amd64"), Some("root"), Some(NEW))
    );
    let f = ok(&r[4]);
    assert_eq!(f.manifest_digest, img.multi.manifests[1].0);
    assert_eq!(
        (f.platform.as_deref(), f.user.as_deref(), f.created.as_deref()),
        (Some("linux/arm64/v8"), Some("nobody"), Some(ARM))
    );
    let (k, m) = err(&r[5]);
    assert_eq!(k, ErrorKind::NoPlatform);
    assert!(m.contains("windows/amd64") && m.contains("linux/amd64, linux/arm64/v8"), "{m}");

    let f = ok(&r[6]);
    assert_eq!((f.created.as_deref(), f.user.as_deref()), (None, Some("")));
    assert_eq!(f.digest, img.no_user.digest);

    for i in [7, 8, 9] {
        let (k, m) = err(&r[i]);
        assert_eq!(k, ErrorKind::NotFound, "{i}: {m}");
    }
    assert!(err(&r[7]).1.contains("9.9"), "{}", err(&r[7]).1);
    assert_eq!(err(&r[10]).0, ErrorKind::InvalidReference);
    assert_eq!(ok(&r[11]).digest, img.old.digest);
    let (k, m) = err(&r[12]);
    assert_eq!(k, ErrorKind::Malformed, "{m}");
    assert!(m.contains("not a container image") && m.contains("helm"), "{m}");
    let (k, m) = err(&r[13]);
    assert_eq!(k, ErrorKind::Malformed);
    assert!(m.contains("not JSON"), "{m}");

    // the metadata is image metadata for the core: created, user, and the digests to match by
    for (i, created, user) in [(0, OLD, ""), (3, NEW, "root")] {
        let src = parse(&ok(&r[i]).metadata, &ParseOptions::default());
        assert!(src.errors.is_empty(), "{:?}", src.errors);
        assert_eq!(src.images.len(), 1, "{}", ok(&r[i]).metadata.content);
        let m = &src.images[0];
        assert_eq!(m.created.as_ref().map(|c| c.value.as_str()), Some(created));
        assert_eq!(m.user.as_ref().map(|u| u.value.as_str()), Some(user));
    }
    // a config without `created` (optional in OCI) gives metadata without `Created`, which the
    // core reports as an input error of the fetched file, never as a young image
    let src = parse(&ok(&r[6]).metadata, &ParseOptions::default());
    assert!(
        src.errors.iter().any(|e| e.file.starts_with("registry:") && e.message.contains("`[0].Created` is missing")),
        "{:?}",
        src.errors
    );
    let src = parse(&ok(&r[3]).metadata, &ParseOptions::default());
    let keys: Vec<String> = src.images[0].refs.iter().flat_map(kubeharden::image::ImageRef::keys).collect();
    assert!(keys.contains(&format!("digest:{}", img.multi.digest)), "{keys:?}");
    assert!(keys.contains(&format!("digest:{}", img.multi.manifests[0].0)), "{keys:?}");
    assert!(keys.contains(&format!("tag:{a}/multi:latest")), "{keys:?}");

    // distinct images: 12 (the repeated request and the invalid reference cost nothing);
    // every manifest and config was fetched once and stored
    assert_eq!(first.stats.images, 12);
    assert!(first.stats.cache_misses >= 9, "{:?}", first.stats);
    assert!(first.stats.cache_warnings.is_empty(), "{:?}", first.stats.cache_warnings);

    // second run, same cache: tags are asked again (one request each), nothing else
    let second = Registry::new(options.clone()).unwrap().fetch(&requests);
    for i in [0, 1, 2, 3, 4, 6, 11] {
        let f = ok(&second.results[i]);
        assert!(f.cached, "{i}: {}", f.image);
        assert_eq!(f, &Fetched { cached: true, ..ok(&r[i]).clone() });
    }
    // tag resolutions: app:1.0, multi (twice: two platforms), multi windows, bare:1, app:9.9,
    // nothing/here:1, bare:helm, bare:not-json -> 9 HEADs; digests absent from the registry:
    // app@000.. -> 1 GET; the config that is not JSON is cached (it matches its digest) and
    // read again, the helm artifact's config is never fetched
    assert_eq!(second.stats.requests, 10, "{:?}", second.stats);
    assert_eq!(second.stats.cache_misses, 0, "{:?}", second.stats);

    // --no-cache: everything from the registry again
    let nocache = Registry::new(Options { cache_dir: None, ..options.clone() }).unwrap().fetch(&requests[..1]);
    assert!(!ok(&nocache.results[0]).cached);
    assert_eq!((nocache.stats.cache_hits, nocache.stats.requests), (0, 3));

    // a corrupt cache entry is noticed, removed and fetched again
    let blob = cache.path().join("registry/blobs/sha256").join(img.old.manifests[0].1.trim_start_matches("sha256:"));
    std::fs::write(&blob, b"{}").unwrap();
    let again = Registry::new(options.clone()).unwrap().fetch(&requests[..1]);
    assert_eq!(ok(&again.results[0]).created.as_deref(), Some(OLD));
    assert!(again.stats.cache_warnings.iter().any(|w| w.contains("does not match")), "{:?}", again.stats);

    // HTTPS by default: the plain registry is not reached without --insecure-registry
    let https = Registry::new(Options { insecure: Vec::new(), retries: 0, ..options.clone() }).unwrap();
    let (k, m) = err(&https.fetch(&requests[..1]).results[0]);
    assert_eq!(k, ErrorKind::Tls, "{m}");

    // registry down: refused connections, retried, then reported
    reg.stop();
    let down = Registry::new(Options { cache_dir: None, ..options }).unwrap().fetch(&requests[..2]);
    for res in &down.results {
        let (k, m) = err(res);
        assert_eq!(k, ErrorKind::Unreachable, "{m}");
        assert!(m.contains("after 4 tries"), "{m}");
    }
}

#[test]
#[ignore = "real registry: needs docker-registry, skopeo, htpasswd, openssl (scripts/install-toolchains.sh)"]
fn tls_registry_with_basic_auth() {
    let reg = LocalRegistry::start(true, Some(("alice", "s3cret-pw"))).unwrap();
    let (layout, img) = build(&reg.scratch("layout"));
    push_all(&reg, &layout);
    let a = reg.addr.clone();
    let ca = reg.ca.clone().unwrap();
    let docker = |auth: &str| {
        let p = reg.scratch(&format!("docker-{}.json", auth.len()));
        std::fs::write(&p, format!(r#"{{"auths":{{"https://{a}":{{"auth":"{auth}"}}}}}}"#)).unwrap();
        p
    };
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let base = fast(Options { ca_certs: vec![ca], ..Options::default() });
    let requests = [Request::new(format!("{a}/team/app:1.0")), Request::new(format!("{a}/multi@{}", img.multi.digest))];

    let good = Registry::new(Options { docker_config: Some(docker(&b64("alice:s3cret-pw"))), ..base.clone() }).unwrap();
    let out = good.fetch(&requests);
    assert_eq!(ok(&out.results[0]).created.as_deref(), Some(OLD));
    assert_eq!(ok(&out.results[1]).manifest_digest, img.multi.manifests[0].0);

    let wrong = Registry::new(Options { docker_config: Some(docker(&b64("alice:wrong"))), ..base.clone() }).unwrap();
    for r in &wrong.fetch(&requests).results {
        let (k, m) = err(r);
        assert_eq!(k, ErrorKind::Denied, "{m}");
        assert!(!m.contains("wrong"), "the password reached a message: {m}");
    }
    let anonymous = Registry::new(base.clone()).unwrap();
    assert_eq!(err(&anonymous.fetch(&requests[..1]).results[0]).0, ErrorKind::Denied);

    // a certificate nobody trusts: refused, not accepted
    let untrusted = Registry::new(Options {
        ca_certs: Vec::new(),
        docker_config: Some(docker(&b64("alice:s3cret-pw"))),
        ..base.clone()
    })
    .unwrap();
    let (k, m) = err(&untrusted.fetch(&requests[..1]).results[0]);
    assert_eq!(k, ErrorKind::Tls, "{m}");
    assert!(m.to_lowercase().contains("certificate"), "{m}");
}

#[test]
#[ignore = "real registry: needs docker-registry, skopeo, htpasswd, openssl (scripts/install-toolchains.sh)"]
fn token_auth_registry_bearer_flow() {
    // the registry answers 401 with `WWW-Authenticate: Bearer realm=...,service=...,scope=...`;
    // the client asks the realm for a token with the Docker config's credentials
    let repos = ["team/app", "multi", "bare"];
    let reg = LocalRegistry::start_with(false, Auth::Token("bob", "t0ken-pw", &repos)).unwrap();
    let (layout, img) = build(&reg.scratch("layout"));
    push_all(&reg, &layout);
    let a = reg.addr.clone();
    let docker = |auth: &str| {
        let p = reg.scratch(&format!("docker-{}.json", auth.len()));
        std::fs::write(&p, format!(r#"{{"auths":{{"{a}":{{"auth":"{auth}"}}}}}}"#)).unwrap();
        p
    };
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let base = fast(Options { insecure: vec![a.clone()], ..Options::default() });
    let requests = [Request::new(format!("{a}/team/app:1.0")), Request::new(format!("{a}/multi"))];

    let good = Registry::new(Options { docker_config: Some(docker(&b64("bob:t0ken-pw"))), ..base.clone() }).unwrap();
    let out = good.fetch(&requests);
    assert_eq!(ok(&out.results[0]).created.as_deref(), Some(OLD));
    assert_eq!(ok(&out.results[1]).digest, img.multi.digest);

    let wrong = Registry::new(Options { docker_config: Some(docker(&b64("bob:nope-pw"))), ..base.clone() }).unwrap();
    for r in &wrong.fetch(&requests).results {
        let (k, m) = err(r);
        assert_eq!(k, ErrorKind::Denied, "{m}");
        assert!(!m.contains("nope-pw"), "{m}");
    }
    let anonymous = Registry::new(base).unwrap();
    assert_eq!(err(&anonymous.fetch(&requests[..1]).results[0]).0, ErrorKind::Denied);
}

#[test]
fn silent_server_times_out() {
    // a listener that accepts and never answers
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let hold = std::thread::spawn(move || {
        let mut conns = Vec::new();
        l.set_nonblocking(true).unwrap();
        let end = std::time::Instant::now() + Duration::from_secs(8);
        while std::time::Instant::now() < end {
            if let Ok((c, _)) = l.accept() {
                conns.push(c);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let r = Registry::new(Options {
        insecure: vec![addr.clone()],
        timeout: Duration::from_millis(700),
        retries: 1,
        backoff: Duration::from_millis(10),
        ..Options::default()
    })
    .unwrap();
    let t0 = std::time::Instant::now();
    let out = r.fetch(&[Request::new(format!("{addr}/app:1"))]);
    let (k, m) = err(&out.results[0]);
    assert_eq!(k, ErrorKind::Timeout, "{m}");
    assert!(t0.elapsed() < Duration::from_secs(6), "{:?}", t0.elapsed());
    drop(hold);
}
