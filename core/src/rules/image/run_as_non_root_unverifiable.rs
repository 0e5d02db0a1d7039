use crate::api::Severity;
use crate::declare_rule;
use crate::image::ImageRef;
use crate::model::Inventory;
use crate::model::Lenient;
use crate::rules::{At, Context, Rule, RuleMeta, Sink};

use crate::model::image_user;

declare_rule! {
    /// ## What it does
    /// Cross-checks workloads against the metadata of their images (`docker inspect`, `skopeo
    /// inspect --config` named with `--image REF=FILE`, a Trivy report), matched by digest or by
    /// repository and tag. Flags every container that requires `runAsNonRoot: true` (its own or
    /// the pod's) without a numeric `runAsUser`, whose image user is a name (`app`, `nobody`)
    /// or root.
    ///
    /// ## Why is this bad?
    /// Before starting such a container the kubelet must prove the user is not root, and it only
    /// can with a number. With a named image user it refuses: `CreateContainerConfigError:
    /// container has runAsNonRoot and image has non-numeric user (app), cannot verify user is
    /// non-root`; with a root image user it refuses too (`image will run as root`). The pod never
    /// starts — a classic outage after a "hardening" change. The seeds' own Dockerfiles end with
    /// `USER app` and `USER nobody`.
    ///
    /// ## Example
    /// A Pod, and its image's metadata (`docker inspect registry.example.com/app:1.0.0`, here as
    /// YAML in a second document; any file of the scan will do):
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: app}
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.0.0
    /// ---
    /// - Id: sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6
    ///   RepoTags: [registry.example.com/app:1.0.0]
    ///   Created: "2026-11-01T00:00:00Z"
    ///   Config: {User: app}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: app}
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.0.0
    /// ---
    /// - Id: sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6
    ///   RepoTags: [registry.example.com/app:1.0.0]
    ///   Created: "2026-11-01T00:00:00Z"
    ///   Config: {User: app}
    /// ```
    /// or build the image with a numeric `USER 10001`.
    pub RunAsNonRootUnverifiable {
        id: "IMG003",
        name: "run-as-non-root-unverifiable",
        severity: Severity::High,
        title: "runAsNonRoot cannot be verified against the image user: the container will not start",
        help: "set a numeric `runAsUser` in the securityContext, or build the image with a numeric `USER`",
        references: ["Kubernetes: SecurityContext runAsNonRoot", "kubelet: verifyRunAsNonRoot"],
        peers: [],
        since: "0.1.0",
    }
}

impl Rule for RunAsNonRootUnverifiable {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_inventory(&self, input: &Inventory<'_>, _cx: &Context, out: &mut Sink) {
        if input.images.is_empty() {
            return;
        }
        for pod in &input.pods {
            for c in &pod.containers {
                if c.run_as_non_root.value.valid() != Some(true) {
                    continue;
                }
                if matches!(c.run_as_user.value, Lenient::Valid(_)) {
                    continue;
                }
                let Some(image) = c.image.valid() else { continue };
                let Some(r) = ImageRef::parse(image) else { continue };
                let Some((img, user)) = input.images_for(&r).into_iter().find_map(|m| m.user.as_ref().map(|u| (m, u)))
                else {
                    continue;
                };
                let parsed = image_user(&user.value);
                let (name, root) = (parsed.name, parsed.root);
                if !root && name.chars().all(|ch| ch.is_ascii_digit()) {
                    continue;
                }
                let from = format!("`{}` in `{}`", user.path, img.file);
                let message = if root {
                    let shown = if user.value.trim().is_empty() {
                        "sets no user".to_owned()
                    } else {
                        format!("runs as `{}`", user.value)
                    };
                    format!(
                        "{} requires `runAsNonRoot: true` but its image `{image}` {shown} ({from}): the kubelet will refuse to start it (`container has runAsNonRoot and image will run as root`); build the image with a numeric non-root `USER`, or set `runAsUser` to a non-zero UID",
                        c.describe()
                    )
                } else {
                    format!(
                        "{} requires `runAsNonRoot: true` without a numeric `runAsUser`, and its image `{image}` runs as the user name `{name}` ({from}): the kubelet cannot verify a name and will refuse to start it (`container has runAsNonRoot and image has non-numeric user ({name}), cannot verify user is non-root`); set `runAsUser: <uid of {name}>` in the securityContext or build the image with a numeric `USER`",
                        c.describe()
                    )
                };
                out.report(
                    Self::META,
                    At::Container(pod, c, c.effective_path(c.run_as_non_root.level, "runAsNonRoot")),
                    message,
                );
            }
        }
    }
}
