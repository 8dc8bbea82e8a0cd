// Diagnostic columns as JavaScript counts them: UTF-16 code units (the core counts
// characters; docs/api.md, "Positions"). A run file whose frontmatter line holds an
// accented letter, a curly quote and an astral emoji (two UTF-16 units) before the
// erroneous value, through every JavaScript front door and every way it opens a project.
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { impls, openers } from './impls.mjs'
import { FIXTURES, readProject, thrown } from './support.mjs'

const RUN = '.renn/stages/03-authentication/03-02-run.md'
const LINE = '{stage: 03-authentication, run: 02, type: execute, title: "Émile’s 🚀 signup", batch: two, depends_on: ["03-01"], autonomous: true}'
// What an editor's JavaScript says: the index of `two` in the line's UTF-16 string.
const COLUMN = LINE.indexOf('two') + 1

const dir = mkdtempSync(join(tmpdir(), 'renn-columns-'))
after(() => rmSync(dir, { recursive: true, force: true }))
cpSync(join(FIXTURES, 'bad-batch-not-number'), dir, { recursive: true })
const original = readFileSync(join(dir, RUN), 'utf8')
const body = original.slice(original.indexOf('\n---\n', 4) + '\n---\n'.length)
writeFileSync(join(dir, RUN), `---\n${LINE}\n---\n${body}`)

test('the line has characters outside ASCII and outside the BMP', () => {
  assert.equal(COLUMN, [...LINE.slice(0, COLUMN - 1)].length + 2, 'the emoji counts twice in UTF-16')
})

for (const impl of impls) {
  for (const [way, open] of openers(impl, readProject)) {
    describe(`${impl.name}: Project.${way}: columns in UTF-16 code units`, () => {
      const project = open(dir)

      test('validate: the diagnostic points at the value', () => {
        const [d] = project.validate('3').diagnostics
        assert.equal(d.code, 'batch-not-a-number')
        assert.deepEqual([d.line, d.column], [2, COLUMN])
        assert.equal(LINE.slice(d.column - 1, d.column + 2), 'two')
      })

      test('plan: the PlanError and its diagnostics', () => {
        const e = thrown(() => project.plan('3'))
        assert.ok(e instanceof impl.renn.PlanError)
        assert.deepEqual([e.path, e.line, e.column], [RUN, 2, COLUMN])
        assert.equal(e.diagnostics[0].column, COLUMN)
      })
    })
  }
}
