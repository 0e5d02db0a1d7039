//! `kubeharden::audit`: the weekly audit over `kubectl get pods -A -o json`, a view on the scan's
//! layers (front door, inventory, rules, tickets, baselines).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a test failure"
)]

use kubeharden::audit::{self, AuditOptions, AuditReport, AUDIT_RULES};
use kubeharden::{Checker, Config, Finding, SourceFile};

const NOW: &str = "2026-11-22T00:00:00Z";
const PODS: &str = include_str!("data/audit/pods.json");

fn images() -> Vec<SourceFile> {
    vec![
        SourceFile::new("images/nginx.json", include_str!("data/audit/images/nginx.json")),
        SourceFile::new("images/postgres.json", include_str!("data/audit/images/postgres.json")),
        SourceFile::new("images/statsd.json", include_str!("data/audit/images/statsd.json")),
    ]
}

fn audit_of(name: &str, text: &str) -> AuditReport {
    audit::audit(&SourceFile::new(name, text), &images(), Some(NOW), &AuditOptions::default()).unwrap()
}

fn run() -> AuditReport {
    audit_of("pods.json", PODS)
}

fn names<'a>(v: impl IntoIterator<Item = &'a audit::ContainerRef>) -> Vec<String> {
    v.into_iter().map(|c| format!("{}/{}", c.pod_path(), c.container)).collect()
}

fn messages(r: &AuditReport) -> Vec<String> {
    r.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn snapshot_text() {
    insta::assert_snapshot!(audit::render_text(&run()));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(audit::to_json(&run()));
}

#[test]
fn snapshot_tickets() {
    insta::assert_snapshot!(audit::render_tickets(&run()));
}

#[test]
fn counts() {
    let r = run();
    assert_eq!((r.pods, r.containers, r.skipped, r.suppressed), (5, 9, 0, 0));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.version, audit::AUDIT_VERSION);
}

#[test]
fn root_is_effective_container_over_pod() {
    let r = run();
    let root = names(r.running_as_root.iter().map(|c| &c.at));
    // prod pods set `runAsNonRoot: true` at pod level — the seed's jq passes them — but one
    // container overrides it with `false` and the other runs as UID 0
    assert!(root.contains(&"prod/web-7d4b9c8f5-x2x9q/app".to_owned()));
    assert!(root.contains(&"prod/web-7d4b9c8f5-x2x9q/metrics".to_owned()));
    // db-0 has no pod-level securityContext — the seed's jq flags it — but its container sets
    // runAsNonRoot and a non-zero runAsUser
    assert!(!root.iter().any(|r| r.starts_with("data/db-0/postgres")));
    // an ephemeral container with runAsUser 1000 is not root (`run-as-non-root` fires for it in
    // `scan`: it does not set `runAsNonRoot: true`)
    assert!(!root.iter().any(|r| r.contains("debugger")));
    // the init container of the DaemonSet sets nothing: the image's user, root by default
    assert!(root.contains(&"kube-system/node-agent-abcde/setup".to_owned()));
    // a Windows pod is judged as `run-as-non-root` judges it (`runAsNonRoot` applies to Windows
    // containers too: ContainerAdministrator)
    assert!(root.contains(&"default/win/iis".to_owned()));
    let reasons: Vec<String> = r.running_as_root.iter().map(audit::Flagged::reason).collect();
    assert!(reasons.contains(&"container `metrics` sets `runAsUser: 0` (root)".to_owned()));
    assert!(reasons.contains(&"container `app` sets `runAsNonRoot: false`".to_owned()));
    let rules: Vec<&str> = r.running_as_root.iter().flat_map(|c| c.findings.iter().map(|f| f.rule.as_str())).collect();
    assert!(rules.iter().all(|r| ["POD003", "POD004"].contains(r)), "{rules:?}");
}

#[test]
fn privileged_and_limits() {
    let r = run();
    assert_eq!(names(r.privileged.iter().map(|c| &c.at)), ["kube-system/node-agent-abcde/agent"]);
    let limits: Vec<(String, Vec<String>)> = r
        .missing_limits
        .iter()
        .map(|m| (format!("{}/{}", m.at.pod_path(), m.at.container), m.missing.clone()))
        .collect();
    assert!(limits
        .contains(&("kube-system/node-agent-abcde/setup".to_owned(), vec!["cpu".to_owned(), "memory".to_owned()])));
    assert!(limits.contains(&("prod/web-7d4b9c8f5-x2x9q/metrics".to_owned(), vec!["cpu".to_owned()])));
    // ephemeral containers cannot have resources: exempt
    assert!(!limits.iter().any(|(n, _)| n.contains("debugger")));
}

/// The scan's findings of the audit's rules on the same pods (the whole List, as `scan` reads
/// it), and the containers that set a `runAsUser` (or inherit one): (pod, container).
fn scan(file: &str, text: &str) -> (Vec<Finding>, Vec<(String, String)>) {
    let config = Config { select: Some(AUDIT_RULES.iter().map(|m| m.name.to_owned()).collect()), ..Config::default() };
    let checker = Checker::new(&config, Some(NOW)).unwrap();
    let sources = [kubeharden::source::parse(&SourceFile::new(file, text), checker.parse_options())];
    let report = checker.check_sources(&sources);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let inventory = kubeharden::Inventory::new(&sources);
    let with_user = inventory
        .pods
        .iter()
        .flat_map(|p| {
            let pod = p.object.name().unwrap_or("").to_owned();
            p.containers
                .iter()
                .filter(|c| c.run_as_user.value.is_present())
                .map(move |c| (pod.clone(), c.name.to_owned()))
        })
        .collect();
    (report.findings, with_user)
}

/// A finding with its path relative to its pod (`scan` reads the whole List: `items[N].spec...`).
/// A scan finding as the audit shows it: the path within the List's item, and no fix (the audit
/// reads what runs, not a file to edit).
fn relative(mut f: Finding) -> Finding {
    f.fix = None;
    f.path = f.path.map(|p| match p.split_once("].") {
        Some((head, rest)) if head.starts_with("items[") => rest.to_owned(),
        _ => p,
    });
    f
}

#[test]
fn scan_and_audit_agree_on_the_same_pods() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: t}\n  spec:\n    securityContext: {runAsUser: 0}\n    containers:\n    - {name: c, image: x, securityContext: {privileged: true}}\n    - {name: d, image: x, securityContext: {runAsUser: 7, runAsNonRoot: false}, resources: {limits: {cpu: 1}}}\n";
    for (file, text) in
        [("pods.json", PODS.to_owned()), ("generated.json", pod_list::generate(300)), ("pods.yaml", yaml.to_owned())]
    {
        let r = audit_of(file, &text);
        assert!(r.errors.is_empty(), "{file}: {:?}", r.errors);
        let (scan, with_user) = scan(file, &text);
        let scan: Vec<Finding> = scan.into_iter().map(relative).collect();
        let mut from_audit: Vec<Finding> = Vec::new();
        for e in r.privileged.iter().chain(&r.running_as_root) {
            from_audit.extend(e.findings.iter().map(|f| f.to_finding(&r.file, &e.at)));
        }
        for e in &r.missing_limits {
            from_audit.extend(e.findings.iter().map(|f| f.to_finding(&r.file, &e.at)));
        }
        assert!(!from_audit.is_empty(), "{file}");
        // every finding behind an entry is a scan finding, field for field
        for f in &from_audit {
            assert!(scan.contains(f), "{file}: the audit's finding is not the scan's:\n{f:#?}");
        }
        // every scan finding is behind an entry, but `run-as-non-root` for a container that sets
        // a `runAsUser` (the audit's root section lists it only for `runAsUser: 0`: documented)
        for f in &scan {
            let who = (f.object.as_ref().unwrap().name.clone().unwrap(), f.container.clone().unwrap());
            let documented = f.rule == "POD003" && with_user.contains(&who);
            assert!(from_audit.contains(f) || documented, "{file}: the scan's finding is not in the audit:\n{f:#?}");
        }
    }
}

#[path = "../benches/support/pod_list.rs"]
mod pod_list;

#[test]
fn workloads_survive_rollouts() {
    let r = run();
    let web = r.privileged.iter().chain(&r.running_as_root).map(|x| &x.at).find(|c| c.pod.starts_with("web-")).unwrap();
    assert_eq!(web.workload, "Deployment/web");
    assert_eq!(r.privileged[0].at.workload, "DaemonSet/node-agent");
    // a new ReplicaSet (new pod names and hash) gives the same ticket fingerprints
    let rolled = PODS.replace("7d4b9c8f5", "5f6c7b8d9");
    let r2 = audit_of("pods.json", &rolled);
    let fps = |r: &AuditReport| audit::tickets(r).into_iter().map(|t| t.fingerprint).collect::<Vec<_>>();
    assert_eq!(fps(&r), fps(&r2));
}

#[test]
fn tickets_group_replicas() {
    let t = audit::tickets(&run());
    let root_app: Vec<_> = t
        .iter()
        .filter(|t| {
            t.title == "[high] Container does not require a non-root user in Deployment prod/web (container app)"
        })
        .collect();
    assert_eq!(root_app.len(), 1);
    assert_eq!(root_app[0].markdown.matches("pod `prod/web-7d4b9c8f5-").count(), 2);
    assert!(t.windows(2).all(|w| w[0].severity >= w[1].severity));
    // nginx (2139 days) is too old; statsd (82 days) is not
    assert!(t
        .iter()
        .any(|t| t.title == "[medium] The image is older than the maximum age in Image docker.io/library/nginx"));
    assert!(!t.iter().any(|t| t.title.contains("statsd")));
}

#[test]
fn image_ages_oldest_first_matched_by_digest_then_reference_then_repository() {
    let r = run();
    let order: Vec<&str> = r.image_age.iter().map(|i| i.image.as_str()).collect();
    assert_eq!(order.first(), Some(&"nginx:1.19"));
    assert_eq!(order.get(1), Some(&"prom/statsd-exporter:v0.26.0"));
    let nginx = &r.image_age[0];
    assert_eq!((nginx.age_days, nginx.matched_by.as_deref()), (Some(2139), Some("digest")));
    assert_eq!(nginx.containers.len(), 2);
    assert_eq!(nginx.finding.as_ref().map(|f| f.name.as_str()), Some("image-too-old"));
    // skopeo's metadata names no tag: the only metadata of the repository
    assert_eq!(r.image_age[1].matched_by.as_deref(), Some("repository"));
    assert!(r.image_age[1].finding.is_none());
    // postgres metadata says 1970 (reproducible build): unknown, listed after the known ones
    let pg = r.image_age.iter().find(|i| i.image == "postgres:16").unwrap();
    assert_eq!(
        (pg.created.as_deref(), pg.age_days, pg.metadata.as_deref()),
        (None, None, Some("images/postgres.json"))
    );
    let unknown_from = r.image_age.iter().position(|i| i.age_days.is_none()).unwrap();
    assert!(r.image_age[unknown_from..].iter().all(|i| i.age_days.is_none()));
}

#[test]
fn image_metadata_matched_by_tag_and_two_of_one_repository() {
    let pods = r#"{"apiVersion":"v1","kind":"List","items":[
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"n"},"spec":{"containers":[{"name":"c","image":"Registry.Example.com/app:1.0"},{"name":"d","image":"registry.example.com/lib:2"}]}}]}"#;
    let docker = r#"[{"Id":"sha256:1","RepoTags":["registry.example.com/app:1.0"],"RepoDigests":[],"Created":"2026-01-01T00:00:00Z","Config":{"User":"1"},"RootFS":{}}]"#;
    let lib1 =
        r#"{"Name":"registry.example.com/lib","Digest":"sha256:l1","Created":"2026-01-01T00:00:00Z","Layers":[]}"#;
    let lib2 =
        r#"{"Name":"registry.example.com/lib","Digest":"sha256:l2","Created":"2025-01-01T00:00:00Z","Layers":[]}"#;
    let files =
        [SourceFile::new("app.json", docker), SourceFile::new("l1.json", lib1), SourceFile::new("l2.json", lib2)];
    let r = audit::audit(&SourceFile::new("p.json", pods), &files, Some(NOW), &AuditOptions::default()).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let app = r.image_age.iter().find(|i| i.image.ends_with("app:1.0")).unwrap();
    // the registry host is case-insensitive
    assert_eq!((app.matched_by.as_deref(), app.metadata.as_deref()), (Some("tag"), Some("app.json")));
    // two metadata of one repository, neither by digest nor tag: unknown rather than a guess
    let lib = r.image_age.iter().find(|i| i.image.ends_with("lib:2")).unwrap();
    assert_eq!((lib.matched_by.as_deref(), lib.age_days), (None, None));
}

#[test]
fn bad_inputs() {
    let opts = AuditOptions::default();
    let pods = |t: &str| SourceFile::new("pods.json", t);
    let e = audit::audit(&pods("{\"kind\":\"List\",\"items\": []}"), &[], Some("yesterday"), &opts).unwrap_err();
    assert!(matches!(e, kubeharden::Error::Request(_)), "{e}");
    assert!(e.to_string().contains("RFC 3339"));
    // not a list of pods at all: input errors, not a clean audit
    let r = audit::audit(&pods("{\"kind\": \"Pod\"}"), &[], None, &opts).unwrap();
    assert_eq!(messages(&r), ["pods.json:1:1: document 0: the document is not a Kubernetes object (a string `kind` and `apiVersion`): expected the pods of `kubectl get pods -A -o json`"]);
    let r = audit::audit(&SourceFile::new("p.yaml", "just: text\n"), &[], None, &opts).unwrap();
    assert_eq!(r.errors.len(), 1);
    let r = audit::audit(&SourceFile::new("p.yaml", ""), &[], None, &opts).unwrap();
    assert_eq!(messages(&r), ["p.yaml: holds no documents: expected the output of `kubectl get pods -A -o json`"]);
    // `null` is an empty document in JSON as in YAML (found by the `list` fuzz target)
    for name in ["p.json", "p.yaml"] {
        let r = audit::audit(&SourceFile::new(name, "null"), &[], None, &opts).unwrap();
        assert!(messages(&r)[0].ends_with(": holds no documents: expected the output of `kubectl get pods -A -o json`"));
    }
    let r = audit::audit(&pods("{\"items\": []}"), &[], None, &opts).unwrap();
    assert!(messages(&r)[0].contains("has `items` but no `kind`"), "{:?}", r.errors);
    // a syntax error ends the list with its line; the items before it are audited
    let text = "{\"kind\":\"List\",\"items\":[\n{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}},\n{\"kind\": tru}\n]}";
    let cfg = SourceFile::new("cfg.json", "{\"config\":{\"User\":\"1\"}}");
    let r = audit::audit(&pods(text), &[cfg], None, &opts).unwrap();
    assert_eq!(r.pods, 1);
    assert_eq!(
        messages(&r),
        [
            "pods.json:3:10: document 0: expected a JSON value",
            "cfg.json: holds no image metadata: expected the output of `skopeo inspect docker://IMAGE` (or `docker inspect`, or a Trivy JSON report)",
        ]
    );
    // image metadata that names no image cannot be matched to any pod
    let oci = SourceFile::new(
        "oci.json",
        r#"{"architecture":"amd64","os":"linux","created":"2020-01-01T00:00:00Z","config":{},"rootfs":{"type":"layers","diff_ids":[]}}"#,
    );
    let r = audit::audit(&pods(text), &[oci], None, &opts).unwrap();
    assert!(
        messages(&r)[1].starts_with("oci.json:1:1: document 0: the OCI image config names no image"),
        "{:?}",
        r.errors
    );
    // no "now": no ages
    assert_eq!(r.image_age[0].age_days, None);
}

/// Issue 16: a pod whose `containers` is not a list, a List item without `kind`, an item that is
/// not an object: each an input error with file, document, line and item index — never dropped.
#[test]
fn nothing_is_dropped_silently() {
    let text = r#"{"apiVersion": "v1", "kind": "List", "items": [
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "n"}, "spec": {"containers": {"name": "c", "image": "x"}}},
{"apiVersion": "v1", "metadata": {"name": "b"}},
5,
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c", "namespace": "n"}, "spec": {"containers": [{"name": "x", "image": "x", "securityContext": {"privileged": "true"}}]}},
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "d"}},
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "e"}, "spec": []},
{"kind": 7},
{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
]}
"#;
    let r = audit_of("pods.json", text);
    assert_eq!(
        messages(&r),
        [
            "pods.json:2:91: document 0: item 0: pod `n/a`: `containers` is {...}, but the Kubernetes API expects a list",
            "pods.json:3:1: document 0: item 1 of a `kind: List` is {...}, not a Kubernetes object with a `kind`",
            "pods.json:4:1: document 0: item 2 of a `kind: List` is 5, not a Kubernetes object with a `kind`",
            "pods.json:5:154: document 0: item 3: pod `n/c`: `privileged` is \"true\", but the Kubernetes API expects a boolean",
            "pods.json:6:1: document 0: item 4: pod `default/d` has no `spec`: its containers cannot be audited",
            "pods.json:7:64: document 0: item 5: pod `default/e`: `spec` is [...], but the Kubernetes API expects a mapping: the pod of this `Pod` cannot be checked",
            "pods.json:8:1: document 0: item 6: the item is not a Kubernetes object (a string `kind` and `apiVersion`): expected the pods of `kubectl get pods -A -o json`",
        ]
    );
    assert_eq!((r.pods, r.skipped), (4, 1));
    assert!(audit::render_text(&r).contains("7 input errors"));
    let json: serde_json::Value = serde_json::from_str(&audit::to_json(&r)).unwrap();
    assert_eq!(json["errors"].as_array().unwrap().len(), 7);
    assert_eq!(json["errors"][1]["line"], 3);
    // the same in YAML
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers: {name: c}\n- metadata: {name: b}\n";
    let r = audit_of("pods.yaml", yaml);
    assert_eq!(
        messages(&r),
        [
            "pods.yaml:8:5: document 0: item 0: pod `default/a`: `containers` is {...}, but the Kubernetes API expects a list",
            "pods.yaml:9:3: document 0: item 1 of a `kind: List` is {...}, not a Kubernetes object with a `kind`",
        ]
    );
}

#[test]
fn an_item_that_is_a_list_is_audited_object_by_object() {
    let pod = |n: &str, privileged: bool| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{n}","namespace":"t"}},"spec":{{"securityContext":{{"runAsNonRoot":true}},"containers":[{{"name":"c","image":"x","securityContext":{{"privileged":{privileged}}},"resources":{{"limits":{{"cpu":"1","memory":"1Gi"}}}}}}]}}}}"#
        )
    };
    let inner: Vec<String> = (0..12).map(|i| pod(&format!("p{i}"), i == 10)).collect();
    let text = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{{"apiVersion":"v1","kind":"List","items":[{}]}}]}}"#,
        inner.join(",")
    );
    let r = audit_of("pods.json", &text);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.pods, 12);
    assert_eq!(names(r.privileged.iter().map(|c| &c.at)), ["t/p10/c"]);
    assert_eq!(
        r.privileged[0].findings[0].path.as_deref(),
        Some("items[10].spec.containers[0].securityContext.privileged")
    );
}

#[test]
fn control_characters_do_not_reach_the_terminal() {
    let text = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\\u001b[31m\"},\"spec\":{\"containers\":[{\"name\":\"c\\u0007\",\"image\":\"x\\u001b]0;t\\u0007\",\"securityContext\":{\"privileged\":true}}]}}]}";
    let out = audit::render_text(&audit_of("pods.json", text));
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    assert!(out.contains("a\\x1b[31m"), "{out}");
}

#[test]
fn annotations_suppress_as_in_scan() {
    let text = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","annotations":{"kubeharden.io/ignore.privileged-container":"the node agent needs the host"}},"spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":1},"containers":[{"name":"c","image":"x","securityContext":{"privileged":true},"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}]}"#;
    let r = audit_of("pods.json", text);
    assert_eq!((r.privileged.len(), r.suppressed), (0, 1));
}

#[test]
fn yaml_lists_work_too() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: team}\n  spec:\n    containers:\n    - {name: c, image: nginx, securityContext: {privileged: true}}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\nmetadata: {resourceVersion: \"\"}\n";
    let r = audit_of("pods.yaml", yaml);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.pods, r.skipped), (1, 1));
    assert_eq!(names(r.privileged.iter().map(|c| &c.at)), ["team/p/c"]);
    assert_eq!(r.privileged[0].findings[0].line, Some(9));
}

#[test]
fn baseline_of_an_earlier_audit() {
    let before = run();
    let earlier = audit::read_json(&SourceFile::new("last.json", audit::to_json(&before))).unwrap();
    assert_eq!(earlier, before);
    let same = audit::compare(&before, &earlier);
    assert!(same.new.is_empty() && same.resolved.is_empty());
    // a week later: the DaemonSet is no longer privileged and a new pod runs as root
    let later_text =
        PODS.replace("\"privileged\": true,", "").replace("\"kind\": \"List\"", "\"kind\": \"List\", \"extra\": 1");
    let extra = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"tool","namespace":"ops"},"spec":{"containers":[{"name":"sh","image":"busybox:1.36","securityContext":{"runAsUser":0},"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}},"#;
    let later_text = later_text.replacen("\"items\": [", &format!("\"items\": [{extra}"), 1);
    let later = audit_of("pods.json", &later_text);
    let c = audit::compare(&later, &earlier);
    let titles = |v: &[kubeharden::report::tickets::Ticket]| v.iter().map(|t| t.title.clone()).collect::<Vec<_>>();
    assert_eq!(
        titles(&c.resolved),
        ["[critical] Container runs in privileged mode in DaemonSet kube-system/node-agent (container agent)"]
    );
    assert_eq!(titles(&c.new), ["[high] Container runs as the root user (UID 0) in Pod ops/tool (container sh)"]);
    assert_eq!(c.open.len(), audit::tickets(&before).len() - 1);
    assert!(kubeharden::report::baseline::render_text(&c).starts_with("Baseline: 1 new, "));
    // not an audit, or of another version: errors with the file
    let e = audit::read_json(&SourceFile::new("x.json", "{}")).unwrap_err();
    assert!(matches!(&e, kubeharden::Error::Input(p) if p.file == "x.json" && p.line == Some(1)), "{e}");
    let v1 = audit::to_json(&before).replacen("\"version\": 2", "\"version\": 1", 1);
    let e = audit::read_json(&SourceFile::new("v1.json", v1)).unwrap_err();
    assert!(e.to_string().contains("audit version `1` is not supported"), "{e}");
}

/// Three tags of one repository in use, the pod of 3.0 reporting it runs 1.0's digest, and
/// `docker inspect`-shaped metadata of 1.0 and 2.0 (what `audit --registry` fetches).
fn registry_inputs() -> (SourceFile, [SourceFile; 2]) {
    let pod = |name: &str, image: &str, status: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}","namespace":"ns"}},"spec":{{"containers":[{{"name":"c","image":"{image}"}}]}}{status}}}"#
        )
    };
    let runs_one = r#","status":{"containerStatuses":[{"name":"c","imageID":"reg.example/app@sha256:1"}]}"#;
    let pods = SourceFile::new(
        "pods.json",
        format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[{},{},{}]}}"#,
            pod("a", "reg.example/app:1.0", ""),
            pod("b", "reg.example/app:2.0", ""),
            pod("c", "reg.example/app:3.0", runs_one)
        ),
    );
    let meta = |tag: &str, digest: &str, created: &str| {
        SourceFile::new(
            format!("registry:{tag}.json"),
            format!(
                r#"[{{"Id":"sha256:c{tag}","RepoTags":["reg.example/app:{tag}"],"RepoDigests":["reg.example/app@{digest}"],"Created":"{created}","Config":{{"User":""}},"RootFS":{{}}}}]"#
            ),
        )
    };
    (pods, [meta("1.0", "sha256:1", "2020-01-01T00:00:00Z"), meta("2.0", "sha256:2", "2026-11-01T00:00:00Z")])
}

fn fetched(image: &str, error: Option<&str>) -> audit::RegistryImage {
    audit::RegistryImage {
        image: image.to_owned(),
        used: Some("tag".to_owned()),
        error_kind: error.map(|_| "not-found".to_owned()),
        error: error.map(str::to_owned),
        ..audit::RegistryImage::default()
    }
}

fn registry_audit(outcomes: &[audit::RegistryImage]) -> AuditReport {
    let (pods, images) = registry_inputs();
    audit::read_pods(&pods, Some(NOW), &AuditOptions::default()).unwrap().finish(&images, Some(outcomes))
}

/// The registry's part of the report: what identified each image, its digest, platform, cache,
/// and the error of the one that could not be fetched.
fn registry_snapshot_audit() -> AuditReport {
    let one = audit::RegistryImage {
        digest: Some("sha256:1".to_owned()),
        metadata: Some("registry:1.0.json".to_owned()),
        cached: true,
        ..fetched("reg.example/app:1.0", None)
    };
    let two = audit::RegistryImage {
        used: Some("running digest".to_owned()),
        digest: Some("sha256:index".to_owned()),
        platform: Some("linux/arm64".to_owned()),
        metadata: Some("registry:2.0.json".to_owned()),
        ..fetched("reg.example/app:2.0", None)
    };
    registry_audit(&[one, two, fetched("reg.example/app:3.0", Some("tag `3.0`: manifest unknown"))])
}

#[test]
fn snapshot_registry_text() {
    insta::assert_snapshot!(audit::render_text(&registry_snapshot_audit()));
}

#[test]
fn snapshot_registry_json() {
    insta::assert_snapshot!(audit::to_json(&registry_snapshot_audit()));
}

/// Metadata matched by tag, and an image the registry could not give has no age at all (not the
/// other tag's by repository, not the metadata of the digest its pod runs) and is counted.
#[test]
fn registry_metadata_matched_by_tag_and_unreachable_images_have_no_age() {
    let r = registry_audit(&[
        fetched("reg.example/app:1.0", None),
        fetched("reg.example/app:2.0", None),
        fetched("reg.example/app:3.0", Some("tag `3.0`: manifest unknown\u{1b}[2J")),
    ]);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // the file the registry gave for an image is its metadata, whatever shares its tag or digest
    // (one index, two platforms: two files with one tag)
    let d = registry_audit(&[audit::RegistryImage {
        metadata: Some("registry:2.0.json".to_owned()),
        ..fetched("reg.example/app:1.0", None)
    }]);
    let one = d.image_age.iter().find(|i| i.image == "reg.example/app:1.0").unwrap();
    assert_eq!((one.age_days, one.matched_by.as_deref()), (Some(21), Some("tag")));
    let age = |image: &str| r.image_age.iter().find(|i| i.image == image).unwrap();
    assert_eq!(
        (age("reg.example/app:1.0").age_days, age("reg.example/app:1.0").matched_by.as_deref()),
        (Some(2517), Some("tag"))
    );
    assert_eq!(
        (age("reg.example/app:2.0").age_days, age("reg.example/app:2.0").digest.as_deref()),
        (Some(21), Some("sha256:2"))
    );
    let missing = age("reg.example/app:3.0");
    assert_eq!((missing.age_days, missing.created.as_deref(), missing.metadata.as_deref()), (None, None, None));
    assert!(missing.finding.is_none());
    assert_eq!(missing.registry.as_ref().and_then(|f| f.error_kind.as_deref()), Some("not-found"));
    assert_eq!(r.images_unreachable, Some(1));
    // 1.0 is too old: one ticket, for its metadata, none for what could not be fetched
    let tickets = audit::tickets(&r);
    assert_eq!(tickets.iter().filter(|t| t.markdown.contains("registry:1.0.json")).count(), 1);
    assert!(!tickets.iter().any(|t| t.markdown.contains("app:3.0")));
    let text = audit::render_text(&r);
    assert!(text.contains("3 images, 1 not fetched"), "{text}");
    assert!(text.contains("age unknown (not fetched: not-found: tag `3.0`: manifest unknown\\x1b[2J)"), "{text}");
    // the JSON reads back
    assert_eq!(audit::read_json(&SourceFile::new("last.json", audit::to_json(&r))).unwrap(), r);
    // without registry outcomes, the same metadata still matches by tag, 3.0 by the digest its
    // pod runs, and no registry fields are written
    let (pods, images) = registry_inputs();
    let plain = audit::audit(&pods, &images, Some(NOW), &AuditOptions::default()).unwrap();
    let by = |image: &str| plain.image_age.iter().find(|i| i.image == image).unwrap().matched_by.as_deref();
    assert_eq!(
        [by("reg.example/app:1.0"), by("reg.example/app:2.0"), by("reg.example/app:3.0")],
        [Some("tag"), Some("tag"), Some("digest")]
    );
    assert_eq!(plain.images_unreachable, None);
    let json = audit::to_json(&plain);
    assert!(!json.contains("images_unreachable") && !json.contains("\"registry\""), "{json}");
}

/// With registries, an image is never matched by repository alone: another tag's metadata is not
/// its own (without registries, the one metadata of a repository is the guess).
#[test]
fn registry_never_guesses_by_repository() {
    let pods = SourceFile::new(
        "pods.json",
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"ns"},"spec":{"containers":[{"name":"c","image":"reg.example/app:9"}]}}]}"#,
    );
    let skopeo = SourceFile::new(
        "app.json",
        r#"{"Name":"reg.example/app","Digest":"sha256:5","RepoTags":["1","2"],"Created":"2026-11-01T00:00:00Z","Layers":[]}"#,
    );
    let read = || audit::read_pods(&pods, Some(NOW), &AuditOptions::default()).unwrap();
    let plain = read().finish(std::slice::from_ref(&skopeo), None);
    assert_eq!(plain.image_age[0].matched_by.as_deref(), Some("repository"));
    let fetched = audit::RegistryImage { image: "reg.example/app:9".to_owned(), ..audit::RegistryImage::default() };
    let r = read().finish(std::slice::from_ref(&skopeo), Some(&[fetched]));
    assert_eq!((r.image_age[0].matched_by.as_deref(), r.image_age[0].age_days), (None, None));
    assert_eq!(r.images_unreachable, Some(0));
}

/// What `audit --registry` fetches: each image once, with the digests its pods run and the
/// platform their `nodeSelector` names.
#[test]
fn images_in_use_with_running_digests_and_node_platforms() {
    let pods = SourceFile::new(
        "pods.json",
        r#"{"kind":"List","items":[
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"n"},
       "spec":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"containers":[{"name":"c","image":"app:1"}]},
       "status":{"containerStatuses":[{"name":"c","imageID":"docker.io/library/app@sha256:2"}]}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","namespace":"n"},
       "spec":{"nodeSelector":{"kubernetes.io/os":"windows","kubernetes.io/arch":"amd64"},"containers":[{"name":"c","image":"app:1"},{"name":"d","image":"db:2"}]},
       "status":{"containerStatuses":[{"name":"c","imageID":"docker-pullable://app@sha256:1"},{"name":"d","imageID":"sha256:ffff"}]}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"e","namespace":"n"},
       "spec":{"nodeSelector":{"disk":"ssd"},"containers":[{"name":"c","image":"db:2"}]}}]}"#,
    );
    let read = audit::read_pods(&pods, Some(NOW), &AuditOptions::default()).unwrap();
    assert_eq!(
        read.images_in_use(),
        [
            audit::ImageInUse {
                image: "app:1".to_owned(),
                running: vec!["sha256:1".to_owned(), "sha256:2".to_owned()],
                platforms: vec!["linux/arm64".to_owned(), "windows/amd64".to_owned()],
            },
            audit::ImageInUse {
                image: "db:2".to_owned(),
                running: vec![],
                platforms: vec!["windows/amd64".to_owned()]
            },
        ]
    );
    // the same pods read once give the same audit as `audit`
    assert_eq!(
        read.finish(&images(), None),
        audit::audit(&pods, &images(), Some(NOW), &AuditOptions::default()).unwrap()
    );
    // what is not a list of pods: nothing to fetch, and input errors in the report
    let none = audit::read_pods(&SourceFile::new("x.json", "[]"), Some(NOW), &AuditOptions::default()).unwrap();
    assert!(none.images_in_use().is_empty());
    assert!(!none.finish(&[], Some(&[])).errors.is_empty());
    assert!(audit::read_pods(&pods, Some("yesterday"), &AuditOptions::default()).is_err());
}
