//! `kubeharden::audit`: the weekly audit over `kubectl get pods -A -o json`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure is a test failure"
)]

use kubeharden::audit::{self, AuditOptions, AuditReport};
use kubeharden::SourceFile;

const NOW: &str = "2026-11-22T00:00:00Z";

fn images() -> Vec<SourceFile> {
    vec![
        SourceFile::new("images/nginx.json", include_str!("data/audit/images/nginx.json")),
        SourceFile::new("images/postgres.json", include_str!("data/audit/images/postgres.json")),
        SourceFile::new("images/statsd.json", include_str!("data/audit/images/statsd.json")),
    ]
}

fn run() -> AuditReport {
    audit::audit(include_str!("data/audit/pods.json"), &images(), Some(NOW), &AuditOptions::default()).unwrap()
}

fn names(v: &[audit::ContainerRef]) -> Vec<String> {
    v.iter().map(|c| format!("{}/{}", c.pod_path(), c.container)).collect()
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
    assert_eq!((r.pods, r.containers, r.skipped), (5, 9, 0));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn root_is_effective_container_over_pod() {
    let r = run();
    let root: Vec<String> =
        r.running_as_root.iter().map(|c| format!("{}/{}", c.at.pod_path(), c.at.container)).collect();
    // prod pods set `runAsNonRoot: true` at pod level — the seed's jq passes them — but one
    // container overrides it with `false` and the other runs as UID 0
    assert!(root.contains(&"prod/web-7d4b9c8f5-x2x9q/app".to_owned()));
    assert!(root.contains(&"prod/web-7d4b9c8f5-x2x9q/metrics".to_owned()));
    // db-0 has no pod-level securityContext — the seed's jq flags it — but its container sets
    // runAsNonRoot and a non-zero runAsUser
    assert!(!root.iter().any(|r| r.starts_with("data/db-0/postgres")));
    // an ephemeral container with runAsUser 1000 is not root; Windows pods are out of scope
    assert!(!root.iter().any(|r| r.contains("debugger") || r.starts_with("default/win")));
    // the init container of the DaemonSet sets nothing: the image's user, root by default
    assert!(root.contains(&"kube-system/node-agent-abcde/setup".to_owned()));
    let reasons: Vec<&str> = r.running_as_root.iter().map(|c| c.reason.as_str()).collect();
    assert!(reasons.contains(&"`runAsUser: 0` set on the container"));
    assert!(reasons.contains(&"`runAsNonRoot: false` on the container (overrides the pod)"));
}

#[test]
fn privileged_and_limits() {
    let r = run();
    assert_eq!(names(&r.privileged), ["kube-system/node-agent-abcde/agent"]);
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

#[test]
fn workloads_survive_rollouts() {
    let r = run();
    let web =
        r.privileged.iter().chain(r.running_as_root.iter().map(|x| &x.at)).find(|c| c.pod.starts_with("web-")).unwrap();
    assert_eq!(web.workload, "Deployment/web");
    assert_eq!(r.privileged[0].workload, "DaemonSet/node-agent");
    // a new ReplicaSet (new pod names and hash) gives the same ticket fingerprints
    let rolled = include_str!("data/audit/pods.json").replace("7d4b9c8f5", "5f6c7b8d9");
    let r2 = audit::audit(&rolled, &images(), Some(NOW), &AuditOptions::default()).unwrap();
    let fps = |r: &AuditReport| audit::tickets(r).into_iter().map(|t| t.fingerprint).collect::<Vec<_>>();
    assert_eq!(fps(&r), fps(&r2));
}

#[test]
fn tickets_group_replicas() {
    let t = audit::tickets(&run());
    let root_app: Vec<_> =
        t.iter().filter(|t| t.title.contains("running as root in prod/Deployment/web container app")).collect();
    assert_eq!(root_app.len(), 1);
    assert_eq!(root_app[0].markdown.matches("- prod/web-7d4b9c8f5-").count(), 2);
    assert!(t.windows(2).all(|w| w[0].severity >= w[1].severity));
    // nginx (2139 days) is too old; statsd (82 days) is not
    assert!(t.iter().any(|t| t.title.starts_with("[medium] Image too old in nginx:1.19")));
    assert!(!t.iter().any(|t| t.title.contains("statsd")));
}

#[test]
fn image_ages_oldest_first_matched_by_digest_then_repository() {
    let r = run();
    let order: Vec<&str> = r.image_age.iter().map(|i| i.image.as_str()).collect();
    assert_eq!(order.first(), Some(&"nginx:1.19"));
    assert_eq!(order.get(1), Some(&"prom/statsd-exporter:v0.26.0"));
    let nginx = &r.image_age[0];
    assert_eq!((nginx.age_days, nginx.matched_by.as_deref()), (Some(2139), Some("digest")));
    assert_eq!(nginx.containers.len(), 2);
    assert_eq!(r.image_age[1].matched_by.as_deref(), Some("repository"));
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
fn bad_inputs() {
    let opts = AuditOptions::default();
    assert!(audit::audit("{\"items\": []}", &[], Some("yesterday"), &opts).unwrap_err().contains("RFC 3339"));
    assert!(audit::audit("{\"kind\": \"Pod\"}", &[], None, &opts).unwrap_err().contains("no `items`"));
    assert!(audit::audit("just: text", &[], None, &opts).unwrap_err().contains("no pods"));
    // a broken item is an error with its line; the other items are audited
    let text = "{\"kind\":\"List\",\"items\":[\n{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}},\n{\"kind\": tru}\n]}";
    let r = audit::audit(text, &[SourceFile::new("cfg.json", "{\"config\":{\"User\":\"1\"}}")], None, &opts).unwrap();
    assert_eq!(r.pods, 1);
    assert_eq!(r.errors.len(), 2);
    assert_eq!((r.errors[0].source.as_str(), r.errors[0].line), ("pods", Some(3)));
    assert_eq!(r.errors[1].source, "cfg.json");
    // no "now": no ages, but created dates
    assert_eq!(r.image_age[0].age_days, None);
}

#[test]
fn yaml_lists_work_too() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: team}\n  spec:\n    containers:\n    - {name: c, image: nginx, securityContext: {privileged: true}}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n";
    let r = audit::audit(yaml, &[], Some(NOW), &AuditOptions::default()).unwrap();
    assert_eq!((r.pods, r.skipped), (1, 1));
    assert_eq!(names(&r.privileged), ["team/p/c"]);
}

#[test]
fn baseline_of_an_earlier_audit() {
    let before = run();
    let earlier = audit::read_json(&audit::to_json(&before)).unwrap();
    assert_eq!(earlier, before);
    let same = audit::compare(&before, &earlier);
    assert!(same.new.is_empty() && same.resolved.is_empty());
    // a week later: the DaemonSet is no longer privileged and a new pod runs as root
    let later_text = include_str!("data/audit/pods.json")
        .replace("\"privileged\": true,", "")
        .replace("\"kind\": \"List\"", "\"kind\": \"List\", \"extra\": 1");
    let extra = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"tool","namespace":"ops"},"spec":{"containers":[{"name":"sh","image":"busybox:1.36","securityContext":{"runAsUser":0},"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}},"#;
    let later_text = later_text.replacen("\"items\": [", &format!("\"items\": [{extra}"), 1);
    let later = audit::audit(&later_text, &images(), Some(NOW), &AuditOptions::default()).unwrap();
    let c = audit::compare(&later, &earlier);
    let titles = |v: &[kubeharden::report::tickets::Ticket]| v.iter().map(|t| t.title.clone()).collect::<Vec<_>>();
    assert_eq!(
        titles(&c.resolved),
        ["[critical] Privileged container in kube-system/DaemonSet/node-agent container agent"]
    );
    assert_eq!(titles(&c.new), ["[high] Container running as root in ops/Pod/tool container sh"]);
    assert_eq!(c.open.len(), audit::tickets(&before).len() - 1);
    assert!(audit::render_comparison(&c).starts_with("Baseline: 1 new,"));
    assert!(audit::read_json("{}").is_err());
}

/// Two tags of one repository in use: `docker inspect`-shaped metadata (what `audit --registry`
/// fetches) is matched by tag, and an image the registry could not give has no age at all (not
/// the other tag's by repository) and is counted.
#[test]
fn registry_metadata_matched_by_tag_and_unreachable_images_have_no_age() {
    let pod = |name: &str, image: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}","namespace":"ns"}},"spec":{{"containers":[{{"name":"c","image":"{image}"}}]}}}}"#
        )
    };
    let pods = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{},{},{}]}}"#,
        pod("a", "reg.example/app:1.0"),
        pod("b", "reg.example/app:2.0"),
        pod("c", "reg.example/app:3.0")
    );
    let meta = |tag: &str, digest: &str, created: &str| {
        SourceFile::new(
            format!("registry:{tag}.json"),
            format!(
                r#"[{{"Id":"sha256:c{tag}","RepoTags":["reg.example/app:{tag}"],"RepoDigests":["reg.example/app@{digest}"],"Created":"{created}","Config":{{"User":""}},"RootFS":{{}}}}]"#
            ),
        )
    };
    let images = [meta("1.0", "sha256:1", "2020-01-01T00:00:00Z"), meta("2.0", "sha256:2", "2026-11-01T00:00:00Z")];
    let fetched = |image: &str, error: Option<&str>| audit::RegistryImage {
        image: image.to_owned(),
        used: Some("tag".to_owned()),
        error_kind: error.map(|_| "not-found".to_owned()),
        error: error.map(str::to_owned),
        ..audit::RegistryImage::default()
    };
    let registry = [
        fetched("reg.example/app:1.0", None),
        fetched("reg.example/app:2.0", None),
        fetched("reg.example/app:3.0", Some("tag `3.0`: manifest unknown")),
    ];
    let r = audit::audit_with_registry(&pods, &images, Some(&registry), Some(NOW), &AuditOptions::default()).unwrap();
    // the file the registry gave for an image is its metadata, whatever shares its tag or digest
    // (one index, two platforms: two files with one tag)
    let directed = [audit::RegistryImage {
        metadata: Some("registry:2.0.json".to_owned()),
        ..fetched("reg.example/app:1.0", None)
    }];
    let d = audit::audit_with_registry(&pods, &images, Some(&directed), Some(NOW), &AuditOptions::default()).unwrap();
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
    assert_eq!(r.images_unreachable, Some(1));
    let text = audit::render_text(&r);
    assert!(text.contains("1 not fetched") && text.contains("not fetched: not-found: tag `3.0`"), "{text}");
    // without registry outcomes, the same metadata still matches by tag, and 3.0 by repository
    let plain = audit::audit(&pods, &images, Some(NOW), &AuditOptions::default()).unwrap();
    let by = |image: &str| plain.image_age.iter().find(|i| i.image == image).unwrap().matched_by.as_deref();
    assert_eq!(
        [by("reg.example/app:1.0"), by("reg.example/app:2.0"), by("reg.example/app:3.0")],
        [Some("tag"), Some("tag"), Some("repository")]
    );
    assert_eq!(plain.images_unreachable, None);
}

/// What `audit --registry` fetches: each image once, with the digests its pods run and the
/// platform their `nodeSelector` names.
#[test]
fn images_in_use_with_running_digests_and_node_platforms() {
    let pods = r#"{"kind":"List","items":[
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"n"},
       "spec":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"containers":[{"name":"c","image":"app:1"}]},
       "status":{"containerStatuses":[{"name":"c","imageID":"docker.io/library/app@sha256:2"}]}},
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","namespace":"n"},
       "spec":{"containers":[{"name":"c","image":"app:1"},{"name":"d","image":"db:2"}]},
       "status":{"containerStatuses":[{"name":"c","imageID":"docker-pullable://app@sha256:1"},{"name":"d","imageID":"sha256:ffff"}]}}]}"#;
    let used = audit::images_in_use(pods).unwrap();
    assert_eq!(
        used,
        [
            audit::ImageInUse {
                image: "app:1".to_owned(),
                running: vec!["sha256:1".to_owned(), "sha256:2".to_owned()],
                platforms: vec!["linux/arm64".to_owned()],
            },
            audit::ImageInUse { image: "db:2".to_owned(), running: vec![], platforms: vec![] },
        ]
    );
    assert!(audit::images_in_use("[]").is_err());
}
