//! What a secret looks like: name fragments and value shapes. Hand-written matchers (no regex
//! engine), each a small scan over the bytes.

use crate::config::Options;

/// Fragments of environment-variable names that look secret (matched case-insensitively, with
/// `-` and `.` read as `_`).
pub const SECRET_NAME_FRAGMENTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "ACCESS_KEY",
    "AUTH_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
];

/// Name endings that describe a secret without being one (`TOKEN_URL`, `SECRET_NAME`,
/// `TOKEN_TTL_SECONDS`). Value shapes still apply to them.
const NON_SECRET_SUFFIXES: &[&str] = &[
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_PORT",
    "_NAME",
    "_TTL",
    "_TIMEOUT",
    "_EXPIRY",
    "_EXPIRATION",
    "_LENGTH",
    "_HEADER",
    "_TYPE",
    "_ENABLED",
    "_MODE",
    "_SECONDS",
    "_MINUTES",
    "_HOURS",
    "_DAYS",
    "_SIZE",
    "_COUNT",
    "_LIMIT",
    "_INTERVAL",
    "_RETRIES",
    "_VERSION",
    "_ALGORITHM",
];

/// Name endings of variables that hold the path of a file (`POSTGRES_PASSWORD_FILE`): not a
/// secret when the value is a path.
const PATH_SUFFIXES: &[&str] = &["_FILE", "_PATH", "_DIR"];

fn normalise_name(name: &str) -> String {
    name.trim().to_ascii_uppercase().replace(['-', '.'], "_")
}

/// The fragment that makes `name` look secret, given the options, if any. `value` lets path
/// variables (`*_FILE: /run/secrets/db`) through.
#[must_use]
pub fn secret_name_fragment(name: &str, value: &str, options: &Options) -> Option<String> {
    let n = normalise_name(name);
    if NON_SECRET_SUFFIXES.iter().any(|s| n.ends_with(s)) {
        return None;
    }
    let v = value.trim();
    if PATH_SUFFIXES.iter().any(|s| n.ends_with(s)) && (v.starts_with('/') || v.starts_with("./")) {
        return None;
    }
    let excluded = |f: &str| options.secret_name_exclusions.iter().any(|e| normalise_name(e) == f);
    SECRET_NAME_FRAGMENTS
        .iter()
        .map(|f| (*f).to_owned())
        .filter(|f| !excluded(f))
        .chain(options.secret_name_patterns.iter().map(|p| normalise_name(p)).filter(|p| !p.is_empty()))
        .find(|f| fragment_in(&n, f))
}

/// Whether `fragment` occurs in `name` and ends a word there: followed by nothing, `_`, a digit
/// or a plural `S` (`DBPASSWORD`, `API_TOKENS`, `SECRET_2` match; `TOKENIZER_MODEL`,
/// `PASSWORDLESS_LOGIN` do not).
fn fragment_in(name: &str, fragment: &str) -> bool {
    if fragment.is_empty() {
        return false;
    }
    find_all(name, fragment).any(|i| {
        let after = name.get(i + fragment.len()..).unwrap_or("");
        after.is_empty()
            || after.starts_with('_')
            || after.starts_with(|c: char| c.is_ascii_digit())
            || after == "S"
            || after.starts_with("S_")
    })
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Length of the run of bytes from `start` that satisfy `pred`.
fn run(bytes: &[u8], start: usize, pred: impl Fn(u8) -> bool) -> usize {
    bytes.get(start..).map_or(0, |s| s.iter().take_while(|b| pred(**b)).count())
}

/// Whether the byte before `i` is not alphanumeric (a word boundary).
fn boundary_before(bytes: &[u8], i: usize) -> bool {
    i == 0 || bytes.get(i - 1).is_none_or(|b| !b.is_ascii_alphanumeric())
}

fn find_all<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    hay.match_indices(needle).map(|(i, _)| i)
}

/// A byte range of a text.
type Span = std::ops::Range<usize>;

fn aws_access_key_id(v: &str) -> impl Iterator<Item = Span> + '_ {
    let b = v.as_bytes();
    ["AKIA", "ASIA"].into_iter().flat_map(move |p| {
        find_all(v, p).filter_map(move |i| {
            let n = run(b, i + 4, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
            (boundary_before(b, i) && n == 16).then_some(i..i + 20)
        })
    })
}

fn github_token(v: &str) -> impl Iterator<Item = Span> + '_ {
    let b = v.as_bytes();
    let classic = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].into_iter().flat_map(move |p| {
        find_all(v, p).filter_map(move |i| {
            let n = run(b, i + 4, |c| c.is_ascii_alphanumeric());
            (boundary_before(b, i) && n >= 36).then_some(i..i + 4 + n)
        })
    });
    let fine_grained = find_all(v, "github_pat_").filter_map(move |i| {
        let n = run(b, i + 11, |c| c.is_ascii_alphanumeric() || c == b'_');
        (n >= 22).then_some(i..i + 11 + n)
    });
    classic.chain(fine_grained)
}

fn slack_token(v: &str) -> impl Iterator<Item = Span> + '_ {
    let b = v.as_bytes();
    find_all(v, "xox").filter_map(move |i| {
        let n = run(b, i + 5, |c| c.is_ascii_alphanumeric() || c == b'-');
        (matches!(b.get(i + 3), Some(b'b' | b'a' | b'p' | b'r' | b's')) && b.get(i + 4) == Some(&b'-') && n >= 10)
            .then_some(i..i + 5 + n)
    })
}

fn jwt(v: &str) -> impl Iterator<Item = Span> + '_ {
    let b = v.as_bytes();
    find_all(v, "eyJ").filter_map(move |i| {
        let h = run(b, i, is_b64url);
        if h < 10 || b.get(i + h) != Some(&b'.') {
            return None;
        }
        let p0 = i + h + 1;
        let p = run(b, p0, is_b64url);
        if p < 10 || b.get(p0..p0 + 3) != Some(b"eyJ".as_slice()) || b.get(p0 + p) != Some(&b'.') {
            return None;
        }
        let s0 = p0 + p + 1;
        Some(i..s0 + run(b, s0, is_b64url))
    })
}

/// A PEM private key: from its `-----BEGIN` line to the end of its `-----END ...-----` line (or
/// of the text).
fn pem_private_key(v: &str) -> impl Iterator<Item = Span> + '_ {
    find_all(v, "-----BEGIN").filter_map(move |i| {
        let rest = v.get(i..).unwrap_or("");
        let head_end = rest.find('\n').unwrap_or(rest.len());
        if !rest.get(..head_end).unwrap_or("").contains("PRIVATE KEY-----") {
            return None;
        }
        let end = rest.find("-----END").map_or(rest.len(), |e| {
            let after = rest.get(e + 9..).unwrap_or("");
            e + 9 + after.find("-----").map_or(after.len(), |d| d + 5)
        });
        Some(i..i + end)
    })
}

/// `scheme://user:password@host`: the password in a URL (a `$(VAR)` reference is not one).
fn url_with_password(v: &str) -> impl Iterator<Item = Span> + '_ {
    find_all(v, "://").filter_map(move |i| {
        let start = i + 3;
        let rest = v.get(start..).unwrap_or("");
        let authority = rest.split(['/', '?', '#', ' ']).next().unwrap_or("");
        let (userinfo, _host) = authority.rsplit_once('@')?;
        let (user, pass) = userinfo.split_once(':')?;
        (!pass.is_empty() && !pass.starts_with("$(") && !pass.starts_with("${"))
            .then_some(start + user.len() + 1..start + userinfo.len())
    })
}

/// Where a shape of credential occurs in a text.
type Matcher = fn(&str) -> Vec<Span>;

/// The shapes of known credentials, most specific first: what each is called, and its matcher.
const SHAPES: [(&str, Matcher); 6] = [
    ("a PEM private key", |v| pem_private_key(v).collect()),
    ("an AWS access key id", |v| aws_access_key_id(v).collect()),
    ("a GitHub token", |v| github_token(v).collect()),
    ("a Slack token", |v| slack_token(v).collect()),
    ("a JSON Web Token", |v| jwt(v).collect()),
    ("a URL with an embedded password", |v| url_with_password(v).collect()),
];

/// What a value looks like when it has the shape of a known credential.
#[must_use]
pub fn looks_like_secret_value(v: &str) -> Option<&'static str> {
    SHAPES.iter().find(|(_, spans)| !spans(v).is_empty()).map(|(what, _)| *what)
}

/// Where a text holds something shaped like a credential (a token on a `RUN` line, a password in
/// a URL): the byte ranges, in no particular order, possibly overlapping.
#[must_use]
pub fn secret_spans(v: &str) -> Vec<Span> {
    SHAPES.iter().flat_map(|(_, spans)| spans(v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_shapes() {
        assert_eq!(looks_like_secret_value("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key id"));
        assert_eq!(looks_like_secret_value("xAKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(looks_like_secret_value("AKIAIOSFODNN7EXAMPLEX"), None);
        assert_eq!(looks_like_secret_value(&format!("ghp_{}", "a1".repeat(18))), Some("a GitHub token"));
        assert_eq!(looks_like_secret_value(&format!("github_pat_{}", "A_".repeat(12))), Some("a GitHub token"));
        assert_eq!(looks_like_secret_value("xoxb-1234567890-abcdef"), Some("a Slack token"));
        assert_eq!(
            looks_like_secret_value("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"),
            Some("a JSON Web Token")
        );
        assert_eq!(looks_like_secret_value("-----BEGIN RSA PRIVATE KEY-----\nMII"), Some("a PEM private key"));
        assert_eq!(looks_like_secret_value("-----BEGIN CERTIFICATE-----"), None);
        assert_eq!(
            looks_like_secret_value("postgres://app:hunter2@db:5432/app"),
            Some("a URL with an embedded password")
        );
        assert_eq!(looks_like_secret_value("postgres://app:$(DB_PASSWORD)@db:5432/app"), None);
        assert_eq!(looks_like_secret_value("https://example.com/a:b@c"), None);
        assert_eq!(looks_like_secret_value("info"), None);
    }

    #[test]
    fn spans_cover_the_secret_and_nothing_else() {
        let token = format!("ghp_{}", "a1".repeat(18));
        let line = format!("RUN curl -H \"Authorization: token {token}\" https://api.github.com && echo done");
        let spans = secret_spans(&line);
        assert_eq!(spans.len(), 1);
        assert_eq!(line.get(spans[0].clone()), Some(token.as_str()));
        let url = "DATABASE_URL=postgres://app:hunter2@db:5432/app";
        assert_eq!(secret_spans(url).iter().map(|s| &url[s.clone()]).collect::<Vec<_>>(), ["hunter2"]);
        let jwt = "x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl y";
        assert_eq!(secret_spans(jwt).iter().map(|s| &jwt[s.clone()]).collect::<Vec<_>>(), [&jwt[2..jwt.len() - 2]]);
        let pem = "k: -----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY----- tail";
        assert_eq!(secret_spans(pem).iter().map(|s| &pem[s.clone()]).collect::<Vec<_>>(), [&pem[3..pem.len() - 5]]);
        assert_eq!(secret_spans("AKIAIOSFODNN7EXAMPLE and xoxb-1234567890-abcdef").len(), 2);
        assert!(secret_spans("nothing to see").is_empty());
    }

    #[test]
    fn names() {
        let o = Options::default();
        assert_eq!(secret_name_fragment("DB_PASSWORD", "x", &o).as_deref(), Some("PASSWORD"));
        assert_eq!(secret_name_fragment("github-token", "x", &o).as_deref(), Some("TOKEN"));
        assert_eq!(secret_name_fragment("TOKEN_URL", "https://x", &o), None);
        assert_eq!(secret_name_fragment("POSTGRES_PASSWORD_FILE", "/run/secrets/pw", &o), None);
        assert_eq!(secret_name_fragment("LOG_LEVEL", "info", &o), None);
        assert_eq!(secret_name_fragment("DBPASSWORD", "x", &o).as_deref(), Some("PASSWORD"));
        assert_eq!(secret_name_fragment("API_TOKENS", "x", &o).as_deref(), Some("TOKEN"));
        assert_eq!(secret_name_fragment("TOKENIZER_MODEL", "bert", &o), None);
        assert_eq!(secret_name_fragment("PASSWORDLESS_LOGIN", "on", &o), None);
        let o = Options {
            secret_name_patterns: vec!["pin".into()],
            secret_name_exclusions: vec!["token".into()],
            ..Options::default()
        };
        assert_eq!(secret_name_fragment("CARD_PIN", "1234", &o).as_deref(), Some("PIN"));
        assert_eq!(secret_name_fragment("GITHUB_TOKEN", "x", &o), None);
    }
}
