//! (d) whole projects: plan and validate never panic; well-formed ones plan into executable batches.

use super::*;

// ---------------------------------------------------------------------------------
// (d) whole projects
// ---------------------------------------------------------------------------------

pub(crate) const STAGE_DIR: &str = ".renn/stages/03-x";

/// A run file that is mostly right: real frontmatter fields with small, related values
/// (ids of sibling runs, a shared pool of files), so that many projects plan.
pub(crate) fn plausible_run_text(n: u32) -> impl Strategy<Value = String> {
    let deps = prop::collection::vec(
        prop::sample::select(vec![
            "03-01", "03-02", "03-03", "03-04", "03-05", "03-06", "1", "2", "02-01", "04-01",
            "03-09",
        ]),
        0..3,
    );
    let files = prop::collection::vec(
        prop::sample::select(vec![
            "src/a.rs",
            "./src/a.rs",
            "src/b.rs",
            "src/c.rs",
            "README.md",
        ]),
        0..3,
    );
    let batch = prop::option::weighted(0.3, 1u32..4);
    let gate = prop::sample::select(vec![
        "auto",
        "auto",
        "tdd",
        "checkpoint:human-verify",
        "checkpoint:decision",
    ]);
    (deps, files, batch, any::<bool>(), prop::option::of(any::<bool>()), gate, body())
        .prop_map(move |(deps, files, batch, gap, autonomous, gate, extra)| {
            let mut y = format!("stage: 03-x\nrun: {n:02}\ntype: execute\n");
            if let Some(b) = batch {
                y += &format!("batch: {b}\n");
            }
            let deps: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
            y += &format!("depends_on: [{}]\n", deps.join(", "));
            y += &format!("files_modified: [{}]\n", files.join(", "));
            if let Some(a) = autonomous {
                y += &format!("autonomous: {a}\n");
            }
            y += &format!("gap_closure: {gap}\n");
            format!(
                "---\n{y}---\n<objective>\nRun {n} builds a thing.\n</objective>\n<tasks>\n<task type=\"{gate}\"><name>Task {n}</name></task>\n</tasks>\n{extra}"
            )
        })
}

#[derive(Debug, Clone)]
pub(crate) enum RunContent {
    Text(String),
    Bytes(Vec<u8>),
    TooLarge(u64),
}

pub(crate) fn run_content(n: u32) -> impl Strategy<Value = RunContent> {
    prop_oneof![
        6 => plausible_run_text(n).prop_map(RunContent::Text),
        3 => any_run_text().prop_map(RunContent::Text),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(RunContent::Bytes),
        1 => prop::sample::select(vec![0u64, 4 << 20, (4 << 20) + 1, u64::MAX]).prop_map(RunContent::TooLarge),
    ]
}

#[derive(Debug, Clone)]
pub(crate) struct RandomProject {
    pub(crate) runs: Vec<(u32, RunContent)>,
    pub(crate) recaps: Vec<(u32, bool)>,
    pub(crate) extra_files: Vec<String>,
    pub(crate) config: Option<String>,
    pub(crate) track: Option<String>,
    pub(crate) gaps_only: bool,
}

pub(crate) fn random_project() -> impl Strategy<Value = RandomProject> {
    let numbers = prop::sample::subsequence((1u32..=6).collect::<Vec<_>>(), 1..=6);
    let runs = numbers.prop_flat_map(|ns| {
        ns.into_iter()
            .map(|n| run_content(n).prop_map(move |c| (n, c)))
            .collect::<Vec<_>>()
    });
    let recaps = prop::collection::vec((1u32..=9, any::<bool>()), 0..5);
    let extra = prop::collection::vec(
        prop::sample::select(vec![
            "03-proof.md",
            "03-x-run.md",
            "3-1-run.md",
            "04-01-run.md",
            "03-01-recap.md.bak",
            "notes.txt",
            "03-1-recap.md",
        ])
        .prop_map(str::to_string),
        0..3,
    );
    let config = prop_oneof![
        3 => Just(None),
        1 => Just(Some("{}".to_string())),
        2 => Just(Some(r#"{"parallelization": false}"#.to_string())),
        1 => Just(Some(r#"{"parallelization": {"enabled": false, "max_concurrent_agents": 2}}"#.to_string())),
        1 => json_object().prop_map(|o| Some(Value::Object(o).to_string())),
        1 => any::<String>().prop_map(Some),
    ];
    let track = prop_oneof![
        2 => Just(None),
        1 => Just(Some("## Stages\n- [ ] **Stage 3: Authentication** - Users log in\n".to_string())),
        1 => "\\PC{0,40}".prop_map(|t| Some(format!("- [ ] **Stage 3: {t}** - goal\n### Stage 3: {t}\n"))),
        1 => any::<String>().prop_map(Some),
    ];
    (runs, recaps, extra, config, track, any::<bool>()).prop_map(
        |(runs, recaps, extra_files, config, track, gaps_only)| RandomProject {
            runs,
            recaps,
            extra_files,
            config,
            track,
            gaps_only,
        },
    )
}

pub(crate) fn build_snapshot(p: &RandomProject) -> Snapshot {
    let mut snap = Snapshot::new();
    for (n, content) in &p.runs {
        let path = format!("{STAGE_DIR}/03-{n:02}-run.md");
        let content = match content {
            RunContent::Text(t) => FileContent::Text(t.clone()),
            RunContent::Bytes(b) => FileContent::Bytes(b.clone()),
            RunContent::TooLarge(bytes) => FileContent::TooLarge { bytes: *bytes },
        };
        snap.insert(path, content);
    }
    for (n, present_only) in &p.recaps {
        let path = format!("{STAGE_DIR}/03-{n:02}-recap.md");
        let content = if *present_only {
            FileContent::Present
        } else {
            FileContent::Text("---\nstage: 03-x\n---\n# Recap\n".into())
        };
        snap.insert(path, content);
    }
    for name in &p.extra_files {
        snap.insert(
            format!("{STAGE_DIR}/{name}"),
            FileContent::Text("---\nrun: 01\n---\n".into()),
        );
    }
    if let Some(c) = &p.config {
        snap.insert(CONFIG_PATH.into(), FileContent::Text(c.clone()));
    }
    if let Some(t) = &p.track {
        snap.insert(".renn/track.md".into(), FileContent::Text(t.clone()));
    }
    // Another stage next door, which must not leak into stage 3.
    snap.insert(
        ".renn/stages/04-y/04-01-run.md".into(),
        FileContent::Text("---\nstage: 04-y\nrun: 01\n---\n".into()),
    );
    snap
}

pub(crate) fn check_project(p: &RandomProject) -> Result<(), TestCaseError> {
    let snap = build_snapshot(p);
    let project = match Project::new(snap) {
        Ok(project) => project,
        Err(e) => {
            // Only the config can make a project with a `.renn/` dir fail to open.
            prop_assert!(
                ["config-syntax", "config-invalid"].contains(&e.code().name()),
                "unexpected {e:?}"
            );
            return Ok(());
        }
    };
    let opts = PlanOptions {
        gaps_only: p.gaps_only,
    };
    let plan = project.plan("3", opts);
    let validation = project.validate("3");
    let validation = match validation {
        Ok(v) => v,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "validate failed outright: {e:?}"
            )))
        }
    };
    prop_assert_eq!(
        validation.error_count,
        validation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count()
    );
    prop_assert_eq!(
        validation.warning_count + validation.error_count,
        validation.diagnostics.len()
    );
    // Errors first.
    let first_warning = validation
        .diagnostics
        .iter()
        .position(|d| !d.is_error())
        .unwrap_or(validation.diagnostics.len());
    prop_assert!(validation.diagnostics[first_warning..]
        .iter()
        .all(|d| !d.is_error()));
    for d in &validation.diagnostics {
        // Every diagnostic names a file of this stage or the config.
        let file = d.file.as_deref().unwrap_or("");
        prop_assert!(
            file.starts_with(&format!("{STAGE_DIR}/")) || file == CONFIG_PATH,
            "diagnostic outside the stage: {d:?}"
        );
    }
    let plan = match plan {
        Ok(plan) => plan,
        Err(Error::InvalidPlan(ds)) => {
            prop_assert!(!validation.ok(), "plan refused but validate is happy");
            prop_assert!(ds.iter().any(Diagnostic::is_error));
            return Ok(());
        }
        Err(e) => return Err(TestCaseError::fail(format!("plan failed with {e:?}"))),
    };
    prop_assert!(
        validation.ok(),
        "plan made despite errors: {:?}",
        validation.diagnostics
    );
    prop_assert!(plan.diagnostics.iter().all(|d| !d.is_error()));

    let by_id: HashMap<&RunId, &renn_core::inventory::Run> =
        plan.runs.iter().map(|r| (&r.id, r)).collect();
    prop_assert_eq!(by_id.len(), plan.runs.len(), "duplicate run ids in runs");
    prop_assert!(
        plan.runs.windows(2).all(|w| w[0].id < w[1].id),
        "runs not in id order"
    );
    // A dependency without a run file is satisfied by its recap (the run completed and
    // its plan was deleted); one on a complete run needs no order.
    let recapped: BTreeSet<RunId> = project
        .snapshot()
        .children(STAGE_DIR)
        .iter()
        .filter_map(|n| n.strip_suffix("-recap.md").and_then(RunId::parse))
        .collect();
    let mut scheduled = BTreeSet::new();
    for w in plan.batches.windows(2) {
        prop_assert!(
            w[0].batch < w[1].batch,
            "batches not strictly ascending: {:?}",
            plan.batches
        );
    }
    for b in &plan.batches {
        prop_assert!(b.batch >= 1);
        prop_assert!(!b.runs.is_empty(), "empty batch {}", b.batch);
        prop_assert!(
            b.runs.windows(2).all(|w| w[0] < w[1]),
            "batch {} not sorted",
            b.batch
        );
        for id in &b.runs {
            let Some(run) = by_id.get(id) else {
                return Err(TestCaseError::fail(format!(
                    "{id} is in a batch but not in runs"
                )));
            };
            prop_assert!(!run.complete, "{id} is complete but scheduled");
            prop_assert_eq!(run.batch, b.batch);
            prop_assert_eq!(&run.id.stage, &plan.stage.number);
            if p.gaps_only {
                prop_assert!(run.gap_closure, "{} is not gap closure", id);
            }
            prop_assert!(scheduled.insert((*id).clone()), "{id} scheduled twice");
            for dep in &run.depends_on {
                if dep.stage != plan.stage.number {
                    prop_assert!(dep.stage < plan.stage.number, "{id} depends on later {dep}");
                    continue;
                }
                let Some(target) = by_id.get(dep) else {
                    prop_assert!(recapped.contains(dep), "{id} depends on missing {dep}");
                    continue;
                };
                prop_assert!(
                    target.batch < run.batch || target.complete,
                    "{id} (batch {}) depends on {dep} (batch {})",
                    run.batch,
                    target.batch
                );
            }
        }
    }
    // Every run is scheduled or skipped, for exactly one reason.
    let complete: BTreeSet<&RunId> = plan.skipped.complete.iter().collect();
    let not_gap: BTreeSet<&RunId> = plan.skipped.not_gap_closure.iter().collect();
    for r in &plan.runs {
        let places = [
            scheduled.contains(&r.id),
            complete.contains(&r.id),
            not_gap.contains(&r.id),
        ];
        prop_assert_eq!(
            places.iter().filter(|x| **x).count(),
            1,
            "{} is in {:?}",
            r.id,
            places
        );
        prop_assert_eq!(r.complete, complete.contains(&r.id));
    }
    prop_assert_eq!(plan.message.is_some(), plan.batches.is_empty());
    let md = plan.render_markdown();
    prop_assert!(md.starts_with("## Execution Plan\n"));
    Ok(())
}

/// How a mostly valid project gives its runs batches.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BatchMode {
    /// No `batch:` anywhere: computed from depends_on.
    Computed,
    /// `batch:` on every run, equal to its dependency level (a valid plan).
    Levels,
    /// `batch:` on every run, chosen at random (often invalid).
    Random,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn projects_plan_and_validate_without_panicking(p in random_project()) {
        check_project(&p)?;
    }

    #[test]
    fn wellformed_projects_plan_into_executable_batches(p in wellformed_project()) {
        check_project(&p)?;
    }

    /// A recap only ever makes a run complete: adding one to any run of a stage that
    /// plans never turns the stage into an error (overlaps and dependencies that
    /// involve a finished run stop mattering; nothing starts to).
    #[test]
    fn adding_a_recap_never_makes_a_plannable_stage_fail(
        p in prop_oneof![wellformed_project(), random_project()],
        pick in any::<prop::sample::Index>(),
        present_only in any::<bool>(),
    ) {
        let Ok(project) = Project::new(build_snapshot(&p)) else { return Ok(()) };
        let opts = PlanOptions { gaps_only: p.gaps_only };
        let Ok(before) = project.plan("3", opts) else { return Ok(()) };
        let run = pick.get(&before.runs).id.run;
        let mut q = p.clone();
        q.recaps.push((run, present_only));
        let project = Project::new(build_snapshot(&q)).expect("opened before");
        match project.plan("3", opts) {
            Ok(after) => {
                let complete = |plan: &renn_core::Plan| plan.runs.iter().filter(|r| r.complete).count();
                prop_assert!(complete(&after) >= complete(&before));
            }
            Err(e) => prop_assert!(false, "a recap for 03-{run:02} broke the plan: {e:?}"),
        }
        let v = project.validate("3").expect("validates");
        prop_assert!(v.ok(), "{:?}", v.diagnostics);
    }
}
