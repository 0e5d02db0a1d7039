//! Names from the input cannot take over a terminal or forge lines in a CI log: every
//! human-readable rendering escapes control characters (issue 16, injection through names).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, reason = "test code")]

use kubeharden::netpol::{check_netpol, NetpolRequest};
use kubeharden::pss::{check_pss, PssRequest};
use kubeharden::report::{github, netpol as netpol_report, pss as pss_report};
use kubeharden::{check, CheckRequest, SourceFile};

/// A pod whose names carry an OSC hyperlink, an ESC colour, CR and LF and a forged workflow
/// command.
const HOSTILE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"web\\e]8;;http://evil\\a\\e[31m\\r\\n::error file=x::forged\"\n  namespace: \"ns\\n# heading\"\nspec:\n  containers:\n  - name: \"app\\e[2J\"\n    image: nginx\n    securityContext: {privileged: true}\n";

fn assert_clean(what: &str, out: &str) {
    for c in out.chars() {
        assert!(!c.is_control() || c == '\n', "{what}: control character {c:?} in\n{out}");
    }
    for line in out.lines() {
        assert!(!line.starts_with("::error file=x"), "{what}: a forged workflow command:\n{out}");
        assert!(!line.starts_with("# heading"), "{what}: a forged heading:\n{out}");
    }
}

fn files() -> Vec<SourceFile> {
    vec![SourceFile::new("pods/evil\u{1b}[31m\n.yaml", HOSTILE)]
}

#[test]
fn pss_text_escapes_names() {
    let r = check_pss(&PssRequest { files: files(), ..PssRequest::default() }).unwrap();
    assert!(!r.results.is_empty());
    let out = pss_report::render_text(&r);
    assert_clean("pss", &out);
    assert!(out.contains("\\x1b]8;;http://evil"), "{out}");
}

#[test]
fn netpol_text_and_dot_escape_names() {
    let r = check_netpol(&NetpolRequest { files: files(), ..NetpolRequest::default() }).unwrap();
    assert_clean("netpol text", &netpol_report::render_text(&r));
    assert_clean("netpol dot", &netpol_report::render_dot(&r));
}

#[test]
fn github_annotations_escape_names() {
    let r = check(&CheckRequest { files: files(), ..Default::default() }).unwrap();
    assert!(!r.findings.is_empty());
    assert_clean("github", &github::render(&r));
}
