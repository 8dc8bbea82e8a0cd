//! `Project.fromFiles(files)`: a JavaScript object (or `Map`) of paths to text or
//! bytes, turned into the core's [`Snapshot`]. The core checks the paths and decodes
//! the bytes (so an invalid byte is reported with its line and column).

use super::errors::{throw, type_error};
use js_sys::{Array, Map, Object, Uint8Array};
use renn_core::snapshot::{FileContent, Snapshot};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const FILES_TS: &str = r#"
/** Project-relative paths (`.renn/stages/03-auth/03-01-run.md`) to text or UTF-8 bytes;
 *  a path ending in `/` (value ignored) declares a directory. */
export type Files = Record<string, string | Uint8Array> | Map<string, string | Uint8Array>;
"#;

pub fn snapshot(files: &JsValue, gitignored: bool) -> Result<Snapshot, JsValue> {
    let mut contents = Vec::new();
    for entry in entries(files)?.iter() {
        let pair: Array = entry.unchecked_into();
        let path = pair
            .get(0)
            .as_string()
            .ok_or_else(|| type_error("files: every key must be a path string"))?;
        let content = content(&path, pair.get(1))?;
        contents.push((path, content));
    }
    let mut snapshot = Snapshot::from_files(contents).map_err(throw)?;
    snapshot.renn_gitignored = gitignored;
    Ok(snapshot)
}

/// `[path, content]` pairs of a `Map` or a plain object.
fn entries(files: &JsValue) -> Result<Array, JsValue> {
    if let Some(map) = files.dyn_ref::<Map>() {
        return Ok(Array::from(map));
    }
    if files.is_object() && !Array::is_array(files) {
        return Ok(Object::entries(files.unchecked_ref()));
    }
    Err(type_error(
        "files must be an object (or a Map) of paths to text or bytes",
    ))
}

fn content(path: &str, value: JsValue) -> Result<FileContent, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(FileContent::Text(text));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Ok(FileContent::Bytes(bytes.to_vec()));
    }
    // A directory's value is ignored (the core reads the trailing `/`).
    if path.ends_with('/') {
        return Ok(FileContent::Present);
    }
    Err(type_error(&format!(
        "files[{path:?}] must be a string or a Uint8Array"
    )))
}
