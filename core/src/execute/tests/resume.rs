//! Resumption from what is on disk: gate records (answered or not), and a stage whose
//! runs are all complete but which is not verified, recorded or committed.

use super::*;
use crate::gate::GateRecord;

const TRACK: &str = "# Track\n\n- [ ] **Stage 3: Auth** - users log in\n";
const TRACK_DONE: &str = "# Track\n\n- [x] **Stage 3: Auth** - users log in\n";
const PROOF: &str = ".renn/stages/03-auth/03-proof.md";

fn proof_file(status: &str) -> Option<FileOnDisk> {
    Some(FileOnDisk {
        path: PROOF.into(),
        text: format!("---\nstatus: {status}\n---\n"),
    })
}

fn disk(proof: Option<FileOnDisk>, track: &str, docs_dirty: bool) -> StageOnDisk {
    StageOnDisk {
        proof,
        track: Some(track.into()),
        docs_dirty,
        ..StageOnDisk::default()
    }
}

fn done_plan() -> Plan {
    plan_of(&[(1, 1), (2, 2)], &[1, 2])
}

/// The actions of `Start` for a stage resumed from `disk`.
fn start(plan: &Plan, settings: Settings, disk: &StageOnDisk) -> (StageRun, Vec<Action>) {
    next(resume(plan, settings, disk), Event::Start).unwrap()
}

fn resumed_at(actions: &[Action]) -> Option<&AfterRuns> {
    actions.iter().find_map(|a| match a {
        Action::Notify(Notice::Resumed { at }) => Some(at),
        _ => None,
    })
}

#[test]
fn the_facts_decide_the_step_after_the_runs() {
    let plan = done_plan();
    let at = |d: &StageOnDisk| after_runs(&plan, d);
    assert_eq!(at(&disk(None, TRACK, false)), AfterRuns::Audit);
    let unreadable = FileOnDisk {
        path: PROOF.into(),
        text: "no frontmatter".into(),
    };
    assert_eq!(at(&disk(Some(unreadable), TRACK, true)), AfterRuns::Audit);
    assert!(matches!(
        at(&disk(proof_file("passed"), TRACK, false)),
        AfterRuns::Route { .. }
    ));
    assert_eq!(
        at(&disk(proof_file("passed"), TRACK_DONE, true)),
        AfterRuns::Commit
    );
    assert_eq!(at(&disk(None, TRACK_DONE, false)), AfterRuns::Finished);
    let stale = StageOnDisk {
        proof_predates_a_recap: true,
        ..disk(proof_file("gaps_found"), TRACK, false)
    };
    assert_eq!(
        at(&stale),
        AfterRuns::Audit,
        "gap closure ran after that proof"
    );
    let other_stage = "- [x] **Stage 4: Billing** - pay\n- [ ] **Stage 3: Auth** - x\n";
    assert_eq!(at(&disk(None, other_stage, false)), AfterRuns::Audit);
}

#[test]
fn an_interrupted_auditor_runs_again_and_the_stage_completes() {
    let (state, actions) = start(&done_plan(), settings(), &disk(None, TRACK, false));
    assert_eq!(resumed_at(&actions), Some(&AfterRuns::Audit));
    assert!(actions.ends_with(&[Action::SpawnAuditor]));
    assert!(state.starts_agents());
    let (state, actions) = next(
        state,
        Event::AuditorExited {
            output: String::new(),
            exit: Exit::Success,
            stderr: String::new(),
        },
    )
    .unwrap();
    assert_eq!(actions, [Action::ReadProof]);
    let (_, actions) = next(
        state,
        Event::ProofRead {
            proof: proof_with("passed", ""),
        },
    )
    .unwrap();
    assert!(actions.contains(&Action::UpdateTrack));
    assert!(actions.iter().any(|a| matches!(a, Action::Commit { .. })));
}

#[test]
fn a_proof_written_before_the_kill_is_routed_not_audited_again() {
    let (state, actions) = start(
        &done_plan(),
        settings(),
        &disk(proof_file("passed"), TRACK, false),
    );
    assert!(!state.starts_agents());
    assert!(!actions.contains(&Action::SpawnAuditor));
    assert!(actions.contains(&Action::UpdateTrack));
    assert!(actions.contains(&Action::Finish(Outcome::Completed)));
    let (state, actions) = start(
        &done_plan(),
        settings(),
        &disk(proof_file("human_needed"), TRACK, false),
    );
    assert!(actions
        .iter()
        .any(|a| matches!(a, Action::AskVerification { .. })));
    assert_eq!(state.phase, Phase::HumanVerification);
}

#[test]
fn a_marked_but_uncommitted_stage_is_committed_and_a_finished_one_left_alone() {
    let (_, actions) = start(&done_plan(), settings(), &disk(None, TRACK_DONE, true));
    assert!(actions.iter().any(|a| matches!(a, Action::Commit { .. })));
    let (_, actions) = start(&done_plan(), settings(), &disk(None, TRACK_DONE, false));
    assert_eq!(
        actions[1..],
        [Action::OfferNext, Action::Finish(Outcome::Completed)]
    );
    let no_auditor = Settings {
        auditor: false,
        ..settings()
    };
    let (state, actions) = start(&done_plan(), no_auditor, &disk(None, TRACK, false));
    assert!(!state.starts_agents());
    assert!(actions.contains(&Action::UpdateTrack) && !actions.contains(&Action::SpawnAuditor));
}

#[test]
fn nothing_to_run_finishes_without_recording_anything() {
    let one_batch = Settings {
        only_batch: Some(1),
        ..settings()
    };
    let state = resume(&done_plan(), one_batch, &StageOnDisk::default());
    assert!(!state.has_work());
    let (_, actions) = next(state, Event::Start).unwrap();
    assert_eq!(actions, [Action::Finish(Outcome::NothingToRun)]);
}

fn record(n: u32, answer: Option<&str>) -> FileOnDisk {
    let run = id(n);
    FileOnDisk {
        path: GateRecord::path(".renn/stages/03-auth", &run),
        text: GateRecord {
            start: Some("c".repeat(40)),
            output: gate_output(n, "human-verify"),
            answer: answer.map(str::to_string),
        }
        .render(),
    }
}

#[test]
fn an_unanswered_gate_is_asked_again_and_an_answered_one_continues() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[]);
    let disk = StageOnDisk {
        gates: vec![
            record(1, None),
            record(2, Some("looks wrong: the button is blue")),
        ],
        ..StageOnDisk::default()
    };
    let (state, actions) = start(&plan, settings(), &disk);
    assert!(actions.contains(&Action::AskGate {
        run: id(1),
        gate: state.run(&id(1)).unwrap().gate.clone().unwrap(),
    }));
    let issues = GateResponse::Issues("looks wrong: the button is blue".into());
    assert!(
        actions.contains(&Action::Notify(Notice::ContinuationResumed {
            run: id(2),
            response: issues.clone(),
        }))
    );
    let spawn = actions.iter().find_map(|a| match a {
        Action::SpawnRunner { run, prompt, .. } if run == &id(2) => Some(prompt),
        _ => None,
    });
    assert!(
        matches!(spawn, Some(PromptSpec::Continuation { response, gate }) if *response == issues && gate.current_task == 2),
        "{actions:?}"
    );
    // The rows the first runner reported still count for the continuation.
    assert_eq!(state.run(&id(2)).unwrap().earlier_rows.len(), 1);
    assert_eq!(spawned(&actions), [id(2)], "run 1 waits for its answer");
}

#[test]
fn a_record_for_another_run_or_without_a_gate_is_ignored() {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut wrong = record(1, None);
    wrong.path = GateRecord::path(".renn/stages/03-auth", &id(2));
    let garbage = FileOnDisk {
        path: GateRecord::path(".renn/stages/03-auth", &id(1)),
        text: "half a file".into(),
    };
    for gates in [vec![wrong], vec![garbage]] {
        let disk = StageOnDisk {
            gates,
            ..StageOnDisk::default()
        };
        let (_, actions) = start(&plan, settings(), &disk);
        assert_eq!(spawned(&actions), [id(1), id(2)], "both run from scratch");
    }
}

#[test]
fn what_is_on_disk_arrives_as_plain_data() {
    let value = serde_json::json!({"gates": [{"path": "a", "text": "b"}], "docs_dirty": true});
    let disk = StageOnDisk::from_json(value).unwrap();
    assert!(disk.docs_dirty && disk.proof.is_none() && disk.gates.len() == 1);
    let e = StageOnDisk::from_json(serde_json::json!({"gates": "no"})).unwrap_err();
    assert_eq!(e.code(), crate::Code::BadOnDisk);
}

#[test]
fn the_docs_commit_takes_the_proof_found_on_disk_whatever_its_name() {
    let path = ".renn/stages/03-auth/03-verification-proof.md";
    let proof = |track: &str, dirty| StageOnDisk {
        proof: Some(FileOnDisk {
            path: path.into(),
            text: "---\nstatus: passed\n---\n".into(),
        }),
        ..disk(None, track, dirty)
    };
    // Routed now, or committed after an earlier execution marked the track.
    for disk in [proof(TRACK, false), proof(TRACK_DONE, true)] {
        let (_, actions) = start(&done_plan(), settings(), &disk);
        let files = actions.iter().find_map(|a| match a {
            Action::Commit { files, .. } => Some(files.clone()),
            _ => None,
        });
        assert!(
            files.is_some_and(|f| f.contains(&path.to_string())),
            "{actions:?}"
        );
    }
}
