// A GSD project (.planning/) through every JavaScript front door: examples/demo in GSD's
// layout (scripts/gsd/demo.sh), opened with Project.fromFiles (napi and WASM) and
// Project.load (napi), must plan, validate and report status exactly as
// `renn --json plan|validate|status` does on the same directory.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { impls, openers } from './impls.mjs'
import { ROOT, readProject, rennBin } from './support.mjs'

const dir = join(mkdtempSync(join(tmpdir(), 'renn-gsd-')), 'demo')
execFileSync('bash', [join(ROOT, 'scripts/gsd/demo.sh'), dir])

/** `renn --json ARGS` in the GSD demo, without the schema version the API's values lack. */
function cli(...args) {
  let stdout
  try {
    stdout = execFileSync(rennBin(), ['--json', ...args], { cwd: dir, encoding: 'utf8' })
  } catch (e) {
    // validate exits 1 when the plan has errors; its JSON is still the answer.
    if (args[0] !== 'validate' || !e.stdout) throw e
    stdout = e.stdout
  }
  const { schema, ...value } = JSON.parse(stdout)
  assert.equal(typeof schema, 'number')
  return value
}

for (const impl of impls) {
  for (const [way, open] of openers(impl, readProject)) {
    describe(`${impl.name}: a GSD project through Project.${way}`, () => {
      test('plan: the same plan as renn --json plan, from .planning/', () => {
        const plan = open(dir).plan('2')
        assert.deepEqual(plan, cli('plan', '2'))
        assert.equal(plan.stage.dir, '.planning/phases/02-accounts')
        assert.deepEqual(
          plan.runs.map((r) => r.path),
          ['01', '02', '03', '04', '05', '06'].map((n) => `.planning/phases/02-accounts/02-${n}-PLAN.md`),
        )
        assert.equal(plan.runs[0].recap, '.planning/phases/02-accounts/02-01-SUMMARY.md')
        assert.deepEqual(plan.skipped.complete, ['02-01'])
        assert.deepEqual(plan.diagnostics, cli('plan', '2').diagnostics)
      })

      test('plan with gaps only: the gap_closure plan', () => {
        const plan = open(dir).plan('2', { gapsOnly: true })
        assert.deepEqual(plan, cli('plan', '2', '--gaps-only'))
        assert.deepEqual(
          plan.batches.flatMap((b) => b.runs),
          ['02-06'],
        )
      })

      test('validate and status: as the CLI says', () => {
        const project = open(dir)
        assert.deepEqual(project.validate('2'), cli('validate', '2'))
        assert.deepEqual(project.status(), cli('status'))
      })
    })
  }
}
