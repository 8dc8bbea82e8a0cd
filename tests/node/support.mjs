// What every Node test file shares: paths, reading a project into the files map of
// Project.fromFiles, and errors turned into the `{error: …}` of expected.json.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const FIXTURES = join(ROOT, 'tests/fixtures')
export const DEMO = join(ROOT, 'examples/demo')

/** The renn binary `{renn}` names: RENN_BIN, else the workspace's build. */
export function rennBin() {
  const found = [process.env.RENN_BIN, join(ROOT, 'target/debug/renn'), join(ROOT, 'target/release/renn')]
    .filter(Boolean)
    .find((p) => existsSync(p))
  if (!found) throw new Error('no renn binary: `cargo build -p renn-cli` first, or set RENN_BIN')
  return found
}

/**
 * A directory as `Project.fromFiles` takes it, exactly as cli/tests/conformance.rs
 * `via_files` builds it: every directory as a `path/` key, every file as bytes
 * (so the core checks UTF-8), without a case's own case.json and expected.json.
 */
export function readProject(dir) {
  const files = {}
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      const rel = relative(dir, path).split(sep).join('/')
      if (statSync(path).isDirectory()) {
        files[`${rel}/`] = null
        walk(path)
      } else if (rel !== 'case.json' && rel !== 'expected.json') {
        files[rel] = new Uint8Array(readFileSync(path))
      }
    }
  }
  walk(dir)
  return files
}

export function readText(path) {
  return readFileSync(path, 'utf8')
}

export function readJson(path) {
  return JSON.parse(readText(path))
}

/** Every conformance case: `[name, dir]`, in name order. */
export function fixtureCases() {
  const cases = readdirSync(FIXTURES)
    .sort()
    .map((name) => [name, join(FIXTURES, name)])
    .filter(([, dir]) => {
      try {
        return statSync(join(dir, 'case.json')).isFile()
      } catch {
        return false
      }
    })
  if (cases.length < 20) throw new Error(`expected the full fixture set, found ${cases.length}`)
  return cases
}

/**
 * `f()`'s value, or the `{error: {code, message, diagnostics}}` of expected.json when
 * it throws a RennError. Anything else (a TypeError, a crash) is rethrown: a test
 * must not pass because the binding failed in some other way.
 */
export function outcome(renn, f) {
  try {
    return f()
  } catch (e) {
    if (!(e instanceof renn.RennError)) throw e
    return { error: { code: e.code, message: e.message, diagnostics: e.diagnostics } }
  }
}

/** The error `f()` throws; fails when it returns. */
export function thrown(f) {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected an error, but the call returned')
}
