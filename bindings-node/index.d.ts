// The package's types, both generated at build time: native.d.ts by `napi build`
// from the Rust sources, errors.d.ts by tsc from errors.js.
export * from './native'
export * from './errors'
import type { RunStageOptions, StageRun } from './native'

/** How a stage execution ended: `exit` names it, `code` is the CLI's exit code. */
export interface StageResult {
  exit: 'done' | 'awaiting_response' | 'gaps_found' | 'incomplete' | 'stopped'
  code: number
}

/** A stage being executed by `Project.runStage`. */
export interface RunningStage extends StageRun {
  /** Settles when the stage ends; rejects with a RennError when it cannot go on. */
  readonly done: Promise<StageResult>
}

declare module './native' {
  interface Project {
    /**
     * Executes `stage` as `renn run-stage` does — agents, worktrees, git, gates, resume —
     * on the CLI's own host. `onEvent` gets every event `renn --json run-stage` prints,
     * plus `question` events that wait for `respond()`. Needs `Project.load(path)`.
     */
    runStage(stage: string, options?: RunStageOptions | null, onEvent?: (event: any) => void): RunningStage
  }
}
