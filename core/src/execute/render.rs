//! Turning the machine's notices and progress into what people read and what
//! pulse.md records. Pure, so the CLI and the bindings show the same texts.

use super::{AfterRuns, Notice, Outcome, Progress, StageRun};
use crate::inventory::Run;
use crate::plan::Plan;
use crate::pulse::{self, Execution, PendingGate, PulseUpdate};
use crate::recap::{self, Recap};
use crate::report::{self, RunOutcome};
use crate::returns::GateReached;
use crate::run::RunId;

/// Why the stage stopped, for people: the same reason the `stage_completed` event and
/// pulse.md carry. `None` for outcomes whose reports already say everything.
pub fn stop_text(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Stopped { reason } => Some(format!(
            "Stopped: {}.",
            reason.trim_end().trim_end_matches('.')
        )),
        Outcome::Systemic { batch } => Some(format!(
            "Stopped: every run of batch {batch} failed — something systemic (git, permissions, the agent CLI), not one run's problem; fix it, then run the same command again."
        )),
        Outcome::Completed
        | Outcome::NothingToRun
        | Outcome::BatchDone { .. }
        | Outcome::GapsFound
        | Outcome::Incomplete => None,
    }
}

/// The seed's text for a notice; `None` for notices that only an event stream needs.
pub fn notice_text(notice: &Notice, state: &StageRun, plan: &Plan) -> Option<String> {
    let run = |id: &RunId| plan.runs.iter().find(|r| &r.id == id);
    Some(match notice {
        Notice::BatchStarted { batch, runs } => {
            let runs: Vec<&Run> = runs.iter().filter_map(run).collect();
            report::batch_description(*batch, &runs)
        }
        Notice::BatchCompleted { batch } => {
            let recaps: Vec<(&Run, Option<Recap>, Vec<String>)> = state
                .runs
                .iter()
                .filter(|r| r.batch == *batch)
                .filter_map(|r| {
                    let recap = parsed_recap(r.recap.as_deref(), &r.recap_path);
                    Some((run(&r.id)?, recap, super::evidence::unchanged(r)))
                })
                .collect();
            let done: Vec<(&Run, Option<&Recap>, &[String])> = recaps
                .iter()
                .map(|(r, c, u)| (*r, c.as_ref(), &u[..]))
                .collect();
            let next: Option<Vec<&Run>> = state.batches.iter().find(|b| **b > *batch).map(|b| {
                state
                    .runs
                    .iter()
                    .filter(|r| r.batch == *b)
                    .filter_map(|r| run(&r.id))
                    .collect()
            });
            report::batch_complete(*batch, &done, next.as_deref())
        }
        Notice::RunFailed { run, reason } => format!("✗ Run {run} failed: {reason}\n"),
        Notice::RunRetrying {
            run,
            reason,
            attempt,
            after_secs,
        } => format!(
            "↻ Run {run}: {reason}; starting it again in {after_secs} s (retry {attempt})\n"
        ),
        Notice::RunCompleted { .. } | Notice::GateResolved { .. } => return None,
        Notice::GateReached { run, .. } => {
            let gate = state.run(run)?.gate.as_ref()?;
            gate_text(gate, plan)
        }
        Notice::RunSkipped { run } => format!("– Run {run} skipped at its gate\n"),
        Notice::RunBlocked { run, by } => {
            format!("– Run {run} skipped: blocked by {by}, which did not complete (depends_on)\n")
        }
        Notice::Resumed { at } => {
            let v = state.settings.layout.vocab();
            let (word, s, r) = (v.stage_word, v.stage_lower(), v.run_lower());
            let stage = state.stage.number.unpadded();
            let proof = v.proof_word.to_lowercase();
            match at {
                AfterRuns::Finished => format!("{word} {stage} is already complete.\n"),
                AfterRuns::Audit => format!("Every {r} of {s} {stage} is complete, but its goal is not verified: the auditor runs.\n"),
                AfterRuns::Route { .. } => format!("Every {r} of {s} {stage} is complete and its {proof} is written: it is routed.\n"),
                AfterRuns::Commit => format!("{word} {stage} is marked complete but not committed: committing it.\n"),
            }
        }
        Notice::ContinuationResumed { run, response } => format!(
            "{run}: its gate was answered before renn stopped ({:?}); its continuation runs again.\n",
            response.text()
        ),
        Notice::StageSummary => report::aggregate(state.settings.layout.vocab(), &state.stage, &outcomes(state)),
        Notice::ProofRouted { proof } => {
            proof.render_markdown(&state.stage.number.unpadded(), &state.stage.title)
        }
        Notice::DocsCommitSkipped => {
            "Skipping planning docs commit (commit_docs: false)\n".to_string()
        }
    })
}

fn parsed_recap(text: Option<&str>, path: &str) -> Option<Recap> {
    recap::parse(path, text?).ok()
}

/// The seed's gate presentation: type, run, progress, then the agent's own Gate
/// Details and Awaiting sections, verbatim.
pub fn gate_text(gate: &GateReached, plan: &Plan) -> String {
    let name = plan
        .runs
        .iter()
        .find(|r| r.id == gate.run)
        .map(|r| r.summary.as_str())
        .unwrap_or_default();
    let kind = match gate.gate.as_str() {
        "human-verify" => "Human Verify",
        "decision" => "Decision",
        _ => "Human Action",
    };
    format!(
        "## Gate: {kind}\n\n**Run:** {} {name}\n**Progress:** {}/{} tasks complete\n**Task {}:** {}\n\n{}\n\n{}\n",
        gate.run, gate.tasks_done, gate.tasks_total, gate.current_task, gate.current_task_name, gate.details, gate.awaiting
    )
}

/// Every run of this execution as the aggregate report needs it.
pub fn outcomes(state: &StageRun) -> Vec<RunOutcome> {
    state
        .runs
        .iter()
        .map(|r| RunOutcome {
            id: r.id.clone(),
            batch: r.batch,
            status: r.status,
            recap: parsed_recap(r.recap.as_deref(), &r.recap_path),
            failure: r.failure.clone(),
            gates_passed: r.gates_passed,
        })
        .collect()
}

/// What pulse.md's Current Position and Execution State should say for `progress`.
pub fn pulse_update(
    progress: &Progress,
    state: &StageRun,
    track: Option<&str>,
    today: &str,
) -> PulseUpdate {
    let stage = &state.stage;
    let position = track.map_or_else(
        || format!("{} ({})", stage.number.unpadded(), stage.title),
        |t| pulse::stage_position(t, &stage.number),
    );
    let pending_gates = progress
        .pending_gates
        .iter()
        .map(|(run, g)| PendingGate {
            run: run.clone(),
            gate: g.gate,
            task: g.current_task,
            task_name: g.current_task_name.clone(),
            awaiting: g.awaiting.clone(),
            recorded: today.to_string(),
        })
        .collect();
    let vocab = state.settings.layout.vocab();
    let what = match (&progress.last_completed_run, progress.pending_gates.first()) {
        (_, Some((run, _))) => format!("{} {run} waiting at a gate", vocab.run_lower()),
        (Some(run), None) => format!("completed {run}"),
        (None, None) => progress.status.to_lowercase(),
    };
    PulseUpdate {
        stage: Some(position),
        run: Some(format!("{} of {}", progress.runs_done, progress.runs_total)),
        status: Some(progress.status.clone()),
        last_activity: Some(pulse::activity(today, &what)),
        progress: Some(pulse::percent(progress.runs_done, progress.runs_total)),
        execution: Some(Execution {
            last_completed_run: progress.last_completed_run.clone(),
            current_batch: progress.current_batch,
            pending_gates,
        }),
    }
}

impl StageRun {
    /// pulse.md with renn's lines set for the execution as it stands now: what a
    /// host writes for `Action::RecordProgress`. Every other byte is kept.
    pub fn pulse_text(&self, pulse_md: &str, track_md: Option<&str>, today: &str) -> String {
        let update = pulse_update(&super::progress(self), self, track_md, today);
        pulse::update(self.settings.layout.vocab(), pulse_md, &update)
    }

    /// track.md with this stage marked complete on `today`: what a host writes for
    /// `Action::UpdateTrack`. Runs outside this execution (already complete before
    /// it) count as complete too.
    pub fn track_text(&self, track_md: &str, today: &str) -> Result<String, crate::Diagnostic> {
        let runs: Vec<(RunId, bool)> = self
            .already_complete
            .iter()
            .chain(self.runs.iter().map(|r| &r.id))
            .map(|id| (id.clone(), true))
            .collect();
        crate::track::mark_stage_complete(
            self.settings.layout.vocab(),
            track_md,
            &self.stage.number,
            &runs,
            today,
        )
    }
}
