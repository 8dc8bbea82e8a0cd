// What only the WASM build converts itself (the shared suite, tests/node/, covers the
// API): a Map or Buffers as files, and arguments of the wrong JavaScript type, which
// are TypeErrors naming the culprit rather than RennErrors.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { readProject, ROOT, thrown } from "../../tests/node/support.mjs";

const renn = (await import("../pkg/nodejs/renn_wasm.js")).default;
const basic = readProject(join(ROOT, "tests/fixtures/basic"));

test("a Map of files, or Buffers, give the same project as an object of Uint8Arrays", () => {
  const expected = renn.Project.fromFiles(basic).plan("3");
  assert.deepStrictEqual(renn.Project.fromFiles(new Map(Object.entries(basic))).plan("3"), expected);
  const buffers = Object.fromEntries(Object.entries(basic).map(([p, v]) => [p, v && Buffer.from(v)]));
  assert.deepStrictEqual(renn.Project.fromFiles(buffers).plan("3"), expected);
});

test("files that are not an object of text or bytes are TypeErrors", () => {
  for (const files of [42, "x", null, undefined, [".renn/"]]) {
    const e = thrown(() => renn.Project.fromFiles(files));
    assert.ok(e instanceof TypeError && !(e instanceof renn.RennError), String(files));
  }
  const e = thrown(() => renn.Project.fromFiles({ ...basic, ".renn/track.md": 7 }));
  assert.ok(e instanceof TypeError);
  assert.match(e.message, /\.renn\/track\.md/);
});

test("options and arguments of the wrong type are TypeErrors", () => {
  const project = renn.Project.fromFiles(basic);
  const bad = [
    () => renn.Project.fromFiles(basic, { gitignored: "yes" }),
    () => project.plan("3", { gapsOnly: 1 }),
    () => project.startStage("3", { onFailure: "maybe" }),
    () => project.startStage("3", { onlyBatch: -1 }),
    () => renn.routeProof("text", { path: "p.md" }),
    () => project.startStage("3").next({ event: "start", when: () => 0 }),
  ];
  for (const f of bad) {
    const e = thrown(f);
    assert.ok(e instanceof TypeError && !(e instanceof renn.RennError), `${f}: ${e}`);
  }
  assert.deepStrictEqual(project.plan("3", null), project.plan("3", {}));
});
