// docs/api.md's errors: every failure is a RennError — a real Error — of the class
// ErrorKind::class_name() names, with code, diagnostics, path, line and column.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { impls } from './impls.mjs'
import { FIXTURES, readJson, readProject, thrown } from './support.mjs'

const CLASSES = ['NotInitializedError', 'StageError', 'PlanError', 'InvalidFileError', 'RennIoError']

/** `e` is an instance of exactly the class `name`, under RennError and Error. */
const assertClass = (renn, e, name) => {
  assert.ok(e instanceof renn[name], `${name} expected, got ${e?.name}: ${e?.message}`)
  assert.equal(e.name, name)
  assert.equal(Object.getPrototypeOf(e), renn[name].prototype)
  assert.ok(e instanceof renn.RennError && e instanceof Error)
}

/** The error a fixture's plan gives through Project.fromFiles. */
const planError = (renn, name) => {
  const c = readJson(join(FIXTURES, name, 'case.json'))
  return thrown(() => renn.Project.fromFiles(readProject(join(FIXTURES, name))).plan(c.stage))
}

for (const impl of impls) {
  const { renn } = impl

  describe(`${impl.name}: error classes`, () => {
    test('are exported, and every one is a RennError and an Error', () => {
      assert.equal(typeof renn.RennError, 'function')
      assert.ok(new renn.RennError({ code: 'x', message: 'm', diagnostics: [] }) instanceof Error)
      for (const name of CLASSES) {
        assert.equal(typeof renn[name], 'function', name)
        assert.equal(renn[name].name, name)
        assert.ok(renn[name].prototype instanceof renn.RennError, name)
      }
    })

    test('NotInitializedError: no .renn/', () => {
      const e = planError(renn, 'not-initialized')
      assertClass(renn, e, 'NotInitializedError')
      assert.equal(e.code, 'not-initialized')
      assert.equal(e.message, 'project not initialized: no .renn/ or .planning/ directory found')
      assert.deepEqual([e.path, e.line, e.column], [null, null, null])
    })

    test('StageError: a stage argument that is not a number', () => {
      const e = planError(renn, 'bad-stage-arg')
      assertClass(renn, e, 'StageError')
      assert.equal(e.code, 'bad-stage-argument')
      assert.deepEqual(e.diagnostics.map((d) => d.code), ['bad-stage-argument'])
    })

    test('PlanError: an invalid UTF-8 byte, with its file, line and column', () => {
      const e = planError(renn, 'bad-invalid-utf8')
      assertClass(renn, e, 'PlanError')
      assert.equal(e.code, 'invalid-plan')
      assert.equal(e.path, '.renn/stages/03-authentication/03-02-run.md')
      assert.equal(e.line, 3)
      assert.equal(e.column, 15)
      assert.equal(e.diagnostics[0].code, 'invalid-utf8')
    })

    test('PlanError: every error of the plan is in diagnostics', () => {
      const e = planError(renn, 'bad-cycle')
      assertClass(renn, e, 'PlanError')
      const expected = readJson(join(FIXTURES, 'bad-cycle/expected.json')).error
      assert.deepStrictEqual(e.diagnostics, expected.diagnostics)
      assert.equal(e.message, expected.message)
    })

    test('InvalidFileError: config.json with a syntax error, positioned', () => {
      const e = planError(renn, 'bad-config-syntax')
      assertClass(renn, e, 'InvalidFileError')
      assert.equal(e.code, 'config-syntax')
      assert.deepEqual([e.path, e.line, e.column], ['.renn/config.json', 4, 1])
    })

    test('InvalidFileError: bytes that are not UTF-8 in config.json', () => {
      const config = Buffer.from('{\n  "horsepower": "bal\xffanced"\n}', 'latin1')
      const e = thrown(() => renn.Project.fromFiles({ '.renn/config.json': config }))
      assertClass(renn, e, 'InvalidFileError')
      assert.deepEqual([e.code, e.path, e.line, e.column], ['invalid-utf8', '.renn/config.json', 2, 21])
    })

    test('the stack points at the caller', () => {
      const e = planError(renn, 'not-initialized')
      assert.ok(e.stack.startsWith('NotInitializedError: project not initialized'), e.stack)
      assert.ok(e.stack.includes('errors.test.mjs'), e.stack)
    })

    test('a value of the wrong type is a plain TypeError-like failure, not a RennError', () => {
      const e = thrown(() => renn.Project.fromFiles({ '.renn/config.json': 5 }))
      assert.ok(e instanceof Error && !(e instanceof renn.RennError), String(e))
    })
  })

  if (impl.canLoad) {
    describe(`${impl.name}: errors of Project.load`, () => {
      test('RennIoError: a file that cannot be read', (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'renn-node-'))
        t.after(() => rmSync(dir, { recursive: true, force: true }))
        // A directory where config.json should be: reading it fails on every OS.
        mkdirSync(join(dir, '.renn/config.json'), { recursive: true })
        const e = thrown(() => renn.Project.load(dir))
        assertClass(renn, e, 'RennIoError')
        assert.equal(e.code, 'io')
        assert.equal(e.path, '.renn/config.json')
      })

      test('NotInitializedError: a directory without .renn/', (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'renn-node-'))
        t.after(() => rmSync(dir, { recursive: true, force: true }))
        assertClass(renn, thrown(() => renn.Project.load(dir)), 'NotInitializedError')
      })
    })
  }
}
