//! Where the execution shows itself: plain text for terminals and logs, JSON lines for
//! editors and scripts. Questions go through here too, so a script never blocks.

use renn_core::execute::Notice;
use serde_json::{json, Value};
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

/// The event name and payload of a notice, for the JSON-lines stream.
pub fn notice_event(notice: &Notice) -> (&'static str, Value) {
    let data = serde_json::to_value(notice).unwrap_or(Value::Null);
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
                data["exit"].as_str().unwrap_or("?"),
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

/// One JSON object per line on stdout: `{"event": "...", ...data}`.
pub struct JsonUi;

impl Ui for JsonUi {
    fn text(&mut self, text: &str) {
        self.event("report", json!({ "markdown": text }));
    }

    fn event(&mut self, name: &str, data: Value) {
        let mut obj = match data {
            Value::Object(m) => m,
            other => {
                let mut m = serde_json::Map::new();
                m.insert("data".into(), other);
                m
            }
        };
        obj.insert("event".into(), Value::String(name.into()));
        let line = serde_json::to_string(&Value::Object(obj)).unwrap_or_default();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    fn ask(&mut self, _question: &str) -> Option<String> {
        None
    }

    fn stop(&mut self, _text: &str) {}
}
