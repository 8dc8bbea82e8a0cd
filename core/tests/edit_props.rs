//! Properties of renn's two edits, on documents assembled from the lines that matter
//! (headings, checklists, tables, fences, key lines) in any order, LF or CRLF:
//! - marking a stage complete never panics, keeps the line count and every line ending,
//!   checks the stage, and is idempotent;
//! - a pulse update that sets nothing returns the same bytes; any update reads back
//!   exactly and applying it again changes nothing.

use proptest::prelude::*;
use renn_core::pulse::{self, Execution, PendingGate, PulseUpdate};
use renn_core::run::{GateKind, RunId};
use renn_core::track;
use renn_core::{Layout, StageNumber};

const TRACK_LINES: &[&str] = &[
    "",
    "note | with a pipe",
    "---",
    "```",
    "~~~",
    "## Stages",
    "### Stage 3: Auth",
    "### Stage 4: Share",
    "#### Runs",
    "- [ ] **Stage 3: Auth** - log in",
    "* [ ] Stage 3: Auth",
    "- [x] **Stage 03: Auth**",
    "- [ ] **Stage 3.1: Fix**",
    "- [ ] 03-01: model",
    "- [ ] 3-2: endpoints",
    "- [x] 03-03: done",
    "### Phase 3: Auth",
    "- [ ] **Phase 3: Auth** - log in",
    "- [ ] 03-02-PLAN.md — endpoints",
    "- [ ] 03-01-PLAN.md — model",
    "| Phase | Plans Complete | Status | Completed |",
    "| Stage | Runs Complete | Status | Completed |",
    "|---|---|---|---|",
    "| 3. Auth | 0/2 | Not started | - |",
    "| 3.1. Fix | 0/1 | Not started | - |",
    "| Completed  | Stage   |",
    "|",
];

const PULSE_LINES: &[&str] = &[
    "",
    "# Project Pulse",
    "## Project Reference",
    "## Current Position",
    "### Current Position",
    "## Execution State",
    "### Pending Gates",
    "## Pending Gates",
    "## Session Continuity",
    "Stage: 1 of 2 (A)",
    "Phase: 1 of 3 (Foo)",
    "Plan: 0 of 2 in current phase",
    "Last completed plan: 01-01",
    "---",
    "progress:",
    "**Run:** 3 of 4",
    "Status:",
    "- Last activity: yesterday",
    "Progress: [█░░░░░░░░░] 10%",
    "Last completed run: 02-01",
    "Current batch: seven",
    "None",
    "- 02-04: human-verify gate at task 3 \"a\", awaiting \"b\", recorded d",
    "```",
    "~~~",
    "note: not a key line?",
];

fn document(lines: &'static [&'static str]) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(lines), 0..24),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(ls, crlf, final_eol)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut s = ls.join(eol);
            if final_eol && !s.is_empty() {
                s.push_str(eol);
            }
            s
        })
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "x",
        "2 of 3 (Accounts)",
        "Waiting at a gate — \"02-04\" | now",
        " padded ",
        "ünïcode ✅",
    ])
    .prop_map(str::to_string)
}

fn gate() -> impl Strategy<Value = PendingGate> {
    (
        prop::sample::select(vec!["02-04", "12A-03", "02.1-01"]),
        prop::sample::select(vec![
            GateKind::HumanVerify,
            GateKind::Decision,
            GateKind::HumanAction,
        ]),
        0u32..20,
        ".{0,12}",
        ".{0,12}",
    )
        .prop_map(|(run, gate, task, task_name, awaiting)| PendingGate {
            run: RunId::parse(run).unwrap(),
            gate,
            task,
            task_name,
            awaiting,
            recorded: "2026-11-24".into(),
        })
}

fn pulse_update() -> impl Strategy<Value = PulseUpdate> {
    let exec = (
        prop::option::of(prop::sample::select(vec!["02-03", "3-1"])),
        prop::option::of(1u32..9),
        prop::collection::vec(gate(), 0..3),
    )
        .prop_map(|(last, batch, gates)| Execution {
            last_completed_run: last.map(|r| RunId::parse(r).unwrap()),
            current_batch: batch,
            pending_gates: gates,
        });
    (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(0u32..=100),
        prop::option::of(exec),
    )
        .prop_map(
            |(stage, run, status, last_activity, progress, execution)| PulseUpdate {
                stage,
                run,
                status,
                last_activity,
                progress,
                execution,
            },
        )
}

fn endings(s: &str) -> (usize, usize) {
    (s.matches("\r\n").count(), s.matches('\n').count())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn marking_a_stage_complete_is_surgical_and_idempotent(
        doc in document(TRACK_LINES),
        stage in prop::sample::select(vec!["3", "3.1", "4"]),
        layout in prop::sample::select(Layout::ALL.to_vec()),
    ) {
        let vocab = layout.vocab();
        let stage = StageNumber::parse(stage).unwrap();
        let runs = [(RunId::parse("03-01").unwrap(), true), (RunId::parse("03-02").unwrap(), false)];
        match track::mark_stage_complete(vocab, &doc, &stage, &runs, "2026-11-24") {
            Err(d) => {
                prop_assert_eq!(d.code, "track-stage-missing");
                prop_assert!(!track::stages(&doc).iter().any(|s| s.number == stage));
            }
            Ok(out) => {
                prop_assert_eq!(endings(&out), endings(&doc));
                prop_assert!(track::stages(&out).iter().filter(|s| s.number == stage).all(|s| s.complete));
                let again = track::mark_stage_complete(vocab, &out, &stage, &runs, "2026-11-24").unwrap();
                prop_assert_eq!(again, out);
            }
        }
    }

    #[test]
    fn pulse_updates_read_back_and_are_idempotent(
        doc in document(PULSE_LINES),
        u in pulse_update(),
        layout in prop::sample::select(Layout::ALL.to_vec()),
    ) {
        let vocab = layout.vocab();
        prop_assert_eq!(pulse::update(vocab, &doc, &PulseUpdate::default()), doc.clone());
        let out = pulse::update(vocab, &doc, &u);
        let state = pulse::read(&out);
        let trimmed = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string());
        if u.stage.is_some() { prop_assert_eq!(&state.stage, &trimmed(&u.stage)); }
        if u.run.is_some() { prop_assert_eq!(&state.run, &trimmed(&u.run)); }
        if u.status.is_some() { prop_assert_eq!(&state.status, &trimmed(&u.status)); }
        if u.last_activity.is_some() { prop_assert_eq!(&state.last_activity, &trimmed(&u.last_activity)); }
        if u.progress.is_some() { prop_assert_eq!(state.progress, u.progress); }
        if let Some(exec) = &u.execution { prop_assert_eq!(&state.execution(), exec); }
        prop_assert_eq!(pulse::update(vocab, &out, &u), out);
    }
}
