//! The prompt templates' language, kept tiny on purpose: `{name}` is a placeholder,
//! `{{` is a literal `{` and `}}` a literal `}` (as in Rust's `format!`; a lone `}`
//! is kept too), and everything else is text. A
//! template is checked once, when it is loaded — an unknown placeholder or an
//! unclosed `{` is a diagnostic at its line and column — so rendering cannot fail.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    /// Index into the placeholder names the template was compiled against.
    Slot(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Checks `text` against `names` (the placeholders this template may use).
    /// `path` and `what` only feed the diagnostic.
    pub fn compile(path: &str, what: &str, text: &str, names: &[&str]) -> Result<Self, Diagnostic> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut pos = Position::new(1, 1);
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open].replace("}}", "}"));
            advance(&mut pos, &rest[..open]);
            let after = &rest[open + 1..];
            if let Some(tail) = after.strip_prefix('{') {
                literal.push('{');
                pos.column += 2;
                rest = tail;
                continue;
            }
            let close = after
                .find(['}', '\n'])
                .filter(|&i| after.as_bytes()[i] == b'}');
            let Some(close) = close else {
                return Err(error(
                    path,
                    pos,
                    format!("`{{` in the {what} template is never closed"),
                    names,
                ));
            };
            let name = &after[..close];
            let Some(slot) = names.iter().position(|n| *n == name) else {
                let msg = format!("unknown placeholder `{{{name}}}` in the {what} template");
                return Err(error(path, pos, msg, names));
            };
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(Part::Slot(slot));
            advance(&mut pos, &rest[open..open + close + 2]);
            rest = &after[close + 1..];
        }
        literal.push_str(&rest.replace("}}", "}"));
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self { parts })
    }

    /// Fills every placeholder with `value(slot)`, the slot being the placeholder's
    /// index in the names the template was compiled against.
    pub fn render(&self, value: impl Fn(usize) -> String) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Slot(i) => out.push_str(&value(*i)),
            }
        }
        out
    }
}

fn advance(pos: &mut Position, text: &str) {
    for c in text.chars() {
        if c == '\n' {
            pos.line += 1;
            pos.column = 1;
        } else {
            pos.column += 1;
        }
    }
}

fn error(path: &str, pos: Position, message: String, names: &[&str]) -> Diagnostic {
    let known: Vec<String> = names.iter().map(|n| format!("{{{n}}}")).collect();
    Diagnostic::error(
        Code::TemplatePlaceholder,
        format!("{message}; known placeholders: {}", known.join(", ")),
    )
    .in_file(path)
    .at(Some(pos))
    .with_hint("write `{{` for a literal `{`")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["a", "b_c"];

    fn compile(text: &str) -> Result<Template, Diagnostic> {
        Template::compile("t.md", "test", text, NAMES)
    }

    #[test]
    fn placeholders_escapes_and_lone_braces() {
        let t = compile("x {a} {{a}} } {b_c}{a}\n").unwrap();
        let out = t.render(|i| ["A", "BC"][i].to_string());
        assert_eq!(out, "x A {a} } BCA\n");
    }

    #[test]
    fn unknown_placeholder_is_located_in_characters() {
        let e = compile("line one\nsé {{x}} {a} {nope} {a}").unwrap_err();
        assert_eq!(
            (e.code.name(), e.file.as_deref(), e.line, e.column),
            ("template-placeholder", Some("t.md"), Some(2), Some(14))
        );
        assert_eq!(
            e.message,
            "unknown placeholder `{nope}` in the test template; known placeholders: {a}, {b_c}"
        );
    }

    #[test]
    fn unclosed_brace_stops_at_the_line_end() {
        let e = compile("ok {a}\n  { not closed\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert!(e.message.contains("never closed"), "{}", e.message);
        let e = compile("tail {").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(6)));
        let e = compile("json {\"k\": 1}").unwrap_err();
        assert!(e.message.contains("unknown placeholder `{\"k\": 1}`"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;

    proptest::proptest! {
        /// Any text either compiles or is a located error, never a panic; the
        /// error's position is inside the text.
        #[test]
        fn compile_never_panics(text in "([{}]|a|b_c|é|\n| ){0,30}") {
            match Template::compile("t.md", "test", &text, &["a", "b_c"]) {
                Ok(t) => drop(t.render(|_| String::new())),
                Err(e) => {
                    let line = e.line.unwrap() as usize;
                    proptest::prop_assert!(line <= text.split('\n').count());
                }
            }
        }
    }
}
