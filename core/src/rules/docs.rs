//! `docs/rules.md`, generated from the rules' metadata (kept current by `core/tests/docs.rs`).

use std::fmt::Write as _;
use std::sync::OnceLock;

use super::registry::RULES;
use super::RuleId;

/// Where kubeharden's documentation lives: the repository's `docs/` directory (from the
/// workspace's `repository` in Cargo.toml). The one base of every documentation link the tool
/// writes: each rule's [`rule_url`] (a finding's `url`, SARIF's `helpUri`), and what the page links.
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/");

/// The documentation of rule `id`: its section of `docs/rules.md` under [`DOCS_URL`]
/// (`…/docs/rules.md#pod003`); the reference's address ([`DOCS_URL`]`rules.md`) for an id no
/// rule has.
#[must_use]
pub fn rule_url(id: RuleId) -> &'static str {
    static URLS: OnceLock<Vec<String>> = OnceLock::new();
    let urls = URLS.get_or_init(|| {
        RULES.iter().map(|r| format!("{DOCS_URL}rules.md#{}", r.meta().id.0.to_ascii_lowercase())).collect()
    });
    // RULES is sorted by id (core/tests/docs.rs checks it).
    RULES
        .binary_search_by(|r| r.meta().id.cmp(&id))
        .ok()
        .and_then(|i| urls.get(i))
        .map_or(concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md"), String::as_str)
}

/// How the docs say whether a rule's findings carry fixes (the details are in its `Fix safety`).
fn fix_words(f: crate::api::FixAvailability) -> &'static str {
    match f {
        crate::api::FixAvailability::Always => "always available (`kubeharden fix`)",
        crate::api::FixAvailability::Sometimes => "sometimes available (`kubeharden fix`)",
        crate::api::FixAvailability::Never => "none",
    }
}

/// The Markdown reference of every rule: a table, then each rule's docs, references and peers.
#[must_use]
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from the rules' declarations by `KUBEHARDEN_BLESS=1 cargo test -p kubeharden --test docs`; do not edit. -->\n\n",
    );
    out.push_str("| id | name | severity | on by default | fix | title |\n|---|---|---|---|---|---|\n");
    for r in RULES {
        let m = r.meta();
        let on = if m.enabled_by_default { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {on} | {} | {} |",
            m.id,
            m.id.0.to_ascii_lowercase(),
            m.name,
            m.severity,
            m.fix.as_str(),
            m.title
        );
    }
    for r in RULES {
        let m = r.meta();
        let _ = write!(out, "\n## {}\n\n**`{}`** — {}. Default severity: {}", m.id, m.name, m.title, m.severity);
        if !m.enabled_by_default {
            out.push_str(" (off by default)");
        }
        let _ = writeln!(out, ". Since {}. Fix: {}.\n", m.since, fix_words(m.fix));
        let _ = writeln!(out, "**Help:** {}.\n", m.help);
        // Demote the docs' own headings one level below the rule's.
        for line in m.docs_markdown().trim_end().lines() {
            if let Some(h) = line.strip_prefix("## ") {
                let _ = writeln!(out, "### {h}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
        if !m.references.is_empty() {
            out.push_str("\n### References\n\n");
            for x in m.references {
                let _ = writeln!(out, "- {x}");
            }
        }
        if !m.peers.is_empty() {
            out.push_str("\n### Same check in other tools\n\n");
            for x in m.peers {
                let _ = writeln!(out, "- `{x}`");
            }
        }
    }
    out
}
