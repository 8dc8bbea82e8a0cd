'use strict'
// The JavaScript half of `Project.runStage`: the native StageRun hands over one event
// per `next()` (null when none came within a moment, `{finished}` at the end); this
// pumps them to the caller's `onEvent` and settles `done`. Events are delivered in
// order, each after the previous `onEvent` returned.

/** @param {import('./native').StageRun} run */
function attachRun(run, onEvent) {
  const listeners = []
  if (typeof onEvent === 'function') listeners.push(onEvent)
  const done = (async () => {
    for (;;) {
      const item = await run.next()
      if (item === null) continue
      if (Object.prototype.hasOwnProperty.call(item, 'finished')) {
        return item.finished ?? { exit: 'stopped', code: 6 }
      }
      for (const listener of listeners) listener(item)
    }
  })()
  Object.defineProperty(run, 'done', { value: done, enumerable: true })
  return run
}

module.exports = { attachRun }
