//! Where a key is written in config.json. serde_json keeps no positions for keys, and
//! a text search for `"commit_docs":` finds whichever of `commit_docs` and
//! `planning.commit_docs` comes first, so this follows the JSON's nesting: a key
//! matches only inside the objects its path names.

use crate::diagnostic::Position;

/// One open container while walking the text.
enum Frame {
    /// An object: the key whose value is being read, and whether a key comes next.
    Object {
        key: Option<String>,
        want_key: bool,
    },
    Array,
}

/// The position of the key at `path` (object keys from the top), when written; the
/// first one when it is written twice.
pub(crate) fn key_position(text: &str, path: &[&str]) -> Option<Position> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                want_key: true,
            }),
            b'[' => stack.push(Frame::Array),
            b'}' | b']' => {
                stack.pop();
            }
            b',' | b':' => {
                if let Some(Frame::Object { want_key, .. }) = stack.last_mut() {
                    *want_key = bytes[i] == b',';
                }
            }
            b'"' => {
                let end = string_end(bytes, i)?;
                if let Some(Frame::Object {
                    key,
                    want_key: true,
                }) = stack.last_mut()
                {
                    *key = serde_json::from_str(&text[i..=end]).ok();
                    if at(&stack, path) {
                        return Some(position(text, i));
                    }
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the open objects' current keys are `path`.
fn at(stack: &[Frame], path: &[&str]) -> bool {
    stack.len() == path.len()
        && stack.iter().zip(path).all(|(frame, want)| match frame {
            Frame::Object { key: Some(k), .. } => k == want,
            _ => false,
        })
}

/// The index of the quote that closes the string opened at `open`.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// 1-based line and character column of byte `at`.
fn position(text: &str, at: usize) -> Position {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Position::new(line as u32, column as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, path: &[&str]) -> Option<(u32, u32)> {
        key_position(text, path).map(|p| (p.line, p.column))
    }

    #[test]
    fn finds_a_key_only_where_its_path_says() {
        let text = "{\n  \"planning\": {\"commit_docs\": false},\n  \"commit_docs\": true\n}";
        assert_eq!(at(text, &["commit_docs"]), Some((3, 3)));
        assert_eq!(at(text, &["planning", "commit_docs"]), Some((2, 16)));
        assert_eq!(at(text, &["planning"]), Some((2, 3)));
        assert_eq!(at(text, &["git", "commit_docs"]), None);
    }

    #[test]
    fn values_arrays_and_escapes_are_not_keys() {
        let text =
            r#"{"a": "commit_docs", "b": [{"commit_docs": 1}], "c\"": {"x\"y": 2}, "é": {"k": 3}}"#;
        assert_eq!(at(text, &["commit_docs"]), None);
        assert_eq!(at(text, &["b", "commit_docs"]), None, "inside a list");
        assert_eq!(at(text, &["c\"", "x\"y"]), Some((1, 57)));
        assert_eq!(
            at(text, &["é", "k"]),
            Some((1, 75)),
            "columns count characters"
        );
    }

    #[test]
    fn broken_text_gives_nothing_rather_than_a_panic() {
        for text in ["", "{", "{\"a", "{\"a\\", "}}]]", "{\"a\": {\"b"] {
            assert_eq!(at(text, &["a", "b"]), None, "{text}");
        }
    }
}
