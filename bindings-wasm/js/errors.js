// The error classes of renn's JavaScript API (docs/api.md, "Errors"), imported by the
// WASM build (bindings-wasm/src/errors.rs) and re-exported from its module. Rust picks the
// class (ErrorKind::class_name) and the location (ErrorReport::location); this file
// exists because only JavaScript can define real `Error` subclasses, which give
// `instanceof` and stack traces. The constructor is the napi addon's
// (bindings-node/errors.js), so code written for one front door runs on the other.

export class RennError extends Error {
  /** `report`: `{code, message, diagnostics, path, line, column}`. */
  constructor(report) {
    super(report.message);
    this.name = new.target.name;
    this.code = report.code;
    this.diagnostics = report.diagnostics ?? [];
    this.path = report.path ?? null;
    this.line = report.line ?? null;
    this.column = report.column ?? null;
  }
}

export class NotInitializedError extends RennError {}
export class StageError extends RennError {}
export class PlanError extends RennError {}
export class InvalidFileError extends RennError {}
// Never thrown by the WASM build (it does no IO); exported so code written for the
// native addon's classes runs unchanged.
export class RennIoError extends RennError {}

const CLASSES = { NotInitializedError, StageError, PlanError, InvalidFileError, RennIoError };

export function rennError(className, report) {
  return new (CLASSES[className] ?? RennError)(report);
}
