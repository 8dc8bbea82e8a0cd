//! Where the execution shows itself: plain text for terminals and logs, JSON lines for
//! editors and scripts. Questions go through here too, so a script never blocks.

use renn_core::execute::Notice;
use serde_json::Value;
use std::io::{BufRead, Write};

pub trait Ui {
    /// A report for people (markdown), already rendered.
    fn text(&mut self, text: &str);
    /// A machine event (`plan`, `run_spawned`, `gate_reached`…).
    fn event(&mut self, name: &str, data: Value);
    /// Asks a question on the terminal; `None` when there is no terminal (or EOF).
    fn ask(&mut self, question: &str) -> Option<String>;
    /// Why the stage stopped, for people. The JSON stream has it in `stage_completed`.
    fn stop(&mut self, text: &str) {
        self.text(text);
    }
    /// Starts asking `question` and returns at once, so agents' events keep coming
    /// while the human answers (the live view); `false` when this Ui asks only with
    /// [`Ui::ask`].
    fn ask_begin(&mut self, _question: &str) -> bool {
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

/// Plain lines on stdout; questions read from stdin when it is a terminal.
pub struct PlainUi {
    pub interactive: bool,
}

impl Ui for PlainUi {
    fn text(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", text.trim_end());
        let _ = writeln!(out);
        let _ = out.flush();
    }

    fn event(&mut self, name: &str, data: Value) {
        let line = match name {
            "run_spawned" => format!(
                "→ spawned {} ({}, attempt {})",
                data["run"].as_str().unwrap_or("?"),
                data["agent"].as_str().unwrap_or("agent"),
                data["attempt"]
            ),
            "run_exited" => format!(
                "← {} exited ({}, {})",
                data["run"].as_str().unwrap_or("?"),
                exit_text(&data),
                data["log"].as_str().unwrap_or("")
            ),
            _ => return,
        };
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }

    fn ask(&mut self, question: &str) -> Option<String> {
        if !self.interactive {
            return None;
        }
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{question} ");
        let _ = out.flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_string()),
        }
    }
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

/// One JSON object per line on stdout, `{"event", "schema", "time", …data}`
/// ([`crate::json::event_line`]).
pub struct JsonUi;

impl Ui for JsonUi {
    fn text(&mut self, text: &str) {
        let report = super::event::Report {
            markdown: text.to_string(),
        };
        (self as &mut dyn Ui).emit(&report);
    }

    fn event(&mut self, name: &str, data: Value) {
        let line = crate::json::event_line(name, data, &crate::json::now_rfc3339());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    fn ask(&mut self, _question: &str) -> Option<String> {
        None
    }

    fn stop(&mut self, _text: &str) {}
}
