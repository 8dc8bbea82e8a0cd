// A consumer's typo fails to type-check against each front door's declarations (the
// napi package's index.d.ts, the WASM build's renn_wasm.d.ts): `tsc --strict` passes
// on correct code and fails, with the expected message, on each typo'd variant of it.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { impls } from './impls.mjs'
import { ROOT } from './support.mjs'

const DECLARATIONS = {
  napi: join(ROOT, 'bindings-node/index'),
  wasm: join(ROOT, 'bindings-wasm/pkg/nodejs/renn_wasm'),
}
const tsc = ['bindings-node', 'bindings-wasm']
  .map((d) => join(ROOT, d, 'node_modules/typescript/bin/tsc'))
  .find(existsSync)

// Each case: correct code, and the same code with one typo, and what tsc says of it.
// `project` and `execution` are declared, not run: only the types are under test.
const CASES = [
  {
    name: 'a plan key',
    ok: "const n: number = project.plan('2').batches.length",
    typo: "const n: number = project.plan('2').batchez.length",
    error: /Property 'batchez' does not exist on type 'Plan'\. Did you mean 'batches'\?/,
  },
  {
    name: 'a config key',
    ok: 'const c: string[] = project.config().agent.command',
    typo: 'const c: string[] = project.config().agent.comand',
    error: /Property 'comand' does not exist on type 'AgentConfig'\. Did you mean 'command'\?/,
  },
  {
    name: "a diagnostic's key",
    ok: "const col = project.validate('2').diagnostics[0]?.column",
    typo: "const col = project.validate('2').diagnostics[0]?.colum",
    error: /Property 'colum' does not exist on type 'Diagnostic'\. Did you mean 'column'\?/,
  },
  {
    name: "an action's key, once narrowed by its tag",
    ok: "for (const a of execution.next({ event: 'start' })) if (a.action === 'spawn_runner') console.log(a.run)",
    typo: "for (const a of execution.next({ event: 'start' })) if (a.action === 'spawn_runner') console.log(a.runn)",
    error: /Property 'runn' does not exist on type/,
  },
  {
    name: "an event's tag",
    ok: "execution.next({ event: 'start' })",
    typo: "execution.next({ event: 'strat' })",
    error: /Type '"strat"' is not assignable to type/,
  },
  {
    name: 'a status key',
    ok: 'for (const s of project.status().stages) console.log(s.state)',
    typo: 'for (const s of project.status().stages) console.log(s.stat)',
    error: /Property 'stat' does not exist on type 'StageStatus'/,
  },
  {
    name: "a stage event's key, once narrowed by `event`",
    ok: "const f = (e: StageEvent) => (e.event === 'run_exited' ? e.exit : null)",
    typo: "const f = (e: StageEvent) => (e.event === 'run_exited' ? e.exitt : null)",
    error: /Property 'exitt' does not exist on type/,
  },
]

// Native only: running a stage (the WASM build has no processes).
const NATIVE_CASES = [
  {
    name: "a question's key in runStage's onEvent, once narrowed by its kind",
    ok: "project.runStage('2', null, (e) => { if (e.event === 'question' && e.kind === 'gate') console.log(e.run, e.details) })",
    typo: "project.runStage('2', null, (e) => { if (e.event === 'question' && e.kind === 'gate') console.log(e.run, e.detials) })",
    error: /Property 'detials' does not exist on type/,
  },
  {
    name: "the open question's key",
    ok: "const q = project.runStage('2').question; if (q?.kind === 'failure') console.log(q.failed[0]?.why)",
    typo: "const q = project.runStage('2').question; if (q?.kind === 'failure') console.log(q.failed[0]?.whyy)",
    error: /Property 'whyy' does not exist on type/,
  },
  {
    name: "the result's exit",
    ok: "void project.runStage('2').done.then((r) => r.exit === 'awaiting_response')",
    typo: "void project.runStage('2').done.then((r) => r.exit === 'awaiting')",
    error: /This comparison appears to be unintentional/,
  },
]

/** tsc's errors per file (`file(line,col): error TS…: message`), run on `files`. */
function typecheck(dir, files) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const config = {
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'commonjs', types: [], lib: ['esnext', 'dom'], skipLibCheck: false },
    files: Object.keys(files),
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config))
  let out = ''
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' })
  } catch (e) {
    out = `${e.stdout}${e.stderr}`
  }
  const errors = {}
  for (const m of out.matchAll(/^(\S+?)\(\d+,\d+\): error (TS\d+: .*(?:\n {2,}.*)*)/gm)) {
    ;(errors[m[1].split('/').pop()] ??= []).push(m[2])
  }
  return { out, errors }
}

for (const impl of impls) {
  describe(`${impl.name}: a typo fails tsc --strict against the declarations`, () => {
    const dir = mkdtempSync(join(tmpdir(), `renn-types-${impl.name}-`))
    after(() => rmSync(dir, { recursive: true, force: true }))
    const cases = impl.canLoad ? [...CASES, ...NATIVE_CASES] : CASES
    const head = (line) =>
      `import { Project, StageExecution, StageEvent } from ${JSON.stringify(DECLARATIONS[impl.name])}\n` +
      'declare const project: Project\ndeclare const execution: StageExecution\n' +
      `${line}\nexport {}\n`
    const files = { 'ok.ts': head(cases.map((c) => c.ok).join('\n')) }
    cases.forEach((c, i) => (files[`typo${i}.ts`] = head(c.typo)))
    let result

    test('tsc runs', { skip: !tsc && 'no TypeScript installed (npm ci in bindings-node)' }, () => {
      result = typecheck(dir, files)
      assert.deepEqual(result.errors['ok.ts'] ?? [], [], `the correct code must type-check:\n${result.out}`)
    })
    cases.forEach((c, i) => {
      test(c.name, { skip: !tsc }, () => {
        const errors = result.errors[`typo${i}.ts`] ?? []
        assert.equal(errors.length, 1, `one error expected for \`${c.typo}\`:\n${result.out}`)
        assert.match(errors[0], c.error)
      })
    })
  })
}
