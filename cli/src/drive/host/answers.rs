//! An answered gate stays recorded until its continuation has finished. The answer is
//! kept in the gate's record (`NN-MM-gate.md`, after the runner's output) the moment it
//! is given; a renn killed while the continuation runner works finds it there and starts
//! the continuation again with the same answer, instead of asking again or redoing the
//! run from scratch. The record goes once the run completes or is skipped.

use super::*;

/// Where the answer starts in a gate record.
const ANSWER_MARK: &str = "\n<!-- renn: the user's answer -->\n";

impl Host<'_> {
    /// Keeps `text` as the answer to `run`'s recorded gate.
    pub(super) fn record_answer(&mut self, run: &RunId, text: &str) -> Result<()> {
        let path = gate_path(&self.plan, run);
        let Some(record) = self.read(&path) else {
            return Ok(());
        };
        let output = record.split(ANSWER_MARK).next().unwrap_or(&record);
        self.write(&path, &format!("{output}{ANSWER_MARK}{text}\n"))
    }

    /// The answer a gate record keeps, if any.
    pub(super) fn recorded_answer(&self, run: &RunId) -> Option<String> {
        let record = self.read(&gate_path(&self.plan, run))?;
        let (_, answer) = record.split_once(ANSWER_MARK)?;
        Some(answer.trim_end_matches('\n').to_string())
    }

    /// The run no longer waits on its gate: its record goes.
    pub(super) fn forget_gate(&self, run: &RunId) {
        let _ = std::fs::remove_file(self.root.join(gate_path(&self.plan, run)));
    }
}
