//! The seed's reports, as text: the batch description printed before spawning, the
//! "Batch N Complete" report, and the stage's aggregate report. Each is built from
//! the runs' objectives and their recaps — renn never makes up what a run built.

use crate::inventory::Run;
use crate::layout::Vocabulary;
use crate::plan::StageInfo;
use crate::recap::Recap;
use crate::run::RunId;
use describe::Described;
use serde::Serialize;
use std::fmt::Write as _;

mod describe;

pub use crate::execute::RunStatus;

/// One run's result, as the aggregate report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunOutcome {
    pub id: RunId,
    pub batch: u32,
    pub status: RunStatus,
    pub recap: Option<Recap>,
    /// Why the run failed (or was skipped), in one line.
    pub failure: Option<String>,
    /// Gates the user answered: a done run with a passed gate is reported "✓ Verified".
    pub gates_passed: u32,
}

/// The seed's "describe what's being built (BEFORE spawning)".
pub fn batch_description(batch: u32, runs: &[&Run]) -> String {
    let mut out = format!("---\n\n## Batch {batch}\n\n");
    for run in runs {
        let d = Described::of(run);
        let _ = writeln!(out, "**{}: {}**", run.id, d.name);
        if !d.text.is_empty() {
            let _ = writeln!(out, "{}", d.text);
        }
        if let Some(gate) = gate_note(run) {
            let _ = writeln!(out, "{gate}");
        }
        out.push('\n');
    }
    let n = runs.len();
    let _ = write!(
        out,
        "Spawning {n} agent{}...\n\n---\n",
        if n == 1 { "" } else { "s" }
    );
    out
}

/// The seed's "Batch N Complete": what each run built (its recap's one-liner), drift
/// worth knowing, the tasks that changed nothing and why (each line given as is), and
/// what the next batch builds.
pub fn batch_complete(
    batch: u32,
    done: &[(&Run, Option<&Recap>, &[String])],
    next_batch: Option<&[&Run]>,
) -> String {
    let mut out = format!("---\n\n## Batch {batch} Complete\n\n");
    for (run, recap, unchanged) in done {
        let _ = writeln!(out, "**{}: {}**", run.id, Described::of(run).name);
        match recap {
            None => out.push_str("No recap was found for this run.\n"),
            Some(r) => {
                let line = r
                    .one_liner
                    .as_deref()
                    .unwrap_or("Complete; the recap has no one-line summary.");
                let _ = writeln!(out, "{line}");
                if let Some(d) = &r.deviations {
                    let _ = writeln!(out, "Deviations: {}", highlights(d));
                }
                if let Some(i) = &r.issues {
                    let _ = writeln!(out, "Issues: {}", highlights(i));
                }
            }
        }
        for line in *unchanged {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    if let Some(next) = next_batch.filter(|n| !n.is_empty()) {
        let what: Vec<String> = next
            .iter()
            .map(|r| format!("{} {}", r.id, Described::of(r).name))
            .collect();
        let _ = writeln!(out, "Next, Batch {}: {}.\n", next[0].batch, what.join("; "));
    }
    out.push_str("---\n");
    out
}

/// The seed's aggregate_results report for the runs of this execution.
pub fn aggregate(vocab: &Vocabulary, stage: &StageInfo, outcomes: &[RunOutcome]) -> String {
    let done = count(outcomes, |o| o.status == RunStatus::Done);
    let mut batches: Vec<u32> = outcomes
        .iter()
        .filter(|o| !matches!(o.status, RunStatus::Pending | RunStatus::Skipped))
        .map(|o| o.batch)
        .collect();
    batches.dedup();
    // "Complete" only when it is: a stage with a failed run did not complete.
    let verdict = if done == outcomes.len() {
        "Execution Complete"
    } else {
        "Execution Incomplete"
    };
    let mut out = format!(
        "## {} {}: {} {verdict}\n\n**{} executed:** {}\n**{}s completed:** {done} of {}\n\n",
        vocab.stage_word,
        stage.number.unpadded(),
        stage.title,
        capitalised(vocab.batches_lower),
        batches.len(),
        vocab.run_word,
        outcomes.len()
    );
    out.push_str("### Batch Summary\n\n| Batch | Runs | Status |\n|-------|------|--------|\n");
    for (batch, ids, label) in summary_rows(outcomes) {
        let _ = writeln!(out, "| {batch} | {} | {label} |", ids.join(", "));
    }
    out.push_str("\n### Run Details\n\n");
    for (i, o) in outcomes.iter().enumerate() {
        let _ = writeln!(out, "{}. **{}**: {}", i + 1, o.id, detail(o));
    }
    out.push_str("\n### Issues Encountered\n\n");
    // Runs that failed or were skipped first: they are why the stage is not complete.
    let unfinished: Vec<(&RunId, String)> = outcomes
        .iter()
        .filter(|o| matches!(o.status, RunStatus::Failed | RunStatus::Skipped))
        .map(|o| (&o.id, detail(o)))
        .collect();
    let issues: Vec<(&RunId, &str)> = unfinished
        .iter()
        .map(|(id, d)| (*id, d.as_str()))
        .chain(
            outcomes
                .iter()
                .filter_map(|o| Some((&o.id, o.recap.as_ref()?.issues.as_deref()?))),
        )
        .collect();
    if issues.is_empty() {
        out.push_str("None\n");
    }
    for (i, (id, text)) in issues.iter().enumerate() {
        let sep = if i == 0 { "" } else { "\n" };
        let _ = writeln!(out, "{sep}**{id}**\n{}", text.trim());
    }
    out
}

fn count(outcomes: &[RunOutcome], f: impl Fn(&RunOutcome) -> bool) -> usize {
    outcomes.iter().filter(|o| f(o)).count()
}

/// Rows of the Batch Summary: per batch, runs of the same status share a row.
fn summary_rows(outcomes: &[RunOutcome]) -> Vec<(u32, Vec<String>, &'static str)> {
    let mut rows: Vec<(u32, Vec<String>, &'static str)> = Vec::new();
    for o in outcomes {
        let label = status_label(o);
        match rows
            .iter_mut()
            .find(|(b, _, l)| *b == o.batch && *l == label)
        {
            Some(row) => row.1.push(o.id.to_string()),
            None => rows.push((o.batch, vec![o.id.to_string()], label)),
        }
    }
    rows.sort_by_key(|r| r.0);
    rows
}

fn status_label(o: &RunOutcome) -> &'static str {
    match o.status {
        RunStatus::Done if o.gates_passed > 0 => "✓ Verified",
        RunStatus::Done => "✓ Complete",
        RunStatus::Failed => "✗ Failed",
        RunStatus::AtGate => "⏸ At gate",
        RunStatus::Skipped => "– Skipped",
        RunStatus::Running | RunStatus::Checking | RunStatus::Merging => "… Running",
        RunStatus::Pending => "○ Not run",
    }
}

fn detail(o: &RunOutcome) -> String {
    let why = |default: &str| -> String {
        o.failure.as_deref().map_or(default.to_string(), |f| {
            format!("{default} — {}", one_line(f))
        })
    };
    match o.status {
        RunStatus::Done => o
            .recap
            .as_ref()
            .and_then(|r| r.one_liner.clone())
            .unwrap_or_else(|| "complete (the recap has no one-line summary)".into()),
        RunStatus::Failed => why("✗ failed"),
        RunStatus::Skipped => why("skipped"),
        RunStatus::AtGate => "⏸ waiting at a human gate".into(),
        RunStatus::Running | RunStatus::Checking | RunStatus::Merging => "still running".into(),
        RunStatus::Pending => "not run".into(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Stops at a human gate" with the gate tasks' kinds and names.
fn gate_note(run: &Run) -> Option<String> {
    if !run.has_gate() {
        return None;
    }
    let gates: Vec<String> = run
        .gates
        .iter()
        .map(|t| {
            let kind = t.gate.map_or("gate", |g| g.as_str());
            match &t.name {
                Some(n) => format!("{kind}: {}", n.trim_end_matches('.')),
                None => kind.to_string(),
            }
        })
        .collect();
    Some(if gates.is_empty() {
        "⏸ Stops at a human gate.".to_string()
    } else {
        format!("⏸ Stops at a human gate ({}).", gates.join("; "))
    })
}

/// A section of a recap in one line: its bold item titles (`**1. [Rule 3] x**`), else
/// its top-level list items, else its first paragraph.
fn highlights(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let bold: Vec<String> = lines
        .iter()
        .filter_map(|l| l.trim().strip_prefix("**")?.strip_suffix("**"))
        .map(|t| strip_number(t.trim()).to_string())
        .collect();
    let items: Vec<String> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("- ").or_else(|| l.strip_prefix("* ")))
        .map(|t| t.trim().to_string())
        .collect();
    let picked = if !bold.is_empty() {
        bold
    } else if !items.is_empty() {
        items
    } else {
        let para: Vec<&str> = lines
            .iter()
            .map(|l| l.trim())
            .skip_while(|l| l.is_empty() || l.starts_with('#'))
            .take_while(|l| !l.is_empty())
            .collect();
        vec![para.join(" ")]
    };
    picked.join("; ")
}

/// `1. text` → `text`.
fn strip_number(t: &str) -> &str {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    match t[digits..].strip_prefix(". ") {
        Some(rest) if digits > 0 => rest,
        _ => t,
    }
}

#[cfg(test)]
mod tests;

/// `batches` → `Batches`.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
