//! NetworkPolicy semantics: selector tables, policy defaulting, peers and ports, and the
//! checklist's scenario end to end (the seed's policies as intended, and as written).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::collections::BTreeMap;

use kubeharden::location::FieldPath;
use kubeharden::netpol::{Direction, Endpoint, NetworkModel, PortSet, Proto, Selector};
use kubeharden::source::{parse, ParseOptions, Source};
use kubeharden::{check, CheckRequest, Config, Inventory, SourceFile};

/// The generated clusters of the benches (`kubeharden_benches::synthetic`), by path: test input,
/// not core API.
#[path = "../../benches/src/synthetic.rs"]
mod synthetic;

const WORKLOADS: &str = include_str!("data/netpol/workloads-prod.yaml");
const POLICIES: &str = include_str!("data/netpol/policies-prod.yaml");
/// A verbatim copy of the seed's `k8s-network-policies.yaml`.
const SEED: &str = include_str!("data/netpol/seed-k8s-network-policies.yaml");

fn docs(files: &[(&str, &str)]) -> Vec<Source> {
    let mut out = Vec::new();
    for (name, text) in files {
        let s = parse(&SourceFile::new(*name, *text), &ParseOptions::default());
        assert!(s.errors.is_empty(), "{name}: {:?}", s.errors);
        out.push(s);
    }
    out
}

fn yaml(text: &str) -> kubeharden::syntax::Node {
    docs(&[("s.yaml", text)]).remove(0).documents.remove(0).root
}

fn sel(text: &str) -> (Selector, usize) {
    let mut problems = Vec::new();
    let node = yaml(text);
    let s = Selector::parse(Some(&node), &FieldPath::root(), &mut problems);
    (s, problems.len())
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn selector_semantics_table() {
    let api = labels(&[("app", "api"), ("tier", "backend")]);
    let web = labels(&[("app", "web")]);
    let none = labels(&[]);
    // (selector, matches api, matches web, matches unlabelled, problems)
    let table: &[(&str, bool, bool, bool, usize)] = &[
        ("{}", true, true, true, 0),
        ("matchLabels: {}", true, true, true, 0),
        ("matchLabels: {app: api}", true, false, false, 0),
        ("matchLabels: {app: api, tier: frontend}", false, false, false, 0),
        ("matchExpressions: [{key: app, operator: In, values: [api, web]}]", true, true, false, 0),
        ("matchExpressions: [{key: app, operator: NotIn, values: [api]}]", false, true, true, 0),
        ("matchExpressions: [{key: tier, operator: Exists}]", true, false, false, 0),
        ("matchExpressions: [{key: tier, operator: DoesNotExist}]", false, true, true, 0),
        (
            "{matchLabels: {app: api}, matchExpressions: [{key: tier, operator: In, values: [backend]}]}",
            true,
            false,
            false,
            0,
        ),
        ("{matchLabels: {app: api}, matchExpressions: [{key: tier, operator: DoesNotExist}]}", false, false, false, 0),
        // operators are case-sensitive: an unknown one matches nothing and is reported
        ("matchExpressions: [{key: app, operator: in, values: [api]}]", false, false, false, 1),
        ("matchExpressions: [{key: app, operator: Equals, values: [api]}]", false, false, false, 1),
        // In without values, Exists with values: rejected by the API server
        ("matchExpressions: [{key: app, operator: In, values: []}]", false, false, false, 1),
        ("matchExpressions: [{key: app, operator: Exists, values: [api]}]", false, false, false, 1),
        // label values are strings
        ("matchLabels: {app: 1}", false, false, false, 1),
        ("matchLabels: {app: \"1\"}", false, false, false, 0),
        // a repeated key: the last one wins
        ("matchLabels: {app: web, app: api}", true, false, false, 0),
    ];
    for (text, m_api, m_web, m_none, problems) in table {
        let (s, n) = sel(text);
        assert_eq!(
            (s.matches(&api), s.matches(&web), s.matches(&none), n),
            (*m_api, *m_web, *m_none, *problems),
            "{text}"
        );
    }
    // pod labels as the model stores them (a slice: the last duplicate key wins, as in decoding)
    let (s, _) = sel("matchLabels: {app: api}");
    assert!(s.matches(&[("app", "web"), ("app", "api")][..]));
    assert!(!s.matches(&[("app", "api"), ("app", "web")][..]));
}

fn w(m: &NetworkModel<'_>, name: &str) -> Endpoint {
    m.find(name).unwrap()
}

fn policy_names(m: &NetworkModel<'_>, v: &[usize]) -> Vec<String> {
    v.iter().map(|&i| m.policies[i].id()).collect()
}

#[test]
fn scenario_as_intended() {
    let d = docs(&[("workloads.yaml", WORKLOADS), ("policies.yaml", POLICIES)]);
    let input = Inventory::new(&d);
    let m = input.network();
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    let (nginx, api, db) = (w(m, "nginx-ingress"), w(m, "prod/api-service"), w(m, "StatefulSet/prod/postgres"));

    // ingress -> api on 8080: allowed by api-service-policy (ingress) and nginx-ingress-policy
    // (egress, named port `http` resolved against the api's container ports)
    let a = m.allowed(nginx, api, Proto::Tcp, 8080);
    assert!(a.allowed, "{a:?}");
    assert_eq!(policy_names(m, &a.ingress_policies), ["prod/api-service-policy"]);
    assert_eq!(policy_names(m, &a.egress_policies), ["prod/nginx-ingress-policy"]);
    assert_eq!(m.reach(nginx, api).ports, PortSet::Ranges(vec![(Proto::Tcp, 8080, 8080)]));

    // api -> postgres on 5432: allowed
    let a = m.allowed(api, db, Proto::Tcp, 5432);
    assert!(a.allowed, "{a:?}");
    assert_eq!(policy_names(m, &a.ingress_policies), ["prod/db-allow-api"]);
    assert_eq!(policy_names(m, &a.egress_policies), ["prod/api-service-policy"]);
    assert_eq!(m.reach(api, db).ports.to_string(), "5432/TCP");

    // postgres -> api: denied on every port, from both sides
    let r = m.reach(db, api);
    assert!(!r.any());
    assert!(!r.on(Proto::Tcp, 8080).allowed);
    assert!(r.egress.allowing.is_empty() && r.ingress.allowing.is_empty());
    assert_eq!(policy_names(m, &r.egress.isolating), ["prod/default-deny-all"]);

    // api -> anything else: denied
    assert!(!m.allowed(api, db, Proto::Tcp, 5433).allowed);
    assert!(!m.allowed(api, db, Proto::Udp, 5432).allowed);
    for other in m.endpoints() {
        if other != db {
            assert!(!m.reach(api, other).any(), "api -> {}", m.endpoint_id(other));
        }
    }
    // nobody else reaches postgres or the api
    for src in m.endpoints() {
        if src != api {
            assert!(!m.reach(src, db).any(), "{} -> postgres", m.endpoint_id(src));
        }
        if src != nginx {
            assert!(!m.reach(src, api).any(), "{} -> api", m.endpoint_id(src));
        }
    }
    // the outside world reaches nginx on its named ports (ipBlock), not the api
    assert_eq!(m.reach(Endpoint::External, nginx).ports.to_string(), "80/TCP, 443/TCP");
    assert!(m.allowed(Endpoint::External, nginx, Proto::Tcp, 443).allowed);
    assert!(!m.reach(Endpoint::External, api).any());

    // the rules agree: default deny in both directions, every workload covered
    let report = check(&CheckRequest {
        files: vec![SourceFile::new("workloads.yaml", WORKLOADS), SourceFile::new("policies.yaml", POLICIES)],
        ..Default::default()
    })
    .unwrap();
    let net: Vec<&str> =
        report.findings.iter().filter(|f| f.rule.starts_with("NET")).map(|f| f.name.as_str()).collect();
    assert!(net.is_empty(), "{net:?}");
}

#[test]
fn seed_as_written_in_default_namespace() {
    // The seed's first two policies have no namespace (= default); its db-allow-api is in prod.
    // With the workloads in `default`, Kubernetes gives: default-deny-all isolates every pod in
    // both directions, so nginx-ingress may not send (no egress rule) and postgres may not
    // receive (db-allow-api is in another namespace and does not apply).
    let workloads = WORKLOADS.replace("  namespace: prod\n", "");
    let d = docs(&[("workloads.yaml", &workloads), ("seed.yaml", SEED)]);
    let input = Inventory::new(&d);
    let m = input.network();
    let (nginx, api, db) = (w(m, "default/nginx-ingress"), w(m, "api-service"), w(m, "postgres"));
    let a = m.allowed(nginx, api, Proto::Tcp, 8080);
    assert!(!a.allowed && a.ingress_allowed && !a.egress_allowed, "{a:?}");
    assert_eq!(policy_names(m, &a.ingress_policies), ["default/api-service-policy"]);
    let a = m.allowed(api, db, Proto::Tcp, 5432);
    assert!(!a.allowed && !a.ingress_allowed && a.egress_allowed, "{a:?}");
    assert_eq!(policy_names(m, m.policies_of(db.workload(), Direction::Ingress)), ["default/default-deny-all"]);
    assert!(!m.reach(db, api).any());
    // db-allow-api lives in prod and selects nothing there; prod has no workload: not flagged
    let report = check(&CheckRequest {
        files: vec![SourceFile::new("workloads.yaml", &workloads), SourceFile::new("seed.yaml", SEED)],
        ..Default::default()
    })
    .unwrap();
    assert!(!report.findings.iter().any(|f| f.name == "network-policy-selects-nothing"));
    assert!(!report.findings.iter().any(|f| f.name == "namespace-default-deny-missing"));
}

#[test]
fn seed_as_written_in_prod_namespace() {
    // With the workloads in `prod`, only db-allow-api applies: it isolates postgres and admits
    // pods labelled `app: api`, which the api-service (`app: api-service`) is not.
    let d = docs(&[("workloads.yaml", WORKLOADS), ("seed.yaml", SEED)]);
    let input = Inventory::new(&d);
    let m = input.network();
    let (nginx, api, db) = (w(m, "nginx-ingress"), w(m, "api-service"), w(m, "postgres"));
    assert!(m.allowed(nginx, api, Proto::Tcp, 8080).allowed);
    assert!(m.allowed(nginx, api, Proto::Tcp, 9999).allowed, "api is not isolated in prod");
    assert!(!m.allowed(api, db, Proto::Tcp, 5432).allowed);
    assert!(m.allowed(db, api, Proto::Tcp, 8080).allowed, "postgres -> api is open");
    let report = check(&CheckRequest {
        files: vec![SourceFile::new("workloads.yaml", WORKLOADS), SourceFile::new("seed.yaml", SEED)],
        ..Default::default()
    })
    .unwrap();
    let count = |name: &str| report.findings.iter().filter(|f| f.name == name).count();
    // one finding for prod, which names both directions; no policy of prod applies to egress, so
    // the namespace's finding speaks for its workloads' egress
    assert_eq!(count("namespace-default-deny-missing"), 1);
    let ns = report.findings.iter().find(|f| f.name == "namespace-default-deny-missing").unwrap();
    assert!(ns.message.contains("for ingress and egress"), "{}", ns.message);
    assert!(ns.message.ends_with("no NetworkPolicy of the namespace applies to egress"), "{}", ns.message);
    // db-allow-api applies to ingress: nginx and api are the gaps
    assert_eq!(count("network-policy-not-covering-pod"), 2);
    assert!(report
        .findings
        .iter()
        .filter(|f| f.name == "network-policy-not-covering-pod")
        .all(|f| f.message.contains("for ingress in namespace `prod`")));
    // without the namespace rule, each workload says what it lacks: egress for all three,
    // ingress too for nginx and api (one finding each)
    let alone = check(&CheckRequest {
        files: vec![SourceFile::new("workloads.yaml", WORKLOADS), SourceFile::new("seed.yaml", SEED)],
        config: kubeharden::Config { ignore: vec!["namespace-default-deny-missing".into()], ..Default::default() },
        ..Default::default()
    })
    .unwrap();
    let uncovered: Vec<&str> = alone
        .findings
        .iter()
        .filter(|f| f.name == "network-policy-not-covering-pod")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(uncovered.len(), 3, "{uncovered:?}");
    assert_eq!(uncovered.iter().filter(|m| m.contains("for ingress or egress")).count(), 2, "{uncovered:?}");
    // default's policies have no workloads beside them; db-allow-api selects postgres
    assert_eq!(count("network-policy-selects-nothing"), 0);
    let ns = report.findings.iter().find(|f| f.name == "namespace-default-deny-missing").unwrap();
    assert_eq!(ns.object.as_ref().map(|o| o.kind.as_str()), Some("Namespace"));
    assert_eq!(ns.file.as_deref(), Some("workloads.yaml"));
    assert_eq!(ns.line, Some(5), "on the Namespace object's name");
}

trait WorkloadIndex {
    fn workload(self) -> usize;
}

impl WorkloadIndex for Endpoint {
    fn workload(self) -> usize {
        match self {
            Endpoint::Workload(i) => i,
            Endpoint::External => panic!("external"),
        }
    }
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME, namespace: NS, labels: LABELS}\nspec:\n  containers:\n    - name: c\n      image: registry.example.com/app:1.0.0\n      ports: PORTS\n";

fn pod(name: &str, ns: &str, labels: &str, ports: &str) -> String {
    POD.replace("NAME", name).replace("NS", ns).replace("LABELS", labels).replace("PORTS", ports)
}

fn policy(ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: {ns}}}\nspec:\n{spec}"
    )
}

fn with<R>(parts: &[String], f: impl FnOnce(&NetworkModel<'_>) -> R) -> R {
    let text = parts.join("---\n");
    let d = docs(&[("t.yaml", &text)]);
    let input = Inventory::new(&d);
    let m = input.network();
    f(m)
}

#[test]
fn policy_types_defaulting() {
    let a = pod("a", "x", "{app: a}", "[]");
    // no policyTypes, no egress rules: Ingress only
    with(&[a.clone(), policy("x", "  podSelector: {}\n")], |m| {
        assert!(m.policies[0].ingress_applies && !m.policies[0].egress_applies);
        assert_eq!(m.policies_of(0, Direction::Egress).len(), 0);
    });
    // egress rules imply Egress
    with(&[a.clone(), policy("x", "  podSelector: {}\n  egress: [{to: [{podSelector: {}}]}]\n")], |m| {
        assert!(m.policies[0].ingress_applies && m.policies[0].egress_applies);
    });
    // an empty egress list does not
    with(&[a.clone(), policy("x", "  podSelector: {}\n  egress: []\n")], |m| {
        assert!(!m.policies[0].egress_applies);
    });
    // explicit policyTypes win: Egress only, ingress rules ignored
    with(&[a.clone(), policy("x", "  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{}]\n")], |m| {
        assert!(!m.policies[0].ingress_applies && m.policies[0].egress_applies);
        assert!(m.reach(Endpoint::External, Endpoint::Workload(0)).any(), "not isolated for ingress");
        assert!(!m.reach(Endpoint::Workload(0), Endpoint::External).any());
    });
    // a policy in another namespace selects nothing here
    with(&[a, policy("other", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n")], |m| {
        assert!(m.policies_of(0, Direction::Ingress).is_empty());
        assert_eq!(m.selected[0].len(), 0);
    });
}

#[test]
fn peers_and_namespaces() {
    let ns = |n: &str, team: &str| {
        format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {n}, labels: {{team: {team}}}}}\n")
    };
    let parts = |from: &str| {
        vec![
            ns("front", "blue"),
            ns("back", "red"),
            pod("target", "front", "{app: target}", "[{containerPort: 80}]"),
            pod("same", "front", "{app: client}", "[]"),
            pod("other", "back", "{app: client}", "[]"),
            pod("plain", "back", "{app: other}", "[]"),
            pod("nolabel", "misc", "{app: client}", "[]"),
            policy(
                "front",
                &format!("  podSelector: {{matchLabels: {{app: target}}}}\n  ingress:\n    - from: {from}\n"),
            ),
        ]
    };
    let from_each = |from: &str| -> Vec<bool> {
        with(&parts(from), |m| {
            ["same", "other", "plain", "nolabel"]
                .iter()
                .map(|n| m.reach(m.find(n).unwrap(), m.find("target").unwrap()).any())
                .chain([m.reach(Endpoint::External, m.find("target").unwrap()).any()])
                .collect()
        })
    };
    // podSelector alone: the policy's namespace only
    assert_eq!(from_each("[{podSelector: {matchLabels: {app: client}}}]"), [true, false, false, false, false]);
    // namespaceSelector alone: every pod of matching namespaces (labels of Namespace objects)
    assert_eq!(from_each("[{namespaceSelector: {matchLabels: {team: red}}}]"), [false, true, true, false, false]);
    // kubernetes.io/metadata.name, also for namespaces without a Namespace object
    assert_eq!(
        from_each("[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: misc}}}]"),
        [false, false, false, true, false]
    );
    // both in one peer: matching pods in matching namespaces
    assert_eq!(
        from_each("[{namespaceSelector: {matchExpressions: [{key: team, operator: Exists}]}, podSelector: {matchLabels: {app: client}}}]"),
        [true, true, false, false, false]
    );
    // the same selectors as two peers: either
    assert_eq!(
        from_each("[{namespaceSelector: {matchLabels: {team: red}}}, {podSelector: {matchLabels: {app: client}}}]"),
        [true, true, true, false, false]
    );
    // empty namespaceSelector: every pod of every namespace, not the outside world
    assert_eq!(from_each("[{namespaceSelector: {}}]"), [true, true, true, true, false]);
    // ipBlock: the outside world only (pod IPs are unknown offline)
    assert_eq!(from_each("[{ipBlock: {cidr: 0.0.0.0/0}}]"), [false, false, false, false, true]);
    // no `from` (or an empty one): everything
    assert_eq!(from_each("[]"), [true, true, true, true, true]);
    // an invalid peer matches nothing and is reported
    assert_eq!(from_each("[{}]"), [false, false, false, false, false]);
    with(&parts("[{}]"), |m| assert_eq!(m.problems.len(), 1));
}

#[test]
fn ports_protocols_named_and_ranges() {
    let target = pod(
        "target",
        "x",
        "{app: t}",
        "[{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}, {name: metrics, containerPort: 9090}]",
    );
    let client = pod("client", "x", "{app: c}", "[]");
    let ports_for = |ports: &str| -> String {
        with(
            &[
                target.clone(),
                client.clone(),
                policy("x", &format!("  podSelector: {{matchLabels: {{app: t}}}}\n  ingress:\n    - ports: {ports}\n")),
            ],
            |m| m.reach(m.find("client").unwrap(), m.find("target").unwrap()).ports.to_string(),
        )
    };
    assert_eq!(ports_for("[{port: 8080}]"), "8080/TCP");
    assert_eq!(ports_for("[{port: 53, protocol: UDP}]"), "53/UDP");
    assert_eq!(ports_for("[{protocol: UDP}]"), "all UDP");
    assert_eq!(ports_for("[{port: http}]"), "8080/TCP");
    // a named port resolves with its protocol: `dns` is UDP, so TCP `dns` matches nothing
    assert_eq!(ports_for("[{port: dns}]"), "none");
    assert_eq!(ports_for("[{port: dns, protocol: UDP}]"), "53/UDP");
    assert_eq!(ports_for("[{port: nope}]"), "none");
    assert_eq!(ports_for("[{port: 8000, endPort: 8100}, {port: 8050}]"), "8000-8100/TCP");
    assert_eq!(ports_for("[]"), "all ports");
    // endPort with a named port, a bad protocol: rejected, match nothing
    assert_eq!(ports_for("[{port: http, endPort: 9000}]"), "none");
    assert_eq!(ports_for("[{port: 80, protocol: tcp}]"), "none");
    with(&[target.clone(), policy("x", "  podSelector: {}\n  ingress: [{ports: [{port: 80, endPort: 70}]}]\n")], |m| {
        assert_eq!(m.problems.len(), 1);
    });
}

#[test]
fn egress_ipblock_except_and_external() {
    let a = pod("a", "x", "{app: a}", "[]");
    with(
        &[a, policy("x", "  podSelector: {}\n  egress:\n    - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n      ports: [{port: 443}]\n")],
        |m| {
            let r = m.reach(Endpoint::Workload(0), Endpoint::External);
            assert_eq!(r.ports.to_string(), "443/TCP");
            // self traffic (replicas): egress to pods is not covered by an ipBlock
            assert!(!m.reach(Endpoint::Workload(0), Endpoint::Workload(0)).any());
        },
    );
    let c = kubeharden::netpol::Cidr::parse("10.0.0.0/8").unwrap();
    assert!(c.contains("10.200.1.1".parse().unwrap()));
    assert!(!c.contains("11.0.0.1".parse().unwrap()));
    assert!(!c.contains("::1".parse().unwrap()));
    assert!(kubeharden::netpol::Cidr::parse("::/0").unwrap().is_all());
    assert!(kubeharden::netpol::Cidr::parse("10.0.0.0/33").is_none());
}

#[test]
fn port_sets() {
    let a = PortSet::from_ranges(vec![(Proto::Tcp, 80, 90), (Proto::Tcp, 91, 100), (Proto::Udp, 53, 53)]);
    assert_eq!(a.to_string(), "80-100/TCP, 53/UDP");
    let b = PortSet::from_ranges(vec![(Proto::Tcp, 95, 200)]);
    assert_eq!(a.intersect(&b).to_string(), "95-100/TCP");
    assert_eq!(PortSet::All.intersect(&b), b);
    let mut c = PortSet::none();
    c.union_with(&b);
    assert_eq!(c, b);
    let all = PortSet::from_ranges(vec![(Proto::Tcp, 1, 65535), (Proto::Udp, 1, 65535), (Proto::Sctp, 1, 65535)]);
    assert_eq!(all, PortSet::All);
}

/// Scale: 5,000 workloads × 1,000 policies. Prints the time of building the model (selection of
/// every policy over its namespace) and of one column of the matrix (who reaches one workload).
#[test]
#[ignore = "scale measurement; run with --ignored --nocapture"]
fn scale_5000_workloads_1000_policies() {
    let text = synthetic::manifests(5000, 1000);
    let t0 = std::time::Instant::now();
    let d = docs(&[("big.yaml", &text)]);
    let parse = t0.elapsed();
    let input = Inventory::new(&d);
    let t1 = std::time::Instant::now();
    let m = input.network();
    let build = t1.elapsed();
    assert_eq!((m.workloads.len(), m.policies.len()), (5000, 1000));
    let selections: usize = m.selected.iter().map(Vec::len).sum();
    let t2 = std::time::Instant::now();
    let to = Endpoint::Workload(2);
    let reachable = (0..m.workloads.len()).filter(|&i| m.reach(Endpoint::Workload(i), to).any()).count();
    let column = t2.elapsed();
    let t3 = std::time::Instant::now();
    let report = check(&CheckRequest {
        files: vec![SourceFile::new("big.yaml", text.as_str())],
        config: Config {
            select: Some(["NET001", "NET002", "NET003", "NET004", "NET005"].map(str::to_owned).to_vec()),
            ..Config::default()
        },
        ..Default::default()
    })
    .unwrap();
    let rules = t3.elapsed();
    println!(
        "netpol scale: parse {parse:?}; model (5000 workloads x 1000 policies, {selections} selections) {build:?}; \
         one matrix column ({reachable} sources reach it) {column:?}; NET rules incl. parse {rules:?} ({} findings)",
        report.findings.len()
    );
}

/// The label index gives the same selection as checking every workload of the namespace.
#[test]
fn indexed_selection_equals_brute_force() {
    let text = synthetic::manifests(1200, 300);
    let d = docs(&[("s.yaml", &text)]);
    let input = Inventory::new(&d);
    let m = input.network();
    let mut total = 0;
    for (p, selected) in m.policies.iter().zip(&m.selected) {
        let brute: Vec<usize> = (0..m.workloads.len())
            .filter(|&i| {
                m.workloads[i].namespace == p.namespace && p.pod_selector.matches(m.workloads[i].labels.as_slice())
            })
            .collect();
        assert_eq!(&brute, selected, "{}", p.id());
        total += brute.len();
    }
    assert!(total > 1200, "the synthetic policies select something ({total})");
}
