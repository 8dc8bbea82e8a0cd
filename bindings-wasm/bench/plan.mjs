// `node bindings-wasm/bench/plan.mjs [runs]` (after scripts/bindings/wasm.sh): how fast
// the WASM module loads and plans a generated stage of 1,000 runs (stage.mjs, the stage
// of cli/benches/plan.rs), against native Rust doing the same in memory
// (host/examples/native_plan.rs, the one native baseline). Medians; printed, never asserted.
// Goal: WASM plan within 3× of native.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { batches, generate } from "./stage.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = path.join(root, "bindings-wasm/pkg");
const runs = Number(process.argv[2] ?? 1000);
const iterations = 15;

function median(f, n = iterations) {
  f(); // warm-up: JIT, wasm tier-up, allocator
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b)[n >> 1];
}

/** Milliseconds a fresh node takes to load a build, measured inside the process. */
function loadTime(script) {
  const samples = [];
  for (let i = 0; i < 9; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    samples.push(Number(out));
  }
  return samples.sort((a, b) => a - b)[4];
}

function native(dir, pin) {
  const args = ["run", "--quiet", "--release", "-p", "renn-host", "--example", "native_plan", "--", dir, "3", "15"];
  const command = pin ? ["taskset", ["-c", "0", "cargo", ...args]] : ["cargo", args];
  const out = spawnSync(command[0], command[1], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (out.status !== 0) throw new Error(`cargo run failed (${out.status})`);
  const n = JSON.parse(out.stdout.trim().split("\n").at(-1));
  return { from_files_ms: n.from_files, plan_ms: n.plan, threads: n.threads };
}

const ms = (x) => `${x.toFixed(2).padStart(8)} ms`;
const files = generate(runs);
const bytes = Object.values(files).reduce((n, t) => n + t.length, 0);
console.log(`renn WASM benchmark: ${runs} runs, ${(bytes / 1048576).toFixed(1)} MB of run files (medians)\n`);

const wasmFile = path.join(pkg, "nodejs/renn_wasm_bg.wasm");
console.log(`module: ${(fs.statSync(wasmFile).size / 1024).toFixed(0)} KB .wasm`);
const nodeLoad = loadTime(
  `import { createRequire } from "node:module"; const t = performance.now();` +
    `createRequire(import.meta.url)(${JSON.stringify(path.join(pkg, "nodejs/renn_wasm.js"))});` +
    `process.stdout.write(String(performance.now() - t));`,
);
const webLoad = loadTime(
  `import fs from "node:fs"; const t = performance.now();` +
    `const m = await import(${JSON.stringify(path.join(pkg, "web/renn_wasm.js"))});` +
    `m.initSync({ module: fs.readFileSync(${JSON.stringify(path.join(pkg, "web/renn_wasm_bg.wasm"))}) });` +
    `process.stdout.write(String(performance.now() - t));`,
);
console.log(`  load, pkg/nodejs (require)           ${ms(nodeLoad)}`);
console.log(`  load, pkg/web (import + initSync)    ${ms(webLoad)}\n`);

const { createRequire } = await import("node:module");
const renn = createRequire(import.meta.url)(path.join(pkg, "nodejs/renn_wasm.js"));
const project = renn.Project.fromFiles(files);
if (project.plan("3").batches.length !== batches(runs)) throw new Error("unexpected plan");
const wasm = {
  fromFiles: median(() => renn.Project.fromFiles(files).free()),
  plan: median(() => project.plan("3")),
  validate: median(() => project.validate("3")),
};
wasm.total = median(() => {
  const p = renn.Project.fromFiles(files);
  p.plan("3");
  p.free();
});
// Hosts that read files get bytes (fs.readFileSync, vscode.workspace.fs.readFile):
// copied into WASM memory as they are, where strings are re-encoded UTF-16 → UTF-8.
const encoder = new TextEncoder();
const fileBytes = Object.fromEntries(
  Object.entries(files).map(([p, text]) => [p, p.endsWith("/") ? text : encoder.encode(text)]),
);
wasm.fromBytes = median(() => renn.Project.fromFiles(fileBytes).free());
wasm.totalBytes = median(() => {
  const p = renn.Project.fromFiles(fileBytes);
  p.plan("3");
  p.free();
});
console.log("WASM (pkg/nodejs)");
console.log(`  Project.fromFiles                    ${ms(wasm.fromFiles)}`);
console.log(`  project.plan (inventory + plan + JS) ${ms(wasm.plan)}`);
console.log(`  project.validate                     ${ms(wasm.validate)}`);
console.log(`  fromFiles + plan                     ${ms(wasm.total)}`);
console.log(`  Project.fromFiles (bytes)            ${ms(wasm.fromBytes)}`);
console.log(`  fromFiles (bytes) + plan             ${ms(wasm.totalBytes)}\n`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "renn-wasm-bench-"));
try {
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  const pin = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  for (const [label, one] of [["all cores", false], ["one core (taskset -c 0)", true]]) {
    if (one && !pin) continue;
    const n = native(dir, one);
    console.log(`native Rust, in memory, ${label}: ${n.threads} thread(s)`);
    console.log(`  Snapshot::from_files + Project::new  ${ms(n.from_files_ms)}`);
    console.log(`  project.plan (inventory + plan)      ${ms(n.plan_ms)}   WASM is ${(wasm.plan / n.plan_ms).toFixed(2)}×`);
    const both = n.from_files_ms + n.plan_ms;
    console.log(`  both                                 ${ms(both)}   WASM is ${(wasm.total / both).toFixed(2)}× (strings), ${(wasm.totalBytes / both).toFixed(2)}× (bytes)\n`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log("goal: WASM plan within 3× of native");
