//! Planning a stage from in-memory snapshots: batches computed from `depends_on`,
//! dependency and overlap checks, the filters, the summary column, stage titles and
//! oversized files. Every test asserts codes, messages, files and positions.

use renn_core::diagnostic::Diagnostic;
use renn_core::inventory::BatchSource;
use renn_core::plan::{title_from_slug, NOTHING_TO_RUN};
use renn_core::{Error, FileContent, Plan, PlanOptions, Project, Severity, Snapshot};

const DIR: &str = ".renn/stages/03-auth";

fn path(run: &str) -> String {
    format!("{DIR}/03-{run}-run.md")
}

const BODY: &str = "<objective>\nDo the work.\n</objective>\n\n<tasks>\n<task type=\"auto\">\n  <name>Task 1</name>\n</task>\n</tasks>\n";

/// A run file of stage 03: `stage`, `run` and `type` on lines 2–4, then `fields` from
/// line 5 on, then `body`.
fn run_file(run: &str, fields: &str, body: &str) -> String {
    format!("---\nstage: 03-auth\nrun: {run}\ntype: execute\n{fields}---\n{body}")
}

/// A snapshot of stage 03 with the given runs (`(run, fields)`), each with [`BODY`].
fn snapshot(runs: &[(&str, &str)]) -> Snapshot {
    runs.iter().fold(Snapshot::new(), |s, (run, fields)| {
        s.with_file(path(run), run_file(run, fields, BODY))
    })
}

fn project(s: Snapshot) -> Project {
    Project::new(s).expect("project opens")
}

fn plan(s: Snapshot) -> Plan {
    plan_with(s, false)
}

fn plan_with(s: Snapshot, gaps_only: bool) -> Plan {
    match project(s).plan("3", PlanOptions { gaps_only }) {
        Ok(p) => p,
        Err(e) => panic!("plan failed: {e}"),
    }
}

/// The diagnostics of a plan that must fail.
fn plan_errors(s: Snapshot) -> Vec<Diagnostic> {
    match project(s).plan("3", PlanOptions::default()) {
        Ok(p) => panic!("planned despite errors: {:?}", p.batches),
        Err(Error::InvalidPlan(ds)) => ds,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

/// `[(batch, ["03-01", …])]` for compact assertions.
fn batches(p: &Plan) -> Vec<(u32, Vec<String>)> {
    p.batches
        .iter()
        .map(|b| (b.batch, b.runs.iter().map(ToString::to_string).collect()))
        .collect()
}

fn ids(v: &[renn_core::run::RunId]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn diag(
    d: &Diagnostic,
) -> (
    &'static str,
    Severity,
    &str,
    Option<&str>,
    Option<u32>,
    Option<u32>,
) {
    (
        d.code.name(),
        d.severity,
        d.message.as_str(),
        d.file.as_deref(),
        d.line,
        d.column,
    )
}

// ---------------------------------------------------------------------------------
// Batches computed from depends_on
// ---------------------------------------------------------------------------------

#[test]
fn diamond_dependencies_give_three_batches() {
    let p = plan(snapshot(&[
        ("01", "depends_on: []\n"),
        ("02", "depends_on: [\"03-01\"]\n"),
        ("03", "depends_on: [\"01\"]\n"), // a bare run number means this stage
        ("04", "depends_on:\n  - 03-02\n  - '03-03'\n"),
    ]));
    assert_eq!(p.batch_source, BatchSource::DependsOn);
    assert_eq!(
        batches(&p),
        [
            (1, vec!["03-01".to_string()]),
            (2, vec!["03-02".into(), "03-03".into()]),
            (3, vec!["03-04".into()]),
        ]
    );
    let per_run: Vec<u32> = p.runs.iter().map(|r| r.batch).collect();
    assert_eq!(per_run, [1, 2, 2, 3]);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(p.message, None);
}

#[test]
fn a_chain_gives_one_batch_per_run_whatever_the_id_order() {
    // 03-01 depends on 03-02, which depends on 03-03: the chain runs backwards.
    let p = plan(snapshot(&[
        ("01", "depends_on: [\"03-02\"]\n"),
        ("02", "depends_on: [\"03-03\"]\n"),
        ("03", ""),
    ]));
    assert_eq!(
        batches(&p),
        [
            (1, vec!["03-03".to_string()]),
            (2, vec!["03-02".into()]),
            (3, vec!["03-01".into()]),
        ]
    );
    // `runs` stays in id order; only `batches` follows the chain.
    assert_eq!(
        p.runs.iter().map(|r| r.id.to_string()).collect::<Vec<_>>(),
        ["03-01", "03-02", "03-03"]
    );
}

#[test]
fn independent_runs_share_the_first_batch() {
    let p = plan(snapshot(&[
        ("01", ""),
        ("02", ""),
        ("03", "depends_on: ~\n"),
    ]));
    assert_eq!(
        batches(&p),
        [(1, vec!["03-01".to_string(), "03-02".into(), "03-03".into()])]
    );
}

#[test]
fn a_cycle_is_reported_once_with_its_path() {
    let s = snapshot(&[
        ("01", "depends_on: [\"03-03\"]\n"),
        ("02", "depends_on: [\"03-01\"]\n"),
        ("03", "depends_on: [\"03-02\"]\n"),
    ]);
    let ds = plan_errors(s.clone());
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(
        diag(&ds[0]),
        (
            "dependency-cycle",
            Severity::Error,
            "dependency cycle: 03-01 → 03-03 → 03-02 → 03-01",
            Some(path("02").as_str()),
            Some(5),
            Some(14),
        )
    );
    assert!(ds[0].hint.as_deref().unwrap().contains("cannot depend"));
    // validate lists the same single finding.
    let v = project(s).validate("3").unwrap();
    assert_eq!((v.error_count, v.warning_count), (1, 0));
    assert_eq!(v.diagnostics, ds);
}

#[test]
fn a_run_depending_on_itself_is_a_cycle() {
    let ds = plan_errors(snapshot(&[("01", "depends_on: [\"03-01\"]\n"), ("02", "")]));
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(
        diag(&ds[0]),
        (
            "dependency-cycle",
            Severity::Error,
            "dependency cycle: 03-01 → 03-01",
            Some(path("01").as_str()),
            Some(5),
            Some(14),
        )
    );
    // With frontmatter batches the same mistake has its own wording.
    let ds = plan_errors(snapshot(&[("01", "batch: 1\ndepends_on: [\"03-01\"]\n")]));
    assert_eq!(
        diag(&ds[0]),
        (
            "dependency-cycle",
            Severity::Error,
            "run 03-01 depends on itself",
            Some(path("01").as_str()),
            Some(6),
            Some(14),
        )
    );
}

// ---------------------------------------------------------------------------------
// Dependencies outside the stage, and against frontmatter batches
// ---------------------------------------------------------------------------------

#[test]
fn a_dependency_on_an_earlier_stage_is_ignored() {
    let p = plan(snapshot(&[
        ("01", "depends_on: [\"02-05\", \"01-01\", \"02.1-01\"]\n"),
        ("02", "depends_on: [\"03-01\"]\n"),
    ]));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(
        batches(&p),
        [(1, vec!["03-01".to_string()]), (2, vec!["03-02".into()])]
    );
    assert_eq!(ids(&p.runs[0].depends_on), ["02-05", "01-01", "02.1-01"]);
}

#[test]
fn a_dependency_on_a_later_stage_is_an_error() {
    let ds = plan_errors(snapshot(&[
        ("01", ""),
        (
            "02",
            "depends_on:\n  - \"03-01\"\n  - \"04-01\"\n  - \"03.1-02\"\n",
        ),
    ]));
    let found: Vec<_> = ds.iter().map(diag).collect();
    assert_eq!(
        found,
        [
            (
                "depends-on-later-stage",
                Severity::Error,
                "run 03-02 depends on 04-01, which is in a later stage",
                Some(path("02").as_str()),
                Some(7),
                Some(5),
            ),
            (
                "depends-on-later-stage",
                Severity::Error,
                "run 03-02 depends on 03.1-02, which is in a later stage",
                Some(path("02").as_str()),
                Some(8),
                Some(5),
            ),
        ]
    );
}

#[test]
fn a_missing_dependency_names_the_entry() {
    let ds = plan_errors(snapshot(&[
        ("01", "batch: 1\n"),
        ("02", "batch: 2\ndepends_on: [\"03-01\", \"03-07\"]\n"),
    ]));
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(
        diag(&ds[0]),
        (
            "depends-on-missing",
            Severity::Error,
            "run 03-02 depends on 03-07, which does not exist in this stage",
            Some(path("02").as_str()),
            Some(6),
            Some(23),
        )
    );
}

#[test]
fn frontmatter_batches_must_put_dependencies_first() {
    let ds = plan_errors(snapshot(&[
        ("01", "batch: 2\n"),
        ("02", "batch: 2\ndepends_on: [\"03-01\"]\n"),
        ("03", "batch: 1\ndepends_on: [\"03-01\"]\n"),
    ]));
    let found: Vec<_> = ds.iter().map(diag).collect();
    assert_eq!(
        found,
        [
            (
                "depends-on-batch",
                Severity::Error,
                "run 03-02 (batch 2) depends on 03-01, which is in the same batch (batch 2)",
                Some(path("02").as_str()),
                Some(6),
                Some(14),
            ),
            (
                "depends-on-batch",
                Severity::Error,
                "run 03-03 (batch 1) depends on 03-01, which is in a later batch (batch 2)",
                Some(path("03").as_str()),
                Some(6),
                Some(14),
            ),
        ]
    );
    assert_eq!(
        ds[0].hint.as_deref(),
        Some("a run must come in a later batch than what it depends on: move 03-02 to batch 3 or later")
    );
}

#[test]
fn frontmatter_batches_are_used_as_written() {
    let p = plan(snapshot(&[
        ("01", "batch: 1\n"),
        ("02", "batch: \"3\"\ndepends_on: [\"03-01\"]\n"),
    ]));
    assert_eq!(p.batch_source, BatchSource::Frontmatter);
    assert_eq!(
        batches(&p),
        [(1, vec!["03-01".to_string()]), (3, vec!["03-02".into()])]
    );
}

/// A run without `batch` among runs with one is reported as `batch-missing`; it has
/// no batch, so no other diagnostic may claim it is "in batch 1".
#[test]
fn a_run_without_batch_is_not_reported_as_in_batch_1() {
    let ds = plan_errors(snapshot(&[
        ("01", "batch: 1\n"),
        ("02", "depends_on: [\"03-01\"]\n"),
    ]));
    let found: Vec<_> = ds
        .iter()
        .map(|d| (d.code.name(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "batch-missing",
            "run 03-02 has no `batch` but 1 other run(s) of this stage do"
        )],
        "{ds:#?}"
    );
}

// ---------------------------------------------------------------------------------
// files_modified overlap
// ---------------------------------------------------------------------------------

fn overlapping() -> Snapshot {
    snapshot(&[
        ("01", "files_modified: [src/a.rs, src/b.rs]\n"),
        ("02", "files_modified:\n  - ./src/a.rs\n"),
        (
            "03",
            "depends_on: [\"03-01\"]\nfiles_modified: [src/a.rs]\n",
        ),
    ])
}

/// The one diagnostic of a plan that succeeds, with its hint.
fn only_warning(p: &Plan) -> (&'static str, Severity, &str, Option<u32>, &str) {
    assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
    let d = &p.diagnostics[0];
    (
        d.code.name(),
        d.severity,
        d.message.as_str(),
        d.line,
        d.hint.as_deref().unwrap_or(""),
    )
}

#[test]
fn overlapping_files_in_worktrees_may_conflict_when_merged() {
    let p = plan(overlapping());
    assert_eq!(
        only_warning(&p),
        (
            "files-overlap",
            Severity::Warning,
            "runs 03-01 and 03-02 are both in batch 1 and both modify src/a.rs: each works in its own worktree, so merging them may conflict",
            Some(6),
            "if one builds on the other, move it to a later batch",
        )
    );
    assert_eq!(p.diagnostics[0].file.as_deref(), Some(path("02").as_str()));
    assert_eq!(p.diagnostics[0].column, Some(3));
    assert_eq!(
        batches(&p)[0],
        (1, vec!["03-01".to_string(), "03-02".into()])
    );
}

#[test]
fn overlapping_files_in_a_shared_checkout_may_overwrite_each_other() {
    let s = overlapping().with_file(".renn/config.json", r#"{"isolation": "shared"}"#);
    let p = plan(s);
    let (code, severity, message, _, hint) = only_warning(&p);
    assert_eq!((code, severity), ("files-overlap", Severity::Warning));
    assert!(
        message.ends_with(
            "they run at the same time in one checkout and may overwrite each other's edits"
        ),
        "{message}"
    );
    assert!(hint.contains("worktree"), "{hint}");
}

#[test]
fn overlaps_count_only_the_runs_that_will_execute() {
    // 03-01 is complete: its overlap with 03-02 changes nothing any more.
    let done = overlapping().with_file(format!("{DIR}/03-01-recap.md"), "# done\n");
    let p = plan(done.clone());
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert!(project(done).validate("3").unwrap().diagnostics.is_empty());
    // --gaps-only: 03-02 is filtered out, so its overlap with the gap run is not reported.
    let s = snapshot(&[
        ("01", "gap_closure: true\nfiles_modified: [src/a.rs]\n"),
        ("02", "files_modified: [src/a.rs]\n"),
    ]);
    assert_eq!(plan(s.clone()).diagnostics.len(), 1);
    let p = plan_with(s, true);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert!(p.diagnostics.is_empty());
}

// ---------------------------------------------------------------------------------
// Long-lived stages: gap closure, deleted plans, broken files
// ---------------------------------------------------------------------------------

#[test]
fn gap_closure_runs_with_batch_0_run_first_with_a_warning() {
    let s = snapshot(&[
        ("01", "batch: 1\nfiles_modified: [src/a.rs]\n"),
        (
            "02",
            "batch: 2\ndepends_on: [\"03-01\"]\nfiles_modified: [src/a.rs]\n",
        ),
        (
            "03",
            "batch: 0\ngap_closure: true\ndepends_on: [\"03-02\"]\nfiles_modified: [src/a.rs]\n",
        ),
    ])
    .with_file(format!("{DIR}/03-01-recap.md"), "")
    .with_file(format!("{DIR}/03-02-recap.md"), "");
    let p = plan_with(s, true);
    assert_eq!(batches(&p), [(1, vec!["03-03".to_string()])]);
    let found: Vec<(&str, Severity, Option<u32>)> = p
        .diagnostics
        .iter()
        .map(|d| (d.code.name(), d.severity, d.line))
        .collect();
    // Read as batch 1; its dependency on 03-02 (batch 2) is complete, so nothing waits.
    assert_eq!(
        found,
        [
            ("batch-zero", Severity::Warning, Some(5)),
            ("depends-on-batch", Severity::Warning, Some(7)),
        ]
    );
    assert_eq!(
        p.diagnostics[1].message,
        "run 03-03 (batch 1) depends on 03-02, which is in a later batch (batch 2); 03-02 is complete"
    );
}

#[test]
fn a_dependency_on_an_incomplete_run_in_the_same_batch_is_still_an_error() {
    let ds = plan_errors(snapshot(&[
        ("01", "batch: 1\n"),
        ("02", "batch: 1\ndepends_on: [\"03-01\"]\n"),
    ]));
    assert_eq!(
        ds.iter()
            .map(|d| (d.code.name(), d.severity))
            .collect::<Vec<_>>(),
        [("depends-on-batch", Severity::Error)]
    );
}

#[test]
fn a_deleted_plan_whose_recap_remains_satisfies_depends_on() {
    let s = snapshot(&[("02", "depends_on: [\"03-01\"]\n")])
        .with_file(format!("{DIR}/03-01-recap.md"), "# done\n");
    let p = plan(s);
    assert_eq!(batches(&p), [(1, vec!["03-02".to_string()])]);
    assert_eq!(
        only_warning(&p).0,
        "orphan-recap",
        "the recap is still reported as having no run file"
    );
}

#[test]
fn a_broken_run_file_does_not_cascade() {
    let s = snapshot(&[("02", "depends_on: [\"03-01\"]\n")])
        .with_file(path("01"), "---\nrun: 01\nbatch: [\n---\n")
        .with_file(format!("{DIR}/03-01-recap.md"), "# done\n");
    let ds = project(s).validate("3").unwrap().diagnostics;
    let found: Vec<(&str, Option<&str>)> = ds
        .iter()
        .map(|d| (d.code.name(), d.file.as_deref()))
        .collect();
    assert_eq!(found, [("yaml-syntax", Some(path("01").as_str()))]);
}

#[test]
fn letter_prefixed_runs_plan_after_numbered_ones() {
    let s = Snapshot::new()
        .with_file(
            format!("{DIR}/03-P01-run.md"),
            run_file("P01", "depends_on: [\"01\"]\n", BODY),
        )
        .with_file(
            format!("{DIR}/03-P02-run.md"),
            run_file("03-P02", "depends_on: [P01]\n", BODY),
        )
        .with_file(path("01"), run_file("01", "", BODY))
        .with_file(format!("{DIR}/03-P01-recap.md"), "");
    let p = plan(s);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(
        batches(&p),
        [(1, vec!["03-01".to_string()]), (3, vec!["03-P02".into()])]
    );
    assert_eq!(ids(&p.skipped.complete), ["03-P01"]);
    assert_eq!(
        p.runs[1].recap.as_deref(),
        Some(".renn/stages/03-auth/03-P01-recap.md")
    );
}

#[test]
fn overlapping_files_are_a_warning_when_parallelization_is_off() {
    for config in [
        r#"{"parallelization": false}"#,
        r#"{"parallelization": {"enabled": false, "max_concurrent_agents": 3}}"#,
    ] {
        let s = overlapping().with_file(".renn/config.json", config);
        let p = plan(s);
        assert_eq!(p.diagnostics.len(), 1, "{config}: {:?}", p.diagnostics);
        assert_eq!(
            diag(&p.diagnostics[0]),
            (
                "files-overlap",
                Severity::Warning,
                "runs 03-01 and 03-02 are both in batch 1 and both modify src/a.rs",
                Some(path("02").as_str()),
                Some(6),
                Some(3),
            )
        );
        assert_eq!(
            p.diagnostics
                .iter()
                .map(|d| d.one_line())
                .collect::<Vec<_>>(),
            [format!(
                "{}:6:3: runs 03-01 and 03-02 are both in batch 1 and both modify src/a.rs",
                path("02")
            )]
        );
        assert_eq!(
            batches(&p),
            [
                (1, vec!["03-01".to_string(), "03-02".into()]),
                (2, vec!["03-03".into()])
            ]
        );
    }
}

// ---------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------

fn with_gaps_and_recap() -> Snapshot {
    snapshot(&[
        ("01", "gap_closure: true\n"),
        ("02", "gap_closure: false\n"),
        ("03", "gap_closure: true\ndepends_on: [\"03-02\"]\n"),
        ("04", ""),
    ])
    .with_file(format!("{DIR}/03-01-recap.md"), "# done\n")
}

#[test]
fn completed_runs_are_skipped() {
    let p = plan(with_gaps_and_recap());
    assert_eq!(
        batches(&p),
        [
            (1, vec!["03-02".to_string(), "03-04".into()]),
            (2, vec!["03-03".into()])
        ]
    );
    assert_eq!(ids(&p.skipped.complete), ["03-01"]);
    assert!(p.skipped.not_gap_closure.is_empty());
    assert!(p.runs[0].complete);
    assert_eq!(
        p.runs[0].recap.as_deref(),
        Some(".renn/stages/03-auth/03-01-recap.md")
    );
}

#[test]
fn gaps_only_keeps_incomplete_gap_closure_runs() {
    let p = plan_with(with_gaps_and_recap(), true);
    assert_eq!(batches(&p), [(2, vec!["03-03".to_string()])]);
    assert_eq!(ids(&p.skipped.complete), ["03-01"]);
    assert_eq!(ids(&p.skipped.not_gap_closure), ["03-02", "03-04"]);
    assert_eq!(p.message, None);
    let md = p.render_markdown();
    assert!(
        md.contains("| 2 | 03-03 [gap closure] | Do the work |"),
        "{md}"
    );
    assert!(
        md.contains("Skipped, not gap closure (--gaps-only): 03-02, 03-04"),
        "{md}"
    );
}

#[test]
fn nothing_left_to_run_says_so() {
    let s = snapshot(&[("01", ""), ("02", "")])
        .with_file(format!("{DIR}/03-01-recap.md"), "")
        .with_file(format!("{DIR}/03-02-recap.md"), "");
    let p = plan(s.clone());
    assert_eq!(NOTHING_TO_RUN, "No matching incomplete runs");
    assert_eq!(p.message.as_deref(), Some(NOTHING_TO_RUN));
    assert!(p.batches.is_empty());
    assert_eq!(ids(&p.skipped.complete), ["03-01", "03-02"]);
    let md = p.render_markdown();
    // A finished stage is said to be complete, not shown as an empty plan.
    assert!(
        md.contains("— complete: every run has its recap (2 runs)."),
        "{md}"
    );
    assert!(!md.contains("0 runs across 0 batches"), "{md}");
    assert!(!md.contains("| Batch |"), "{md}");

    // --gaps-only on a stage without gap-closure runs: the same message.
    let p = plan_with(snapshot(&[("01", ""), ("02", "")]), true);
    assert_eq!(p.message.as_deref(), Some(NOTHING_TO_RUN));
    assert_eq!(ids(&p.skipped.not_gap_closure), ["03-01", "03-02"]);
}

// ---------------------------------------------------------------------------------
// The summary column
// ---------------------------------------------------------------------------------

fn summary_of(objective: &str) -> String {
    let body = format!("<objective>\n{objective}\n</objective>\n<tasks><task type=\"auto\"><name>Named task</name></task></tasks>\n");
    let s = Snapshot::new().with_file(path("01"), run_file("01", "", &body));
    plan(s).runs[0].summary.clone()
}

#[test]
fn summary_is_the_objective_first_line_cut_to_eight_words() {
    assert_eq!(
        summary_of("Build the login endpoint with sessions, cookies and CSRF protection.\n\nPurpose: more."),
        "Build the login endpoint with sessions, cookies and…"
    );
    // Punctuation at the cut goes before the ellipsis.
    assert_eq!(
        summary_of("One two three four five six seven eight, nine ten"),
        "One two three four five six seven eight…"
    );
    // Eight words exactly: no ellipsis, and the final period is dropped.
    assert_eq!(
        summary_of("One two three four five six seven eight."),
        "One two three four five six seven eight"
    );
    assert_eq!(summary_of("Add the user model."), "Add the user model");
    assert_eq!(summary_of("Version 1.2 ships."), "Version 1.2 ships");
    // Markdown emphasis is not part of the words.
    assert_eq!(
        summary_of("  **Session** store for `tokens`  "),
        "Session store for tokens"
    );
    // No objective text: the first task's name.
    assert_eq!(summary_of(""), "Named task");
}

#[test]
fn the_summary_column_is_in_the_markdown_table() {
    let body = "<objective>\nServer-side session store | keyed by random tokens and expiring after idle time.\n</objective>\n";
    let s = Snapshot::new().with_file(path("01"), run_file("01", "", body));
    let p = plan(s);
    let md = p.render_markdown();
    assert!(
        md.contains("| 1 | 03-01 | Server-side session store \\| keyed by random tokens… |"),
        "{md}"
    );
}

// ---------------------------------------------------------------------------------
// Stage titles
// ---------------------------------------------------------------------------------

#[test]
fn titles_from_slugs() {
    assert_eq!(title_from_slug("user-auth"), "User Auth");
    assert_eq!(title_from_slug("authentication"), "Authentication");
    assert_eq!(title_from_slug("api_v2--cleanup"), "Api V2 Cleanup");
    assert_eq!(title_from_slug("élan-vital"), "Élan Vital");
    assert_eq!(title_from_slug(""), "");
}

#[test]
fn stage_title_comes_from_the_track_checklist() {
    let s = Snapshot::new()
        .with_file(".renn/stages/03-user-auth/03-01-run.md", run_file("01", "", BODY))
        .with_file(
            ".renn/track.md",
            "# Track\n\n## Stages\n\n- [x] **Stage 2: Editor** - write notes\n- [ ] **Stage 3: Authentication** - Users can sign up and log in\n- [ ] **Stage 4: Publishing** - publish\n",
        );
    let p = plan(s);
    assert_eq!(p.stage.title, "Authentication");
    assert_eq!(p.stage.name, "user-auth");
    assert!(p
        .render_markdown()
        .contains("**Stage 3: Authentication** — 1 run across 1 batch\n"));
}

#[test]
fn stage_title_falls_back_to_the_directory_slug() {
    // No track.md, and a track.md that does not list stage 3.
    for track in [None, Some("- [ ] **Stage 4: Publishing** - later\n")] {
        let mut s = Snapshot::new().with_file(
            ".renn/stages/03-user-auth/03-01-run.md",
            run_file("01", "", BODY),
        );
        if let Some(t) = track {
            s = s.with_file(".renn/track.md", t);
        }
        assert_eq!(plan(s).stage.title, "User Auth", "{track:?}");
    }
}

// ---------------------------------------------------------------------------------
// Oversized and unreadable files
// ---------------------------------------------------------------------------------

const FIVE_MB: u64 = 5 * 1024 * 1024;

fn assert_too_large(content: FileContent) {
    let mut s = snapshot(&[("01", "")]);
    s.insert(path("02"), content);
    let ds = plan_errors(s.clone());
    assert_eq!(ds.len(), 1, "{ds:?}");
    assert_eq!(
        diag(&ds[0]),
        (
            "file-too-large",
            Severity::Error,
            "file is 5.0 MB; renn reads plan files of at most 4 MB",
            Some(path("02").as_str()),
            None,
            None,
        )
    );
    assert!(ds[0].hint.is_some());
    let v = project(s).validate("3").unwrap();
    assert_eq!(v.error_count, 1);
    assert_eq!(v.diagnostics[0].code, "file-too-large");
}

#[test]
fn a_5_mb_run_file_the_host_did_not_read_is_refused() {
    assert_too_large(FileContent::TooLarge { bytes: FIVE_MB });
}

#[test]
fn a_5_mb_run_file_handed_in_as_text_is_refused() {
    let mut text = run_file("02", "", BODY);
    text.push_str(&"x".repeat(FIVE_MB as usize - text.len()));
    assert_eq!(text.len() as u64, FIVE_MB);
    assert_too_large(FileContent::Text(text));
}

#[test]
fn a_5_mb_run_file_handed_in_as_bytes_is_refused() {
    assert_too_large(FileContent::Bytes(vec![b'-'; FIVE_MB as usize]));
}

#[test]
fn an_oversized_config_stops_the_project_from_opening() {
    let mut s = snapshot(&[("01", "")]);
    s.insert(
        ".renn/config.json".into(),
        FileContent::TooLarge { bytes: FIVE_MB },
    );
    let e = Project::new(s).unwrap_err();
    assert_eq!(e.code(), "file-too-large");
    assert_eq!(
        e.diagnostics()[0].file.as_deref(),
        Some(".renn/config.json")
    );
}

#[test]
fn invalid_utf8_names_the_file_line_and_column() {
    let mut s = snapshot(&[("01", "")]);
    s.insert(
        path("02"),
        FileContent::Bytes(b"---\nstage: 03-auth\nrun: 0\xff2\n---\n".to_vec()),
    );
    let ds = plan_errors(s);
    assert_eq!(
        diag(&ds[0]),
        (
            "invalid-utf8",
            Severity::Error,
            "file is not valid UTF-8 (bad byte at offset 25)",
            Some(path("02").as_str()),
            Some(3),
            Some(7),
        )
    );
}
