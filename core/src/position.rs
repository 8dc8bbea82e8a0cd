//! Diagnostic columns as each language's editors count them. The core counts a
//! column in characters (Unicode scalar values: what Python's `str` indexes, so the
//! Python package reports the core's column as is); JavaScript strings and the
//! editors built on them (VS Code, Monaco, LSP's default) count UTF-16 code units, so
//! the JavaScript front doors (napi and WASM) convert with the text of the line.

use crate::diagnostic::Diagnostic;
use crate::error::ErrorReport;
use crate::snapshot::{FileContent, Snapshot};
use serde_json::Value;

/// Whether every file of `snapshot` is ASCII: then a column is the same in every
/// unit, and a front door can hand results over without converting them.
pub fn all_ascii(snapshot: &Snapshot) -> bool {
    snapshot.files.values().all(|content| match content {
        FileContent::Text(text) => text.is_ascii(),
        FileContent::Bytes(bytes) => bytes.is_ascii(),
        FileContent::Present | FileContent::TooLarge { .. } => true,
    })
}

/// The text of a project's file, for the converters below.
pub fn text_in<'s>(snapshot: &'s Snapshot) -> impl Fn(Option<&str>) -> Option<&'s str> + 's {
    move |file| file.and_then(|path| snapshot.text(path).ok().flatten())
}

/// The 1-based UTF-16 column of the 1-based character column `column` of `line`
/// (the text of one line). A column past the end of the line counts one unit per
/// character beyond it.
pub fn utf16_column(line: &str, column: u32) -> u32 {
    let before = column.saturating_sub(1) as usize;
    let mut units = 0usize;
    let mut chars = 0usize;
    for c in line.chars().take(before) {
        units += c.len_utf16();
        chars += 1;
    }
    let units = units + (before - chars);
    u32::try_from(units + 1).unwrap_or(u32::MAX)
}

/// Line `line` (1-based, lines broken at `\n` as every position renn reports) of `text`.
fn line_of(text: &str, line: u32) -> Option<&str> {
    let line = text.split('\n').nth(line.checked_sub(1)? as usize)?;
    Some(line.strip_suffix('\r').unwrap_or(line))
}

/// `column` of the diagnostic in UTF-16 code units. `text_of` gives the text the
/// diagnostic's `file` names (called with `None` for a diagnostic without a file,
/// such as agent output parsed without a name); without it the column is kept.
pub fn utf16_diagnostic<'t>(d: &mut Diagnostic, text_of: &dyn Fn(Option<&str>) -> Option<&'t str>) {
    if let (Some(line), Some(column)) = (d.line, d.column) {
        if let Some(text) = text_of(d.file.as_deref()).and_then(|t| line_of(t, line)) {
            d.column = Some(utf16_column(text, column));
        }
    }
}

/// Every diagnostic of a failure in UTF-16 columns (see [`utf16_diagnostic`]).
pub fn utf16_report<'t>(
    report: &mut ErrorReport,
    text_of: &dyn Fn(Option<&str>) -> Option<&'t str>,
) {
    for d in &mut report.diagnostics {
        utf16_diagnostic(d, text_of);
    }
}

/// Every diagnostic inside a result serialised to JSON (an object with `code`,
/// `severity`, `message`, and `line` and `column`), in UTF-16 columns.
pub fn utf16_value<'t>(value: &mut Value, text_of: &dyn Fn(Option<&str>) -> Option<&'t str>) {
    match value {
        Value::Object(obj) => {
            let is_diagnostic = obj.contains_key("severity") && obj.contains_key("code");
            if is_diagnostic {
                let line = obj.get("line").and_then(Value::as_u64);
                let column = obj.get("column").and_then(Value::as_u64);
                let file = obj.get("file").and_then(Value::as_str);
                if let (Some(line), Some(column)) = (line, column) {
                    let text = text_of(file).and_then(|t| line_of(t, line as u32));
                    if let Some(text) = text {
                        let converted = utf16_column(text, column as u32);
                        obj.insert("column".into(), converted.into());
                    }
                }
            }
            obj.values_mut().for_each(|v| utf16_value(v, text_of));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| utf16_value(v, text_of)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_astral_characters_twice() {
        // `é` is one unit, the emoji (U+1F680) two.
        let line = "title: é🚀 x";
        assert_eq!(utf16_column(line, 1), 1);
        assert_eq!(utf16_column(line, 8), 8); // at `é`
        assert_eq!(utf16_column(line, 9), 9); // at the emoji
        assert_eq!(utf16_column(line, 10), 11); // after it
        assert_eq!(utf16_column("ab", 5), 5); // past the end
    }

    #[test]
    fn diagnostics_in_a_value_are_converted_with_their_file() {
        let mut value = serde_json::json!({"diagnostics": [
            {"code": "x", "severity": "error", "message": "m", "file": "a.md", "line": 2, "column": 4},
            {"code": "y", "severity": "error", "message": "m", "file": "b.md", "line": 1, "column": 3},
        ]});
        let text_of = |f: Option<&str>| (f == Some("a.md")).then_some("first\n🚀🚀x: 1\n");
        utf16_value(&mut value, &text_of);
        assert_eq!(value["diagnostics"][0]["column"], 6);
        assert_eq!(value["diagnostics"][1]["column"], 3);
    }
}
