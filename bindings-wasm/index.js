// kubeharden-wasm: the ES-module entry point for node and browsers. The glue in pkg/ comes from
// `wasm-bindgen --target web` (build.sh); this file only instantiates it: node reads the .wasm
// bytes from disk, a browser fetches them next to this file. Types: index.d.ts.
import init, {
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
} from "./pkg/kubeharden_wasm.js";

const wasmUrl = new URL("./pkg/kubeharden_wasm_bg.wasm", import.meta.url);
const isNode = typeof process === "object" && process !== null && typeof process.versions?.node === "string";
if (isNode) {
  const { readFile } = await import("node:fs/promises");
  await init({ module_or_path: await readFile(wasmUrl) });
} else {
  await init({ module_or_path: wasmUrl });
}

export { checkFiles, checkManifest, fileContents, fileKind, fix, netpol, netpolFiles, pss, pssFiles, pssVersions, rules, toSarif, version };
