//! The gate record, `NN-MM-gate.md` in the stage directory: a gate a runner stopped at,
//! kept on disk from the moment the runner returns until the run's continuation has
//! finished (docs/spec.md, "Resumption"). It holds where the run started (for the
//! continuation's evidence check), the runner's output (ending with GATE REACHED) and,
//! once given, the user's answer: a renn killed while the continuation works finds the
//! answer there and starts the continuation again instead of asking again or redoing
//! the run from scratch. Every front door reads and writes it through this one format.

use crate::returns::{self, AgentReturn, GateReached};
use crate::run::RunId;
use serde::{Deserialize, Serialize};

/// The first line of a record: the commit the run started from.
const START_MARK: &str = "<!-- renn: run started at ";
/// Where the answer starts.
const ANSWER_MARK: &str = "\n<!-- renn: the user's answer -->\n";

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct GateRecord {
    /// The commit the run started from (a full hash), when the host knows it.
    pub start: Option<String>,
    /// The runner's output, ending with its GATE REACHED block.
    pub output: String,
    /// What the user answered, as typed, once they did.
    pub answer: Option<String>,
}

impl GateRecord {
    /// The record's path for `run` in the stage directory `stage_dir`.
    pub fn path(stage_dir: &str, run: &RunId) -> String {
        format!("{stage_dir}/{run}-gate.md")
    }

    /// Reads a record back. Any text is a record: what cannot be read as the start or
    /// the answer is part of the output.
    pub fn parse(text: &str) -> Self {
        let (start, rest) = match text
            .strip_prefix(START_MARK)
            .and_then(|r| r.split_once(" -->\n"))
        {
            Some((hash, rest)) if is_hash(hash) => (Some(hash.to_string()), rest),
            _ => (None, text),
        };
        let (output, answer) = match rest.split_once(ANSWER_MARK) {
            Some((output, answer)) => (output, Some(answer.trim_end_matches('\n').to_string())),
            None => (rest, None),
        };
        Self {
            start,
            output: output.trim_start_matches('\n').to_string(),
            answer,
        }
    }

    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Some(start) = &self.start {
            text.push_str(&format!("{START_MARK}{start} -->\n\n"));
        }
        text.push_str(&self.output);
        if let Some(answer) = &self.answer {
            text.push_str(&format!("{ANSWER_MARK}{answer}\n"));
        }
        text
    }

    /// The gate it records, when the output ends with `run`'s GATE REACHED.
    pub fn gate(&self, run: &RunId) -> Option<GateReached> {
        match returns::parse(&self.output) {
            Ok(AgentReturn::Gate(g)) if &g.run == run => Some(g),
            _ => None,
        }
    }
}

fn is_hash(s: &str) -> bool {
    s.len() >= 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "Stopped.\n\n## GATE REACHED\n\n**Type:** human-verify\n**Run:** 03-02\n**Progress:** 1/2 tasks complete\n\n### Completed Tasks\n\n| Task | Name | Commit | Files |\n|---|---|---|---|\n| 1 | A | abc1234 | a |\n\n### Current Task\n\n**Task 2:** Look\n**Status:** awaiting verification\n\n### Gate Details\n\nLook at it.\n\n### Awaiting\n\napproved\n";

    #[test]
    fn a_record_reads_back_what_was_written() {
        let run = RunId::parse("03-02").unwrap();
        let mut record = GateRecord {
            start: Some("a".repeat(40)),
            output: OUTPUT.into(),
            answer: None,
        };
        assert_eq!(GateRecord::parse(&record.render()), record);
        assert_eq!(record.gate(&run).unwrap().current_task, 2);
        record.answer = Some("the button is blue\nnot green".into());
        assert_eq!(GateRecord::parse(&record.render()), record);
        record.start = None;
        assert_eq!(GateRecord::parse(&record.render()), record);
        assert!(record.gate(&RunId::parse("03-01").unwrap()).is_none());
    }

    #[test]
    fn a_record_written_by_hand_or_cut_short_is_still_read() {
        let plain = GateRecord::parse(OUTPUT);
        assert_eq!((plain.start, plain.answer), (None, None));
        let forged = GateRecord::parse("<!-- renn: run started at HEAD~3 -->\n\nx");
        assert_eq!(forged.start, None, "only a full hash is a start");
        assert!(GateRecord::parse("")
            .gate(&RunId::parse("03-02").unwrap())
            .is_none());
    }

    #[test]
    fn records_of_earlier_versions_read_the_same() {
        // renn 0.x wrote the start line, the output, then the answer mark.
        let old = format!(
            "{START_MARK}{} -->\n\n{OUTPUT}{ANSWER_MARK}done\n",
            "b".repeat(40)
        );
        let r = GateRecord::parse(&old);
        assert_eq!(r.answer.as_deref(), Some("done"));
        assert_eq!(r.output, OUTPUT);
    }
}
