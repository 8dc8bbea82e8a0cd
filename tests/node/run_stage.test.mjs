// Project.runStage: whole stages of examples/demo executed through the napi package on
// renn-host — the CLI's own host — with renn's demo agent: a gate answered from here, a
// failure answered, a stop and a resume, and the events compared with the CLI's.
// Native only: the WASM build has no processes.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { impls } from './impls.mjs'
import { ROOT, rennBin } from './support.mjs'

const TODAY = '2026-11-24'
const native = impls.filter((i) => i.canLoad)

/** A fresh git copy of examples/demo (tests/support/demo-project.sh). */
function demo(...extra) {
  const dir = join(mkdtempSync(join(tmpdir(), 'renn-run-')), 'demo')
  execFileSync('bash', [join(ROOT, 'tests/support/demo-project.sh'), dir, ...extra])
  return dir
}

// The user's trust store stays out of the tests.
process.env.RENN_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'renn-config-'))
const options = (more) => ({ trust: true, renn: rennBin(), today: TODAY, ...more })

/** Runs stage 2 and collects its events; `answer(event, run)` may respond. */
async function collect(renn, dir, opts, answer) {
  const events = []
  const run = renn.Project.load(dir).runStage('2', options(opts), (event) => {
    events.push(event)
    answer?.(event, run)
  })
  const result = await run.done
  return { events, result }
}

/** An event stream without what differs between two executions (times, commits,
 * paths, durations), as `name run` lines, sorted: runs of a batch finish in any order. */
function shape(events) {
  return events
    .map((e) => [e.event, e.run, e.kind, e.outcome?.outcome].filter((x) => x !== undefined).join(' '))
    .sort()
}

function git(dir, ...args) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' })
}

for (const impl of native) {
  const { renn } = impl
  // Each stage takes seconds; a hang fails its test instead of the whole run.
  describe(`${impl.name}: Project.runStage on examples/demo`, { timeout: 120_000 }, () => {
    test('a gate answered from the caller: the stage ends verified and committed', async () => {
      const dir = demo()
      const asked = []
      const { events, result } = await collect(renn, dir, {}, (event, run) => {
        if (event.event !== 'question') return
        asked.push(event)
        const { event: _name, schema: _schema, time: _time, ...question } = event
        assert.deepEqual(run.question, question)
        run.respond('approved')
      })
      assert.deepEqual(result, { exit: 'done', code: 0 })
      assert.deepEqual(asked.map((q) => [q.kind, q.run, q.gate]), [['gate', '02-04', 'human-verify']])
      for (const e of events) {
        assert.equal(e.schema, 1)
        assert.match(e.time, /^\d{4}-\d\d-\d\dT/)
      }
      const names = events.map((e) => e.event)
      assert.equal(names[0], 'report')
      assert.ok(names.includes('plan'))
      const spawned = events.filter((e) => e.event === 'run_spawned').map((e) => e.run)
      // 02-01 was done before; 02-04 twice: its runner, then the continuation after the gate.
      assert.deepEqual(spawned.sort(), ['02-02', '02-03', '02-04', '02-04', '02-05', '02-06', 'auditor'])
      assert.deepEqual(names.slice(-2), ['next', 'stage_completed'])
      assert.ok(readFileSync(join(dir, '.renn/stages/02-accounts/02-proof.md'), 'utf8').includes('status: passed'))
      assert.match(git(dir, 'log', '--oneline'), /docs\(stage-02\): complete stage execution/)
      assert.equal(git(dir, 'status', '--porcelain'), '')
    })

    test('without questions it pauses at the gate and resumes with respond, event for event as the CLI', async () => {
      const viaBinding = demo()
      const first = await collect(renn, viaBinding, { interactive: false })
      assert.deepEqual(first.result, { exit: 'awaiting_response', code: 4 })
      const second = await collect(renn, viaBinding, { interactive: false, respond: ['02-04', 'approved'] })
      assert.deepEqual(second.result, { exit: 'done', code: 0 })

      const viaCli = demo()
      const cli = (...args) => {
        try {
          return { out: execFileSync(rennBin(), ['--json', 'run-stage', '2', '--trust', ...args], { cwd: viaCli, encoding: 'utf8', env: { ...process.env, RENN_TODAY: TODAY } }), code: 0 }
        } catch (e) {
          return { out: e.stdout, code: e.status }
        }
      }
      const lines = (out) => out.trim().split('\n').map((l) => JSON.parse(l))
      const a = cli()
      assert.equal(a.code, 4)
      const b = cli('--respond', '02-04', 'approved')
      assert.equal(b.code, 0)
      assert.deepEqual(shape(first.events), shape(lines(a.out)))
      assert.deepEqual(shape(second.events), shape(lines(b.out)))
      // The same files either way: pulse, track and the proof.
      for (const f of ['.renn/pulse.md', '.renn/track.md', '.renn/stages/02-accounts/02-proof.md']) {
        assert.equal(readFileSync(join(viaBinding, f), 'utf8'), readFileSync(join(viaCli, f), 'utf8'), f)
      }
    })

    test('a failure question answered with retry: the run runs again and the stage completes', async () => {
      const dir = demo('fail-once', '02-02')
      const asked = []
      const { events, result } = await collect(renn, dir, { onFailure: 'ask' }, (event, run) => {
        if (event.event !== 'question') return
        asked.push(event.kind)
        run.respond(event.kind === 'failure' ? 'retry' : 'approved')
      })
      assert.deepEqual(asked, ['failure', 'gate'])
      assert.deepEqual(result, { exit: 'done', code: 0 })
      const failure = events.find((e) => e.event === 'question' && e.kind === 'failure')
      assert.deepEqual(failure.failed.map((f) => f.run), ['02-02'])
      assert.equal(events.filter((e) => e.event === 'run_spawned' && e.run === '02-02').length, 2)
    })

    test('stop() stops the agents and a later runStage resumes the stage', async () => {
      const dir = demo()
      const first = await collect(renn, dir, {}, (event, run) => {
        if (event.event === 'run_spawned') run.stop()
      })
      assert.deepEqual(first.result, { exit: 'stopped', code: 6 })
      assert.ok(!first.events.some((e) => e.event === 'stage_completed' && e.outcome?.outcome === 'complete'))
      const second = await collect(renn, dir, {}, (event, run) => {
        if (event.event === 'question') run.respond('approved')
      })
      assert.deepEqual(second.result, { exit: 'done', code: 0 })
      assert.ok(readFileSync(join(dir, '.renn/stages/02-accounts/02-proof.md'), 'utf8').includes('status: passed'))
    })

    test('misuse is refused: respond with no question, a project not on disk, a bad option', async () => {
      const dir = demo()
      const run = renn.Project.load(dir).runStage('2', options({ dryRun: true }))
      assert.throws(() => run.respond('approved'), (e) => e.code === 'respond-not-waiting')
      assert.deepEqual(await run.done, { exit: 'done', code: 0 })
      const files = renn.Project.fromFiles({ '.renn/config.json': '{}' })
      assert.throws(() => files.runStage('2'), (e) => e.code === 'no-project-dir')
      assert.throws(() => renn.Project.load(dir).runStage('2', { onFailure: 'later' }), /onFailure/)
      const missing = renn.Project.load(dir).runStage('9', options())
      await assert.rejects(missing.done, (e) => e instanceof renn.StageError && /No stage directory matching '9'/.test(e.message))
    })
  })
}
