//! Reachability queries: files (or an inventory) and a question — a pair, a row, a column or the
//! whole matrix, optionally on one port — in, the typed answer
//! ([`crate::report::netpol::NetpolReport`]) out. `kubeharden netpol`, the Python `netpol()` and
//! the WASM `netpol()` all ask here.
//!
//! ```
//! use kubeharden::netpol::{check_netpol, NetpolRequest};
//! use kubeharden::SourceFile;
//!
//! let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {containers: [{name: c, image: i}]}\n";
//! let req = NetpolRequest { files: vec![SourceFile::new("pod.yaml", text)], to: Some("web".into()), ..Default::default() };
//! let report = check_netpol(&req).unwrap();
//! // No NetworkPolicy selects the pod: everything may reach it.
//! assert!(report.pairs.iter().all(|p| p.allowed && p.all_ports));
//! ```

use serde::{Deserialize, Serialize};

use super::{Allowing, Direction, Endpoint, NetworkModel, Peer, Proto, Side, NAMESPACE_NAME_LABEL};
use crate::api::{InputPolicy, SourceFile};
use crate::error::Error;
use crate::model::{Inventory, Reads};
use crate::report::netpol::{NetpolPair, NetpolReport, NetpolRule, NetpolScope, NetpolSide, NetpolWarning};
use crate::source::{ParseOptions, Source};

/// The id of the endpoint outside the cluster.
pub const EXTERNAL: &str = "external";

/// A reachability question about some files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetpolRequest {
    /// The input files.
    pub files: Vec<SourceFile>,
    /// Source workload: `name`, `namespace/name`, `Kind/namespace/name` or `external`; `None`:
    /// every endpoint.
    #[serde(default)]
    pub from: Option<String>,
    /// Destination workload, as `from`; `None`: every endpoint.
    #[serde(default)]
    pub to: Option<String>,
    /// Port: `8080`, `8080/UDP`, or a port name of the destination (`http`, `dns/UDP`); `None`:
    /// every port.
    #[serde(default)]
    pub port: Option<String>,
    /// How the inputs are held to account: `require_content` makes a file with no Kubernetes
    /// object an input error.
    #[serde(default)]
    pub inputs: InputPolicy,
}

/// Answers a reachability question: the files through the front door and the inventory, then
/// [`answer`].
///
/// # Errors
/// [`Error::Request`] for a `from`/`to` that names no workload or several, a bad `port`, or
/// `external` to `external`; [`Error::Input`] for the first input error of a strict request.
pub fn check_netpol(req: &NetpolRequest) -> Result<NetpolReport, Error> {
    let options = ParseOptions::default();
    let sources: Vec<Source> = req.files.iter().map(|f| crate::source::parse(f, &options)).collect();
    let inventory = Inventory::new(&sources);
    let mut report = answer(&inventory, req.from.as_deref(), req.to.as_deref(), req.port.as_deref());
    if let Ok(r) = &mut report {
        if req.inputs.require_content {
            r.errors.extend(inventory.content_errors(Reads::Objects));
        }
        r.skipped = inventory.skipped(req.inputs);
    }
    // A strict request fails on its inputs first: a workload not found may be in a file that
    // could not be read.
    if req.inputs.strict {
        if let Some(first) =
            inventory.input_errors().next().cloned().or_else(|| report.as_ref().ok()?.errors.first().cloned())
        {
            return Err(Error::Input(first));
        }
    }
    report
}

/// A `port` of a query.
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

/// Answers a reachability question over an inventory built by the caller (the command line
/// builds it in parallel): the pairs asked about, the input errors, the policies' problems and
/// what the answer cannot know.
///
/// # Errors
/// [`Error::Request`] for a `from`/`to` that names no workload or several, a bad `port` (its
/// message starts with `--port: `), or `external` to `external`.
pub fn answer(
    inventory: &Inventory<'_>,
    from: Option<&str>,
    to: Option<&str>,
    port: Option<&str>,
) -> Result<NetpolReport, Error> {
    let port_arg = port.map(parse_port).transpose().map_err(|e| Error::Request(format!("--port: {e}")))?;
    let model = inventory.network();
    let find = |w: Option<&str>| w.map(|s| model.find(s)).transpose().map_err(Error::Request);
    let (from_ep, to_ep) = (find(from)?, find(to)?);
    if from_ep == Some(Endpoint::External) && to_ep == Some(Endpoint::External) {
        return Err(Error::Request(format!("traffic from `{EXTERNAL}` to `{EXTERNAL}` does not cross the cluster")));
    }
    let endpoints = model.endpoints();
    let sources = from_ep.map_or_else(|| endpoints.clone(), |f| vec![f]);
    let dests = to_ep.map_or_else(|| endpoints.clone(), |t| vec![t]);
    let ids: Vec<String> = endpoints.iter().map(|&e| model.endpoint_id(e)).collect();
    let id = |e: Endpoint| match e {
        Endpoint::Workload(w) => ids.get(w).cloned().unwrap_or_else(|| model.endpoint_id(e)),
        Endpoint::External => EXTERNAL.to_owned(),
    };
    let policies: Vec<String> = model.policies.iter().map(super::Policy::id).collect();
    let mut pairs = Vec::with_capacity(sources.len().saturating_mul(dests.len()));
    for &s in &sources {
        for &d in &dests {
            if s == Endpoint::External && d == Endpoint::External {
                continue;
            }
            pairs.push(pair(model, &policies, s, d, port_arg.as_ref(), &id));
        }
    }
    let scope = match (from_ep, to_ep) {
        (Some(_), Some(_)) => NetpolScope::Pair,
        (Some(_), None) => NetpolScope::Row,
        (None, Some(_)) => NetpolScope::Column,
        (None, None) => NetpolScope::Matrix,
    };
    let (from, to) = (from_ep.map(&id), to_ep.map(&id));
    Ok(NetpolReport {
        workloads: ids,
        scope,
        from,
        to,
        port: port.map(str::to_owned),
        pairs,
        errors: inventory.input_errors().cloned().collect(),
        warnings: warnings(model),
        notes: namespace_label_note(model).into_iter().collect(),
        skipped: Vec::new(),
    })
}

fn pair(
    model: &NetworkModel<'_>,
    policies: &[String],
    from: Endpoint,
    to: Endpoint,
    port: Option<&PortArg>,
    id: &impl Fn(Endpoint) -> String,
) -> NetpolPair {
    let r = model.reach(from, to);
    let (allowed, asked, ports) = match port {
        None => (r.any(), None, r.ports.to_string()),
        Some(p) => {
            let resolved = match p {
                PortArg::Number(n, pr) => Some((*pr, *n)),
                PortArg::Named(name, pr) => model.resolve_named_port(to, name, *pr).map(|n| (*pr, n)),
            };
            match resolved {
                Some((pr, n)) => (r.ports.contains(pr, n), Some((pr, n)), format!("{n}/{pr}")),
                None => (false, None, "the named port is not a container port of the destination".to_owned()),
            }
        }
    };
    let index = |e: Endpoint| match e {
        Endpoint::Workload(w) => w,
        Endpoint::External => model.workloads.len(),
    };
    NetpolPair {
        from: id(from),
        to: id(to),
        from_index: index(from),
        to_index: index(to),
        allowed,
        ports,
        all_ports: r.ports == super::PortSet::All,
        egress: side(model, policies, Direction::Egress, &r.egress, asked),
        ingress: side(model, policies, Direction::Ingress, &r.ingress, asked),
    }
}

fn policy_name(policies: &[String], i: usize) -> String {
    policies.get(i).cloned().unwrap_or_else(|| "?".to_owned())
}

fn side(
    model: &NetworkModel<'_>,
    policies: &[String],
    d: Direction,
    s: &Side,
    port: Option<(Proto, u16)>,
) -> NetpolSide {
    NetpolSide {
        governed: s.governed,
        isolated: !s.isolating.is_empty(),
        isolated_by: s.isolating.iter().map(|&i| policy_name(policies, i)).collect(),
        ports: s.ports.to_string(),
        allowed_by: s
            .allowing
            .iter()
            .filter(|a| port.is_none_or(|(pr, n)| a.ports.contains(pr, n)))
            .map(|a| NetpolRule {
                policy: policy_name(policies, a.policy),
                rule: format!("{}[{}]", d.field(), a.rule),
                peer: a.peer,
                peer_description: describe_peer(model, d, a),
                ports: a.ports.to_string(),
            })
            .collect(),
    }
}

fn describe_peer(model: &NetworkModel<'_>, d: Direction, a: &Allowing) -> String {
    let Some(i) = a.peer else {
        return format!("any {}", if d == Direction::Ingress { "source" } else { "destination" });
    };
    let p = model.policies.get(a.policy).and_then(|p| p.rules(d).get(a.rule)).and_then(|r| r.peers.as_ref()?.get(i));
    match p {
        Some(Peer::IpBlock { cidr, except }) if except.is_empty() => format!("ipBlock {cidr}"),
        Some(Peer::IpBlock { cidr, except }) => {
            format!("ipBlock {cidr} except {}", except.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
        }
        _ => format!("{}[{i}]", d.peer_field()),
    }
}

/// What the API server would reject in the policies, located.
fn warnings(model: &NetworkModel<'_>) -> Vec<NetpolWarning> {
    model
        .problems
        .iter()
        .filter_map(|(i, pr)| {
            let p = model.policies.get(*i)?;
            let (pos, _) = p.object.doc.root.resolve(&pr.path);
            Some(NetpolWarning {
                file: p.object.doc.file.clone(),
                document: p.object.doc.index,
                line: pos.line,
                column: pos.column,
                policy: p.id(),
                message: pr.message.clone(),
            })
        })
        .collect()
}

/// When a namespaceSelector reads labels other than `kubernetes.io/metadata.name` and some
/// namespaces have no Namespace object in the input, their labels are unknown: say so.
fn namespace_label_note(model: &NetworkModel<'_>) -> Option<String> {
    let reads_labels = model.policies.iter().any(|p| {
        Direction::BOTH.iter().any(|&d| {
            p.rules(d).iter().flat_map(|r| r.peers.iter().flatten()).any(|peer| match peer {
                Peer::Pods { namespaces: Some(sel), .. } => {
                    sel.match_labels.iter().any(|(k, _)| k != NAMESPACE_NAME_LABEL)
                        || sel.exprs.iter().any(|r| r.key != NAMESPACE_NAME_LABEL)
                }
                _ => false,
            })
        })
    });
    let described = |k: &crate::model::NsKey<'_>| {
        model.namespaces.get(&crate::model::NsKey::named(k.cluster, k.name)).is_some_and(|n| n.object.is_some())
    };
    let unknown: std::collections::BTreeSet<String> = model
        .namespaces
        .iter()
        .filter(|(k, n)| n.object.is_none() && !described(k))
        .map(|(k, _)| format!("`{}`", k.name))
        .collect();
    let unknown: Vec<String> = unknown.into_iter().collect();
    (reads_labels && !unknown.is_empty()).then(|| {
        format!(
            "namespaces without a Namespace object in the input ({}) are known only by their `kubernetes.io/metadata.name` label; add their Namespace manifests for namespaceSelectors on other labels",
            unknown.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_of_a_query() {
        assert_eq!(parse_port("8080"), Ok(PortArg::Number(8080, Proto::Tcp)));
        assert_eq!(parse_port("53/udp"), Ok(PortArg::Number(53, Proto::Udp)));
        assert_eq!(parse_port("http"), Ok(PortArg::Named("http".into(), Proto::Tcp)));
        assert!(parse_port("0").is_err());
        assert!(parse_port("70000").is_err());
        assert!(parse_port("/TCP").is_err());
        assert!(parse_port("80/XYZ").is_err());
    }
}
