'use strict'
// The package's entry: the addon (native.js, the loader `napi build` generates) and
// the error classes it throws (errors.js), handed to the addon once, here.
const native = require('./native.js')
const errors = require('./errors.js')
const { attachRun } = require('./run-stage.js')

native.__setErrorClasses(errors)

// `console.log(project)` shows what toString says (the root, the stage count).
for (const Class of [native.Project, native.StageExecution]) {
  Class.prototype[Symbol.for('nodejs.util.inspect.custom')] = function () {
    return this.toString()
  }
}

// `Project.runStage` is the native `__runStage` handle made the documented one: events
// pumped to `onEvent`, `done` resolved with how the stage ended.
Object.defineProperty(native.Project.prototype, 'runStage', {
  value: function runStage(stage, options, onEvent) {
    return attachRun(this.__runStage(stage, options ?? null), onEvent)
  },
  writable: true,
  configurable: true,
})

// Spread `require(...)`s, so that Node's ESM loader sees every named export.
module.exports = { ...require('./native.js'), ...require('./errors.js') }
delete module.exports.__setErrorClasses
