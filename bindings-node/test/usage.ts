// Every export of the package used as a TypeScript program would, type-checked
// against the generated declarations and then run against the built addon: the
// declarations are proven to describe the module that loads. Run by
// `npm run typecheck` with examples/demo's path.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'
import type { Action, Diagnostic, Plan, StageEvent } from '../index'
import {
  FromFilesOptions,
  InvalidFileError,
  NotInitializedError,
  PlanError,
  PlanOptions,
  Project,
  RennError,
  RennIoError,
  StageError,
  StageExecution,
  StartStageOptions,
  parseReturn,
  routeProof,
  version,
} from '../index'

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`usage.ts: ${what}`)
}

const demo: string = process.argv[2]
const text = (path: string): string => readFileSync(join(demo, path), 'utf8')

const loaded: Project = Project.load(demo)
const files: Record<string, string | Uint8Array | null> = {
  '.renn/': null,
  '.renn/config.json': readFileSync(join(demo, '.renn/config.json')),
  '.renn/track.md': text('.renn/track.md'),
  '.renn/stages/02-accounts/02-01-run.md': text('.renn/stages/02-accounts/02-01-run.md'),
}
const fromFilesOptions: FromFilesOptions = { gitignored: false }
const given: Project = Project.fromFiles(files, fromFilesOptions)
check(given.stages().length === 1, 'fromFiles')

const planOptions: PlanOptions = { gapsOnly: false }
const plan: Plan = loaded.plan('2', planOptions)
check(plan.batches.length === 3 && plan.batch_source === 'frontmatter', 'plan')
check(String(loaded) === `Project { root: '${demo}', stages: 2 }`, 'toString')
check(inspect(given) === 'Project { root: null, stages: 1 }', 'util.inspect')
const md: string = loaded.planMarkdown('2', { gapsOnly: true })
check(md.startsWith('## Execution Plan'), 'planMarkdown')
check(loaded.config().horsepower === 'balanced', 'config')
check(loaded.models().models['renn-runner'] === 'sonnet', 'models')
check(loaded.resolveStage('2').dir === '.renn/stages/02-accounts', 'resolveStage')
check(loaded.inventory('2').runs.length === 6, 'inventory')
check(loaded.validate('2').error_count === 0, 'validate')
const branch: string | null = loaded.branch('2')
check(branch === null, 'branch')
check(loaded.proof('1').route.route === 'update_track', 'proof')
const proofPath: string | null = loaded.proofPath('1')
check(proofPath === '.renn/stages/01-foundation/01-proof.md', 'proofPath')
const prompts: string[] = [
  loaded.runnerPrompt('02-02'),
  loaded.continuationPrompt(
    '02-04',
    '## GATE REACHED\n\n**Type:** human-verify\n**Run:** 02-04\n**Progress:** 1/3 tasks complete\n\n' +
      '### Current Task\n\n**Task 2:** Reset\n\n### Gate Details\n\nOpen it\n\n### Awaiting\n\nSay approved\n',
    'approved',
  ),
  loaded.auditorPrompt('2'),
]
check(prompts.every((p) => p.length > 0), 'prompts')
check(loaded.next().kind === 'stage', 'next')

const startOptions: StartStageOptions = { gapsOnly: false, onlyBatch: 1, onFailure: 'stop' }
const execution: StageExecution = loaded.startStage('2', startOptions)
const actions: Action[] = execution.next({ event: 'start' })
check(actions.some((a) => a.action === 'spawn_runner' && a.run.startsWith('02-')), 'next(event)')
check(/^StageExecution \{ stage: '02', runs: '\d+\/6'/.test(String(execution)), 'StageExecution toString')
// The run-stage events a host passes on, told apart by `event`.
const describeEvent = (e: StageEvent): string =>
  e.event === 'run_exited' ? `${e.run} exited (${e.reason})` : e.event === 'batch_started' ? `batch ${e.batch}` : e.event
check(describeEvent({ event: 'batch_started', schema: 1, time: '2026-01-01T00:00:00.000Z', batch: 1, runs: ['02-01'] }) === 'batch 1', 'StageEvent')
check(execution.state().batches[0] === 1 && execution.progress().runs_total === 6, 'state, progress')
const pulse: string = execution.pulseText(text('.renn/pulse.md'), null, '2026-11-24')
const track: string = execution.trackText(text('.renn/track.md'), '2026-11-24')
check(pulse.includes('Execution State') && track.includes('[x] **Stage 2'), 'pulseText, trackText')

const parsed = parseReturn('## RUN COMPLETE\n\n**Run:** 02-02 **Tasks:** 1/1\n', 'out.md')
check(parsed.kind === 'complete', 'parseReturn')
const view = routeProof(text('.renn/stages/01-foundation/01-proof.md'), {
  path: '.renn/stages/01-foundation/01-proof.md',
  stage: '1',
  title: 'Foundation',
})
check(view.status === 'passed', 'routeProof')
check(/^\d+\.\d+\.\d+/.test(version), 'version')

try {
  loaded.plan('7')
  check(false, 'plan of a missing stage throws')
} catch (e: unknown) {
  check(e instanceof StageError, 'StageError')
  if (e instanceof RennError) {
    const diagnostics: Diagnostic[] = e.diagnostics
    const fields: [string, string, string | null, number | null, number | null, number] = [
      e.name, e.code, e.path, e.line, e.column, diagnostics.length,
    ]
    check(fields[1] === 'no-stage-directory' && fields[5] === 1, 'RennError fields')
  }
}
const classes: (typeof RennError)[] = [NotInitializedError, StageError, PlanError, InvalidFileError, RennIoError]
check(classes.every((c) => c.prototype instanceof RennError), 'error classes')
console.log('usage.ts: the declarations match the module')
