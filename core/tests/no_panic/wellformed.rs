//! Well-formed projects: random but valid plans (acyclic dependencies on earlier runs,
//! no overlapping files), for the "a produced plan is executable" property.

use super::*;

#[derive(Debug, Clone)]
pub(crate) struct RunSpec {
    /// Bit i: depend on the i-th present run with a smaller number.
    deps: u8,
    /// Sometimes a dependency on a later run (a cycle or a later batch).
    forward_dep: bool,
    shared_file: Option<usize>,
    gap_closure: bool,
    autonomous: Option<bool>,
    gate: &'static str,
    random_batch: u32,
    recap: bool,
}

pub(crate) fn run_spec() -> impl Strategy<Value = RunSpec> {
    (
        any::<u8>(),
        prop::bool::weighted(0.08),
        prop::option::weighted(0.2, 0usize..3),
        any::<bool>(),
        prop::option::weighted(0.2, any::<bool>()),
        prop::sample::select(vec![
            "auto",
            "auto",
            "auto",
            "tdd",
            "checkpoint:human-verify",
            "checkpoint:decision",
        ]),
        1u32..5,
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(
                deps,
                forward_dep,
                shared_file,
                gap_closure,
                autonomous,
                gate,
                random_batch,
                recap,
            )| RunSpec {
                deps,
                forward_dep,
                shared_file,
                gap_closure,
                autonomous,
                gate,
                random_batch,
                recap,
            },
        )
}

/// A project whose run files are all well-formed, so that planning usually succeeds
/// and the plan's invariants are exercised, not just the error paths.
pub(crate) fn wellformed_project() -> impl Strategy<Value = RandomProject> {
    let numbers = prop::sample::subsequence((1u32..=6).collect::<Vec<_>>(), 1..=6);
    let specs = numbers.prop_flat_map(|ns| {
        let len = ns.len();
        (Just(ns), prop::collection::vec(run_spec(), len))
    });
    let mode = prop::sample::select(vec![
        BatchMode::Computed,
        BatchMode::Computed,
        BatchMode::Levels,
        BatchMode::Levels,
        BatchMode::Random,
    ]);
    let config = prop::sample::select(vec![
        None,
        Some(r#"{"parallelization": false}"#),
        Some("{}"),
    ]);
    (specs, mode, config, any::<bool>()).prop_map(|((ns, specs), mode, config, gaps_only)| {
        let mut levels: Vec<u32> = Vec::new();
        let mut runs = Vec::new();
        let mut recaps = Vec::new();
        for (i, (n, spec)) in ns.iter().zip(&specs).enumerate() {
            let mut deps: Vec<usize> = (0..i).filter(|j| spec.deps & (1 << j) != 0).collect();
            let level = 1 + deps.iter().map(|&j| levels[j]).max().unwrap_or(0);
            levels.push(level);
            let mut dep_ids: Vec<String> = deps.drain(..).map(|j| format!("\"03-{:02}\"", ns[j])).collect();
            if spec.forward_dep {
                if let Some(later) = ns.get(i + 1) {
                    dep_ids.push(format!("\"03-{later:02}\""));
                }
            }
            let mut files = vec![format!("src/run{n}.rs")];
            if let Some(k) = spec.shared_file {
                files.push(["src/shared.rs", "./src/shared.rs", "README.md"][k].to_string());
            }
            let mut y = format!("stage: 03-x\nrun: {n:02}\ntype: execute\n");
            match mode {
                BatchMode::Computed => {}
                BatchMode::Levels => y += &format!("batch: {level}\n"),
                BatchMode::Random => y += &format!("batch: {}\n", spec.random_batch),
            }
            y += &format!("depends_on: [{}]\n", dep_ids.join(", "));
            y += &format!("files_modified: [{}]\n", files.join(", "));
            if let Some(a) = spec.autonomous {
                y += &format!("autonomous: {a}\n");
            }
            y += &format!("gap_closure: {}\n", spec.gap_closure);
            let text = format!(
                "---\n{y}---\n<objective>\nRun {n} builds part {n} of the stage.\n</objective>\n<tasks>\n<task type=\"{}\"><name>Task 1</name></task>\n</tasks>\n",
                spec.gate
            );
            runs.push((*n, RunContent::Text(text)));
            if spec.recap {
                recaps.push((*n, i % 2 == 0));
            }
        }
        RandomProject {
            runs,
            recaps,
            extra_files: Vec::new(),
            config: config.map(str::to_string),
            track: None,
            gaps_only,
        }
    })
}
