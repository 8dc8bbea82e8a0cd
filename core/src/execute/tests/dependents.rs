//! A failed run's dependents are skipped, "blocked by" it; a retry starts the failed
//! runs again.

use super::*;
use crate::snapshot::Snapshot;

/// Stage 03 with runs `(n, batch, depends_on)`.
fn plan_with(runs: &[(u32, u32, &[u32])]) -> Plan {
    let mut snap = Snapshot::new();
    for &(n, batch, deps) in runs {
        let deps: Vec<String> = deps.iter().map(|d| format!("\"03-{d:02}\"")).collect();
        let text = format!(
            "---\nstage: 03-auth\nrun: {n}\nbatch: {batch}\ndepends_on: [{}]\n---\n<objective>Part {n}</objective>\n<tasks><task type=\"auto\"><name>t</name></task></tasks>\n",
            deps.join(", ")
        );
        snap = snap.with_file(format!(".renn/stages/03-auth/03-{n:02}-run.md"), text);
    }
    Project::new(snap)
        .unwrap()
        .plan("3", PlanOptions::default())
        .unwrap()
}

fn fail(d: &mut Driver, n: u32) -> Vec<Action> {
    d.send(Event::RunnerExited {
        stderr: "fatal: the API key is not valid".into(),
        run: id(n),
        output: String::new(),
        exit: Exit::Failed { code: Some(1) },
    })
}

#[test]
fn the_dependents_of_a_failed_run_are_skipped_transitively_and_reported() {
    // 1 ← 3 ← 4; 2 ← 5; 1 fails.
    let plan = plan_with(&[
        (1, 1, &[]),
        (2, 1, &[]),
        (3, 2, &[1]),
        (5, 2, &[2]),
        (4, 3, &[3]),
    ]);
    let continue_on_failure = Settings {
        on_failure: OnFailure::Continue,
        ..settings()
    };
    let mut d = Driver::new(&plan, continue_on_failure);
    d.send(Event::Start);
    fail(&mut d, 1);
    let a = d.complete(2);
    assert!(a.contains(&Action::Notify(Notice::RunBlocked {
        run: id(3),
        by: id(1)
    })));
    assert_eq!(
        spawned(&a),
        [id(5)],
        "only the run whose dependency completed"
    );
    let a = d.complete(5);
    assert!(a.contains(&Action::Notify(Notice::RunBlocked {
        run: id(4),
        by: id(3)
    })));
    assert_eq!(finished(&a), Some(&Outcome::Incomplete));
    let r = d.state.run(&id(4)).unwrap();
    assert_eq!(r.status, RunStatus::Skipped);
    assert_eq!(
        r.failure.as_deref(),
        Some("blocked by 03-03, which did not complete")
    );
    assert_eq!(d.state.run(&id(4)).unwrap().spawns, 0, "never started");

    let summary = render::notice_text(&Notice::StageSummary, &d.state, &plan).unwrap();
    let issues = summary.split("### Issues Encountered").nth(1).unwrap();
    assert!(!issues.trim_start().starts_with("None"), "{issues}");
    assert!(
        issues.contains("**03-01**") && issues.contains("failed"),
        "{issues}"
    );
    assert!(
        issues.contains("**03-04**") && issues.contains("blocked by 03-03"),
        "{issues}"
    );
}

#[test]
fn retry_starts_the_failed_runs_of_the_batch_again() {
    let plan = plan_with(&[(1, 1, &[]), (2, 1, &[]), (3, 2, &[1])]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    fail(&mut d, 1);
    let a = d.complete(2);
    assert!(matches!(a.last(), Some(Action::AskFailure { .. })));
    let a = d.send(Event::FailureChosen {
        choice: FailureChoice::Retry,
    });
    assert_eq!(spawned(&a), [id(1)]);
    assert_eq!(d.state.run(&id(1)).unwrap().failure, None);
    let a = d.complete(1);
    assert_eq!(
        spawned(&a),
        [id(3)],
        "once it completes, its dependent runs"
    );
    assert_eq!(d.state.run(&id(1)).unwrap().spawns, 2);
}
