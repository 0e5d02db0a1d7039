// Types of kubeharden-wasm (hand-written; checked by `tsc --noEmit` over tests/usage.ts).
// The report is the core's JSON contract v1 (`kubeharden::api`), field names as in the CLI's
// `--format json`.

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
  object: ObjectRef | null;
  container: string | null;
  /** Field path from the document root, e.g. `spec.containers[0].securityContext.privileged`. */
  path: string | null;
  /** Stable across runs and line moves. */
  fingerprint: string;
  /** The Helm template the document came from (`# Source:` comment), if any. */
  template?: string;
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
  objects: number;
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
  /** Findings removed by `kubeharden.io/ignore.*` annotations. */
  suppressed: number;
  summary: Summary;
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
}

/** Options of {@link checkFiles}. */
export interface CheckFilesOptions {
  /** A configuration object, or the text of a `.kubeharden.yaml` (errors then carry its line). */
  config?: Config | string;
  /** "Now" for rules that compare dates, RFC 3339 (`2026-11-22T00:00:00Z`); the library has no clock. */
  now?: string;
  /** Throw a `ParseError` for the first input error instead of listing it in `Report.errors`. */
  strict?: boolean;
}

/** Options of {@link checkManifest}. */
export interface CheckOptions extends CheckFilesOptions {
  /** The name findings carry (default `<input>`); a `.json` name reads the text as JSON. */
  filename?: string;
}

/** One input file of {@link checkFiles}. */
export interface SourceFile {
  name: string;
  content: string;
}

/** A rule, as listed by `kubeharden rules --format json`. */
export interface RuleInfo {
  id: string;
  name: string;
  /** Default severity. */
  severity: Severity;
  title: string;
  /** Whether the rule runs without being enabled. */
  enabled_by_default: boolean;
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

/** Checks one manifest text: YAML (several documents allowed) or JSON. A non-string `text` throws a `RequestError`. */
export function checkManifest(text: string, options?: CheckOptions): Report;
/** Checks several files together (cross-resource rules see all of them). */
export function checkFiles(files: SourceFile[], options?: CheckFilesOptions): Report;
/** Every rule, sorted by id. */
export function rules(): RuleInfo[];
/** The version of the kubeharden core. */
export function version(): string;

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
}

/**
 * Pod Security Standards: whether Pod Security Admission would admit each pod-bearing object of
 * one manifest text (named `<input>`) at `level` and `version` (`latest` or `v1.<minor>`, see
 * {@link pssVersions}). An unknown level or version throws a `RequestError`.
 */
export function pss(text: string, level: PssLevel, version: string): PssReport;
/** {@link pss} over several files. */
export function pssFiles(files: SourceFile[], level: PssLevel, version: string): PssReport;
/** The versions the core knows, newest first: `latest`, `v1.<newest>`, …, `v1.0`. */
export function pssVersions(): string[];
/** A report of {@link checkManifest} / {@link checkFiles} as a SARIF 2.1.0 log (JSON text). */
export function toSarif(report: Report): string;
