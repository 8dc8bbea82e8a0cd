//! What comes after a stage (the seed's offer_next): the next stage to plan, or the
//! end of the milestone. The track's checkboxes are the truth, so a stage checked out
//! of order is skipped, and the milestone is only complete when nothing is unchecked.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::layout::{Layout, Vocabulary};
use crate::stage::StageNumber;
use crate::track::{self, TrackStage};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Next {
    /// A stage is left: run it when it is planned, else plan it.
    Stage {
        number: StageNumber,
        title: String,
        goal: Option<String>,
        /// The stage directory holds run files: `renn run-stage` executes it.
        planned: bool,
        /// `renn run-stage 3` when planned, else the planning workflow's
        /// `/renn.plan-stage 3` (not a renn command). The unpadded number, as typed.
        command: String,
        /// The project's layout: the words of the markdown.
        #[serde(skip)]
        #[cfg_attr(feature = "schema", schemars(skip))]
        #[cfg_attr(feature = "tsify", tsify(type = "never"))]
        layout: Layout,
    },
    /// Every stage of the track is checked. `command` is the planning workflow's
    /// `/renn.complete-milestone` (not a renn command).
    MilestoneComplete {
        stages: usize,
        command: String,
        /// The project's layout: the words of the markdown.
        #[serde(skip)]
        #[cfg_attr(feature = "schema", schemars(skip))]
        #[cfg_attr(feature = "tsify", tsify(type = "never"))]
        layout: Layout,
    },
}

/// What to offer once `completed` is done (whether or not the track is updated yet):
/// the first unchecked stage after it in track order; else an unchecked stage before
/// it (a milestone with an open stage is not complete); else the milestone.
/// Every stage counts as not planned; see [`offer_with`].
pub fn offer(vocab: &Vocabulary, track: &str, completed: &StageNumber) -> Next {
    offer_with(vocab, track, completed, |_| false)
}

/// [`offer`], where `planned` says whether a stage's directory holds run files.
pub fn offer_with(
    vocab: &Vocabulary,
    track: &str,
    completed: &StageNumber,
    planned: impl Fn(&StageNumber) -> bool,
) -> Next {
    let stages = track::stages(track);
    let open = |s: &&TrackStage| !s.complete && &s.number != completed;
    let after = match stages.iter().position(|s| &s.number == completed) {
        Some(i) => stages[i + 1..].iter().find(open),
        // Not in the checklist: "after" by stage order.
        None => stages.iter().filter(|s| &s.number > completed).find(open),
    };
    match after.or_else(|| stages.iter().find(open)) {
        Some(s) => stage(vocab, s, planned(&s.number)),
        None => milestone(vocab, stages.len()),
    }
}

/// `renn next` with no stage: the stage after the last checked one, or the first
/// stage when none is checked. A track without a stage checklist is an error.
pub fn current(vocab: &Vocabulary, track: &str) -> Result<Next, Diagnostic> {
    current_with(vocab, track, |_| false)
}

/// [`current`], where `planned` says whether a stage's directory holds run files.
pub fn current_with(
    vocab: &Vocabulary,
    track: &str,
    planned: impl Fn(&StageNumber) -> bool,
) -> Result<Next, Diagnostic> {
    let stages = track::stages(track);
    if stages.is_empty() {
        return Err(Diagnostic::error(
            Code::TrackNoStages,
            "the track has no stage checklist, so there is no next stage",
        )
        .in_file(vocab.track)
        .with_hint(format!(
            "list them as `- [ ] **{} 1: <title>** - <goal>` under `## {}s`",
            vocab.stage_word, vocab.stage_word
        )));
    }
    Ok(match stages.iter().rposition(|s| s.complete) {
        Some(i) => offer_with(vocab, track, &stages[i].number, planned),
        None => stage(vocab, &stages[0], planned(&stages[0].number)),
    })
}

fn stage(vocab: &Vocabulary, s: &TrackStage, planned: bool) -> Next {
    let n = s.number.unpadded();
    Next::Stage {
        command: if planned {
            format!("renn run-stage {n}")
        } else {
            format!("{} {n}", vocab.plan_command)
        },
        planned,
        number: s.number.clone(),
        title: s.title.clone(),
        goal: s.goal.clone(),
        layout: vocab.layout,
    }
}

fn milestone(vocab: &Vocabulary, stages: usize) -> Next {
    Next::MilestoneComplete {
        stages,
        command: vocab.complete_milestone_command.to_string(),
        layout: vocab.layout,
    }
}

impl Next {
    /// The seed's offer_next text; a planning command of the wider workflow is named
    /// as such, never presented as a renn command.
    pub fn render_markdown(&self) -> String {
        match self {
            Next::Stage {
                number,
                title,
                goal,
                planned,
                command,
                layout,
            } => {
                let v = layout.vocab();
                let goal = goal
                    .as_deref()
                    .map(|g| format!(" — {g}"))
                    .unwrap_or_default();
                let n = number.unpadded();
                let head = format!("## Next Up\n\n**{} {n}: {title}**{goal}\n\n", v.stage_word);
                if *planned {
                    format!("{head}Its {}s are planned: `{command}`\n", v.run_lower())
                } else {
                    format!(
                        "{head}Plan it with your planning workflow: `{command}` \
                         (not a renn command), then `renn run-stage {n}`\n\n\
                         <sub>`/clear` first for fresh context</sub>\n"
                    )
                }
            }
            Next::MilestoneComplete {
                stages,
                command,
                layout,
            } => format!(
                "MILESTONE COMPLETE!\n\nAll {stages} {}s executed.\n\n\
                 Close it with your planning workflow: `{command}` (not a renn command)\n",
                layout.vocab().stage_lower()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const R: &Vocabulary = crate::layout::Layout::Renn.vocab();

    const DEMO: &str = include_str!("../../examples/demo/.renn/track.md");
    const DECIMAL: &str = include_str!("../../tests/fixtures/decimal-stage/.renn/track.md");
    const LETTER: &str = include_str!("../../tests/fixtures/letter-stage/.renn/track.md");

    fn n(s: &str) -> StageNumber {
        StageNumber::parse(s).unwrap()
    }

    fn number(next: &Next) -> Option<String> {
        match next {
            Next::Stage { number, .. } => Some(number.unpadded()),
            Next::MilestoneComplete { .. } => None,
        }
    }

    #[test]
    fn the_next_stage_is_the_first_unchecked_one_after() {
        let next = offer(R, DEMO, &n("2"));
        assert_eq!(
            next,
            Next::Stage {
                number: n("3"),
                title: "Sharing".into(),
                goal: Some("Users can share notes with each other".into()),
                planned: false,
                command: "/renn.plan-stage 3".into(),
                layout: Layout::Renn,
            }
        );
        // Decimal and letter stages are stages like any other, in track order.
        assert_eq!(number(&offer(R, DECIMAL, &n("2"))).as_deref(), Some("2.1"));
        assert_eq!(number(&offer(R, DECIMAL, &n("2.1"))).as_deref(), Some("3"));
        assert_eq!(number(&offer(R, LETTER, &n("12"))).as_deref(), Some("12A"));
        assert_eq!(
            offer(R, LETTER, &n("12A")).render_markdown().lines().nth(4),
            Some("Plan it with your planning workflow: `/renn.plan-stage 13` (not a renn command), then `renn run-stage 13`")
        );
    }

    #[test]
    fn a_gsd_project_is_offered_gsds_command_in_its_words() {
        let gsd = Layout::Gsd.vocab();
        let roadmap = "- [x] **Phase 1: A** - a (completed 2026-11-01)\n- [ ] **Phase 2: B** - b\n";
        let next = offer(gsd, roadmap, &n("1"));
        let text = next.render_markdown();
        assert!(text.contains("**Phase 2: B** — b"), "{text}");
        assert!(text.contains("`/gsd:plan-phase 2`"), "{text}");
        let done = offer(gsd, &roadmap.replace("[ ]", "[x]"), &n("2")).render_markdown();
        assert!(
            done.contains("All 2 phases executed") && done.contains("/gsd:complete-milestone"),
            "{done}"
        );
    }

    #[test]
    fn checked_stages_are_skipped_and_open_earlier_stages_block_the_milestone() {
        let track = "- [x] **Stage 1: A**\n- [ ] **Stage 2: B**\n- [x] **Stage 3: C**\n\
                     - [ ] **Stage 4: D**\n";
        assert_eq!(number(&offer(R, track, &n("2"))).as_deref(), Some("4"));
        assert_eq!(number(&offer(R, track, &n("4"))).as_deref(), Some("2"));
        // A stage absent from the checklist: the next by number.
        assert_eq!(number(&offer(R, track, &n("1.5"))).as_deref(), Some("2"));
        let done = track.replace("[ ]", "[x]");
        assert_eq!(
            offer(R, &done, &n("4")),
            Next::MilestoneComplete {
                stages: 4,
                command: "/renn.complete-milestone".into(),
                layout: Layout::Renn,
            }
        );
        // The stage just completed counts as done even before the track says so.
        let last_open = done.replace("- [x] **Stage 4", "- [ ] **Stage 4");
        assert_eq!(number(&offer(R, &last_open, &n("4"))), None);
    }

    #[test]
    fn current_follows_the_last_checked_stage() {
        assert_eq!(number(&current(R, DEMO).unwrap()).as_deref(), Some("2"));
        let fresh = "- [ ] **Stage 1: A** - first\n- [ ] **Stage 2: B**\n";
        assert_eq!(number(&current(R, fresh).unwrap()).as_deref(), Some("1"));
        let err = current(R, "# Track\n\nnothing yet\n").unwrap_err();
        assert_eq!(err.code, "track-no-stages");
        assert_eq!(err.file.as_deref(), Some(".renn/track.md"));
    }

    #[test]
    fn renders_the_seed_text() {
        assert_eq!(
            offer(R, DEMO, &n("2")).render_markdown(),
            "## Next Up\n\n**Stage 3: Sharing** — Users can share notes with each other\n\n\
             Plan it with your planning workflow: `/renn.plan-stage 3` (not a renn command), \
             then `renn run-stage 3`\n\n<sub>`/clear` first for fresh context</sub>\n"
        );
        // A planned stage is run by renn.
        let planned = offer_with(R, DEMO, &n("2"), |s| s == &n("3"));
        assert_eq!(
            planned.render_markdown(),
            "## Next Up\n\n**Stage 3: Sharing** — Users can share notes with each other\n\n\
             Its runs are planned: `renn run-stage 3`\n"
        );
        let json = serde_json::to_value(&planned).unwrap();
        assert_eq!(json["command"], "renn run-stage 3");
        assert_eq!(json["planned"], true);
        assert_eq!(
            number(&current_with(R, DEMO, |s| s == &n("2")).unwrap()).as_deref(),
            Some("2")
        );
        let no_goal = offer(R, "- [x] **Stage 1: A**\n- [ ] **Stage 2: B**\n", &n("1"));
        assert!(no_goal.render_markdown().contains("\n**Stage 2: B**\n"));
        assert_eq!(
            milestone(R, 3).render_markdown(),
            "MILESTONE COMPLETE!\n\nAll 3 stages executed.\n\n\
             Close it with your planning workflow: `/renn.complete-milestone` (not a renn command)\n"
        );
        let json = serde_json::to_value(offer(R, DEMO, &n("2"))).unwrap();
        assert_eq!(json["kind"], "stage");
        assert_eq!(json["number"], "03");
        assert_eq!(json["command"], "/renn.plan-stage 3");
    }
}
