//! The `StageExecution` class: a stage's state machine kept in place. The host
//! performs the actions `next` returns and answers with events.

use super::errors::{throw, type_error};
use super::to_js;
use renn_core::execute::{self, Event, OnFailure, StageRun};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// `{gapsOnly?, onlyBatch?, onFailure?}` of `startStage`; the rest comes from config.json.
#[derive(Debug, Default, Deserialize, tsify::Tsify)]
#[serde(rename_all = "camelCase", default)]
pub struct StartOptions {
    pub gaps_only: bool,
    /// Execute this batch only.
    pub only_batch: Option<u32>,
    /// What to do when a run fails; absent: ask (an `ask_failure` action).
    pub on_failure: Option<OnFailure>,
}

impl From<StartOptions> for renn_core::project::StageOptions {
    fn from(o: StartOptions) -> Self {
        Self {
            gaps_only: o.gaps_only,
            only_batch: o.only_batch,
            on_failure: o.on_failure,
            // The editor's user can answer.
            unattended: false,
        }
    }
}

#[wasm_bindgen]
pub struct StageExecution {
    run: StageRun,
}

impl StageExecution {
    pub fn new(run: StageRun) -> Self {
        Self { run }
    }
}

#[wasm_bindgen]
impl StageExecution {
    /// An execution saved as its `state()` (by any front door), to go on where it was.
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "ExecutionState")] state: JsValue,
    ) -> Result<StageExecution, JsValue> {
        let value: serde_json::Value = serde_wasm_bindgen::from_value(state)
            .map_err(|e| type_error(&format!("a saved state is plain data: {e}")))?;
        Ok(Self::new(StageRun::restore(value).map_err(throw)?))
    }

    /// Feeds one event; returns the actions to perform. An event that does not fit
    /// the current state throws (code `rejected-event`) and changes nothing.
    #[wasm_bindgen(unchecked_return_type = "Action[]")]
    pub fn next(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Event")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        // Through serde_json::Value so a malformed event gets the core's `bad-event`.
        let value: serde_json::Value = serde_wasm_bindgen::from_value(event)
            .map_err(|e| type_error(&format!("an event is plain data: {e}")))?;
        let event = Event::from_json(value).map_err(throw)?;
        to_js(&self.run.step(event).map_err(throw)?)
    }

    #[wasm_bindgen(unchecked_return_type = "ExecutionState")]
    pub fn state(&self) -> Result<JsValue, JsValue> {
        to_js(&self.run)
    }

    #[wasm_bindgen(unchecked_return_type = "Progress")]
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        to_js(&execute::progress(&self.run))
    }

    /// pulse.md with renn's lines brought up to date (for a `record_progress` action).
    #[wasm_bindgen(js_name = pulseText)]
    pub fn pulse_text(
        &self,
        #[wasm_bindgen(js_name = pulseMd)] pulse_md: &str,
        #[wasm_bindgen(js_name = trackMd)] track_md: Option<String>,
        today: &str,
    ) -> String {
        self.run.pulse_text(pulse_md, track_md.as_deref(), today)
    }

    /// track.md with the stage marked complete on `today` (for `update_track`).
    #[wasm_bindgen(js_name = trackText)]
    pub fn track_text(
        &self,
        #[wasm_bindgen(js_name = trackMd)] track_md: &str,
        today: &str,
    ) -> Result<String, JsValue> {
        self.run.track_text(track_md, today).map_err(throw)
    }
}
