//! The gate record on disk (its format and when it goes are the core's:
//! `renn_core::gate::GateRecord`): written when a runner stops at a gate, the answer
//! added the moment it is given, removed once the run completes or is skipped.

use super::*;

impl Host<'_> {
    /// Records the gate `run`'s runner stopped at, with where the run started.
    pub(super) fn record_gate(&mut self, run: &RunId, output: &str) -> Result<()> {
        let record = GateRecord {
            start: self.starts.get(run).cloned(),
            output: output.to_string(),
            answer: None,
        };
        self.write(&self.gate_path(run), &record.render())
    }

    /// Keeps `text` as the answer to `run`'s recorded gate.
    pub(super) fn record_answer(&mut self, run: &RunId, text: &str) -> Result<()> {
        let path = self.gate_path(run);
        let Some(record) = self.read(&path) else {
            return Ok(());
        };
        let record = GateRecord {
            answer: Some(text.to_string()),
            ..GateRecord::parse(&record)
        };
        self.write(&path, &record.render())
    }

    /// The run no longer waits on its gate: its record goes.
    pub(super) fn forget_gate(&self, run: &RunId) {
        let _ = std::fs::remove_file(self.root.join(self.gate_path(run)));
    }

    fn gate_path(&self, run: &RunId) -> String {
        GateRecord::path(&self.plan.stage.dir, run)
    }
}
