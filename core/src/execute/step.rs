//! The transitions. Each event handler checks that the event fits the state, changes
//! the state, and returns what the host must do; `advance` then moves batches along.

use super::conclude::{complete_stage, finish, progress, route_proof};
use super::runner::{checked, done, fail, runner_exited, runner_failed, with_last_lines};
use super::*;

type Step = Result<(StageRun, Vec<Action>), Rejected>;

/// Applies `event` to `state`. An event that does not fit the state is rejected and
/// the state is unchanged (the caller keeps its copy).
pub fn next(mut state: StageRun, event: Event) -> Step {
    let mut out = Vec::new();
    if state.is_finished() {
        return reject(&event, "the stage execution has finished");
    }
    let choice = choice_of(&event);
    apply(&mut state, event, &mut out)?;
    // Only answers the state accepted are part of the record.
    state.choices.extend(choice);
    Ok((state, out))
}

fn choice_of(event: &Event) -> Option<Choice> {
    Some(match event {
        Event::GateAnswered { run, response } => Choice::Gate {
            run: run.clone(),
            response: response.clone(),
        },
        Event::GateUnresolved { run, give_up } => Choice::GiveUp {
            run: run.clone(),
            give_up: *give_up,
        },
        Event::FailureChosen { choice } => Choice::AfterFailure { choice: *choice },
        Event::HumanVerified { verification } => Choice::Verification {
            verification: verification.clone(),
        },
        _ => return None,
    })
}

fn apply(state: &mut StageRun, event: Event, out: &mut Vec<Action>) -> Result<(), Rejected> {
    match event {
        Event::Start => start(state, out).map_err(|r| rejected("start", r))?,
        Event::RunnerExited {
            run,
            output,
            exit,
            stderr,
        } => {
            let r = active(state, &run, RunStatus::Running, "runner_exited")?;
            if exit != Exit::Success {
                runner_failed(state, r, &output, &stderr, &exit, out);
                return Ok(());
            }
            runner_exited(state, r, &output, out);
        }
        Event::Evidence {
            run,
            recap,
            missing_commits,
            outside_run,
            branch,
        } => {
            let r = active(state, &run, RunStatus::Checking, "evidence")?;
            let facts = (recap, &missing_commits[..], &outside_run[..]);
            checked(state, r, facts, branch, out);
        }
        Event::Merged { run } => {
            let r = active(state, &run, RunStatus::Merging, "merged")?;
            done(state, r, out);
        }
        Event::RunnerOverstepped { run, reason } => {
            let r = active(state, &run, RunStatus::Running, "runner_overstepped")?;
            fail(state, r, reason, out);
        }
        Event::MergeConflict { run, branch, files } => {
            let r = active(state, &run, RunStatus::Merging, "merge_conflict")?;
            let reason = format!(
                "merging its branch {branch} back conflicts in {}; the branch is kept for you",
                files.join(", ")
            );
            fail(state, r, reason, out);
        }
        Event::GateAnswered { run, response } => {
            let r = active(state, &run, RunStatus::AtGate, "gate_answered")?;
            // The continuation waits for a free slot like any run: answering a gate
            // must not put a second agent beside a sequential batch's running one.
            let gate = state.runs[r]
                .gate
                .take()
                .expect("a run at a gate has its gate");
            let run_state = &mut state.runs[r];
            run_state.status = RunStatus::Pending;
            run_state.gates_passed += 1;
            run_state.resume = Some((gate, response.clone()));
            out.push(Action::Notify(Notice::GateResolved { run, response }));
            out.push(Action::RecordProgress(progress(state)));
        }
        Event::GateUnresolved { run, give_up } => {
            let r = active(state, &run, RunStatus::AtGate, "gate_unresolved")?;
            state.runs[r].gate = None;
            match give_up {
                GiveUp::Skip => {
                    state.runs[r].status = RunStatus::Skipped;
                    out.push(Action::Notify(Notice::RunSkipped { run }));
                }
                GiveUp::Abort => {
                    state.runs[r].status = RunStatus::Skipped;
                    finish(
                        state,
                        Outcome::Stopped {
                            reason: format!("aborted at the gate of run {run}"),
                        },
                        out,
                    );
                    return Ok(());
                }
            }
        }
        Event::FailureChosen { choice } => {
            let Phase::FailureChoice { index } = state.phase else {
                return Err(rejected(
                    "failure_chosen",
                    "no failure question is open".into(),
                ));
            };
            match choice {
                FailureChoice::Retry => {
                    state.phase = Phase::Batch { index };
                    let batch = state.batches[index];
                    for r in state.runs.iter_mut() {
                        if r.batch == batch && r.status == RunStatus::Failed {
                            r.status = RunStatus::Pending;
                            r.failure = None;
                            r.retries = 0;
                        }
                    }
                    advance(state, out);
                }
                FailureChoice::Continue => next_batch(state, index, out),
                FailureChoice::Stop => finish(
                    state,
                    Outcome::Stopped {
                        reason: "stopped after a failed run".into(),
                    },
                    out,
                ),
            }
            return Ok(());
        }
        Event::AuditorExited {
            exit,
            output,
            stderr,
        } => {
            if state.phase != Phase::Auditing {
                return Err(rejected("auditor_exited", "no auditor is running".into()));
            }
            if exit == Exit::Success {
                state.phase = Phase::ReadingProof;
                out.push(Action::ReadProof);
            } else {
                let why = failure::diagnose(&output, &stderr);
                let reason = with_last_lines(format!("the auditor {}", describe_exit(&exit)), &why);
                finish(state, Outcome::Stopped { reason }, out);
            }
            return Ok(());
        }
        Event::ProofRead { proof } => {
            if state.phase != Phase::ReadingProof {
                return Err(rejected("proof_read", "no proof is expected".into()));
            }
            route_proof(state, proof, out);
            return Ok(());
        }
        Event::HumanVerified { verification } => {
            if state.phase != Phase::HumanVerification {
                return Err(rejected("human_verified", "no verification is open".into()));
            }
            match verification {
                Verification::Approved => complete_stage(state, out),
                Verification::Issues(_) => finish(state, Outcome::GapsFound, out),
            }
            return Ok(());
        }
    }
    advance(state, out);
    Ok(())
}

fn rejected(event: &str, reason: String) -> Rejected {
    Rejected {
        event: event.into(),
        reason,
    }
}

fn reject(event: &Event, reason: &str) -> Step {
    let name = serde_json::to_value(event)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str().map(str::to_string)))
        .unwrap_or_default();
    Err(rejected(&name, reason.into()))
}

/// The index of `run` when it is in the current batch with the `expected` status.
fn active(
    state: &StageRun,
    run: &RunId,
    expected: RunStatus,
    event: &str,
) -> Result<usize, Rejected> {
    let index = state
        .runs
        .iter()
        .position(|r| &r.id == run)
        .ok_or_else(|| rejected(event, format!("run {run} is not part of this execution")))?;
    let status = state.runs[index].status;
    if status != expected || !matches!(state.phase, Phase::Batch { .. }) {
        return Err(rejected(
            event,
            format!("run {run} is {status:?}, not {expected:?}"),
        ));
    }
    Ok(index)
}

fn start(state: &mut StageRun, out: &mut Vec<Action>) -> Result<(), String> {
    if state.phase != Phase::Ready {
        return Err("already started".into());
    }
    if let Some(at) = state.after_runs.clone() {
        super::resume::start_after_runs(state, at, out);
        return Ok(());
    }
    if state.batches.is_empty() {
        // Nothing happened, so nothing is recorded.
        state.phase = Phase::Finished {
            outcome: Outcome::NothingToRun,
        };
        out.push(Action::Finish(Outcome::NothingToRun));
        return Ok(());
    }
    begin_batch(state, 0, out);
    Ok(())
}

fn begin_batch(state: &mut StageRun, index: usize, out: &mut Vec<Action>) {
    state.phase = Phase::Batch { index };
    let batch = state.batches[index];
    let runs = state
        .runs
        .iter()
        .filter(|r| r.batch == batch)
        .map(|r| r.id.clone())
        .collect();
    out.push(Action::Notify(Notice::BatchStarted { batch, runs }));
    block_dependents(state, batch, out);
    // Gates answered before an interrupted execution ended: their continuations go on.
    for r in state.runs.iter().filter(|r| r.batch == batch) {
        if let (RunStatus::Pending, Some((_, response))) = (r.status, &r.resume) {
            out.push(Action::Notify(Notice::ContinuationResumed {
                run: r.id.clone(),
                response: response.clone(),
            }));
        }
    }
    out.push(Action::RecordProgress(progress(state)));
    // Gates recorded by an interrupted execution are asked again, not re-run.
    for r in state
        .runs
        .iter()
        .filter(|r| r.batch == batch && r.status == RunStatus::AtGate)
    {
        let gate = r.gate.clone().expect("a run at a gate has its gate");
        out.push(Action::AskGate {
            run: r.id.clone(),
            gate,
        });
    }
}

/// Skips the runs of `batch` that depend on a run that failed or was skipped: the
/// workflow's "skip dependent runs entirely" — they need work that is not there.
fn block_dependents(state: &mut StageRun, batch: u32, out: &mut Vec<Action>) {
    for i in 0..state.runs.len() {
        let r = &state.runs[i];
        if r.batch != batch || r.status != RunStatus::Pending {
            continue;
        }
        let by = r.depends_on.iter().find(|d| {
            state
                .run(d)
                .is_some_and(|dep| matches!(dep.status, RunStatus::Failed | RunStatus::Skipped))
        });
        if let Some(by) = by.cloned() {
            let run = &mut state.runs[i];
            run.status = RunStatus::Skipped;
            run.resume = None;
            run.failure = Some(format!("blocked by {by}, which did not complete"));
            out.push(Action::Notify(Notice::RunBlocked {
                run: run.id.clone(),
                by,
            }));
        }
    }
}

/// Starts runners while there is room, and concludes the batch once every run in it
/// has settled. A run waiting at a gate holds no slot: no agent is working on it.
pub(super) fn advance(state: &mut StageRun, out: &mut Vec<Action>) {
    let Phase::Batch { index } = state.phase else {
        return;
    };
    let batch = state.batches[index];
    let limit = match (state.settings.parallel, state.settings.max_concurrent) {
        (false, _) => 1,
        (true, Some(n)) => n.max(1) as usize,
        (true, None) => usize::MAX,
    };
    let active = state.runs.iter().filter(|r| r.status.is_active()).count();
    // Resumed gates first: a user is waiting on them.
    let mut queue: Vec<usize> = (0..state.runs.len())
        .filter(|&i| state.runs[i].batch == batch && state.runs[i].status == RunStatus::Pending)
        .collect();
    queue.sort_by_key(|&i| state.runs[i].resume.is_none());
    for i in queue.into_iter().take(limit.saturating_sub(active)) {
        let run = &mut state.runs[i];
        run.status = RunStatus::Running;
        run.spawns += 1;
        let prompt = match run.resume.take() {
            Some((gate, response)) => PromptSpec::Continuation { gate, response },
            None => PromptSpec::Runner,
        };
        run.prompt = Some(prompt.clone());
        out.push(Action::SpawnRunner {
            run: run.id.clone(),
            prompt,
            after_secs: 0,
        });
    }
    let in_batch = || state.runs.iter().filter(|r| r.batch == batch);
    if !in_batch().all(|r| r.status.is_settled()) {
        return;
    }
    let failed: Vec<(RunId, String)> = in_batch()
        .filter(|r| r.status == RunStatus::Failed)
        .map(|r| (r.id.clone(), r.failure.clone().unwrap_or_default()))
        .collect();
    let size = in_batch().count();
    if failed.is_empty() {
        out.push(Action::Notify(Notice::BatchCompleted { batch }));
        return next_batch(state, index, out);
    }
    // One failure is a run's problem; every run of a (multi-run) batch failing is the
    // environment's — git, permissions, the agent CLI — and going on would only repeat it.
    if size > 1 && failed.len() == size {
        return finish(state, Outcome::Systemic { batch }, out);
    }
    match state.settings.on_failure {
        OnFailure::Continue => next_batch(state, index, out),
        OnFailure::Stop => finish(
            state,
            Outcome::Stopped {
                reason: format!("run {} failed", failed[0].0),
            },
            out,
        ),
        OnFailure::Ask => {
            state.phase = Phase::FailureChoice { index };
            out.push(Action::AskFailure { failed });
        }
    }
}

fn next_batch(state: &mut StageRun, index: usize, out: &mut Vec<Action>) {
    if let Some(batch) = state.settings.only_batch {
        return finish(state, Outcome::BatchDone { batch }, out);
    }
    if index + 1 < state.batches.len() {
        begin_batch(state, index + 1, out);
        return advance(state, out);
    }
    out.push(Action::Notify(Notice::StageSummary));
    let all_done =
        state.not_selected == 0 && state.runs.iter().all(|r| r.status == RunStatus::Done);
    if !all_done {
        return finish(state, Outcome::Incomplete, out);
    }
    if state.settings.auditor {
        state.phase = Phase::Auditing;
        out.push(Action::SpawnAuditor);
    } else {
        complete_stage(state, out);
    }
}

pub(super) fn describe_exit(exit: &Exit) -> String {
    match exit {
        Exit::Success => "succeeded".into(),
        Exit::Failed { code: Some(c) } => format!("exited with status {c}"),
        Exit::Failed { code: None } => "was killed by a signal".into(),
        Exit::TimedOut { seconds } => format!("timed out after {seconds} s"),
    }
}
