// The npm package as a user gets it: the tarball `npm pack` made of bindings-wasm/pkg
// (RENN_WASM_TARBALL, set by scripts/bindings/wasm.sh; packed here when unset),
// installed into an empty project. Node loads it through the `node` condition with
// `require` and with `import`; the `browser` condition resolves to the web build, which
// loads as a page loads it; and a TypeScript user's `tsc --strict` with the default lib
// of es2020 (no esnext) accepts the declarations of both builds.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { ROOT } from "../../tests/node/support.mjs";

const TSC = join(ROOT, "bindings-wasm/node_modules/.bin/tsc");
const FILES = { ".renn/stages/01-a/01-01-run.md": "---\nbatch: 1\n---\n<objective>o</objective>\n" };
let dir;

function run(program, args, cwd = dir) {
  try {
    return execFileSync(program, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`${program} ${args.join(" ")} failed:\n${e.stdout}${e.stderr}`);
  }
}

/** What a bundler resolves `renn-wasm` to under `conditions` (the exports map's order wins). */
function resolveExport(manifest, conditions) {
  let target = manifest.exports["."];
  while (typeof target === "object") {
    const key = Object.keys(target).find((k) => conditions.includes(k));
    assert.ok(key, `no condition of ${conditions} in ${JSON.stringify(target)}`);
    target = target[key];
  }
  return target;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "renn-wasm-package-"));
  let tarball = process.env.RENN_WASM_TARBALL;
  if (!tarball) {
    const name = run("npm", ["pack", "--silent", "--pack-destination", dir], join(ROOT, "bindings-wasm/pkg"));
    tarball = join(dir, name.trim().split("\n").pop());
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball]);
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

describe("the renn-wasm package, installed from its tarball", () => {
  const script = (useRenn) =>
    `const files = ${JSON.stringify(FILES)};\n${useRenn}\n` +
    `const plan = renn.Project.fromFiles(files).plan("1");\n` +
    `let code;\ntry { renn.Project.fromFiles(files).plan("9"); } catch (e) { code = e instanceof renn.StageError && e.code; }\n` +
    `console.log(JSON.stringify({ version: renn.version, runs: plan.runs.map((r) => r.id), code }));`;
  const expected = () => ({
    version: JSON.parse(readFileSync(join(dir, "node_modules/renn-wasm/package.json"), "utf8")).version,
    runs: ["01-01"],
    code: "no-stage-directory",
  });

  test("holds only the two builds, the manifest and the README", () => {
    const manifest = JSON.parse(readFileSync(join(dir, "node_modules/renn-wasm/package.json"), "utf8"));
    assert.deepEqual(manifest.files, ["nodejs/", "web/"]);
    for (const file of ["nodejs/renn_wasm.js", "nodejs/renn_wasm_bg.wasm", "web/renn_wasm.js", "web/renn_wasm_bg.wasm", "README.md"]) {
      assert.ok(existsSync(join(dir, "node_modules/renn-wasm", file)), file);
    }
  });

  test("require('renn-wasm') in node (the node condition, CommonJS)", () => {
    writeFileSync(join(dir, "use.cjs"), script(`const renn = require("renn-wasm");`));
    assert.deepEqual(JSON.parse(run("node", ["use.cjs"])), expected());
    const resolved = run("node", ["-p", `require.resolve("renn-wasm")`]).trim();
    assert.equal(resolved, join(dir, "node_modules/renn-wasm/nodejs/renn_wasm.js"));
  });

  test("import from 'renn-wasm' in node (the node condition, named exports)", () => {
    writeFileSync(
      join(dir, "use.mjs"),
      script(`import { Project, StageError, version } from "renn-wasm";\nconst renn = { Project, StageError, version };`),
    );
    assert.deepEqual(JSON.parse(run("node", ["use.mjs"])), expected());
    const resolved = run("node", ["--input-type=module", "-e", `console.log(import.meta.resolve("renn-wasm"))`]).trim();
    assert.equal(resolved, pathToFileURL(join(dir, "node_modules/renn-wasm/nodejs/renn_wasm.js")).href);
  });

  test("the browser condition resolves to the web build, which loads as a page loads it", async () => {
    const root = join(dir, "node_modules/renn-wasm");
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    // What a browser bundler asks for (no `node`): browser first, then import / default.
    for (const conditions of [["browser", "import", "default"], ["import", "default"], ["default"]]) {
      assert.equal(resolveExport(manifest, conditions), "./web/renn_wasm.js", conditions.join());
      assert.equal(resolveExport(manifest, ["types", ...conditions]), "./web/renn_wasm.d.ts", conditions.join());
    }
    assert.equal(resolveExport(manifest, ["node", "import", "default"]), "./nodejs/renn_wasm.js");
    assert.equal(manifest.exports["./renn_wasm_bg.wasm"], "./web/renn_wasm_bg.wasm");
    const web = await import(pathToFileURL(join(root, "web/renn_wasm.js")).href);
    web.initSync({ module: readFileSync(join(root, manifest.exports["./renn_wasm_bg.wasm"])) });
    assert.deepEqual(web.Project.fromFiles(FILES).plan("1").runs.map((r) => r.id), ["01-01"]);
    assert.equal(web.version, manifest.version);
  });

  test("tsc --strict --target es2020 (the default lib, no esnext) accepts both builds' declarations", () => {
    const use = (from) =>
      `const files: Files = { ".renn/track.md": "# Track" };\n` +
      `const project = Project.fromFiles(files);\n` +
      `const plan: Plan = project.plan("1");\n` +
      `const ids: string[] = plan.runs.map((r) => r.id);\n` +
      `project[Symbol.dispose]();\n` +
      `try { project.free(); } catch (e) { if (e instanceof StageError) ids.push(e.code); }\n` +
      `export const out: string = ids.join() + version + "${from}";\n`;
    writeFileSync(
      join(dir, "node.mts"),
      `import { Project, StageError, version, type Files, type Plan } from "renn-wasm";\n` + use("node"),
    );
    writeFileSync(
      join(dir, "web.ts"),
      `import init, { Project, StageError, version, type Files, type Plan } from "renn-wasm";\nawait init();\n` + use("web"),
    );
    const strict = ["--strict", "--noEmit", "--target", "es2020", "--skipLibCheck", "false"];
    // node: resolved as node does (the `node` condition).
    run(TSC, [...strict, "--module", "nodenext", "node.mts"]);
    // a browser bundle: resolved as bundlers do, with the `browser` condition.
    run(TSC, [...strict, "--module", "esnext", "--moduleResolution", "bundler", "--customConditions", "browser", "web.ts"]);
  });
});
