// StageExecution: stage 2 of examples/demo driven the way a host drives it — perform
// the actions, answer with events — through every JavaScript front door.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { join } from 'node:path'
import { impls } from './impls.mjs'
import { DEMO, FIXTURES, readProject, readText, thrown } from './support.mjs'

const TODAY = '2026-11-24'

/** A runner's output ending with RUN COMPLETE for `run`, a commit for each of three
 * tasks (the demo's runs have two or three; rows for tasks a run lacks are ignored). */
const complete = (run) =>
  `All done.\n\n## RUN COMPLETE\n\n**Run:** ${run}   **Tasks:** 3/3   **Recap:** recap.md\n\n` +
  '| Task | Name | Commit | Files |\n|---|---|---|---|\n| 1 | One | abc1234 | a.py |\n| 2 | Two | def5678 | b.py |\n' +
  '| 3 | Three | 0a1b2c3 | c.py |\n'

const gate = (run) =>
  readText(join(FIXTURES, 'return-gate-human-verify/output.md')).replace('**Run:** 03-03', `**Run:** ${run}`)

const exited = (run, output) => ({ event: 'runner_exited', run, output, exit: { exit: 'success' } })
const evidence = (run) => ({ event: 'evidence', run, recap: '# Recap', missing_commits: [], outside_run: [] })

/** The actions' tags, with the run they are about: `spawn_runner 02-02`. */
const kinds = (actions) =>
  actions.map((a) => [a.action, a.notice, a.run].filter((x) => x !== undefined).join(' '))

for (const impl of impls) {
  const { renn } = impl
  const project = renn.Project.fromFiles(readProject(DEMO))

  describe(`${impl.name}: StageExecution of examples/demo stage 2`, () => {
    test('a whole batch, a gate, and a failure', () => {
      const ex = project.startStage('2')
      assert.deepStrictEqual(ex.state().phase, { phase: 'ready' })
      assert.deepStrictEqual(ex.state().batches, [1, 2, 3])

      assert.deepEqual(kinds(ex.next({ event: 'start' })), [
        'notify batch_started', 'record_progress', 'spawn_runner 02-02',
      ])
      const [check] = ex.next(exited('02-02', complete('02-02')))
      assert.deepStrictEqual(check, {
        action: 'check_evidence',
        run: '02-02',
        recap_path: '.renn/stages/02-accounts/02-02-recap.md',
        commits: ['abc1234', 'def5678'],
      })
      assert.deepEqual(kinds(ex.next(evidence('02-02'))), [
        'notify run_completed 02-02', 'record_progress', 'notify batch_completed',
        'notify batch_started', 'record_progress', 'spawn_runner 02-03', 'spawn_runner 02-04',
      ])

      assert.deepEqual(kinds(ex.next(exited('02-03', complete('02-03')))), ['check_evidence 02-03'])
      ex.next(evidence('02-03'))
      const atGate = ex.next(exited('02-04', gate('02-04')))
      assert.deepEqual(kinds(atGate), ['notify gate_reached 02-04', 'record_progress', 'ask_gate 02-04'])
      assert.equal(atGate[2].gate.gate, 'human-verify')
      assert.equal(ex.progress().pending_gates.length, 1)

      const resumed = ex.next({ event: 'gate_answered', run: '02-04', response: { kind: 'approved' } })
      const spawn = resumed.find((a) => a.action === 'spawn_runner')
      assert.equal(spawn.prompt.prompt, 'continuation')
      assert.deepStrictEqual(spawn.prompt.response, { kind: 'approved' })

      ex.next(exited('02-04', complete('02-04')))
      assert.deepEqual(kinds(ex.next(evidence('02-04'))).slice(-2), ['spawn_runner 02-05', 'spawn_runner 02-06'])
      ex.next(exited('02-05', complete('02-05')))
      ex.next(evidence('02-05'))
      const failed = ex.next({ event: 'runner_exited', run: '02-06', output: 'crash', exit: { exit: 'failed', code: 1 } })
      assert.deepStrictEqual(failed.at(-1), {
        action: 'ask_failure',
        failed: [['02-06', 'the runner exited with status 1: crash']],
      })
      assert.deepStrictEqual(ex.state().phase, { phase: 'failure_choice', index: 2 })
      assert.deepEqual(ex.progress(), {
        current_batch: 3,
        last_completed_run: '02-05',
        runs_done: 5,
        runs_total: 6,
        pending_gates: [],
        status: 'Paused after a failed run',
      })
      const stop = ex.next({ event: 'failure_chosen', choice: 'stop' })
      assert.equal(stop.at(-1).action, 'finish')
      assert.equal(ex.state().phase.phase, 'finished')
    })

    test('a RUN COMPLETE without a commit for every task fails without asking the host', () => {
      const ex = project.startStage('2')
      ex.next({ event: 'start' })
      const hollow = complete('02-02').replace('abc1234', '—').replace('def5678', 'no changes: only ran the tests')
      const actions = ex.next(exited('02-02', hollow))
      assert.deepEqual(kinds(actions).slice(0, 1), ['notify run_failed 02-02'])
      assert.equal(
        actions[0].reason,
        'the runner said RUN COMPLETE but task 1 "Session store" has no commit ' +
          '(write its hash, or `no changes: <reason>` when it changed nothing)',
      )
    })

    test('an event that does not apply now is rejected and changes nothing', () => {
      const ex = project.startStage('2')
      ex.next({ event: 'start' })
      const before = ex.state()
      const e = thrown(() => ex.next(evidence('02-02')))
      assert.ok(e instanceof renn.InvalidFileError, e.message)
      assert.equal(e.code, 'rejected-event')
      assert.deepStrictEqual(ex.state(), before)
      assert.equal(thrown(() => ex.next({ event: 'start' })).code, 'rejected-event')
      assert.deepStrictEqual(ex.state(), before)
    })

    test('an event that is not an event is a bad-event error', () => {
      const ex = project.startStage('2')
      for (const bad of [{ event: 'nope' }, { event: 'runner_exited', run: '02-02' }, { run: '02-02' }, 'start']) {
        const e = thrown(() => ex.next(bad))
        assert.ok(e instanceof renn.InvalidFileError, JSON.stringify(bad))
        assert.equal(e.code, 'bad-event', JSON.stringify(bad))
      }
      assert.deepStrictEqual(ex.state().phase, { phase: 'ready' })
    })

    test('startStage options: onlyBatch, onFailure, gapsOnly', () => {
      const ex = project.startStage('2', { onlyBatch: 2, onFailure: 'stop' })
      assert.deepStrictEqual(ex.state().batches, [2])
      assert.equal(ex.state().settings.on_failure, 'stop')
      assert.equal(project.startStage('2').state().settings.on_failure, 'ask', 'the default')
      ex.next({ event: 'start' })
      ex.next({ event: 'runner_exited', run: '02-03', output: 'x', exit: { exit: 'failed', code: 2 } })
      const last = ex.next({ event: 'runner_exited', run: '02-04', output: 'x', exit: { exit: 'timed_out', seconds: 5 } })
      assert.deepStrictEqual(last.at(-1), { action: 'finish', outcome: 'systemic', batch: 2 })

      const gaps = project.startStage('2', { gapsOnly: true })
      assert.deepEqual(gaps.state().runs.map((r) => r.id), ['02-06'])
      assert.throws(() => project.startStage('2', { onFailure: 'sometimes' }), /sometimes/)
    })

    test('a state saved at a gate restores, in this front door and in every other', () => {
      const ex = project.startStage('2')
      ex.next({ event: 'start' })
      ex.next(exited('02-02', complete('02-02')))
      ex.next(evidence('02-02'))
      ex.next(exited('02-04', gate('02-04')))
      // The editor closes: what it keeps is plain JSON.
      const saved = JSON.parse(JSON.stringify(ex.state()))
      const answer = { event: 'gate_answered', run: '02-04', response: { kind: 'approved' } }
      const expected = ex.next(answer)
      for (const other of impls) {
        const back = other.renn.StageExecution.restore(saved)
        assert.deepStrictEqual(back.state(), saved, `${impl.name} → ${other.name}`)
        assert.deepStrictEqual(back.next(answer), expected, `${impl.name} → ${other.name}: the same next step`)
        assert.deepStrictEqual(back.state(), ex.state())
      }
      const e = thrown(() => renn.StageExecution.restore({ ...saved, runs: 'no' }))
      assert.equal(e.code, 'bad-state')
      assert.ok(e instanceof renn.InvalidFileError, e.message)
    })

    test('resumeStage: a gate answered before the host stopped continues with that answer', () => {
      const record = {
        path: '.renn/stages/02-accounts/02-02-gate.md',
        text: gate('02-02') + '\n<!-- renn: the user\'s answer -->\nthe form is cut off\n',
      }
      const ex = project.resumeStage('2', { gates: [record] })
      const actions = ex.next({ event: 'start' })
      assert.deepEqual(kinds(actions), [
        'notify batch_started', 'notify continuation_resumed 02-02', 'record_progress', 'spawn_runner 02-02',
      ])
      assert.deepStrictEqual(actions.at(-1).prompt.response, { kind: 'issues', text: 'the form is cut off' })
      // The same record among the project's files: startStage finds it there.
      const files = { ...readProject(DEMO), [record.path]: record.text }
      const again = renn.Project.fromFiles(files).startStage('2').next({ event: 'start' })
      assert.deepStrictEqual(again, actions)
      const e = thrown(() => project.resumeStage('2', { gates: 'none' }))
      assert.equal(e.code, 'bad-on-disk')
    })

    test('a stage with plan errors cannot start', () => {
      const e = thrown(() => renn.Project.fromFiles(readProject(join(FIXTURES, 'bad-cycle'))).startStage('3'))
      assert.ok(e instanceof renn.PlanError, e.message)
    })

    test('pulseText and trackText: the documents renn owns, edited in place', () => {
      const pulse = readText(join(DEMO, '.renn/pulse.md'))
      const track = readText(join(DEMO, '.renn/track.md'))
      const ex = project.startStage('2')
      ex.next({ event: 'start' })
      const next = ex.pulseText(pulse, track, TODAY)
      assert.ok(next.includes('Status: Executing batch 1'), next)
      assert.ok(next.includes(`Last activity: ${TODAY}`), next)
      assert.ok(next.includes('## Execution State'), next)
      assert.ok(next.includes('- Pick a transactional email provider'), 'other lines are kept')
      assert.equal(ex.pulseText(next, track, TODAY), next, 'idempotent')
      assert.equal(ex.pulseText(pulse, null, TODAY).includes('Status: Executing batch 1'), true)

      const done = ex.trackText(track, TODAY)
      assert.ok(done.includes('- [x] **Stage 2: Accounts**'), done)
      assert.ok(done.includes(`| 2. Accounts | 6/6 | Complete | ${TODAY} |`), done)
      assert.ok(done.includes('- [x] 02-06:'), done)
      assert.equal(ex.trackText(done, TODAY), done, 'idempotent')
    })
  })
}
