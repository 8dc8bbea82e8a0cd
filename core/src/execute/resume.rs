//! Where a stage stands once every run has its recap, decided from what is on disk. An
//! execution interrupted after the last recap — Ctrl-C during the auditor, a `kill -9`
//! before the docs commit — must not leave the stage unfinished for ever: the next
//! execution has no run left to execute, so it resumes at the step that was cut short.

use super::step::{complete_stage, route_proof};
use super::{Action, Outcome, Phase, StageRun};
use crate::proof::Proof;
use serde::Serialize;

/// The step a stage whose runs are all complete resumes at.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// What the host found on disk about a stage whose runs are all complete.
#[derive(Debug, Clone, Default)]
pub struct StageOnDisk {
    /// The stage's proof, if one exists; `Err` when it cannot be read.
    pub proof: Option<Result<Proof, String>>,
    /// The proof is older than a recap: written before gap-closure runs, it judged
    /// another state of the stage.
    pub proof_predates_a_recap: bool,
    /// track.md marks the stage complete.
    pub marked: bool,
    /// The documents renn commits at the end (track, pulse, proof) have uncommitted
    /// changes (always false when renn does not commit them).
    pub docs_dirty: bool,
}

/// The step to resume at.
pub fn after_runs(disk: StageOnDisk) -> AfterRuns {
    match (disk.marked, disk.docs_dirty, disk.proof) {
        (true, false, _) => AfterRuns::Finished,
        (true, true, _) => AfterRuns::Commit,
        (false, _, Some(Ok(proof))) if !disk.proof_predates_a_recap => AfterRuns::Route { proof },
        (false, _, _) => AfterRuns::Audit,
    }
}

impl StageRun {
    /// The state and first actions of an execution that resumes after the runs: call it
    /// on a fresh [`StageRun`] of a plan with nothing left to run.
    pub fn resume_after_runs(mut self, at: AfterRuns) -> (StageRun, Vec<Action>) {
        let mut out = Vec::new();
        match at {
            AfterRuns::Finished => {
                self.phase = Phase::Finished {
                    outcome: Outcome::Completed,
                };
                out.extend([Action::OfferNext, Action::Finish(Outcome::Completed)]);
            }
            AfterRuns::Audit if self.settings.auditor => {
                self.phase = Phase::Auditing;
                out.push(Action::SpawnAuditor);
            }
            AfterRuns::Route { proof } => {
                self.phase = Phase::ReadingProof;
                route_proof(&mut self, Ok(proof), &mut out);
            }
            AfterRuns::Audit | AfterRuns::Commit => complete_stage(&mut self, &mut out),
        }
        (self, out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{plan_of, settings};
    use super::super::{Event, Exit, Settings};
    use super::*;
    use crate::proof;

    fn proof(status: &str) -> Option<Result<Proof, String>> {
        Some(proof::parse("p.md", &format!("---\nstatus: {status}\n---\n")).map_err(|d| d.message))
    }

    fn done_stage(settings: Settings) -> StageRun {
        StageRun::new(&plan_of(&[(1, 1), (2, 2)], &[1, 2]), settings)
    }

    fn disk(proof: Option<Result<Proof, String>>, marked: bool, docs_dirty: bool) -> StageOnDisk {
        StageOnDisk {
            proof,
            proof_predates_a_recap: false,
            marked,
            docs_dirty,
        }
    }

    #[test]
    fn the_facts_decide_the_step() {
        assert_eq!(after_runs(disk(None, false, false)), AfterRuns::Audit);
        assert_eq!(
            after_runs(disk(Some(Err("bad".into())), false, true)),
            AfterRuns::Audit
        );
        assert!(matches!(
            after_runs(disk(proof("passed"), false, false)),
            AfterRuns::Route { .. }
        ));
        assert_eq!(
            after_runs(disk(proof("passed"), true, true)),
            AfterRuns::Commit
        );
        assert_eq!(after_runs(disk(None, true, false)), AfterRuns::Finished);
        let stale = StageOnDisk {
            proof_predates_a_recap: true,
            ..disk(proof("gaps_found"), false, false)
        };
        assert_eq!(
            after_runs(stale),
            AfterRuns::Audit,
            "gap closure ran after that proof"
        );
    }

    #[test]
    fn an_interrupted_auditor_runs_again_and_the_stage_completes() {
        let (state, actions) = done_stage(settings()).resume_after_runs(AfterRuns::Audit);
        assert_eq!(actions, [Action::SpawnAuditor]);
        let (state, actions) = super::super::next(
            state,
            Event::AuditorExited {
                output: String::new(),
                exit: Exit::Success,
                stderr: String::new(),
            },
        )
        .unwrap();
        assert_eq!(actions, [Action::ReadProof]);
        let (_, actions) = super::super::next(
            state,
            Event::ProofRead {
                proof: proof("passed").unwrap(),
            },
        )
        .unwrap();
        assert!(actions.contains(&Action::UpdateTrack));
        assert!(actions.iter().any(|a| matches!(a, Action::Commit { .. })));
    }

    #[test]
    fn a_proof_written_before_the_kill_is_routed_not_audited_again() {
        let (_, actions) = done_stage(settings()).resume_after_runs(after_runs(disk(
            proof("passed"),
            false,
            false,
        )));
        assert!(!actions.contains(&Action::SpawnAuditor));
        assert!(actions.contains(&Action::UpdateTrack));
        assert!(actions.contains(&Action::Finish(Outcome::Completed)));
        let (state, actions) = done_stage(settings()).resume_after_runs(after_runs(disk(
            proof("human_needed"),
            false,
            false,
        )));
        assert!(actions
            .iter()
            .any(|a| matches!(a, Action::AskVerification { .. })));
        assert_eq!(state.phase, Phase::HumanVerification);
    }

    #[test]
    fn a_marked_but_uncommitted_stage_is_committed_and_a_finished_one_left_alone() {
        let (_, actions) = done_stage(settings()).resume_after_runs(AfterRuns::Commit);
        assert!(actions.iter().any(|a| matches!(a, Action::Commit { .. })));
        let (_, actions) = done_stage(settings()).resume_after_runs(AfterRuns::Finished);
        assert_eq!(
            actions,
            [Action::OfferNext, Action::Finish(Outcome::Completed)]
        );
        let no_auditor = Settings {
            auditor: false,
            ..settings()
        };
        let (_, actions) = done_stage(no_auditor).resume_after_runs(AfterRuns::Audit);
        assert!(actions.contains(&Action::UpdateTrack) && !actions.contains(&Action::SpawnAuditor));
    }
}
