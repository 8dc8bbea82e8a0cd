//! What a runner says when it stops: the `## RUN COMPLETE` or `## GATE REACHED`
//! block at the end of its output (GSD's executor: `## PLAN COMPLETE`, `## CHECKPOINT
//! REACHED`). Agents add prose around it, bold labels with or
//! without the colon inside, and align tables loosely; all of that is accepted. An
//! output without a recognisable block is a typed failure with the reason.

use crate::code::Code;
use crate::layout::{Layout, Vocabulary};
use crate::markdown::{self, Section};
use crate::run::{GateKind, RunId};
use serde::{Deserialize, Serialize};

/// One row of a Completed Tasks table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CompletedTask {
    pub task: u32,
    pub name: String,
    /// What the Commit column says: the evidence for the task.
    pub commit: TaskCommit,
    pub files: Vec<String>,
}

/// A task row's Commit cell. A task either shows the commit(s) it made or says, with a
/// reason, that it legitimately changed nothing (a verification-only task); a blank
/// cell is neither, so it cannot pass for evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskCommit {
    /// The commit hashes listed (a TDD task lists its red, green and refactor commits).
    /// Text that looks like no hash is kept whole, so the host reports it as missing.
    Hashes { hashes: Vec<String> },
    /// `no changes: <reason>` (also `no changes — reason`). The reason may be empty
    /// here: the execution rules name that as a problem rather than the parser.
    NoChanges { reason: String },
    /// Empty, `—` or `-`.
    Blank,
}

impl TaskCommit {
    /// Reads a Commit cell as a runner writes it (backticks, several hashes, prose).
    pub fn parse(cell: &str) -> Self {
        let cell = cell.trim().trim_matches('`').trim();
        if let Some(reason) = no_changes_reason(cell) {
            return Self::NoChanges { reason };
        }
        if matches!(
            cell.to_ascii_lowercase().as_str(),
            "" | "-" | "—" | "–" | "n/a" | "none"
        ) {
            return Self::Blank;
        }
        let hashes: Vec<String> = cell
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .map(|t| t.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
            .filter(|t| (4..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_string)
            .collect();
        Self::Hashes {
            hashes: if hashes.is_empty() {
                vec![cell.to_string()]
            } else {
                hashes
            },
        }
    }

    /// One commit hash.
    pub fn hash(hash: impl Into<String>) -> Self {
        Self::Hashes {
            hashes: vec![hash.into()],
        }
    }

    /// The listed hashes (none for a blank or no-changes cell).
    pub fn hashes(&self) -> &[String] {
        match self {
            Self::Hashes { hashes } => hashes,
            _ => &[],
        }
    }

    /// The first listed hash.
    pub fn first_hash(&self) -> Option<&str> {
        self.hashes().first().map(String::as_str)
    }

    /// The cell as a table shows it: hashes, `no changes: reason`, or `—`.
    pub fn cell(&self) -> String {
        match self {
            Self::Hashes { hashes } => hashes.join(", "),
            Self::NoChanges { reason } if reason.is_empty() => "no changes".into(),
            Self::NoChanges { reason } => format!("no changes: {reason}"),
            Self::Blank => "—".into(),
        }
    }
}

/// `no changes: reason`, `No changes — reason`, `no changes - reason`, `no changes`
/// (empty reason); `None` when the cell does not start with "no change(s)".
fn no_changes_reason(cell: &str) -> Option<String> {
    let lower = cell.to_ascii_lowercase();
    let rest = ["no changes", "no change"]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &cell[p.len()..]))?;
    // "no changesets" is not "no changes".
    if rest.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let reason = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '—' | '–' | '(' | ',')
    });
    let reason = reason
        .strip_suffix(')')
        .filter(|_| rest.trim_start().starts_with('('))
        .unwrap_or(reason);
    Some(reason.trim().to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RunComplete {
    pub run: RunId,
    pub tasks_done: u32,
    pub tasks_total: u32,
    pub recap: Option<String>,
    pub tasks: Vec<CompletedTask>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct GateReached {
    pub gate: GateKind,
    pub run: RunId,
    pub tasks_done: u32,
    pub tasks_total: u32,
    pub completed: Vec<CompletedTask>,
    pub current_task: u32,
    pub current_task_name: String,
    pub status: Option<String>,
    pub blocked_by: Option<String>,
    /// The Gate Details section, verbatim (trimmed): shown to the user as is.
    pub details: String,
    /// The Awaiting section, verbatim (trimmed).
    pub awaiting: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AgentReturn {
    Complete(RunComplete),
    Gate(GateReached),
}

/// Why an agent's output is not a usable return. The run counts as failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ReturnFailure {
    #[error("the agent's output has no `## RUN COMPLETE` or `## GATE REACHED` block")]
    NoBlock,
    #[error("the {block} block has no `**{field}:**` field")]
    MissingField { block: String, field: String },
    #[error("the {block} block's `{field}` is {value:?}; expected {expected}")]
    BadValue {
        block: String,
        field: String,
        value: String,
        expected: String,
    },
}

/// The two kinds of block, each titled in either layout's words (`## RUN COMPLETE` or
/// GSD's `## PLAN COMPLETE`; `## GATE REACHED` or `## CHECKPOINT REACHED`): a runner
/// may follow either tool's habits whatever the project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Complete,
    Gate,
}

impl Block {
    fn title(self, vocab: &Vocabulary) -> &'static str {
        match self {
            Block::Complete => vocab.complete_block,
            Block::Gate => vocab.gate_block,
        }
    }

    /// The block a section is, and the title it is written with.
    fn of(s: &Section<'_>) -> Option<(Block, &'static str)> {
        let title = s.title.trim_matches(|c: char| !c.is_ascii_alphabetic());
        [Block::Complete, Block::Gate].into_iter().find_map(|b| {
            Layout::ALL
                .iter()
                .map(|l| b.title(l.vocab()))
                .find(|t| title.eq_ignore_ascii_case(t))
                .map(|t| (b, t))
        })
    }
}

/// The first bold field named by `key` in any layout's words (`**Run:**` or
/// `**Plan:**`, `**Recap:**` or `**SUMMARY:**`).
fn any_field(text: &str, key: fn(&Vocabulary) -> &'static str) -> Option<&str> {
    Layout::ALL
        .iter()
        .find_map(|l| markdown::field(text, key(l.vocab())))
}

/// Parses an agent's output saved at `path`; an unusable output is a diagnostic
/// naming the file, for `renn parse-return` and the bindings.
pub fn parse_file(path: &str, output: &str) -> Result<AgentReturn, crate::Diagnostic> {
    parse_output(Some(path), output)
}

/// [`parse_file`] for output a host holds in memory and may have no name for (a
/// binding's `parse_return(output)`): the diagnostic then names no file.
pub fn parse_output(path: Option<&str>, output: &str) -> Result<AgentReturn, crate::Diagnostic> {
    parse(output).map_err(|why| {
        let d = crate::Diagnostic::error(Code::UnusableReturn, why.to_string())
            .with_hint("a runner must end with a `## RUN COMPLETE` or `## GATE REACHED` block (docs/spec.md#agent-returns)");
        match path {
            Some(path) => d.in_file(path),
            None => d,
        }
    })
}

/// Parses the last return block in `output`.
pub fn parse(output: &str) -> Result<AgentReturn, ReturnFailure> {
    let sections = markdown::sections(output);
    let (section, (block, title)) = sections
        .iter()
        .rev()
        .filter(|s| s.level <= 2)
        .find_map(|s| Some((s, Block::of(s)?)))
        .ok_or(ReturnFailure::NoBlock)?;
    let text = section.body(output);
    match block {
        Block::Complete => complete(title, text).map(AgentReturn::Complete),
        Block::Gate => gate(title, text).map(AgentReturn::Gate),
    }
}

fn complete(block: &'static str, text: &str) -> Result<RunComplete, ReturnFailure> {
    let f = Fields { block, text };
    let (tasks_done, tasks_total) = f.fraction("Tasks")?;
    Ok(RunComplete {
        run: f.run()?,
        tasks_done,
        tasks_total,
        recap: any_field(text, |v| v.recap_field).map(|r| r.trim_matches('`').to_string()),
        tasks: tasks(text, block)?,
    })
}

fn gate(block: &'static str, text: &str) -> Result<GateReached, ReturnFailure> {
    let f = Fields { block, text };
    let gate_text = f.required("Type")?;
    let kind = gate_kind(gate_text)
        .ok_or_else(|| f.bad("Type", gate_text, "human-verify, decision or human-action"))?;
    let (tasks_done, tasks_total) = f.fraction("Progress")?;
    let section = |title: &str| {
        markdown::find_section(text, title)
            .map_or("", |s| s.body(text))
            .trim()
            .to_string()
    };
    let current = markdown::find_section(text, "Current Task").map_or("", |s| s.body(text));
    let (current_task, current_task_name) =
        current_task(current).ok_or_else(|| ReturnFailure::MissingField {
            block: block.into(),
            field: "Task N".into(),
        })?;
    let completed = match markdown::find_section(text, "Completed Tasks") {
        Some(s) => tasks(s.body(text), block)?,
        None => Vec::new(),
    };
    Ok(GateReached {
        gate: kind,
        run: f.run()?,
        tasks_done,
        tasks_total,
        completed,
        current_task,
        current_task_name,
        status: markdown::field(current, "Status").map(str::to_string),
        blocked_by: markdown::field(current, "Blocked by").map(str::to_string),
        details: Layout::ALL
            .iter()
            .map(|l| section(l.vocab().gate_details))
            .find(|d| !d.is_empty())
            .unwrap_or_default(),
        awaiting: section("Awaiting"),
    })
}

/// `human-verify`, `checkpoint:decision`, `Human Action`, and an authentication
/// gate (a CLI needs a login: the user must act) all parse.
fn gate_kind(text: &str) -> Option<GateKind> {
    let t = text
        .trim()
        .trim_start_matches("checkpoint:")
        .to_ascii_lowercase()
        .replace(' ', "-");
    GateKind::parse(&t).or(match t.as_str() {
        "auth" | "authentication" | "auth-gate" | "authentication-gate" => {
            Some(GateKind::HumanAction)
        }
        _ => None,
    })
}

/// `**Task 3:** Dashboard layout` or `**Task:** 3 - Dashboard layout`.
fn current_task(text: &str) -> Option<(u32, String)> {
    for (key, value) in text.lines().flat_map(markdown::bold_fields) {
        if let Some(n) = key
            .strip_prefix("Task ")
            .and_then(|n| n.trim().parse().ok())
        {
            return Some((n, value.to_string()));
        }
        if key.eq_ignore_ascii_case("Task") {
            let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
            let name = value[digits.len()..]
                .trim_start_matches([' ', ':', '-', '—', '.'])
                .trim();
            return Some((digits.parse().ok()?, name.to_string()));
        }
    }
    None
}

fn tasks(text: &str, block: &str) -> Result<Vec<CompletedTask>, ReturnFailure> {
    markdown::table_rows(text)
        .into_iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .map(|row| {
            let cell = |i: usize| row.get(i).map(String::as_str).unwrap_or("");
            let number = cell(0).trim_start_matches("Task").trim();
            let task = number.parse().map_err(|_| ReturnFailure::BadValue {
                block: block.into(),
                field: "Task".into(),
                value: cell(0).into(),
                expected: "a task number in the first column".into(),
            })?;
            Ok(CompletedTask {
                task,
                name: cell(1).to_string(),
                commit: TaskCommit::parse(cell(2)),
                files: cell(3)
                    .split([',', ' '])
                    .map(|f| f.trim_matches('`'))
                    .filter(|f| !f.is_empty() && *f != "-" && *f != "—")
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

struct Fields<'a> {
    block: &'static str,
    text: &'a str,
}

impl<'a> Fields<'a> {
    fn required(&self, key: &str) -> Result<&'a str, ReturnFailure> {
        markdown::field(self.text, key).ok_or_else(|| ReturnFailure::MissingField {
            block: self.block.into(),
            field: key.into(),
        })
    }

    fn bad(&self, field: &str, value: &str, expected: &str) -> ReturnFailure {
        ReturnFailure::BadValue {
            block: self.block.into(),
            field: field.into(),
            value: value.into(),
            expected: expected.into(),
        }
    }

    /// `**Run:** 03-02` or GSD's `**Plan:** 03-02`.
    fn run(&self) -> Result<RunId, ReturnFailure> {
        let v =
            any_field(self.text, |v| v.run_word).ok_or_else(|| ReturnFailure::MissingField {
                block: self.block.into(),
                field: "Run".into(),
            })?;
        let id = v.split_whitespace().next().unwrap_or("");
        RunId::parse(id).ok_or_else(|| self.bad("Run", v, "a run id such as 03-02"))
    }

    /// `3/3` or `2/3 tasks complete`.
    fn fraction(&self, key: &str) -> Result<(u32, u32), ReturnFailure> {
        let v = self.required(key)?;
        let first = v.split_whitespace().next().unwrap_or("");
        first
            .split_once('/')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .filter(|(a, b)| a <= b)
            .ok_or_else(|| self.bad(key, v, "done/total, such as 2/3"))
    }
}

#[cfg(test)]
mod tests;
