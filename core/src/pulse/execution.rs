//! renn's own `## Execution State` section of pulse.md (GSD: STATE.md, in its words:
//! `Last completed plan`, `Current wave`): what resuming a stage needs
//! (the seed's resumption step) — the last completed run, the current batch, and every
//! gate waiting for the user. The section is renn's, so it is written whole; it is
//! left untouched when it already says what renn would write.
//!
//! ```text
//! ## Execution State
//!
//! Last completed run: 02-03
//! Current batch: 2
//!
//! ### Pending Gates
//!
//! - 02-04: human-verify gate at task 3 "Reset email", awaiting "Check the inbox", recorded 2026-11-24
//! ```
//!
//! Task names and what is awaited are free text, so they are written as JSON strings:
//! any quote, pipe or line break in them reads back exactly.

use super::doc::{key_value, Doc};
use super::PendingGate;
use crate::layout::{Layout, Vocabulary};
use crate::run::{GateKind, RunId};
use serde::Serialize;

/// The Execution State section's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Execution {
    pub last_completed_run: Option<RunId>,
    pub current_batch: Option<u32>,
    pub pending_gates: Vec<PendingGate>,
}

const SECTION: &str = "Execution State";
const GATES: &str = "Pending Gates";
const NONE: &str = "None";

pub(super) fn read(doc: &Doc<'_>) -> Execution {
    let mut out = Execution::default();
    let Some(section) = doc.section(SECTION, doc.all()) else {
        return out;
    };
    for (line, _) in &doc.lines[section.0 + 1..section.1] {
        let Some((key, at)) = key_value(line) else {
            continue;
        };
        let value = line[at..].trim();
        // Either layout's words: `Last completed run` / `Last completed plan`.
        for vocab in Layout::ALL.map(Layout::vocab) {
            if key.eq_ignore_ascii_case(&last_completed(vocab)) {
                out.last_completed_run = RunId::parse(value);
            } else if key.eq_ignore_ascii_case(&current_batch(vocab)) {
                out.current_batch = value.parse().ok();
            }
        }
    }
    if let Some((head, end)) = doc.section(GATES, (section.0 + 1, section.1)) {
        out.pending_gates = doc.lines[head + 1..end]
            .iter()
            .filter_map(|(line, _)| parse_gate(line))
            .collect();
    }
    out
}

fn last_completed(vocab: &Vocabulary) -> String {
    format!("Last completed {}", vocab.run_lower())
}

fn current_batch(vocab: &Vocabulary) -> String {
    format!("Current {}", vocab.batch_word.to_lowercase())
}

pub(super) fn set(doc: &mut Doc<'_>, vocab: &Vocabulary, exec: &Execution) {
    match doc.section(SECTION, doc.all()) {
        Some(_) if read(doc) == *exec => {}
        Some(section) => {
            // The blank lines that end the section separate it from the next: keep them.
            let end = doc.content_end(section);
            doc.replace(section.0..end, render(vocab, exec));
        }
        None => {
            let at = doc
                .section("Session Continuity", doc.all())
                .map_or(doc.lines.len(), |s| s.0);
            doc.insert_section(at, render(vocab, exec));
        }
    }
}

fn render(vocab: &Vocabulary, exec: &Execution) -> Vec<String> {
    let or_none = |v: Option<String>| v.unwrap_or_else(|| NONE.to_string());
    let mut lines = vec![
        format!("## {SECTION}"),
        String::new(),
        format!(
            "{}: {}",
            last_completed(vocab),
            or_none(exec.last_completed_run.as_ref().map(RunId::to_string))
        ),
        format!(
            "{}: {}",
            current_batch(vocab),
            or_none(exec.current_batch.map(|b| b.to_string()))
        ),
        String::new(),
        format!("### {GATES}"),
        String::new(),
    ];
    if exec.pending_gates.is_empty() {
        lines.push(NONE.to_string());
    }
    lines.extend(exec.pending_gates.iter().map(render_gate));
    lines
}

pub(super) fn render_gate(g: &PendingGate) -> String {
    let json = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let recorded: String = g
        .recorded
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "- {}: {} gate at task {} {}, awaiting {}, recorded {}",
        g.run,
        g.gate.as_str(),
        g.task,
        json(&g.task_name),
        json(&g.awaiting),
        recorded.trim()
    )
}

pub(super) fn parse_gate(line: &str) -> Option<PendingGate> {
    let item = line.trim_start().strip_prefix(['-', '*'])?.trim_start();
    let (run, rest) = item.split_once(": ")?;
    let (gate, rest) = rest.split_once(" gate at task ")?;
    let (task, rest) = rest.split_once(' ')?;
    let (task_name, rest) = json_string(rest)?;
    let (awaiting, rest) = json_string(rest.strip_prefix(", awaiting ")?)?;
    let recorded = rest.strip_prefix(", recorded")?.trim();
    Some(PendingGate {
        run: RunId::parse(run.trim())?,
        gate: GateKind::parse(gate)?,
        task: task.parse().ok()?,
        task_name,
        awaiting,
        recorded: recorded.to_string(),
    })
}

/// A JSON string at the start of `s` and the text after it.
fn json_string(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                let end = i + 2; // the opening quote and this one
                return Some((serde_json::from_str(&s[..end]).ok()?, &s[end..]));
            }
            _ => {}
        }
    }
    None
}
