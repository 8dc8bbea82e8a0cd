//! A fresh pulse.md, for the seed's "pulse.md missing but planning artifacts exist →
//! reconstruct from existing artifacts". Only what the artifacts prove is written;
//! what only a person knows (core value, decisions) is left as a visible gap.

use super::execution::Execution;
use super::{activity, percent, stage_position, update, PulseUpdate};
use crate::layout::Vocabulary;
use crate::run::RunId;
use crate::stage::StageNumber;
use crate::track;

/// The stage being worked on, as the host found it on disk (inventory of its runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentStage {
    pub number: StageNumber,
    pub runs_complete: usize,
    pub runs_total: usize,
    /// The highest run with a recap, if any.
    pub last_completed_run: Option<RunId>,
}

/// Builds pulse.md (GSD: STATE.md, without the frontmatter GSD's tools add and
/// recompute themselves) with every section, in `vocab`'s words. `current` is the stage being run, when known;
/// otherwise the first unchecked stage of `track`. `today` is the caller's date.
pub fn reconstruct(
    vocab: &Vocabulary,
    project_name: &str,
    track: Option<&str>,
    current: Option<&CurrentStage>,
    today: &str,
) -> String {
    let track = track.unwrap_or("");
    let stages = track::stages(track);
    let number = current.map(|c| c.number.clone()).or_else(|| {
        stages
            .iter()
            .find(|s| !s.complete)
            .map(|s| s.number.clone())
    });
    let title = number.as_ref().and_then(|n| track::stage_title(track, n));
    let focus = match (&number, &title) {
        (Some(n), Some(t)) => format!("{} {} — {t}", vocab.stage_word, n.unpadded()),
        (Some(n), None) => format!("{} {}", vocab.stage_word, n.unpadded()),
        (None, _) => "not recorded".to_string(),
    };
    let (done, total) = track::progress(track);
    let (run, status) = match current {
        Some(c) if c.runs_total == 0 => ("0 of 0".to_string(), "Ready to plan".to_string()),
        Some(c) => (
            format!("{} of {}", c.runs_complete, c.runs_total),
            match c.runs_complete {
                0 => "Ready to execute".to_string(),
                n if n < c.runs_total => "In progress".to_string(),
                _ => format!("All {}s complete, awaiting verification", vocab.run_lower()),
            },
        ),
        None => ("not started".to_string(), "Ready to plan".to_string()),
    };
    let (title, track_path, file) = (vocab.pulse_title, vocab.track, vocab.pulse_name());
    let (stage_key, run_key) = (vocab.stage_word, vocab.run_word);
    let skeleton = format!(
        "# {title}\n\n\
         ## Project Reference\n\n\
         See: {track_path}\n\n\
         **Project:** {project_name}\n\
         **Core value:** not recorded ({file} was reconstructed from the plan files)\n\
         **Current focus:** {focus}\n\n\
         ## Current Position\n\n\
         {stage_key}: -\n{run_key}: -\nStatus: -\nLast activity: -\n\nProgress: -\n\n\
         ## Accumulated Context\n\n\
         ### Decisions\n\nNone recorded.\n\n\
         ### Pending Todos\n\nNone recorded.\n\n\
         ### Blockers/Concerns\n\nNone recorded.\n\n\
         ## Session Continuity\n\n\
         Last session: {today}\n\
         Stopped at: {file} reconstructed\n\
         Resume file: None\n"
    );
    // The owned values go through `update`, so they are written exactly as updates write them.
    let u = PulseUpdate {
        stage: Some(match &number {
            Some(n) => stage_position(track, n),
            None => "unknown".to_string(),
        }),
        run: Some(run),
        status: Some(status),
        last_activity: Some(activity(
            today,
            &format!("{file} reconstructed from the plan files"),
        )),
        progress: Some(percent(done, total)),
        execution: Some(Execution {
            last_completed_run: current.and_then(|c| c.last_completed_run.clone()),
            current_batch: None,
            pending_gates: Vec::new(),
        }),
    };
    update(vocab, &skeleton, &u)
}
