//! `Project.runStage`: a whole stage executed on renn-host, the CLI's own host
//! (agents, worktrees, git, gates, resume), its events handed to JavaScript as the
//! objects `renn --json run-stage` prints. `index.js` turns the native handle into
//! the documented one (`onEvent`, `done`).

use crate::convert::{self, Json};
use crate::error::OrThrow;
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;
use renn_host::drive::{Options, Session, SessionEvent};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long one `next()` waits on a libuv worker before handing back `null`: short,
/// so a stage waiting hours at a gate does not hold a worker all that time.
const WAIT: Duration = Duration::from_millis(250);

#[napi(object)]
pub struct RunStageOptions {
    /// Only the runs with `gap_closure: true`.
    pub gaps_only: Option<bool>,
    /// Execute this batch only.
    pub only_batch: Option<u32>,
    /// `"ask"` (a `question` event), `"continue"` or `"stop"` when a run fails.
    pub on_failure: Option<String>,
    /// Questions come as `question` events and wait for `respond()` (default). With
    /// `false` a gate pauses the stage (`awaiting_response`) as `renn --json` does.
    pub interactive: Option<bool>,
    /// The answer to a gate recorded by an earlier execution: `[runId, answer]`
    /// (or `["verification", answer]`), as `renn run-stage --respond`.
    pub respond: Option<Vec<String>>,
    /// Run the project's own agent command and remember that (`--trust`).
    pub trust: Option<bool>,
    /// Accept renn's default where it would ask (`--yes`).
    pub yes: Option<bool>,
    /// Plan only (`--dry-run`).
    pub dry_run: Option<bool>,
    /// The `renn` program `{renn}` names in agent command lines (default: `renn` on
    /// PATH).
    pub renn: Option<String>,
    /// "Today" for pulse.md and track.md, YYYY-MM-DD (default: the clock, UTC).
    pub today: Option<String>,
}

/// A stage being executed. `respond()` answers the open `question`; `stop()` stops it
/// as Ctrl-C stops the CLI (agents stopped, resumable).
#[napi]
pub struct StageRun {
    session: Arc<Session>,
}

#[napi]
impl StageRun {
    /// The next event, `{ finished: { exit, code } }` once it has ended, or `null` when
    /// none came within a moment. Rejects with a RennError when the stage cannot go on.
    #[napi(ts_return_type = "Promise<StageEvent | { finished: StageResult | null } | null>")]
    pub fn next(&self) -> AsyncTask<NextEvent> {
        AsyncTask::new(NextEvent(self.session.clone()))
    }

    /// Answers the open question with the words a person would type in the terminal.
    #[napi]
    pub fn respond(&self, env: Env, answer: String) -> napi::Result<()> {
        self.session.respond(&answer).or_throw(&env)
    }

    /// The question waiting for `respond()`, or `null`.
    #[napi(getter, ts_return_type = "Question | null")]
    pub fn question(&self) -> Json<Option<renn_host::drive::Question>> {
        Json(self.session.question())
    }

    /// Stops the stage: agents stopped, the state kept for a later `runStage`.
    #[napi]
    pub fn stop(&self) {
        self.session.stop();
    }
}

pub struct NextEvent(Arc<Session>);

impl Task for NextEvent {
    type Output = Option<SessionEvent>;
    type JsValue = Json<Value>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.0.next_event(WAIT))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(Json(match output {
            None if self.0.ended() => json!({ "finished": null }),
            None => Value::Null,
            Some(SessionEvent::Event(event)) => event,
            Some(SessionEvent::Finished(result)) => {
                let exit = result.or_throw(&env)?;
                json!({ "finished": { "exit": exit, "code": exit.code() } })
            }
        }))
    }
}

/// Starts `stage` of the project at `root` (see `Project.runStage`).
pub fn run_stage(
    env: &Env,
    root: PathBuf,
    stage: String,
    options: Option<RunStageOptions>,
) -> napi::Result<StageRun> {
    let opts = options_of(stage, options)?;
    let session = Session::start(root, opts).or_throw(env)?;
    Ok(StageRun {
        session: Arc::new(session),
    })
}

fn options_of(stage: String, options: Option<RunStageOptions>) -> napi::Result<Options> {
    let mut opts = Options::new(stage);
    opts.interactive = true;
    let Some(o) = options else {
        return Ok(opts);
    };
    opts.gaps_only = o.gaps_only.unwrap_or(false);
    opts.only_batch = o.only_batch;
    if let Some(on_failure) = o.on_failure {
        opts.on_failure = convert::from_str("onFailure", on_failure)?;
    }
    opts.interactive = o.interactive.unwrap_or(true);
    opts.respond = match o.respond.as_deref() {
        None => None,
        Some([target, answer]) => Some((target.clone(), answer.clone())),
        Some(_) => {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                "respond: expected [runId, answer]",
            ))
        }
    };
    opts.trust = o.trust.unwrap_or(false);
    opts.yes = o.yes.unwrap_or(false);
    opts.dry_run = o.dry_run.unwrap_or(false);
    opts.renn = o.renn.map(PathBuf::from);
    if let Some(today) = o.today {
        opts.today = today;
    }
    Ok(opts)
}
