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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The `type` attribute as written in run files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Tdd => "tdd",
            Self::Gate(GateKind::HumanVerify) => "checkpoint:human-verify",
            Self::Gate(GateKind::Decision) => "checkpoint:decision",
            Self::Gate(GateKind::HumanAction) => "checkpoint:human-action",
        }
    }
}

impl Serialize for TaskKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// 1-based position among the run's tasks.
    pub number: u32,
    #[serde(rename = "type")]
    pub kind: TaskKind,
    /// `human-verify`, `decision` or `human-action` for gate tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateKind>,
    /// `<name>`; for gates without one, what the gate is about (`<decision>`,
    /// `<what-built>`, `<action>`), first line only.
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
        out.tasks.push(Task {
            number,
            kind,
            gate: kind.gate(),
            name: task_name(&body[tag_end..end]),
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

/// A task's own `<name>` (not an option's, inside `<options>`), or for gates the
/// first line of what the gate is about.
fn task_name(task: &str) -> Option<String> {
    let own = match section_span(task, "options") {
        Some((start, end)) => format!("{}{}", &task[..start], &task[end..]),
        None => task.to_string(),
    };
    ["name", "decision", "what-built", "action"]
        .iter()
        .find_map(|tag| section(&own, tag))
        .and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(str::to_string)
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
