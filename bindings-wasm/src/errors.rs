//! Failures as JavaScript exceptions: a core error becomes the `RennError` subclass
//! its kind names, with the report's code, diagnostics and location.

use renn_core::error::{Error, ErrorReport};
use serde::Serialize;
use wasm_bindgen::prelude::*;

// `reexport` makes the classes exports of the generated module itself, so
// `import { StageError } from "renn_wasm"` and `instanceof` see the very classes
// thrown. They are declared as (never called) functions, the one import kind whose
// TypeScript wasm-bindgen lets us replace: a re-exported type is typed `unknown`.
#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = RennError, reexport, skip_typescript)]
    fn renn_error_class();
    #[wasm_bindgen(js_name = NotInitializedError, reexport, skip_typescript)]
    fn not_initialized_error_class();
    #[wasm_bindgen(js_name = StageError, reexport, skip_typescript)]
    fn stage_error_class();
    #[wasm_bindgen(js_name = PlanError, reexport, skip_typescript)]
    fn plan_error_class();
    #[wasm_bindgen(js_name = InvalidFileError, reexport, skip_typescript)]
    fn invalid_file_error_class();
    #[wasm_bindgen(js_name = RennIoError, reexport, skip_typescript)]
    fn renn_io_error_class();

    #[wasm_bindgen(js_name = rennError)]
    fn renn_error(class_name: &str, report: JsValue) -> JsValue;
}

// The TypeScript of js/errors.js.
#[wasm_bindgen(typescript_custom_section)]
const ERRORS_TS: &str = r#"
/** Every failure of renn. `diagnostics` are the objects `--json` prints; `path`,
 *  `line` and `column` locate the first diagnostic that names a file. */
export class RennError extends Error {
    constructor(report: { code: string; message: string; diagnostics?: Diagnostic[]; path?: string | null; line?: number | null; column?: number | null });
    code: string;
    diagnostics: Diagnostic[];
    path: string | null;
    line: number | null;
    column: number | null;
}
/** No `.renn/` directory. */
export class NotInitializedError extends RennError {}
/** The stage or run asked for does not exist or is not a valid number. */
export class StageError extends RennError {}
/** The stage's plan has errors (every one is in `diagnostics`). */
export class PlanError extends RennError {}
/** A file renn reads is malformed: config.json, a proof, a template, agent output, an event. */
export class InvalidFileError extends RennError {}
/** IO failures of the native front doors; the WASM build never throws it. */
export class RennIoError extends RennError {}
"#;

/// What the constructor of js/errors.js takes: the report and where it points.
#[derive(Serialize)]
struct Thrown<'a> {
    #[serde(flatten)]
    report: &'a ErrorReport,
    path: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
}

/// The exception for a core error.
pub fn throw(error: impl Into<Error>) -> JsValue {
    thrown(ErrorReport::from(&error.into()))
}

/// The exception for a core error, its columns counted in UTF-16 code units of the
/// texts `text_of` gives for the files the diagnostics name (docs/api.md).
pub fn throw_in<'t>(
    error: impl Into<Error>,
    text_of: &dyn Fn(Option<&str>) -> Option<&'t str>,
) -> JsValue {
    let mut report = ErrorReport::from(&error.into());
    renn_core::position::utf16_report(&mut report, text_of);
    thrown(report)
}

fn thrown(report: ErrorReport) -> JsValue {
    let (path, line, column) = report.location();
    let thrown = Thrown {
        report: &report,
        path,
        line,
        column,
    };
    match super::to_js(&thrown) {
        Ok(fields) => renn_error(report.kind().class_name(), fields),
        Err(e) => e,
    }
}

/// A value of the wrong JavaScript type (not a renn failure, so not a `RennError`).
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
