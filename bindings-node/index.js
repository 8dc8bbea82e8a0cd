'use strict'
// The package's entry: the addon (native.js, the loader `napi build` generates) and
// the error classes it throws (errors.js), handed to the addon once, here.
const native = require('./native.js')
const errors = require('./errors.js')

native.__setErrorClasses(errors)

// Spread `require(...)`s, so that Node's ESM loader sees every named export.
module.exports = { ...require('./native.js'), ...require('./errors.js') }
delete module.exports.__setErrorClasses
