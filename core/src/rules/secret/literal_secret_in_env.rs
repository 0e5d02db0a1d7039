use crate::api::Severity;
use crate::config::Options;
use crate::declare_rule;
use crate::fix::{NewValue, Op, Plan};
use crate::model::{Lenient, PodSpec};
use crate::rules::secret::patterns::{looks_like_secret_value, secret_name_fragment};
use crate::rules::workload::common::type_of;
use crate::rules::{At, Context, Rule, Sink};

/// The pod annotation that turns on Vault agent injection.
pub const VAULT_INJECT: &str = "vault.hashicorp.com/agent-inject";
/// Where the Vault agent writes injected secrets.
pub const VAULT_SECRETS_DIR: &str = "/vault/secrets";

fn under_vault_dir(v: &str) -> bool {
    let v = v.trim();
    v == VAULT_SECRETS_DIR || v.strip_prefix(VAULT_SECRETS_DIR).is_some_and(|r| r.starts_with('/'))
}

/// `$(OTHER_VAR)`: a reference to another variable, expanded by the kubelet.
fn is_var_reference(v: &str) -> bool {
    let v = v.trim();
    v.starts_with("$(") && v.ends_with(')') && v.matches("$(").count() == 1
}

/// The fix: `value` becomes `valueFrom.secretKeyRef` to the key named as the variable in the
/// Secret `secret_name` (`{name}`: the workload's name). The value is written nowhere: the
/// Secret is the user's to create.
fn secret_ref_fix(pod: &PodSpec<'_>, env: &crate::location::FieldPath, var: &str, secret_name: &str) -> Option<Plan> {
    let workload = pod.object.name()?;
    let secret = secret_name.replace("{name}", workload);
    let key_ok = !var.is_empty() && var.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let name_ok = !secret.is_empty()
        && secret.len() <= 253
        && secret.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'));
    if !key_ok || !name_ok {
        return None;
    }
    let value = NewValue::map([(
        "secretKeyRef",
        NewValue::map([("name", NewValue::str(secret.clone())), ("key", NewValue::str(var))]),
    )]);
    Some(
        Plan::unsafe_fix(format!(
            "read `{var}` from the key `{var}` of the Secret `{secret}` (create it first; the value is not written anywhere)"
        ))
        .op(Op::ReplaceEntry { path: env.key("value"), key: "valueFrom".to_owned(), value }),
    )
}

/// Why a literal environment value is a secret.
pub(crate) enum Why {
    /// Its value has the shape of a credential (`a GitHub token`).
    Shape(&'static str),
    /// Its name holds a secret-looking fragment (`PASSWORD`).
    Name(String),
}

/// Whether the literal `value` of the environment variable `name` is a secret, and why: the
/// rule's predicate, shared with the classification of secret values
/// ([`super::values`]). `vault`: the pod is annotated for Vault agent injection.
pub(crate) fn literal_secret(name: &str, value: &str, vault: bool, options: &Options) -> Option<Why> {
    if value.trim().is_empty() || is_var_reference(value) || (vault && under_vault_dir(value)) {
        return None;
    }
    if let Some(shape) = looks_like_secret_value(value) {
        return Some(Why::Shape(shape));
    }
    secret_name_fragment(name, value, options).map(Why::Name)
}

/// Whether a pod is annotated for Vault agent injection.
pub(crate) fn vault_injected(pod: &PodSpec<'_>) -> bool {
    pod.annotation(VAULT_INJECT).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

declare_rule! {
    /// ## What it does
    /// Flags an `env[].value` literal in any container when the variable's name looks secret
    /// (it contains `PASSWORD`, `PASSWD`, `PASSPHRASE`, `SECRET`, `TOKEN`, `API_KEY`, `APIKEY`,
    /// `PRIVATE_KEY`, `CREDENTIAL`, `ACCESS_KEY`, `AUTH_KEY`, `SIGNING_KEY` or `ENCRYPTION_KEY`)
    /// or when its value looks like a credential whatever the name: a PEM private key, an AWS
    /// access key id (`AKIA…`/`ASIA…`), a GitHub token (`ghp_…`, `gho_…`, `github_pat_…`), a
    /// Slack token (`xoxb-…`), a JSON Web Token (`eyJ….eyJ….`), or a URL with a password in it.
    ///
    /// A fragment matches where it ends a word (`DBPASSWORD`, `API_TOKENS` match;
    /// `TOKENIZER_MODEL` does not). `valueFrom` never fires. Names that describe a secret without holding one (`TOKEN_URL`,
    /// `SECRET_NAME`, `*_TTL`, ...) and path variables (`*_FILE`, `*_PATH`, `*_DIR` whose value
    /// is a path) are not matched by name, and a value that only references another variable
    /// (`$(DB_PASSWORD)`) is not a literal. Pods annotated for Vault agent injection
    /// (`vault.hashicorp.com/agent-inject: "true"`) are recognised: a variable whose value
    /// points under `/vault/secrets` never counts. Findings never print the value. The options
    /// `secret-name-patterns` and `secret-name-exclusions` add and remove name fragments.
    ///
    /// ## Why is this bad?
    /// A literal secret in a manifest lives in git history, in every copy of the repository, in
    /// CI logs and in the object the API server stores — readable by anyone who may `get` the
    /// workload, which is far more people than may read Secrets. It cannot be rotated without a
    /// commit and a redeploy.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: registry.example.com/api:1.0.0
    ///     env:
    ///       - name: DB_PASSWORD
    ///         value: hunter2
    /// ```
    ///
    /// ## Fix
    /// Best: let the Vault agent inject the secret as a file and point the application at it.
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///       annotations:
    ///         vault.hashicorp.com/agent-inject: "true"
    ///         vault.hashicorp.com/role: api
    ///         vault.hashicorp.com/agent-inject-secret-db: database/creds/api
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.0.0
    ///           env:
    ///             - name: DB_PASSWORD_FILE
    ///               value: /vault/secrets/db
    /// ```
    /// Good: keep the value in a Secret and reference it with `valueFrom.secretKeyRef` (or,
    /// better, mount the Secret as a file — see `secret-in-env-var`).
    ///
    /// ## Fix safety
    /// Unsafe: replaces the literal `value` by `valueFrom.secretKeyRef`, the key named as the
    /// variable in the Secret `fix.secret-name` (default `{name}-secrets`, `{name}` being the
    /// workload's name). The fix never writes the value anywhere, and the pod does not start until
    /// that Secret exists with that key: create it from your secret store first. No fix for a value of
    /// the wrong type, a workload without a name, or a variable name that cannot be a Secret key.
    pub LiteralSecretInEnv {
        id: "SEC001",
        name: "literal-secret-in-env",
        severity: Severity::High,
        title: "Environment variable holds a literal secret",
        help: "move the value into a Secret and read it with `valueFrom.secretKeyRef`",
        references: ["CIS Kubernetes Benchmark 5.4.1", "OWASP Kubernetes Top 10 K08: Secrets Management Failures"],
        peers: ["kube-linter:env-var-secret"],
        since: "0.1.0",
        redact: crate::rules::Excerpt::KeyOnly,
        fix: Sometimes,
    }
}

impl Rule for LiteralSecretInEnv {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        let vault = vault_injected(pod);
        for c in &pod.containers {
            for e in &c.env {
                if e.value_from.is_some() {
                    continue;
                }
                let path = c.path.key("env").index(e.index);
                let who = c.describe();
                let value = match &e.value {
                    Lenient::Valid(v) => *v,
                    Lenient::Invalid(found) => {
                        if secret_name_fragment(e.name, "", &cx.options).is_some() {
                            let kind = type_of(found);
                            let m = format!("{who} sets `{}` to a literal value ({kind}, which the Kubernetes API rejects: values are strings) and its name looks secret", e.name);
                            out.report(Self::META, At::Container(pod, c, path), m);
                        }
                        continue;
                    }
                    Lenient::Absent => continue,
                };
                let message = match literal_secret(e.name, value, vault, &cx.options) {
                    Some(Why::Shape(shape)) => {
                        format!("{who} sets `{}` to a literal value that looks like {shape} (value redacted)", e.name)
                    }
                    Some(Why::Name(fragment)) => {
                        let mut m = format!(
                            "{who} sets `{}` to a literal value and its name looks secret (`{fragment}`)",
                            e.name
                        );
                        if under_vault_dir(value) {
                            m.push_str(&format!(": the value points under `{VAULT_SECRETS_DIR}`, but the pod is not annotated `{VAULT_INJECT}: \"true\"`"));
                        }
                        m
                    }
                    None => continue,
                };
                let fix = secret_ref_fix(pod, &path, e.name, &cx.fix.secret_name);
                let d = out.report(Self::META, At::Container(pod, c, path), message);
                if let Some(fix) = fix {
                    d.fix(fix);
                }
            }
        }
    }
}
