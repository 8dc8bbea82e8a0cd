//! Where the execution shows itself. Each front door has its own [`Ui`]: the CLI's
//! plain lines, JSON lines and live view, the bindings' event callbacks. Questions go
//! through here too, so a script never blocks.

use super::Question;
use renn_core::execute::Notice;
use serde_json::Value;

pub trait Ui {
    /// A report for people (markdown), already rendered.
    fn text(&mut self, text: &str);
    /// A machine event (`plan`, `run_spawned`, `gate_reached`…).
    fn event(&mut self, name: &str, data: Value);
    /// Asks a question and waits for the answer; `None` when no one can answer (no
    /// terminal, EOF, a stop).
    fn ask(&mut self, question: &Question) -> Option<String>;
    /// Why the stage stopped, for people. The JSON stream has it in `stage_completed`.
    fn stop(&mut self, text: &str) {
        self.text(text);
    }
    /// Starts asking `question` and returns at once, so agents' events keep coming
    /// while the human answers (the live view); `false` when this Ui asks only with
    /// [`Ui::ask`].
    fn ask_begin(&mut self, _question: &Question) -> bool {
        false
    }
    /// The answer to the question begun, if it came within `wait`: `Some(None)` when
    /// input ended without one.
    fn answer(&mut self, _wait: std::time::Duration) -> Option<Option<String>> {
        Some(None)
    }
}

/// The event name and payload of a notice, for the JSON-lines stream: the notice's
/// fields without its `notice` tag (the event's name says it).
pub fn notice_event(notice: &Notice) -> (&'static str, Value) {
    let mut data = serde_json::to_value(notice).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut data {
        m.remove("notice");
    }
    let name = match notice {
        Notice::BatchStarted { .. } => "batch_started",
        Notice::RunCompleted { .. } => "run_completed",
        Notice::RunFailed { .. } => "run_failed",
        Notice::RunRetrying { .. } => "run_retrying",
        Notice::GateReached { .. } => "gate_reached",
        Notice::GateResolved { .. } => "gate_resolved",
        Notice::ContinuationResumed { .. } => "continuation_resumed",
        Notice::RunSkipped { .. } => "run_skipped",
        Notice::RunBlocked { .. } => "run_blocked",
        Notice::BatchCompleted { .. } => "batch_completed",
        Notice::StageSummary => "stage_summary",
        Notice::Resumed { .. } => "resumed",
        Notice::ProofRouted { .. } => "proof_routed",
        Notice::DocsCommitSkipped => "docs_commit_skipped",
    };
    (name, data)
}

/// How a `run_exited` event's agent ended, for people: `ok`, `failed 1`, `failed
/// signal`, `timed out after 600s`.
pub fn exit_text(data: &Value) -> String {
    match data["reason"].as_str() {
        Some("ok") => "ok".into(),
        Some("failed") => format!("failed {}", data["exit"]),
        Some("signal") => "failed signal".into(),
        Some("timed_out") => format!("timed out after {}s", data["timeout_secs"]),
        _ => "?".into(),
    }
}
