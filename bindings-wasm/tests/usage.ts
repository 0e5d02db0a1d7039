// Type-checks index.d.ts the way a TypeScript user calls the package (`tsc -p tests`, noEmit).
// Never run; tests/api.test.mjs runs the same calls.
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
  type CheckOptions,
  type Config,
  type Finding,
  type FixResult,
  type KubehardenError,
  type NetpolPair,
  type NetpolReport,
  type PssLevel,
  type PssReport,
  type PssViolation,
  type Report,
  type RuleInfo,
  type Severity,
  type SourceKind,
  type FileContents,
} from "kubeharden-wasm";

const config: Config = {
  select: ["privileged-container", "POD003"],
  ignore: [],
  enable: ["run-as-non-root"],
  severity: { "privileged-container": "high" },
  "fail-on": "never",
  "annotation-suppressions": true,
  options: { "secret-name-patterns": ["PIN"] },
};
const options: CheckOptions = { filename: "pod.yaml", kind: "yaml", config, now: "2026-11-22T00:00:00Z", strict: false };

const report: Report = checkManifest("kind: Pod\n", options);
const fromBytes: Report = checkManifest(new TextEncoder().encode("FROM alpine\n"), { kind: "dockerfile" });
const kind: SourceKind = fileKind({ name: "pasted-1", content: "FROM alpine\n" });
const holds: FileContents = fileContents({ name: "pasted-1", content: "FROM alpine\n" });
const yamlConfig: Report = checkManifest("kind: Pod\n", { config: "ignore: [POD001]\n" });
const many: Report = checkFiles([{ name: "a.yaml", content: "kind: Pod\n" }], { config: { ignore: ["POD001"] } });
const worst: Severity | undefined = report.findings.map((f: Finding) => f.severity).sort()[0];
const lines: (number | null)[] = report.findings.map((f) => f.line);
const critical: number = report.summary.by_severity.critical + yamlConfig.summary.files + many.errors.length;
const kinds: string[] = report.findings.flatMap((f) => (f.object ? [f.object.kind] : []));
const firstError: string | undefined = report.errors[0]?.message;
const list: RuleInfo[] = rules();
const onByDefault: string[] = list.filter((r) => r.enabled_by_default).map((r) => `${r.id} ${r.name}: ${r.title}`);
const v: string = version();

const level: PssLevel = "restricted";
const admission: PssReport = pss("kind: Pod\n", { level, version: pssVersions()[0] ?? "latest", filename: "pod.yaml" });
const byDefault: PssReport = pss(new Uint8Array());
const denied: string[] = admission.results
  .filter((r) => !r.allowed)
  .map((r) => `${r.file}:${r.document} ${r.object.kind}/${r.object.name ?? "?"}`);
const checks: PssViolation[] = pssFiles([{ name: "a.yaml", content: "kind: Pod\n" }], { level: "baseline", version: "v1.30" }).results.flatMap((r) => r.violations);
const reach: NetpolReport = netpol("kind: Pod\n", { from: "web", to: "external", port: 8080, strict: false });
const denied2: NetpolPair[] = netpolFiles([{ name: "a.yaml", content: "", kind: "yaml" }], { port: "http" }).pairs.filter((p) => !p.allowed);
const via: string[] = reach.pairs.flatMap((p) => p.ingress.allowedBy.map((a) => `${a.policy} ${a.rule} ${a.peer ?? "-"} ${a.peerDescription}`));
const where: number[] = checks.map((c) => c.line + c.column);
const sarif: string = toSarif(report);

try {
  checkManifest("", { config: { select: ["nope"] } });
} catch (e) {
  if (e instanceof Error) {
    const k = e as KubehardenError;
    const where: string = `${k.name} ${k.file ?? "-"}:${k.line ?? 0}:${k.column ?? 0} ${k.document ?? ""}`;
    console.log(where, k.message);
  }
}

const fixed: FixResult = fix("kind: Pod\n", { filename: "pod.yaml", unsafe: true, config: { fix: { "run-as-user": 10001 } } });
const fixText: string = fixed.text;
const safeEdits: number = fixed.applied.filter((f) => f.fix?.applicability === "safe").length;
console.log(fixText, safeEdits, fixed.remaining.findings.length);
// @ts-expect-error: fix has no strict option (an unreadable input always throws)
fix("", { strict: false });

// @ts-expect-error: options are checked (misspelt key)
checkManifest("", { fileName: "x.yaml" });
// @ts-expect-error: checkFiles takes no filename
checkFiles([], { filename: "x.yaml" });
// @ts-expect-error: PSS levels are a closed set
pss("", { level: "strict" });
// @ts-expect-error: the level and version are options, not positional arguments
pss("", "baseline", "latest");
// @ts-expect-error: pssFiles takes no filename
pssFiles([], { filename: "x.yaml" });
// @ts-expect-error: kinds are a closed set
checkManifest("", { kind: "docker" });
// @ts-expect-error: toSarif takes a Report, not a PssReport
toSarif(admission);
// @ts-expect-error: severities are a closed set
const bad: Config = { severity: { x: "urgent" } };

console.log(worst, lines, critical, kinds, firstError, onByDefault, v, bad, denied, where, sarif.length, fromBytes, kind, byDefault, denied2, via);
