//! Where an execution picks up, decided from what is on disk (docs/spec.md,
//! "Resumption"). The host reads the files and a few facts only it can know; this
//! module decides. Runs with recaps are skipped (the plan already did that); a gate an
//! earlier execution stopped at is asked again, or, when the user had answered it, its
//! continuation starts with that answer; a stage whose runs are all complete resumes at
//! the step that was cut short — Ctrl-C during the auditor, a `kill -9` before the docs
//! commit must not leave it unfinished for ever.

use super::conclude::{complete_stage, route_proof};
use super::{Action, Notice, Outcome, Phase, Settings, StageRun};
use crate::code::Code;
use crate::gate::{GateRecord, GateResponse};
use crate::plan::Plan;
use crate::proof::{self, Proof};
use crate::track;
use serde::{Deserialize, Serialize};

/// The step a stage whose runs are all complete resumes at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum AfterRuns {
    /// The track marks the stage complete and its documents are committed.
    Finished,
    /// No readable proof: the auditor checks the stage goal (with the auditor off,
    /// the stage completes).
    Audit,
    /// The proof the auditor wrote is routed again: passed → track, pulse, commit;
    /// human_needed → the checklist; gaps_found → gap closure.
    Route { proof: Proof },
    /// The track marks the stage complete but its documents are not committed.
    Commit,
}

/// What `--respond` names to answer the proof's human verification.
pub const VERIFICATION: &str = "verification";

/// A file of the stage as the host found it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct FileOnDisk {
    /// Project-relative path.
    pub path: String,
    pub text: String,
}

/// What the host found on disk about the stage: texts, and facts only it can know.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(default)]
pub struct StageOnDisk {
    /// The gate records (`NN-MM-gate.md`, [`GateRecord`]) of the stage's runs.
    pub gates: Vec<FileOnDisk>,
    /// The stage's proof, if one exists and could be read: `NN-proof.md`, else the
    /// stage's one `*-proof.md` ([`proof::locate`]).
    pub proof: Option<FileOnDisk>,
    /// track.md.
    pub track: Option<String>,
    /// The proof is older than a recap: written before gap-closure runs, it judged
    /// another state of the stage.
    pub proof_predates_a_recap: bool,
    /// The documents renn commits at the end (track, pulse, proof) have uncommitted
    /// changes (always false when renn does not commit them).
    pub docs_dirty: bool,
}

impl StageOnDisk {
    /// What a binding's host found on disk, handed in as plain data.
    pub fn from_json(value: serde_json::Value) -> Result<Self, crate::Error> {
        serde_json::from_value(value).map_err(|e| {
            crate::Diagnostic::error(Code::BadOnDisk, format!("not what a stage has on disk: {e}"))
                .with_hint("{gates: [{path, text}], proof: {path, text} | null, track: string | null, proof_predates_a_recap: bool, docs_dirty: bool}, every key optional")
                .into()
        })
    }
}

/// The starting state of an execution of `plan`, from what is on disk: drive it with
/// [`super::next`] and `Start` like any new execution. Recorded gates are set on their
/// runs; a stage whose runs are all complete starts at the step that was cut short
/// ([`StageRun::after_runs`]); a plan with nothing to run finishes at once.
pub fn resume(plan: &Plan, settings: Settings, disk: &StageOnDisk) -> StageRun {
    let all_done = plan.batches.is_empty()
        && !plan.runs.is_empty()
        && plan.runs.iter().all(|r| r.complete)
        && settings.only_batch.is_none();
    let mut state = StageRun::new(plan, settings);
    state.proof_path = disk.proof.as_ref().map(|f| f.path.clone());
    if all_done {
        state.after_runs = Some(after_runs(plan, disk));
        return state;
    }
    for file in &disk.gates {
        let record = GateRecord::parse(&file.text);
        let run = state
            .runs
            .iter()
            .find(|r| GateRecord::path(&plan.stage.dir, &r.id) == file.path && r.gate.is_none());
        let Some(gate) = run.and_then(|r| record.gate(&r.id)) else {
            continue;
        };
        let answer = (record.answer.as_deref()).and_then(|a| GateResponse::interpret(gate.gate, a));
        state = state.with_recorded_gate(gate, answer);
    }
    state
}

/// The step a stage whose runs are all complete resumes at.
pub fn after_runs(plan: &Plan, disk: &StageOnDisk) -> AfterRuns {
    let marked = disk.track.as_deref().is_some_and(|t| {
        track::stages(t)
            .iter()
            .any(|s| s.number == plan.stage.number && s.complete)
    });
    let proof = (disk.proof.as_ref())
        .filter(|_| !disk.proof_predates_a_recap)
        .and_then(|f| proof::parse(&f.path, &f.text).ok());
    match (marked, disk.docs_dirty, proof) {
        (true, false, _) => AfterRuns::Finished,
        (true, true, _) => AfterRuns::Commit,
        (false, _, Some(proof)) => AfterRuns::Route { proof },
        (false, _, None) => AfterRuns::Audit,
    }
}

impl StageRun {
    /// Whether `Start` has anything to do: runs to execute, or a step after them.
    pub fn has_work(&self) -> bool {
        self.after_runs.is_some() || !self.batches.is_empty()
    }

    /// What waits for the user's answer: runs at a recorded gate, and `verification`
    /// when the proof's human checks wait.
    pub fn awaiting_answers(&self) -> Vec<String> {
        let mut waiting: Vec<String> = (self.runs.iter())
            .filter(|r| r.status == super::RunStatus::AtGate)
            .map(|r| r.id.to_string())
            .collect();
        if let Some(AfterRuns::Route { proof }) = &self.after_runs {
            let asks = matches!(
                proof.route(&self.stage.number.unpadded()),
                proof::Route::AskHuman { .. }
            );
            if asks && proof.status != proof::ProofStatus::Passed {
                waiting.push(VERIFICATION.into());
            }
        }
        waiting
    }

    /// `--respond TARGET …` must answer something that waits (a run id, or
    /// `verification`): an answer for nothing would be dropped while the stage runs.
    pub fn check_answer_for(&self, target: &str) -> Result<(), crate::Diagnostic> {
        let waiting = self.awaiting_answers();
        let normalised = match crate::run::RunId::parse(target) {
            Some(id) => id.to_string(),
            None if target == VERIFICATION => target.to_string(),
            None => {
                return Err(crate::Diagnostic::error(
                    Code::BadRespond,
                    format!("'{target}' is neither a run id (such as 03-02) nor `verification`"),
                ))
            }
        };
        if waiting.contains(&normalised) {
            return Ok(());
        }
        let hint = match waiting.is_empty() {
            true => "nothing waits for an answer: run the stage without --respond".to_string(),
            false => format!("waiting for an answer: {}", waiting.join(", ")),
        };
        let what = match normalised == VERIFICATION {
            true => "the proof has no human verification waiting".to_string(),
            false => format!("run {normalised} has no gate waiting for an answer"),
        };
        Err(crate::Diagnostic::error(Code::RespondNotWaiting, what).with_hint(hint))
    }

    /// Whether the execution will start agents: runners, or the auditor (the host
    /// checks that it may run the agent command first).
    pub fn starts_agents(&self) -> bool {
        match &self.after_runs {
            None => !self.batches.is_empty(),
            Some(at) => *at == AfterRuns::Audit && self.settings.auditor,
        }
    }

    /// A gate an earlier execution stopped at, with the user's answer if they gave
    /// one: unanswered, it is asked again when its batch starts; answered, its
    /// continuation starts with that answer.
    pub fn with_recorded_gate(
        mut self,
        gate: crate::returns::GateReached,
        answer: Option<GateResponse>,
    ) -> Self {
        let Some(r) = self.runs.iter_mut().find(|r| r.id == gate.run) else {
            return self;
        };
        r.spawns = 1;
        super::evidence::remember_rows(&mut r.earlier_rows, &gate.completed);
        match answer {
            None => {
                r.status = super::RunStatus::AtGate;
                r.gate = Some(gate);
            }
            Some(response) => {
                r.gates_passed += 1;
                r.resume = Some((gate, response));
            }
        }
        self
    }
}

/// `Start` of an execution whose runs were all complete before it began.
pub(super) fn start_after_runs(state: &mut StageRun, at: AfterRuns, out: &mut Vec<Action>) {
    out.push(Action::Notify(Notice::Resumed { at: at.clone() }));
    match at {
        AfterRuns::Finished => {
            state.phase = Phase::Finished {
                outcome: Outcome::Completed,
            };
            out.extend([Action::OfferNext, Action::Finish(Outcome::Completed)]);
        }
        AfterRuns::Audit if state.settings.auditor => {
            state.phase = Phase::Auditing;
            out.push(Action::SpawnAuditor);
        }
        AfterRuns::Route { proof } => {
            state.phase = Phase::ReadingProof;
            route_proof(state, Ok(proof), out);
        }
        AfterRuns::Audit | AfterRuns::Commit => complete_stage(state, out),
    }
}
