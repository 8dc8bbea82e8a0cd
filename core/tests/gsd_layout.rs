//! A GSD project (`.planning/`) read through the same API as a `.renn/` one: file
//! names, frontmatter keys and paths come from the layout's vocabulary.

use renn_core::{Code, Layout, Project, Snapshot};

const PLAN_1: &str = "---\nphase: 03-auth\nplan: 01\ntype: execute\nwave: 1\ndepends_on: []\nfiles-modified: [src/a.rs]\nautonomous: true\nmust_haves:\n  truths: [\"a user can log in\"]\n---\n<objective>Login form and handler</objective>\n<tasks>\n<task type=\"auto\"><name>Form</name><action>build</action><verify>cargo test</verify><done>ok</done></task>\n</tasks>\n";
const PLAN_2: &str = "---\nphase: 03-auth\nplan: 02\nwave: 2\ndepends_on: [\"03-01\"]\nfiles_modified: [src/b.rs]\nautonomous: false\n---\n<objective>Session cookie</objective>\n<tasks>\n<task type=\"auto\"><name>Cookie</name><action>x</action></task>\n<task type=\"checkpoint:human-verify\" gate=\"blocking\"><what-built>cookie</what-built><how-to-verify>log in</how-to-verify><resume-signal>approved</resume-signal></task>\n</tasks>\n";
const ROADMAP: &str = "# Roadmap\n\n## Phases\n\n- [x] **Phase 1: Setup** - scaffold (completed 2026-11-01)\n- [ ] **Phase 3: Auth** - users log in\n";

fn gsd() -> Snapshot {
    Snapshot::new()
        .with_file(".planning/config.json", "{\"model_profile\": \"quality\"}")
        .with_file(".planning/ROADMAP.md", ROADMAP)
        .with_file(".planning/STATE.md", "# State\n")
        .with_file(".planning/phases/03-auth/03-01-PLAN.md", PLAN_1)
        .with_file(".planning/phases/03-auth/03-02-PLAN.md", PLAN_2)
        .with_file(
            ".planning/phases/03-auth/03-01-SUMMARY.md",
            "---\nphase: 03-auth\nplan: 01\n---\n# 03-01\n\n**Login works**\n",
        )
        .with_file(".planning/phases/03-auth/03-CONTEXT.md", "notes")
}

#[test]
fn a_planning_tree_is_a_gsd_project() {
    let project = Project::new(gsd()).unwrap();
    assert_eq!(project.snapshot().layout, Layout::Gsd);
    assert_eq!(project.config().file, ".planning/config.json");
    let stage = project.resolve_stage("3").unwrap();
    assert_eq!(stage.dir, ".planning/phases/03-auth");
}

#[test]
fn plans_are_read_with_gsd_keys_and_summaries_complete_them() {
    let project = Project::new(gsd()).unwrap();
    let inv = project.inventory("3").unwrap();
    let ids: Vec<String> = inv.runs.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids, ["03-01", "03-02"]);
    assert_eq!(inv.runs[0].batch, 1);
    assert_eq!(inv.runs[1].batch, 2);
    assert!(inv.runs[0].recap.as_deref() == Some(".planning/phases/03-auth/03-01-SUMMARY.md"));
    assert!(inv.runs[1].recap.is_none());
    assert!(!inv.runs[1].autonomous);
    let errors: Vec<_> = inv.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let plan = project.plan("3", Default::default()).unwrap();
    assert_eq!(plan.skipped.complete.len(), 1, "03-01 has its SUMMARY");
    assert_eq!(plan.batches.len(), 1, "only 03-02's wave is left");
    assert_eq!(plan.batches[0].runs[0].to_string(), "03-02");
}

#[test]
fn a_renn_key_in_a_gsd_plan_is_not_its_identity() {
    // `run:` is renn's word; in a GSD plan the identity is `plan:`, so its absence is
    // reported in GSD's words.
    let text = PLAN_1.replace("plan: 01\n", "run: 01\n");
    let snap = gsd().with_file(".planning/phases/03-auth/03-01-PLAN.md", text);
    let v = Project::new(snap).unwrap().validate("3").unwrap();
    let missing = v
        .diagnostics
        .iter()
        .find(|d| d.code == Code::FieldMissing)
        .unwrap();
    assert!(
        missing.message.contains("no `plan` field"),
        "{}",
        missing.message
    );
}

#[test]
fn a_wrong_phase_is_named_in_gsd_words() {
    let text = PLAN_1.replace("phase: 03-auth", "phase: 04-other");
    let snap = gsd().with_file(".planning/phases/03-auth/03-01-PLAN.md", text);
    let v = Project::new(snap).unwrap().validate("3").unwrap();
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.code == Code::RunIdMismatch)
        .unwrap();
    assert_eq!(
        d.file.as_deref(),
        Some(".planning/phases/03-auth/03-01-PLAN.md")
    );
    assert!(d.message.starts_with("`phase` is"), "{}", d.message);
    assert_eq!(d.line, Some(2));
}

#[test]
fn both_trees_without_a_choice_is_an_error_and_a_choice_is_kept() {
    let both = gsd().with_file(".renn/config.json", "{}");
    let err = Project::new(both.clone()).unwrap_err();
    assert!(
        err.to_string().contains("both .renn/ and .planning/"),
        "{err}"
    );
    let chosen = gsd().with_file(".renn/config.json", "{\"layout\": \"gsd\"}");
    assert_eq!(Project::new(chosen).unwrap().snapshot().layout, Layout::Gsd);
}

#[test]
fn a_bad_config_value_names_the_gsd_file() {
    let snap = gsd().with_file(".planning/config.json", "{\n  \"commit_docs\": 3\n}");
    let err = Project::new(snap).unwrap_err();
    let d = err.diagnostics().first().cloned().unwrap();
    assert_eq!(d.file.as_deref(), Some(".planning/config.json"));
    assert_eq!(d.line, Some(2));
}

#[test]
fn gsd_branch_names_by_default_and_the_users_template_when_set() {
    let cfg = "{\"git\": {\"branching_strategy\": \"phase\"}}";
    let snap = gsd().with_file(".planning/config.json", cfg);
    let branch = Project::new(snap).unwrap().branch("3").unwrap();
    assert_eq!(branch.as_deref(), Some("gsd/phase-03-auth"));
    let own = "{\"git\": {\"branching_strategy\": \"phase\", \"phase_branch_template\": \"work/{phase}\"}}";
    let snap = gsd().with_file(".planning/config.json", own);
    let branch = Project::new(snap).unwrap().branch("3").unwrap();
    assert_eq!(branch.as_deref(), Some("work/03"));
}
