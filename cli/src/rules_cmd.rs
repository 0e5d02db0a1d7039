//! `kubeharden rules` and `kubeharden explain RULE`.

use clap::{Args, ValueEnum};
use kubeharden::rules::registry;
use kubeharden::{RuleInfo, RULES};

use crate::{EXIT_ERROR, EXIT_OK};

/// Output formats of `rules`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A table.
    Text,
    /// JSON: id, name, severity, title, help, url, enabled_by_default, fix, references, peers.
    Json,
}

/// Arguments of `rules`.
#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `explain`.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Rule name or id.
    pub rule: String,
}

/// Runs `rules`.
pub fn rules(a: &RulesArgs) -> u8 {
    match a.format {
        Format::Json => {
            let infos: Vec<serde_json::Value> = RULES
                .iter()
                .map(|r| {
                    let RuleInfo {
                        id,
                        name,
                        severity,
                        title,
                        help,
                        url,
                        enabled_by_default,
                        fix,
                        references,
                        peers,
                        ..
                    } = r.meta().info();
                    serde_json::json!({"id": id, "name": name, "severity": severity, "title": title,
                        "help": help, "url": url, "enabled_by_default": enabled_by_default, "fix": fix,
                        "references": references, "peers": peers})
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&infos).unwrap_or_default());
        }
        Format::Text => {
            for r in RULES {
                let m = r.meta();
                let off = if m.enabled_by_default { "" } else { "  (off by default)" };
                outln!("{}  {:<40} {:<9} {}{off}", m.id, m.name, m.severity.as_str(), m.title);
            }
        }
    }
    EXIT_OK
}

/// Runs `explain`.
pub fn explain(a: &ExplainArgs) -> u8 {
    let Some(r) = registry::find(&a.rule) else {
        errln!("error: unknown rule `{}` (see `kubeharden rules`)", a.rule);
        return EXIT_ERROR;
    };
    let m = r.meta();
    outln!("# {} {}: {}\n", m.id, m.name, m.title);
    outln!("Default severity: {}{}", m.severity, if m.enabled_by_default { "" } else { " (off by default)" });
    outln!("Help: {}", m.help);
    outln!("Docs: {}", m.url());
    outln!("\n{}", m.docs_markdown().trim_end());
    if !m.references.is_empty() {
        outln!("\n## References");
        for x in m.references {
            outln!("- {x}");
        }
    }
    if !m.peers.is_empty() {
        outln!("\n## Same check in other tools");
        for x in m.peers {
            outln!("- {x}");
        }
    }
    EXIT_OK
}
