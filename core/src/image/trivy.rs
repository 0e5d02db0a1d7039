//! Trivy JSON reports (`trivy image --format json`, `SchemaVersion: 2`), read strictly: a report
//! kubeharden recognises but cannot read whole (another schema version, `Results` or
//! `Vulnerabilities` of the wrong type, a vulnerability without its id or with a severity Trivy
//! does not write) is a [`Problem`] naming the field, never a report with fewer vulnerabilities.
//! Trivy's other outputs (CycloneDX, SPDX and SARIF documents, `trivy k8s` reports) are recognised
//! and said to be unsupported.

use super::{config_user, created, refs_of, strs, ImageMeta, MetadataSource, Problem, TrivyReport, Vulnerability};
use crate::api::Severity;
use crate::syntax::Node;

/// Whether a document is meant as a Trivy JSON report: it has a `SchemaVersion`, or an
/// `ArtifactName` with the report's other top-level keys.
pub(super) fn looks_like(root: &Node) -> bool {
    root.as_map().is_some()
        && (root.get("SchemaVersion").is_some()
            || (root.get("ArtifactName").is_some()
                && (root.get("Results").is_some()
                    || root.get("ArtifactType").is_some()
                    || root.get("Metadata").is_some())))
}

/// What Trivy wrote when a document is one of its outputs kubeharden does not read, as the
/// message of the problem.
pub(super) fn other_output(root: &Node) -> Option<String> {
    const HOW: &str = "give kubeharden Trivy's JSON report (`trivy image --format json`)";
    let by_trivy = |n: Option<&Node>| n.is_some_and(|n| mentions_trivy(n, 4));
    if root.get("bomFormat").and_then(Node::as_str) == Some("CycloneDX") && by_trivy(root.get("metadata")) {
        return Some(format!("a CycloneDX document written by Trivy (`--format cyclonedx`) is not supported: {HOW}"));
    }
    if root.get("spdxVersion").is_some() && by_trivy(root.get("creationInfo")) {
        return Some(format!("an SPDX document written by Trivy (`--format spdx-json`) is not supported: {HOW}"));
    }
    let runs = root.get("runs").and_then(Node::as_seq).unwrap_or_default();
    let by_trivy_driver = |r: &Node| {
        let name = r.get("tool").and_then(|t| t.get("driver")).and_then(|d| d.get("name")).and_then(Node::as_str);
        name.is_some_and(|n| n.eq_ignore_ascii_case("trivy"))
    };
    if runs.iter().any(by_trivy_driver) {
        return Some(format!("SARIF written by Trivy (`--format sarif`) is not supported: {HOW}"));
    }
    if root.get("ClusterName").is_some() && root.get("Resources").is_some() {
        return Some(format!("a `trivy k8s` report is not supported: {HOW} for each image"));
    }
    None
}

/// Whether a string within `depth` levels of `n` names Trivy (`"trivy"`, `"Tool: trivy-0.50.1"`).
fn mentions_trivy(n: &Node, depth: usize) -> bool {
    if let Some(s) = n.as_str() {
        return s.to_ascii_lowercase().contains("trivy");
    }
    if depth == 0 {
        return false;
    }
    match (n.as_map(), n.as_seq()) {
        (Some(m), _) => m.iter().any(|e| mentions_trivy(&e.value, depth - 1)),
        (_, Some(s)) => s.iter().any(|v| mentions_trivy(v, depth - 1)),
        _ => false,
    }
}

/// The severities Trivy writes, as ours (`UNKNOWN` is info).
fn severity(raw: &str) -> Option<Severity> {
    Some(match raw.to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "UNKNOWN" => Severity::Info,
        _ => return None,
    })
}

/// Reads a report's fields, recording a problem for each one it cannot read.
struct Reader<'p> {
    problems: &'p mut Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, n: &Node, message: String) {
        self.problems.push(Problem { pos: n.pos, message: format!("Trivy report: {message}") });
    }

    /// An optional string field: absent and `null` are `None`; another type is a problem.
    fn opt_str<'a>(&mut self, n: &'a Node, key: &str, path: &str) -> Option<&'a str> {
        let v = n.get(key).filter(|v| !v.is_null())?;
        let s = v.as_str();
        if s.is_none() {
            self.problem(v, format!("`{path}.{key}` is a {}, expected a string", v.type_name()));
        }
        s
    }

    /// An optional list field: absent and `null` are empty; another type is a problem.
    fn opt_seq<'a>(&mut self, n: &'a Node, key: &str, path: &str, what: &str) -> &'a [Node] {
        let Some(v) = n.get(key).filter(|v| !v.is_null()) else { return &[] };
        match v.as_seq() {
            Some(s) => s,
            None => {
                self.problem(v, format!("`{path}` is a {}, expected a list of {what}", v.type_name()));
                &[]
            }
        }
    }
}

/// Reads a document that [`looks_like`] a Trivy report. With the wrong schema version nothing
/// is read; otherwise every vulnerability that can be read is, and each one that cannot is a
/// problem.
pub(super) fn read(file: &str, root: &Node, problems: &mut Vec<Problem>) -> (Vec<ImageMeta>, Option<TrivyReport>) {
    let mut r = Reader { problems };
    match root.get("SchemaVersion") {
        None => {
            r.problem(root, "`SchemaVersion` is missing: kubeharden reads reports of schema version 2 (`trivy image --format json`)".to_owned());
            return (Vec::new(), None);
        }
        Some(v) if v.as_i64() == Some(2) => {}
        Some(v) => {
            let found = match v.as_i64() {
                Some(n) => format!("is {n}"),
                None => format!("is a {} ({})", v.type_name(), v.short()),
            };
            r.problem(
                v,
                format!("`SchemaVersion` {found}: kubeharden reads reports of schema version 2 (the number 2)"),
            );
            return (Vec::new(), None);
        }
    }
    let artifact = r.opt_str(root, "ArtifactName", "").unwrap_or("").to_owned();
    let artifact_type = r.opt_str(root, "ArtifactType", "").map(str::to_owned);
    let mut images = Vec::new();
    if let Some(md) = root.get("Metadata").filter(|m| !m.is_null()) {
        if md.as_map().is_none() {
            r.problem(md, format!("`Metadata` is a {}, expected a mapping", md.type_name()));
        } else if let Some(cfg) = md.get("ImageConfig").filter(|c| !c.is_null()) {
            if cfg.as_map().is_some() {
                images.push(image_config(file, &artifact, artifact_type.as_deref(), md, cfg, r.problems));
            } else {
                r.problem(cfg, format!("`Metadata.ImageConfig` is a {}, expected a mapping", cfg.type_name()));
            }
        }
    }
    let mut vulnerabilities = Vec::new();
    for (ri, res) in r.opt_seq(root, "Results", "Results", "results").iter().enumerate() {
        let rpath = format!("Results[{ri}]");
        if res.as_map().is_none() {
            r.problem(res, format!("`{rpath}` is a {}, expected a mapping", res.type_name()));
            continue;
        }
        let target = r.opt_str(res, "Target", &rpath).unwrap_or("").to_owned();
        let vpath = format!("{rpath}.Vulnerabilities");
        for (vi, v) in r.opt_seq(res, "Vulnerabilities", &vpath, "vulnerabilities").iter().enumerate() {
            let path = format!("{vpath}[{vi}]");
            if v.as_map().is_none() {
                r.problem(v, format!("`{path}` is a {}, expected a mapping", v.type_name()));
                continue;
            }
            if let Some(vuln) = vulnerability(&mut r, v, &path, &target) {
                vulnerabilities.push(vuln);
            }
        }
    }
    (images, Some(TrivyReport { file: file.to_owned(), document: 0, artifact, artifact_type, vulnerabilities }))
}

/// One vulnerability, or `None` (with the problems recorded) when its id or severity cannot be
/// read.
fn vulnerability(r: &mut Reader<'_>, v: &Node, path: &str, target: &str) -> Option<Vulnerability> {
    let id = r.opt_str(v, "VulnerabilityID", path).map(str::trim).filter(|s| !s.is_empty());
    if id.is_none() && v.get("VulnerabilityID").is_none_or(|n| n.as_str().is_some() || n.is_null()) {
        r.problem(v, format!("`{path}.VulnerabilityID` is missing or empty: every vulnerability needs its id"));
    }
    let raw = r.opt_str(v, "Severity", path);
    let sev = match raw {
        Some(s) => {
            let sev = severity(s);
            if sev.is_none() {
                let message = format!(
                    "`{path}.Severity` is `{s}`, not a severity Trivy writes (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)"
                );
                r.problem(v.get("Severity").unwrap_or(v), message);
            }
            sev
        }
        None => {
            if v.get("Severity").is_none_or(Node::is_null) {
                r.problem(v, format!("`{path}.Severity` is missing: every vulnerability needs its severity"));
            }
            None
        }
    };
    let package = r.opt_str(v, "PkgName", path).unwrap_or("").to_owned();
    let installed = r.opt_str(v, "InstalledVersion", path).unwrap_or("").to_owned();
    // A fixed version or status of the wrong type must not make a vulnerability look unfixed
    // (ignored by default): a problem, like the id.
    let fixed = r.opt_str(v, "FixedVersion", path).filter(|f| !f.trim().is_empty()).map(str::to_owned);
    let status = r.opt_str(v, "Status", path).map(str::to_owned);
    let title = r.opt_str(v, "Title", path).map(str::to_owned);
    let (id, severity_raw, severity) = (id?, raw?, sev?);
    Some(Vulnerability {
        id: id.to_owned(),
        package,
        installed,
        fixed,
        status,
        severity_raw: severity_raw.to_owned(),
        severity,
        title,
        target: target.to_owned(),
        pos: v.pos,
        path: path.to_owned(),
    })
}

/// The image config embedded in a report (`Metadata.ImageConfig`), named by the artifact (for
/// a container image) and the repository tags.
fn image_config(
    file: &str,
    artifact: &str,
    artifact_type: Option<&str>,
    md: &Node,
    cfg: &Node,
    problems: &mut Vec<Problem>,
) -> ImageMeta {
    let prefix = "Metadata.ImageConfig";
    let mut names: Vec<String> = Vec::new();
    if !artifact.is_empty() && artifact_type.is_none_or(|t| t == "container_image") {
        names.push(artifact.to_owned());
    }
    for t in strs(md, "RepoTags") {
        if !names.contains(&t) {
            names.push(t);
        }
    }
    let mut refs = refs_of(&names);
    refs.extend(refs_of(&strs(md, "RepoDigests")));
    ImageMeta {
        file: file.to_owned(),
        document: 0,
        source: MetadataSource::Trivy,
        pos: cfg.pos,
        names,
        refs,
        created: created(cfg, "created", prefix, problems),
        user: Some(config_user(cfg, "config", prefix, problems)),
    }
}
