//! Values across the boundary: results become the plain objects of the CLI's
//! `--json`, and JavaScript's files map and options become the core's inputs.

use napi::bindgen_prelude::{Either3, Null, ToNapiValue, TypeName, Uint8Array, Unknown, ValueType};
use napi::{sys, Env, Status};
use renn_core::FileContent;
use serde::Serialize;
use std::collections::BTreeMap;

/// A result as a JS value of exactly its JSON shape, serialised straight into JS
/// objects: going through `serde_json::Value` cost ~40% more on a big plan. Methods
/// returning it name its type with `ts_return_type` (bindings-node/types.d.ts,
/// generated from the same Rust types).
pub struct Json<T>(pub T);

/// A result whose diagnostics count columns in UTF-16 code units, as JavaScript does
/// (docs/api.md): handed over as is when the project's files are ASCII (every unit
/// agrees), else through `serde_json::Value` with each column converted.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Located<T> {
    Same(T),
    Converted(serde_json::Value),
}

pub fn located<'t, T: Serialize>(
    value: T,
    ascii: bool,
    text_of: &dyn Fn(Option<&str>) -> Option<&'t str>,
) -> napi::Result<Json<Located<T>>> {
    if ascii {
        return Ok(Json(Located::Same(value)));
    }
    let mut json = serde_json::to_value(&value)
        .map_err(|e| napi::Error::new(Status::GenericFailure, e.to_string()))?;
    renn_core::position::utf16_value(&mut json, text_of);
    Ok(Json(Located::Converted(json)))
}

impl<T: Serialize> ToNapiValue for Json<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let value: Unknown<'_> = Env::from_raw(env).to_js_value(&val.0)?;
        // SAFETY: `value` was just created in this same `env`.
        unsafe { Unknown::to_napi_value(env, value) }
    }
}

// What an async task resolves to must name its JS type; any JSON value is `unknown`.
impl<T> TypeName for Json<T> {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

/// A file's content as JavaScript hands it in: text, raw bytes (a `Buffer` is a
/// `Uint8Array`), or `null` when only its existence matters (and for `dir/` keys).
/// (Spelled out in signatures: napi's declarations do not resolve Rust aliases.)
type JsContent = Either3<String, Uint8Array, Null>;

pub fn files(files: BTreeMap<String, JsContent>) -> Vec<(String, FileContent)> {
    files
        .into_iter()
        .map(|(path, content)| (path, content_of(content)))
        .collect()
}

fn content_of(content: JsContent) -> FileContent {
    match content {
        Either3::A(text) => FileContent::Text(text),
        // The core decodes and checks the bytes, so a bad byte gets a line and column.
        Either3::B(bytes) => FileContent::Bytes(bytes.to_vec()),
        Either3::C(Null) => FileContent::Present,
    }
}

/// A value the core reads with serde (`"stop"` for `onFailure`); a wrong one is the
/// caller's type error, worded by serde with the accepted values.
pub fn from_str<T: serde::de::DeserializeOwned>(what: &str, value: String) -> napi::Result<T> {
    serde_json::from_value(serde_json::Value::String(value))
        .map_err(|e| napi::Error::new(Status::InvalidArg, format!("{what}: {e}")))
}
