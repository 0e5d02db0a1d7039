// The manifest checker page. All checking is kubeharden's core compiled to WebAssembly (./pkg/,
// written by ../build.sh); this file only keeps the editor's files, builds the request, renders
// the report and copies it. No rule logic here and no request other than this site's own files.
import init, { checkFiles, fileContents, fileKind, fix, pssFiles, pssVersions, rules, toSarif, version } from "./pkg/kubeharden_wasm.js";

const $ = (id) => document.getElementById(id);
const SEVERITIES = ["critical", "high", "medium", "low", "info"];
/** Findings rendered per severity group; the JSON export always has all of them. */
const MAX_SHOWN = 500;

const EXAMPLE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
          securityContext:
            privileged: true
`;

// Profiles: what to check. Each builds a report from the files; the list is the one place to add
// more. Input errors are listed on the page (`strict: false`), not thrown.
const PROFILES = [
  { id: "default", label: "Rules on by default", config: () => ({}) },
  { id: "all", label: "All rules", config: () => ({ enable: RULES.filter((r) => !r.enabled_by_default).map((r) => r.name) }) },
  {
    id: "high",
    label: "Critical and high only",
    config: () => ({
      select: RULES.filter((r) => r.enabled_by_default && (r.severity === "critical" || r.severity === "high")).map((r) => r.name),
    }),
  },
].map((p) => ({ ...p, run: (files, extra = {}) => checkFiles(files, { strict: false, config: { ...p.config(), ...extra } }) }));

// What a tab's text is read as: the core decides by name and content ("auto"), or the user says.
const KINDS = [
  { id: "auto", label: "auto" },
  { id: "yaml", label: "YAML / JSON" },
  { id: "dockerfile", label: "Dockerfile" },
];
// What a tab holds, by content (fileContents); "Read as" changes how it is read.
const HOLDS_LABEL = {
  manifest: "manifest",
  dockerfile: "Dockerfile",
  image: "image metadata",
  trivy: "Trivy report",
  other: "not an input",
  unreadable: "unreadable",
  empty: "empty",
};

// Pod Security Standards levels offered (the versions come from the core: pssVersions()).
const PSS_LEVELS = [
  { id: "baseline", label: "baseline" },
  { id: "restricted", label: "restricted" },
];

// Exports: one button each, copying a rendering of the last report.
const EXPORTS = [
  { id: "copy-json", label: "Copy as JSON", render: (report) => JSON.stringify(report, null, 2) },
  { id: "copy-sarif", label: "Copy as SARIF", render: (report) => toSarif(report) },
];

await init();
const RULES = rules();
const FIX = new Map(RULES.map((r) => [r.id, fixSnippet(r.docs)]));
const TITLE = new Map(RULES.map((r) => [r.id, r.title]));

const state = {
  // A pasted text's name says nothing about it, so the core reads its content: a Dockerfile
  // pasted here is checked as one. Files opened or dropped keep their names.
  files: [{ name: "pasted-1", content: "" }],
  active: 0,
  report: null,
  pss: null,
  selected: null, // {file, line}
  checks: 0,
  showSuppressed: false, // the summary's toggle: findings silenced by annotations, marked
  suppressedShown: 0,
};

/** The fenced block of the rule docs' `## Fix` section. */
function fixSnippet(docs) {
  const m = /^## Fix[ \t]*\n[\s\S]*?^```[^\n]*\n([\s\S]*?)^```/m.exec(docs);
  return m ? m[1] : null;
}

/** Text with `backticked` parts as <code>. */
function richText(parent, text) {
  text.split("`").forEach((part, i) => {
    if (!part) return;
    if (i % 2) {
      const code = document.createElement("code");
      code.textContent = part;
      parent.append(code);
    } else {
      parent.append(part);
    }
  });
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- checking ---------------------------------------------------------------------------------

/** A tab's file as the core takes it: with its kind when the user chose one. */
function asInput(f) {
  return f.kind ? { name: f.name, content: f.content, kind: f.kind } : { name: f.name, content: f.content };
}

function check() {
  const profile = PROFILES.find((p) => p.id === $("profile").value) ?? PROFILES[0];
  const files = state.files.filter((f) => f.content.trim() !== "").map(asInput);
  renderTabs();
  const t0 = performance.now();
  let report;
  let shown; // what the page lists: the report, or with the suppressed findings marked in it
  let error = null;
  try {
    report = profile.run(files);
    shown = report;
    if (state.showSuppressed && report.summary.suppressed) {
      // the same check with annotations ignored: what they silence, marked as suppressed
      const all = profile.run(files, { "annotation-suppressions": false });
      const kept = new Set(report.findings.map((f) => f.fingerprint));
      state.suppressedShown = report.summary.suppressed;
      shown = { ...all, findings: all.findings.map((f) => (kept.has(f.fingerprint) ? f : { ...f, suppressed: true })) };
    } else {
      state.suppressedShown = 0;
    }
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const pss = checkPss(files);
  state.checks += 1;
  state.report = error ? null : report;
  state.pss = pss;
  renderSummary(report, error, ms, files);
  stickyPadding();
  renderErrors(report);
  renderPss(pss, files);
  renderFindings(shown);
  renderHighlight();
}

/** The Pod Security Admission verdicts for the manifests at the chosen level and version. */
function checkPss(files) {
  const level = $("pss-level").value;
  const version = $("pss-version").value;
  // Dockerfiles have no pods to admit; their findings are the check's.
  const manifests = files.filter((f) => fileKind(f) === "yaml");
  const t0 = performance.now();
  try {
    const report = pssFiles(manifests, { level, version, strict: false });
    return { level, version, report, error: null, ms: performance.now() - t0 };
  } catch (e) {
    return { level, version, report: null, error: e, ms: performance.now() - t0 };
  }
}

let timer = 0;
function scheduleCheck() {
  clearTimeout(timer);
  timer = setTimeout(check, 150);
}

// ---- rendering --------------------------------------------------------------------------------

function renderSummary(report, error, ms, files) {
  const s = $("summary");
  s.replaceChildren();
  s.dataset.checks = String(state.checks);
  s.dataset.ms = ms.toFixed(2);
  s.dataset.pssMs = state.pss ? state.pss.ms.toFixed(2) : "";
  s.dataset.bytes = String(files.reduce((n, f) => n + f.content.length, 0));
  if (error) {
    s.className = "error";
    const msg = el("span", "message");
    richText(msg, `${error.name}: ${error.message}`);
    s.append(msg);
    return;
  }
  const total = report.summary.findings;
  const denied = state.pss?.report?.results.filter((r) => !r.allowed).length ?? 0;
  s.className = total || denied ? "has-findings" : "clean";
  s.append(el("strong", "total", total === 1 ? "1 finding" : `${total} findings`));
  // a denial is as serious as a critical finding: first, beside the total
  if (state.pss?.report?.results.length) {
    const chip = el("span", `chip pss-chip${denied ? " denied" : " allowed"}`,
      `PSS ${state.pss.level}: ${denied ? `${denied} denied` : "all admitted"}`);
    chip.title = `Pod Security Admission at ${state.pss.level} (${state.pss.version})`;
    s.append(chip);
  }
  for (const sev of SEVERITIES) {
    const n = report.summary.by_severity[sev] ?? 0;
    const chip = el("span", `chip sev-${sev}${n ? "" : " zero"}`, `${n} ${sev}`);
    s.append(chip);
  }
  const count = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const sm = report.summary;
  // what was checked, as the command line says it: objects, Dockerfiles (stages), images, reports
  const facts = [count(sm.files, "file")];
  if (sm.objects || !(sm.dockerfiles || sm.images || sm.reports)) facts.push(count(sm.objects, "object"));
  if (sm.dockerfiles) facts.push(`${count(sm.dockerfiles, "Dockerfile")} (${count(sm.stages, "stage")})`);
  if (sm.images) facts.push(count(sm.images, "image"));
  if (sm.reports) facts.push(count(sm.reports, "Trivy report"));
  if (report.summary.errors) facts.push(`${report.summary.errors} input error${report.summary.errors === 1 ? "" : "s"}`);
  s.append(el("span", "facts", facts.join(" · ")));
  const suppressed = state.showSuppressed ? state.suppressedShown : report.summary.suppressed;
  if (suppressed) {
    const toggle = el("button", "suppressed-toggle",
      `${suppressed} suppressed · ${state.showSuppressed ? "hide" : "show"}`);
    toggle.type = "button";
    toggle.id = "suppressed-toggle";
    toggle.title = "findings silenced by kubeharden.io/ignore.* annotations";
    toggle.setAttribute("aria-pressed", String(state.showSuppressed));
    toggle.addEventListener("click", () => {
      state.showSuppressed = !state.showSuppressed;
      check();
    });
    s.append(toggle);
  }
  s.append(el("span", "timing", `checked in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`));
}

/** Rows scrolled into view stop below the sticky summary bar, however many lines it wraps to. */
function stickyPadding() {
  $("results").style.scrollPaddingTop = `${$("summary").offsetHeight + 4}px`;
}

function renderErrors(report) {
  const box = $("input-errors");
  box.replaceChildren();
  if (!report || !report.errors.length) return;
  const ul = el("ul");
  for (const e of report.errors) {
    const li = el("li", "input-error");
    li.append(el("span", "loc", location(e)));
    const msg = el("span", "message");
    richText(msg, e.message);
    li.append(msg);
    if (e.line) addJump(li, e.file, e.line);
    ul.append(li);
  }
  box.append(el("h2", "", "Input errors"), ul);
}

function location(x) {
  return [x.file, x.line, x.column].filter((v) => v !== null && v !== undefined).join(":");
}

function addJump(li, file, line) {
  li.tabIndex = 0;
  li.dataset.file = file;
  li.dataset.line = String(line);
  const go = () => select(li, file, line);
  li.addEventListener("click", go);
  li.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      go();
    }
  });
}

/** Per pod-bearing object: would Pod Security Admission admit it, and the violated checks. */
function renderPss(pss, files) {
  const box = $("pss");
  box.replaceChildren();
  box.dataset.level = pss.level;
  box.dataset.version = pss.version;
  if (!files.length) return;
  const head = el("h2", "", `Pod Security Admission — ${pss.level}, ${pss.version}`);
  box.append(head);
  if (pss.error) {
    const msg = el("p", "pss-error");
    richText(msg, `${pss.error.name}: ${pss.error.message}`);
    box.append(msg);
    return;
  }
  const results = pss.report.results;
  if (!results.length) {
    box.append(el("p", "empty", "No pod-bearing objects."));
    return;
  }
  const denied = results.filter((r) => !r.allowed).length;
  head.append(el("span", "pss-count", denied
    ? ` · ${denied} of ${results.length} object${results.length === 1 ? "" : "s"} denied`
    : ` · ${results.length === 1 ? "the object is" : `all ${results.length} objects are`} admitted`));
  const ul = el("ul");
  for (const r of results.slice(0, MAX_SHOWN)) ul.append(pssItem(r));
  box.append(ul);
  if (results.length > MAX_SHOWN) box.append(el("p", "more", `${results.length - MAX_SHOWN} more objects not shown`));
}

function pssItem(r) {
  const li = el("li", `pss-object ${r.allowed ? "allowed" : "denied"}`);
  li.dataset.allowed = String(r.allowed);
  li.dataset.file = r.file;
  li.dataset.key = pssKey(r);
  const o = r.object;
  const h = el("div", "head");
  h.append(el("span", "verdict", r.allowed ? "admitted" : "denied"));
  h.append(el("span", "pss-name", `${o.kind}/${o.name ?? "?"}`));
  if (o.namespace) h.append(el("span", "object", `namespace ${o.namespace}`));
  // documents count from 0 here as in the JSON report, the command line and pss()
  const loc = el("span", "loc", `${r.file} · document ${r.document}`);
  loc.title = "documents are numbered from 0, as in the JSON report, the command line and pss()";
  h.append(loc);
  li.append(h);
  if (r.violations.length) {
    const ul = el("ul");
    for (const v of r.violations) {
      const vi = el("li", "pss-violation");
      vi.dataset.check = v.check;
      vi.append(el("span", "check", v.check), el("span", "message", v.message), el("span", "loc", `${r.file}:${v.line}:${v.column}`));
      vi.title = v.path;
      addJump(vi, r.file, v.line);
      ul.append(vi);
    }
    li.append(ul);
  }
  return li;
}

/** The objects Pod Security Admission denies, first among the findings, each leading to its verdict. */
function deniedGroup() {
  const denied = state.pss?.report?.results.filter((r) => !r.allowed) ?? [];
  if (!denied.length) return null;
  const group = el("section", "group denied-group sev-critical");
  group.dataset.severity = "denied";
  group.append(el("h2", "", `Denied by Pod Security Admission (${denied.length})`));
  const ul = el("ul");
  for (const r of denied.slice(0, MAX_SHOWN)) {
    const li = el("li", "finding denial");
    li.dataset.file = r.file;
    const head = el("div", "head");
    head.append(el("span", "rule-id", `PSS ${state.pss.level}`), el("span", "rule-name", `${r.object.kind}/${r.object.name ?? "?"}`));
    head.append(el("span", "loc", `${r.violations.length} violation${r.violations.length === 1 ? "" : "s"}`));
    li.append(head, el("div", "message", r.violations.map((v) => v.check).join(", ")));
    li.tabIndex = 0;
    li.addEventListener("click", () => {
      const target = [...document.querySelectorAll(".pss-object.denied")].find((o) => o.dataset.key === pssKey(r));
      target?.scrollIntoView({ block: "start" });
      target?.querySelector(".pss-violation")?.click();
    });
    ul.append(li);
  }
  group.append(ul);
  return group;
}

function pssKey(r) {
  return `${r.file}#${r.document}#${r.object.kind}/${r.object.namespace ?? ""}/${r.object.name ?? ""}`;
}

function renderFindings(report) {
  const box = $("findings");
  box.replaceChildren();
  if (!report) return;
  const denied = deniedGroup();
  if (denied) box.append(denied);
  if (!report.findings.length) {
    box.append(el("p", "empty", state.files.some((f) => f.content.trim()) ? "No findings." : "Paste or drop manifests to check them."));
    return;
  }
  for (const sev of SEVERITIES) {
    const list = report.findings.filter((f) => f.severity === sev);
    if (!list.length) continue;
    const group = el("section", `group sev-${sev}`);
    group.dataset.severity = sev;
    group.append(el("h2", "", `${sev[0].toUpperCase()}${sev.slice(1)} (${list.length})`));
    const ul = el("ul");
    for (const f of list.slice(0, MAX_SHOWN)) ul.append(findingItem(f));
    group.append(ul);
    if (list.length > MAX_SHOWN) {
      group.append(el("p", "more", `${list.length - MAX_SHOWN} more not shown (copy as JSON for all)`));
    }
    box.append(group);
  }
}

function findingItem(f) {
  const li = el("li", `finding${f.suppressed ? " suppressed" : ""}`);
  li.dataset.rule = f.rule;
  if (f.suppressed) li.dataset.suppressed = "true";
  const head = el("div", "head");
  head.append(el("span", "rule-id", f.rule), el("span", "rule-name", f.name));
  if (f.suppressed) head.append(el("span", "suppressed-mark", "suppressed"));
  head.append(el("span", "loc", location(f)));
  const msg = el("div", "message");
  richText(msg, f.message);
  li.append(head, msg);
  if (f.object) {
    li.append(el("div", "object", `${f.object.kind}/${f.object.name ?? "?"}${f.container ? ` · container ${f.container}` : ""}`));
  }
  if (f.file !== null && f.line !== null) addJump(li, f.file, f.line);
  li.addEventListener("click", () => showFix(li, f));
  return li;
}

function showFix(li, f) {
  document.querySelectorAll("#findings .fix").forEach((x) => { if (!li.contains(x)) x.remove(); });
  if (li.querySelector(".fix")) return;
  const box = el("div", "fix");
  const file = state.files.find((x) => x.name === f.file);
  const edits = f.fix?.edits ?? [];
  const fixed = file && edits.length ? applyEdits(file.content, edits) : null;
  if (fixed !== null && !f.suppressed) {
    // The finding's own fix, as `kubeharden fix` makes it: a patch of the user's text.
    box.append(el("div", "fix-title", `Fix (${f.fix.applicability}) — ${f.fix.message}`));
    box.append(el("pre", "diff", unifiedDiff(file.content, fixed, secretLines(file))));
    const actions = el("div", "fix-actions");
    const one = el("button", "apply-one", f.fix.applicability === "safe" ? "Apply this fix" : "Apply this fix (unsafe: review it)");
    one.type = "button";
    one.addEventListener("click", (e) => { e.stopPropagation(); setContent(file, fixed); });
    actions.append(one, applyAllButton(file), downloadButton(file));
    box.append(actions);
  } else {
    box.append(el("div", "fix-title", `No automatic fix for this finding — ${TITLE.get(f.rule) ?? f.rule}`));
    const snippet = FIX.get(f.rule);
    box.append(snippet ? el("pre", "", snippet) : el("p", "", "See the rule's documentation."));
    if (file) {
      const actions = el("div", "fix-actions");
      actions.append(applyAllButton(file), downloadButton(file));
      box.append(actions);
    }
  }
  li.append(box);
  li.scrollIntoView({ block: "nearest" });
}

/** "Apply all safe fixes" of one file: the core's fix loop (`fix()`), with the chosen rules. */
function applyAllButton(file) {
  const b = el("button", "apply-safe", "Apply all safe fixes");
  b.type = "button";
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    const profile = PROFILES.find((p) => p.id === $("profile").value) ?? PROFILES[0];
    try {
      const r = fix(file.content, { filename: file.name, kind: file.kind, config: profile.config(), unsafe: false });
      setContent(file, r.text);
    } catch (err) {
      $("copy-status").textContent = `fix failed: ${err.message}`;
    }
  });
  return b;
}

/** Downloads the file's current text under its name (a data: URL: nothing leaves the page). */
function downloadButton(file) {
  const a = el("a", "download", "Download fixed file");
  a.href = `data:text/plain;charset=utf-8,${encodeURIComponent(file.content)}`;
  a.download = file.name;
  a.addEventListener("click", (e) => {
    e.stopPropagation();
    a.href = `data:text/plain;charset=utf-8,${encodeURIComponent(file.content)}`;
  });
  return a;
}

/** Replaces a file's text (the editor's when it is the active tab) and checks again. */
function setContent(file, text) {
  file.content = text;
  const i = state.files.indexOf(file);
  if (i === state.active) editor.value = text;
  state.selected = null;
  renderGutter();
  check();
}

/** The text with a fix's edits applied: 1-based lines and columns, columns in characters (code
 * points), end exclusive; `null` when an edit is outside the text. */
function applyEdits(text, edits) {
  const starts = [text.startsWith("\ufeff") ? 1 : 0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const at = (line, column) => {
    let i = starts[line - 1];
    if (i === undefined) return null;
    for (let c = 1; c < column; c++) {
      const cp = text.codePointAt(i);
      if (cp === undefined) return null;
      i += cp > 0xffff ? 2 : 1;
    }
    return i;
  };
  const spans = edits.map((e) => ({ start: at(e.line, e.column), end: at(e.end_line, e.end_column), content: e.content }));
  if (spans.some((e) => e.start === null || e.end === null || e.end < e.start)) return null;
  spans.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of spans) out = out.slice(0, e.start) + e.content + out.slice(e.end);
  return out;
}

const SECRET_RULES = new Set(["literal-secret-in-env", "secret-in-env-var", "secret-object-in-manifests", "configmap-credentials", "dockerfile-secret-in-env"]);

/** The lines of a file that may hold a secret (as the CLI's diff redacts them): the line of each
 * finding of a secret rule, and the lines nested deeper under it. */
function secretLines(file) {
  const lines = file.content.split("\n");
  const indent = (l) => l.length - l.trimStart().length;
  const out = new Set();
  for (const f of state.report?.findings ?? []) {
    if (f.file !== file.name || !SECRET_RULES.has(f.name) || !f.line) continue;
    const first = lines[f.line - 1];
    if (first === undefined) continue;
    out.add(f.line);
    for (let k = f.line; k < lines.length; k++) {
      const l = lines[k];
      if (l.trim() !== "" && indent(l) <= indent(first)) break;
      out.add(k + 1);
    }
  }
  return out;
}

/** A secret line as a diff shows it: cut after its key. */
function redacted(line) {
  const m = /^(\s*(?:- )?)([^:\s][^:]*:)(.*)$/.exec(line);
  if (!m) return `${line.slice(0, line.length - line.trimStart().length)}<redacted>`;
  if (/^\s*(- )?name:/.test(line) && !/[{,]/.test(line)) return line;
  return `${m[1]}${m[2]}${m[3].trim() ? " <redacted>" : ""}`;
}

/** A unified diff of old → new with two lines of context (one hunk: a fix's edits are close). */
function unifiedDiff(oldText, newText, secret) {
  const a = oldText.split("\n");
  const b = newText.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tailA = a.length - 1;
  let tailB = b.length - 1;
  while (tailA >= head && tailB >= head && a[tailA] === b[tailB]) { tailA--; tailB--; }
  const from = Math.max(0, head - 2);
  const toA = Math.min(a.length - 1, tailA + 2);
  const secretA = (i) => secret.has(i + 1);
  const oldSecrets = new Set(a.filter((_, i) => secretA(i)));
  const show = (line, isSecret) => (isSecret ? redacted(line) : line);
  const out = [`@@ -${from + 1},${toA - from + 1} +${from + 1},${toA - from + 1 + (tailB - tailA)} @@`];
  for (let i = from; i < head; i++) out.push(` ${show(a[i], secretA(i))}`);
  for (let i = head; i <= tailA; i++) out.push(`-${show(a[i], secretA(i))}`);
  for (let i = head; i <= tailB; i++) out.push(`+${show(b[i], oldSecrets.has(b[i]))}`);
  for (let i = tailA + 1; i <= toA; i++) out.push(` ${show(a[i], secretA(i))}`);
  return out.join("\n");
}

// ---- editor, tabs, line highlight -------------------------------------------------------------

const editor = $("editor");
const gutter = $("gutter");
const highlight = $("highlight");

function renderTabs() {
  const tabs = $("tabs");
  tabs.replaceChildren();
  state.files.forEach((f, i) => {
    const tab = el("button", `tab${i === state.active ? " active" : ""}`, f.name);
    const kind = fileKind(asInput(f));
    const holds = fileContents(asInput(f));
    tab.dataset.kind = kind;
    tab.dataset.holds = holds;
    const badge = el("span", `kind${f.kind ? " chosen" : ""}`, HOLDS_LABEL[holds] ?? holds);
    badge.title = `${f.kind ? "read as you chose" : "recognised by name and content"}; change it with "Read as"`;
    tab.append(badge);
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", String(i === state.active));
    tab.addEventListener("click", () => activate(i));
    if (state.files.length > 1) {
      const close = el("span", "close", "×");
      close.title = `Remove ${f.name}`;
      close.addEventListener("click", (ev) => {
        ev.stopPropagation();
        state.files.splice(i, 1);
        activate(Math.min(state.active, state.files.length - 1));
        check();
      });
      tab.append(close);
    }
    tabs.append(tab);
  });
  tabs.querySelector(".tab.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  tabCues();
}

/** Says when the tab strip scrolls: a fade and an arrow on the side where tabs are hidden. */
function tabCues() {
  const tabs = $("tabs");
  const left = tabs.scrollLeft > 1;
  const right = tabs.scrollLeft + tabs.clientWidth < tabs.scrollWidth - 1;
  tabs.dataset.overflow = left && right ? "both" : left ? "left" : right ? "right" : "none";
}

function activate(i) {
  state.active = i;
  editor.value = state.files[i].content;
  $("kind").value = state.files[i].kind ?? "auto";
  renderTabs();
  renderGutter();
  renderHighlight();
}

function renderGutter() {
  const lines = editor.value.split("\n").length;
  if (Number(gutter.dataset.lines) === lines) return;
  gutter.dataset.lines = String(lines);
  gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join("\n");
}

function lineHeight() {
  return parseFloat(getComputedStyle(editor).lineHeight);
}

function renderHighlight() {
  const sel = state.selected;
  const file = state.files[state.active];
  if (!sel || !file || sel.file !== file.name) {
    highlight.hidden = true;
    delete highlight.dataset.line;
    return;
  }
  const pad = parseFloat(getComputedStyle(editor).paddingTop);
  highlight.hidden = false;
  highlight.dataset.line = String(sel.line);
  highlight.style.top = `${editor.offsetTop + pad + (sel.line - 1) * lineHeight() - editor.scrollTop}px`;
  highlight.style.height = `${lineHeight()}px`;
}

/** Shows `line` of `file` in the editor: switches tab, scrolls, selects and highlights it. */
function select(li, file, line) {
  document.querySelectorAll("#results .selected").forEach((x) => x.classList.remove("selected"));
  li.classList.add("selected");
  const i = state.files.findIndex((f) => f.name === file);
  if (i >= 0 && i !== state.active) activate(i);
  state.selected = { file, line };
  const text = editor.value;
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) break;
    start = nl + 1;
  }
  const nl = text.indexOf("\n", start);
  const end = nl < 0 ? text.length : nl;
  editor.focus({ preventScroll: true });
  editor.setSelectionRange(start, end);
  editor.scrollTop = Math.max(0, (line - 1) * lineHeight() - editor.clientHeight / 3);
  gutter.scrollTop = editor.scrollTop;
  renderHighlight();
}

editor.addEventListener("input", () => {
  state.files[state.active].content = editor.value;
  state.selected = null;
  renderGutter();
  renderHighlight();
  scheduleCheck();
});
// After a paste the browser scrolls to the caret at the end of the text: show the top instead.
editor.addEventListener("paste", () => {
  requestAnimationFrame(() => {
    editor.scrollTop = 0;
    editor.scrollLeft = 0;
    gutter.scrollTop = 0;
    renderHighlight();
  });
});
editor.addEventListener("scroll", () => {
  gutter.scrollTop = editor.scrollTop;
  renderHighlight();
});

// ---- files: drop, open, example ---------------------------------------------------------------

async function addFiles(list) {
  const read = await Promise.all([...list].map(async (f) => ({ name: f.name, content: await f.text() })));
  if (!read.length) return;
  const onlyEmpty = state.files.length === 1 && !state.files[0].content.trim();
  const first = onlyEmpty ? 0 : state.files.length;
  if (onlyEmpty) state.files = [];
  for (const f of read) {
    const existing = state.files.findIndex((x) => x.name === f.name);
    if (existing >= 0) state.files[existing] = f;
    else state.files.push(f);
  }
  activate(Math.min(first, state.files.length - 1));
  check();
}

const pane = $("editor-pane");
document.addEventListener("dragover", (ev) => ev.preventDefault());
document.addEventListener("drop", (ev) => ev.preventDefault());
pane.addEventListener("dragover", (ev) => {
  ev.preventDefault();
  pane.classList.add("dragging");
});
pane.addEventListener("dragleave", () => pane.classList.remove("dragging"));
pane.addEventListener("drop", (ev) => {
  ev.preventDefault();
  pane.classList.remove("dragging");
  if (ev.dataTransfer?.files?.length) addFiles(ev.dataTransfer.files);
});
$("tabs").addEventListener("scroll", tabCues);
window.addEventListener("resize", () => {
  tabCues();
  stickyPadding();
});
$("file-input").addEventListener("change", (ev) => {
  addFiles(ev.target.files);
  ev.target.value = "";
});
$("example").addEventListener("click", () => {
  state.files[state.active].content = EXAMPLE;
  activate(state.active);
  check();
});

// ---- toolbar ------------------------------------------------------------------------------------

for (const p of PROFILES) {
  const o = el("option", "", p.label);
  o.value = p.id;
  $("profile").append(o);
}
$("profile").addEventListener("change", check);
for (const l of PSS_LEVELS) {
  const o = el("option", "", l.label);
  o.value = l.id;
  $("pss-level").append(o);
}
for (const v of pssVersions()) {
  const o = el("option", "", v);
  o.value = v;
  $("pss-version").append(o);
}
$("pss-level").addEventListener("change", check);
$("pss-version").addEventListener("change", check);
for (const k of KINDS) {
  const o = el("option", "", k.label);
  o.value = k.id;
  $("kind").append(o);
}
$("kind").addEventListener("change", () => {
  const f = state.files[state.active];
  if ($("kind").value === "auto") delete f.kind;
  else f.kind = $("kind").value;
  check();
});

for (const x of EXPORTS) {
  const b = el("button", "", x.label);
  b.type = "button";
  b.id = x.id;
  b.addEventListener("click", async () => {
    const status = $("copy-status");
    if (!state.report) {
      status.textContent = "nothing to copy";
      return;
    }
    const text = x.render(state.report, state.files);
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "copied";
    } catch {
      // No clipboard permission (e.g. plain http on another host): select the text instead.
      const area = el("textarea", "copy-fallback");
      area.value = text;
      document.body.append(area);
      area.select();
      status.textContent = document.execCommand("copy") ? "copied" : "select and copy the text";
      area.remove();
    }
    b.dataset.copied = String(text.length);
  });
  $("exports").append(b);
}

$("version").textContent = `v${version()}`;
activate(0);
check();
document.body.dataset.ready = "true";
