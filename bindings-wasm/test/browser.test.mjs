// pkg/web in a real browser (headless Chromium, when installed: wasm.sh installs
// Debian's chromium-headless-shell where it can). A small server serves the repository
// and the conformance cases; browser.html runs them all and reports into its DOM.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { test } from "node:test";
import { fixtureCases, readJson, readProject, readText, ROOT } from "../../tests/node/support.mjs";

const CHROMIUM = ["chromium-headless-shell", "chromium"].find(
  (bin) => spawnSync(bin, ["--version"], { stdio: "ignore" }).status === 0,
);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

function cases() {
  return fixtureCases().map(([name, dir]) => {
    const spec = readJson(join(dir, "case.json"));
    const files = Object.fromEntries(
      Object.entries(readProject(dir)).map(([p, b]) => [p, b && Buffer.from(b).toString("base64")]),
    );
    const output = spec.file ? readText(join(dir, spec.file)) : null;
    return { name, spec, files, output, expected: readJson(join(dir, "expected.json")) };
  });
}

function serve() {
  const body = JSON.stringify(cases());
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x").pathname;
    if (url === "/cases.json") return res.end(body);
    const path = normalize(join(ROOT, decodeURIComponent(url)));
    try {
      if (!path.startsWith(ROOT)) throw new Error("outside the repository");
      res.setHeader("content-type", TYPES[extname(path)] ?? "application/octet-stream");
      res.end(readFileSync(path));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("pkg/web passes every conformance case in headless Chromium", { skip: !CHROMIUM && "no Chromium" }, async () => {
  const server = await serve();
  try {
    const url = `http://127.0.0.1:${server.address().port}/bindings-wasm/test/browser.html`;
    const args = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000", "--dump-dom", url];
    // Not spawnSync: the server answers the browser from this process's event loop.
    const dom = await new Promise((resolve, reject) => {
      const child = spawn(CHROMIUM, args, { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.on("error", reject);
      child.on("close", () => resolve(out));
    });
    const text = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1];
    assert.ok(text && text !== "running", `no result in the page:\n${dom.slice(0, 2000)}`);
    const result = JSON.parse(text.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
    assert.equal(result.crash, undefined, result.crash);
    assert.deepEqual(result.failed, []);
    assert.equal(result.passed.length, fixtureCases().length);
    assert.equal(result.planErrorClass, "PlanError");
    assert.match(result.version, /^\d+\.\d+\.\d+/);
  } finally {
    server.close();
  }
});
