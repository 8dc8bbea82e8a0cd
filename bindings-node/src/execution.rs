//! `StageExecution`: a stage's state machine (renn_core::execute) held in place. The
//! host performs the actions it returns and answers with events.

use crate::convert::Json;
use crate::error::OrThrow;
use napi::Env;
use napi_derive::napi;
use renn_core::execute::{self, Action, Event, Progress, StageRun};
use serde_json::Value;

/// A stage being executed; from `project.startStage(stage)`. The host performs the
/// actions `next` returns and answers each with an event.
#[napi]
pub struct StageExecution {
    run: StageRun,
}

impl StageExecution {
    pub fn new(run: StageRun) -> Self {
        Self { run }
    }
}

#[napi]
impl StageExecution {
    /// An execution saved as its `state()` (by any front door), to go on where it was.
    #[napi(factory)]
    pub fn restore(
        env: Env,
        #[napi(ts_arg_type = "ExecutionState")] state: Value,
    ) -> napi::Result<Self> {
        Ok(Self::new(StageRun::restore(state).or_throw(&env)?))
    }

    /// Feeds one event (`{event: "start"}`, …) and returns the actions to perform.
    /// An event that does not apply now throws (`rejected-event`) and changes nothing.
    #[napi(ts_return_type = "Action[]")]
    pub fn next(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "Event")] event: Value,
    ) -> napi::Result<Json<Vec<Action>>> {
        let event = Event::from_json(event).or_throw(&env)?;
        Ok(Json(self.run.step(event).or_throw(&env)?))
    }

    /// The whole state: runs, phase, choices. Plain data: save it, and `restore` it.
    #[napi(ts_return_type = "ExecutionState")]
    pub fn state(&self) -> Json<&StageRun> {
        Json(&self.run)
    }

    /// Where the execution is: the current batch, runs done of total, gates waiting.
    #[napi(ts_return_type = "Progress")]
    pub fn progress(&self) -> Json<Progress> {
        Json(execute::progress(&self.run))
    }

    /// pulse.md with renn's lines set for the execution as it stands now.
    #[napi]
    pub fn pulse_text(&self, pulse_md: String, track_md: Option<String>, today: String) -> String {
        self.run.pulse_text(&pulse_md, track_md.as_deref(), &today)
    }

    /// `StageExecution { stage: '02', runs: '1/6', status: '…' }`; also what
    /// `console.log` and `util.inspect` show.
    #[napi]
    #[allow(clippy::inherent_to_string)] // JavaScript's toString
    pub fn to_string(&self) -> String {
        let p = execute::progress(&self.run);
        format!(
            "StageExecution {{ stage: '{}', runs: '{}/{}', status: {:?} }}",
            self.run.stage.number, p.runs_done, p.runs_total, p.status
        )
    }

    /// track.md with this stage marked complete on `today`.
    #[napi]
    pub fn track_text(&self, env: Env, track_md: String, today: String) -> napi::Result<String> {
        self.run.track_text(&track_md, &today).or_throw(&env)
    }
}
