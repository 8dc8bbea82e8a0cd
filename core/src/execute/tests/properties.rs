//! Random hosts: whatever sequence of answers (and nonsense) a host sends, the state
//! stays consistent, no run is spawned while an agent already works on it, and a
//! completed run is never spawned again.

use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Shape {
    batches: Vec<u32>,
    settings: Settings,
    choices: Vec<u8>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        proptest::collection::vec(1u32..4, 1..7),
        any::<bool>(),
        proptest::option::of(1u32..3),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..80),
    )
        .prop_map(
            |(mut batches, parallel, max, policy, auditor, commit_docs, choices)| {
                batches.sort();
                let on_failure =
                    [OnFailure::Ask, OnFailure::Continue, OnFailure::Stop][policy as usize];
                Shape {
                    batches,
                    settings: Settings {
                        retries: Default::default(),
                        layout: Default::default(),
                        parallel,
                        max_concurrent: max,
                        on_failure,
                        auditor,
                        commit_docs,
                        only_batch: None,
                    },
                    choices,
                }
            },
        )
}

/// An event a host might send now: usually a sensible answer, sometimes nonsense.
fn pick(state: &StageRun, c: u8) -> Event {
    let runs: Vec<&RunState> = state.runs.iter().collect();
    let any_run = runs[c as usize % runs.len()].id.clone();
    if c % 11 == 0 {
        // Nonsense: an event for whatever run, whatever its state.
        return Event::GateAnswered {
            run: any_run,
            response: GateResponse::Approved,
        };
    }
    let waiting = |s: RunStatus| runs.iter().find(|r| r.status == s).map(|r| r.id.clone());
    match &state.phase {
        Phase::Ready => Event::Start,
        Phase::FailureChoice { .. } => Event::FailureChosen {
            choice: [
                FailureChoice::Continue,
                FailureChoice::Stop,
                FailureChoice::Retry,
            ][c as usize % 3],
        },
        Phase::Auditing => Event::AuditorExited {
            stderr: String::new(),
            output: String::new(),
            exit: if c % 5 == 0 {
                Exit::Failed { code: Some(1) }
            } else {
                Exit::Success
            },
        },
        Phase::ReadingProof => Event::ProofRead {
            proof: proof_with(
                ["passed", "gaps_found", "human_needed"][c as usize % 3],
                "## Human Verification\n- a\n",
            ),
        },
        Phase::HumanVerification => Event::HumanVerified {
            verification: if c % 2 == 0 {
                Verification::Approved
            } else {
                Verification::Issues("no".into())
            },
        },
        Phase::Finished { .. } => Event::Start,
        Phase::Batch { .. } => {
            if let Some(run) = waiting(RunStatus::Merging).filter(|_| c % 3 != 0) {
                return match c % 4 {
                    0 => Event::MergeConflict {
                        run,
                        branch: "renn/run-x".into(),
                        files: vec!["a".into()],
                    },
                    _ => Event::Merged { run },
                };
            }
            if let Some(run) = waiting(RunStatus::Checking).filter(|_| c % 3 != 0) {
                let recap = (c % 7 != 0).then(|| "**r**".to_string());
                // Some hosts isolate the run; some of those find its branch reset.
                let branch = (c % 2 == 0).then(|| RunBranch {
                    name: format!("renn/run-{run}"),
                    fork: "f".repeat(40),
                    holds_fork: c % 13 != 0,
                    stage_holds_fork: true,
                });
                return Event::Evidence {
                    run,
                    recap,
                    missing_commits: vec![],
                    outside_run: vec![],
                    branch,
                };
            }
            if let Some(run) = waiting(RunStatus::AtGate).filter(|_| c % 2 == 0) {
                return match c % 9 {
                    0 => Event::GateUnresolved {
                        run,
                        give_up: GiveUp::Skip,
                    },
                    1 => Event::GateUnresolved {
                        run,
                        give_up: GiveUp::Abort,
                    },
                    _ => Event::GateAnswered {
                        run,
                        response: GateResponse::Issues("fix".into()),
                    },
                };
            }
            let run = waiting(RunStatus::Running).unwrap_or(any_run);
            let n = run.run;
            let (output, exit) = match c % 6 {
                0 => (gate_output(n, "human-verify"), Exit::Success),
                1 => ("garbage".to_string(), Exit::Success),
                2 => (String::new(), Exit::Failed { code: Some(1) }),
                _ => (complete_output(n), Exit::Success),
            };
            Event::RunnerExited {
                run,
                output,
                exit,
                stderr: String::new(),
            }
        }
    }
}

fn check(before: &StageRun, after: &StageRun, actions: &[Action], retry: bool) {
    for a in actions {
        if let Action::SpawnRunner { run, .. } = a {
            let was = before.run(run).unwrap().status;
            assert!(!was.is_active(), "{run} spawned while {was:?}");
            assert_ne!(was, RunStatus::Done, "{run} re-spawned after completion");
            assert_eq!(after.run(run).unwrap().status, RunStatus::Running);
        }
    }
    let limit = match (after.settings.parallel, after.settings.max_concurrent) {
        (false, _) => 1,
        (true, Some(n)) => n as usize,
        (true, None) => usize::MAX,
    };
    assert!(after.runs.iter().filter(|r| r.status.is_active()).count() <= limit);
    for a in actions {
        // Only a believed run is merged, and only once.
        if let Action::MergeBack { run, .. } = a {
            assert_eq!(before.run(run).unwrap().status, RunStatus::Checking);
            assert_eq!(after.run(run).unwrap().status, RunStatus::Merging);
        }
    }
    for (b, a) in before.runs.iter().zip(&after.runs) {
        // Every run that fails is set aside, so it never counts as complete later.
        let set_aside = actions
            .iter()
            .any(|x| matches!(x, Action::SetAside { run, .. } if run == &a.id));
        let failed_now = b.status != RunStatus::Failed && a.status == RunStatus::Failed;
        assert_eq!(set_aside, failed_now, "{a:?}");
        if a.status == RunStatus::Done && b.status != RunStatus::Done {
            assert!(matches!(b.status, RunStatus::Checking | RunStatus::Merging));
        }
        assert_eq!(a.status == RunStatus::AtGate, a.gate.is_some(), "{a:?}");
        assert!(a.status != RunStatus::Done || a.recap.is_some());
        assert!(a.status != RunStatus::Failed || a.failure.is_some());
        assert!(a.spawns >= b.spawns);
        let retried = retry && b.status == RunStatus::Failed && a.status != RunStatus::Failed;
        if b.status.is_settled() && !retried {
            assert_eq!(
                a.status, b.status,
                "a settled run never changes but by a retry"
            );
        }
        // A run whose dependency did not complete never starts.
        if a.status.is_active() && b.status == RunStatus::Pending {
            for dep in &a.depends_on {
                let dep = after.run(dep).map(|d| d.status);
                assert!(dep.is_none_or(|s| s == RunStatus::Done), "{a:?}");
            }
        }
    }
    if let Phase::Batch { index } = after.phase {
        let current = after.batches[index];
        for r in after.runs.iter().filter(|r| r.batch > current) {
            assert_eq!(r.status, RunStatus::Pending, "later batches wait");
        }
        for r in after.runs.iter().filter(|r| r.batch < current) {
            assert!(r.status.is_settled(), "earlier batches have settled");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_event_sequence_breaks_the_rules(s in shape()) {
        let runs: Vec<(u32, u32)> = s.batches.iter().enumerate().map(|(i, b)| (i as u32 + 1, *b)).collect();
        let plan = plan_of(&runs, &[]);
        let mut state = StageRun::new(&plan, s.settings.clone());
        for &c in &s.choices {
            // A host may save the state at any step and go on from the restored copy.
            let restored = StageRun::restore(state.save()).expect("a saved state restores");
            prop_assert_eq!(&restored, &state);
            let event = pick(&state, c);
            let again = next(restored, event.clone()).map(|(s, a)| (s.save(), a));
            let event_was = event.clone();
            if let Ok((after, actions)) = next(state.clone(), event) {
                prop_assert_eq!(again.as_ref().ok(), Some(&(after.save(), actions.clone())));
                let retry = matches!(event_was, Event::FailureChosen { choice: FailureChoice::Retry });
                check(&state, &after, &actions, retry);
                let finishes = actions.iter().filter(|a| matches!(a, Action::Finish(_))).count();
                prop_assert_eq!(finishes > 0, after.is_finished() && !state.is_finished());
                state = after;
            }
        }
    }
}
