//! The run body's XML-ish sections. These are not markdown (pulldown-cmark sees them
//! as opaque HTML blocks) and not well-formed XML (free text, `&`, `<` in code), so a
//! small tag scanner reads just the parts renn needs: the objective and the tasks.

use crate::diagnostic::{Diagnostic, Position};
use serde::Serialize;

/// The three kinds of human gate a task can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateKind {
    HumanVerify,
    Decision,
    HumanAction,
}

impl GateKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "human-verify" => Some(Self::HumanVerify),
            "decision" => Some(Self::Decision),
            "human-action" => Some(Self::HumanAction),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::HumanVerify => "human-verify",
            Self::Decision => "decision",
            Self::HumanAction => "human-action",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "gate")]
pub enum TaskKind {
    Auto,
    Tdd,
    Gate(GateKind),
}

impl TaskKind {
    pub fn gate(self) -> Option<GateKind> {
        match self {
            Self::Gate(g) => Some(g),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// 1-based position among the run's tasks.
    pub number: u32,
    #[serde(flatten)]
    pub kind: TaskKind,
    pub name: Option<String>,
    pub line: u32,
}

#[derive(Debug, Default)]
pub struct Body {
    pub objective: Option<String>,
    pub tasks: Vec<Task>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(body: &str, first_line: u32) -> Body {
    let mut out = Body {
        objective: section(body, "objective").map(|s| s.trim().to_string()),
        ..Body::default()
    };
    let Some(tasks) = section_span(body, "tasks") else {
        return out;
    };
    let mut lines = LineCounter::new(body, first_line);
    let mut cursor = tasks.0;
    while let Some(rel) = body[cursor..tasks.1].find("<task") {
        let start = cursor + rel;
        cursor = start + 5;
        let after = body[cursor..].chars().next();
        if !matches!(after, Some(c) if c == '>' || c.is_whitespace()) {
            continue; // `<tasks>` or `<task-list>`, not a task
        }
        let Some(tag_end) = body[cursor..].find('>').map(|i| cursor + i) else {
            break;
        };
        let end = body[tag_end..tasks.1]
            .find("</task>")
            .map_or(tasks.1, |i| tag_end + i);
        let line = lines.line_of(start);
        let number = out.tasks.len() as u32 + 1;
        let kind = task_kind(&body[cursor..tag_end], line, &mut out.diagnostics);
        let name = section(&body[tag_end..end], "name").map(|n| n.trim().to_string());
        out.tasks.push(Task {
            number,
            kind,
            name,
            line,
        });
        cursor = end;
    }
    out
}

fn task_kind(attrs: &str, line: u32, ds: &mut Vec<Diagnostic>) -> TaskKind {
    let ty = attribute(attrs, "type").unwrap_or("auto");
    if let Some(gate) = ty.strip_prefix("checkpoint:") {
        return match GateKind::parse(gate) {
            Some(g) => TaskKind::Gate(g),
            None => {
                ds.push(
                    Diagnostic::error(
                        "unknown-gate-type",
                        format!("task type \"{ty}\" is not a gate renn knows"),
                    )
                    .at(Some(Position::new(line, 1)))
                    .with_hint(
                        "use checkpoint:human-verify, checkpoint:decision or checkpoint:human-action",
                    ),
                );
                TaskKind::Gate(GateKind::HumanVerify)
            }
        };
    }
    match ty {
        "auto" => TaskKind::Auto,
        "tdd" => TaskKind::Tdd,
        other => {
            ds.push(
                Diagnostic::warning(
                    "unknown-task-type",
                    format!("task type \"{other}\" is unknown; treated as auto"),
                )
                .at(Some(Position::new(line, 1))),
            );
            TaskKind::Auto
        }
    }
}

/// `name="value"` or `name='value'` inside a tag's attribute text.
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(i) = rest.find(name) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let tail = rest[i + name.len()..].trim_start();
        if let (true, Some(v)) = (before_ok, tail.strip_prefix('=')) {
            let v = v.trim_start();
            let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            return v[1..].find(quote).map(|end| &v[1..1 + end]);
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// The text between `<tag>` and `</tag>`.
pub fn section<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    section_span(text, tag).map(|(s, e)| &text[s..e])
}

fn section_span(text: &str, tag: &str) -> Option<(usize, usize)> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let close = format!("</{tag}>");
    let end = text[start..].find(&close).map_or(text.len(), |i| start + i);
    Some((start, end))
}

/// Turns byte offsets into line numbers, scanning forward only once.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str, first_line: u32) -> Self {
        Self {
            text,
            offset: 0,
            line: first_line,
        }
    }

    fn line_of(&mut self, offset: usize) -> u32 {
        let bytes = &self.text.as_bytes()[self.offset..offset];
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u32;
        self.offset = offset;
        self.line
    }
}
