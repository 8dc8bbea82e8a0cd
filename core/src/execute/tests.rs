//! One table test per rule of the seed, then properties over random event sequences.

mod dependents;
mod evidence;
mod failures;
mod merges;
mod properties;
mod resume;

use super::*;
use crate::gate::GateResponse;
use crate::proof;
use crate::{PlanOptions, Project, Snapshot};

/// A stage whose runs are `(run number, batch, autonomous)`.
pub(super) fn plan_of(runs: &[(u32, u32)], complete: &[u32]) -> Plan {
    let mut snap = Snapshot::new();
    for &(n, batch) in runs {
        let text = format!(
            "---\nstage: 03-auth\nrun: {n}\nbatch: {batch}\n---\n<objective>Part {n}</objective>\n<tasks><task type=\"auto\"><name>t</name></task></tasks>\n"
        );
        snap = snap.with_file(format!(".renn/stages/03-auth/03-{n:02}-run.md"), text);
    }
    for n in complete {
        snap = snap.with_file(
            format!(".renn/stages/03-auth/03-{n:02}-recap.md"),
            "**done**",
        );
    }
    Project::new(snap)
        .unwrap()
        .plan("3", PlanOptions::default())
        .unwrap()
}

pub(super) fn settings() -> Settings {
    Settings {
        retries: Default::default(),
        layout: Default::default(),
        parallel: true,
        max_concurrent: None,
        on_failure: OnFailure::Ask,
        auditor: true,
        commit_docs: true,
        only_batch: None,
    }
}

pub(super) fn id(n: u32) -> RunId {
    RunId::parse(&format!("03-{n:02}")).unwrap()
}

pub(super) fn complete_output(n: u32) -> String {
    format!("Done.\n\n## RUN COMPLETE\n**Run:** 03-{n:02} **Tasks:** 1/1\n\n| Task | Name | Commit | Files |\n|---|---|---|---|\n| 1 | t | abc{n:04} | a.rs |\n")
}

pub(super) fn gate_output(n: u32, kind: &str) -> String {
    format!("## GATE REACHED\n**Type:** {kind}\n**Run:** 03-{n:02}\n**Progress:** 1/2 tasks complete\n### Completed Tasks\n| Task | Name | Commit | Files |\n|--|--|--|--|\n| 1 | a | abc1234 | a.rs |\n### Current Task\n**Task 2:** Check it\n**Status:** awaiting verification\n### Gate Details\nLook at it.\n### Awaiting\nSay approved.\n")
}

/// Drives the machine, panicking on rejection, returning every action.
struct Driver {
    state: StageRun,
}

impl Driver {
    fn new(plan: &Plan, settings: Settings) -> Self {
        Self {
            state: StageRun::new(plan, settings),
        }
    }

    fn send(&mut self, event: Event) -> Vec<Action> {
        let (state, actions) = next(self.state.clone(), event).expect("event fits");
        self.state = state;
        actions
    }

    fn complete(&mut self, n: u32) -> Vec<Action> {
        let mut a = self.send(Event::RunnerExited {
            stderr: String::new(),
            run: id(n),
            output: complete_output(n),
            exit: Exit::Success,
        });
        a.extend(self.send(Event::Evidence {
            run: id(n),
            recap: Some("**ok**".into()),
            missing_commits: vec![],
            outside_run: vec![],
            branch: None,
        }));
        a
    }
}

fn spawned(actions: &[Action]) -> Vec<RunId> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::SpawnRunner { run, .. } => Some(run.clone()),
            _ => None,
        })
        .collect()
}

fn finished(actions: &[Action]) -> Option<&Outcome> {
    actions.iter().find_map(|a| match a {
        Action::Finish(o) => Some(o),
        _ => None,
    })
}

fn proof_with(status: &str, body: &str) -> Result<proof::Proof, String> {
    let path = ".renn/stages/03-auth/03-proof.md";
    proof::parse(path, &format!("---\nstatus: {status}\n---\n{body}")).map_err(|d| d.message)
}

#[test]
fn parallel_happy_path_runs_every_batch_audits_and_commits() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[]);
    let mut d = Driver::new(&plan, settings());
    assert_eq!(spawned(&d.send(Event::Start)), [id(1), id(2)]);
    let a = d.complete(1);
    assert!(spawned(&a).is_empty(), "batch 2 waits for all of batch 1");
    let a = d.complete(2);
    assert!(a.contains(&Action::Notify(Notice::BatchCompleted { batch: 1 })));
    assert_eq!(spawned(&a), [id(3)]);
    let a = d.complete(3);
    assert!(a.contains(&Action::SpawnAuditor));
    assert_eq!(
        d.send(Event::AuditorExited {
            stderr: String::new(),
            output: String::new(),
            exit: Exit::Success
        }),
        [Action::ReadProof]
    );
    let a = d.send(Event::ProofRead {
        proof: proof_with("passed", ""),
    });
    assert!(a.contains(&Action::UpdateTrack));
    assert!(a.contains(&Action::Commit {
        files: vec![
            ".renn/track.md".into(),
            ".renn/pulse.md".into(),
            ".renn/stages/03-auth/03-proof.md".into()
        ],
        if_changed: vec![".renn/specs.md".into()],
        message: "docs(stage-03): complete stage execution".into(),
    }));
    assert!(a.contains(&Action::OfferNext));
    assert_eq!(finished(&a), Some(&Outcome::Completed));
}

#[test]
fn sequential_batches_run_one_at_a_time_and_limits_cap_parallelism() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 1)], &[]);
    let mut d = Driver::new(
        &plan,
        Settings {
            parallel: false,
            ..settings()
        },
    );
    assert_eq!(spawned(&d.send(Event::Start)), [id(1)]);
    assert_eq!(spawned(&d.complete(1)), [id(2)]);
    let mut d = Driver::new(
        &plan,
        Settings {
            max_concurrent: Some(2),
            ..settings()
        },
    );
    assert_eq!(spawned(&d.send(Event::Start)), [id(1), id(2)]);
    assert_eq!(spawned(&d.complete(2)), [id(3)]);
}

#[test]
fn a_run_is_done_only_with_its_recap_and_commits() {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    let a = d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: complete_output(1),
        exit: Exit::Success,
    });
    assert_eq!(
        a,
        [Action::CheckEvidence {
            run: id(1),
            recap_path: ".renn/stages/03-auth/03-01-recap.md".into(),
            commits: vec!["abc0001".into()]
        }]
    );
    d.send(Event::Evidence {
        run: id(1),
        recap: None,
        missing_commits: vec![],
        outside_run: vec![],
        branch: None,
    });
    let failure = d.state.run(&id(1)).unwrap().failure.clone().unwrap();
    assert_eq!(
        failure,
        "the runner said RUN COMPLETE but .renn/stages/03-auth/03-01-recap.md does not exist"
    );
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(2),
        output: complete_output(2),
        exit: Exit::Success,
    });
    d.send(Event::Evidence {
        run: id(2),
        recap: Some("r".into()),
        missing_commits: vec!["abc0002".into()],
        outside_run: vec![],
        branch: None,
    });
    assert!(d
        .state
        .run(&id(2))
        .unwrap()
        .failure
        .as_ref()
        .unwrap()
        .contains("task 1 \"t\": commit abc0002 does not exist"));
}

#[test]
fn failures_name_their_reason() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 1), (4, 1)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    let cases = [
        (
            1,
            "All done!",
            Exit::Success,
            "no `## RUN COMPLETE` or `## GATE REACHED` block",
        ),
        (
            2,
            "",
            Exit::Failed { code: Some(2) },
            "the runner exited with status 2",
        ),
        (
            3,
            "",
            Exit::TimedOut { seconds: 60 },
            "the runner timed out after 60 s",
        ),
        (
            4,
            &complete_output(1),
            Exit::Success,
            "RUN COMPLETE for 03-01 instead of 03-04",
        ),
    ];
    for (n, output, exit, reason) in cases {
        let a = d.send(Event::RunnerExited {
            stderr: String::new(),
            run: id(n),
            output: output.into(),
            exit,
        });
        let Some(Action::Notify(Notice::RunFailed { reason: got, .. })) = a.first() else {
            panic!("{a:?}")
        };
        assert!(got.contains(reason), "{got}");
    }
}

#[test]
fn a_failed_run_asks_and_the_answer_decides() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: "x".into(),
        exit: Exit::Success,
    });
    let a = d.complete(2);
    assert!(matches!(a.last(), Some(Action::AskFailure { failed }) if failed[0].0 == id(1)));
    let mut stop = Driver {
        state: d.state.clone(),
    };
    let a = stop.send(Event::FailureChosen {
        choice: FailureChoice::Stop,
    });
    assert!(matches!(finished(&a), Some(Outcome::Stopped { .. })));
    let a = d.send(Event::FailureChosen {
        choice: FailureChoice::Continue,
    });
    assert_eq!(
        spawned(&a),
        [id(3)],
        "continue: a run that does not depend on it still runs"
    );
    let a = d.complete(3);
    assert_eq!(
        finished(&a),
        Some(&Outcome::Incomplete),
        "no audit with a failed run"
    );
}

#[test]
fn on_failure_flags_decide_without_asking() {
    let plan = plan_of(&[(1, 1), (2, 2)], &[]);
    for (policy, expect_spawn) in [(OnFailure::Continue, true), (OnFailure::Stop, false)] {
        let mut d = Driver::new(
            &plan,
            Settings {
                on_failure: policy,
                ..settings()
            },
        );
        d.send(Event::Start);
        let a = d.send(Event::RunnerExited {
            stderr: String::new(),
            run: id(1),
            output: "?".into(),
            exit: Exit::Success,
        });
        assert_eq!(spawned(&a) == [id(2)], expect_spawn, "{policy:?}");
    }
}

#[test]
fn every_run_of_a_batch_failing_is_systemic() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: String::new(),
        exit: Exit::Failed { code: Some(128) },
    });
    let a = d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(2),
        output: String::new(),
        exit: Exit::Failed { code: Some(128) },
    });
    assert_eq!(finished(&a), Some(&Outcome::Systemic { batch: 1 }));
}

#[test]
fn gates_wait_while_the_batch_goes_on_and_repeat_until_done() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    let a = d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: gate_output(1, "human-verify"),
        exit: Exit::Success,
    });
    assert!(
        matches!(a.last(), Some(Action::AskGate { run, gate }) if *run == id(1) && gate.current_task == 2)
    );
    let Some(Action::RecordProgress(p)) = a.iter().find(|a| matches!(a, Action::RecordProgress(_)))
    else {
        panic!()
    };
    assert_eq!(p.pending_gates.len(), 1);
    assert!(
        spawned(&d.complete(2)).is_empty(),
        "the next batch waits for the gate"
    );
    let issues = GateResponse::Issues("button is red".into());
    let a = d.send(Event::GateAnswered {
        run: id(1),
        response: issues.clone(),
    });
    let cont = a.iter().find_map(|a| match a {
        Action::SpawnRunner {
            prompt: PromptSpec::Continuation { gate, response },
            ..
        } => Some((gate, response)),
        _ => None,
    });
    assert_eq!(cont.map(|c| (c.0.current_task, c.1)), Some((2, &issues)));
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: gate_output(1, "human-verify"),
        exit: Exit::Success,
    });
    let a = d.send(Event::GateAnswered {
        run: id(1),
        response: GateResponse::Approved,
    });
    assert_eq!(spawned(&a), [id(1)]);
    assert_eq!(spawned(&d.complete(1)), [id(3)]);
    assert_eq!(d.state.run(&id(1)).unwrap().gates_passed, 2);
    assert_eq!(
        d.state.choices,
        [
            Choice::Gate {
                run: id(1),
                response: issues
            },
            Choice::Gate {
                run: id(1),
                response: GateResponse::Approved
            }
        ],
        "every accepted answer is recorded, in order"
    );
    assert_eq!(d.state.run(&id(1)).unwrap().spawns, 3);
}

#[test]
fn an_unresolvable_gate_skips_the_run_or_aborts_the_stage() {
    let plan = plan_of(&[(1, 1), (2, 2)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: gate_output(1, "decision"),
        exit: Exit::Success,
    });
    let mut abort = Driver {
        state: d.state.clone(),
    };
    let a = abort.send(Event::GateUnresolved {
        run: id(1),
        give_up: GiveUp::Abort,
    });
    assert!(matches!(finished(&a), Some(Outcome::Stopped { reason }) if reason.contains("03-01")));
    let a = d.send(Event::GateUnresolved {
        run: id(1),
        give_up: GiveUp::Skip,
    });
    assert!(a.contains(&Action::Notify(Notice::RunSkipped { run: id(1) })));
    assert_eq!(spawned(&a), [id(2)]);
    assert_eq!(finished(&d.complete(2)), Some(&Outcome::Incomplete));
}

#[test]
fn proof_routes_human_needed_and_gaps() {
    let plan = plan_of(&[(1, 1)], &[]);
    let audited = || {
        let mut d = Driver::new(&plan, settings());
        d.send(Event::Start);
        d.complete(1);
        d.send(Event::AuditorExited {
            stderr: String::new(),
            output: String::new(),
            exit: Exit::Success,
        });
        d
    };
    let mut d = audited();
    let a = d.send(Event::ProofRead {
        proof: proof_with(
            "passed",
            "## Human Verification Required\n- Try it on a phone\n",
        ),
    });
    assert!(
        matches!(a.last(), Some(Action::AskVerification { checklist }) if checklist == &["Try it on a phone"])
    );
    assert_eq!(
        finished(&d.send(Event::HumanVerified {
            verification: Verification::Approved
        })),
        Some(&Outcome::Completed)
    );
    let mut d = audited();
    d.send(Event::ProofRead {
        proof: proof_with("human_needed", "## Human Verification\n- x\n"),
    });
    let a = d.send(Event::HumanVerified {
        verification: Verification::Issues("broken".into()),
    });
    assert_eq!(finished(&a), Some(&Outcome::GapsFound));
    let mut d = audited();
    assert_eq!(
        finished(&d.send(Event::ProofRead {
            proof: proof_with("gaps_found", "")
        })),
        Some(&Outcome::GapsFound)
    );
    let mut d = audited();
    let a = d.send(Event::ProofRead {
        proof: Err("no proof.md".into()),
    });
    assert!(
        matches!(finished(&a), Some(Outcome::Stopped { reason }) if reason.contains("no proof.md"))
    );
}

#[test]
fn commit_docs_off_and_auditor_off() {
    let plan = plan_of(&[(1, 1)], &[]);
    let mut d = Driver::new(
        &plan,
        Settings {
            auditor: false,
            commit_docs: false,
            ..settings()
        },
    );
    d.send(Event::Start);
    let a = d.complete(1);
    assert!(
        a.contains(&Action::UpdateTrack) && a.contains(&Action::Notify(Notice::DocsCommitSkipped))
    );
    assert!(!a
        .iter()
        .any(|a| matches!(a, Action::Commit { .. } | Action::SpawnAuditor)));
}

#[test]
fn one_batch_only() {
    let plan = plan_of(&[(1, 1), (2, 2), (3, 3)], &[]);
    let mut d = Driver::new(
        &plan,
        Settings {
            only_batch: Some(2),
            ..settings()
        },
    );
    assert_eq!(spawned(&d.send(Event::Start)), [id(2)]);
    assert_eq!(
        finished(&d.complete(2)),
        Some(&Outcome::BatchDone { batch: 2 })
    );
}

#[test]
fn resumption_skips_completed_runs_and_asks_recorded_gates_again() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[1]);
    let gate = match crate::returns::parse(&gate_output(2, "human-action")).unwrap() {
        crate::returns::AgentReturn::Gate(g) => g,
        _ => unreachable!(),
    };
    let mut d = Driver {
        state: StageRun::new(&plan, settings()).with_recorded_gate(gate, None),
    };
    assert_eq!(d.state.already_complete, [id(1)]);
    let a = d.send(Event::Start);
    assert!(spawned(&a).is_empty(), "no run is started twice");
    assert!(matches!(a.last(), Some(Action::AskGate { run, .. }) if *run == id(2)));
    let a = d.send(Event::GateAnswered {
        run: id(2),
        response: GateResponse::Done,
    });
    assert_eq!(spawned(&a), [id(2)]);
    let Some(Action::RecordProgress(p)) = d
        .complete(2)
        .into_iter()
        .find(|a| matches!(a, Action::RecordProgress(_)))
    else {
        panic!()
    };
    assert_eq!(
        (p.runs_done, p.runs_total, p.last_completed_run),
        (2, 3, Some(id(2)))
    );
}

#[test]
fn events_that_do_not_fit_are_rejected_without_change() {
    let plan = plan_of(&[(1, 1), (2, 2)], &[]);
    let state = StageRun::new(&plan, settings());
    let e = next(
        state.clone(),
        Event::RunnerExited {
            stderr: String::new(),
            run: id(2),
            output: String::new(),
            exit: Exit::Success,
        },
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "event runner_exited does not apply now: run 03-02 is Pending, not Running"
    );
    let (started, _) = next(state, Event::Start).unwrap();
    assert!(next(started.clone(), Event::Start).is_err());
    assert!(next(
        started.clone(),
        Event::FailureChosen {
            choice: FailureChoice::Continue
        }
    )
    .is_err());
    assert!(next(
        started.clone(),
        Event::GateAnswered {
            run: id(9),
            response: GateResponse::Approved
        }
    )
    .is_err());
    assert!(
        started.choices.is_empty(),
        "rejected answers are not recorded"
    );
}

#[test]
fn events_as_plain_data_round_trip_and_step_in_place() {
    let plan = plan_of(&[(1, 1)], &[]);
    let mut state = StageRun::new(&plan, settings());
    let start = Event::from_json(serde_json::json!({"event": "start"})).unwrap();
    let spawned_now = spawned(&state.step(start).unwrap());
    assert_eq!(spawned_now, [id(1)]);
    let exited = Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: complete_output(1),
        exit: Exit::Failed { code: Some(2) },
    };
    let json = serde_json::to_value(&exited).unwrap();
    assert_eq!(
        json["exit"],
        serde_json::json!({"exit": "failed", "code": 2})
    );
    assert_eq!(Event::from_json(json).unwrap(), exited);

    for bad in [
        serde_json::json!({"event": "explode"}),
        serde_json::json!({"event": "runner_exited", "run": "03-01"}),
        serde_json::json!({"event": "gate_answered", "run": "nonsense", "response": {"kind": "approved"}}),
    ] {
        let err = Event::from_json(bad.clone()).unwrap_err();
        assert_eq!(err.code(), "bad-event", "{bad}");
    }
    let before = state.clone();
    let err = state.step(Event::Start).unwrap_err();
    assert_eq!(err.code(), "rejected-event");
    assert_eq!(state, before, "a rejected event leaves the state as it was");
}
