//! What the demo agent reads: the continuation part of its prompt, the parts of a
//! task renn's run parser does not keep (`<files>`, the gate's texts), and a date.

use renn_core::markdown;
use renn_core::returns::{CompletedTask, TaskCommit};
use renn_core::run::{GateKind, Task};

/// Where a continuation prompt says to pick up.
#[derive(Debug, Clone)]
pub struct Resume {
    pub kind: GateKind,
    /// The gate task the earlier runner stopped at.
    pub task: u32,
    /// The completed-tasks table, as renn passed it on.
    pub done: Vec<CompletedTask>,
    pub response: String,
}

/// `None` for a first runner's prompt. A continuation is recognised by its
/// `<completed_tasks>` section, looked for only before the `<context>` section:
/// the run file and pulse.md quoted in the context could contain anything.
pub fn continuation(prompt: &str) -> Result<Option<Resume>, String> {
    let head = prompt
        .find("\n<context>")
        .map_or(prompt, |at| &prompt[..at]);
    let Some(completed) = inner(head, "completed_tasks") else {
        return Ok(None);
    };
    let gate = inner(head, "gate")
        .ok_or("the continuation prompt has no <gate> section naming the gate to resume")?;
    let line = gate
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("Gate:"))
        .ok_or("the continuation prompt's <gate> section has no `Gate: <type> at Task N` line")?;
    // `human-verify at Task 3: Password reset: …`
    let (kind, rest) = line
        .trim()
        .split_once(" at Task ")
        .ok_or_else(|| format!("cannot read the gate line `Gate:{line}`"))?;
    let kind = GateKind::parse(kind.trim())
        .ok_or_else(|| format!("`{}` is not a gate type", kind.trim()))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let task = digits
        .parse()
        .map_err(|_| format!("no task number in `Gate:{line}`"))?;
    let response = gate
        .split_once("The user's response:")
        .map(|(_, r)| r.trim().to_string())
        .ok_or("the continuation prompt does not carry the user's response")?;
    Ok(Some(Resume {
        kind,
        task,
        done: rows(completed),
        response,
    }))
}

/// The Completed Tasks table's rows; rows without a task number are not tasks.
fn rows(text: &str) -> Vec<CompletedTask> {
    let none = |c: &str| c.is_empty() || c == "-" || c == "—";
    markdown::table_rows(text)
        .into_iter()
        .filter_map(|row| {
            let cell = |i: usize| row.get(i).map_or("", |c| c.trim().trim_matches('`'));
            Some(CompletedTask {
                task: cell(0).trim_start_matches("Task").trim().parse().ok()?,
                name: cell(1).to_string(),
                commit: TaskCommit::parse(cell(2)),
                files: cell(3)
                    .split([',', ' '])
                    .map(|f| f.trim_matches('`'))
                    .filter(|f| !none(f))
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

/// The pieces of one task the demo agent needs, cut from the run file's text.
#[derive(Debug, Clone, Default)]
pub struct TaskText {
    pub files: Vec<String>,
    /// For a gate: what the user is shown (how to verify, the options…).
    pub details: String,
    pub awaiting: String,
    pub blocked_by: Option<String>,
}

/// The task's `<task …>…</task>` element, found from the line renn's parser recorded.
pub fn task_text(run_text: &str, task: &Task) -> TaskText {
    let line_start: usize = run_text
        .split_inclusive('\n')
        .take(task.line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let from = &run_text[line_start.min(run_text.len())..];
    let block = from
        .find("<task")
        .map(|at| &from[at..])
        .map(|b| b.find("</task>").map_or(b, |end| &b[..end]))
        .unwrap_or("");
    let text = |name: &str| inner(block, name).map(dedent).filter(|t| !t.is_empty());
    let files = text("files")
        .map(|f| {
            f.split([',', '\n'])
                .map(|p| p.trim().trim_matches('`').trim())
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut details = Vec::new();
    if let Some(t) = text("what-built") {
        details.push(format!("Built: {t}"));
    }
    if let Some(t) = text("decision") {
        details.push(format!("Decision: {t}"));
    }
    if let (Some(t), Some(_)) = (text("context"), task.kind.gate()) {
        details.push(t);
    }
    if let (Some(t), Some(GateKind::HumanAction)) = (text("action"), task.kind.gate()) {
        details.push(t);
    }
    if let Some(t) = text("how-to-verify") {
        details.push(format!("How to verify:\n{t}"));
    }
    if let Some(options) = inner(block, "options") {
        details.push(format!("Options:\n{}", options_list(options)));
    }
    if details.is_empty() {
        details.extend(task.name.clone());
    }
    let blocked_by = match task.kind.gate() {
        Some(GateKind::HumanAction) => Some(
            text("action")
                .and_then(|a| a.lines().next().map(str::to_string))
                .unwrap_or_else(|| "an action only a person can take".into()),
        ),
        _ => None,
    };
    TaskText {
        files,
        details: details.join("\n\n"),
        awaiting: text("resume-signal")
            .unwrap_or_else(|| "Type approved or describe issues".into()),
        blocked_by,
    }
}

/// `<option id="a"><name>Postgres</name>…</option>` → `- a: Postgres`.
fn options_list(options: &str) -> String {
    let items: Vec<String> = options
        .match_indices("<option")
        .filter(|(at, _)| options[at + 7..].starts_with([' ', '>']))
        .map(|(at, _)| {
            let rest = &options[at..];
            let body = rest.find("</option>").map_or(rest, |end| &rest[..end]);
            let id = body
                .split_once("id=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(id, _)| id);
            let name = inner(body, "name").map(dedent).unwrap_or_default();
            match id {
                Some(id) => format!("- {id}: {name}"),
                None => format!("- {name}"),
            }
        })
        .collect();
    if items.is_empty() {
        dedent(options)
    } else {
        items.join("\n")
    }
}

/// The text between `<name …>` and `</name>` (first occurrence), if any.
pub fn inner<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(i) = text[from..].find(&open) {
        let at = from + i + open.len();
        let after = &text[at..];
        if after.starts_with('>') || after.starts_with(char::is_whitespace) {
            let start = at + after.find('>')? + 1;
            let end = text[start..].find(&close)?;
            return Some(&text[start..start + end]);
        }
        from = at;
    }
    None
}

/// Trims blank lines around and the common indentation; a line starting with `#`
/// is escaped so it cannot end a section of the block the text goes into.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.trim_matches('\n').lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let out: Vec<String> = lines
        .iter()
        .map(|l| {
            let l = l.get(indent..).unwrap_or(l.trim_start()).trim_end();
            if l.starts_with('#') {
                format!("\\{l}")
            } else {
                l.to_string()
            }
        })
        .collect();
    out.join("\n").trim().to_string()
}

/// The date the demo agent writes: pulse.md's "Last activity" date, so output does
/// not depend on the clock (tests and the demo are reproducible).
pub fn demo_date(pulse: Option<&str>) -> String {
    pulse
        .and_then(|p| {
            p.lines()
                .find(|l| l.trim_start().starts_with("Last activity:"))
                .and_then(iso_date)
        })
        .unwrap_or_else(|| FIXED_DATE.to_string())
}

const FIXED_DATE: &str = "2026-01-01";

/// The first `YYYY-MM-DD` in `line`.
fn iso_date(line: &str) -> Option<String> {
    let b = line.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        (digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10))
            .then(|| line[i..i + 10].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_come_from_the_pulse_or_a_fixed_string() {
        let pulse = "Stage: 2\nLast activity: 2026-11-20 — completed 02-01\n";
        assert_eq!(demo_date(Some(pulse)), "2026-11-20");
        assert_eq!(demo_date(Some("no date")), FIXED_DATE);
        assert_eq!(demo_date(None), FIXED_DATE);
    }

    #[test]
    fn a_runner_prompt_quoting_a_continuation_is_not_one() {
        let p = "<objective>x</objective>\n<context>\n<completed_tasks>\n</completed_tasks>\n";
        assert!(continuation(p).unwrap().is_none());
    }

    #[test]
    fn options_become_a_list() {
        let o = "\n<option id=\"pg\"><name>Postgres</name></option>\n<option id=\"lite\">\n<name>SQLite</name>\n</option>";
        assert_eq!(options_list(o), "- pg: Postgres\n- lite: SQLite");
    }
}
