use super::*;
use crate::layout::Layout;

const R: &Vocabulary = Layout::Renn.vocab();

const DEMO: &str = include_str!("../../../examples/demo/.renn/pulse.md");
const DEMO_TRACK: &str = include_str!("../../../examples/demo/.renn/track.md");
const LETTER_TRACK: &str = include_str!("../../../tests/fixtures/letter-stage/.renn/track.md");
const DECIMAL_TRACK: &str = include_str!("../../../tests/fixtures/decimal-stage/.renn/track.md");

fn id(s: &str) -> RunId {
    RunId::parse(s).unwrap()
}

fn gate(run: &str, task: u32, name: &str, awaiting: &str) -> PendingGate {
    PendingGate {
        run: id(run),
        gate: GateKind::HumanVerify,
        task,
        task_name: name.into(),
        awaiting: awaiting.into(),
        recorded: "2026-11-24".into(),
    }
}

fn exec(last: Option<&str>, batch: Option<u32>, gates: Vec<PendingGate>) -> Execution {
    Execution {
        last_completed_run: last.map(id),
        current_batch: batch,
        pending_gates: gates,
    }
}

/// Lines of `after` that are not in `before`, in order (a cheap line diff).
fn added<'a>(before: &str, after: &'a str) -> Vec<&'a str> {
    let old: Vec<&str> = before.lines().collect();
    after.lines().filter(|l| !old.contains(l)).collect()
}

#[test]
fn reads_the_demo_pulse() {
    let s = read(DEMO);
    assert_eq!(s.stage.as_deref(), Some("2 of 3 (Accounts)"));
    assert_eq!(s.run.as_deref(), Some("1 of 6"));
    assert_eq!(s.status.as_deref(), Some("In progress"));
    assert_eq!(
        s.last_activity.as_deref(),
        Some("2026-11-20 — completed 02-01")
    );
    assert_eq!(s.progress, Some(40));
    assert_eq!(s.execution(), Execution::default());
}

#[test]
fn an_update_that_changes_nothing_returns_the_same_bytes() {
    assert_eq!(update(R, DEMO, &PulseUpdate::default()), DEMO);
    let s = read(DEMO);
    let same = PulseUpdate {
        stage: s.stage.clone(),
        run: s.run.clone(),
        status: s.status.clone(),
        last_activity: s.last_activity.clone(),
        progress: s.progress,
        execution: None,
    };
    assert_eq!(update(R, DEMO, &same), DEMO);
    // With an Execution State section written once, writing it again is a no-op.
    let u = PulseUpdate {
        execution: Some(exec(
            Some("02-03"),
            Some(2),
            vec![gate("02-04", 3, "x", "y")],
        )),
        ..same
    };
    let once = update(R, DEMO, &u);
    assert_eq!(update(R, &once, &u), once);
}

#[test]
fn values_are_replaced_in_place() {
    let u = PulseUpdate {
        run: Some("3 of 6".into()),
        status: Some("Executing batch 2".into()),
        last_activity: Some(activity("2026-11-24", "completed 02-03")),
        progress: Some(percent(6, 9)),
        ..Default::default()
    };
    let out = update(R, DEMO, &u);
    let expected = DEMO
        .replace("Run: 1 of 6", "Run: 3 of 6")
        .replace("Status: In progress", "Status: Executing batch 2")
        .replace(
            "Last activity: 2026-11-20 — completed 02-01",
            "Last activity: 2026-11-24 — completed 02-03",
        )
        .replace("[████░░░░░░] 40%", "[██████░░░░] 66%");
    assert_eq!(out, expected);
}

#[test]
fn the_execution_state_goes_before_session_continuity() {
    let u = PulseUpdate {
        execution: Some(exec(Some("02-03"), Some(2), vec![])),
        ..Default::default()
    };
    let out = update(R, DEMO, &u);
    let (head, tail) = out.split_once("## Session Continuity").unwrap();
    assert!(DEMO.starts_with(head.strip_suffix(
        "## Execution State\n\nLast completed run: 02-03\nCurrent batch: 2\n\n### Pending Gates\n\nNone\n\n"
    ).unwrap()));
    assert!(DEMO.ends_with(tail));
    // Replaced as a whole when it changes; the sections around it stay.
    let later = PulseUpdate {
        execution: Some(exec(Some("02-05"), None, vec![])),
        ..Default::default()
    };
    let out2 = update(R, &out, &later);
    assert_eq!(
        out2,
        out.replace(
            "run: 02-03\nCurrent batch: 2",
            "run: 02-05\nCurrent batch: None"
        )
    );
}

#[test]
fn read_reflects_every_update() {
    let tricky = gate(
        "12A-03",
        2,
        "Layout \"v2\" | header",
        "Open /dashboard,\nthen confirm — ✅ or describe issues, awaiting \"x\"",
    );
    let decision = PendingGate {
        gate: GateKind::Decision,
        ..gate("02.1-01", 1, "", "pick one")
    };
    let u = PulseUpdate {
        stage: Some("12A of 13 (Polish)".into()),
        run: Some("2 of 4".into()),
        status: Some("Waiting at a gate".into()),
        last_activity: Some("today — gate reached".into()),
        progress: Some(100),
        execution: Some(exec(Some("12A-02"), Some(3), vec![tricky, decision])),
    };
    for text in [DEMO, "", "# Project Pulse\n", &DEMO.replace('\n', "\r\n")] {
        let out = update(R, text, &u);
        let s = read(&out);
        assert_eq!(s.stage, u.stage);
        assert_eq!(s.run, u.run);
        assert_eq!(s.status, u.status);
        assert_eq!(s.last_activity, u.last_activity);
        assert_eq!(s.progress, Some(100));
        assert_eq!(Some(s.execution()), u.execution);
        assert_eq!(update(R, &out, &u), out, "idempotent on {text:?}");
    }
}

#[test]
fn crlf_files_stay_crlf_and_notes_survive() {
    let text = "# Project Pulse\r\n\r\n## Current Position\r\n\r\nStage: 1 of 2 (A)\r\n\
        My own note about the position.\r\n\r\n## Session Continuity\r\n\r\nResume file: None";
    let u = PulseUpdate {
        stage: Some("2 of 2 (B)".into()),
        status: Some("Ready to execute".into()),
        execution: Some(exec(None, Some(1), vec![])),
        ..Default::default()
    };
    let out = update(R, text, &u);
    assert_eq!(
        out,
        "# Project Pulse\r\n\r\n## Current Position\r\n\r\nStage: 2 of 2 (B)\r\n\
         My own note about the position.\r\nStatus: Ready to execute\r\n\r\n\
         ## Execution State\r\n\r\nLast completed run: None\r\nCurrent batch: 1\r\n\r\n\
         ### Pending Gates\r\n\r\nNone\r\n\r\n## Session Continuity\r\n\r\nResume file: None"
    );
}

#[test]
fn missing_sections_are_created_where_the_seed_puts_them() {
    let text = "# Project Pulse\n\n## Project Reference\n\nSee: .renn/track.md\n\n\
                ## Accumulated Context\n\nnotes\n";
    let u = PulseUpdate {
        stage: Some("1 of 3 (A)".into()),
        progress: Some(0),
        execution: Some(Execution::default()),
        ..Default::default()
    };
    let out = update(R, text, &u);
    assert_eq!(
        out,
        "# Project Pulse\n\n## Project Reference\n\nSee: .renn/track.md\n\n\
         ## Current Position\n\nStage: 1 of 3 (A)\nProgress: [░░░░░░░░░░] 0%\n\n\
         ## Accumulated Context\n\nnotes\n\n\
         ## Execution State\n\nLast completed run: None\nCurrent batch: None\n\n\
         ### Pending Gates\n\nNone\n"
    );
    // A file without a final newline gets one before what is appended.
    let out = update(R, "# P\n\nlast line", &u);
    assert_eq!(
        out,
        "# P\n\nlast line\n\n## Current Position\n\nStage: 1 of 3 (A)\nProgress: [░░░░░░░░░░] 0%\n\n\
         ## Execution State\n\nLast completed run: None\nCurrent batch: None\n\n\
         ### Pending Gates\n\nNone\n"
    );
}

#[test]
fn key_value_lines_in_other_shapes() {
    let text = "## Current Position\n\n**Stage:** 1 of 2\n- Run: 0 of 1\nStatus:\n\n## Other\n\nStatus: not mine\n";
    let s = read(text);
    assert_eq!(s.stage.as_deref(), Some("1 of 2"));
    assert_eq!(s.run.as_deref(), Some("0 of 1"));
    assert_eq!(s.status, None);
    let u = PulseUpdate {
        stage: Some("2 of 2".into()),
        run: Some("1 of 1".into()),
        status: Some("Done".into()),
        ..Default::default()
    };
    assert_eq!(
        added(text, &update(R, text, &u)),
        ["**Stage:** 2 of 2", "- Run: 1 of 1", "Status: Done"]
    );
    // Line breaks in a value would break the file's shape: they become spaces.
    let u = PulseUpdate {
        status: Some("two\r\nlines\n".into()),
        ..Default::default()
    };
    assert_eq!(
        read(&update(R, text, &u)).status.as_deref(),
        Some("two lines")
    );
}

#[test]
fn gate_lines_round_trip_and_reject_garbage() {
    let g = gate("03-03", 3, "Dashboard \\ layout", "Visit \"/dashboard\"");
    let line = execution::render_gate(&g);
    assert_eq!(
        line,
        r#"- 03-03: human-verify gate at task 3 "Dashboard \\ layout", awaiting "Visit \"/dashboard\"", recorded 2026-11-24"#
    );
    assert_eq!(execution::parse_gate(&line), Some(g));
    for bad in [
        "- 03-03: human-verify gate at task x \"a\", awaiting \"b\", recorded d",
        "- 03-03: push gate at task 3 \"a\", awaiting \"b\", recorded d",
        "- 03-03: human-verify gate at task 3 \"a, awaiting \"b\", recorded d",
        "- None",
        "None",
    ] {
        assert_eq!(execution::parse_gate(bad), None, "{bad}");
    }
}

#[test]
fn progress_helpers() {
    assert_eq!(percent(4, 10), 40);
    assert_eq!(percent(2, 3), 66);
    assert_eq!(percent(0, 0), 0);
    assert_eq!(percent(5, 3), 100);
    assert_eq!(progress_bar(40), "[████░░░░░░] 40%");
    assert_eq!(progress_bar(99), "[█████████░] 99%");
    assert_eq!(progress_bar(250), "[██████████] 100%");
    assert_eq!(percent_of("[████░░░░░░] 40%"), Some(40));
    assert_eq!(percent_of("about 7 % done"), None);
    assert_eq!(
        stage_position(DEMO_TRACK, &StageNumber::parse("2").unwrap()),
        "2 of 3 (Accounts)"
    );
    assert_eq!(
        stage_position(LETTER_TRACK, &StageNumber::parse("12a").unwrap()),
        "12A of 13 (Polish)"
    );
    assert_eq!(
        stage_position(DECIMAL_TRACK, &StageNumber::parse("2.1").unwrap()),
        "2.1 of 3 (Hotfix)"
    );
    assert_eq!(
        stage_position("", &StageNumber::parse("4").unwrap()),
        "4 of 4"
    );
}

#[test]
fn reconstruct_writes_every_section_and_reads_back() {
    let current = CurrentStage {
        number: StageNumber::parse("2").unwrap(),
        runs_complete: 1,
        runs_total: 6,
        last_completed_run: Some(id("02-01")),
    };
    let text = reconstruct(
        R,
        "Acme Notes",
        Some(DEMO_TRACK),
        Some(&current),
        "2026-11-24",
    );
    for section in [
        "## Project Reference",
        "## Current Position",
        "## Accumulated Context",
        "### Decisions",
        "### Pending Todos",
        "### Blockers/Concerns",
        "## Execution State",
        "## Session Continuity",
    ] {
        assert!(text.contains(&format!("\n{section}\n")), "{section}");
    }
    let s = read(&text);
    assert_eq!(s.stage.as_deref(), Some("2 of 3 (Accounts)"));
    assert_eq!(s.run.as_deref(), Some("1 of 6"));
    assert_eq!(s.status.as_deref(), Some("In progress"));
    assert_eq!(s.progress, Some(33));
    assert_eq!(s.last_completed_run, Some(id("02-01")));
    // Without a known stage: the track's first unchecked one; without a track: unknown.
    let s = read(&reconstruct(R, "x", Some(DEMO_TRACK), None, "d"));
    assert_eq!(s.stage.as_deref(), Some("2 of 3 (Accounts)"));
    assert_eq!(s.status.as_deref(), Some("Ready to plan"));
    let s = read(&reconstruct(R, "x", None, None, "d"));
    assert_eq!(s.stage.as_deref(), Some("unknown"));
}
