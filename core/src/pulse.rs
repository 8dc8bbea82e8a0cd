//! `.renn/pulse.md` (GSD's `.planning/STATE.md`), the project's state: reading it, and
//! updating the lines renn owns, in the project's words.
//!
//! renn owns the value of five lines in `## Current Position` (Stage, Run, Status, Last
//! activity, Progress) and the whole of its own `## Execution State` section (last
//! completed run, current batch, pending gates: what the seed's resumption needs).
//! Everything else — decisions, todos, a user's notes — is the user's and survives
//! byte for byte, line endings included. An update that changes no value returns the
//! text unchanged, so renn never rewrites a file it has nothing to say about.

mod doc;
mod execution;
mod reconstruct;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_gsd;

use crate::layout::{Layout, Vocabulary};
use crate::run::{GateKind, RunId};
use crate::stage::StageNumber;
use crate::track;
use doc::{key_value, with_value, Doc};
use serde::Serialize;

pub use execution::Execution;
pub use reconstruct::{reconstruct, CurrentStage};

/// What pulse.md says, as far as renn reads it. Values are as written (trimmed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PulseState {
    /// `2 of 3 (Accounts)`.
    pub stage: Option<String>,
    /// `1 of 6`.
    pub run: Option<String>,
    pub status: Option<String>,
    /// `2026-11-20 — completed 02-01`.
    pub last_activity: Option<String>,
    /// The percentage after the progress bar.
    pub progress: Option<u32>,
    pub last_completed_run: Option<RunId>,
    pub current_batch: Option<u32>,
    pub pending_gates: Vec<PendingGate>,
}

impl PulseState {
    /// The Execution State part of the pulse, in the shape [`PulseUpdate`] takes.
    pub fn execution(&self) -> Execution {
        Execution {
            last_completed_run: self.last_completed_run.clone(),
            current_batch: self.current_batch,
            pending_gates: self.pending_gates.clone(),
        }
    }
}

/// A run stopped at a human gate, waiting for the user (non-interactive mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingGate {
    pub run: RunId,
    pub gate: GateKind,
    /// 1-based number of the gate task in the run.
    pub task: u32,
    pub task_name: String,
    /// What the user is asked to do or decide.
    pub awaiting: String,
    /// The date the gate was reached.
    pub recorded: String,
}

/// New values for pulse.md; `None` leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PulseUpdate {
    /// `Stage:` — see [`stage_position`].
    pub stage: Option<String>,
    /// `Run:` — `3 of 6`.
    pub run: Option<String>,
    pub status: Option<String>,
    /// `Last activity:` — see [`activity`].
    pub last_activity: Option<String>,
    /// `Progress:` as a percentage, drawn as a bar (see [`progress_bar`]).
    pub progress: Option<u32>,
    /// The whole Execution State section.
    pub execution: Option<Execution>,
}

const POSITION: &str = "Current Position";

/// The Current Position lines renn owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Stage,
    Run,
    Status,
    LastActivity,
    Progress,
}

impl Field {
    /// The line's key in `vocab`'s words: `Stage:` / GSD's `Phase:`, `Run:` / `Plan:`.
    fn key(self, vocab: &Vocabulary) -> &'static str {
        match self {
            Field::Stage => vocab.stage_word,
            Field::Run => vocab.run_word,
            Field::Status => "Status",
            Field::LastActivity => "Last activity",
            Field::Progress => "Progress",
        }
    }

    /// The field a key names, in either layout's words.
    fn of(key: &str) -> Option<Field> {
        let all = [
            Field::Stage,
            Field::Run,
            Field::Status,
            Field::LastActivity,
            Field::Progress,
        ];
        all.into_iter().find(|f| {
            Layout::ALL
                .iter()
                .any(|l| f.key(l.vocab()).eq_ignore_ascii_case(key))
        })
    }
}

/// Reads pulse.md. Missing sections and lines are `None`; nothing here fails.
pub fn read(text: &str) -> PulseState {
    let doc = Doc::parse(text);
    let mut state = PulseState::default();
    if let Some((head, end)) = doc.section(POSITION, doc.all()) {
        for (line, _) in &doc.lines[head + 1..end] {
            let Some((key, at)) = key_value(line) else {
                continue;
            };
            let value = line[at..].trim();
            let slot = match Field::of(key) {
                Some(Field::Stage) => &mut state.stage,
                Some(Field::Run) => &mut state.run,
                Some(Field::Status) => &mut state.status,
                Some(Field::LastActivity) => &mut state.last_activity,
                Some(Field::Progress) => {
                    state.progress = state.progress.or_else(|| percent_of(value));
                    continue;
                }
                None => continue,
            };
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.to_string());
            }
        }
    }
    let exec = execution::read(&doc);
    state.last_completed_run = exec.last_completed_run;
    state.current_batch = exec.current_batch;
    state.pending_gates = exec.pending_gates;
    state
}

/// Applies `u` to pulse.md: values replaced in place, missing lines and sections added,
/// every key in `vocab`'s words. A GSD STATE.md's YAML frontmatter is left as it is:
/// GSD recomputes its counts from disk whenever it reads or writes the file.
pub fn update(vocab: &Vocabulary, text: &str, u: &PulseUpdate) -> String {
    let mut doc = Doc::parse(text);
    let wanted: Vec<(Field, String)> = [
        (Field::Stage, u.stage.as_deref().map(one_line)),
        (Field::Run, u.run.as_deref().map(one_line)),
        (Field::Status, u.status.as_deref().map(one_line)),
        (
            Field::LastActivity,
            u.last_activity.as_deref().map(one_line),
        ),
        (Field::Progress, u.progress.map(progress_bar)),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?)))
    .collect();
    // Execution State first: it is rewritten whole, so a Current Position a user nested
    // inside it must be recreated after, not edited before and then lost.
    if let Some(exec) = &u.execution {
        execution::set(&mut doc, vocab, exec);
    }
    if !wanted.is_empty() {
        set_position(&mut doc, vocab, wanted);
    }
    doc.render()
}

/// A line already there keeps its key as written (a `Stage:` line read as GSD's `Phase:`
/// is the same field, and `read` takes the first of either), so an update always reads
/// back; missing lines are added in `vocab`'s words.
fn set_position(doc: &mut Doc<'_>, vocab: &Vocabulary, mut missing: Vec<(Field, String)>) {
    let line_of = |(f, v): &(Field, String)| format!("{}: {v}", f.key(vocab));
    let Some((head, end)) = doc.section(POSITION, doc.all()) else {
        // After Project Reference when there is one (the seed's order), else before
        // the first section.
        let at = match doc.section("Project Reference", doc.all()) {
            Some((_, end)) => end,
            None => doc.first_h2(),
        };
        let mut lines = vec![format!("## {POSITION}"), String::new()];
        lines.extend(missing.iter().map(line_of));
        doc.insert_section(at, lines);
        return;
    };
    for i in head + 1..end {
        let line = &doc.lines[i].0;
        let Some((key, at)) = key_value(line) else {
            continue;
        };
        let Some(k) = Field::of(key).and_then(|f| missing.iter().position(|(w, _)| *w == f)) else {
            continue;
        };
        let (_, value) = missing.remove(k);
        if let Some(new) = with_value(line, at, &value) {
            doc.lines[i].0 = new.into();
        }
    }
    if missing.is_empty() {
        return;
    }
    let at = doc.content_end((head, end));
    let mut lines: Vec<String> = missing.iter().map(line_of).collect();
    if at == head + 1 {
        lines.insert(0, String::new());
    }
    doc.insert(at, lines);
}

/// A value must stay on its line: line breaks become spaces.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .filter(|p| !p.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `40%` from `[████░░░░░░] 40%`.
fn percent_of(value: &str) -> Option<u32> {
    let head = &value[..value.rfind('%')?];
    let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    head[head.len() - digits..].parse().ok()
}

/// Whole percent done, rounded down so 100% means everything (0 when there is nothing).
pub fn percent(completed: usize, total: usize) -> u32 {
    if total == 0 {
        return 0;
    }
    (completed.min(total) * 100 / total) as u32
}

/// `[████░░░░░░] 40%`: ten cells, a cell filled per whole 10%.
pub fn progress_bar(percent: u32) -> String {
    let percent = percent.min(100);
    let filled = (percent / 10) as usize;
    format!(
        "[{}{}] {percent}%",
        "█".repeat(filled),
        "░".repeat(10 - filled)
    )
}

/// The `Stage:` value: `2 of 3 (Accounts)`, `12A of 13 (Polish)`. "of" counts the
/// track's stages by their integer part, so inserted stages (2.1, 12A) do not inflate it.
pub fn stage_position(track: &str, stage: &StageNumber) -> String {
    let of = track::stages(track)
        .iter()
        .map(|s| s.number.major())
        .chain([stage.major()])
        .max()
        .unwrap_or(0);
    match track::stage_title(track, stage) {
        Some(title) => format!("{} of {of} ({title})", stage.unpadded()),
        None => format!("{} of {of}", stage.unpadded()),
    }
}

/// The `Last activity:` value: `2026-11-24 — completed 02-03`.
pub fn activity(date: &str, what: &str) -> String {
    format!("{date} — {what}")
}
