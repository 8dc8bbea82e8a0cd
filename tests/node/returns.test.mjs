// The functions that need no project: parseReturn (an agent's output) and
// routeProof (a proof's text), through every JavaScript front door.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { join } from 'node:path'
import { impls } from './impls.mjs'
import { DEMO, FIXTURES, fixtureCases, readJson, readProject, readText, thrown } from './support.mjs'

const returnCases = () => fixtureCases().filter(([name]) => name.startsWith('return-'))
const proofCases = () =>
  fixtureCases().filter(([, dir]) => readJson(join(dir, 'case.json')).command === 'proof')

for (const impl of impls) {
  const { renn } = impl

  describe(`${impl.name}: parseReturn`, () => {
    test('the tests/fixtures/return-* outputs', () => {
      assert.ok(returnCases().length >= 5)
      for (const [name, dir] of returnCases()) {
        const output = readText(join(dir, 'output.md'))
        const expected = readJson(join(dir, 'expected.json'))
        if (expected.error) {
          const e = thrown(() => renn.parseReturn(output, 'output.md'))
          assert.ok(e instanceof renn.InvalidFileError, name)
          assert.equal(e.code, expected.error.code, name)
          assert.equal(e.path, 'output.md', name)
        } else {
          assert.deepStrictEqual(renn.parseReturn(output, 'output.md'), expected, name)
          assert.deepStrictEqual(renn.parseReturn(output), expected, `${name}, without a file`)
        }
      }
    })

    test('RUN COMPLETE and GATE REACHED', () => {
      const done = renn.parseReturn(readText(join(FIXTURES, 'return-complete/output.md')))
      assert.equal(done.kind, 'complete')
      assert.equal(done.run, '03-02')
      assert.deepEqual(done.tasks.map((t) => t.commit), ['a1b2c3d', 'e4f5a6b', '0a1b2c3'].map((h) => ({ kind: 'hashes', hashes: [h] })))
      const gate = renn.parseReturn(readText(join(FIXTURES, 'return-gate-human-verify/output.md')))
      assert.equal(gate.kind, 'gate')
      assert.equal(gate.gate, 'human-verify')
      assert.equal(gate.awaiting, 'Type "approved" or describe the layout issues.')
    })

    test('an output without a block names the file, or no file when none is given', () => {
      const named = thrown(() => renn.parseReturn('just prose', 'agent.log'))
      assert.ok(named instanceof renn.InvalidFileError)
      assert.deepEqual([named.code, named.path], ['unusable-return', 'agent.log'])
      const unnamed = thrown(() => renn.parseReturn('just prose'))
      assert.deepEqual([unnamed.code, unnamed.path], ['unusable-return', null])
      assert.equal(unnamed.diagnostics[0].file, undefined)
    })
  })

  describe(`${impl.name}: routeProof`, () => {
    test('is project.proof for the proof-* fixtures', () => {
      for (const [name, dir] of proofCases()) {
        const project = renn.Project.fromFiles(readProject(dir))
        const stage = readJson(join(dir, 'case.json')).stage
        const expected = readJson(join(dir, 'expected.json'))
        // No text to route: no proof, or two that could be it.
        if (['proof-missing', 'proof-ambiguous'].includes(expected.error?.code)) continue
        const path = expected.path ?? expected.error.diagnostics[0].file
        // A stage without run files has no plan; the title is the report's (the track's).
        const title = expected.report?.match(/(?:Stage|Phase) \d+: (.*?) —/)[1] ?? 'T'
        const text = readText(join(dir, path))
        // The stage as a person types it: these cases ask for "3".
        const source = { path, stage, title }
        if (expected.error) {
          const e = thrown(() => renn.routeProof(text, source))
          assert.equal(e.code, expected.error.code, name)
        } else {
          assert.deepStrictEqual(renn.routeProof(text, source), expected, name)
        }
      }
    })

    test('the demo proof: passed, to update_track', () => {
      const path = '.renn/stages/01-foundation/01-proof.md'
      const view = renn.routeProof(readText(join(DEMO, path)), { path, stage: '1', title: 'Foundation' })
      assert.equal(view.status, 'passed')
      assert.deepEqual(view.route, { route: 'update_track' })
      assert.ok(view.report.startsWith('## ✓ Stage 1: Foundation — Goal Verified'), view.report)
    })

    test('a text that is not a proof is an InvalidFileError naming the path', () => {
      const e = thrown(() => renn.routeProof('no frontmatter', { path: 'p.md', stage: '3', title: 'T' }))
      assert.ok(e instanceof renn.InvalidFileError, e.message)
      assert.equal(e.path, 'p.md')
    })
  })
}
