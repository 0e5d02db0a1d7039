//! `kubeharden netpol PATH... [--from W] [--to W] [--port P] [--format text|json|dot]`:
//! offline reachability between the workloads of the input under their NetworkPolicies.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kubeharden::netpol::{Allowing, Direction, Endpoint, NetworkModel, Peer, PortSet, Proto, Reach, Side};
use kubeharden::{Inventory, ParseOptions};
use serde_json::{json, Value};

use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// Output formats of `netpol`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable.
    Text,
    /// JSON.
    Json,
    /// Graphviz: allowed paths as edges.
    Dot,
}

/// Arguments of `netpol`.
#[derive(Args, Debug)]
pub struct NetpolArgs {
    /// Files or directories (recursive: .yaml, .yml, .json); `-` reads stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Source workload: `name`, `namespace/name`, `Kind/namespace/name` or `external`.
    #[arg(long)]
    pub from: Option<String>,
    /// Destination workload: `name`, `namespace/name`, `Kind/namespace/name` or `external`.
    #[arg(long)]
    pub to: Option<String>,
    /// Port: `8080`, `8080/UDP`, or a port name of the destination (`http`, `dns/UDP`).
    #[arg(long)]
    pub port: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Follow symbolic links inside scanned directories.
    #[arg(long)]
    pub follow_symlinks: bool,
}

/// One answered pair: the reach, whether allowed, the port asked (resolved), the answer as text.
type Row = (Reach, bool, Option<(Proto, u16)>, String);

/// A `--port` value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PortArg {
    Number(u16, Proto),
    Named(String, Proto),
}

fn parse_port(s: &str) -> Result<PortArg, String> {
    let (p, proto) = match s.split_once('/') {
        Some((p, pr)) => (p, Proto::parse_loose(pr).ok_or_else(|| format!("`{pr}` is not TCP, UDP or SCTP"))?),
        None => (s, Proto::Tcp),
    };
    if p.bytes().all(|b| b.is_ascii_digit()) {
        let n: u16 =
            p.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("port `{p}` is not between 1 and 65535"))?;
        Ok(PortArg::Number(n, proto))
    } else if p.is_empty() {
        Err("empty port".to_owned())
    } else {
        Ok(PortArg::Named(p.to_owned(), proto))
    }
}

/// The port number and protocol a `--port` means for a destination.
fn port_for(model: &NetworkModel<'_>, to: Endpoint, p: &PortArg) -> Option<(Proto, u16)> {
    match p {
        PortArg::Number(n, pr) => Some((*pr, *n)),
        PortArg::Named(name, pr) => model.resolve_named_port(to, name, *pr).map(|n| (*pr, n)),
    }
}

fn policy_name(model: &NetworkModel<'_>, i: usize) -> String {
    model.policies.get(i).map_or_else(|| "?".to_owned(), kubeharden::netpol::Policy::id)
}

fn describe_allowing(model: &NetworkModel<'_>, d: Direction, a: &Allowing) -> String {
    let peer = match a.peer {
        None => format!("any {}", if d == Direction::Ingress { "source" } else { "destination" }),
        Some(i) => {
            let p = model
                .policies
                .get(a.policy)
                .and_then(|p| p.rules(d).get(a.rule))
                .and_then(|r| r.peers.as_ref()?.get(i));
            match p {
                Some(Peer::IpBlock { cidr, except }) if except.is_empty() => format!("ipBlock {cidr}"),
                Some(Peer::IpBlock { cidr, except }) => format!(
                    "ipBlock {cidr} except {}",
                    except.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
                _ => format!("{}[{i}]", d.peer_field()),
            }
        }
    };
    format!("{} ({}[{}], {peer}) on {}", policy_name(model, a.policy), d.field(), a.rule, a.ports)
}

fn side_text(model: &NetworkModel<'_>, d: Direction, who: Endpoint, s: &Side, port: Option<(Proto, u16)>) -> String {
    let whose = format!("{} of `{}`", d.field(), model.endpoint_id(who));
    if !s.governed {
        return format!("{whose}: outside the cluster, not governed by NetworkPolicies");
    }
    if s.isolating.is_empty() {
        return format!("{whose}: not isolated (no NetworkPolicy selects it for {}): everything allowed", d.field());
    }
    let iso = s.isolating.iter().map(|&i| policy_name(model, i)).collect::<Vec<_>>().join(", ");
    let allowing: Vec<&Allowing> =
        s.allowing.iter().filter(|a| port.is_none_or(|(pr, n)| a.ports.contains(pr, n))).collect();
    if allowing.is_empty() {
        return format!("{whose}: isolated by {iso}; no rule allows it");
    }
    let by = allowing.iter().map(|a| describe_allowing(model, d, a)).collect::<Vec<_>>().join("; ");
    format!("{whose}: isolated by {iso}; allowed by {by}")
}

fn side_json(model: &NetworkModel<'_>, d: Direction, s: &Side, port: Option<(Proto, u16)>) -> Value {
    json!({
        "governed": s.governed,
        "isolated": !s.isolating.is_empty(),
        "isolatedBy": s.isolating.iter().map(|&i| policy_name(model, i)).collect::<Vec<_>>(),
        "ports": s.ports.to_string(),
        "allowedBy": s.allowing.iter().filter(|a| port.is_none_or(|(pr, n)| a.ports.contains(pr, n))).map(|a| json!({
            "policy": policy_name(model, a.policy),
            "rule": format!("{}[{}]", d.field(), a.rule),
            "peer": a.peer,
            "ports": a.ports.to_string(),
        })).collect::<Vec<_>>(),
    })
}

/// A pair's answer: (allowed, what is allowed as text).
fn verdict(model: &NetworkModel<'_>, r: &Reach, port: Option<&PortArg>) -> (bool, Option<(Proto, u16)>, String) {
    match port {
        None => (r.any(), None, r.ports.to_string()),
        Some(p) => match port_for(model, r.to, p) {
            Some((pr, n)) => {
                let ok = r.ports.contains(pr, n);
                (ok, Some((pr, n)), format!("{n}/{pr}"))
            }
            None => (false, None, "the named port is not a container port of the destination".to_owned()),
        },
    }
}

fn pairs(model: &NetworkModel<'_>, from: Option<Endpoint>, to: Option<Endpoint>) -> Vec<(Endpoint, Endpoint)> {
    let all = model.endpoints();
    let sources: Vec<Endpoint> = from.map_or_else(|| all.clone(), |f| vec![f]);
    let dests: Vec<Endpoint> = to.map_or_else(|| all.clone(), |t| vec![t]);
    let mut v = Vec::new();
    for &s in &sources {
        for &d in &dests {
            if !(s == Endpoint::External && d == Endpoint::External) {
                v.push((s, d));
            }
        }
    }
    v
}

fn dot_id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// When a namespaceSelector reads labels other than `kubernetes.io/metadata.name` and some
/// namespaces have no Namespace object in the input, their labels are unknown: say so.
fn namespace_label_note(model: &NetworkModel<'_>) -> Option<String> {
    let reads_labels = model.policies.iter().any(|p| {
        Direction::BOTH.iter().any(|&d| {
            p.rules(d).iter().flat_map(|r| r.peers.iter().flatten()).any(|peer| match peer {
                Peer::Pods { namespaces: Some(sel), .. } => {
                    sel.match_labels.iter().any(|(k, _)| k != kubeharden::netpol::NAMESPACE_NAME_LABEL)
                        || sel.exprs.iter().any(|r| r.key != kubeharden::netpol::NAMESPACE_NAME_LABEL)
                }
                _ => false,
            })
        })
    });
    let unknown: Vec<String> =
        model.namespaces.iter().filter(|(_, n)| n.object.is_none()).map(|(name, _)| format!("`{name}`")).collect();
    (reads_labels && !unknown.is_empty()).then(|| {
        format!(
            "namespaces without a Namespace object in the input ({}) are known only by their `kubernetes.io/metadata.name` label; add their Namespace manifests for namespaceSelectors on other labels",
            unknown.join(", ")
        )
    })
}

/// Runs `netpol`.
pub fn run(a: &NetpolArgs) -> u8 {
    let port = match a.port.as_deref().map(parse_port).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: --port: {e}");
            return EXIT_ERROR;
        }
    };
    let (_, sources) = crate::scan::read_all(&a.paths, a.follow_symlinks, &ParseOptions::default());
    let inventory = Inventory::new(&sources);
    let mut failed = false;
    for e in sources.iter().flat_map(|s| &s.errors).chain(&inventory.errors) {
        match (e.line, e.column) {
            (Some(l), Some(c)) => eprintln!("error: {}:{l}:{c}: {}", e.file, e.message),
            _ => eprintln!("error: {}: {}", e.file, e.message),
        }
        failed = true;
    }
    let model = inventory.network();
    for (i, pr) in &model.problems {
        if let Some(p) = model.policies.get(*i) {
            let (pos, _) = p.object.doc.root.resolve(&pr.path);
            eprintln!(
                "warning: {}:{}:{}: NetworkPolicy `{}`: {} (this part matches nothing)",
                p.object.doc.file,
                pos.line,
                pos.column,
                p.id(),
                pr.message
            );
        }
    }
    if let Some(note) = namespace_label_note(model) {
        eprintln!("note: {note}");
    }
    let find =
        |w: &Option<String>| -> Result<Option<Endpoint>, String> { w.as_deref().map(|s| model.find(s)).transpose() };
    let (from, to) = match (find(&a.from), find(&a.to)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if from == Some(Endpoint::External) && to == Some(Endpoint::External) {
        eprintln!("error: traffic from `external` to `external` does not cross the cluster");
        return EXIT_ERROR;
    }
    let list = pairs(model, from, to);
    let results: Vec<Row> = list
        .iter()
        .map(|&(f, t)| {
            let r = model.reach(f, t);
            let (ok, p, text) = verdict(model, &r, port.as_ref());
            (r, ok, p, text)
        })
        .collect();
    let single = from.is_some() && to.is_some();
    let out = match a.format {
        Format::Json => {
            let pairs: Vec<Value> = results
                .iter()
                .map(|(r, ok, p, text)| {
                    json!({
                        "from": model.endpoint_id(r.from),
                        "to": model.endpoint_id(r.to),
                        "allowed": ok,
                        "ports": if port.is_some() { text.clone() } else { r.ports.to_string() },
                        "ingress": side_json(model, Direction::Ingress, &r.ingress, *p),
                        "egress": side_json(model, Direction::Egress, &r.egress, *p),
                    })
                })
                .collect();
            let doc = json!({
                "workloads": model.endpoints().iter().map(|&e| model.endpoint_id(e)).collect::<Vec<_>>(),
                "port": a.port,
                "pairs": pairs,
            });
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
        Format::Dot => {
            let mut s = String::from("digraph netpol {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
            for e in model.endpoints() {
                let id = model.endpoint_id(e);
                let shape = if e == Endpoint::External { " shape=ellipse, style=dashed," } else { "" };
                let _ = writeln!(s, "  {} [{shape} label={}];", dot_id(&id), dot_id(&id));
            }
            for (r, ok, _, text) in &results {
                if *ok {
                    let _ = writeln!(
                        s,
                        "  {} -> {} [label={}];",
                        dot_id(&model.endpoint_id(r.from)),
                        dot_id(&model.endpoint_id(r.to)),
                        dot_id(text)
                    );
                }
            }
            s.push_str("}\n");
            s
        }
        Format::Text if single => {
            let mut s = String::new();
            for (r, ok, p, text) in &results {
                let _ = writeln!(
                    s,
                    "{} `{}` -> `{}`{}",
                    if *ok { "allowed:" } else { "denied:" },
                    model.endpoint_id(r.from),
                    model.endpoint_id(r.to),
                    if port.is_some() { format!(" on {text}") } else { format!(": {text}") }
                );
                let _ = writeln!(s, "  {}", side_text(model, Direction::Egress, r.from, &r.egress, *p));
                let _ = writeln!(s, "  {}", side_text(model, Direction::Ingress, r.to, &r.ingress, *p));
            }
            s
        }
        Format::Text => matrix_text(model, &results, port.is_some()),
    };
    out!("{out}");
    if failed {
        EXIT_ERROR
    } else if single && !results.iter().all(|(_, ok, _, _)| *ok) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn matrix_text(model: &NetworkModel<'_>, results: &[Row], with_port: bool) -> String {
    let eps = model.endpoints();
    let mut s = String::new();
    for (i, e) in eps.iter().enumerate() {
        let _ = writeln!(s, "[{i}] {}", model.endpoint_id(*e));
    }
    s.push('\n');
    let idx = |e: Endpoint| eps.iter().position(|x| *x == e).unwrap_or(0);
    let mut sources: Vec<usize> = Vec::new();
    let mut dests: Vec<usize> = Vec::new();
    let mut cells: std::collections::HashMap<(usize, usize), String> = std::collections::HashMap::new();
    for (r, ok, _, text) in results {
        let cell = if with_port {
            if *ok {
                "yes".to_owned()
            } else {
                "-".to_owned()
            }
        } else if r.ports == PortSet::All {
            "all".to_owned()
        } else if *ok {
            text.replace(", ", ",")
        } else {
            "-".to_owned()
        };
        let (f, t) = (idx(r.from), idx(r.to));
        if !sources.contains(&f) {
            sources.push(f);
        }
        if !dests.contains(&t) {
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
