// `node bindings-node/bench/plan.mjs` (or `bash scripts/bindings/node.sh --bench`):
// plan a generated 1,000-run stage through the napi addon and the WASM build (when
// built), next to the same operations in native Rust on the same files
// (host/examples/native_plan.rs, the one native baseline), and print medians, ratios and module load times.
// Goals: napi within 2× of native, WASM within 3×. Figures are printed, never asserted.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RUNS = Number(process.env.RENN_BENCH_RUNS ?? 1000)
const ITERATIONS = Number(process.env.RENN_BENCH_ITERATIONS ?? 15)
const RUNS_PER_BATCH = 100
const STAGE = '03-generated'
const MODULES = {
  napi: join(ROOT, 'bindings-node'),
  wasm: join(ROOT, 'bindings-wasm/pkg/nodejs/renn_wasm.js'),
}

const pad2 = (n) => String(n).padStart(2, '0')

/** One run file, byte for byte what cli/benches/plan.rs `run_file` writes (~4 KB). */
function runFile(n) {
  const batch = Math.floor((n - 1) / RUNS_PER_BATCH) + 1
  const deps = batch > 1 ? `["03-${pad2(n - RUNS_PER_BATCH)}"]` : '[]'
  let s =
    `---\nstage: ${STAGE}\nrun: ${pad2(n)}\ntype: execute\nbatch: ${batch}\ndepends_on: ${deps}\n` +
    `files_modified:\n  - src/module_${n}/mod.rs\n  - src/module_${n}/tests.rs\n` +
    `autonomous: true\ngap_closure: false\nmust_haves:\n  truths:\n    - "module ${n} works"\n` +
    `  artifacts:\n    - path: src/module_${n}/mod.rs\n      provides: "module ${n}"\n---\n\n` +
    `<objective>\nModule ${n} of the generated benchmark stage.\n\nPurpose: exercise the planner.\n</objective>\n\n` +
    '<context>\n@.renn/track.md\n</context>\n\n<tasks>\n'
  for (let t = 1; s.length < 3800; t++) {
    s +=
      `<task type="auto">\n  <name>Task ${t}: build part ${t} of module ${n}</name>\n  ` +
      `<files>src/module_${n}/mod.rs</files>\n  <action>Write the code for part ${t}; keep it small ` +
      `and tested. batch: 99 in prose must never count.</action>\n  <verify>cargo test module_${n}</verify>\n  ` +
      `<done>Part ${t} works</done>\n</task>\n`
  }
  return s + '</tasks>\n\n<verification>cargo test</verification>\n'
}

function generate(root) {
  const dir = join(root, '.renn/stages', STAGE)
  mkdirSync(dir, { recursive: true })
  for (let n = 1; n <= RUNS; n++) writeFileSync(join(dir, `03-${pad2(n)}-run.md`), runFile(n))
}

/** The project as text files, as an editor would hand it to `Project.fromFiles`. */
function readFiles(root) {
  const files = {}
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      const rel = relative(root, path).split(sep).join('/')
      if (statSync(path).isDirectory()) {
        files[`${rel}/`] = null
        walk(path)
      } else {
        files[rel] = readFileSync(path, 'utf8')
      }
    }
  }
  walk(root)
  return files
}

/** Median wall time of `f` in ms, after one warm-up call. */
function median(f) {
  f()
  const samples = []
  for (let i = 0; i < ITERATIONS; i++) {
    const t = process.hrtime.bigint()
    f()
    samples.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]
}

/** The same operations in native Rust, on the same directory. */
function native(dir) {
  const out = execFileSync(
    'cargo',
    ['run', '--quiet', '--release', '-p', 'renn-host', '--example', 'native_plan', '--', dir, '3', String(ITERATIONS)],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const n = JSON.parse(out)
  return { plan: n.plan, 'fromFiles+plan': n.from_files_plan, 'load+plan': n.load_plan }
}

function binding(renn, dir, files, canLoad) {
  const check = (plan) => {
    if (plan.batches.length !== RUNS / RUNS_PER_BATCH) throw new Error('unexpected plan')
  }
  const project = renn.Project.fromFiles(files)
  const times = {
    plan: median(() => check(project.plan('3'))),
    'fromFiles+plan': median(() => check(renn.Project.fromFiles(files).plan('3'))),
  }
  if (canLoad) times['load+plan'] = median(() => check(renn.Project.load(dir).plan('3')))
  return times
}

/** Median time of the first `require` of the module, each in a fresh node process. */
function loadTime(path) {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(path)});
    process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6))`
  const samples = Array.from({ length: 7 }, () => Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })))
  return samples.sort((a, b) => a - b)[3]
}

const ms = (x) => `${x.toFixed(2).padStart(8)} ms`

function report(name, times, base, goal) {
  for (const [op, t] of Object.entries(times)) {
    const ratio = t / base[op]
    const verdict = ratio <= goal ? 'within' : 'OVER'
    console.log(`  ${name.padEnd(5)} ${op.padEnd(15)} ${ms(t)}   ${ratio.toFixed(2)}× native (${verdict} the ${goal}× goal)`)
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'renn-bench-'))
try {
  generate(tmp)
  const files = readFiles(tmp)
  const mb = Object.values(files).reduce((n, t) => n + (t?.length ?? 0), 0) / 1048576
  console.log(`renn plan benchmark: ${RUNS} runs (${mb.toFixed(1)} MB of run files), medians of ${ITERATIONS}\n`)

  const base = native(tmp)
  for (const [op, t] of Object.entries(base)) console.log(`  rust  ${op.padEnd(15)} ${ms(t)}`)

  const require = createRequire(import.meta.url)
  report('napi', binding(require(MODULES.napi), tmp, files, true), base, 2)
  const wasmBuilt = existsSync(MODULES.wasm)
  if (wasmBuilt) report('wasm', binding(require(MODULES.wasm), tmp, files, false), base, 3)
  else console.log('  wasm  not built (bindings-wasm/pkg/nodejs): skipped')

  console.log('\nfirst call: module load (require in a fresh node process, median of 7)')
  console.log(`  napi ${ms(loadTime(MODULES.napi))}`)
  if (wasmBuilt) console.log(`  wasm ${ms(loadTime(MODULES.wasm))}`)
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
