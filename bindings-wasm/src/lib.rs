//! renn-wasm: the JavaScript API of docs/api.md for hosts without a disk (a browser,
//! a VS Code web extension, Node without the native addon): renn-core built for
//! wasm32 and finished by wasm-bindgen (scripts/bindings/wasm.sh, which makes the npm
//! package `renn-wasm` in bindings-wasm/pkg/). Only conversions live here:
//! values cross with the JSON shapes the CLI prints (`json_compatible`: plain
//! objects, `null` for `None`), failures as the `RennError` classes of js/errors.js.
//! The value types in the TypeScript are those of the npm package (`types.d.ts`,
//! generated from the Rust types through schema/api.json; wasm.sh copies it beside
//! the module), so both JavaScript front doors declare the very same types; renn-core's
//! `tsify` feature stays off.

mod errors;
mod execution;
mod files;
mod project;

use renn_core::plan::PlanOptions;
use renn_core::project::ProofView;
use renn_core::returns;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

pub use execution::StageExecution;
pub use project::WasmProject;

// The value types every method names (`Plan`, `Config`, …), and exported for users:
// `import type { Plan, StageEvent } from "renn_wasm"`.
#[wasm_bindgen(typescript_custom_section)]
const TYPES_TS: &str = r#"
import type { Action, AgentReturn, Config, Diagnostic, Event, Inventory, Models, Next, OnFailure, Plan, ProofView, Progress, StageDir, StageOnDisk, ExecutionState, Status, Validation } from "./types.js";
export type * from "./types.js";
"#;

/// A Rust value as the plain JavaScript data `JSON.parse` of the CLI's `--json` gives.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

/// A result whose diagnostics count columns in UTF-16 code units, as JavaScript
/// does: as is when the texts are ASCII (every unit agrees), else converted.
fn to_js_located<'t, T: Serialize + ?Sized>(
    value: &T,
    ascii: bool,
    text_of: &dyn Fn(Option<&str>) -> Option<&'t str>,
) -> Result<JsValue, JsValue> {
    if ascii {
        return to_js(value);
    }
    let mut json = serde_json::to_value(value).map_err(|e| js_sys::Error::new(&e.to_string()))?;
    renn_core::position::utf16_value(&mut json, text_of);
    to_js(&json)
}

/// An options object (`undefined` and `null` mean all defaults); a wrong shape is the
/// caller's mistake, a `TypeError`.
fn options<T: for<'de> Deserialize<'de> + Default>(value: JsValue) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| errors::type_error(&format!("options: {e}")))
}

/// `{gapsOnly?}` of `plan` and `planMarkdown`.
#[derive(Debug, Default, Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct PlanFilter {
    pub gaps_only: bool,
}

impl From<PlanFilter> for PlanOptions {
    fn from(f: PlanFilter) -> Self {
        PlanOptions {
            gaps_only: f.gaps_only,
        }
    }
}

/// The agent return at the end of `output` (an agent's saved output); `file` names it
/// in the error when there is no usable block.
#[wasm_bindgen(js_name = parseReturn, unchecked_return_type = "AgentReturn")]
pub fn parse_return(output: &str, file: Option<String>) -> Result<JsValue, JsValue> {
    let text_of = |_: Option<&str>| Some(output);
    let parsed = returns::parse_output(file.as_deref(), output)
        .map_err(|e| errors::throw_in(e, &text_of))?;
    to_js(&parsed)
}

/// `{path, stage, title}` of `routeProof`: where the proof is, the stage number as
/// the user types it (`3`), the stage title.
#[derive(Debug, Deserialize, tsify::Tsify)]
pub struct ProofSource {
    pub path: String,
    pub stage: String,
    pub title: String,
}

/// A proof's text, checked against the safety rule and routed.
#[wasm_bindgen(js_name = routeProof, unchecked_return_type = "ProofView")]
pub fn route_proof(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "ProofSource")] source: JsValue,
) -> Result<JsValue, JsValue> {
    let source: ProofSource = serde_wasm_bindgen::from_value(source)
        .map_err(|e| errors::type_error(&format!("routeProof: {e}")))?;
    let text_of = |_: Option<&str>| Some(text);
    let view = ProofView::from_text(&source.path, text, &source.stage, &source.title)
        .map_err(|e| errors::throw_in(e, &text_of))?;
    to_js_located(&view, text.is_ascii(), &text_of)
}

/// `version`: the crate version as a string export. wasm-bindgen exports only
/// functions and classes, so it is a JS snippet's constant the module re-exports;
/// a snippet must be a literal, and the assertion keeps its version Cargo's.
macro_rules! export_version {
    ($js:tt) => {
        #[wasm_bindgen(inline_js = $js)]
        extern "C" {
            // A string, declared as a function for the reason in errors.rs.
            #[wasm_bindgen(js_name = version, reexport, skip_typescript)]
            fn version_value();
        }
        const _: () = assert!(
            declares_version($js, env!("CARGO_PKG_VERSION")),
            "bindings-wasm/src/lib.rs: export_version! must give the crate's version"
        );
    };
}
export_version!("export const version = \"0.1.0\";");

// The classes' `[Symbol.dispose]()` (for `using`) names a symbol only the esnext lib
// declares; declaring it here lets the .d.ts check with any lib (tsc --target es2020),
// and it merges with esnext's own declaration.
#[wasm_bindgen(typescript_custom_section)]
const DISPOSE_TS: &str =
    "declare global {\n    interface SymbolConstructor {\n        readonly dispose: unique symbol;\n    }\n}";

#[wasm_bindgen(typescript_custom_section)]
const VERSION_TS: &str = "/** renn's version. */\nexport const version: string;";

/// Whether `js` is exactly `export const version = "<version>";`.
const fn declares_version(js: &str, version: &str) -> bool {
    let (js, v) = (js.as_bytes(), version.as_bytes());
    let (head, tail) = (b"export const version = \"".as_slice(), b"\";".as_slice());
    if js.len() != head.len() + v.len() + tail.len() {
        return false;
    }
    let mut i = 0;
    while i < js.len() {
        let want = if i < head.len() {
            head[i]
        } else if i < head.len() + v.len() {
            v[i - head.len()]
        } else {
            tail[i - head.len() - v.len()]
        };
        if js[i] != want {
            return false;
        }
        i += 1;
    }
    true
}
