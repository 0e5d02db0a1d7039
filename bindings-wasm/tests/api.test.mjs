// The package API from node: reports, options, errors as real Error objects, hostile inputs.
// Rule semantics are the Rust tests' business; this only checks the binding's surface.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  checkFiles,
  checkManifest,
  fileContents,
  fileKind,
  fix,
  netpol,
  netpolFiles,
  pss,
  pssFiles,
  pssVersions,
  rules,
  toSarif,
  version,
} from "../index.js";

const data = (name) => readFileSync(new URL(`./data/${name}`, import.meta.url), "utf8");
const privilegedPod = data("privileged-pod.yaml");

/** Calls `fn`, which must throw; returns what it threw. */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an exception");
}

/** The instance still works: a panic or trap would have killed it. */
function assertAlive() {
  const r = checkManifest(privilegedPod, { filename: "alive.yaml" });
  assert.ok(r.findings.some((f) => f.name === "privileged-container"), "the instance no longer checks");
}

test("a privileged pod gives a located privileged-container finding", () => {
  const r = checkManifest(privilegedPod, { filename: "pod.yaml" });
  assert.equal(r.version, 1);
  assert.equal(r.tool.name, "kubeharden");
  assert.equal(r.tool.version, version());
  const f = r.findings.find((x) => x.name === "privileged-container");
  assert.ok(f, JSON.stringify(r.findings));
  assert.equal(f.rule, "POD001");
  assert.equal(f.severity, "critical");
  assert.equal(f.file, "pod.yaml");
  assert.equal(f.document, 0);
  assert.equal(f.line, 10);
  assert.equal(typeof f.column, "number");
  assert.deepEqual(f.object, { apiVersion: "v1", kind: "Pod", namespace: "default", name: "debug" });
  assert.equal(f.container, "shell");
  assert.equal(f.path, "spec.containers[0].securityContext.privileged");
  assert.match(f.message, /privileged/);
  assert.equal(r.summary.files, 1);
  assert.equal(r.summary.objects, 1);
  assert.equal(r.summary.findings, r.findings.length);
  assert.deepEqual(Object.keys(r.summary.by_severity).sort(), ["critical", "high", "info", "low", "medium"]);
  assert.equal(r.summary.by_severity.critical, r.findings.filter((x) => x.severity === "critical").length);
  assert.deepEqual(r.errors, []);
});

test("the report is plain JSON data (survives a JSON round trip unchanged)", () => {
  const r = checkManifest(data("app.yaml"), { filename: "app.yaml" });
  assert.ok(r.findings.length >= 2);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
});

test("without a filename the text is named <input>; JSON text is read as JSON", () => {
  assert.equal(checkManifest(privilegedPod).findings[0].file, "<input>");
  const json = JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "j" },
    spec: { containers: [{ name: "c", image: "x:1", securityContext: { privileged: true } }] },
  }, null, 2);
  const r = checkManifest(json, { filename: "pod.json" });
  const f = r.findings.find((x) => x.name === "privileged-container");
  assert.ok(f);
  assert.equal(f.line, 13);
});

test("rules() lists every rule with id, name, severity and docs with a Fix section", () => {
  const list = rules();
  assert.ok(list.length >= 1);
  const ids = list.map((r) => r.id);
  assert.deepEqual([...ids].sort(), ids, "sorted by id");
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
  for (const r of list) {
    assert.match(r.id, /^[A-Z]{3}\d{3}$/);
    assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(["info", "low", "medium", "high", "critical"].includes(r.severity), r.severity);
    assert.equal(typeof r.enabled_by_default, "boolean");
    assert.ok(Array.isArray(r.references) && Array.isArray(r.peers));
    assert.match(r.docs, /## Fix/);
  }
  assert.ok(list.some((r) => r.id === "POD001" && r.name === "privileged-container"));
});

test("version() is the core's semver version", () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("config: ignore, select, severity and enable are applied by the core", () => {
  const app = data("app.yaml");
  const all = checkManifest(app).findings;
  assert.ok(all.some((f) => f.name === "privileged-container"));
  const ignored = checkManifest(app, { config: { ignore: ["privileged-container"] } }).findings;
  assert.ok(!ignored.some((f) => f.name === "privileged-container"));
  assert.ok(ignored.length > 0 && ignored.length < all.length);
  const selected = checkManifest(app, { config: { select: ["POD001"] } }).findings;
  assert.ok(selected.length > 0 && selected.every((f) => f.rule === "POD001"));
  const lowered = checkManifest(app, { config: { severity: { "privileged-container": "low" } } }).findings;
  assert.ok(lowered.filter((f) => f.rule === "POD001").every((f) => f.severity === "low"));
  for (const r of rules()) {
    const enabled = checkManifest(app, { config: { enable: [r.name] } });
    assert.equal(enabled.version, 1);
  }
  // the same configuration as .kubeharden.yaml text
  const fromText = checkManifest(app, { config: "ignore: [privileged-container]\n" }).findings;
  assert.deepEqual(fromText, ignored);
});

test("a bad configuration throws a ConfigError (an Error with message and location)", () => {
  const e = thrown(() => checkManifest(privilegedPod, { config: "ignore: []\nbogus: 1\n" }));
  assert.ok(e instanceof Error);
  assert.equal(e.name, "ConfigError");
  assert.match(e.message, /bogus/);
  assert.equal(e.file, ".kubeharden.yaml");
  assert.equal(e.line, 2);
  assert.equal(typeof e.column, "number");
  assert.match(e.message, /^\.kubeharden\.yaml:2:\d+: /);

  const unknown = thrown(() => checkManifest(privilegedPod, { config: { select: ["no-such-rule"] } }));
  assert.ok(unknown instanceof Error);
  assert.equal(unknown.name, "ConfigError");
  assert.match(unknown.message, /`no-such-rule`/);

  const badKey = thrown(() => checkManifest(privilegedPod, { config: { "fail-on": "high", selct: [] } }));
  assert.ok(badKey instanceof Error);
  assert.equal(badKey.name, "ConfigError");
  assert.match(badKey.message, /selct/);

  const badSeverity = thrown(() => checkManifest(privilegedPod, { config: { severity: { "privileged-container": "urgent" } } }));
  assert.ok(badSeverity instanceof Error);
  assert.match(badSeverity.message, /urgent/);
  assertAlive();
});

test("a bad request throws a RequestError: unknown option, bad now, wrong types", () => {
  const opt = thrown(() => checkManifest(privilegedPod, { fileName: "x.yaml" }));
  assert.ok(opt instanceof Error);
  assert.equal(opt.name, "RequestError");
  assert.match(opt.message, /fileName/);

  const now = thrown(() => checkManifest(privilegedPod, { now: "yesterday" }));
  assert.ok(now instanceof Error);
  assert.equal(now.name, "RequestError");
  assert.match(now.message, /`yesterday`/);
  assert.equal(checkManifest(privilegedPod, { now: "2026-11-22T00:00:00Z" }).version, 1);

  const files = thrown(() => checkFiles([{ name: "a.yaml" }]));
  assert.ok(files instanceof Error);
  assert.equal(files.name, "RequestError");
  assert.match(files.message, /content/);

  const filesOpt = thrown(() => checkFiles([], { filename: "x" }));
  assert.ok(filesOpt instanceof Error);
  assert.match(filesOpt.message, /filename/);
  assertAlive();
});

test("arguments of the wrong type throw a RequestError and never trap the instance", () => {
  for (const text of [42, undefined, null, {}, ["kind: Pod"], Symbol.iterator]) {
    const e = thrown(() => checkManifest(text));
    assert.ok(e instanceof Error);
    assert.equal(e.name, "RequestError");
    assert.match(e.message, /must be a string/);
    assertAlive();
  }
  for (const files of [42, "a.yaml", null, undefined, {}, { name: "a", content: "" }]) {
    const e = thrown(() => checkFiles(files));
    assert.ok(e instanceof Error);
    assert.equal(e.name, "RequestError");
    assertAlive();
  }
  const badFile = thrown(() => checkFiles([{ name: 1, content: "a" }]));
  assert.equal(badFile.name, "RequestError");
  const opts = thrown(() => checkManifest("a: 1", 5));
  assert.equal(opts.name, "RequestError");
  assert.doesNotMatch(opts.message, /Options|struct/, "no Rust type names in messages");
  const config = thrown(() => checkManifest("a: 1", { config: 5 }));
  assert.equal(config.name, "ConfigError");
  assert.match(config.message, /`config` must be an object/);
  assertAlive();
});

test("a syntax error is a ParseError, or with strict: false a located input error", () => {
  const text = "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: {}\n";
  const r = checkManifest(text, { filename: "broken.yaml", strict: false });
  assert.equal(r.errors.length, 1);
  const [err] = r.errors;
  assert.equal(err.file, "broken.yaml");
  assert.equal(typeof err.line, "number");
  assert.equal(typeof err.message, "string");
  assert.equal(r.summary.errors, 1);

  const e = thrown(() => checkManifest(text, { filename: "broken.yaml" }));
  assert.ok(e instanceof Error);
  assert.equal(e.name, "ParseError");
  assert.equal(e.file, "broken.yaml");
  assert.equal(e.line, err.line);
  assert.equal(e.column, err.column);
  assert.equal(e.document, err.document);
  assert.ok(e.message.startsWith(`broken.yaml:${err.line}:${err.column}: `), e.message);
  // strict without input errors returns the report
  assert.equal(checkManifest(privilegedPod, { strict: true }).errors.length, 0);
});

test("checkFiles checks several files in one report", () => {
  const r = checkFiles([
    { name: "pod.yaml", content: privilegedPod },
    { name: "app.yaml", content: data("app.yaml") },
  ]);
  assert.equal(r.summary.files, 2);
  assert.deepEqual([...new Set(r.findings.map((f) => f.file))].sort(), ["app.yaml", "pod.yaml"]);
  const ignored = checkFiles([{ name: "pod.yaml", content: privilegedPod }], { config: { ignore: ["POD001"] } });
  assert.ok(!ignored.findings.some((f) => f.rule === "POD001"));
});

// A pod that the restricted level admits: non-root, no privilege escalation, every capability
// dropped, the runtime's seccomp profile.
const hardenedPod = `apiVersion: v1
kind: Pod
metadata:
  name: hardened
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
`;

test("pss: a privileged pod is denied at baseline, with check `privileged` located on its line", () => {
  const r = pss(privilegedPod, { level: "baseline", version: "latest" });
  assert.equal(r.level, "baseline");
  assert.equal(r.version, "latest");
  assert.deepEqual(r.errors, []);
  assert.equal(r.results.length, 1);
  const [res] = r.results;
  assert.equal(res.file, "<input>");
  assert.equal(res.document, 0);
  assert.deepEqual(res.object, { apiVersion: "v1", kind: "Pod", namespace: "default", name: "debug" });
  assert.equal(res.allowed, false);
  const v = res.violations.find((x) => x.check === "privileged");
  assert.ok(v, JSON.stringify(res.violations));
  // Kubernetes' wording: `<reason> (<detail>)`
  assert.equal(v.message, 'privileged (container "shell" must not set securityContext.privileged=true)');
  assert.equal(v.path, "spec.containers[0].securityContext.privileged");
  assert.equal(privilegedPod.split("\n")[v.line - 1].trim(), "privileged: true");
  assert.equal(typeof v.column, "number");
  // the privileged level admits everything
  assert.equal(pss(privilegedPod, { level: "privileged" }).results[0].allowed, true);
});

test("pss: a hardened pod is allowed at restricted; pssFiles names the files and finds controllers", () => {
  for (const version of ["latest", "v1.0", "v1.25", pssVersions()[1]]) {
    const r = pss(hardenedPod, { level: "restricted", version });
    assert.equal(r.version, version);
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0].allowed, true, `${version}: ${JSON.stringify(r.results[0].violations)}`);
    assert.deepEqual(r.results[0].violations, []);
  }
  const r = pssFiles([
    { name: "hardened.yaml", content: hardenedPod },
    { name: "app.yaml", content: data("app.yaml") },
  ], { level: "restricted", version: "latest" });
  assert.deepEqual(r.results.map((x) => `${x.file} ${x.object.kind}/${x.object.name} ${x.allowed}`), [
    "hardened.yaml Pod/hardened true",
    "app.yaml Deployment/web false",
    "app.yaml Deployment/worker false",
  ], "one result per pod-bearing object (the Service has none)");
  const web = r.results[1];
  assert.ok(web.violations.some((v) => v.check === "privileged"));
  for (const v of web.violations) assert.ok(v.path.startsWith("spec.template.spec."), v.path);
});

test("pss: bad level, version or arguments throw a RequestError; input errors are listed", () => {
  const level = thrown(() => pss(privilegedPod, { level: "strict" }));
  assert.ok(level instanceof Error);
  assert.equal(level.name, "RequestError");
  assert.match(level.message, /`strict`/);
  const version = thrown(() => pss(privilegedPod, { level: "baseline", version: "1.30" }));
  assert.ok(version instanceof Error);
  assert.equal(version.name, "RequestError");
  assert.match(version.message, /`1\.30`/);
  for (const args of [[42], [privilegedPod, 1], [privilegedPod, "baseline"], [privilegedPod, { level: 3 }], [privilegedPod, { levl: "baseline" }]]) {
    const e = thrown(() => pss(...args));
    assert.ok(e instanceof Error);
    assert.equal(e.name, "RequestError", `${args[1]}: ${e.message}`);
  }
  assert.match(thrown(() => pss(privilegedPod, "baseline")).message, /options must be an object, not string/);
  assert.match(thrown(() => pss(privilegedPod, { levl: "baseline" })).message, /unknown field `levl`/);
  const files = thrown(() => pssFiles("pod.yaml", { level: "baseline" }));
  assert.equal(files.name, "RequestError");
  const broken = pssFiles([{ name: "broken.yaml", content: "kind: Pod\nmetadata: {name: x\n" }], { level: "baseline", strict: false });
  assert.equal(broken.results.length, 0);
  assert.equal(broken.errors.length, 1);
  assert.equal(broken.errors[0].file, "broken.yaml");
  assertAlive();
});

test("pssVersions: latest, then v1.<newest> down to v1.0, each accepted by pss", () => {
  const versions = pssVersions();
  assert.equal(versions[0], "latest");
  assert.equal(versions.at(-1), "v1.0");
  const minors = versions.slice(1).map((v) => Number(/^v1\.(\d+)$/.exec(v)[1]));
  assert.deepEqual(minors, Array.from({ length: minors.length }, (_, i) => minors.length - 1 - i));
  for (const v of versions) assert.equal(pss(privilegedPod, { level: "baseline", version: v }).version, v);
});

test("toSarif: a SARIF 2.1.0 log whose results are the report's findings", () => {
  const report = checkManifest(data("app.yaml"), { filename: "app.yaml" });
  const text = toSarif(report);
  assert.equal(typeof text, "string");
  const log = JSON.parse(text);
  assert.equal(log.version, "2.1.0");
  assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, "kubeharden");
  assert.equal(run.tool.driver.version, version());
  assert.equal(run.tool.driver.rules.length, rules().length);
  assert.equal(run.results.length, report.findings.length);
  assert.ok(report.findings.length > 0);
  report.findings.forEach((f, i) => {
    const r = run.results[i];
    assert.equal(r.ruleId, f.rule);
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, f.rule);
    assert.equal(r.partialFingerprints["kubeharden/v1"], f.fingerprint);
    const loc = r.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, f.file);
    assert.equal(loc.region.startLine, f.line);
    assert.equal(loc.region.startColumn, f.column);
  });
  // the same report after a JSON round trip (as the page copies it) gives the same log
  assert.equal(toSarif(JSON.parse(JSON.stringify(report))), text);
  // input errors become notifications
  const broken = checkManifest("kind: Pod\nmetadata: {name: x\n", { filename: "broken.yaml", strict: false });
  const notes = JSON.parse(toSarif(broken)).runs[0].invocations[0];
  assert.equal(notes.executionSuccessful, false);
  assert.equal(notes.toolExecutionNotifications.length, 1);
});

test("toSarif: anything but a report throws a RequestError", () => {
  for (const bad of [undefined, null, 42, "report", {}, { version: 1 }, [], pss(privilegedPod)]) {
    const e = thrown(() => toSarif(bad));
    assert.ok(e instanceof Error, String(e));
    assert.equal(e.name, "RequestError");
    assert.match(e.message, /report/);
  }
  assertAlive();
});

// Hostile inputs: each returns a report or throws an Error, and the instance survives.
function hostile(text, options) {
  let out;
  try {
    out = checkManifest(text, options);
  } catch (e) {
    assert.ok(e instanceof Error, `threw a non-Error: ${e}`);
    out = e;
  }
  assertAlive();
  return out;
}

test("hostile: an alias bomb (billion laughs) is bounded", () => {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(", ")}]`);
  }
  const t0 = performance.now();
  const out = hostile(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => "  " + l).join("\n")}\n`);
  assert.ok(performance.now() - t0 < 10_000);
  assert.ok(out instanceof Error || out.errors.length > 0, "an alias bomb must be reported");
});

test("hostile: 100k-deep nesting in YAML flow, YAML block and JSON", () => {
  const depth = 100_000;
  const flow = hostile("[".repeat(depth) + "]".repeat(depth));
  assert.ok(flow instanceof Error || flow.errors.length > 0);
  const json = hostile('{"a":'.repeat(depth) + "1" + "}".repeat(depth), { filename: "deep.json" });
  assert.ok(json instanceof Error || json.errors.length > 0);
  const seq = hostile("- ".repeat(depth) + "x\n");
  assert.ok(seq instanceof Error || seq.errors.length > 0);
  const maps = hostile(Array.from({ length: 2000 }, (_, i) => " ".repeat(i) + "a:").join("\n") + " 1\n");
  assert.ok(maps instanceof Error || maps.errors.length > 0);
});

test("hostile: huge inputs (a 2 MB manifest of 10k pods, a 8 MB scalar, 50k documents)", () => {
  const pods = Array(Math.ceil((2 * 1024 * 1024) / (privilegedPod.length + 4))).fill(privilegedPod);
  // One rule: a finding per pod, within what the memory bound of a check leaves for findings
  // (4 × the input + 100 MB: a 4 MB manifest of 20k such pods is past it, and is cut, said).
  const big = hostile(pods.join("---\n"), { filename: "big.yaml", config: { select: ["POD001"] } });
  assert.ok(!(big instanceof Error), String(big));
  assert.equal(big.summary.objects, pods.length);
  assert.equal(big.findings.filter((f) => f.rule === "POD001").length, pods.length);
  // Every rule: more findings than a report keeps (issue 16). Never cut in silence: strict, an
  // Error that says so; otherwise as many kept as the memory bound leaves room for (at least
  // 8,192, at most 100,000, fewer once the findings another one implies are folded) and one
  // input error counting the rest.
  const strict = hostile(pods.join("---\n"), { filename: "big.yaml" });
  assert.ok(strict instanceof Error && /more findings were not kept/.test(strict.message), String(strict));
  const lenient = hostile(pods.join("---\n"), { filename: "big.yaml", strict: false });
  assert.equal(lenient.summary.objects, pods.length);
  assert.ok(lenient.findings.length > 5_000 && lenient.findings.length <= 100_000, `${lenient.findings.length}`);
  assert.equal(lenient.errors.length, 1);
  assert.match(lenient.errors[0].message, /more findings were not kept: the report stops at \d+ findings \(as many as fit in the memory bound/);

  const scalar = hostile(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  x: "${"y".repeat(8 * 1024 * 1024)}"\n`);
  assert.ok(!(scalar instanceof Error));
  // 50 000 documents that are no Kubernetes object: one input error each, never a clean report.
  const docs = hostile("---\na: 1\n".repeat(50_000), { strict: false });
  assert.equal(docs.errors.length, 50_000);
  assert.match(docs.errors[0].message, /not a Kubernetes object/);
});

test("hostile: binary junk, NUL bytes, lone surrogates and a BOM", () => {
  const junk = Array.from({ length: 100_000 }, (_, i) => String.fromCharCode((i * 7919) % 0xd7ff)).join("");
  hostile(junk);
  hostile("\u0000\u0001apiVersion: v1\u0000");
  hostile("kind: Pod\nmetadata: {name: \ud800}\n");
  const bom = hostile("\ufeff" + privilegedPod);
  assert.ok(bom.findings.some((f) => f.rule === "POD001"));
  hostile("", { filename: "empty.json" });
  hostile("{", { filename: "x.json" });
});

// ---- issue 16.8: never a silent pass at the boundary --------------------------------------------

const dockerfile = "FROM ubuntu:latest\nRUN apt-get install -y curl\n";

test("a pasted Dockerfile is recognised by its content, or named with kind", () => {
  const sniffed = checkManifest(dockerfile);
  assert.deepEqual(sniffed.errors, []);
  assert.ok(sniffed.findings.some((f) => f.rule.startsWith("DKR")), JSON.stringify(sniffed.findings));
  assert.ok(sniffed.findings.every((f) => f.file === "<input>"));
  // A YAML name says YAML: read so, a Dockerfile is no Kubernetes object, and says so.
  const asYaml = thrown(() => checkManifest(dockerfile, { filename: "pasted.yaml" }));
  assert.equal(asYaml.name, "ParseError");
  assert.match(asYaml.message, /not a Kubernetes object/);
  const named = checkManifest(dockerfile, { filename: "pasted.yaml", kind: "dockerfile" });
  assert.deepEqual(named.findings.map((f) => f.rule), sniffed.findings.map((f) => f.rule));
  const files = checkFiles([{ name: "build", content: dockerfile }, { name: "x.txt", content: dockerfile, kind: "dockerfile" }]);
  assert.deepEqual([...new Set(files.findings.map((f) => f.file))].sort(), ["build", "x.txt"]);
  assert.equal(fileKind({ name: "pasted-1", content: dockerfile }), "dockerfile");
  assert.equal(fileKind({ name: "pasted-1", content: privilegedPod }), "yaml");
  assert.equal(fileKind({ name: "Dockerfile", content: "" }), "dockerfile");
  assert.equal(fileKind({ name: "app.yaml", content: dockerfile }), "yaml");
  assert.equal(fileKind({ name: "app.yaml", content: dockerfile, kind: "dockerfile" }), "dockerfile");
  // what a file holds, by content (the page labels its tabs with it)
  const skopeo = JSON.stringify({ Name: "registry.example.com/app", Digest: `sha256:${"0".repeat(64)}`, RepoTags: ["1.0"], Created: "2026-01-01T00:00:00Z", Architecture: "amd64", Os: "linux", Layers: [] });
  const holds = (content, kind) => fileContents(kind ? { name: "pasted-1", content, kind } : { name: "pasted-1", content });
  assert.deepEqual(
    [holds(privilegedPod), holds(dockerfile), holds(skopeo), holds("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"), holds("a: [\n"), holds("# nothing\n"), holds(dockerfile, "yaml")],
    ["manifest", "dockerfile", "image", "other", "unreadable", "empty", "unreadable"],
  );
  const kind = thrown(() => checkManifest(dockerfile, { kind: "docker" }));
  assert.equal(kind.name, "RequestError");
  assert.match(kind.message, /unknown variant `docker`/);
});

test("text that is no Kubernetes object is an error, not a clean report", () => {
  for (const text of ["hello", "[1, 2, 3]", "{\"foo\": 1}", "a: 1\n"]) {
    const e = thrown(() => checkManifest(text));
    assert.equal(e.name, "ParseError");
    assert.match(e.message, /not a Kubernetes object/);
    assert.equal(e.document, 0);
    const r = checkManifest(text, { strict: false });
    assert.equal(r.errors.length, 1);
    assert.deepEqual(r.findings, []);
  }
  // Nothing is nothing to check: no error.
  assert.deepEqual(checkManifest("# only a comment\n").errors, []);
  const secret = thrown(() => checkManifest("password: hunter2\n"));
  assert.doesNotMatch(secret.message, /hunter2/);
  assert.equal(thrown(() => pss("hello")).name, "ParseError");
  assert.match(thrown(() => pss(dockerfile)).message, /a Dockerfile holds no Kubernetes object/);
  assert.equal(thrown(() => netpol("hello")).name, "ParseError");
});

test("wrong inputs are input errors that say what to run instead, as on the command line", () => {
  const kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base]\n";
  const k = thrown(() => checkManifest(kustomization));
  assert.equal(k.name, "ParseError");
  assert.match(k.message, /`kustomize build DIR \| kubeharden scan -`/);
  const t = thrown(() => pss("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n"));
  assert.match(t.message, /unrendered Helm template/);
  assert.equal(t.line, 4);
  const own = checkManifest(JSON.stringify(checkManifest(privilegedPod, { strict: false })), { filename: "report.json", strict: false });
  assert.deepEqual(own.findings, []);
  assert.match(own.errors[0].message, /a report kubeharden wrote/);
});

test("misspelt keys are refused at every depth", () => {
  const cases = [
    [() => checkManifest(privilegedPod, { config: { options: { nope: 1 } } }), "ConfigError", /nope/],
    [() => checkManifest(privilegedPod, { config: { severity: { "privileged-container": "urgent" } } }), "ConfigError", /urgent/],
    [() => checkManifest(privilegedPod, { config: { options: { "vulnerability-waivers": [{ id: "x", reason: "r", expires: "2030-01-01", pkg: "a" }] } } }), "ConfigError", /pkg/],
    [() => checkFiles([{ name: "a.yaml", content: privilegedPod, knd: "yaml" }]), "RequestError", /knd/],
    [() => netpol(privilegedPod, { form: "a" }), "RequestError", /form/],
  ];
  for (const [call, name, message] of cases) {
    const e = thrown(call);
    assert.equal(e.name, name, e.message);
    assert.match(e.message, message);
  }
  assertAlive();
});

// ---- issue 21.10: bytes, one set of defaults ----------------------------------------------------------

test("UTF-8 bytes are accepted everywhere; other bytes are the command's input error", () => {
  const bytes = new TextEncoder().encode(privilegedPod);
  assert.deepEqual(checkManifest(bytes), checkManifest(privilegedPod));
  assert.deepEqual(checkFiles([{ name: "p.yaml", content: bytes }]), checkFiles([{ name: "p.yaml", content: privilegedPod }]));
  assert.deepEqual(pss(bytes), pss(privilegedPod));
  assert.deepEqual(netpol(bytes), netpol(privilegedPod));
  const bad = new Uint8Array([...new TextEncoder().encode("apiVersion: v1\nkind: Pod\nmetadata: {name: "), 0xff, 0x7d, 0x0a]);
  const e = thrown(() => checkManifest(bad, { filename: "bad.yaml" }));
  assert.equal(e.name, "ParseError");
  assert.equal(e.file, "bad.yaml");
  // The message of `kubeharden scan bad.yaml` for the same bytes (cli/src/inputs.rs).
  assert.equal(e.message, "bad.yaml: not valid UTF-8 (line 3, byte 42): YAML and JSON manifests must be UTF-8");
  assert.equal(checkManifest(bad, { strict: false }).errors.length, 1);
});

test("one set of defaults: pss at restricted, latest; strict; now from the clock", () => {
  const r = pss(privilegedPod);
  assert.equal(r.level, "restricted");
  assert.equal(r.version, "latest");
  assert.deepEqual(pss(privilegedPod, {}), r);
  assert.deepEqual(pssFiles([{ name: "<input>", content: privilegedPod }]), r);
  // Without `now`, the date rules compare with the clock (as the command and Python do).
  const old = readFileSync(new URL("../../core/src/rules/image/image_too_old/fail.json", import.meta.url), "utf8");
  assert.ok(checkManifest(old, { filename: "img.json" }).findings.some((f) => f.name === "image-too-old"));
  assert.ok(!checkManifest(old, { filename: "img.json", now: "2024-01-01T00:00:00Z" }).findings.some((f) => f.name === "image-too-old"));
});

// ---- netpol ---------------------------------------------------------------------------------------------------

const network = data("network.yaml");

test("netpol: a pair, a row, a column and the matrix", () => {
  const pair = netpol(network, { from: "api", to: "db", port: 5432 });
  assert.equal(pair.scope, "pair");
  assert.equal(pair.port, "5432");
  assert.equal(pair.pairs.length, 1);
  const [p] = pair.pairs;
  assert.equal(p.from, "Deployment/shop/api");
  assert.equal(p.allowed, true);
  assert.equal(p.ports, "5432/TCP");
  assert.deepEqual(p.ingress.allowedBy, [{ policy: "shop/db", rule: "ingress[0]", peer: 0, peerDescription: "from[0]", ports: "5432/TCP" }]);
  assert.deepEqual(p.ingress.isolatedBy, ["shop/db"]);
  assert.equal(p.egress.isolated, false);
  assert.equal(netpol(network, { from: "external", to: "db" }).pairs[0].allowed, false);
  const row = netpol(network, { from: "api" });
  assert.equal(row.scope, "row");
  assert.deepEqual(row.pairs.map((x) => x.to), row.workloads);
  const column = netpolFiles([{ name: "net.yaml", content: network }], { to: "shop/db" });
  assert.equal(column.scope, "column");
  assert.deepEqual(column.pairs.map((x) => x.from), column.workloads);
  const matrix = netpol(network);
  assert.deepEqual(matrix.workloads, ["Deployment/shop/api", "Deployment/shop/db", "external"]);
  assert.equal(matrix.pairs.length, 8);
  assert.equal(matrix.from, null);
  assert.deepEqual(matrix.errors, []);
  assert.deepEqual(JSON.parse(JSON.stringify(matrix)), matrix, "plain data");
});

test("netpol: errors", () => {
  const cases = [
    [{ from: "nope" }, "RequestError", /no workload `nope` in the input/],
    [{ port: 0 }, "RequestError", /--port: port `0` is not between 1 and 65535/],
    [{ port: "80/XYZ" }, "RequestError", /`XYZ` is not TCP, UDP or SCTP/],
    [{ from: "external", to: "external" }, "RequestError", /does not cross the cluster/],
    [{ port: true }, "RequestError", /a port number or a string/],
  ];
  for (const [options, name, message] of cases) {
    const e = thrown(() => netpol(network, options));
    assert.equal(e.name, name);
    assert.match(e.message, message);
  }
  // An input error comes first: the workload may be in the file that could not be read.
  assert.equal(thrown(() => netpol("kind: Deployment\nmetadata: {name: [\n", { from: "api" })).name, "ParseError");
  const invalid = network.replace("matchLabels: {app: api}", "matchExpressions: [{key: app, operator: in, values: [api]}]");
  const warned = netpol(invalid, { filename: "net.yaml" });
  assert.equal(warned.warnings.length, 1);
  assert.equal(warned.warnings[0].file, "net.yaml");
  assert.match(warned.warnings[0].message, /`in` is not a selector operator/);
  assert.match(thrown(() => netpolFiles([], { filename: "x" })).message, /each file of `netpolFiles` has its name/);
  assertAlive();
});

test("fix: safe fixes by default, unsafe on request, the secret written nowhere, idempotent", () => {
  const pod = [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: web  # the front end",
    "spec:",
    "  containers:",
    "    - name: app",
    "      image: registry.example.com/web:1.0",
    "      env:",
    "        - name: DB_PASSWORD",
    "          value: fixture-hunter2",
    "      securityContext:",
    "        privileged: true",
    "        capabilities:",
    "          drop: [all]",
    "",
  ].join("\n");
  const now = "2026-11-22T00:00:00Z";
  const safe = fix(pod, { filename: "pod.yaml", now });
  assert.ok(safe.text.includes("drop: [ALL]"));
  assert.ok(safe.text.includes("name: web  # the front end\n"));
  assert.ok(safe.text.includes("privileged: true"));
  assert.deepEqual(new Set(safe.applied.map((f) => f.name)), new Set(["capabilities-drop-all-missing", "seccomp-profile-missing"]));
  assert.ok(safe.applied.every((f) => f.fix.applicability === "safe" && f.fix.edits.length > 0));
  assert.ok(safe.remaining.findings.some((f) => f.name === "privileged-container" && f.fix?.applicability === "unsafe"));
  const all = fix(pod, { filename: "pod.yaml", now, unsafe: true, config: { fix: { "secret-name": "{name}-env" } } });
  assert.ok(all.text.includes("privileged: false"));
  assert.ok(all.text.includes("name: web-env"));
  assert.ok(!JSON.stringify(all).includes("hunter2"));
  const again = fix(all.text, { filename: "pod.yaml", now, unsafe: true, config: { fix: { "secret-name": "{name}-env" } } });
  assert.equal(again.text, all.text);
  assert.equal(again.applied.length, 0);
  const e = thrown(() => fix("apiVersion: v1\nkind: Pod\nmetadata: {name: p\n", { filename: "bad.yaml" }));
  assert.ok(e instanceof Error && e.name === "ParseError", String(e));
  assert.ok(rules().every((r) => ["always", "sometimes", "never"].includes(r.fix)));
});

// No secret reaches a report: the values planted in core/tests/data/leaks (shared with the
// command's and the Python package's tests) appear in no result, JSON or SARIF.
test("planted secrets reach no result", () => {
  const leaks = (name) => readFileSync(new URL(`../../core/tests/data/leaks/${name}`, import.meta.url), "utf8");
  const planted = leaks("planted.txt").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  assert.ok(planted.length >= 15);
  const clean = (what, text) => {
    for (const v of planted) assert.ok(!text.includes(v), `${what} shows the planted secret ${v}`);
    assert.ok(!text.includes("S3CR3T"), `${what} shows part of a planted secret`);
  };
  const files = ["manifests.yaml", "minified.json", "Dockerfile"].map((name) => ({ name, content: leaks(name) }));
  const report = checkFiles(files, { now: "2026-11-22T00:00:00Z" });
  const names = new Set(report.findings.map((f) => f.name));
  for (const rule of ["literal-secret-in-env", "duplicate-key", "dockerfile-secret-in-env", "configmap-credentials"]) {
    assert.ok(names.has(rule), `${rule} did not fire`);
  }
  clean("checkFiles", JSON.stringify(report));
  clean("toSarif", toSarif(report));
  for (const f of files.slice(0, 2)) {
    clean(`checkManifest(${f.name})`, JSON.stringify(checkManifest(f.content, { filename: f.name, now: "2026-11-22T00:00:00Z" })));
    clean(`pss(${f.name})`, JSON.stringify(pss(f.content, { filename: f.name })));
    clean(`netpol(${f.name})`, JSON.stringify(netpol(f.content, { filename: f.name })));
    // fix: the findings and their edits (the fixed text is the user's own, with its other values)
    const fixed = fix(f.content, { filename: f.name, unsafe: true, now: "2026-11-22T00:00:00Z" });
    clean(`fix(${f.name})`, JSON.stringify([fixed.applied, fixed.remaining]));
  }
});
