use crate::api::Severity;
use crate::declare_rule;
use crate::model::PodSpec;
use crate::rules::{At, Context, Rule, Sink};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Flags every container that reads a Secret into its environment: an `env[]` entry with
    /// `valueFrom.secretKeyRef`, or an `envFrom[]` entry with `secretRef`. Informational, and
    /// **off by default**: turn it on with `enable: [secret-in-env-var]` in the configuration or
    /// by naming it in `--select`.
    ///
    /// It is off by default because the checklist this tool implements prefers `secretKeyRef`
    /// over literal values (`literal-secret-in-env`), and a rule that also flags the
    /// recommended fix by default would only teach people to ignore it. Turn it on when your
    /// policy is the stricter CIS one: secrets as files.
    ///
    /// ## Why is this bad?
    /// Environment variables leak more easily than files: they are inherited by every child
    /// process, dumped by crash reporters and debug endpoints, visible in `/proc/<pid>/environ`
    /// to anyone who can read it, and fixed for the life of the process (a rotated Secret is
    /// not seen until a restart). A Secret mounted as a volume is a file with its own
    /// permissions, updated in place. CIS 5.4.1 recommends files.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: registry.example.com/api:1.0.0
    ///     env:
    ///       - name: DB_PASSWORD
    ///         valueFrom:
    ///           secretKeyRef:
    ///             name: db
    ///             key: password
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: registry.example.com/api:1.0.0
    ///     env:
    ///       - name: DB_PASSWORD_FILE
    ///         value: /etc/secrets/db/password
    ///     volumeMounts:
    ///       - name: db
    ///         mountPath: /etc/secrets/db
    ///         readOnly: true
    /// volumes:
    ///   - name: db
    ///     secret:
    ///       secretName: db
    /// ```
    pub SecretInEnvVar {
        id: "SEC002",
        name: "secret-in-env-var",
        severity: Severity::Info,
        title: "Secret is read into an environment variable",
        help: "mount the Secret as a read-only volume and read the value from a file",
        references: ["CIS Kubernetes Benchmark 5.4.1"],
        peers: ["checkov:CKV_K8S_35", "kube-linter:read-secret-from-env-var"],
        since: "0.1.0",
        enabled_by_default: false,
        redact: crate::rules::Excerpt::KeyOnly,
    }
}

impl Rule for SecretInEnvVar {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, _cx: &Context, out: &mut Sink) {
        for c in &pod.containers {
            let who = c.describe();
            for e in &c.env {
                let Some(r) = e.value_from.and_then(|v| v.get("secretKeyRef")).filter(|r| !r.is_null()) else {
                    continue;
                };
                let secret = r.get("name").and_then(Node::as_str).unwrap_or("");
                let key = r.get("key").and_then(Node::as_str).unwrap_or("");
                let path = c.path.key("env").index(e.index).key("valueFrom").key("secretKeyRef");
                let m = format!("{who} reads key `{key}` of secret `{secret}` into the environment variable `{}`: mount the secret as a file instead", e.name);
                out.report(Self::META, At::Container(pod, c, path), m);
            }
            for s in &c.env_from {
                let Some(secret) = s.secret_ref else { continue };
                let path = c.path.key("envFrom").index(s.index).key("secretRef");
                let m = format!("{who} loads every key of secret `{secret}` into its environment: mount the secret as a file instead");
                out.report(Self::META, At::Container(pod, c, path), m);
            }
        }
    }
}
