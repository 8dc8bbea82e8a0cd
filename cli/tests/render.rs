//! Every text renn renders, pinned by insta snapshots (`cli/tests/snapshots/`): the
//! Execution Plan markdown, the diagnostics of every `bad-*` fixture, and the models
//! table. Projects are loaded from disk through `renn_host::open_project`, the way the
//! `renn` binary loads them.
//!
//! To regenerate after an intended change: `INSTA_UPDATE=always cargo test -p renn-cli
//! --test render`, then review every changed `.snap` file before committing it.

use renn_core::diagnostic;
use renn_core::{Config, PlanOptions, Project};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn demo() -> PathBuf {
    repo().join("examples/demo")
}

fn fixture(case: &str) -> PathBuf {
    repo().join("tests/fixtures").join(case)
}

fn open(dir: &Path, stage: Option<&str>) -> Project {
    renn_host::open_project(Some(dir), stage).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn plan_markdown(dir: &Path, stage: &str, gaps_only: bool) -> String {
    let plan = open(dir, Some(stage))
        .plan(stage, PlanOptions { gaps_only })
        .unwrap_or_else(|e| panic!("{} stage {stage}: {e}", dir.display()));
    plan.render_markdown()
}

#[derive(serde::Deserialize)]
struct Case {
    command: String,
    stage: Option<String>,
    #[serde(default)]
    gaps_only: bool,
}

fn case(dir: &Path) -> Case {
    let text = std::fs::read_to_string(dir.join("case.json")).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

// ---------------------------------------------------------------------------------
// The Execution Plan
// ---------------------------------------------------------------------------------

#[test]
fn plan_demo_stage_2() {
    insta::assert_snapshot!("plan-demo-stage-2", plan_markdown(&demo(), "2", false));
}

#[test]
fn plan_demo_stage_2_gaps_only() {
    insta::assert_snapshot!(
        "plan-demo-stage-2-gaps-only",
        plan_markdown(&demo(), "2", true)
    );
}

#[test]
fn plan_demo_stage_1_all_complete() {
    insta::assert_snapshot!("plan-demo-stage-1", plan_markdown(&demo(), "1", false));
}

/// Every fixture that plans, with its own stage and filter from `case.json`.
const PLANNED_FIXTURES: &[&str] = &[
    "all-complete",
    "basic",
    "computed-batches",
    "decimal-stage",
    "decimal-stage-hotfix",
    "deleted-plan-recap",
    "files-overlap-worktrees",
    "gap-closure-replanned",
    "gaps-only",
    "gate-run",
    "letter-stage",
    "orphan-recap",
    "tolerated-field-shapes",
    "unpadded-dir",
    "warnings",
    "yaml-styles",
];

#[test]
fn plan_fixtures() {
    for name in PLANNED_FIXTURES {
        let dir = fixture(name);
        let c = case(&dir);
        assert_eq!(c.command, "plan", "{name}");
        let stage = c.stage.as_deref().expect("a stage");
        insta::assert_snapshot!(
            format!("plan-{name}"),
            plan_markdown(&dir, stage, c.gaps_only)
        );
    }
}

/// The warnings of a plan that succeeds render like errors do, as warnings.
#[test]
fn diagnostics_of_the_warnings_fixture() {
    let dir = fixture("warnings");
    let plan = open(&dir, Some("3"))
        .plan("3", PlanOptions::default())
        .unwrap();
    insta::assert_snapshot!(
        "diagnostics-warnings",
        diagnostic::render(&plan.diagnostics)
    );
}

// ---------------------------------------------------------------------------------
// Diagnostics of every bad-* fixture
// ---------------------------------------------------------------------------------

fn bad_cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("bad-"))
        })
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn diagnostics_of_every_bad_fixture() {
    let cases = bad_cases();
    assert!(
        cases.len() >= 17,
        "found only {} bad-* fixtures",
        cases.len()
    );
    for dir in cases {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let c = case(&dir);
        let stage = c.stage.as_deref().expect("a stage");
        let result = renn_host::open_project(Some(&dir), Some(stage)).and_then(|p| {
            let opts = PlanOptions {
                gaps_only: c.gaps_only,
            };
            match c.command.as_str() {
                "plan" => p.plan(stage, opts).map(|_| ()).map_err(Into::into),
                other => panic!("{name}: unexpected command {other}"),
            }
        });
        let err = match result {
            Ok(()) => panic!("{name}: a bad-* fixture planned without error"),
            Err(e) => e,
        };
        let ds = err.diagnostics();
        assert!(!ds.is_empty(), "{name}: an error without diagnostics");
        assert!(ds.iter().any(|d| d.is_error()), "{name}");
        insta::assert_snapshot!(name, diagnostic::render(&ds));
    }
}

// ---------------------------------------------------------------------------------
// The models table
// ---------------------------------------------------------------------------------

#[test]
fn models_of_the_demo_config() {
    let project = open(&demo(), None);
    insta::assert_snapshot!("models-demo", project.models().render_markdown());
}

#[test]
fn models_with_quality_horsepower_and_an_override() {
    let config = Config::parse(
        r#"{"horsepower": "quality", "model_overrides": {"renn-auditor": "opus"}}"#,
        false,
    )
    .unwrap();
    let models = renn_core::models::resolve(&config);
    assert!(models.warnings.is_empty());
    insta::assert_snapshot!("models-quality-override", models.render_markdown());
}

#[test]
fn models_with_budget_horsepower_and_a_custom_agent() {
    let config = Config::parse(
        r#"{"horsepower": "budget", "model_overrides": {"general-purpose": "haiku", "my-reviewer": "opus"}}"#,
        false,
    )
    .unwrap();
    let models = renn_core::models::resolve(&config);
    assert_eq!(models.warnings.len(), 1);
    insta::assert_snapshot!("models-budget-custom-agent", models.render_markdown());
}

/// The seed's report for each proof route: verified, human checklist (declared and
/// by the safety rule), and gaps with the gap-closure command.
#[test]
fn proof_reports_for_every_route() {
    for case in [
        "proof-passed",
        "proof-human-needed",
        "proof-override",
        "proof-gaps-found",
        "proof-yaml-reverification",
        "proof-style-subsections-h3",
    ] {
        let view = open(&fixture(case), Some("3")).proof("3").unwrap();
        insta::assert_snapshot!(case, view.report);
    }
}

/// What `renn parse-return` prints for people, for each kind of return.
#[test]
fn parsed_returns_for_people() {
    for case in [
        "return-complete",
        "return-gate-human-verify",
        "return-gate-decision",
        "return-gate-auth",
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_renn"))
            .arg("parse-return")
            .arg(fixture(case).join("output.md"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{case}");
        insta::assert_snapshot!(case, String::from_utf8(out.stdout).unwrap());
    }
}
