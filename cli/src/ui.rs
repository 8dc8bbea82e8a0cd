//! The terminal's two plain views of an execution: lines for people (logs, pipes)
//! and JSON lines for editors and scripts. The live view is `live.rs`.

use renn_host::drive::{exit_text, Question, Ui};
use serde_json::Value;
use std::io::{BufRead, Write};

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

    fn ask(&mut self, question: &Question) -> Option<String> {
        let question = question.text();
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

/// One JSON object per line on stdout, `{"event", "schema", "time", …data}`
/// ([`renn_host::json::event_line`]).
pub struct JsonUi;

impl Ui for JsonUi {
    fn text(&mut self, text: &str) {
        let report = renn_host::drive::event::Report {
            markdown: text.to_string(),
        };
        (self as &mut dyn Ui).emit(&report);
    }

    fn event(&mut self, name: &str, data: Value) {
        let line = renn_host::json::event_line(name, data, &renn_host::json::now_rfc3339());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    fn ask(&mut self, _question: &Question) -> Option<String> {
        None
    }

    fn stop(&mut self, _text: &str) {}
}
