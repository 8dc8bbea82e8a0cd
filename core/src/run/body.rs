//! The run body's XML-ish sections. These are not markdown (pulldown-cmark sees them
//! as opaque HTML blocks) and not well-formed XML (free text, `&`, `<` in code), so a
//! small tag scanner reads just the parts renn needs: the objective and the tasks.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use serde::{Deserialize, Serialize};

/// The three kinds of human gate a task can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
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

/// A saved execution state holds its runs' tasks as written.
impl<'de> Deserialize<'de> for TaskKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.strip_prefix("checkpoint:") {
            Some(gate) => GateKind::parse(gate).map(Self::Gate),
            None if s == "auto" => Some(Self::Auto),
            None if s == "tdd" => Some(Self::Tdd),
            None => None,
        }
        .ok_or_else(|| serde::de::Error::custom(format!("'{s}' is not a task type")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Task {
    /// 1-based position among the run's tasks.
    pub number: u32,
    #[serde(rename = "type")]
    pub kind: TaskKind,
    /// `human-verify`, `decision` or `human-action` for gate tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// One pass over the body's `<` characters: tags are recognised by name, and text
/// between an open and a close tag is sliced out without copying the body.
pub fn parse(body: &str, first_line: u32) -> Body {
    let mut out = Body::default();
    let mut scan = Scan::default();
    let mut lines = LineCounter::new(body, first_line);
    let bytes = body.as_bytes();
    for at in memchr::memchr_iter(b'<', bytes) {
        let Some(tag) = Tag::read(body, at) else {
            continue;
        };
        match (tag.name, tag.closing) {
            ("objective", false) if out.objective.is_none() => scan.objective = Some(tag.end),
            ("objective", true) => {
                if let Some(start) = scan.objective.take() {
                    out.objective = Some(body[start..at].trim().to_string());
                }
            }
            ("tasks", closing) => scan.in_tasks = !closing,
            ("task", false) if scan.in_tasks => {
                let line = lines.line_of(at);
                let kind = task_kind(tag.attrs, line, &mut out.diagnostics);
                out.tasks.push(Task {
                    number: out.tasks.len() as u32 + 1,
                    kind,
                    gate: kind.gate(),
                    name: None,
                    line,
                });
                scan.task = TaskScan::default();
            }
            ("task", true) => scan.finish_task(&mut out.tasks),
            ("options", closing) => scan.task.in_options = !closing,
            (name, false) if !scan.task.in_options => {
                if let Some(rank) = NAME_TAGS.iter().position(|t| *t == name) {
                    scan.task.open = Some((rank, tag.end));
                }
            }
            (name, true) => {
                if let Some((rank, start)) = scan.task.open.take() {
                    if NAME_TAGS[rank] == name {
                        scan.task.offer(rank, &body[start..at]);
                    }
                }
            }
            _ => {}
        }
    }
    scan.finish_task(&mut out.tasks);
    if out.tasks.is_empty() {
        heading_tasks(body, first_line, &mut out);
    }
    out
}

/// Runs written without `<task>` elements, as `### Task 1: Name` markdown headings
/// (`##` to `####`, outside code fences): each heading is an `auto` task, with one
/// warning that the XML form is expected (it carries the type, and so the gates).
fn heading_tasks(body: &str, first_line: u32, out: &mut Body) {
    let mut fenced = false;
    for (i, line) in body.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        let Some(name) = (!fenced).then(|| task_heading(t)).flatten() else {
            continue;
        };
        let line = first_line + i as u32;
        if out.tasks.is_empty() {
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::TaskHeadings,
                    "tasks are `### Task N` headings: each is read as an `auto` task",
                )
                .at(Some(Position::new(line, 1)))
                .with_hint("write tasks as <task type=\"auto\"> elements in a <tasks> section, so gates and TDD tasks are recognised"),
            );
        }
        out.tasks.push(Task {
            number: out.tasks.len() as u32 + 1,
            kind: TaskKind::Auto,
            gate: None,
            name,
            line,
        });
    }
}

/// `### Task 2: Wire the form` → `Some(Some("Wire the form"))`; `## Task 3` →
/// `Some(None)`; any other line → `None`.
fn task_heading(t: &str) -> Option<Option<String>> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if !(2..=4).contains(&hashes) {
        return None;
    }
    let rest = t[hashes..].strip_prefix([' ', '\t'])?.trim_start();
    let rest = rest
        .get(..4)
        .filter(|w| w.eq_ignore_ascii_case("task"))
        .map(|_| &rest[4..])?;
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let name = rest[digits..]
        .trim_start_matches([':', '.', ')', '-', '—', '–', ' ', '\t'])
        .trim()
        .trim_matches('*')
        .trim();
    Some((!name.is_empty()).then(|| name.to_string()))
}

/// Where a task's name comes from, best first: its own `<name>` (not an option's,
/// inside `<options>`), else for gates what the gate is about.
const NAME_TAGS: [&str; 4] = ["name", "decision", "what-built", "action"];

#[derive(Default)]
struct Scan {
    objective: Option<usize>,
    in_tasks: bool,
    task: TaskScan,
}

#[derive(Default)]
struct TaskScan {
    in_options: bool,
    open: Option<(usize, usize)>,
    best: Option<(usize, String)>,
}

impl TaskScan {
    fn offer(&mut self, rank: usize, text: &str) {
        if self.best.as_ref().is_some_and(|(r, _)| *r <= rank) {
            return;
        }
        if let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
            self.best = Some((rank, line.to_string()));
        }
    }
}

impl Scan {
    fn finish_task(&mut self, tasks: &mut [Task]) {
        let task = std::mem::take(&mut self.task);
        if let (Some(last), Some((_, name))) = (tasks.last_mut(), task.best) {
            last.name.get_or_insert(name);
        }
    }
}

/// A tag at a `<`: `<name attrs>` or `</name>`.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    attrs: &'a str,
    /// Offset just past the `>`.
    end: usize,
}

impl<'a> Tag<'a> {
    fn read(text: &'a str, at: usize) -> Option<Self> {
        let rest = &text[at + 1..];
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            .count();
        let after = rest.as_bytes().get(name_len).copied()?;
        if name_len == 0 || !(after == b'>' || after.is_ascii_whitespace()) {
            return None;
        }
        let close = memchr::memchr(b'>', rest.as_bytes())?;
        Some(Tag {
            name: &rest[..name_len],
            closing,
            attrs: &rest[name_len..close],
            end: text.len() - rest.len() + close + 1,
        })
    }
}

fn task_kind(attrs: &str, line: u32, ds: &mut Vec<Diagnostic>) -> TaskKind {
    let ty = attribute(attrs, "type").unwrap_or("auto");
    if let Some(gate) = ty.strip_prefix("checkpoint:") {
        return match GateKind::parse(gate) {
            Some(g) => TaskKind::Gate(g),
            None => {
                ds.push(
                    Diagnostic::error(
                        Code::UnknownGateType,
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
                    Code::UnknownTaskType,
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
