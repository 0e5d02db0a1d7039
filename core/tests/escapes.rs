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

#[test]
fn the_text_report_escapes_names_and_the_source_line() {
    let files = files();
    let r = check(&CheckRequest { files: files.clone(), ..Default::default() }).unwrap();
    assert!(!r.findings.is_empty());
    for color in [false, true] {
        let out = kubeharden::report::text::render(&r, &files, color);
        // colour codes are the renderer's own: strip them before looking for the input's
        let plain = if color { strip_sgr(&out) } else { out.clone() };
        assert_clean(&format!("text (color {color})"), &plain);
        assert!(plain.contains("pods/evil\\x1b[31m\\n.yaml:"), "{plain}");
        assert!(plain.contains("\\x1b]8;;http://evil"), "{plain}");
    }
}

#[test]
fn the_help_line_of_a_report_read_back_is_escaped() {
    // a report read back from JSON (Python's Report.from_json) brings its own help text
    let files = files();
    let mut r = check(&CheckRequest { files: files.clone(), ..Default::default() }).unwrap();
    for f in &mut r.findings {
        f.help = Some("set it\u{1b}]8;;http://evil\u{7}\r\n::error file=x::forged".to_owned().into());
    }
    let out = kubeharden::report::text::render(&r, &files, false);
    assert_clean("text help line", &out);
    assert!(out.contains("= help: set it\\x1b]8;;http://evil"), "{out}");
}

/// The report with the renderer's own SGR sequences (`ESC [ ... m`) removed.
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn tickets_escape_names_as_markdown() {
    let r = check(&CheckRequest { files: files(), ..Default::default() }).unwrap();
    let out = kubeharden::report::tickets::render(&r);
    assert_clean("tickets", &out);
    for t in kubeharden::report::tickets::tickets(&r) {
        assert!(!t.title.chars().any(char::is_control), "{:?}", t.title);
    }
    // a name that tries to open a link or an image, or to close its code span
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"x](http://evil) ![i](http://evil/i.png) <img src=x> `a`\"}\nspec:\n  containers:\n  - name: \"c` [y](http://evil) `\"\n    image: nginx\n    securityContext: {privileged: true}\n";
    let r = check(&CheckRequest { files: vec![SourceFile::new("p.yaml", pod)], ..Default::default() }).unwrap();
    let md = kubeharden::report::tickets::render(&r);
    for line in md.lines() {
        if line.starts_with("## ") && line.contains("Pod default/") {
            assert!(line.contains("x\\](http://evil) \\!\\[i\\](http://evil/i.png) \\<img src=x\\> \\`a\\`"), "{line}");
        }
        if line.starts_with("- **Container:**") {
            assert_eq!(line, "- **Container:** `` c` [y](http://evil) ` ``");
        }
    }
    assert!(md.contains("- **Container:**") && md.contains("in Pod default/x\\]"), "{md}");
    use kubeharden::report::tickets::{markdown_code, markdown_message};
    assert_eq!(markdown_code("a`b"), "``a`b``");
    assert_eq!(markdown_code("`a"), "`` `a ``");
    assert_eq!(markdown_message("container `app` runs [x](y)"), "container `app` runs \\[x\\](y)");
    // an unpaired backtick is text: the link after it stays escaped
    assert_eq!(markdown_message("container `a` b` [x](y)"), "container `a` b\\` \\[x\\](y)");
    // the visible escape is itself escaped, so Markdown shows `\n`
    assert_eq!(markdown_message("line\nbreak"), "line\\\\nbreak");
}

#[test]
fn baseline_text_escapes_names() {
    let r = check(&CheckRequest { files: files(), ..Default::default() }).unwrap();
    let c = kubeharden::report::baseline::compare(&[], &r.findings);
    let out = kubeharden::report::baseline::render_text(&c);
    assert!(out.contains("Resolved since the baseline"));
    assert_clean("baseline", &out);
}

#[test]
fn the_audit_text_and_tickets_escape_names() {
    let pods = r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "web\u001b]8;;http://evil\u0007\r\n::error file=x::forged", "namespace": "ns\n# heading"},
 "spec": {"containers": [{"name": "app\u001b[2J", "image": "nginx\n# heading", "securityContext": {"privileged": true, "runAsUser": 0}}]}}]}"#;
    let r = kubeharden::audit::audit(
        &SourceFile::new("pods.json", pods),
        &[],
        Some("2026-11-22T00:00:00Z"),
        &Default::default(),
    )
    .unwrap();
    assert!(!r.privileged.is_empty());
    assert_clean("audit text", &kubeharden::audit::render_text(&r));
    assert_clean("audit tickets", &kubeharden::audit::render_tickets(&r));
    for t in kubeharden::audit::tickets(&r) {
        assert!(!t.title.chars().any(char::is_control), "{:?}", t.title);
    }
}
