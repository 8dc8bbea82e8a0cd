//! The end of an execution: routing the proof, completing the stage (track, pulse,
//! the docs commit), finishing with an outcome, and the progress pulse.md records.

use super::*;
use crate::proof::{ProofStatus, Route};

pub(super) fn route_proof(
    state: &mut StageRun,
    proof: Result<Proof, String>,
    out: &mut Vec<Action>,
) {
    let proof = match proof {
        Ok(p) => p,
        Err(reason) => {
            return finish(
                state,
                Outcome::Stopped {
                    reason: format!("the proof cannot be read: {reason}"),
                },
                out,
            )
        }
    };
    state.proof_path = Some(proof.path.clone());
    let route = proof.route(&state.stage.number.unpadded());
    let status = proof.status;
    out.push(Action::Notify(Notice::ProofRouted { proof }));
    match (status, route) {
        (ProofStatus::Passed, _) => complete_stage(state, out),
        (_, Route::AskHuman { checklist }) => {
            state.phase = Phase::HumanVerification;
            out.push(Action::AskVerification { checklist });
        }
        _ => finish(state, Outcome::GapsFound, out),
    }
}

pub(super) fn complete_stage(state: &mut StageRun, out: &mut Vec<Action>) {
    out.push(Action::UpdateTrack);
    state.phase = Phase::Finished {
        outcome: Outcome::Completed,
    };
    out.push(Action::RecordProgress(progress(state)));
    if state.settings.commit_docs {
        let vocab = state.settings.layout.vocab();
        let message = format!(
            "docs({}): complete {} execution",
            vocab.commit_scope(&state.stage.number.to_string()),
            vocab.stage_lower(),
        );
        let mut files = vec![vocab.track.to_string(), vocab.pulse.to_string()];
        if state.settings.auditor {
            let proof = (state.proof_path.clone())
                .unwrap_or_else(|| crate::proof::path(vocab, &state.stage));
            files.push(proof);
        }
        let if_changed = vec![vocab.specs.to_string()];
        out.push(Action::Commit {
            files,
            if_changed,
            message,
        });
    } else {
        out.push(Action::Notify(Notice::DocsCommitSkipped));
    }
    out.push(Action::OfferNext);
    out.push(Action::Finish(Outcome::Completed));
}

pub(super) fn finish(state: &mut StageRun, outcome: Outcome, out: &mut Vec<Action>) {
    state.phase = Phase::Finished {
        outcome: outcome.clone(),
    };
    out.push(Action::RecordProgress(progress(state)));
    out.push(Action::Finish(outcome));
}

/// The position pulse.md should record now.
pub fn progress(state: &StageRun) -> Progress {
    let done = state
        .runs
        .iter()
        .filter(|r| r.status == RunStatus::Done)
        .count();
    let current_batch = match &state.phase {
        Phase::Batch { index } | Phase::FailureChoice { index } => Some(state.batches[*index]),
        _ => None,
    };
    // In the project's words: GSD's STATE.md says `Phase complete`, `Executing wave 2`.
    let vocab = state.settings.layout.vocab();
    let (stage, stage_lower) = (vocab.stage_word, vocab.stage_lower());
    let (batch, batch_lower) = (vocab.batch_word, vocab.batch_word.to_lowercase());
    let runs = format!("{}s", vocab.run_lower());
    let status = match &state.phase {
        Phase::Ready => "Ready to execute".to_string(),
        Phase::Batch { .. } => format!(
            "Executing {batch_lower} {}",
            current_batch.unwrap_or_default()
        ),
        Phase::FailureChoice { .. } => format!("Paused after a failed {}", vocab.run_lower()),
        Phase::Auditing | Phase::ReadingProof => format!("Verifying {stage_lower} goal"),
        Phase::HumanVerification => "Awaiting human verification".to_string(),
        Phase::Finished { outcome } => match outcome {
            Outcome::Completed => format!("{stage} complete"),
            Outcome::NothingToRun => "Nothing to run".to_string(),
            Outcome::BatchDone { batch: b } => format!("{batch} {b} executed"),
            Outcome::GapsFound => "Gaps found; plan gap closure".to_string(),
            Outcome::Incomplete => format!("Executed with failed or skipped {runs}"),
            Outcome::Systemic { batch: b } => {
                format!(
                    "Stopped: every {} of {batch_lower} {b} failed",
                    vocab.run_lower()
                )
            }
            Outcome::Stopped { reason } => format!("Stopped: {reason}"),
        },
    };
    Progress {
        current_batch,
        last_completed_run: state.last_completed.clone(),
        runs_done: state.already_complete.len() + done,
        runs_total: state.already_complete.len() + state.not_selected + state.runs.len(),
        pending_gates: state
            .runs
            .iter()
            .filter_map(|r| Some((r.id.clone(), r.gate.clone()?)))
            .collect(),
        status,
    }
}
