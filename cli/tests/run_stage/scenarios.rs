use super::*;
use serde_json::json;

fn three_batches() -> Project {
    Project::new(&[spec(1, 1), spec(2, 1), spec(3, 2), spec(4, 3)], json!({}))
}

#[test]
fn happy_path_runs_three_batches_audits_updates_and_commits() {
    let p = three_batches();
    let r = p.run_stage(&[]);
    r.expect(0);
    for n in 1..=4 {
        assert!(
            p.path()
                .join(format!(".renn/stages/03-auth/03-0{n}-recap.md"))
                .exists(),
            "recap {n}"
        );
    }
    assert_eq!(r.spawned(), ["03-01", "03-02", "03-03", "03-04", "auditor"]);
    let names = r.names();
    for e in [
        "plan",
        "batch_started",
        "run_spawned",
        "run_completed",
        "batch_completed",
        "proof_routed",
        "committed",
        "next",
        "stage_completed",
    ] {
        assert!(names.contains(&e), "no {e} event in {names:?}");
    }
    assert_eq!(p.subjects()[0], "docs(stage-03): complete stage execution");
    let committed = git(p.path(), &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        committed.lines().collect::<Vec<_>>(),
        [
            ".renn/pulse.md",
            ".renn/stages/03-auth/03-proof.md",
            ".renn/track.md"
        ]
    );
    let track = p.read(".renn/track.md");
    assert!(track.contains("- [x] **Stage 3: Auth**"), "{track}");
    assert!(
        track.contains("| 3. Auth | 4/4 | Complete | 2026-11-24 |"),
        "{track}"
    );
    let pulse = p.read(".renn/pulse.md");
    assert!(
        pulse.contains("- keep this line"),
        "user text survives: {pulse}"
    );
    assert!(pulse.contains("Last completed run: 03-04"), "{pulse}");
    assert!(git(p.path(), &["status", "--porcelain"])
        .lines()
        .all(|l| l.contains(".renn/stages/03-auth/logs")));
}

#[test]
fn parallel_runs_overlap_and_sequential_runs_do_not() {
    for (parallel, overlap) in [(true, true), (false, false)] {
        let p = Project::new(
            &[spec(1, 1), spec(2, 1)],
            json!({ "parallelization": parallel, "auditor": false, "isolation": "worktree" }),
        );
        p.scenario("03-01", "slow");
        p.scenario("03-02", "slow");
        p.run_stage(&[]).expect(0);
        let iv = p.intervals();
        let (a, b) = (&iv[0], &iv[1]);
        assert_eq!(
            a.1 < b.2 && b.1 < a.2,
            overlap,
            "parallel={parallel}: {iv:?}"
        );
    }
}

#[test]
fn a_gate_without_a_terminal_waits_for_respond_then_resumes() {
    let p = Project::new(
        &[spec(1, 1), gated(2, 1), spec(3, 2)],
        json!({ "auditor": false }),
    );
    p.scenario("03-02", "gate:human-verify");
    let r = p.run_stage(&[]);
    r.expect(4);
    assert!(
        r.spawned().iter().all(|s| s != "03-03"),
        "the next batch waits for the gate"
    );
    assert!(
        p.path()
            .join(".renn/stages/03-auth/03-01-recap.md")
            .exists(),
        "the other run of the batch went on"
    );
    let pulse = p.read(".renn/pulse.md");
    assert!(pulse.contains("03-02: human-verify gate"), "{pulse}");
    let r = p.run_stage(&["--respond", "03-02", "approved"]);
    r.expect(0);
    assert_eq!(
        r.spawned(),
        ["03-02", "03-03"],
        "completed 03-01 is not run again"
    );
    assert!(!p
        .read(".renn/pulse.md")
        .contains("03-02: human-verify gate"));
}

#[test]
fn failures_continue_or_stop_as_asked() {
    let p = Project::new(&[spec(1, 1), spec(2, 1), spec(3, 2)], json!({}));
    p.scenario("03-01", "fail");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    assert_eq!(r.failures()[0].0, "03-01");
    assert!(
        r.failures()[0].1.contains("exited with status 3"),
        "{:?}",
        r.failures()
    );
    let exited = r.named("run_exited");
    let failed = exited.iter().find(|e| e["run"] == "03-01").unwrap();
    assert_eq!(
        (&failed["exit"], &failed["reason"]),
        (&json!(3), &json!("failed"))
    );
    assert!(
        r.spawned().contains(&"03-03".to_string()),
        "continue attempts the next batch"
    );

    let p = Project::new(&[spec(1, 1), spec(2, 1), spec(3, 2)], json!({}));
    p.scenario("03-01", "fail");
    let r = p.run_stage(&[]);
    r.expect(6);
    assert!(
        !r.spawned().contains(&"03-03".to_string()),
        "without a terminal, ask means stop"
    );
}

#[test]
fn every_run_of_a_batch_failing_is_systemic() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "on_failure": "continue" }),
    );
    p.scenario("03-01", "fail");
    p.scenario("03-02", "garbage");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(6);
    assert!(!r.spawned().contains(&"03-03".to_string()));
    assert!(r
        .failures()
        .iter()
        .any(|(run, why)| run == "03-02" && why.contains("no `## RUN COMPLETE`")));
}

#[test]
fn claims_without_evidence_fail() {
    let p = Project::new(&[spec(1, 1), spec(2, 1)], json!({}));
    p.scenario("03-01", "no-recap");
    p.scenario("03-02", "bad-commit");
    let r = p.run_stage(&["--on-failure", "continue"]);
    let f = r.failures();
    assert!(
        f.iter()
            .any(|(run, why)| run == "03-01" && why.contains("03-01-recap.md does not exist")),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|(run, why)| run == "03-02" && why.contains("deadbee")),
        "{f:?}"
    );
}

#[test]
fn a_hanging_agent_times_out() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "agent": { "command": ["bash", super::agent_script_path(), "{agent}", "{run_id}"], "timeout_secs": 1 } }),
    );
    p.scenario("03-01", "hang");
    let r = p.run_stage(&["--on-failure", "continue"]);
    assert!(
        r.failures()
            .iter()
            .any(|(run, why)| run == "03-01" && why.contains("timed out")),
        "{:?}",
        r.failures()
    );
    // `run_exited`: no exit code, the reason, and the timeout that stopped it.
    let exited = r.named("run_exited");
    let timed_out = exited.iter().find(|e| e["run"] == "03-01").unwrap();
    assert_eq!(timed_out["exit"], Value::Null);
    assert_eq!(timed_out["reason"], "timed_out");
    assert_eq!(timed_out["timeout_secs"], 1);
    let ok = exited.iter().find(|e| e["run"] == "03-02").unwrap();
    assert_eq!((&ok["exit"], &ok["reason"]), (&json!(0), &json!("ok")));
}

#[test]
fn proof_routes_gaps_and_human_verification() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.scenario("auditor", "gaps_found");
    p.run_stage(&[]).expect(5);
    assert!(
        !p.read(".renn/track.md").contains("[x] **Stage 3"),
        "gaps: the track is not updated"
    );

    let p = Project::new(&[spec(1, 1)], json!({}));
    p.scenario("auditor", "human_needed");
    p.run_stage(&[]).expect(4);
    let r = p.run_stage(&["--respond", "verification", "approved"]);
    r.expect(0);
    assert!(p.read(".renn/track.md").contains("[x] **Stage 3"));
}

#[test]
fn commit_docs_false_and_a_git_ignored_renn_skip_the_docs_commit() {
    let p = Project::new(&[spec(1, 1)], json!({ "commit_docs": false }));
    let r = p.run_stage(&[]);
    r.expect(0);
    assert!(r.names().contains(&"docs_commit_skipped"));
    assert_ne!(p.subjects()[0], "docs(stage-03): complete stage execution");
}

#[test]
fn stage_branching_switches_to_the_stage_branch() {
    let p = Project::new(
        &[spec(1, 1)],
        json!({ "branching_strategy": "stage", "auditor": false }),
    );
    p.run_stage(&[]).expect(0);
    assert_eq!(
        git(p.path(), &["branch", "--show-current"]).trim(),
        "renn/stage-03-auth"
    );
}

#[test]
fn a_dirty_tree_is_refused() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.write("notes.txt", "uncommitted");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(
        r.stderr.contains("dirty-tree") && r.stderr.contains("notes.txt"),
        "{}",
        r.stderr
    );
}

#[test]
fn dry_run_plans_and_touches_nothing() {
    let p = three_batches();
    let r = p.run_stage(&["--dry-run"]);
    r.expect(0);
    assert!(r.spawned().is_empty());
    assert_eq!(p.subjects().len(), 1);
}

#[test]
fn running_a_finished_stage_again_runs_nothing() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.run_stage(&[]).expect(0);
    let r = p.run_stage(&[]);
    r.expect(0);
    assert!(r.spawned().is_empty());
    assert_eq!(r.named("plan")[0]["message"], "No matching incomplete runs");
}

#[test]
fn parallel_runs_work_in_worktrees_and_merge_back_with_every_commit() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-01", "slow");
    p.scenario("03-02", "slow");
    let r = p.run_stage(&[]);
    r.expect(0);
    let created: Vec<&str> = r
        .named("worktree_created")
        .iter()
        .map(|e| e["run"].as_str().unwrap())
        .collect();
    assert_eq!(
        created,
        ["03-01", "03-02"],
        "one worktree per run of the parallel batch, not for the lone run"
    );
    let subjects = p.subjects();
    for s in [
        "feat(03-01): task 1",
        "feat(03-01): task 2",
        "feat(03-02): task 1",
        "feat(03-02): task 2",
        "docs(03-01): recap",
    ] {
        assert!(subjects.iter().any(|x| x == s), "{s} kept: {subjects:?}");
    }
    let merges: Vec<&String> = subjects
        .iter()
        .filter(|s| s.starts_with("merge("))
        .collect();
    assert_eq!(merges.len(), 2, "{subjects:?}");
    assert!(
        merges[1].starts_with("merge(03-01)"),
        "merged in run order (oldest last in git log): {merges:?}"
    );
    assert!(
        !p.path().join(".renn/worktrees/03-01").exists(),
        "worktrees are removed after the merge"
    );
    let iv = p.intervals();
    assert!(
        iv[0].1 < iv[1].2 && iv[1].1 < iv[0].2,
        "still in parallel: {iv:?}"
    );
}

#[test]
fn a_merge_conflict_fails_that_run_and_keeps_its_branch() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-01", "conflict");
    p.scenario("03-02", "conflict");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    let f = r.failures();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "03-02");
    assert!(f[0].1.contains("conflicts in shared.txt"), "{f:?}");
    assert_eq!(
        p.read("shared.txt"),
        "03-01 was here\n",
        "the first run's merge stands"
    );
    // Kept for inspection, under names the next execution neither resumes nor merges.
    assert!(git(p.path(), &["branch", "--list", "renn/*"]).contains("renn/failed/run-03-02-1"));
    assert!(p.path().join(".renn/worktrees/failed-03-02-1").exists());
    assert!(
        git(p.path(), &["status", "--porcelain", "--untracked-files=no"])
            .lines()
            .all(|l| l.contains(".renn/"))
    );
}

#[test]
fn later_batches_reuse_worktrees_and_a_failed_run_keeps_its_own() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2), spec(4, 2)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-04", "fail");
    let r = p.run_stage(&["--on-failure", "continue"]);
    r.expect(3);
    let paths: Vec<(&str, &str)> = r
        .named("worktree_created")
        .iter()
        .map(|e| (e["run"].as_str().unwrap(), e["path"].as_str().unwrap()))
        .collect();
    assert_eq!(paths.len(), 4, "{paths:?}");
    let dirs: Vec<&str> = paths[..2].iter().map(|(_, p)| *p).collect();
    assert!(
        paths[2..].iter().all(|(_, p)| dirs.contains(p)),
        "batch 2 works in batch 1's worktrees: {paths:?}"
    );
    let subjects = p.subjects();
    for s in [
        "feat(03-03): task 2",
        "merge(03-03): renn/run-03-03 back into the stage",
    ] {
        assert!(subjects.iter().any(|x| x == s), "{s}: {subjects:?}");
    }
    // Only the failed run's worktree is left, set aside with its branch.
    let left: Vec<String> = std::fs::read_dir(p.path().join(".renn/worktrees"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["failed-03-04-1"]);
    let kept = p.path().join(".renn/worktrees/failed-03-04-1");
    assert_eq!(
        git(&kept, &["branch", "--show-current"]).trim(),
        "renn/failed/run-03-04-1"
    );

    // Run again: 03-04, now alone, starts afresh in the project; the failed attempt
    // stays where it was put for the user.
    p.scenario("03-04", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.spawned(), ["03-04"]);
    assert!(r.named("worktree_created").is_empty());
    assert_eq!(p.read("work-03-04.txt"), "03-04 task 1\n03-04 task 2\n");
    assert_eq!(
        git(p.path(), &["branch", "--list", "renn/*"]).trim(),
        "+ renn/failed/run-03-04-1"
    );
    let left: Vec<String> = std::fs::read_dir(p.path().join(".renn/worktrees"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["failed-03-04-1"]);
}

#[test]
fn a_gate_run_resumed_later_goes_on_in_its_worktree_and_is_merged() {
    let p = Project::new(
        &[spec(1, 1), gated(2, 1)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-02", "gate-after-work:human-verify");
    p.run_stage(&[]).expect(4);
    let before = git(p.path(), &["log", "--format=%s", "renn/run-03-02"]);
    assert!(before.contains("feat(03-02): before the gate"), "{before}");
    p.run_stage(&["--respond", "03-02", "approved"]).expect(0);
    let subjects = p.subjects();
    assert!(
        subjects.iter().any(|s| s == "feat(03-02): before the gate"),
        "work before the gate is merged: {subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.starts_with("merge(03-02)")),
        "{subjects:?}"
    );
    assert!(p
        .path()
        .join(".renn/stages/03-auth/03-02-recap.md")
        .exists());
}

#[test]
fn every_gate_type_waits_and_resumes_with_its_answer() {
    for (kind, answer) in [
        ("decision", "postgres"),
        ("human-action", "done"),
        ("human-verify", "approved"),
    ] {
        let p = Project::new(&[gated(1, 1)], json!({ "auditor": false }));
        p.scenario("03-01", &format!("gate:{kind}"));
        let r = p.run_stage(&[]);
        r.expect(4);
        assert_eq!(r.named("gate_reached")[0]["gate"], kind);
        let r = p.run_stage(&["--respond", "03-01", answer]);
        r.expect(0);
        let resolved = &r.named("gate_resolved")[0]["response"];
        let expected = match kind {
            "decision" => json!({ "kind": "choice", "text": "postgres" }),
            "human-action" => json!({ "kind": "done" }),
            _ => json!({ "kind": "approved" }),
        };
        assert_eq!(resolved, &expected, "{kind}");
        let log = p.read(".renn/stages/03-auth/logs/03-01-2.log");
        assert!(
            log.contains("RUN COMPLETE"),
            "the continuation runner has its own log: {log}"
        );
    }
}

#[test]
fn issues_reported_at_a_gate_go_to_the_continuation_runner() {
    let p = Project::new(&[gated(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "gate:human-verify");
    p.run_stage(&[]).expect(4);
    p.write(
        ".fake-agent/answer.txt",
        "The header overlaps the menu on mobile",
    );
    let answer = format!("@{}", p.path().join(".fake-agent/answer.txt").display());
    let r = p.run_stage(&["--respond", "03-01", &answer]);
    r.expect(0);
    let resolved = &r.named("gate_resolved")[0]["response"];
    assert_eq!(
        resolved,
        &json!({ "kind": "issues", "text": "The header overlaps the menu on mobile" })
    );
}

#[test]
fn gaps_only_runs_only_gap_closure_runs() {
    let p = Project::new(&[spec(1, 1), spec(2, 2)], json!({ "auditor": false }));
    let run2 = p
        .read(".renn/stages/03-auth/03-02-run.md")
        .replace("autonomous: true", "autonomous: true\ngap_closure: true");
    p.write(".renn/stages/03-auth/03-02-run.md", &run2);
    git(p.path(), &["commit", "-qam", "gap run"]);
    let r = p.run_stage(&["--gaps-only"]);
    assert_eq!(r.spawned(), ["03-02"]);
    r.expect(3);
}

#[test]
fn milestone_branching_uses_the_track_milestone() {
    let p = Project::new(
        &[spec(1, 1)],
        json!({ "branching_strategy": "milestone", "auditor": false }),
    );
    let track = p.read(".renn/track.md").replace(
        "## Stages",
        "## Milestones\n\n- 🚧 **v1.1 Accounts & Billing** - Stages 3-4 (in progress)\n\n## Stages",
    );
    p.write(".renn/track.md", &track);
    git(p.path(), &["commit", "-qam", "milestone"]);
    p.run_stage(&[]).expect(0);
    assert_eq!(
        git(p.path(), &["branch", "--show-current"]).trim(),
        "renn/v1.1-accounts-billing"
    );
}

#[test]
fn a_git_ignored_renn_forces_commit_docs_off() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.write(".gitignore", ".fake-agent/\n.renn/\n");
    git(p.path(), &["rm", "-rq", "--cached", ".renn"]);
    git(p.path(), &["commit", "-qam", "ignore .renn"]);
    let r = p.run_stage(&[]);
    r.expect(0);
    assert!(
        r.names().contains(&"docs_commit_skipped"),
        "{:?}",
        r.names()
    );
}

#[test]
fn kill_9_mid_batch_then_resume_loses_nothing_and_runs_nothing_twice() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "auditor": false }),
    );
    p.scenario("03-01", "hang");
    let mut renn = p.spawn_run_stage();
    let recap2 = p.path().join(".renn/stages/03-auth/03-02-recap.md");
    wait_until("03-02 finished while 03-01 works", || {
        recap2.exists() && p.read(".fake-agent/times").contains("03-01 start")
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    renn.kill().unwrap(); // SIGKILL: no cleanup of any kind
    renn.wait().unwrap();
    let registry = p.read(".renn/stages/03-auth/logs/agents.json");
    assert!(
        registry.contains("03-01"),
        "renn recorded the agent it started: {registry}"
    );

    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(
        r.named("stale_agent_stopped")[0]["run"],
        "03-01",
        "the hang agent left behind is stopped"
    );
    assert_eq!(
        r.spawned(),
        ["03-01", "03-03"],
        "03-02 finished before the kill and is not run again"
    );
    let starts = p
        .read(".fake-agent/times")
        .lines()
        .filter(|l| l.starts_with("03-02 start"))
        .count();
    assert_eq!(starts, 1);
    for n in 1..=3 {
        assert!(
            p.path()
                .join(format!(".renn/stages/03-auth/03-0{n}-recap.md"))
                .exists(),
            "recap {n}"
        );
    }
    assert!(
        p.subjects().contains(&"feat(03-02): task 2".to_string()),
        "03-02's commits survive"
    );
}

#[test]
fn kill_9_before_a_finished_worktree_run_is_merged_then_resume_merges_it_without_running_it() {
    // The agent's RUN COMPLETE is in its log, or never reached one (its renn was gone).
    for log_kept in [true, false] {
        resume_merges_a_finished_worktree_run(log_kept);
    }
}

fn resume_merges_a_finished_worktree_run(log_kept: bool) {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "isolation": "worktree", "auditor": false }),
    );
    p.scenario("03-01", "hang");
    let mut renn = p.spawn_run_stage();
    let registry = || p.read(".renn/stages/03-auth/logs/agents.json");
    // 03-02 is done and renn has seen it exit; its merge waits for 03-01.
    wait_until("03-02 finished in its worktree while 03-01 works", || {
        let times = p.read(".fake-agent/times");
        times.contains("03-02 end")
            && times.contains("03-01 start")
            && !registry().contains("03-02")
    });
    renn.kill().unwrap(); // SIGKILL: no cleanup of any kind
    renn.wait().unwrap();
    let branch = git(p.path(), &["log", "--format=%s", "renn/run-03-02"]);
    assert!(branch.contains("docs(03-02): recap"), "{branch}");
    assert!(
        !p.path()
            .join(".renn/stages/03-auth/03-02-recap.md")
            .exists(),
        "not merged before the kill"
    );

    if !log_kept {
        p.write(".renn/stages/03-auth/logs/03-02-1.log", "");
    }
    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(
        r.spawned(),
        ["03-01", "03-03"],
        "03-02's branch holds its recap: merged, not run again"
    );
    assert_eq!(r.named("run_recovered")[0]["run"], "03-02");
    let completed: Vec<&str> = r
        .named("run_completed")
        .iter()
        .filter_map(|e| e["run"].as_str())
        .collect();
    assert_eq!(completed, ["03-01", "03-02", "03-03"]);
    let starts = p
        .read(".fake-agent/times")
        .lines()
        .filter(|l| l.starts_with("03-02 start"))
        .count();
    assert_eq!(starts, 1);
    let subjects = p.subjects();
    for s in [
        "feat(03-02): task 1",
        "feat(03-02): task 2",
        "docs(03-02): recap",
    ] {
        assert!(subjects.iter().any(|x| x == s), "{s} kept: {subjects:?}");
    }
    assert!(
        subjects.iter().any(|s| s.starts_with("merge(03-02)")),
        "{subjects:?}"
    );
    assert!(git(p.path(), &["branch", "--list", "renn/*"]).is_empty());
    assert!(!p
        .path()
        .join(".renn/worktrees")
        .read_dir()
        .is_ok_and(|mut d| d.next().is_some()));
}

#[test]
fn the_last_stage_of_a_milestone_offers_milestone_complete() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    let track = p
        .read(".renn/track.md")
        .replace("- [ ] **Stage 4: Sharing** - Share notes\n", "");
    p.write(".renn/track.md", &track);
    git(p.path(), &["commit", "-qam", "one stage"]);
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(
        r.named("next")[0]["kind"],
        "milestone_complete",
        "{:?}",
        r.named("next")
    );
    let reports: Vec<&str> = r
        .named("report")
        .iter()
        .filter_map(|e| e["markdown"].as_str())
        .collect();
    assert!(reports
        .iter()
        .any(|m| m.contains("MILESTONE COMPLETE!") && m.contains("/renn.complete-milestone")));
}

#[test]
fn ctrl_c_stops_the_agents_and_leaves_a_resumable_stage() {
    let p = Project::new(&[spec(1, 1), spec(2, 2)], json!({ "auditor": false }));
    p.scenario("03-01", "hang");
    let renn = p.spawn_run_stage();
    wait_until("the agent started", || {
        p.read(".fake-agent/times").contains("03-01 start")
    });
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(renn.id() as i32, libc::SIGINT) };
    let out = renn.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let registry = p.read(".renn/stages/03-auth/logs/agents.json");
    // The pid field itself: the random token can hold digits too.
    let registry: Value = serde_json::from_str(&registry).unwrap();
    let pid = registry["agents"]["03-01"]["pid"].as_u64().unwrap() as u32;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    assert!(
        stat.is_empty() || stat.contains(") Z "),
        "the agent is stopped: {stat}"
    );
    p.scenario("03-01", "complete");
    let r = p.run_stage(&[]);
    r.expect(0);
    assert_eq!(r.spawned(), ["03-01", "03-02"]);
}
