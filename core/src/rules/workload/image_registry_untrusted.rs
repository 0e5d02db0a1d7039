use crate::api::Severity;
use crate::declare_rule;
use crate::image::normalize_repository;
use crate::model::PodSpec;
use crate::rules::workload::common::check_container_images;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Active only when the configuration sets `options.trusted-registries`: flags a container
    /// (init, regular, ephemeral) whose image comes from a registry or repository prefix not in
    /// that list. Images are compared after Docker's normalisation — `nginx` is
    /// `docker.io/library/nginx`, `index.docker.io` is `docker.io` — and an entry matches on a
    /// path boundary (`ghcr.io/acme` trusts `ghcr.io/acme/api`, not `ghcr.io/acme-evil/api`). An
    /// image whose registry cannot be told (a template variable) is a finding too.
    ///
    /// ```yaml
    /// # .kubeharden.yaml
    /// options:
    ///   trusted-registries: [registry.example.com, ghcr.io/acme]
    /// ```
    ///
    /// ## Why is this bad?
    /// Where an image comes from decides who can change what runs: a public repository can be
    /// taken over, typo-squatted or deleted, and an image outside the registries the
    /// organisation scans and mirrors escapes its vulnerability scanning, signing and retention.
    /// Admission controllers (Kyverno, Gatekeeper) enforce the same list in the cluster; this
    /// rule says it before the deploy.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: docker.io/someone/app:1.0.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/mirror/someone/app:1.0.0
    /// ```
    pub ImageRegistryUntrusted {
        id: "POD028",
        name: "image-registry-untrusted",
        severity: Severity::Medium,
        title: "Image from a registry outside the trusted list",
        help: "pull the image from a registry in `options.trusted-registries` (mirror it there)",
        references: ["NIST SP 800-190 4.1.5 (use of untrusted images)", "CIS Kubernetes Benchmark 5.5.1"],
        peers: ["trivy:KSV-0125 (partial: images without a registry host pass; by default a list of cloud registries)"],
        since: "0.1.0",
    }
}

/// A trusted-registries entry as images are compared: lowercase, without a trailing `/` or a
/// scheme, `index.docker.io` as `docker.io`.
fn entry(e: &str) -> String {
    let e = e.trim().to_ascii_lowercase();
    let e = e.strip_prefix("https://").or_else(|| e.strip_prefix("http://")).unwrap_or(&e).trim_end_matches('/');
    match e.split_once('/') {
        Some(("index.docker.io" | "registry-1.docker.io", rest)) => format!("docker.io/{rest}"),
        None if matches!(e, "index.docker.io" | "registry-1.docker.io") => "docker.io".to_owned(),
        _ => e.to_owned(),
    }
}

/// The registry part of a normalised repository.
fn registry(repository: &str) -> &str {
    repository.split('/').next().unwrap_or(repository)
}

impl Rule for ImageRegistryUntrusted {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        Self::META
    }

    fn check_pod(&self, pod: &PodSpec<'_>, cx: &Context, out: &mut Sink) {
        let Some(list) = &cx.options.trusted_registries else { return };
        let trusted: Vec<String> = list.iter().map(|e| entry(e)).filter(|e| !e.is_empty()).collect();
        let listed = || {
            let shown: Vec<String> = trusted.iter().take(5).map(|e| format!("`{e}`")).collect();
            match (shown.is_empty(), trusted.len() > 5) {
                (true, _) => "the list is empty".to_owned(),
                (false, false) => format!("trusted: {}", shown.join(", ")),
                (false, true) => format!("trusted: {} and {} more", shown.join(", "), trusted.len() - 5),
            }
        };
        check_container_images(Self::META, None, pod, out, |who, image, r| {
            let image = image.trim();
            if image.is_empty() || image.contains(char::is_whitespace) || image.contains('$') || r.name.is_empty() {
                return Some(format!(
                    "{who} uses `{image}`: kubeharden cannot tell its registry, and `trusted-registries` is set ({})",
                    listed()
                ));
            }
            let repo = normalize_repository(r.name);
            let ok = trusted
                .iter()
                .any(|t| repo == *t || repo.strip_prefix(t.as_str()).is_some_and(|rest| rest.starts_with('/')));
            (!ok).then(|| {
                format!("{who} uses `{image}` from `{}`, not a trusted registry ({})", registry(&repo), listed())
            })
        });
    }
}
