// The conformance cases of tests/fixtures through every JavaScript front door: each
// case's command, run on the case's project, must give exactly its expected.json —
// the JSON the Rust API and the `renn` binary give (cli/tests/conformance.rs).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { join } from 'node:path'
import { impls, openers } from './impls.mjs'
import { fixtureCases, outcome, readJson, readProject, readText } from './support.mjs'

/** The case's command on an opened project, as `renn --json <command>` runs it. */
function run(renn, open, dir, c) {
  if (c.command === 'parse-return') {
    return outcome(renn, () => renn.parseReturn(readText(join(dir, c.file)), c.file))
  }
  return outcome(renn, () => {
    const project = open(dir)
    switch (c.command) {
      case 'plan':
        return project.plan(c.stage, { gapsOnly: c.gaps_only ?? false })
      case 'validate':
        return project.validate(c.stage)
      case 'proof':
        return project.proof(c.stage)
      case 'status':
        return project.status()
      default:
        throw new Error(`unknown command ${c.command} in ${dir}`)
    }
  })
}

for (const impl of impls) {
  for (const [way, open] of openers(impl, readProject)) {
    describe(`${impl.name}: conformance through Project.${way}`, () => {
      for (const [name, dir] of fixtureCases()) {
        const c = readJson(join(dir, 'case.json'))
        // parse-return opens no project: run it once per implementation.
        if (c.command === 'parse-return' && way !== 'fromFiles') continue
        test(name, () => {
          const expected = readJson(join(dir, 'expected.json'))
          assert.deepStrictEqual(run(impl.renn, open, dir, c), expected)
        })
      }
    })
  }
}
