//! Every rule's docs: the four sections, an Example that fires and a Fix that does not (as in
//! biome; YAML, JSON and Dockerfile blocks, for every family), well-formed ids and names, and
//! `docs/rules.md` generated from the metadata.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a panic"
)]

use std::collections::HashSet;
use std::path::Path;

#[path = "support/fixtures.rs"]
mod support;

use kubeharden::rules::docs::rules_markdown;
use kubeharden::rules::RuleMeta;
use kubeharden::RULES;
use support::check_one;

const SECTIONS: [&str; 4] = ["## What it does", "## Why is this bad?", "## Example", "## Fix"];
const PEER_TOOLS: [&str; 10] = [
    "psa",
    "checkov",
    "trivy",
    "kube-linter",
    "kube-score",
    "polaris",
    "kubeconform",
    "hadolint",
    "kubescape",
    "yamllint",
];

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| if l.trim().is_empty() { String::new() } else { format!("{pad}{l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A docs snippet as a whole manifest. A snippet with a `kind` is one already; a YAML list is a
/// list of containers; anything else is a pod spec. Fragments become a Pod named `example`.
fn wrap(snippet: &str) -> String {
    let has_kind = snippet.lines().any(|l| l.starts_with("kind:"));
    if has_kind {
        return snippet.to_owned();
    }
    let head = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: example\nspec:\n";
    let first = snippet.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.trim_start().starts_with("- ") {
        format!("{head}  containers:\n{}\n", indent(snippet, 4))
    } else {
        format!("{head}{}\n", indent(snippet, 2))
    }
}

/// The language of the first fenced block of a docs section (`yaml`, `json`, `dockerfile`).
fn fence_lang(meta: &RuleMeta, section: &str) -> String {
    let md = meta.docs_markdown();
    let rest = md.get(md.find(&format!("## {section}")).unwrap()..).unwrap();
    let open = rest.find("```").unwrap();
    rest.get(open + 3..).unwrap().lines().next().unwrap().trim().to_owned()
}

/// The messages of `meta`'s findings on the first block of a docs section, run as the file a user
/// would have: a Dockerfile, a JSON document (image metadata, a Trivy report), or a manifest
/// (fragments wrapped in a Pod).
fn run(meta: &RuleMeta, section: &str) -> Vec<String> {
    let snippet = meta.docs_block(section).unwrap();
    let (name, text) = match fence_lang(meta, section).as_str() {
        "dockerfile" => ("Dockerfile".to_owned(), snippet),
        "json" => (format!("{}.json", meta.id), snippet),
        "yaml" => (format!("{}.yaml", meta.id), wrap(&snippet)),
        other => panic!("{}: the `## {section}` block is ```{other}, not yaml, json or dockerfile", meta.id),
    };
    let (_, report) = check_one(&name, &text, &[meta.name]);
    assert!(
        report.errors.is_empty(),
        "{}: the `## {section}` block does not parse: {:?}\n{text}",
        meta.id,
        report.errors
    );
    report.findings.into_iter().filter(|f| f.name == meta.name).map(|f| f.message).collect()
}

#[test]
fn docs_have_the_four_sections_in_order() {
    for r in RULES {
        let m = r.meta();
        let md = m.docs_markdown();
        let mut at = 0;
        for s in SECTIONS {
            let pos = md
                .get(at..)
                .and_then(|rest| rest.find(s))
                .unwrap_or_else(|| panic!("{}: no `{s}` after byte {at}", m.id));
            at += pos + s.len();
        }
        assert!(m.docs_block("Example").is_some(), "{}: `## Example` has no fenced block", m.id);
        assert!(m.docs_block("Fix").is_some(), "{}: `## Fix` has no fenced block", m.id);
    }
}

/// Every rule's `## Example` fires it and its `## Fix` does not (the one docs-example test of
/// every family).
#[test]
fn example_fires_and_fix_does_not() {
    for r in RULES {
        let m = r.meta();
        let fired = run(m, "Example");
        assert!(!fired.is_empty(), "{} {}: the `## Example` does not fire the rule", m.id, m.name);
        let fixed = run(m, "Fix");
        assert!(fixed.is_empty(), "{} {}: the `## Fix` still fires: {fixed:?}", m.id, m.name);
    }
}

#[test]
fn ids_and_names_are_well_formed_unique_and_sorted() {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    let mut prev: Option<&str> = None;
    for r in RULES {
        let m = r.meta();
        let id = m.id.0;
        let b = id.as_bytes();
        assert!(
            b.len() == 6 && b.iter().take(3).all(u8::is_ascii_uppercase) && b.iter().skip(3).all(u8::is_ascii_digit),
            "{id}: ids match ^[A-Z]{{3}}\\d{{3}}$"
        );
        assert!(ids.insert(id), "{id}: duplicate id");
        assert!(names.insert(m.name), "{}: duplicate name", m.name);
        let kebab = !m.name.is_empty()
            && m.name
                .split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(kebab, "{}: names are kebab-case", m.name);
        if let Some(p) = prev {
            assert!(p < id, "RULES is not sorted by id: {p} before {id}");
        }
        prev = Some(id);
        assert!(!m.title.ends_with('.'), "{id}: titles have no final period");
        assert!(!m.references.is_empty(), "{id}: no references");
        for peer in m.peers {
            let (tool, pid) = peer.split_once(':').unwrap_or_else(|| panic!("{id}: peer `{peer}` is not `tool:ID`"));
            assert!(PEER_TOOLS.contains(&tool) && !pid.is_empty(), "{id}: unknown peer tool in `{peer}`");
        }
        let file = m.source.rsplit_once(':').map_or(m.source, |(f, _)| f);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        assert!(
            root.join(file).exists() || Path::new(env!("CARGO_MANIFEST_DIR")).join(file).exists(),
            "{id}: source {file} not found"
        );
    }
}

/// Every rule says what to do about a finding: one short sentence in the style of messages
/// (lowercase, no final period, balanced backticks, one line), and its documentation address is
/// its own section of docs/rules.md under the one documentation base.
#[test]
fn every_rule_has_help_and_a_docs_url() {
    let md = rules_markdown();
    let mut urls = HashSet::new();
    for r in RULES {
        let m = r.meta();
        let id = m.id.0;
        let h = m.help;
        assert!(!h.trim().is_empty(), "{id}: no help");
        assert!(h.len() <= 140, "{id}: help longer than 140 bytes ({}): keep it to one short sentence", h.len());
        assert!(h.starts_with(|c: char| !c.is_uppercase()), "{id}: help starts lowercase: {h}");
        assert!(
            !h.ends_with('.') && !h.contains('\n') && h == h.trim(),
            "{id}: help is one line without a final period"
        );
        assert!(h.matches('`').count() % 2 == 0, "{id}: unbalanced backticks in help: {h}");
        assert_eq!(m.info().help, h);
        let url = m.url();
        assert!(url.starts_with(kubeharden::rules::docs::DOCS_URL), "{id}: {url}");
        let anchor = url.rsplit_once("rules.md#").map(|(_, a)| a).unwrap_or_else(|| panic!("{id}: {url}"));
        assert_eq!(anchor, id.to_ascii_lowercase());
        assert!(md.contains(&format!("\n## {id}\n")), "{id}: docs/rules.md has no section for the anchor");
        assert!(urls.insert(url), "{id}: url shared with another rule");
    }
    assert_eq!(
        kubeharden::rules::docs::rule_url(kubeharden::rules::RuleId("XYZ999")),
        format!("{}rules.md", kubeharden::rules::docs::DOCS_URL)
    );
}

#[test]
fn rules_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let want = rules_markdown();
    if std::env::var_os("KUBEHARDEN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/rules.md is stale: run `KUBEHARDEN_BLESS=1 cargo test -p kubeharden --test docs`");
}

/// Every rule that fixes says how (its docs' `## Fix safety`), and every rule that does not is
/// in docs/fixes.md with the reason.
#[test]
fn every_rule_says_how_it_fixes_or_why_not() {
    let fixes =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/fixes.md")).unwrap();
    let mut missing = Vec::new();
    for r in kubeharden::RULES {
        let m = r.meta();
        let fixable = m.fix != kubeharden::api::FixAvailability::Never;
        if fixable && !m.docs_markdown().contains("## Fix safety") {
            missing.push(format!("{}: fix: {} but no `## Fix safety` in its docs", m.name, m.fix.as_str()));
        }
        let listed = fixes
            .lines()
            .any(|l| l.starts_with("| `") && l.split('|').nth(1).is_some_and(|c| c.contains(&format!("`{}`", m.name))));
        if !fixable && !listed {
            missing.push(format!("{}: fix: never but not in docs/fixes.md", m.name));
        }
        if fixable && listed {
            missing.push(format!("{}: offers a fix but docs/fixes.md lists it as having none", m.name));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
