// pkg/web, the build for browsers and VS Code web extensions, loaded as they load it:
// an ES module initialised with the .wasm bytes. The shared suite (tests/node/) runs
// pkg/nodejs; this runs the conformance cases and the error classes through pkg/web.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fixtureCases, outcome, readJson, readProject, readText, ROOT, thrown } from "../../tests/node/support.mjs";

const pkg = join(ROOT, "bindings-wasm/pkg/web");
const renn = await import(join(pkg, "renn_wasm.js"));
renn.initSync({ module: readFileSync(join(pkg, "renn_wasm_bg.wasm")) });

function run(dir, c) {
  if (c.command === "parse-return") {
    return outcome(renn, () => renn.parseReturn(readText(join(dir, c.file)), c.file));
  }
  return outcome(renn, () => {
    const project = renn.Project.fromFiles(readProject(dir));
    if (c.command === "plan") return project.plan(c.stage, { gapsOnly: c.gaps_only ?? false });
    if (c.command === "validate") return project.validate(c.stage);
    if (c.command === "proof") return project.proof(c.stage);
    if (c.command === "status") return project.status();
    throw new Error(`unknown command ${c.command}`);
  });
}

describe("web: conformance through Project.fromFiles", () => {
  for (const [name, dir] of fixtureCases()) {
    test(name, () => {
      const c = readJson(join(dir, "case.json"));
      assert.deepStrictEqual(run(dir, c), readJson(join(dir, "expected.json")));
    });
  }
});

describe("web: errors and version", () => {
  test("the error classes are the module's exports, real Error subclasses", () => {
    assert.equal(Object.getPrototypeOf(renn.RennError), Error);
    for (const name of ["NotInitializedError", "StageError", "PlanError", "InvalidFileError", "RennIoError"]) {
      assert.equal(Object.getPrototypeOf(renn[name]), renn.RennError, name);
    }
    const files = readProject(join(ROOT, "tests/fixtures/bad-invalid-utf8"));
    const e = thrown(() => renn.Project.fromFiles(files).plan("3"));
    assert.equal(Object.getPrototypeOf(e), renn.PlanError.prototype);
    assert.ok(e instanceof renn.RennError && e instanceof Error);
    assert.deepEqual(
      [e.name, e.code, e.path, e.line, e.column],
      ["PlanError", "invalid-plan", ".renn/stages/03-authentication/03-02-run.md", 3, 15],
    );
  });

  test("version is the crates' version", () => {
    const cargo = readText(join(ROOT, "Cargo.toml"));
    assert.equal(renn.version, /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(cargo)[1]);
  });
});
