'use strict'
// renn's failures (docs/api.md, Errors). Every error the addon throws is a RennError,
// of the subclass that renn_core::error::ErrorKind::class_name() names. They are plain
// JavaScript classes so that `instanceof`, `name` and stack traces are those of any
// Error; the addon builds them from the core's ErrorReport. errors.d.ts is generated
// from this file by tsc.

/**
 * What the addon hands the constructor: the core's ErrorReport (types.d.ts) and its
 * location.
 * @typedef {object} RennErrorDetails
 * @property {string} code
 * @property {string} message
 * @property {import('./types').Diagnostic[]} diagnostics
 * @property {string | null} path
 * @property {number | null} line
 * @property {number | null} column
 */

/** Any failure of renn. */
class RennError extends Error {
  /** @param {RennErrorDetails} report */
  constructor(report) {
    super(report.message)
    /** @type {string} */
    this.name = new.target.name
    /** The stable code, e.g. `invalid-plan` (the README lists them). */
    this.code = report.code
    /** Every finding behind the error: the diagnostic objects of `--json`. */
    this.diagnostics = report.diagnostics
    /** The file of the first diagnostic that names one, else null. */
    this.path = report.path
    /** The line of that diagnostic (1-based), else null. */
    this.line = report.line
    /** Its column (1-based, in UTF-16 code units as JavaScript counts), else null. */
    this.column = report.column
  }
}

/** No `.renn/` directory. */
class NotInitializedError extends RennError {}

/** The stage or run asked for does not exist or is not a valid number. */
class StageError extends RennError {}

/** The stage's plan has errors (every one is in `diagnostics`). */
class PlanError extends RennError {}

/** A file renn reads is malformed: config.json, a proof, a template, agent output, an event. */
class InvalidFileError extends RennError {}

/** A file could not be read, or git or an agent could not be run. */
class RennIoError extends RennError {}

module.exports = {
  RennError,
  NotInitializedError,
  StageError,
  PlanError,
  InvalidFileError,
  RennIoError,
}
