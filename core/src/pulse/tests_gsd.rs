//! pulse.md's reader and writers on GSD's STATE.md (core/testdata/gsd: as planned, and
//! as GSD's own tools left it mid-phase, with their YAML frontmatter).

use super::*;
use crate::layout::Layout;

const G: &Vocabulary = Layout::Gsd.vocab();
const STATE: &str = include_str!("../../testdata/gsd/STATE.md");
const EXECUTING: &str = include_str!("../../testdata/gsd/STATE.executing.md");
const ROADMAP: &str = include_str!("../../testdata/gsd/ROADMAP.md");

fn position(u: &PulseUpdate) -> PulseUpdate {
    PulseUpdate {
        stage: Some(stage_position(ROADMAP, &StageNumber::parse("1").unwrap())),
        run: Some("1 of 2".into()),
        status: Some("Executing wave 2".into()),
        last_activity: Some(activity("2026-12-02", "completed 01-01")),
        progress: Some(50),
        ..u.clone()
    }
}

#[test]
fn reads_phase_and_plan_lines() {
    let s = read(STATE);
    assert_eq!(s.stage.as_deref(), Some("1 of 3 (Foo)"));
    assert_eq!(s.run.as_deref(), Some("0 of 2 in current phase"));
    assert_eq!(s.status.as_deref(), Some("Ready to execute"));
    assert_eq!(s.progress, Some(0));
    let s = read(EXECUTING);
    assert_eq!(s.stage.as_deref(), Some("01 (Foo) — EXECUTING"));
    assert_eq!(s.run.as_deref(), Some("2 of 2"));
}

#[test]
fn updates_write_gsd_words_in_place() {
    let u = position(&PulseUpdate::default());
    let out = update(G, STATE, &u);
    let changed: Vec<&str> = out
        .lines()
        .filter(|l| !STATE.lines().any(|o| o == *l))
        .collect();
    assert_eq!(
        changed,
        [
            "Phase: 1 of 3 (Foo)",
            "Plan: 1 of 2",
            "Status: Executing wave 2",
            "Last activity: 2026-12-02 — completed 01-01",
            "Progress: [█████░░░░░] 50%",
        ]
        .into_iter()
        .filter(|l| !STATE.contains(l))
        .collect::<Vec<_>>()
    );
    assert_eq!(out.lines().count(), STATE.lines().count());
    assert_eq!(update(G, &out, &u), out);
}

#[test]
fn the_frontmatter_is_left_to_gsd() {
    let u = position(&PulseUpdate::default());
    let out = update(G, EXECUTING, &u);
    let head = |t: &str| t.lines().take(16).collect::<Vec<_>>().join("\n");
    assert_eq!(head(&out), head(EXECUTING));
    assert!(
        out.contains("\nPhase: 1 of 3 (Foo)\nPlan: 1 of 2\n"),
        "{out}"
    );
    assert_eq!(update(G, &out, &u), out);
}

#[test]
fn the_execution_state_speaks_gsd() {
    let u = PulseUpdate {
        execution: Some(Execution {
            last_completed_run: RunId::parse("01-01"),
            current_batch: Some(2),
            pending_gates: Vec::new(),
        }),
        ..PulseUpdate::default()
    };
    let out = update(G, STATE, &u);
    assert!(
        out.contains("\nLast completed plan: 01-01\nCurrent wave: 2\n"),
        "{out}"
    );
    assert_eq!(read(&out).execution(), u.execution.clone().unwrap());
    assert_eq!(update(G, &out, &u), out);
}

#[test]
fn reconstructs_a_gsd_state() {
    let current = CurrentStage {
        number: StageNumber::parse("1").unwrap(),
        runs_complete: 2,
        runs_total: 2,
        last_completed_run: RunId::parse("01-02"),
    };
    let out = reconstruct(G, "Demo", Some(ROADMAP), Some(&current), "2026-12-02");
    for line in [
        "# Project State",
        "See: .planning/ROADMAP.md",
        "**Current focus:** Phase 1 — Foo",
        "Phase: 1 of 3 (Foo)",
        "Plan: 2 of 2",
        "Status: All plans complete, awaiting verification",
        "Last activity: 2026-12-02 — STATE.md reconstructed from the plan files",
        "Last completed plan: 01-02",
        "Stopped at: STATE.md reconstructed",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} in:\n{out}");
    }
    assert!(!out.contains("Stage") && !out.contains("pulse.md"), "{out}");
    assert_eq!(read(&out).stage.as_deref(), Some("1 of 3 (Foo)"));
}
