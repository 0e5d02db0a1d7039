//! A synthetic manifest set for benchmarks and scale tests: many workloads and policies over a
//! few namespaces, with selectors of every kind. Deterministic. Only `std`, so core/tests/netpol.rs
//! can include this file by `#[path]` without depending on the benches crate.

use std::fmt::Write as _;

/// YAML with `workloads` Deployments and `policies` NetworkPolicies (one default-deny per
/// namespace among them) spread over `max(1, workloads / 500)` labelled namespaces.
#[must_use]
pub fn manifests(workloads: usize, policies: usize) -> String {
    let namespaces = (workloads / 500).max(1);
    let mut s = String::with_capacity(workloads * 420 + policies * 520);
    for n in 0..namespaces {
        let _ = write!(
            s,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns{n}\n  labels:\n    team: team{}\n    env: {}\n---\n",
            n % 4,
            if n % 2 == 0 { "prod" } else { "dev" }
        );
    }
    let tiers = ["web", "api", "db", "cache"];
    for i in 0..workloads {
        let tier = tiers.get(i % tiers.len()).copied().unwrap_or("web");
        let _ = write!(
            s,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\n  namespace: ns{ns}\nspec:\n  template:\n    metadata:\n      labels:\n        app: app{a}\n        tier: {tier}\n        shard: s{sh}\n    spec:\n      containers:\n        - name: c\n          image: registry.example.com/app:1.0.0\n          ports:\n            - name: http\n              containerPort: {port}\n---\n",
            ns = i % namespaces,
            a = i / 4,
            sh = i % 16,
            port = 8000 + i % 100,
        );
    }
    for j in 0..policies {
        let ns = j % namespaces;
        if j < namespaces {
            let _ = write!(
                s,
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ns{ns}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress, Egress]\n---\n"
            );
            continue;
        }
        let tier = tiers.get(j % tiers.len()).copied().unwrap_or("web");
        let selector = if j % 3 == 0 {
            format!("matchExpressions:\n      - {{key: tier, operator: In, values: [{tier}]}}\n      - {{key: shard, operator: NotIn, values: [s{}]}}", j % 16)
        } else {
            format!("matchLabels:\n      app: app{}", (j * 7) % (workloads / 4).max(1))
        };
        let _ = write!(
            s,
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p{j}\n  namespace: ns{ns}\nspec:\n  podSelector:\n    {selector}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              tier: web\n        - namespaceSelector:\n            matchLabels:\n              team: team{t}\n          podSelector:\n            matchExpressions:\n              - {{key: tier, operator: Exists}}\n      ports:\n        - port: http\n        - port: 9000\n          endPort: 9100\n  egress:\n    - to:\n        - podSelector:\n            matchLabels:\n              tier: db\n      ports:\n        - port: 5432\n        - port: 9050\n    - to:\n        - ipBlock:\n            cidr: 10.0.0.0/8\n            except: [10.1.0.0/16]\n---\n",
            t = j % 4,
        );
    }
    s
}
