// docs/api.md's Project methods against examples/demo, through every JavaScript
// front door and every way it has to open a project.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { join } from 'node:path'
import { impls, openers } from './impls.mjs'
import { DEMO, FIXTURES, ROOT, readJson, readProject, readText, thrown } from './support.mjs'

const GOAL = 'Users can sign up, log in, log out and reset their password'
const gateOutput = () =>
  readText(join(FIXTURES, 'return-gate-human-verify/output.md')).replace('**Run:** 03-03', '**Run:** 02-04')

for (const impl of impls) {
  const { renn } = impl
  for (const [way, open] of openers(impl, readProject)) {
    describe(`${impl.name}: Project.${way}(examples/demo)`, () => {
      const project = open(DEMO)

      test('config: config.json with defaults, unknown keys kept', () => {
        const config = project.config()
        assert.equal(config.horsepower, 'balanced')
        assert.equal(config.branching_strategy, 'none')
        assert.deepEqual(config.parallelization, { enabled: true, max_concurrent_agents: null })
        assert.equal(config.auditor, true, 'a default')
        assert.deepEqual(config.extra, { editor_theme: 'dark' })
      })

      test('models: the table of renn models', () => {
        assert.deepStrictEqual(project.models(), {
          horsepower: 'balanced',
          models: { 'renn-runner': 'sonnet', 'renn-auditor': 'sonnet', 'general-purpose': null },
        })
      })

      test('stages and resolveStage', () => {
        const accounts = { number: '02', name: 'accounts', dir: '.renn/stages/02-accounts' }
        assert.deepStrictEqual(project.stages(), [
          { number: '01', name: 'foundation', dir: '.renn/stages/01-foundation' },
          accounts,
        ])
        for (const arg of ['2', '02']) {
          assert.deepStrictEqual(project.resolveStage(arg), accounts, arg)
        }
        const missing = thrown(() => project.resolveStage('7'))
        assert.ok(missing instanceof renn.StageError)
        assert.equal(missing.code, 'no-stage-directory')
      })

      test('inventory: every run, its batch and completion', () => {
        const inv = project.inventory('2')
        assert.deepEqual(Object.keys(inv).sort(), ['batch_source', 'diagnostics', 'runs', 'stage'])
        assert.equal(inv.batch_source, 'frontmatter')
        assert.deepEqual(
          inv.runs.map((r) => [r.id, r.batch, r.complete]),
          [['02-01', 1, true], ['02-02', 1, false], ['02-03', 2, false],
           ['02-04', 2, false], ['02-05', 3, false], ['02-06', 3, false]],
        )
        assert.equal(inv.runs[0].recap, '.renn/stages/02-accounts/02-01-recap.md')
        assert.deepEqual(inv.diagnostics, [])
      })

      test('plan, with and without gapsOnly', () => {
        const plan = project.plan('2')
        assert.deepStrictEqual(plan.batches, [
          { batch: 1, runs: ['02-02'] },
          { batch: 2, runs: ['02-03', '02-04'] },
          { batch: 3, runs: ['02-05', '02-06'] },
        ])
        assert.deepStrictEqual(project.plan('2', { gapsOnly: false }), plan)
        const gaps = project.plan('2', { gapsOnly: true })
        assert.deepStrictEqual(gaps.batches, [{ batch: 3, runs: ['02-06'] }])
        assert.deepStrictEqual(gaps.skipped.not_gap_closure, ['02-02', '02-03', '02-04', '02-05'])
      })

      test('planMarkdown: the Execution Plan text', () => {
        const md = project.planMarkdown('2')
        assert.ok(md.startsWith('## Execution Plan\n'), md)
        assert.ok(md.includes('**Stage 2: Accounts** — 5 runs across 3 batches'), md)
        assert.ok(md.includes('| 2 | 02-03, 02-04 [checkpoint] |'), md)
        const gaps = project.planMarkdown('2', { gapsOnly: true })
        assert.ok(gaps.includes('02-06') && !gaps.includes('| 1 | 02-02'), gaps)
      })

      test("validate: a clean stage; the demo's own config key is warned about", () => {
        assert.deepStrictEqual(project.validate('2'), {
          stage: { number: '02', name: 'accounts', dir: '.renn/stages/02-accounts' },
          error_count: 0,
          warning_count: 1,
          diagnostics: [
            {
              code: 'config-unknown-key',
              severity: 'warning',
              message: 'unknown key "editor_theme": renn ignores it',
              file: '.renn/config.json',
              line: 6,
              column: 3,
              hint: 'config.json keys are listed in the README (config.json)',
            },
          ],
        })
      })

      test('branch: null for strategy none', () => {
        assert.equal(project.branch('2'), null)
      })

      test('proof: parsed, routed, reported', () => {
        const view = project.proof('1')
        assert.equal(view.status, 'passed')
        assert.deepEqual(view.score, [5, 5])
        assert.deepEqual(view.route, { route: 'update_track' })
        assert.ok(view.report.includes('Stage 1: Foundation — Goal Verified'), view.report)
        const missing = thrown(() => project.proof('2'))
        assert.ok(missing instanceof renn.InvalidFileError)
        assert.equal(missing.code, 'proof-missing')
        assert.equal(missing.path, '.renn/stages/02-accounts/02-proof.md')
        assert.deepEqual(view.warnings, [])
        assert.equal(project.proofPath('1'), view.path)
        assert.equal(project.proofPath('2'), null)
      })

      test('runnerPrompt: the run, its file and the config inlined', () => {
        const prompt = project.runnerPrompt('02-02')
        assert.ok(prompt.includes('Execute run 02 of stage 02-accounts.'), prompt)
        assert.ok(prompt.includes('.renn/stages/02-accounts/02-02-recap.md'), prompt)
        const objective = readText(join(DEMO, '.renn/stages/02-accounts/02-02-run.md'))
          .split('<objective>')[1].split('</objective>')[0].trim()
        assert.ok(prompt.includes(objective), 'the run file is inlined')
        assert.ok(prompt.includes('"editor_theme": "dark"'), 'config.json is inlined')
        assert.deepEqual(project.runnerPrompt('2-2'), prompt, 'run ids are normalised')
        const bad = thrown(() => project.runnerPrompt('nope'))
        assert.ok(bad instanceof renn.StageError && bad.code === 'bad-run-id', bad.message)
        const none = thrown(() => project.runnerPrompt('02-09'))
        assert.ok(none instanceof renn.StageError && none.code === 'no-such-run', none.message)
      })

      test('continuationPrompt: the gate and the answer', () => {
        const prompt = project.continuationPrompt('02-04', gateOutput(), 'approved')
        assert.ok(prompt.includes('02-04'), prompt)
        assert.ok(prompt.includes('Open http://localhost:3000/dashboard'), 'the gate details')
        assert.notEqual(prompt, project.continuationPrompt('02-04', gateOutput(), 'the chart overflows'))
        const empty = thrown(() => project.continuationPrompt('02-04', gateOutput(), '  '))
        assert.ok(empty instanceof renn.InvalidFileError && empty.code === 'empty-response')
        const garbage = thrown(() => project.continuationPrompt('02-04', 'no block', 'approved'))
        assert.ok(garbage instanceof renn.InvalidFileError && garbage.code === 'bad-return')
        assert.equal(garbage.path, 'gateOutput', 'the argument the output came in')
        const other = thrown(() => project.continuationPrompt('02-03', gateOutput(), 'approved'))
        assert.equal(other.code, 'gate-run-mismatch')
      })

      test('auditorPrompt: the stage goal and must-haves', () => {
        const prompt = project.auditorPrompt('2')
        assert.ok(prompt.includes(GOAL), prompt)
        assert.ok(prompt.includes('02-accounts'), prompt)
      })

      test('next: the stage after the last completed one, run by renn as it is planned', () => {
        assert.deepStrictEqual(project.next(), {
          kind: 'stage',
          number: '02',
          title: 'Accounts',
          goal: GOAL,
          planned: true,
          command: 'renn run-stage 2',
        })
      })

      test('status: every stage, from the files', () => {
        const status = project.status()
        assert.deepStrictEqual(
          status.stages.map((s) => [s.number, s.state, s.runs_done, s.runs_total]),
          [['01', 'complete', 3, 3], ['02', 'in_progress', 1, 6], ['03', 'not_planned', 0, 0]],
        )
        assert.equal(status.next.command, 'renn run-stage 2')
      })
    })
  }

  describe(`${impl.name}: Project.fromFiles`, () => {
    const files = readProject(DEMO)

    test('text and bytes give the same project', () => {
      const text = Object.fromEntries(
        Object.entries(files).map(([k, v]) => [k, v === null ? null : Buffer.from(v).toString('utf8')]),
      )
      assert.deepStrictEqual(renn.Project.fromFiles(text).plan('2'), renn.Project.fromFiles(files).plan('2'))
    })

    test('the files are the project: a changed config.json changes the answers', () => {
      const config = { ...JSON.parse(Buffer.from(files['.renn/config.json']).toString()), branching_strategy: 'stage' }
      const project = renn.Project.fromFiles({ ...files, '.renn/config.json': JSON.stringify(config) })
      assert.equal(project.branch('2'), 'renn/stage-02-accounts')
    })

    test('gitignored forces commit_docs off', () => {
      assert.equal(renn.Project.fromFiles(files).config().commit_docs, true)
      assert.equal(renn.Project.fromFiles(files, { gitignored: false }).config().commit_docs, true)
      assert.equal(renn.Project.fromFiles(files, { gitignored: true }).config().commit_docs, false)
    })

    test('a path ending in / declares a directory', () => {
      const project = renn.Project.fromFiles({ '.renn/': null, '.renn/stages/04-empty/': null })
      assert.deepStrictEqual(project.stages(), [{ number: '04', name: 'empty', dir: '.renn/stages/04-empty' }])
      assert.equal(thrown(() => project.plan('4')).code, 'no-runs')
    })

    test('paths that escape the project are refused', () => {
      for (const bad of ['../x.md', '/etc/passwd', '.renn//a.md']) {
        const e = thrown(() => renn.Project.fromFiles({ '.renn/': null, [bad]: 'x' }))
        assert.ok(e instanceof renn.InvalidFileError, bad)
        assert.equal(e.code, 'bad-path', bad)
      }
    })
  })

  test(`${impl.name}: version is the crates' version`, () => {
    const cargo = readText(join(ROOT, 'Cargo.toml'))
    const version = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(cargo)[1]
    assert.equal(renn.version, version)
  })

  if (impl.name === 'napi') {
    test('napi: package.json has the crates\' version', () => {
      assert.equal(readJson(join(ROOT, 'bindings-node/package.json')).version, renn.version)
    })

    test('napi: Project.load and Project.fromFiles give the same answers', () => {
      const loaded = renn.Project.load(DEMO)
      const given = renn.Project.fromFiles(readProject(DEMO))
      for (const stage of ['1', '2']) {
        assert.deepStrictEqual(loaded.plan(stage), given.plan(stage))
        assert.deepStrictEqual(loaded.inventory(stage), given.inventory(stage))
      }
      assert.deepStrictEqual(loaded.config(), given.config())
    })
  }
}
