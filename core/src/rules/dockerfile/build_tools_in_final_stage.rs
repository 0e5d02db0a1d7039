use crate::api::Severity;
use crate::declare_rule;
use crate::dockerfile::shell::{self, Manager};
use crate::dockerfile::Dockerfile;
use crate::image::ImageRef;
use crate::rules::{Context, Rule, RuleMeta, Sink};

use super::{final_image_stages, report, runs, stage_words};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final image carries a toolchain: the final stage (or the stage it
    /// is built `FROM`) starts from an SDK image — `golang`, `rust`, `gcc`, `maven`, `gradle`,
    /// JDK images (`openjdk`, `eclipse-temurin`, `amazoncorretto` unless a `jre` tag),
    /// `dotnet/sdk`, `buildpack-deps` (not its `curl`/`scm` variants), and the full `node`,
    /// `python` and `ruby` images (not `-slim`/`-alpine`), which carry compilers — or installs
    /// compilers and build tools (`gcc`, `g++`, `clang`, `make`, `cmake`, `build-essential`,
    /// `build-base`, ..., or `python3-pip` through apt without `--no-install-recommends`, which
    /// pulls `build-essential` in). Build dependencies removed again in the same `RUN`
    /// (`apt-get purge`, `apk del`) are not flagged.
    ///
    /// ## Why is this bad?
    /// Compilers and SDKs in a production image make it ten times bigger ("800MB image with
    /// everything including gcc") and hand an attacker who gets a shell everything needed to
    /// build exploits. A multi-stage build compiles in a builder stage and copies only the
    /// result into a minimal final stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// WORKDIR /app
    /// COPY . .
    /// RUN go build -o app
    /// CMD ["./app"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// WORKDIR /app
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o app
    ///
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=builder /app/app /app
    /// USER 65532
    /// CMD ["/app"]
    /// ```
    pub DockerfileBuildToolsInFinalStage {
        id: "DKR003",
        name: "dockerfile-build-tools-in-final-stage",
        severity: Severity::Medium,
        title: "The final image carries compilers or an SDK: no multi-stage separation",
        help: "build in a builder stage and `COPY --from` only the artifacts into a slim or distroless final stage",
        references: ["Docker docs: Multi-stage builds", "NIST SP 800-190 4.1.1"],
        peers: [],
        since: "0.1.0",
    }
}

/// Why an image is an SDK image, if it is one.
pub(crate) fn sdk_image(image: &str) -> Option<&'static str> {
    let r = ImageRef::parse(image)?;
    let tag = r.tag.as_deref().unwrap_or(if r.digest.is_some() { "" } else { "latest" }).to_ascii_lowercase();
    let lean = tag.contains("slim") || tag.contains("alpine");
    match r.short_name() {
        "golang" => Some("the Go toolchain"),
        "rust" => Some("the Rust toolchain"),
        "gcc" => Some("the GNU compilers"),
        "maven" | "gradle" => Some("a JDK and a build tool"),
        "openjdk" | "eclipse-temurin" | "amazoncorretto" | "ibm-semeru-runtimes" | "sapmachine"
            if !tag.contains("jre") =>
        {
            Some("a full JDK")
        }
        "sdk" if r.repository.ends_with("/dotnet/sdk") => Some("the .NET SDK"),
        "buildpack-deps" if !(tag.contains("curl") || tag.contains("scm")) => Some("gcc, make and development headers"),
        "node" | "python" | "ruby" if !lean => {
            Some("gcc, make and development headers (use the `-slim` or `-alpine` variant)")
        }
        _ => None,
    }
}

/// Whether a package is a compiler or build tool.
fn is_build_tool(p: &str) -> bool {
    let base = p.split(['=', ':']).next().unwrap_or(p);
    let versioned = |stem: &str| {
        base.strip_prefix(stem).is_some_and(|r| {
            r.starts_with('-') && r.get(1..).is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        })
    };
    matches!(
        base,
        "gcc"
            | "g++"
            | "clang"
            | "make"
            | "cmake"
            | "build-essential"
            | "build-base"
            | "autoconf"
            | "automake"
            | "libtool"
            | "golang"
            | "golang-go"
            | "rustc"
            | "cargo"
            | "gcc-c++"
            | "musl-dev"
    ) || versioned("gcc")
        || versioned("g++")
        || versioned("clang")
}

impl Rule for DockerfileBuildToolsInFinalStage {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check_dockerfile(&self, file: &str, df: &Dockerfile, _cx: &Context, out: &mut Sink) {
        let Some(last) = df.final_stage() else { return };
        let root = df.root_stage(last);
        if !root.unresolved {
            if let Some(why) = sdk_image(&root.image) {
                let via = if root.index == last.index {
                    String::new()
                } else {
                    format!(" (through stage `{}`)", root.label())
                };
                report(out, Self::META, file, df, last.from, format!(
                    "{} is built on `{}`{via}, which carries {why}: build in a builder stage and copy only the artifacts into a minimal final stage",
                    stage_words(df, last),
                    root.image
                ));
            }
        }
        for s in final_image_stages(df) {
            for (idx, _ins, cmds) in runs(df, s) {
                if cmds.iter().any(|c| shell::removes_packages(c)) {
                    continue;
                }
                let mut seen: Vec<&str> = Vec::new();
                let mut tools: Vec<String> = Vec::new();
                let installs: Vec<shell::Install> = cmds.iter().filter_map(|c| shell::install(c)).collect();
                for inst in &installs {
                    if inst.manager == Manager::Pip {
                        continue;
                    }
                    for p in &inst.packages {
                        if seen.contains(&p.as_str()) {
                            continue;
                        }
                        if is_build_tool(p) {
                            seen.push(p);
                            tools.push(format!("`{p}`"));
                        } else if inst.manager == Manager::Apt
                            && !inst.has("--no-install-recommends")
                            && (p == "python3-pip" || p == "python-pip")
                        {
                            seen.push(p);
                            tools.push(format!(
                                "`{p}` (without `--no-install-recommends` it pulls in `build-essential`)"
                            ));
                        }
                    }
                }
                if tools.is_empty() {
                    continue;
                }
                let list = tools.join(", ");
                report(out, Self::META, file, df, idx, format!(
                    "{} installs build tools that stay in the image: {list}; compile in a builder stage, or remove them in the same `RUN`",
                    stage_words(df, s)
                ));
            }
        }
    }
}
