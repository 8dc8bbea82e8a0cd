'use strict'
// The package's entry: the addon (native.js, the loader `napi build` generates) and
// the error classes it throws (errors.js), handed to the addon once, here.
const native = require('./native.js')
const errors = require('./errors.js')

native.__setErrorClasses(errors)

// `console.log(project)` shows what toString says (the root, the stage count).
for (const Class of [native.Project, native.StageExecution]) {
  Class.prototype[Symbol.for('nodejs.util.inspect.custom')] = function () {
    return this.toString()
  }
}

// Spread `require(...)`s, so that Node's ESM loader sees every named export.
module.exports = { ...require('./native.js'), ...require('./errors.js') }
delete module.exports.__setErrorClasses
