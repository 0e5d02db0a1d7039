// End to end: the page in headless Chromium (playwright-core, /usr/bin/chromium), served from
// www/ by `python3 -m http.server`. Pastes the example app, checks the findings, clicks one and
// asserts the line is highlighted, drops several files, copies the JSON and the SARIF, checks
// the Pod Security Standards verdicts (restricted: a denied object, a violation clicked to its
// line) against the package's own pssFiles, switches the theme,
// measures the 1 MB budget, saves screenshots under test-output/, and asserts that every request
// went to the local server. Needs ../build.sh to have run (www/pkg/).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

// playwright-core comes from NODE_PATH (/opt/kubeharden-tools/env.sh), which only require() reads.
const { chromium } = createRequire(import.meta.url)("playwright-core");
// The package in node: the page's PSS verdicts must be the package's.
const { pssFiles } = await import("../index.js");

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const www = here("../www/");
const outDir = here("../../test-output/");
const app = readFileSync(here("./data/app.yaml"), "utf8");
const pod = readFileSync(here("./data/privileged-pod.yaml"), "utf8");
// 2 MB since the fix module (issue 18): 1.65 MB at opt-level 3; opt-level "s" fits 1.5 MB but
// checks about 3 times slower (bindings-wasm/build.sh).
const WASM_BUDGET = 2 * 1024 * 1024;
const TIME_BUDGET_MS = 200;

let server;
let browser;
let origin;
const requests = [];
const problems = [];

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

before(async () => {
  statSync(`${www}/pkg/kubeharden_wasm_bg.wasm`); // run build.sh first
  mkdirSync(outDir, { recursive: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", www], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  await waitForServer(`${origin}/`);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** A page of a fresh context (fresh profile) that records requests and page errors. */
async function openPage(colorScheme = "light") {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** Sets the active editor's text like a paste and waits for the check it triggers. */
async function paste(page, text) {
  const before = Number(await page.getAttribute("#summary", "data-checks"));
  await page.evaluate((t) => {
    const ed = document.getElementById("editor");
    ed.value = t;
    ed.dispatchEvent(new InputEvent("input", { inputType: "insertFromPaste" }));
  }, text);
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.checks) > n, before);
}

test("the page checks a pasted app, highlights a clicked finding's line and shows its fix", async () => {
  const page = await openPage("light");
  await page.fill("#editor", app); // typed input, as a user pastes
  await page.waitForSelector(".finding");

  const summary = await page.textContent("#summary");
  assert.match(summary, /\d+ findings?/);
  assert.match(summary, /\d+ critical/);
  assert.match(summary, /3 objects/);
  const all = await page.$$eval(".group", (gs) => gs.map((g) => g.dataset.severity));
  assert.equal(all[0], "denied", "the objects Pod Security Admission denies lead the list");
  const groups = all.slice(1);
  assert.ok(groups.length >= 2, `groups: ${groups}`);
  assert.deepEqual(groups, ["critical", "high", "medium", "low", "info"].filter((s) => groups.includes(s)), "ordered by severity");

  const item = page.locator('.group.sev-critical .finding[data-rule="POD001"]').first();
  assert.match(await item.locator(".rule-name").textContent(), /privileged-container/);
  assert.match(await item.locator(".message").textContent(), /privileged/);
  const line = Number(await item.getAttribute("data-line"));
  assert.equal(app.split("\n")[line - 1].trim(), "privileged: true");

  await item.click();
  const hl = page.locator("#highlight");
  assert.ok(await hl.isVisible());
  assert.equal(Number(await hl.getAttribute("data-line")), line);
  const selected = await page.evaluate(() => {
    const ed = document.getElementById("editor");
    return ed.value.slice(ed.selectionStart, ed.selectionEnd);
  });
  assert.equal(selected, app.split("\n")[line - 1]);
  // the highlight bar sits on that line of the editor
  const box = await hl.boundingBox();
  const ed = await page.locator("#editor").boundingBox();
  const geometry = await page.evaluate(() => {
    const e = document.getElementById("editor");
    const cs = getComputedStyle(e);
    return { lh: parseFloat(cs.lineHeight), pad: parseFloat(cs.paddingTop), scroll: e.scrollTop };
  });
  const expectedTop = ed.y + geometry.pad + (line - 1) * geometry.lh - geometry.scroll;
  assert.ok(Math.abs(box.y - expectedTop) < 1, `highlight at ${box.y}, line ${line} at ${expectedTop}`);
  assert.ok(box.y >= ed.y && box.y + box.height <= ed.y + ed.height, "highlighted line is scrolled into view");

  // the finding's own fix: a patch of the user's text
  const fix = await item.locator(".fix pre.diff").textContent();
  assert.match(fix, /^-\s+privileged: true$/m);
  assert.match(fix, /^\+\s+privileged: false$/m);
  await page.screenshot({ path: `${outDir}/wasm-page-light.png` });

  // copy as JSON: the clipboard holds the report shown
  await page.click("#copy-json");
  await page.waitForFunction(() => document.getElementById("copy-status").textContent !== "");
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(copied.version, 1);
  assert.equal(copied.findings.length, await page.locator(".finding:not(.denial)").count());
  assert.match(summary, new RegExp(`${copied.summary.findings} findings?`));

  // copy as SARIF: a SARIF 2.1.0 log with one result per finding shown
  await page.evaluate(() => { document.getElementById("copy-status").textContent = ""; });
  await page.click("#copy-sarif");
  await page.waitForFunction(() => document.getElementById("copy-status").textContent !== "");
  assert.equal(await page.textContent("#copy-status"), "copied");
  const sarif = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(sarif.version, "2.1.0");
  assert.equal(sarif.runs[0].tool.driver.name, "kubeharden");
  assert.deepEqual(sarif.runs[0].results.map((r) => `${r.ruleId} ${r.locations[0].physicalLocation.region.startLine}`),
    copied.findings.map((f) => `${f.rule} ${f.line}`));

  // the built-in example replaces the editor's text and is checked
  const n = Number(await page.getAttribute("#summary", "data-checks"));
  await page.click("#example");
  await page.waitForFunction((k) => Number(document.getElementById("summary").dataset.checks) > k, n);
  assert.match(await page.inputValue("#editor"), /kind: Deployment/);
  assert.ok(await page.locator('.finding[data-rule="POD001"]').count() === 1);
  await page.context().close();
});

/** Waits for the check that `action` triggers. */
async function rechecked(page, action) {
  const n = Number(await page.getAttribute("#summary", "data-checks"));
  await action();
  await page.waitForFunction((k) => Number(document.getElementById("summary").dataset.checks) > k, n);
}

/** What the page shows in its Pod Security Admission section, one line per object. */
async function shownPss(page) {
  return page.$$eval(".pss-object", (items) => items.map((li) => {
    const name = li.querySelector(".pss-name").textContent;
    const checks = [...li.querySelectorAll(".pss-violation")].map((v) =>
      `${v.dataset.check}@${v.dataset.line}: ${v.querySelector(".message").textContent}`);
    return `${li.dataset.allowed === "true" ? "admitted" : "denied"} ${name} ${checks.join(" | ")}`;
  }));
}

function expectedPss(files, level, version) {
  return pssFiles(files, { level, version }).results.map((r) =>
    `${r.allowed ? "admitted" : "denied"} ${r.object.kind}/${r.object.name} ${r.violations.map((v) => `${v.check}@${v.line}: ${v.message}`).join(" | ")}`);
}

test("18.6: a finding's own patch, applied one by one or all safe ones, re-checked, downloaded; no secret in a patch", async () => {
  const page = await openPage("light");
  const planted = "s3cr3t-planted-page-value";
  const text = [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: web",
    "  namespace: shop",
    "spec:",
    "  containers:",
    "    - name: app",
    "      image: registry.example.com/web:1.0.0",
    "      env:",
    "        - name: DB_PASSWORD",
    `          value: ${planted}`,
    "      securityContext:",
    "        privileged: true",
    "        capabilities:",
    '          drop: ["all"]',
    "",
  ].join("\n");
  await paste(page, text);
  const finding = (rule) => page.locator(`.finding[data-rule="${rule}"]`).first();
  // the safe fix of `drop: ["all"]`: its own patch
  await finding("POD005").click();
  const patch = await finding("POD005").locator(".fix pre.diff").textContent();
  assert.match(patch, /^\+\s+drop: \["ALL"\]$/m, patch);
  assert.match(await finding("POD005").locator(".fix-title").textContent(), /\(safe\)/);
  // the secret's fix (unsafe): its patch shows no value
  await finding("SEC001").click();
  const secretPatch = await finding("SEC001").locator(".fix pre.diff").textContent();
  assert.match(secretPatch, /secretKeyRef/);
  assert.ok(!secretPatch.includes(planted), secretPatch);
  assert.match(await finding("SEC001").locator(".apply-one").textContent(), /unsafe/);
  // all safe fixes: applied to the text, checked again, their findings gone
  const checks = Number(await page.getAttribute("#summary", "data-checks"));
  await finding("SEC001").locator(".apply-safe").click();
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.checks) > n, checks);
  let edited = await page.inputValue("#editor");
  assert.match(edited, /drop: \["ALL"\]/);
  assert.match(edited, /type: RuntimeDefault/);
  assert.match(edited, /privileged: true/, "unsafe fixes wait for the user");
  assert.equal(await page.locator('.finding[data-rule="POD005"]').count(), 0);
  assert.equal(await page.locator('.finding[data-rule="POD012"]').count(), 0);
  // one unsafe fix, applied on request
  await finding("POD001").click();
  const before = Number(await page.getAttribute("#summary", "data-checks"));
  await finding("POD001").locator(".apply-one").click();
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.checks) > n, before);
  edited = await page.inputValue("#editor");
  assert.match(edited, /privileged: false/);
  assert.equal(await page.locator('.finding[data-rule="POD001"]').count(), 0);
  // the fixed file, downloaded as it is now
  await page.locator(".finding").first().click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".fix .download").first().click()]);
  const saved = readFileSync(await download.path(), "utf8");
  assert.equal(saved, edited);
  await page.context().close();
});

test("Pod Security Standards: level and version choices, denied objects, a violation highlights its line", async () => {
  const page = await openPage("light");
  // the version list comes from the core: latest, then v1.<newest> … v1.0
  const versions = await page.$$eval("#pss-version option", (os) => os.map((o) => o.value));
  assert.equal(versions[0], "latest");
  assert.equal(versions.at(-1), "v1.0");
  assert.ok(versions.length > 30, `${versions.length} versions`);
  assert.deepEqual(await page.$$eval("#pss-level option", (os) => os.map((o) => o.value)), ["baseline", "restricted"]);

  await paste(page, app);
  const files = [{ name: "pasted-1", content: app }];
  // baseline (the default): the privileged web Deployment is denied, the worker admitted
  assert.match(await page.textContent("#pss h2"), /baseline, latest/);
  assert.deepEqual(await shownPss(page), expectedPss(files, "baseline", "latest"));
  assert.equal(await page.locator('.pss-object[data-allowed="false"]').count(), 1);
  assert.match(await page.locator(".pss-object.denied .pss-name").textContent(), /Deployment\/web/);
  assert.match(await page.textContent("#summary"), /PSS baseline: 1 denied/);

  // restricted: both Deployments are denied; the worker for its seccomp profile and capabilities
  await rechecked(page, () => page.selectOption("#pss-level", "restricted"));
  assert.match(await page.textContent("#pss h2"), /restricted, latest · 2 of 2 objects denied/);
  assert.deepEqual(await shownPss(page), expectedPss(files, "restricted", "latest"));
  const worker = page.locator(".pss-object.denied", { hasText: "Deployment/worker" });
  const violation = worker.locator('.pss-violation[data-check="seccompProfile_restricted"]');
  assert.equal(await violation.locator(".message").textContent(),
    'seccompProfile (pod or container "worker" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  const line = Number(await violation.getAttribute("data-line"));
  assert.ok(line > 0);
  await violation.click();
  assert.equal(Number(await page.locator("#highlight").getAttribute("data-line")), line);
  assert.ok(await page.locator("#highlight").isVisible());
  assert.ok(await violation.evaluate((v) => v.classList.contains("selected")));
  const selected = await page.evaluate(() => {
    const ed = document.getElementById("editor");
    return ed.value.slice(ed.selectionStart, ed.selectionEnd);
  });
  assert.equal(selected, app.split("\n")[line - 1]);
  await page.screenshot({ path: `${outDir}/wasm-page-pss.png` });

  // an older version checks less: at v1.0 restricted had no seccomp or capabilities checks
  await rechecked(page, () => page.selectOption("#pss-version", "v1.0"));
  assert.match(await page.textContent("#pss h2"), /restricted, v1\.0/);
  const old = await shownPss(page);
  assert.deepEqual(old, expectedPss(files, "restricted", "v1.0"));
  assert.ok(!old.join("\n").includes("seccompProfile_restricted"), old.join("\n"));
  await page.context().close();
});

test("a pasted Dockerfile is recognised and checked; Read as changes what a tab is", async () => {
  const page = await openPage("light");
  const dockerfile = "FROM ubuntu:latest\nRUN apt-get install -y curl\n";
  await paste(page, dockerfile);
  assert.equal(await page.getAttribute(".tab.active", "data-kind"), "dockerfile");
  assert.equal(await page.textContent(".tab.active .kind"), "Dockerfile");
  assert.equal(await page.inputValue("#kind"), "auto");
  const rules = await page.$$eval(".finding", (fs) => fs.map((f) => f.dataset.rule));
  assert.ok(rules.length > 0 && rules.every((r) => r.startsWith("DKR")), `${rules}`);
  assert.equal(await page.textContent("#input-errors"), "");
  assert.match(await page.textContent("#pss"), /No pod-bearing objects/);
  // Read as YAML, the text is no Kubernetes object: the page says so instead of "No findings".
  await rechecked(page, () => page.selectOption("#kind", "yaml"));
  assert.equal(await page.getAttribute(".tab.active", "data-kind"), "yaml");
  assert.match(await page.textContent("#input-errors"), /not a Kubernetes object/);
  assert.match(await page.textContent("#summary"), /1 input error/);
  assert.equal(await page.locator(".finding").count(), 0);
  // Text that is no manifest, read automatically, says so too.
  await rechecked(page, () => page.selectOption("#kind", "auto"));
  await paste(page, "hello\n");
  assert.match(await page.textContent("#input-errors"), /not a Kubernetes object: the document is a string/);
  await page.context().close();
});

test("dropped files become tabs, are checked together, and a finding opens its file", async () => {
  const page = await openPage("dark");
  await paste(page, app);
  const before = Number(await page.getAttribute("#summary", "data-checks"));
  await page.evaluate(([a, b]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([a], "debug-pod.yaml", { type: "application/yaml" }));
    dt.items.add(new File([b], "broken.yaml", { type: "application/yaml" }));
    document.getElementById("editor-pane").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [pod, "kind: Pod\nmetadata: {name: x\n"]);
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.checks) > n, before);
  const tabs = await page.$$eval(".tab", (ts) => ts.map((t) => t.firstChild.textContent));
  assert.deepEqual(tabs, ["pasted-1", "debug-pod.yaml", "broken.yaml"]);
  assert.match(await page.textContent("#summary"), /3 files/);
  assert.match(await page.textContent("#summary"), /1 input error/);
  assert.match(await page.textContent("#input-errors"), /broken\.yaml:\d+/);

  // a finding of the pasted file switches the editor back to it
  const item = page.locator('.finding[data-file="pasted-1"]').first();
  await item.click();
  assert.equal(await page.textContent(".tab.active"), "pasted-1manifest×");
  assert.equal(await page.inputValue("#editor"), app);
  const podItem = page.locator('.finding[data-file="debug-pod.yaml"][data-rule="POD001"]');
  await podItem.click();
  assert.match(await page.textContent(".tab.active"), /^debug-pod\.yaml/);
  assert.equal(await page.locator("#highlight").getAttribute("data-line"), await podItem.getAttribute("data-line"));

  // the theme follows the system: dark background here, light in the other test
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(13, 17, 23)");
  await page.screenshot({ path: `${outDir}/wasm-page-dark.png` });

  // profiles rerun the check
  const n = Number(await page.getAttribute("#summary", "data-checks"));
  await page.selectOption("#profile", "all");
  await page.waitForFunction((k) => Number(document.getElementById("summary").dataset.checks) > k, n);
  assert.ok(await page.locator(".finding").count() > 0);
  await page.context().close();
});

// ---- issue 21: a page without rough edges ------------------------------------------------------

/** The bounding box of the first element matching `selector` (or of `handle`). */
async function box(page, selector) {
  return page.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
  });
}

const TRIVY = JSON.stringify({
  SchemaVersion: 2, ArtifactName: "registry.example.com/shop/api:2.3.1", ArtifactType: "container_image",
  Metadata: { RepoTags: ["registry.example.com/shop/api:2.3.1"], ImageConfig: { created: "2026-11-01T00:00:00Z", config: { User: "10001" } } },
  Results: [{ Target: "registry.example.com/shop/api:2.3.1 (debian 12.5)", Class: "os-pkgs", Type: "debian",
    Vulnerabilities: [{ VulnerabilityID: "CVE-2024-5535", PkgName: "libssl3", InstalledVersion: "3.0.11", FixedVersion: "3.0.14", Status: "fixed", Severity: "HIGH" }] }],
});
const SKOPEO = JSON.stringify({ Name: "registry.example.com/app", Digest: `sha256:${"0".repeat(64)}`, RepoTags: ["1.0"], Created: "2026-01-01T00:00:00Z", Architecture: "amd64", Os: "linux", Layers: [] });

async function drop(page, files) {
  const before = Number(await page.getAttribute("#summary", "data-checks"));
  await page.evaluate((fs) => {
    const dt = new DataTransfer();
    for (const [name, content] of fs) dt.items.add(new File([content], name));
    document.getElementById("editor-pane").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.checks) > n, before);
}

test("21.5-7: document numbers as in the contract; denials first; PSS rows unclipped below the sticky summary", async () => {
  const page = await openPage("light");
  await page.setViewportSize({ width: 1000, height: 700 }); // a laptop half-screen: the narrow case
  await paste(page, app);
  await rechecked(page, () => page.selectOption("#pss-level", "restricted"));
  const expected = pssFiles([{ name: "pasted-1", content: app }], { level: "restricted", version: "latest" });
  // 5: the document number is the JSON's (0-based), said the same way as the command line
  const locs = await page.$$eval(".pss-object .head .loc", (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(locs, expected.results.map((r) => `pasted-1 · document ${r.document}`));
  assert.deepEqual(expected.results.map((r) => r.document), [0, 2]);
  // 7: "2 denied" stands beside the total, before the severity counts, and leads the list
  const chips = await page.$$eval("#summary > *", (cs) => cs.map((c) => c.className));
  const pssAt = chips.findIndex((c) => c.includes("pss-chip"));
  const firstSeverity = chips.findIndex((c) => c.includes("sev-"));
  assert.ok(pssAt === 1 && pssAt < firstSeverity, `${chips}`);
  assert.match(await page.textContent("#summary .pss-chip"), /PSS restricted: 2 denied/);
  const groups = await page.$$eval("#findings .group", (gs) => gs.map((g) => g.dataset.severity));
  assert.equal(groups[0], "denied");
  assert.equal(await page.textContent(".denied-group h2"), "Denied by Pod Security Admission (2)");
  assert.equal(await page.locator(".denied-group .denial").count(), 2);
  // 6: every violation row shows its file:line whole, inside the row and the window; the message
  // is the widest column
  const rows = await page.$$eval(".pss-violation", (vs) => vs.map((v) => {
    const r = v.getBoundingClientRect();
    const [check, message, loc] = [".check", ".message", ".loc"].map((c) => v.querySelector(c).getBoundingClientRect());
    return { row: r.right, loc: loc.right, locLeft: loc.left, left: r.left, check: check.width, message: message.width, clipped: v.querySelector(".loc").scrollWidth > Math.ceil(loc.width) };
  }));
  assert.ok(rows.length >= 5, `${rows.length} rows`);
  for (const r of rows) {
    assert.ok(r.loc <= r.row + 0.5 && r.loc <= 1000 && r.locLeft >= r.left && !r.clipped, JSON.stringify(r));
    assert.ok(r.message > r.check, `message ${r.message}px, check ${r.check}px`);
  }
  // 6: a denial clicked scrolls its verdict into view below the sticky summary, not under it
  await page.locator(".denied-group .denial").nth(1).click();
  await page.waitForFunction(() => document.querySelector(".pss-violation.selected"));
  const summary = await box(page, "#summary");
  const target = await page.locator(".pss-object.denied").nth(1).evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(target >= summary.bottom - 0.5, `verdict top ${target} under the summary's bottom ${summary.bottom}`);
  assert.ok(target < 700, `verdict top ${target} below the window`);
  await page.screenshot({ path: `${outDir}/wasm-page-21-denied.png` });
  await page.context().close();
});

test("21.7: suppressed findings are counted and shown on demand", async () => {
  const page = await openPage("light");
  const annotated = pod.replace("  name: debug\n", "  name: debug\n  annotations:\n    kubeharden.io/ignore.POD001: \"a debugging pod, deleted after use\"\n");
  await paste(page, annotated);
  const toggle = page.locator("#suppressed-toggle");
  assert.equal(await toggle.textContent(), "1 suppressed · show");
  const shownBefore = await page.locator(".finding").count();
  assert.equal(await page.locator('.finding[data-rule="POD001"]').count(), 0);
  await rechecked(page, () => toggle.click());
  assert.equal(await page.locator("#suppressed-toggle").textContent(), "1 suppressed · hide");
  assert.equal(await page.locator(".finding").count(), shownBefore + 1);
  const marked = page.locator('.finding[data-suppressed="true"]');
  assert.equal(await marked.count(), 1);
  assert.equal(await marked.getAttribute("data-rule"), "POD001");
  assert.equal(await marked.locator(".suppressed-mark").textContent(), "suppressed");
  await page.screenshot({ path: `${outDir}/wasm-page-21-suppressed.png` });
  // the copied report is the real one: without the suppressed finding
  await page.click("#copy-json");
  await page.waitForFunction(() => document.getElementById("copy-status").textContent !== "");
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(copied.summary.suppressed, 1);
  assert.ok(!copied.findings.some((f) => f.rule === "POD001"));
  await rechecked(page, () => page.locator("#suppressed-toggle").click());
  assert.equal(await page.locator(".finding").count(), shownBefore);
  await page.context().close();
});

test("21.8: one fix open at a time, scrolled into view; a paste shows the top of the text", async () => {
  const page = await openPage("light");
  await page.setViewportSize({ width: 1400, height: 600 });
  const long = [app, pod, app.replaceAll("name: web", "name: shop"), pod.replace("name: debug", "name: debug-2")].join("\n---\n");
  // a real paste: the clipboard, then Ctrl+V in the editor
  await page.evaluate((t) => navigator.clipboard.writeText(t), long);
  const before = Number(await page.getAttribute("#summary", "data-checks"));
  await page.click("#editor");
  await page.keyboard.press("Control+V");
  await page.waitForFunction((n) => Number(document.getElementById("summary").dataset.checks) > n, before);
  assert.equal(await page.inputValue("#editor"), long);
  await page.waitForFunction(() => document.getElementById("editor").scrollTop === 0);
  const ed = await page.evaluate(() => {
    const e = document.getElementById("editor");
    return { scrollTop: e.scrollTop, scrollHeight: e.scrollHeight, clientHeight: e.clientHeight, gutter: document.getElementById("gutter").scrollTop };
  });
  assert.ok(ed.scrollHeight > 2 * ed.clientHeight, "the text is longer than the editor");
  assert.equal(ed.gutter, 0);

  const findings = page.locator(".finding:not(.denial)");
  const n = await findings.count();
  assert.ok(n > 20, `${n} findings`);
  await findings.first().click();
  assert.equal(await page.locator("#findings .fix").count(), 1);
  const last = findings.nth(n - 1);
  await last.scrollIntoViewIfNeeded();
  await last.click();
  assert.equal(await page.locator("#findings .fix").count(), 1, "the first fix closed");
  assert.equal(await last.locator(".fix").count(), 1);
  const fix = await last.locator(".fix").evaluate((e) => e.getBoundingClientRect().bottom);
  const results = await box(page, "#results");
  assert.ok(fix <= results.bottom + 0.5, `fix bottom ${fix} below the results' bottom ${results.bottom}`);
  await page.screenshot({ path: `${outDir}/wasm-page-21-fix.png` });
  await page.context().close();
});

test("21.6, 21.9: many tabs scroll with a cue, the active one in view; each says what it holds", async () => {
  const page = await openPage("light");
  await page.setViewportSize({ width: 1000, height: 700 });
  const many = Array.from({ length: 8 }, (_, i) => [`frontend-deployment-with-a-long-name-${i}.yaml`, pod.replace("name: debug", `name: debug-${i}`)]);
  await drop(page, [...many, ["Dockerfile.api", "FROM alpine:3.20\nUSER 10001\n"], ["skopeo-app.json", SKOPEO], ["trivy-api.json", TRIVY]]);
  const holds = await page.$$eval(".tab", (ts) => ts.map((t) => [t.firstChild.textContent, t.dataset.holds, t.querySelector(".kind").textContent]));
  assert.deepEqual(holds.slice(-3), [["Dockerfile.api", "dockerfile", "Dockerfile"], ["skopeo-app.json", "image", "image metadata"], ["trivy-api.json", "trivy", "Trivy report"]]);
  assert.ok(holds.slice(0, 8).every(([, h, label]) => h === "manifest" && label === "manifest"), JSON.stringify(holds));
  assert.match(await page.textContent("#summary .facts"), /^11 files · 8 objects · 1 Dockerfile \(1 stage\) · 2 images · 1 Trivy report/);
  // the strip overflows and says so; the active tab (the first dropped) is inside it
  assert.equal(await page.getAttribute("#tabs", "data-overflow"), "right");
  // a tab at the end, activated, is scrolled into the strip, and the cue turns
  await page.evaluate(() => document.querySelectorAll(".tab")[10].click());
  // tabs hidden on the left now: "left", or "both" when the strip's end padding is still to scroll
  await page.waitForFunction(() => ["left", "both"].includes(document.getElementById("tabs").dataset.overflow));
  const strip = await box(page, "#tabs");
  const active = await box(page, ".tab.active");
  assert.ok(active.left >= strip.left - 0.5 && active.right <= strip.right + 0.5, `${JSON.stringify(active)} in ${JSON.stringify(strip)}`);
  assert.ok(active.right <= 1000);
  await page.screenshot({ path: `${outDir}/wasm-page-21-tabs.png` });
  // what a tab holds is changeable: read as YAML, a Dockerfile is unreadable, and says so
  await page.evaluate(() => document.querySelectorAll(".tab")[8].click());
  await rechecked(page, () => page.selectOption("#kind", "yaml"));
  assert.equal(await page.getAttribute(".tab.active", "data-holds"), "unreadable");
  assert.ok(await page.locator(".tab.active .kind.chosen").count() === 1);
  await page.context().close();
});

/** `text` copied with distinct object names until it is 1 MiB. */
function oneMiB(text) {
  const copies = [];
  for (let i = 0, len = 0; len < 1024 * 1024; i++) {
    const c = text.replace(/name: ([A-Za-z0-9-]+)\n/g, `name: $1-${i}\n`);
    copies.push(c);
    len += c.length + 5;
  }
  return copies.join("\n---\n");
}

/** Checks `big` five times in the page; returns the sorted times (ms) and the findings count. */
async function timeInPage(page, big) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    await paste(page, `${big}\n# run ${i}\n`);
    times.push(Number(await page.getAttribute("#summary", "data-ms")));
  }
  const findings = Number((await page.textContent("#summary .total")).match(/\d+/)[0]);
  return { sorted: [...times].sort((a, b) => a - b), findings };
}

test("budgets: the .wasm is at most 2 MB; the time to check a 1 MB manifest (budget 200 ms) is reported", async () => {
  const size = statSync(`${www}/pkg/kubeharden_wasm_bg.wasm`).size;
  console.log(`# wasm size after wasm-opt: ${size} bytes (${(size / 1024 / 1024).toFixed(2)} MB, budget 2 MB)`);
  assert.ok(size <= WASM_BUDGET, `${size} bytes`);

  // The budget's manifest: 1 MB of the bundled example app (examples/manifests: namespaces,
  // NetworkPolicies, hardened and bad workloads), copied with distinct names.
  const dir = here("../../examples/manifests/");
  const example = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => readFileSync(dir + f, "utf8")).join("\n---\n");
  const page = await openPage("light");
  const real = await timeInPage(page, oneMiB(example));
  console.log(`# 1 MB of the example app (${real.findings} findings) checked in Chromium: best ${real.sorted[0].toFixed(1)} ms, ` +
    `median ${real.sorted[2].toFixed(1)} ms of 5 (page's performance.now() around checkFiles)`);
  // A denser case, reported and not budgeted: 1 MB of tests/data/app.yaml, whose workloads are
  // deliberately bad (about 27 findings per KB, 60 times the real corpus): time grows with findings.
  const dense = await timeInPage(page, oneMiB(app));
  console.log(`# 1 MB of the deliberately bad app (${dense.findings} findings): best ${dense.sorted[0].toFixed(1)} ms, ` +
    `median ${dense.sorted[2].toFixed(1)} ms of 5`);
  assert.ok(real.findings > 1000 && dense.findings > real.findings, `${real.findings} / ${dense.findings} findings`);
  // Time is reported, and asserted only on request (KUBEHARDEN_TIME_BUDGETS=1, on an idle machine):
  // a wall-clock assertion fails on a loaded CI machine whatever the code does.
  if (process.env.KUBEHARDEN_TIME_BUDGETS === "1") {
    assert.ok(real.sorted[0] < TIME_BUDGET_MS, `best of 5: ${real.sorted[0]} ms`);
  } else if (real.sorted[0] >= TIME_BUDGET_MS) {
    console.log(`# over the ${TIME_BUDGET_MS} ms budget (not asserted: set KUBEHARDEN_TIME_BUDGETS=1 on an idle machine)`);
  }
  await page.context().close();
});

test("every request went to the local server, and the page logged no errors", () => {
  assert.ok(requests.length >= 5, `${requests.length} requests`);
  const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
  assert.deepEqual(foreign, []);
  const files = new Set(requests.filter((u) => u.startsWith(origin)).map((u) => new URL(u).pathname));
  assert.deepEqual([...files].sort(), ["/", "/main.js", "/pkg/kubeharden_wasm.js", "/pkg/kubeharden_wasm_bg.wasm", "/style.css"]);
  assert.deepEqual(problems, []);
});
