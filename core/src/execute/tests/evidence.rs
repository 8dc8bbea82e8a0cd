//! When a RUN COMPLETE is believed: one case per way a real runner has claimed
//! completion without the work to show for it, and the legitimate no-changes task.

use super::*;

/// Run 03-01 with two tasks, `Add login form` and `Run the suite`; `gate` puts a
/// human-verify gate between them and a third task, `Polish`, after it.
fn plan(gate: bool) -> Plan {
    let tasks = if gate {
        "<task type=\"auto\"><name>Add login form</name></task>\n<task type=\"checkpoint:human-verify\" gate=\"blocking\"><what-built>form</what-built></task>\n<task type=\"auto\"><name>Task 3: Polish</name></task>"
    } else {
        "<task type=\"auto\"><name>Add login form</name></task>\n<task type=\"auto\"><name>Run the suite</name></task>"
    };
    let text = format!(
        "---\nstage: 03-auth\nrun: 1\nbatch: 1\nautonomous: {}\n---\n<objective>Login</objective>\n<tasks>\n{tasks}\n</tasks>\n",
        !gate
    );
    let snap = Snapshot::new().with_file(".renn/stages/03-auth/03-01-run.md", text);
    Project::new(snap)
        .unwrap()
        .plan("3", PlanOptions::default())
        .unwrap()
}

fn complete(tasks: &str, rows: &[(u32, &str)]) -> String {
    let rows: String = rows
        .iter()
        .map(|(n, commit)| format!("| {n} | task {n} | {commit} | a.rs |\n"))
        .collect();
    format!("## RUN COMPLETE\n**Run:** 03-01 **Tasks:** {tasks}\n\n| Task | Name | Commit | Files |\n|---|---|---|---|\n{rows}")
}

fn started(plan: &Plan) -> Driver {
    let mut d = Driver::new(plan, settings());
    d.send(Event::Start);
    d
}

fn exited(d: &mut Driver, output: String) -> Vec<Action> {
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output,
        exit: Exit::Success,
    })
}

fn failure(d: &Driver) -> Option<String> {
    d.state.run(&id(1)).unwrap().failure.clone()
}

fn asks_the_host(actions: &[Action]) -> bool {
    actions
        .iter()
        .any(|a| matches!(a, Action::CheckEvidence { .. }))
}

#[test]
fn a_table_without_evidence_for_every_task_fails_before_the_host_is_asked() {
    // (Tasks field, rows, what the failure names)
    type Case<'a> = (&'a str, &'a [(u32, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            "2/2",
            &[],
            "no row for task 1 \"Add login form\"; no row for task 2 \"Run the suite\"",
        ),
        (
            "2/2",
            &[(1, "—"), (2, "-")],
            "task 1 \"Add login form\" has no commit (write its hash, or `no changes: <reason>` when it changed nothing); task 2 \"Run the suite\" has no commit",
        ),
        ("2/2", &[(1, "abc1234")], "no row for task 2 \"Run the suite\""),
        (
            "0/2",
            &[(1, "abc1234"), (2, "def5678")],
            "it reports only 0/2 tasks done",
        ),
        (
            "2/2",
            &[(1, "abc1234"), (2, "No changes")],
            "task 2 \"Run the suite\" says no changes but gives no reason",
        ),
        (
            "2/2",
            &[(1, "abc1234"), (2, "")],
            "task 2 \"Run the suite\" has no commit",
        ),
    ];
    for (tasks, rows, expected) in cases {
        let mut d = started(&plan(false));
        let a = exited(&mut d, complete(tasks, rows));
        assert!(!asks_the_host(&a), "{tasks} {rows:?}");
        let why = failure(&d).unwrap_or_else(|| panic!("{rows:?} passed"));
        assert!(
            why.starts_with("the runner said RUN COMPLETE but ") && why.contains(expected),
            "{rows:?}: {why}"
        );
        assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Failed);
    }
}

#[test]
fn a_verification_only_task_passes_with_a_reason_the_recap_repeats() {
    for cell in [
        "no changes: only ran the test suite",
        "No changes — only ran the test suite",
        "no changes - only ran the test suite",
    ] {
        let mut d = started(&plan(false));
        let a = exited(&mut d, complete("2/2", &[(1, "abc1234"), (2, cell)]));
        assert!(a.contains(&Action::CheckEvidence {
            run: id(1),
            recap_path: ".renn/stages/03-auth/03-01-recap.md".into(),
            commits: vec!["abc1234".into()],
        }));
        let recap =
            "**Login form**\n\n| 2 | Run the suite | no changes: Only ran the *test suite* |";
        let a = d.send(Event::Evidence {
            run: id(1),
            recap: Some(recap.into()),
            missing_commits: vec![],
            outside_run: vec![],
            branch: None,
        });
        assert_eq!(failure(&d), None, "{cell}");
        assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Done);
        // The batch report says which task changed nothing, and why.
        let report = a
            .iter()
            .find_map(|a| match a {
                Action::Notify(n @ Notice::BatchCompleted { .. }) => {
                    render::notice_text(n, &d.state, &plan(false))
                }
                _ => None,
            })
            .unwrap();
        assert!(
            report.contains("Task 2 \"Run the suite\" changed nothing: only ran the test suite"),
            "{report}"
        );
    }
}

#[test]
fn a_no_changes_reason_the_recap_does_not_give_fails() {
    let mut d = started(&plan(false));
    exited(
        &mut d,
        complete("2/2", &[(1, "abc1234"), (2, "no changes: nothing to do")]),
    );
    d.send(Event::Evidence {
        run: id(1),
        recap: Some("**Login form**, every task committed".into()),
        missing_commits: vec![],
        outside_run: vec![],
        branch: None,
    });
    assert_eq!(
        failure(&d).unwrap(),
        "the runner said RUN COMPLETE but task 2 \"Run the suite\" says no changes (\"nothing to do\") but the recap does not give that reason"
    );
}

#[test]
fn commits_the_run_did_not_make_fail_naming_their_task() {
    let mut d = started(&plan(false));
    exited(
        &mut d,
        complete("2/2", &[(1, "`abc1234`"), (2, "def5678, 0a0b0c0")]),
    );
    d.send(Event::Evidence {
        run: id(1),
        recap: Some("r".into()),
        missing_commits: vec!["0a0b0c0".into()],
        outside_run: vec!["abc1234".into()],
        branch: None,
    });
    assert_eq!(
        failure(&d).unwrap(),
        "the runner said RUN COMPLETE but task 1 \"Add login form\": commit abc1234 was not made by this run (it is not on the run's branch after the commit the run started from); task 2 \"Run the suite\": commit 0a0b0c0 does not exist"
    );
}

const GATE: &str = "## GATE REACHED\n**Type:** human-verify\n**Run:** 03-01\n**Progress:** 1/3 tasks complete\n### Completed Tasks\n| Task | Name | Commit | Files |\n|--|--|--|--|\n| 1 | Add login form | abc1111 | a.rs |\n### Current Task\n**Task 2:** Check the form\n### Gate Details\nLook.\n### Awaiting\napproved\n";

/// The continuation's table may leave out the rows from before the gate: the rows the
/// gate recorded count (task 2, the gate, needs none).
fn continue_after_gate(mut d: Driver) {
    let a = d.send(Event::GateAnswered {
        run: id(1),
        response: GateResponse::Approved,
    });
    assert!(matches!(
        a.last(),
        Some(Action::SpawnRunner {
            prompt: PromptSpec::Continuation { .. },
            ..
        })
    ));
    let a = exited(&mut d, complete("3/3", &[(2, "—"), (3, "abc3333")]));
    assert!(
        a.contains(&Action::CheckEvidence {
            run: id(1),
            recap_path: ".renn/stages/03-auth/03-01-recap.md".into(),
            commits: vec!["abc1111".into(), "abc3333".into()],
        }),
        "{a:?}"
    );
    d.send(Event::Evidence {
        run: id(1),
        recap: Some("r".into()),
        missing_commits: vec![],
        outside_run: vec![],
        branch: None,
    });
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Done);
}

#[test]
fn rows_from_before_a_gate_count() {
    let plan = plan(true);
    let mut d = started(&plan);
    exited(&mut d, GATE.into());
    continue_after_gate(d);

    // The same after a restart: the gate comes from the record an earlier renn kept.
    let crate::returns::AgentReturn::Gate(gate) = crate::returns::parse(GATE).unwrap() else {
        panic!()
    };
    let mut d = Driver {
        state: StageRun::new(&plan, settings()).with_recorded_gate(gate, None),
    };
    d.send(Event::Start);
    continue_after_gate(d);
}

#[test]
fn a_continuation_that_leaves_out_a_task_after_the_gate_fails() {
    let mut d = started(&plan(true));
    exited(&mut d, GATE.into());
    d.send(Event::GateAnswered {
        run: id(1),
        response: GateResponse::Approved,
    });
    exited(&mut d, complete("3/3", &[(1, "abc1111")]));
    assert_eq!(
        failure(&d).unwrap(),
        "the runner said RUN COMPLETE but no row for task 3 \"Polish\""
    );
}
