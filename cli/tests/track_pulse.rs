//! What renn writes into track.md and pulse.md, and what `renn next` says, pinned as
//! insta snapshots of the demo project. The exact-bytes properties (nothing else
//! changes, CRLF survives, idempotence) are unit tests in renn-core; these snapshots
//! are for reading the whole result the way a user will see it.

const R: &renn_core::Vocabulary = renn_core::Layout::Renn.vocab();
use renn_core::next::{self, Next};
use renn_core::pulse::{self, CurrentStage, Execution, PendingGate, PulseUpdate};
use renn_core::run::{GateKind, RunId};
use renn_core::track;
use renn_core::{Layout, StageNumber};
use std::path::Path;
use std::process::Command;

const TRACK: &str = include_str!("../../examples/demo/.renn/track.md");
const PULSE: &str = include_str!("../../examples/demo/.renn/pulse.md");

fn n(s: &str) -> StageNumber {
    StageNumber::parse(s).unwrap()
}

fn id(s: &str) -> RunId {
    RunId::parse(s).unwrap()
}

#[test]
fn demo_track_with_stage_2_complete() {
    let runs: Vec<(RunId, bool)> = (1..=6).map(|r| (id(&format!("02-0{r}")), true)).collect();
    let out = track::mark_stage_complete(R, TRACK, &n("2"), &runs, "2026-11-24").unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn demo_pulse_paused_at_a_gate() {
    let u = PulseUpdate {
        stage: Some(pulse::stage_position(TRACK, &n("2"))),
        run: Some("3 of 6".into()),
        status: Some("Waiting at a gate (02-04)".into()),
        last_activity: Some(pulse::activity("2026-11-24", "completed 02-03")),
        progress: Some(pulse::percent(6, 10)),
        execution: Some(Execution {
            last_completed_run: Some(id("02-03")),
            current_batch: Some(2),
            pending_gates: vec![PendingGate {
                run: id("02-04"),
                gate: GateKind::HumanVerify,
                task: 3,
                task_name: "Reset email arrives".into(),
                awaiting: "Request a reset for a test account and confirm the email link works"
                    .into(),
                recorded: "2026-11-24".into(),
            }],
        }),
    };
    let out = pulse::update(Layout::Renn.vocab(), PULSE, &u);
    assert_eq!(pulse::read(&out).execution(), u.execution.clone().unwrap());
    insta::assert_snapshot!(out);
}

#[test]
fn demo_pulse_reconstructed() {
    let current = CurrentStage {
        number: n("2"),
        runs_complete: 1,
        runs_total: 6,
        last_completed_run: Some(id("02-01")),
    };
    let out = pulse::reconstruct(
        Layout::Renn.vocab(),
        "Acme Notes",
        Some(TRACK),
        Some(&current),
        "2026-11-24",
    );
    insta::assert_snapshot!(out);
}

#[test]
fn next_renders() {
    insta::assert_snapshot!(
        "next_stage",
        next::offer(R, TRACK, &n("2")).render_markdown()
    );
    let done = TRACK.replace("- [ ] **Stage", "- [x] **Stage");
    let milestone = next::offer(R, &done, &n("3"));
    assert!(matches!(
        milestone,
        Next::MilestoneComplete { stages: 3, .. }
    ));
    insta::assert_snapshot!("next_milestone_complete", milestone.render_markdown());
}

fn renn_next(dir: &Path, json: bool) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renn"));
    cmd.arg("--dir").arg(dir).arg("next");
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn renn_next_on_the_demo_and_without_a_track() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
    let (code, out, _) = renn_next(&demo, false);
    assert_eq!(code, 0);
    // Stage 2 of the demo is planned (it has run files): renn runs it.
    let planned = |s: &renn_core::StageNumber| s == &n("2");
    assert_eq!(
        out,
        next::current_with(R, TRACK, planned)
            .unwrap()
            .render_markdown()
    );
    assert!(out.contains("`renn run-stage 2`"), "{out}");
    let (code, out, _) = renn_next(&demo, true);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["kind"], "stage");
    assert_eq!(json["planned"], true);
    assert_eq!(json["command"], "renn run-stage 2");

    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join(".renn")).unwrap();
    let (code, out, err) = renn_next(empty.path(), false);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("error[track-missing]:"), "{err}");
    assert!(err.contains("--> .renn/track.md"), "{err}");
}
