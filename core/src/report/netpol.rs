//! The typed answer of `kubeharden netpol` ([`NetpolReport`], built by
//! [`crate::netpol::check_netpol`]) and its renderings: text (one pair in words, or the
//! reachability matrix), JSON and Graphviz dot.
//!
//! A query asks about one pair (`--from` and `--to`), a row (`--from`: from one endpoint to
//! every endpoint), a column (`--to`) or the whole matrix (neither), optionally on one port;
//! `external` (addresses outside the cluster) is an endpoint like a workload, except that traffic
//! from `external` to `external` is never asked about.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::api::InputError;
use crate::report::escape::escape_control as esc;

/// What a query asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetpolScope {
    /// One pair: `--from` and `--to`.
    Pair,
    /// From one endpoint to every endpoint: `--from` alone.
    Row,
    /// From every endpoint to one: `--to` alone.
    Column,
    /// Every pair.
    Matrix,
}

/// The answer to a `netpol` query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetpolReport {
    /// Every endpoint, in order: each workload (`Kind/namespace/name`, in input order), then
    /// `external`.
    pub workloads: Vec<String>,
    /// What was asked about.
    pub scope: NetpolScope,
    /// The source asked about, resolved to an endpoint id; `None`: every endpoint.
    pub from: Option<String>,
    /// The destination asked about, resolved to an endpoint id; `None`: every endpoint.
    pub to: Option<String>,
    /// The port asked about, as given (`8080`, `dns/UDP`); `None`: every port.
    pub port: Option<String>,
    /// One answer per (source, destination) asked about, sources in endpoint order, then
    /// destinations.
    pub pairs: Vec<NetpolPair>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Parts of NetworkPolicies the API server would reject: they match nothing.
    pub warnings: Vec<NetpolWarning>,
    /// What the answer cannot know (namespaces known only by name, ...).
    pub notes: Vec<String>,
    /// Files that are none of kubeharden's inputs, left out (see [`crate::api::Report::skipped`]).
    #[serde(default)]
    pub skipped: Vec<InputError>,
}

/// The answer for one pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetpolPair {
    /// Source endpoint id.
    pub from: String,
    /// Destination endpoint id.
    pub to: String,
    /// The source's index in [`NetpolReport::workloads`] (an input may define a workload twice).
    pub from_index: usize,
    /// The destination's index in [`NetpolReport::workloads`].
    pub to_index: usize,
    /// Whether traffic is allowed (on the port asked, or on some port): the source's egress and
    /// the destination's ingress both allow it.
    pub allowed: bool,
    /// With a port asked: that port (`8080/TCP`), or why it cannot be resolved; otherwise every
    /// port both sides allow (`80/TCP, 443/TCP`, `all ports`, `none`).
    pub ports: String,
    /// Whether both sides allow every port of every protocol.
    pub all_ports: bool,
    /// The source's egress.
    pub egress: NetpolSide,
    /// The destination's ingress.
    pub ingress: NetpolSide,
}

/// One side of a path: the source's egress or the destination's ingress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetpolSide {
    /// Whether NetworkPolicies govern this side (`false` for `external`).
    pub governed: bool,
    /// Whether some NetworkPolicy selects the pod for this direction (if none does, everything is
    /// allowed).
    pub isolated: bool,
    /// The NetworkPolicies (`namespace/name`) that select the pod for this direction.
    pub isolated_by: Vec<String>,
    /// Every port this side allows for the pair.
    pub ports: String,
    /// The rules that allow the pair (on the port asked, if any).
    pub allowed_by: Vec<NetpolRule>,
}

/// A NetworkPolicy rule that allows a pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetpolRule {
    /// The NetworkPolicy, `namespace/name`.
    pub policy: String,
    /// The rule, `ingress[0]` / `egress[1]`.
    pub rule: String,
    /// The index of the matching peer in the rule's `from` / `to`; `None` when the rule has no
    /// peers (it allows every source or destination).
    pub peer: Option<usize>,
    /// The peer in words: `from[0]`, `ipBlock 10.0.0.0/8 except 10.1.0.0/16`, `any source`.
    pub peer_description: String,
    /// The ports this rule allows for the pair.
    pub ports: String,
}

/// A part of a NetworkPolicy the API server would reject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetpolWarning {
    /// File of the NetworkPolicy.
    pub file: String,
    /// 0-based document index.
    pub document: usize,
    /// 1-based line of the field.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The NetworkPolicy, `namespace/name`.
    pub policy: String,
    /// What is wrong.
    pub message: String,
}

impl NetpolReport {
    /// Whether every pair asked about is allowed (the exit code of a pair query).
    #[must_use]
    pub fn all_allowed(&self) -> bool {
        self.pairs.iter().all(|p| p.allowed)
    }
}

/// The report as text: for a pair, the answer in words with both sides; otherwise the matrix.
#[must_use]
pub fn render_text(report: &NetpolReport) -> String {
    if report.scope == NetpolScope::Pair {
        pair_text(report)
    } else {
        matrix_text(report)
    }
}

fn pair_text(report: &NetpolReport) -> String {
    let mut s = String::new();
    for p in &report.pairs {
        let _ = writeln!(
            s,
            "{} `{}` -> `{}`{}",
            if p.allowed { "allowed:" } else { "denied:" },
            esc(&p.from),
            esc(&p.to),
            if report.port.is_some() { format!(" on {}", p.ports) } else { format!(": {}", p.ports) }
        );
        let _ = writeln!(s, "  {}", side_text("egress", &p.from, &p.egress));
        let _ = writeln!(s, "  {}", side_text("ingress", &p.to, &p.ingress));
    }
    s
}

fn side_text(field: &str, who: &str, side: &NetpolSide) -> String {
    let whose = format!("{field} of `{}`", esc(who));
    if !side.governed {
        return format!("{whose}: outside the cluster, not governed by NetworkPolicies");
    }
    if !side.isolated {
        return format!("{whose}: not isolated (no NetworkPolicy selects it for {field}): everything allowed");
    }
    let iso = esc(&side.isolated_by.join(", ")).into_owned();
    if side.allowed_by.is_empty() {
        return format!("{whose}: isolated by {iso}; no rule allows it");
    }
    let by = side
        .allowed_by
        .iter()
        .map(|a| format!("{} ({}, {}) on {}", esc(&a.policy), a.rule, esc(&a.peer_description), a.ports))
        .collect::<Vec<_>>()
        .join("; ");
    format!("{whose}: isolated by {iso}; allowed by {by}")
}

fn matrix_text(report: &NetpolReport) -> String {
    let eps = &report.workloads;
    let mut s = String::new();
    for (i, e) in eps.iter().enumerate() {
        let _ = writeln!(s, "[{i}] {}", esc(e));
    }
    s.push('\n');
    let mut sources: Vec<usize> = Vec::new();
    let mut dests: Vec<usize> = Vec::new();
    let (mut seen_from, mut seen_to) = (vec![false; eps.len()], vec![false; eps.len()]);
    let mut cells: HashMap<(usize, usize), String> = HashMap::new();
    let with_port = report.port.is_some();
    for p in &report.pairs {
        let cell = if with_port {
            if p.allowed { "yes" } else { "-" }.to_owned()
        } else if p.all_ports {
            "all".to_owned()
        } else if p.allowed {
            p.ports.replace(", ", ",")
        } else {
            "-".to_owned()
        };
        let (f, t) = (p.from_index, p.to_index);
        if let Some(seen @ false) = seen_from.get_mut(f) {
            *seen = true;
            sources.push(f);
        }
        if let Some(seen @ false) = seen_to.get_mut(t) {
            *seen = true;
            dests.push(t);
        }
        cells.insert((f, t), cell);
    }
    let w = cells.values().map(String::len).chain(eps.len().to_string().len().checked_add(2)).max().unwrap_or(3);
    let _ = write!(s, "{:<w$}", "from\\to");
    for t in &dests {
        let _ = write!(s, "  {:<w$}", format!("[{t}]"));
    }
    let trimmed = s.trim_end_matches(' ').len();
    s.truncate(trimmed);
    s.push('\n');
    for f in &sources {
        let _ = write!(s, "{:<w$}", format!("[{f}]"));
        for t in &dests {
            let c = cells.get(&(*f, *t)).map_or("", String::as_str);
            let _ = write!(s, "  {c:<w$}");
        }
        let trimmed = s.trim_end_matches(' ').len();
        s.truncate(trimmed);
        s.push('\n');
    }
    s.push_str("\ncells: ports allowed from the row to the column (both the source's egress and the destination's ingress); - none\n");
    s
}

/// The report as JSON (`kubeharden netpol --format json`): `workloads`, `port` and `pairs` (the
/// diagnostics go to standard error, as in text), with a final newline.
#[must_use]
pub fn render_json(report: &NetpolReport) -> String {
    // Keys in alphabetical order: the output of the first `netpol`, kept byte for byte.
    #[derive(Serialize)]
    struct Doc<'a> {
        pairs: Vec<Pair<'a>>,
        port: Option<&'a str>,
        workloads: &'a [String],
    }
    #[derive(Serialize)]
    struct Pair<'a> {
        allowed: bool,
        egress: Side<'a>,
        from: &'a str,
        ingress: Side<'a>,
        ports: &'a str,
        to: &'a str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Side<'a> {
        allowed_by: Vec<Rule<'a>>,
        governed: bool,
        isolated: bool,
        isolated_by: &'a [String],
        ports: &'a str,
    }
    #[derive(Serialize)]
    struct Rule<'a> {
        peer: Option<usize>,
        policy: &'a str,
        ports: &'a str,
        rule: &'a str,
    }
    fn side(s: &NetpolSide) -> Side<'_> {
        Side {
            allowed_by: s
                .allowed_by
                .iter()
                .map(|a| Rule { peer: a.peer, policy: &a.policy, ports: &a.ports, rule: &a.rule })
                .collect(),
            governed: s.governed,
            isolated: s.isolated,
            isolated_by: &s.isolated_by,
            ports: &s.ports,
        }
    }
    let doc = Doc {
        pairs: report
            .pairs
            .iter()
            .map(|p| Pair {
                allowed: p.allowed,
                egress: side(&p.egress),
                from: &p.from,
                ingress: side(&p.ingress),
                ports: &p.ports,
                to: &p.to,
            })
            .collect(),
        port: report.port.as_deref(),
        workloads: &report.workloads,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The report as a Graphviz digraph: every endpoint a node (`external` dashed), every allowed
/// pair an edge labelled with its ports.
#[must_use]
pub fn render_dot(report: &NetpolReport) -> String {
    let mut s = String::from("digraph netpol {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
    for id in &report.workloads {
        let shape = if id == crate::netpol::EXTERNAL { " shape=ellipse, style=dashed," } else { "" };
        let _ = writeln!(s, "  {} [{shape} label={}];", dot_id(id), dot_id(id));
    }
    for p in report.pairs.iter().filter(|p| p.allowed) {
        let _ = writeln!(s, "  {} -> {} [label={}];", dot_id(&p.from), dot_id(&p.to), dot_id(&p.ports));
    }
    s.push_str("}\n");
    s
}

fn dot_id(s: &str) -> String {
    format!("\"{}\"", esc(&s.replace('\\', "\\\\").replace('"', "\\\"")))
}
