//! Helpers shared by the workload rules: wrong-typed values in messages, resources, images (split
//! by the image module's grammar, [`RefParts`]).

use crate::image::RefParts;
use crate::location::FieldPath;
use crate::model::{Container, InvalidField, PodSpec};
use crate::rules::At;

/// The type of a value from its short rendering (`"0"` is a string, `[...]` a list).
#[must_use]
pub fn type_of(short: &str) -> &'static str {
    match short.chars().next() {
        Some('"') => "a string",
        Some('[') => "a list",
        Some('{') => "a mapping",
        _ if short == "true" || short == "false" => "a boolean",
        _ if short == "null" => "null",
        _ => "a number",
    }
}

/// `has `field: "x"`, a string where the Kubernetes API expects a boolean`.
#[must_use]
pub fn wrong_type(field: &str, found: &str, expected: &str) -> String {
    format!("has `{field}: {found}`, {} where the Kubernetes API expects {expected}", type_of(found))
}

/// Checks that every container sets a boolean `securityContext` field to `required` exactly
/// (unset, the other value and a wrong type all fire), as `allowPrivilegeEscalation: false` and
/// `readOnlyRootFilesystem: true` must be set. Windows pods are exempt (Kubernetes forbids these
/// Linux-only fields there).
pub fn require_container_bool(
    meta: &'static crate::rules::RuleMeta,
    pod: &PodSpec<'_>,
    out: &mut crate::rules::Sink<'_>,
    field: &'static str,
    required: bool,
    get: impl for<'c> Fn(&'c crate::model::Container<'_>) -> &'c crate::model::Lenient<bool>,
) {
    use crate::model::Lenient;
    if pod.is_windows() {
        return;
    }
    for c in &pod.containers {
        let who = c.describe();
        let message = match get(c) {
            Lenient::Valid(v) if *v == required => continue,
            Lenient::Valid(v) => format!("{who} sets `{field}: {v}`"),
            Lenient::Invalid(v) => format!("{who} {}", wrong_type(field, v, "a boolean")),
            Lenient::Absent => format!("{who} does not set `{field}: {required}`"),
        };
        out.report(meta, At::Container(pod, c, c.sc_path(field)), message);
    }
}

/// Checks every container's `image`: `judge(who, image, parts)` returns the message of a
/// finding, or `None`; an `image` that is not a string is a finding too. A missing `image` is
/// left to the input checks. `parts` is the image module's split of the reference
/// ([`RefParts::split`], the one grammar), with an empty tag (`app:`) read as no tag.
/// Each finding implies the finding of `implies` on the same container, if given
/// ([`crate::rules::Diagnostic::implies`]).
pub fn check_container_images(
    meta: &'static crate::rules::RuleMeta,
    implies: Option<&'static crate::rules::RuleMeta>,
    pod: &PodSpec<'_>,
    out: &mut crate::rules::Sink<'_>,
    judge: impl Fn(&str, &str, &RefParts<'_>) -> Option<String>,
) {
    use crate::model::Lenient;
    for c in &pod.containers {
        let who = c.describe();
        let message = match &c.image {
            Lenient::Absent => continue,
            Lenient::Invalid(v) => format!("{who} {}", wrong_type("image", v, "a string")),
            Lenient::Valid(image) => match judge(&who, image, &container_image_parts(image)) {
                Some(m) => m,
                None => continue,
            },
        };
        let d = out.report(meta, At::Container(pod, c, c.path.key("image")), message);
        if let Some(other) = implies {
            let _ = d.implies(other);
        }
    }
}

/// The parts of a container's `image` as the workload rules read them: an empty tag is no tag.
fn container_image_parts(image: &str) -> RefParts<'_> {
    let p = RefParts::split(image);
    RefParts { tag: p.tag.filter(|t| !t.is_empty()), ..p }
}

/// The wrong-typed field recorded by the model at `path`, if any.
#[must_use]
pub fn invalid_at<'p>(pod: &'p PodSpec<'_>, path: &FieldPath) -> Option<&'p InvalidField> {
    pod.invalid.iter().find(|f| &f.path == path)
}

/// `resources.requests` or `resources.limits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceSide {
    /// `resources.requests`.
    Requests,
    /// `resources.limits`.
    Limits,
}

impl ResourceSide {
    const fn field(self) -> &'static str {
        match self {
            ResourceSide::Requests => "requests",
            ResourceSide::Limits => "limits",
        }
    }
}

/// Why a container lacks `resources.<side>.<name>`: `None` when it has a usable value, else the
/// path to report, a message, and whether the value is absent (not of a wrong type). A missing
/// request is no finding when the container sets the limit: Kubernetes copies the limit into the
/// request (a limit of a wrong type is the limit rule's finding); so a missing request always
/// means a missing limit too, and its message says both. Ephemeral containers (which may not set
/// resources) are skipped by the callers.
#[must_use]
pub fn missing_resource(
    pod: &PodSpec<'_>,
    c: &Container<'_>,
    side: ResourceSide,
    name: &'static str,
) -> Option<(FieldPath, String, bool)> {
    let map = match side {
        ResourceSide::Requests => c.resources.requests,
        ResourceSide::Limits => c.resources.limits,
    };
    let value = map.and_then(|m| m.get(name)).filter(|n| !n.is_null());
    let quantity = |v: &crate::syntax::Node| {
        v.as_str().is_some_and(|s| !s.trim().is_empty())
            || v.as_i64().is_some()
            || matches!(v.value, crate::syntax::Value::Float(_))
    };
    // The common case first, before any path or message is built: a quantity is there (so
    // `resources` and its side are mappings too).
    if value.is_some_and(quantity) {
        return None;
    }
    let limit = c.resources.limits.and_then(|m| m.get(name)).filter(|n| !n.is_null());
    if side == ResourceSide::Requests && value.is_none() && limit.is_some() {
        return None;
    }
    let res_path = c.path.key("resources");
    let side_path = res_path.key(side.field());
    let path = side_path.key(name);
    let who = c.describe();
    for p in [&res_path, &side_path] {
        if let Some(bad) = invalid_at(pod, p) {
            let field = if p == &res_path { "resources".to_owned() } else { format!("resources.{}", side.field()) };
            return Some((
                p.clone(),
                format!(
                    "{who} {}, so it has no `resources.{}.{name}`",
                    wrong_type(&field, &bad.found, "a mapping"),
                    side.field()
                ),
                false,
            ));
        }
    }
    match value {
        Some(v) => Some((
            path,
            format!(
                "{who} {}",
                wrong_type(
                    &format!("resources.{}.{name}", side.field()),
                    &v.short(),
                    "a quantity such as `500m` or `256Mi`"
                )
            ),
            false,
        )),
        None if side == ResourceSide::Requests => Some((
            path,
            format!(
                "{who} has neither `resources.requests.{name}` nor `resources.limits.{name}` (a limit alone sets both)"
            ),
            true,
        )),
        None => Some((path, format!("{who} has no `resources.limits.{name}`"), true)),
    }
}

/// The check of a request rule (`cpu-request-missing`, ...): every init and regular container
/// without `resources.requests.<name>` and without the limit Kubernetes would copy into it. Such
/// a finding implies the finding of the limit rule `limit` on the same container (no request and
/// no limit is one problem, one finding).
pub fn check_request(
    meta: &'static crate::rules::RuleMeta,
    limit: &'static crate::rules::RuleMeta,
    pod: &PodSpec<'_>,
    out: &mut crate::rules::Sink<'_>,
    name: &'static str,
) {
    for c in pod.containers.iter().filter(|c| c.kind != crate::model::ContainerKind::Ephemeral) {
        if let Some((path, message, absent)) = missing_resource(pod, c, ResourceSide::Requests, name) {
            let d = out.report(meta, At::Container(pod, c, path), message);
            if absent {
                let _ = d.implies(limit);
            }
        }
    }
}

/// One control of the Pod Security Standards' baseline level at `latest`, evaluated with the PSS
/// checks' own code (so `scan` and `pss` never disagree) and split into findings: one about the
/// pod (its `securityContext`, its annotations), one per container (init, regular, ephemeral)
/// that violates it on its own. `container_field` is where a container's violation is, for when
/// the pod's violation hides it in the check's own answer.
pub(crate) fn pss_baseline_control(
    meta: &'static crate::rules::RuleMeta,
    pod: &PodSpec<'_>,
    out: &mut crate::rules::Sink<'_>,
    check: crate::pss::checks::CheckFn,
    container_field: fn(&Container<'_>) -> FieldPath,
) {
    let minor = crate::pss::LATEST_MINOR;
    if check(pod, minor).is_none() {
        return;
    }
    let violates = |who: &str, f: &crate::pss::Fail, detail: &str| {
        format!("{who} violates PodSecurity \"baseline:latest\": {} ({detail})", f.reason)
    };
    // The pod without its containers: what the pod itself sets.
    let mut alone = pod.clone();
    alone.containers.clear();
    alone.volumes.clear();
    if let Some(f) = check(&alone, minor) {
        out.report(meta, At::Pod(pod, f.path.clone()), violates("the pod", &f, &f.detail));
    }
    // Each container with the pod's `securityContext` but not its annotations (the pod's finding
    // says them): a violation other than the pod's own is the container's.
    alone.meta = None;
    let pod_own = check(&alone, minor);
    for c in &pod.containers {
        alone.containers = vec![c.clone()];
        let Some(f) = check(&alone, minor) else { continue };
        if pod_own.as_ref().is_some_and(|p| p.detail == f.detail) {
            continue;
        }
        let path = if pod_own.is_some() { container_field(c) } else { f.path.clone() };
        let detail = f.detail.strip_prefix("pod and ").unwrap_or(&f.detail);
        out.report(meta, At::Container(pod, c, path), violates(&c.describe(), &f, detail));
    }
}
