use super::*;

const COMPLETE_OUT: &str = "I finished everything. Summary below.\n\n\
## RUN COMPLETE\n\n\
**Run:** 03-02   **Tasks:** 3/3   **Recap:** `.renn/stages/03-authentication/03-02-recap.md`\n\n\
| Task | Name | Commit | Files |\n\
|------|------|--------|-------|\n\
| 1 | Login handler | `a1b2c3d` | src/auth.rs, src/routes.rs |\n\
|2|Session store|e4f5a6b|src/session.rs|\n\
| 3 | Tests | 0a1b2c3 | `tests/auth.rs` |\n";

const GATE_OUT: &str = "Stopping at the checkpoint.\n\n\
## GATE REACHED\n\n\
**Type:** human-verify\n\
**Run:** 03-03\n\
**Progress:** 2/3 tasks complete\n\n\
### Completed Tasks\n\n\
| Task | Name | Commit | Files |\n\
| --- | --- | --- | --- |\n\
| 1 | Dashboard data | abc1234 | src/dash.rs |\n\
| 2 | Charts | def5678 | src/charts.rs |\n\n\
### Current Task\n\n\
**Task 3:** Dashboard layout\n\
**Status:** awaiting verification\n\
**Blocked by:** a human must look at the page\n\n\
### Gate Details\n\n\
Open http://localhost:3000/dashboard and check the layout.\n\n\
### Awaiting\n\n\
Type \"approved\" or describe the issues.\n";

#[test]
fn run_complete_after_prose() {
    let AgentReturn::Complete(c) = parse(COMPLETE_OUT).unwrap() else {
        panic!()
    };
    assert_eq!(c.run.to_string(), "03-02");
    assert_eq!((c.tasks_done, c.tasks_total), (3, 3));
    assert_eq!(
        c.recap.as_deref(),
        Some(".renn/stages/03-authentication/03-02-recap.md")
    );
    assert_eq!(c.tasks.len(), 3);
    assert_eq!(c.tasks[0].files, ["src/auth.rs", "src/routes.rs"]);
    assert_eq!(c.tasks[1].commit.first_hash(), Some("e4f5a6b"));
    assert_eq!(c.tasks[2].files, ["tests/auth.rs"]);
}

#[test]
fn gate_reached_with_every_section() {
    let AgentReturn::Gate(g) = parse(GATE_OUT).unwrap() else {
        panic!()
    };
    assert_eq!(g.gate, GateKind::HumanVerify);
    assert_eq!(g.run.to_string(), "03-03");
    assert_eq!((g.tasks_done, g.tasks_total), (2, 3));
    assert_eq!(g.completed.len(), 2);
    assert_eq!(
        (g.current_task, g.current_task_name.as_str()),
        (3, "Dashboard layout")
    );
    assert_eq!(g.status.as_deref(), Some("awaiting verification"));
    assert_eq!(
        g.blocked_by.as_deref(),
        Some("a human must look at the page")
    );
    assert_eq!(
        g.details,
        "Open http://localhost:3000/dashboard and check the layout."
    );
    assert_eq!(g.awaiting, "Type \"approved\" or describe the issues.");
}

#[test]
fn the_last_block_wins_and_labels_vary() {
    let out = format!(
        "{GATE_OUT}\nthen I continued\n{}",
        COMPLETE_OUT.replace("**Run:**", "**Run**:")
    );
    assert!(matches!(parse(&out).unwrap(), AgentReturn::Complete(_)));
    let auth = GATE_OUT.replace("human-verify", "authentication gate");
    let AgentReturn::Gate(g) = parse(&auth).unwrap() else {
        panic!()
    };
    assert_eq!(g.gate, GateKind::HumanAction);
}

#[test]
fn unusable_outputs_say_why() {
    assert_eq!(parse("All done!").unwrap_err(), ReturnFailure::NoBlock);
    assert_eq!(
        parse("## RUN COMPLETE\n**Tasks:** 3/3\n")
            .unwrap_err()
            .to_string(),
        "the RUN COMPLETE block has no `**Run:**` field"
    );
    assert_eq!(
        parse("## RUN COMPLETE\n**Run:** 03-02 **Tasks:** three\n")
            .unwrap_err()
            .to_string(),
        "the RUN COMPLETE block's `Tasks` is \"three\"; expected done/total, such as 2/3"
    );
    let bad_type = GATE_OUT.replace("human-verify", "coffee-break");
    assert!(
        matches!(parse(&bad_type), Err(ReturnFailure::BadValue { field, .. }) if field == "Type")
    );
    let no_current = GATE_OUT.replace("**Task 3:** Dashboard layout", "");
    assert!(matches!(
        parse(&no_current),
        Err(ReturnFailure::MissingField { .. })
    ));
    // A heading inside a code fence is not a return.
    assert_eq!(
        parse("```\n## RUN COMPLETE\n```\n").unwrap_err(),
        ReturnFailure::NoBlock
    );
}

#[test]
fn commit_cells_are_hashes_a_no_changes_reason_or_blank() {
    let hashes = |h: &[&str]| TaskCommit::Hashes {
        hashes: h.iter().map(|s| s.to_string()).collect(),
    };
    let no_changes = |r: &str| TaskCommit::NoChanges { reason: r.into() };
    let cases = [
        ("abc1234", hashes(&["abc1234"])),
        ("`abc1234`", hashes(&["abc1234"])),
        ("abc1234, def5678", hashes(&["abc1234", "def5678"])),
        (
            "abc1234 (red) def5678 (green)",
            hashes(&["abc1234", "def5678"]),
        ),
        ("TBD", hashes(&["TBD"])),
        (
            "no changes: verification only",
            no_changes("verification only"),
        ),
        ("No Changes — ran the suite", no_changes("ran the suite")),
        ("no changes - ran the suite", no_changes("ran the suite")),
        ("no change (checked by hand)", no_changes("checked by hand")),
        ("no changes", no_changes("")),
        ("no changes:", no_changes("")),
        ("", TaskCommit::Blank),
        ("—", TaskCommit::Blank),
        ("-", TaskCommit::Blank),
        ("N/A", TaskCommit::Blank),
        ("none", TaskCommit::Blank),
    ];
    for (cell, expected) in cases {
        assert_eq!(TaskCommit::parse(cell), expected, "{cell:?}");
    }
    // "no changesets" is a word, not the no-changes entry.
    assert_eq!(
        TaskCommit::parse("no changesets"),
        hashes(&["no changesets"])
    );
}

#[test]
fn a_table_keeps_blank_and_no_changes_rows_apart() {
    let out = "## RUN COMPLETE\n**Run:** 03-02 **Tasks:** 0/3\n\n| Task | Name | Commit | Files |\n|---|---|---|---|\n| 1 | A | — | a.rs |\n| 2 | B | no changes: only verified | — |\n| 3 | C |  | c.rs |\n";
    let AgentReturn::Complete(c) = parse(out).unwrap() else {
        panic!()
    };
    assert_eq!((c.tasks_done, c.tasks_total), (0, 3));
    let commits: Vec<TaskCommit> = c.tasks.into_iter().map(|t| t.commit).collect();
    assert_eq!(
        commits,
        [
            TaskCommit::Blank,
            TaskCommit::NoChanges {
                reason: "only verified".into()
            },
            TaskCommit::Blank
        ]
    );
    // An empty table is no rows at all, not an error: the execution rules name it.
    let empty = "## RUN COMPLETE\n**Run:** 03-02 **Tasks:** 2/2\n\n| Task | Name | Commit | Files |\n|---|---|---|---|\n";
    let AgentReturn::Complete(c) = parse(empty).unwrap() else {
        panic!()
    };
    assert!(c.tasks.is_empty());
}

#[test]
fn a_task_row_serialises_its_commit_cell_by_kind() {
    let row = CompletedTask {
        task: 2,
        name: "B".into(),
        commit: TaskCommit::NoChanges {
            reason: "verified".into(),
        },
        files: vec![],
    };
    assert_eq!(
        serde_json::to_value(&row).unwrap()["commit"],
        serde_json::json!({"kind": "no_changes", "reason": "verified"})
    );
    assert_eq!(
        serde_json::to_value(TaskCommit::hash("abc1234")).unwrap(),
        serde_json::json!({"kind": "hashes", "hashes": ["abc1234"]})
    );
}

/// GSD's executor, as its agents/gsd-executor.md has it return (1.42.3), plus the task
/// table renn's prompt asks for.
#[test]
fn gsd_executor_blocks_parse() {
    let done = "## PLAN COMPLETE\n\n**Plan:** 01-02\n**Tasks:** 2/2\n\
                **SUMMARY:** .planning/phases/01-foo/01-02-SUMMARY.md\n\n\
                | Task | Name | Commit | Files |\n|---|---|---|---|\n\
                | 1 | Test | abc1234 | test/foo.test.js |\n| 2 | Check | no changes: verified |  |\n\n\
                **Commits:**\n- abc1234: test(01-02): add foo test\n\n**Duration:** 2 min\n";
    let AgentReturn::Complete(c) = parse(done).unwrap() else {
        panic!("not a complete block")
    };
    assert_eq!(c.run.to_string(), "01-02");
    assert_eq!((c.tasks_done, c.tasks_total), (2, 2));
    assert_eq!(
        c.recap.as_deref(),
        Some(".planning/phases/01-foo/01-02-SUMMARY.md")
    );
    assert_eq!(c.tasks.len(), 2);

    let checkpoint = "## CHECKPOINT REACHED\n\n**Type:** human-verify\n**Plan:** 01-02\n\
                      **Progress:** 1/2 tasks complete\n\n### Completed Tasks\n\n\
                      | Task | Name | Commit | Files |\n| ---- | ---- | ------ | ----- |\n\
                      | 1 | Test | abc1234 | test/foo.test.js |\n\n### Current Task\n\n\
                      **Task 2:** Look at it\n**Status:** awaiting verification\n\n\
                      ### Checkpoint Details\n\nOpen the page.\n\n### Awaiting\n\nSay approved.\n";
    let AgentReturn::Gate(g) = parse(checkpoint).unwrap() else {
        panic!("not a gate block")
    };
    assert_eq!(g.run.to_string(), "01-02");
    assert_eq!((g.current_task, g.tasks_done), (2, 1));
    assert_eq!(g.details, "Open the page.");
    assert_eq!(g.awaiting, "Say approved.");
    assert_eq!(g.completed.len(), 1);

    let no_plan = parse("## PLAN COMPLETE\n**Tasks:** 1/1\n").unwrap_err();
    assert_eq!(
        no_plan,
        ReturnFailure::MissingField {
            block: "PLAN COMPLETE".into(),
            field: "Run".into()
        }
    );
}
