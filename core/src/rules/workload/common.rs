//! Helpers shared by the workload rules: wrong-typed values in messages, resources, images (split
//! by the image module's grammar, [`RefParts`]).

use crate::fix::{Op, Plan};
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
/// Linux-only fields there). Each finding's fix (unsafe) sets the field, where `fixable` says the
/// API server would accept it.
pub fn require_container_bool(
    meta: &'static crate::rules::RuleMeta,
    pod: &PodSpec<'_>,
    out: &mut crate::rules::Sink<'_>,
    field: &'static str,
    required: bool,
    get: impl for<'c> Fn(&'c crate::model::Container<'_>) -> &'c crate::model::Lenient<bool>,
    fixable: impl Fn(&crate::model::Container<'_>) -> bool,
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
        let d = out.report(meta, At::Container(pod, c, c.sc_path(field)), message);
        if fixable(c) {
            d.fix(
                Plan::unsafe_fix(format!("set `securityContext.{field}: {required}`")).set(c.sc_path(field), required),
            );
        }
    }
}

/// Checks every container's `image`: `judge(who, image, parts)` returns the message of a
/// finding, or `None`; an `image` that is not a string is a finding too. A missing `image` is
/// left to the input checks. `parts` is the image module's split of the reference
/// ([`RefParts::split`], the one grammar), with an empty tag (`app:`) read as no tag.
/// Each finding implies the finding of `implies` on the same container, if given
/// ([`crate::rules::Diagnostic::implies`]). The fix (unsafe) pins the image to the digest the
/// input's image metadata gives it (`skopeo inspect`, `docker inspect`): no fix without such
/// metadata.
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
        let (message, pin) = match &c.image {
            Lenient::Absent => continue,
            Lenient::Invalid(v) => (format!("{who} {}", wrong_type("image", v, "a string")), false),
            Lenient::Valid(image) => match judge(&who, image, &container_image_parts(image)) {
                Some(m) => (m, !image.trim().is_empty()),
                None => continue,
            },
        };
        let d = out.report(meta, At::Container(pod, c, c.path.key("image")), message);
        let mut d = d;
        if pin {
            d = d.fix(
                Plan::unsafe_fix("pin `image` to the digest of the input's image metadata")
                    .op(Op::PinImage { path: c.path.key("image") }),
            );
        }
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
///
/// The fix sets the configured request (`fix.resources`; unsafe) and, when the limit rule's
/// finding is folded into this one, the configured limit too (never below the request), so that
/// one fix resolves the one finding.
pub fn check_request(
    meta: &'static crate::rules::RuleMeta,
    limit: &'static crate::rules::RuleMeta,
    pod: &PodSpec<'_>,
    cx: &crate::rules::Context,
    out: &mut crate::rules::Sink<'_>,
    name: &'static str,
) {
    for c in pod.containers.iter().filter(|c| c.kind != crate::model::ContainerKind::Ephemeral) {
        if let Some((path, message, absent)) = missing_resource(pod, c, ResourceSide::Requests, name) {
            let mut fix = resource_fix(c, ResourceSide::Requests, name, &cx.fix.resources);
            if absent && cx.runs(limit) {
                fix = fix.map(|f| with_default_limit(f, c, name, &cx.fix.resources));
            }
            let mut d = out.report(meta, At::Container(pod, c, path), message);
            if let Some(fix) = fix {
                d = d.fix(fix);
            }
            if absent {
                let _ = d.implies(limit);
            }
        }
    }
}

/// Reports the finding of a missing `resources.limits.<name>` ([`missing_resource`]) with its
/// fix: the configured quantity (`fix.resources`; unsafe), never below the container's request.
pub fn report_missing_limit(
    meta: &'static crate::rules::RuleMeta,
    pod: &PodSpec<'_>,
    c: &Container<'_>,
    name: &'static str,
    cx: &crate::rules::Context,
    out: &mut crate::rules::Sink<'_>,
) {
    if let Some((path, message, _)) = missing_resource(pod, c, ResourceSide::Limits, name) {
        let fix = resource_fix(c, ResourceSide::Limits, name, &cx.fix.resources);
        let d = out.report(meta, At::Container(pod, c, path), message);
        if let Some(fix) = fix {
            let _ = d.fix(fix);
        }
    }
}

/// `plan` (which sets the configured request of `name`) also setting the configured limit, raised
/// to the request when it is lower: the fix of a missing request and limit, one finding.
fn with_default_limit(
    plan: Plan,
    c: &Container<'_>,
    name: &'static str,
    defaults: &crate::config::ResourceDefaults,
) -> Plan {
    let (request, limit) = (defaults.request(name), defaults.limit(name));
    let below = matches!((crate::fix::quantity(limit), crate::fix::quantity(request)), (Some(l), Some(r)) if l < r);
    let limit = if below { request } else { limit };
    let mut both = Plan::unsafe_fix(format!(
        "set `resources.requests.{name}: {request}` and `resources.limits.{name}: {limit}` (`fix.resources`)"
    ));
    both.ops = plan.ops;
    both.set(c.path.key("resources").key("limits").key(name), limit)
}

/// The quantity a node holds, as a fix writes it again (`500m`, `1`), and its value.
fn quantity_of(n: &crate::syntax::Node) -> Option<(crate::fix::NewValue, f64)> {
    use crate::syntax::Value;
    match &n.value {
        Value::Str(s) => Some((crate::fix::NewValue::Str(s.to_string()), crate::fix::quantity(s)?)),
        #[expect(clippy::cast_precision_loss, reason = "a quantity compared with another")]
        Value::Int(i) => Some((crate::fix::NewValue::Int(*i), *i as f64)),
        Value::Float(f) => Some((crate::fix::NewValue::Str(f.to_string()), *f)),
        _ => None,
    }
}

fn resource_fix(
    c: &Container<'_>,
    side: ResourceSide,
    name: &'static str,
    defaults: &crate::config::ResourceDefaults,
) -> Option<Plan> {
    let (own, other) = match side {
        ResourceSide::Requests => (c.resources.requests, c.resources.limits),
        ResourceSide::Limits => (c.resources.limits, c.resources.requests),
    };
    if own.and_then(|m| m.get(name)).is_some_and(|n| !n.is_null()) {
        return None; // a value of the wrong type: what was meant is unknown
    }
    let path = c.path.key("resources").key(side.field()).key(name);
    let field = format!("resources.{}.{name}", side.field());
    let other = other.and_then(|m| m.get(name)).filter(|n| !n.is_null());
    match side {
        // A request is missing only when the limit is too ([`missing_resource`]).
        ResourceSide::Requests => {
            let q = defaults.request(name);
            Some(Plan::unsafe_fix(format!("set `{field}: {q}` (`fix.resources`)")).set(path, q))
        }
        ResourceSide::Limits => {
            let q = defaults.limit(name);
            let (value, shown) = match other {
                Some(request) => {
                    let (rv, r) = quantity_of(request)?;
                    if crate::fix::quantity(q)? < r {
                        let shown = match &rv {
                            crate::fix::NewValue::Str(s) => s.clone(),
                            crate::fix::NewValue::Int(i) => i.to_string(),
                            _ => return None,
                        };
                        (rv, shown)
                    } else {
                        (crate::fix::NewValue::str(q), q.to_owned())
                    }
                }
                None => (crate::fix::NewValue::str(q), q.to_owned()),
            };
            Some(Plan::unsafe_fix(format!("set `{field}: {shown}` (`fix.resources`)")).set(path, value))
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
