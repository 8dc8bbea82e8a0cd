// The JavaScript front doors under test, one suite for both: RENN_IMPLS is a comma
// list (default "napi,wasm"). An implementation that is listed but not built fails
// the run, loudly: a suite that silently skips it would pass for nothing.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('../../', import.meta.url))

const KNOWN = {
  // The built npm package (index.js → native.js → renn.<platform>.node).
  napi: { module: 'bindings-node', build: 'bash scripts/bindings/node.sh', load: true },
  // The npm package renn-wasm (its main: the node build); no disk, so no Project.load.
  wasm: { module: 'bindings-wasm/pkg', build: 'bash scripts/bindings/wasm.sh', load: false },
}

function load(name) {
  const known = KNOWN[name]
  if (!known) {
    throw new Error(`RENN_IMPLS names '${name}'; known implementations: ${Object.keys(KNOWN).join(', ')}`)
  }
  try {
    return { name, renn: require(root + known.module), canLoad: known.load }
  } catch (cause) {
    throw new Error(
      `the ${name} implementation is not built (${known.module}: ${cause.message.split('\n')[0]}); ` +
        `build it with \`${known.build}\`, or leave it out of RENN_IMPLS`,
      { cause },
    )
  }
}

const names = (process.env.RENN_IMPLS ?? 'napi,wasm')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
if (names.length === 0) throw new Error('RENN_IMPLS lists no implementation')

/** `[{name, renn, canLoad}]`: each implementation's module. */
export const impls = names.map(load)

/**
 * The ways to open a project directory each implementation has: `fromFiles` with
 * the files read here, and for native front doors `Project.load(dir)` as well.
 */
export function openers(impl, readProject) {
  const ways = [['fromFiles', (dir) => impl.renn.Project.fromFiles(readProject(dir))]]
  if (impl.canLoad) ways.push(['load', (dir) => impl.renn.Project.load(dir)])
  return ways
}
