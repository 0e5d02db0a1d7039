// Types of kubeharden-wasm (hand-written). Checked twice by `tsc --noEmit`: over tests/usage.ts
// (how a user calls the package) and over the values the package returns for a set of inputs
// that fill every field (tests/types.test.mjs writes them as typed declarations): a field the
// Rust types add, drop or change fails the build. The report is the core's JSON contract v1
// (`kubeharden::api`), field names as in the CLI's `--format json`.

/** How serious a finding is, lowest first: info < low < medium < high < critical. */
export type Severity = "info" | "low" | "medium" | "high" | "critical";

/** The identity of a Kubernetes object. */
export interface ObjectRef {
  apiVersion: string | null;
  kind: string;
  /** The namespace of a namespaced object (`default` when the manifest has none). */
  namespace: string | null;
  /** `metadata.name` (or `generateName`). */
  name: string | null;
}

/** One rule violated at one place. */
export interface Finding {
  /** Stable rule id, e.g. `POD001`. */
  rule: string;
  /** Rule name, e.g. `privileged-container`. */
  name: string;
  /** Severity after configuration. */
  severity: Severity;
  /** One sentence, lowercase, no final period, user values in backticks. */
  message: string;
  file: string | null;
  /** 0-based document index in the file. */
  document: number | null;
  /** 1-based line of the field, or of its nearest existing ancestor. */
  line: number | null;
  /** 1-based column. */
  column: number | null;
  /** 1-based line where the field (or that ancestor) ends; absent when the input gives no end. */
  end_line?: number;
  /** 1-based column just after the field's last character, on `end_line`; absent: its end. */
  end_column?: number;
  object: ObjectRef | null;
  container: string | null;
  /** Field path from the document root, e.g. `spec.containers[0].securityContext.privileged`. */
  path: string | null;
  /** Stable across runs and line moves. */
  fingerprint: string;
  /** The Helm template the document came from (`# Source:` comment), if any. */
  template?: string;
  /** What to do about it, one sentence (the rule's help). */
  help?: string;
  /** The rule's documentation. */
  url?: string;
  /** The change that resolves the finding, when the rule offers one here ({@link fix} applies it). */
  fix?: Fix;
}

/** One text edit: from (`line`, `column`) up to (`end_line`, `end_column`), exclusive, becomes
 * `content` (an insertion when both ends are the same). 1-based; columns count characters. */
export interface Edit {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  content: string;
}

/** A finding's fix: safe (cannot change what a working workload does) or unsafe (may); its edits
 * are applied all or nothing. */
export interface Fix {
  applicability: "safe" | "unsafe";
  /** What the fix does. */
  message: string;
  edits: Edit[];
}

/** An input that could not be read (syntax error, not a Kubernetes object, ...). */
export interface InputError {
  file: string;
  document: number | null;
  line: number | null;
  column: number | null;
  message: string;
}

/** Counts of a report. */
export interface Summary {
  files: number;
  documents: number;
  /** Kubernetes objects checked. */
  objects: number;
  /** Dockerfiles checked, and their build stages. */
  dockerfiles: number;
  stages: number;
  /** Image metadata checked (`docker inspect`, `skopeo inspect`, OCI configs). */
  images: number;
  /** Trivy reports checked. */
  reports: number;
  /** Every severity is present, zeros included. */
  by_severity: Record<Severity, number>;
  findings: number;
  errors: number;
  suppressed: number;
}

/** The result of a check (JSON contract version 1). */
export interface Report {
  version: number;
  tool: { name: string; version: string };
  /** Sorted by file, document, line, column, rule. */
  findings: Finding[];
  /** Input errors, in input order. */
  errors: InputError[];
  /** Files not checked because they are none of kubeharden's inputs (a kustomization, a JSON
   * Patch, a Helm values file, a report kubeharden wrote), each with why and what to run instead. */
  skipped?: InputError[];
  /** Findings removed by `kubeharden.io/ignore.*` annotations. */
  suppressed: number;
  summary: Summary;
  /** Which inputs were treated as one cluster, in input order. */
  clusters?: Cluster[];
}

/** The inputs treated as one cluster: cross-resource rules relate only its objects. */
export interface Cluster {
  /** The input's directory; null for a request's texts, or when `one-cluster` merges every input. */
  input: string | null;
  /** How many files it has. */
  files: number;
  /** Directories whose objects without `metadata.namespace` each form a `default` of their own. */
  default_namespaces: string[];
}

/** A `.kubeharden.yaml` configuration (unknown keys are a `ConfigError`). Rules by name or id. */
export interface Config {
  /** Rules to turn on, including rules that are off by default. */
  enable?: string[];
  /** Rules to turn off. */
  disable?: string[];
  /** When set, only these rules run (default-off rules included). */
  select?: string[];
  /** Rules not to run. */
  ignore?: string[];
  /** Severity overrides. */
  severity?: Record<string, Severity>;
  /** The CLI's exit-code threshold (validated here, otherwise unused). */
  "fail-on"?: Severity | "never";
  /** Whether `kubeharden.io/ignore.*` annotations suppress findings (default true). */
  "annotation-suppressions"?: boolean;
  options?: {
    /** Extra fragments of environment-variable names that look secret. */
    "secret-name-patterns"?: string[];
    /** Fragments removed from the built-in secret-name list. */
    "secret-name-exclusions"?: string[];
  };
  /** The values {@link fix} cannot know (defaults shown). */
  fix?: {
    /** `runAsUser` and a Dockerfile's `USER` (default 65532). */
    "run-as-user"?: number;
    /** Requests and limits added where missing (defaults: `100m`/`128Mi`/`256Mi`, `1`/`512Mi`/`1Gi`). */
    resources?: {
      requests?: { cpu?: string; memory?: string; "ephemeral-storage"?: string };
      limits?: { cpu?: string; memory?: string; "ephemeral-storage"?: string };
    };
    /** The Secret a literal secret moves to; `{name}` is the workload's name (default `{name}-secrets`). */
    "secret-name"?: string;
  };
}

/** What an input is read as: YAML or JSON documents, or a Dockerfile. */
export type SourceKind = "yaml" | "dockerfile";

/** An input's text: a string, or its UTF-8 bytes (bytes that are not UTF-8 are an input error). */
export type Text = string | Uint8Array;

/** Options shared by the functions that read inputs. */
export interface InputOptions {
  /**
   * Throw a `ParseError` for the first input error — a syntax error, bytes that are not UTF-8,
   * a document that is no Kubernetes object (`hello`, an object without `kind`) — instead of
   * listing it in the result's `errors`. Default `true`, as in Python.
   */
  strict?: boolean;
}

/** Options of {@link checkFiles}. */
export interface CheckFilesOptions extends InputOptions {
  /** A configuration object, or the text of a `.kubeharden.yaml` (errors then carry its line). */
  config?: Config | string;
  /** "Now" for rules that compare dates, RFC 3339 (`2026-11-22T00:00:00Z`). Default: the clock. */
  now?: string;
}

/** Options of {@link checkManifest}. */
export interface CheckOptions extends CheckFilesOptions {
  /** The name findings carry (default `<input>`); a `.json` name reads the text as JSON. */
  filename?: string;
  /** What the text is; default: by `filename`, then by content (`FROM`, `ARG`, `# syntax=` start a Dockerfile). */
  kind?: SourceKind;
}

/** One input file of {@link checkFiles}, {@link pssFiles}, {@link netpolFiles}. */
export interface SourceFile {
  name: string;
  content: Text;
  /** What the file is; default: by name, then by content. */
  kind?: SourceKind;
}

/** A rule, as listed by `kubeharden rules --format json`. */
export interface RuleInfo {
  id: string;
  name: string;
  /** Default severity. */
  severity: Severity;
  title: string;
  /** What to do about a finding, one sentence. */
  help: string;
  /** The rule's documentation. */
  url: string;
  /** Whether the rule runs without being enabled. */
  enabled_by_default: boolean;
  /** Whether its findings carry fixes. */
  fix: "always" | "sometimes" | "never";
  /** PSS controls, CIS benchmark items, ... */
  references: string[];
  /** The same check in other tools, `tool:ID`. */
  peers: string[];
  /** Markdown with the sections What it does / Why is this bad? / Example / Fix. */
  docs: string;
}

/**
 * What every function throws: a real `Error`. `message` includes the location when known
 * (`.kubeharden.yaml:2:1: unknown field ...`).
 */
export interface KubehardenError extends Error {
  name: "ConfigError" | "ParseError" | "RequestError";
  file: string | null;
  document: number | null;
  line: number | null;
  column: number | null;
}

/**
 * Checks one text: YAML (several documents allowed), JSON or a Dockerfile. Anything but a string
 * or a `Uint8Array` throws a `RequestError`.
 */
export function checkManifest(text: Text, options?: CheckOptions): Report;
/** Checks several files together (cross-resource rules see all of them). */
export function checkFiles(files: SourceFile[], options?: CheckFilesOptions): Report;
/** Every rule, sorted by id. */
export function rules(): RuleInfo[];

/** Options of {@link fix}: those of {@link checkManifest} but `strict` (an input that cannot be
 * read always throws), and `unsafe`. */
export interface FixOptions {
  filename?: string;
  kind?: SourceKind;
  config?: Config | string;
  now?: string;
  /** Apply the unsafe fixes too (default: safe ones only). */
  unsafe?: boolean;
}

/** What {@link fix} did. */
export interface FixResult {
  /** The fixed text (the input's when nothing applied). */
  text: string;
  /** The findings whose fixes were applied, as reported before the fix. */
  applied: Finding[];
  /** The check of the fixed text: the findings that remain, with their fixes. */
  remaining: Report;
}

/** Fixes one text as `kubeharden fix` fixes a file: edits of the text, everything else byte for
 * byte, comments included; checked again until nothing changes. */
export function fix(text: Text, options?: FixOptions): FixResult;
/** The version of the kubeharden core. */
export function version(): string;
/** What a file is read as: its `kind`, else by name, else by content. */
export function fileKind(file: SourceFile): SourceKind;
/** What a file holds, by content: Kubernetes objects, a Dockerfile, image metadata, a Trivy
 * report, a file often given as an input that is none (`other`), an input error, or nothing. */
export type FileContents = "manifest" | "dockerfile" | "image" | "trivy" | "other" | "unreadable" | "empty";
/** What a file holds, as the front door reads it (its `kind`, name and content). */
export function fileContents(file: SourceFile): FileContents;

/** A Pod Security Standards level. `privileged` admits everything. */
export type PssLevel = "privileged" | "baseline" | "restricted";

/** A violated Pod Security Standards check. */
export interface PssViolation {
  /** Pod Security Admission's check id (`privileged`, `runAsNonRoot`, `capabilities_restricted`, ...). */
  check: string;
  /** Kubernetes' wording: `<reason> (<detail>)`, as Pod Security Admission reports it. */
  message: string;
  /** Field path from the document root. */
  path: string;
  /** 1-based line of the field, or of its nearest existing ancestor. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** The verdict on one pod-bearing object (for controllers: on the pods they would create). */
export interface PssResult {
  file: string;
  /** 0-based document index in the file. */
  document: number;
  object: ObjectRef;
  /** Whether Pod Security Admission would admit its pods. */
  allowed: boolean;
  /** The violated checks, empty when allowed. */
  violations: PssViolation[];
}

/** The result of {@link pss} / {@link pssFiles}. */
export interface PssReport {
  level: PssLevel;
  /** As requested: `latest` or `v1.<minor>`. */
  version: string;
  /** One result per pod-bearing object, in input order. */
  results: PssResult[];
  /** Inputs that could not be read. */
  errors: InputError[];
  /** Files that are none of kubeharden's inputs, left out (empty here: the functions report them as input errors). */
  skipped: InputError[];
}

/** Options of {@link pssFiles}. */
export interface PssFilesOptions extends InputOptions {
  /** Default `restricted`. */
  level?: PssLevel;
  /** `latest` (the default) or `v1.<minor>`, see {@link pssVersions}. */
  version?: string;
}

/** Options of {@link pss}. */
export interface PssOptions extends PssFilesOptions {
  /** The name results carry (default `<input>`). */
  filename?: string;
}

/**
 * Pod Security Standards: whether Pod Security Admission would admit each pod-bearing object of
 * one text at a level and version (default `restricted`, `latest`). An unknown level or version
 * throws a `RequestError`.
 */
export function pss(text: Text, options?: PssOptions): PssReport;
/** {@link pss} over several files. */
export function pssFiles(files: SourceFile[], options?: PssFilesOptions): PssReport;
/** The versions the core knows, newest first: `latest`, `v1.<newest>`, …, `v1.0`. */
export function pssVersions(): string[];
/** A report of {@link checkManifest} / {@link checkFiles} as a SARIF 2.1.0 log (JSON text). */
export function toSarif(report: Report): string;

/** A NetworkPolicy rule that allows a pair. */
export interface NetpolRule {
  /** The NetworkPolicy, `namespace/name`. */
  policy: string;
  /** `ingress[0]`, `egress[1]`. */
  rule: string;
  /** Index of the matching peer in the rule's `from`/`to`; `null`: the rule has no peers. */
  peer: number | null;
  /** The peer in words: `from[0]`, `ipBlock 10.0.0.0/8`, `any source`. */
  peerDescription: string;
  /** The ports this rule allows for the pair. */
  ports: string;
}

/** One side of a path: the source's egress or the destination's ingress. */
export interface NetpolSide {
  /** Whether NetworkPolicies govern this side (`false` for `external`). */
  governed: boolean;
  /** Whether a NetworkPolicy selects the pod for this direction (if none does, all is allowed). */
  isolated: boolean;
  isolatedBy: string[];
  /** Every port this side allows for the pair. */
  ports: string;
  /** The rules that allow the pair (on the port asked, if any). */
  allowedBy: NetpolRule[];
}

/** Whether traffic from one endpoint to another is allowed. */
export interface NetpolPair {
  /** `Kind/namespace/name` or `external`. */
  from: string;
  to: string;
  /** Index of `from` in {@link NetpolReport.workloads}. */
  fromIndex: number;
  toIndex: number;
  /** Both the source's egress and the destination's ingress allow it (on the port asked). */
  allowed: boolean;
  /** The port asked (`8080/TCP`) or why it cannot be resolved; else every port allowed (`80/TCP, 443/TCP`, `all ports`, `none`). */
  ports: string;
  allPorts: boolean;
  egress: NetpolSide;
  ingress: NetpolSide;
}

/** A part of a NetworkPolicy the API server would reject: it matches nothing. */
export interface NetpolWarning {
  file: string;
  document: number;
  line: number;
  column: number;
  policy: string;
  message: string;
}

/** The answer of {@link netpol} / {@link netpolFiles}. */
export interface NetpolReport {
  /** Every endpoint: `Kind/namespace/name` of each workload, in input order, then `external`. */
  workloads: string[];
  scope: "pair" | "row" | "column" | "matrix";
  from: string | null;
  to: string | null;
  port: string | null;
  pairs: NetpolPair[];
  errors: InputError[];
  /** Files that are none of kubeharden's inputs, left out (empty here: the functions report them as input errors). */
  skipped: InputError[];
  warnings: NetpolWarning[];
  notes: string[];
}

/** Options of {@link netpolFiles}. */
export interface NetpolFilesOptions extends InputOptions {
  /** Source: `name`, `namespace/name`, `Kind/namespace/name` or `external`; default every endpoint. */
  from?: string;
  /** Destination, as `from`. */
  to?: string;
  /** `8080`, `"8080/UDP"` or a port name of the destination (`"http"`); default every port. */
  port?: number | string;
}

/** Options of {@link netpol}. */
export interface NetpolOptions extends NetpolFilesOptions {
  /** The name errors carry (default `<input>`). */
  filename?: string;
}

/**
 * NetworkPolicy reachability, offline: `from` and `to` give one pair, one of them a row or a
 * column, neither the whole matrix. An unknown workload or a bad port throws a `RequestError`.
 */
export function netpol(text: Text, options?: NetpolOptions): NetpolReport;
/** {@link netpol} over several files. */
export function netpolFiles(files: SourceFile[], options?: NetpolFilesOptions): NetpolReport;
