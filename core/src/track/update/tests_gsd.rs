//! The track readers and the completion edit on GSD's ROADMAP.md, as GSD 1.42.3's own
//! tools left it (core/testdata/gsd: before execution, and after GSD completed phase 1).

use super::*;
use crate::layout::Layout;
use crate::run::RunId;
use crate::track::{stage_title, stages};

const ROADMAP: &str = include_str!("../../../testdata/gsd/ROADMAP.md");
/// GSD's own result of completing phase 1 on 2026-12-02 (its status cell unpadded).
const COMPLETED: &str = include_str!("../../../testdata/gsd/ROADMAP.completed.md");

fn n(s: &str) -> StageNumber {
    StageNumber::parse(s).unwrap()
}

fn runs(ids: &[&str]) -> Vec<(RunId, bool)> {
    ids.iter()
        .map(|i| (RunId::parse(i).unwrap(), true))
        .collect()
}

fn mark(track: &str) -> String {
    let vocab = Layout::Gsd.vocab();
    mark_stage_complete(
        vocab,
        track,
        &n("1"),
        &runs(&["01-01", "01-02"]),
        "2026-12-02",
    )
    .unwrap()
}

#[test]
fn reads_the_phase_checklist() {
    let s = stages(ROADMAP);
    let titles: Vec<(&str, &str, bool)> = s
        .iter()
        .map(|s| (s.title.as_str(), s.goal.as_deref().unwrap(), s.complete))
        .collect();
    assert_eq!(
        titles,
        [
            ("Foo", "Build the foo module", false),
            ("Bar", "Build the bar module", false),
            ("Baz", "Build the baz module", false),
        ]
    );
    assert_eq!(stage_title(ROADMAP, &n("2")).as_deref(), Some("Bar"));
    assert_eq!(progress(ROADMAP), (0, 3));
}

#[test]
fn the_completed_note_is_not_part_of_the_goal() {
    let s = stages(COMPLETED);
    assert!(s[0].complete);
    assert_eq!(s[0].goal.as_deref(), Some("Build the foo module"));
    assert_eq!(progress(COMPLETED), (1, 3));
}

#[test]
fn phase_details_headings_give_titles_and_goals() {
    let only_details = "### Phase 4: Qux\n**Goal**: Build qux\n";
    assert_eq!(stage_title(only_details, &n("4")).as_deref(), Some("Qux"));
    let item = "- [ ] **Phase 4: Qux**\n\n### Phase 4: Qux\n**Goal**: Build qux\n";
    assert_eq!(stages(item)[0].goal.as_deref(), Some("Build qux"));
}

#[test]
fn marking_a_phase_complete_writes_what_gsd_writes() {
    assert_eq!(mark(ROADMAP), COMPLETED);
}

#[test]
fn marking_twice_changes_nothing() {
    let once = mark(ROADMAP);
    assert_eq!(mark(&once), once);
    // GSD completed it itself: renn has nothing to add.
    assert_eq!(mark(COMPLETED), COMPLETED);
}

#[test]
fn the_note_is_gsd_s_own() {
    let track = "- [ ] **Stage 1: Foo** - Build foo\n";
    let renn = Layout::Renn.vocab();
    let out = mark_stage_complete(renn, track, &n("1"), &[], "2026-12-02").unwrap();
    assert_eq!(out, "- [x] **Stage 1: Foo** - Build foo\n");
}

#[test]
fn a_missing_phase_is_named_in_gsd_words() {
    let vocab = Layout::Gsd.vocab();
    let err = mark_stage_complete(vocab, ROADMAP, &n("7"), &[], "2026-12-02").unwrap_err();
    assert_eq!(err.file.as_deref(), Some(".planning/ROADMAP.md"));
    assert!(
        err.message.starts_with("phase 7 is not in"),
        "{}",
        err.message
    );
    assert!(err.hint.unwrap().contains("**Phase 7: <title>**"));
}
