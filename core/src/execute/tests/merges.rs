//! Merges cannot lose work: an isolated run is judged on its branch before the branch
//! is merged, a branch that lost its fork is never merged, and every failed run is set
//! aside so that nothing of it counts as complete later.

use super::*;

fn branch(n: u32, holds_fork: bool, stage_holds_fork: bool) -> RunBranch {
    RunBranch {
        name: format!("renn/run-03-{n:02}"),
        fork: "0123456789abcdef0123456789abcdef01234567".into(),
        holds_fork,
        stage_holds_fork,
    }
}

/// Two runs in one batch; run 1 said RUN COMPLETE, and the host answers with `evidence`.
fn judged(
    recap: Option<&str>,
    missing: &[&str],
    branch: Option<RunBranch>,
) -> (Driver, Vec<Action>) {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: complete_output(1),
        exit: Exit::Success,
    });
    let a = d.send(Event::Evidence {
        run: id(1),
        recap: recap.map(str::to_string),
        missing_commits: missing.iter().map(|s| s.to_string()).collect(),
        outside_run: vec![],
        branch,
    });
    (d, a)
}

fn merges(actions: &[Action]) -> Vec<(RunId, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::MergeBack { run, branch } => Some((run.clone(), branch.clone())),
            _ => None,
        })
        .collect()
}

fn failure(actions: &[Action]) -> Option<&str> {
    actions.iter().find_map(|a| match a {
        Action::Notify(Notice::RunFailed { reason, .. }) => Some(reason.as_str()),
        _ => None,
    })
}

fn set_aside(actions: &[Action]) -> Vec<(RunId, String, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::SetAside {
                run,
                recap_path,
                rejected_path,
            } => Some((run.clone(), recap_path.clone(), rejected_path.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_believed_isolated_run_is_merged_and_done_only_once_merged() {
    let (mut d, a) = judged(Some("**ok**"), &[], Some(branch(1, true, true)));
    assert_eq!(merges(&a), [(id(1), "renn/run-03-01".to_string())]);
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Merging);
    assert!(
        !a.iter()
            .any(|x| matches!(x, Action::Notify(Notice::RunCompleted { .. }))),
        "not complete before the merge: {a:?}"
    );
    let a = d.send(Event::Merged { run: id(1) });
    assert!(matches!(
        &a[0],
        Action::Notify(Notice::RunCompleted { run }) if run == &id(1)
    ));
    let r = d.state.run(&id(1)).unwrap();
    assert_eq!(
        (r.status, r.recap.as_deref()),
        (RunStatus::Done, Some("**ok**"))
    );
}

#[test]
fn a_shared_run_is_done_at_once() {
    let (d, a) = judged(Some("**ok**"), &[], None);
    assert!(merges(&a).is_empty());
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Done);
}

#[test]
fn a_branch_that_lost_its_fork_is_never_merged() {
    let (d, a) = judged(Some("**ok**"), &[], Some(branch(1, false, true)));
    assert!(merges(&a).is_empty(), "{a:?}");
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Failed);
    assert_eq!(
        failure(&a),
        Some("its branch no longer contains 0123456: the agent reset or rebased it past the commit the branch was made from; nothing of the run is merged")
    );
    // The reset explains every other missing fact: it alone is the reason.
    let (_, a) = judged(None, &["abc0001"], Some(branch(1, false, true)));
    assert!(failure(&a)
        .unwrap()
        .starts_with("its branch no longer contains"));

    let (_, a) = judged(Some("**ok**"), &[], Some(branch(1, true, false)));
    assert!(merges(&a).is_empty());
    assert_eq!(
        failure(&a),
        Some("the stage's branch no longer contains 0123456, the commit renn/run-03-01 was made from: it was reset or rebased while the run worked; nothing of the run is merged")
    );
}

#[test]
fn an_isolated_run_whose_evidence_fails_is_not_merged() {
    for (recap, missing) in [(None, vec![]), (Some("**ok**"), vec!["abc0001"])] {
        let (d, a) = judged(recap, &missing, Some(branch(1, true, true)));
        assert!(merges(&a).is_empty(), "{a:?}");
        assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Failed);
        assert!(failure(&a)
            .unwrap()
            .starts_with("the runner said RUN COMPLETE but"));
    }
}

#[test]
fn a_merge_conflict_fails_the_run_and_names_the_files() {
    let (mut d, _) = judged(Some("**ok**"), &[], Some(branch(1, true, true)));
    let a = d.send(Event::MergeConflict {
        run: id(1),
        branch: "renn/run-03-01".into(),
        files: vec!["src/a.rs".into(), "src/b.rs".into()],
    });
    assert_eq!(
        failure(&a),
        Some("merging its branch renn/run-03-01 back conflicts in src/a.rs, src/b.rs; the branch is kept for you")
    );
    assert_eq!(set_aside(&a).len(), 1);
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Failed);
}

#[test]
fn merged_and_conflicts_are_answers_to_a_merge_only() {
    let (d, _) = judged(None, &[], None);
    for event in [
        Event::Merged { run: id(1) },
        Event::MergeConflict {
            run: id(1),
            branch: "b".into(),
            files: vec!["a".into()],
        },
    ] {
        assert!(next(d.state.clone(), event).is_err());
    }
}

#[test]
fn a_run_waiting_for_its_merge_holds_its_slot() {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(
        &plan,
        Settings {
            max_concurrent: Some(1),
            ..settings()
        },
    );
    d.send(Event::Start);
    d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(1),
        output: complete_output(1),
        exit: Exit::Success,
    });
    let a = d.send(Event::Evidence {
        run: id(1),
        recap: Some("**ok**".into()),
        missing_commits: vec![],
        outside_run: vec![],
        branch: Some(branch(1, true, true)),
    });
    assert!(spawned(&a).is_empty(), "{a:?}");
    assert_eq!(spawned(&d.send(Event::Merged { run: id(1) })), [id(2)]);
}

#[test]
fn every_failed_run_is_set_aside_with_its_recap_path() {
    let expected = (
        id(1),
        ".renn/stages/03-auth/03-01-recap.md".to_string(),
        ".renn/stages/03-auth/03-01-recap.rejected.md".to_string(),
    );
    // Evidence that failed.
    let (_, a) = judged(None, &[], None);
    assert_eq!(set_aside(&a), std::slice::from_ref(&expected));
    // A runner that failed.
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    let a = d.send(Event::RunnerExited {
        stderr: "boom".into(),
        run: id(1),
        output: String::new(),
        exit: Exit::Failed { code: Some(1) },
    });
    assert_eq!(set_aside(&a), std::slice::from_ref(&expected));
    // A hollow claim, judged before the host is asked.
    let a = d.send(Event::RunnerExited {
        stderr: String::new(),
        run: id(2),
        output: "## RUN COMPLETE\n**Run:** 03-02 **Tasks:** 1/1\n".into(),
        exit: Exit::Success,
    });
    assert_eq!(set_aside(&a)[0].0, id(2));
    // A believed run is not set aside.
    let (_, a) = judged(Some("**ok**"), &[], None);
    assert!(set_aside(&a).is_empty());
}

#[test]
fn a_set_aside_recap_neither_completes_its_run_nor_is_an_orphan() {
    let mut snap = Snapshot::new().with_file(
        ".renn/stages/03-auth/03-01-run.md",
        "---\nstage: 03-auth\nrun: 1\nbatch: 1\n---\n<objective>P</objective>\n<tasks><task type=\"auto\"><name>t</name></task></tasks>\n",
    );
    snap = snap.with_file(".renn/stages/03-auth/03-01-recap.rejected.md", "**done**");
    let project = Project::new(snap).unwrap();
    let plan = project.plan("3", PlanOptions::default()).unwrap();
    assert!(!plan.runs[0].complete);
    let found = format!("{:?}", project.validate("3").unwrap().diagnostics);
    assert!(!found.contains("recap"), "{found}");
}
