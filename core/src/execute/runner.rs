//! What a runner's end means for its run: a failure (retried when the API turned it
//! away), a gate, or a RUN COMPLETE whose evidence is judged before the run is done —
//! and failing a run, which sets it aside.

use super::conclude::{finish, progress};
use super::evidence;
use super::step::{advance, describe_exit};
use super::*;
use crate::returns::{self, AgentReturn};

/// A runner that did not exit cleanly: the run fails with the agent's own last lines —
/// unless the API turned it away for the moment (it starts again after a backoff), or
/// the agent cannot authenticate (the stage stops: every run would fail the same way).
pub(super) fn runner_failed(
    state: &mut StageRun,
    r: usize,
    output: &str,
    stderr: &str,
    exit: &Exit,
    out: &mut Vec<Action>,
) {
    let why = failure::diagnose(output, stderr);
    let reason = with_last_lines(format!("the runner {}", describe_exit(exit)), &why);
    let api = why.api.filter(|_| matches!(exit, Exit::Failed { .. }));
    match api {
        Some(api) if api.is_transient() && retry(state, r, &reason, out) => {}
        Some(api) if !api.is_transient() => {
            fail(state, r, reason.clone(), out);
            let reason = format!(
                "{}: {reason} — fix the agent's login or API key, then run the same command again",
                api.describe()
            );
            finish(state, Outcome::Stopped { reason }, out);
        }
        _ => {
            fail(state, r, reason, out);
            advance(state, out);
        }
    }
}

/// Starts the run's runner again after the backoff, when retries are left.
fn retry(state: &mut StageRun, r: usize, reason: &str, out: &mut Vec<Action>) -> bool {
    let policy = state.settings.retries;
    let run = &mut state.runs[r];
    if run.retries >= policy.attempts {
        return false;
    }
    run.retries += 1;
    let after_secs = policy.backoff(run.retries);
    out.push(Action::Notify(Notice::RunRetrying {
        run: run.id.clone(),
        reason: reason.to_string(),
        attempt: run.retries,
        after_secs,
    }));
    out.push(Action::SpawnRunner {
        run: run.id.clone(),
        prompt: run.prompt.clone().unwrap_or(PromptSpec::Runner),
        after_secs,
    });
    true
}

pub(super) fn with_last_lines(reason: String, why: &failure::Diagnosis) -> String {
    if why.last_lines.is_empty() {
        reason
    } else {
        format!("{reason}: {}", why.last_lines.join(" / "))
    }
}

pub(super) fn runner_exited(state: &mut StageRun, r: usize, output: &str, out: &mut Vec<Action>) {
    let id = state.runs[r].id.clone();
    match returns::parse(output) {
        Err(why) => fail(state, r, why.to_string(), out),
        Ok(AgentReturn::Complete(c)) if c.run != id => fail(
            state,
            r,
            format!(
                "the runner reported RUN COMPLETE for {} instead of {id}",
                c.run
            ),
            out,
        ),
        Ok(AgentReturn::Gate(g)) if g.run != id => fail(
            state,
            r,
            format!("the runner reported a gate for {} instead of {id}", g.run),
            out,
        ),
        Ok(AgentReturn::Complete(c)) => {
            let run = &state.runs[r];
            let rows = evidence::rows_for(&run.tasks, &c.tasks, &run.earlier_rows);
            let problems = evidence::claim_problems(&c, &run.tasks, &rows);
            if !problems.is_empty() {
                return fail(state, r, unbelieved(&problems), out);
            }
            let run = &mut state.runs[r];
            run.rows = rows.into_iter().flatten().collect();
            run.status = RunStatus::Checking;
            out.push(Action::CheckEvidence {
                run: id,
                recap_path: run.recap_path.clone(),
                commits: evidence::commits(&run.rows),
            });
        }
        Ok(AgentReturn::Gate(g)) => {
            evidence::remember_rows(&mut state.runs[r].earlier_rows, &g.completed);
            state.runs[r].status = RunStatus::AtGate;
            state.runs[r].gate = Some(g.clone());
            out.push(Action::Notify(Notice::GateReached {
                run: id.clone(),
                gate: g.gate,
            }));
            out.push(Action::RecordProgress(progress(state)));
            out.push(Action::AskGate { run: id, gate: g });
        }
    }
}

/// A runner's claim is believed only with evidence: the recap, and for every task a
/// commit this run made or a no-changes reason the recap repeats. A run on a branch of
/// its own is judged before that branch is merged — first whether the branch still
/// builds on its fork (a reset explains every other missing fact) — and is done only
/// once it is merged: nothing of a run that is not believed reaches the stage.
pub(super) fn checked(
    state: &mut StageRun,
    r: usize,
    (recap, missing, outside): (Option<String>, &[String], &[String]),
    branch: Option<RunBranch>,
    out: &mut Vec<Action>,
) {
    if let Some(why) = branch.as_ref().and_then(RunBranch::problem) {
        return fail(state, r, why, out);
    }
    let problems = evidence::fact_problems(&state.runs[r], recap.as_deref(), missing, outside);
    if !problems.is_empty() {
        return fail(state, r, unbelieved(&problems), out);
    }
    state.runs[r].recap = recap;
    match branch {
        Some(branch) => {
            state.runs[r].status = RunStatus::Merging;
            out.push(Action::MergeBack {
                run: state.runs[r].id.clone(),
                branch: branch.name,
            });
        }
        None => done(state, r, out),
    }
}

pub(super) fn done(state: &mut StageRun, r: usize, out: &mut Vec<Action>) {
    let run = &mut state.runs[r];
    run.status = RunStatus::Done;
    state.last_completed = Some(run.id.clone());
    out.push(Action::Notify(Notice::RunCompleted {
        run: run.id.clone(),
    }));
    out.push(Action::RecordProgress(progress(state)));
}

fn unbelieved(problems: &[String]) -> String {
    format!("the runner said RUN COMPLETE but {}", problems.join("; "))
}

pub(super) fn fail(state: &mut StageRun, r: usize, reason: String, out: &mut Vec<Action>) {
    let run = &mut state.runs[r];
    run.status = RunStatus::Failed;
    run.gate = None;
    run.failure = Some(reason.clone());
    out.push(Action::Notify(Notice::RunFailed {
        run: run.id.clone(),
        reason,
    }));
    // A failed run starts afresh next time: its recap, wherever it is, must not make it
    // count as complete (only a recap's existence decides that).
    out.push(Action::SetAside {
        run: run.id.clone(),
        recap_path: run.recap_path.clone(),
        rejected_path: crate::recap::rejected_path(&run.recap_path),
    });
}
