//! A GSD project's `.planning/config.json` read as is. The JSON files here were
//! written by get-shit-done-cc 1.42.3 itself: `gsd-new-project.json` by
//! `gsd-tools config-new-project`, `gsd-config-set.json` by then running
//! `gsd-tools config-set` for model_profile inherit, git.branching_strategy phase,
//! workflow.verifier false, planning.commit_docs false, workflow.use_worktrees false and
//! model_overrides.gsd-executor opus; `gsd-template.json` is its templates/config.json.

use super::*;
use crate::config::gsd::{Use, GSD_KEYS};
use crate::models::{resolve, Agent};

const NEW_PROJECT: &str = include_str!("gsd-new-project.json");
const CONFIG_SET: &str = include_str!("gsd-config-set.json");
const TEMPLATE: &str = include_str!("gsd-template.json");

fn ok(text: &str) -> Config {
    Config::parse(text, false).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

/// The config without what only records how it was written.
fn settings(text: &str) -> Config {
    Config {
        extra: Map::new(),
        warnings: Vec::new(),
        ..ok(text)
    }
}

#[test]
fn a_new_gsd_project_reads_without_a_warning() {
    let c = ok(NEW_PROJECT);
    assert_eq!(c.warnings, [], "every key GSD writes is known");
    assert_eq!(c.horsepower, Horsepower::Balanced);
    assert!(c.commit_docs && c.auditor && c.parallelization.enabled);
    assert_eq!(c.branching_strategy, BranchingStrategy::None);
    assert_eq!(c.stage_branch_template, "gsd/phase-{stage}-{slug}");
    assert_eq!(c.milestone_branch_template, "gsd/{milestone}-{slug}");
    assert_eq!(c.isolation, Isolation::Worktree);
    assert!(c.model_overrides.is_empty());
    assert!(c.extra.contains_key("workflow") && c.extra.contains_key("model_profile"));
    assert!(
        !c.extra.contains_key("commit_docs"),
        "renn's own keys are not extra"
    );
}

#[test]
fn gsds_template_reads_without_a_warning_and_keeps_its_agent_limit() {
    let c = ok(TEMPLATE);
    assert_eq!(c.warnings, []);
    assert_eq!(
        c.parallelization,
        Parallelization {
            enabled: true,
            max_concurrent_agents: Some(3)
        }
    );
    assert_eq!(c.max_concurrent(), Some(3));
    assert!(c.extra.contains_key("gates") && c.extra.contains_key("safety"));
}

#[test]
fn gsds_config_set_choices_become_renns_settings() {
    let c = ok(CONFIG_SET);
    assert_eq!(c.horsepower, Horsepower::Inherit);
    assert_eq!(c.branching_strategy, BranchingStrategy::Stage);
    assert!(!c.auditor, "workflow.verifier false");
    assert_eq!(c.isolation, Isolation::Shared);
    assert_eq!(
        c.max_concurrent(),
        Some(1),
        "no worktrees: one run at a time"
    );
    let m = resolve(&c);
    assert_eq!(
        m.get(Agent::Runner),
        Some("opus"),
        "gsd-executor's override"
    );
    assert_eq!(m.get(Agent::Auditor), None, "inherit: no model flag");
    assert_eq!(m.warnings, []);
    // config-set wrote planning.commit_docs beside the flat commit_docs GSD wrote
    // first; GSD's own loadConfig reads the flat one, and so does renn — out loud.
    assert!(c.commit_docs);
    let [w] = &c.warnings[..] else {
        panic!("{:?}", c.warnings)
    };
    assert_eq!(w.code, "config-key-conflict");
    assert!(!w.is_error());
    assert_eq!(
        w.message,
        "`planning.commit_docs` is false but `commit_docs` (line 3, column 3) is true: renn uses `commit_docs`"
    );
    assert_eq!((w.line, w.column), (Some(58), Some(5)));
}

#[test]
fn each_gsd_spelling_reads_as_renns_setting() {
    let cases = [
        (
            r#"{"model_profile": "budget"}"#,
            r#"{"horsepower": "budget"}"#,
        ),
        (
            r#"{"model_profile": "adaptive"}"#,
            r#"{"horsepower": "adaptive"}"#,
        ),
        (
            r#"{"planning": {"commit_docs": false}}"#,
            r#"{"commit_docs": false}"#,
        ),
        (
            r#"{"git": {"branching_strategy": "phase"}}"#,
            r#"{"branching_strategy": "stage"}"#,
        ),
        (
            r#"{"branching_strategy": "phase"}"#,
            r#"{"branching_strategy": "stage"}"#,
        ),
        (
            r#"{"git": {"branching_strategy": "milestone"}}"#,
            r#"{"branching_strategy": "milestone"}"#,
        ),
        (
            r#"{"git": {"phase_branch_template": "p/{phase}-{slug}"}}"#,
            r#"{"stage_branch_template": "p/{stage}-{slug}"}"#,
        ),
        (
            r#"{"phase_branch_template": "p/{phase}"}"#,
            r#"{"stage_branch_template": "p/{stage}"}"#,
        ),
        (
            r#"{"git": {"milestone_branch_template": "m/{milestone}"}}"#,
            r#"{"milestone_branch_template": "m/{milestone}"}"#,
        ),
        (
            r#"{"workflow": {"verifier": false}}"#,
            r#"{"auditor": false}"#,
        ),
        (r#"{"verifier": false}"#, r#"{"auditor": false}"#),
        (
            r#"{"workflow": {"use_worktrees": true}}"#,
            r#"{"isolation": "worktree"}"#,
        ),
        (
            r#"{"workflow": {"use_worktrees": false}}"#,
            r#"{"isolation": "shared", "parallelization": false}"#,
        ),
        (
            r#"{"parallelization": {"enabled": true, "plan_level": true, "max_concurrent_agents": 2}}"#,
            r#"{"parallelization": {"max_concurrent_agents": 2}}"#,
        ),
        (r#"{"model_overrides": null}"#, r#"{}"#),
    ];
    for (gsd, renn) in cases {
        assert_eq!(settings(gsd), settings(renn), "{gsd}");
        assert_eq!(ok(gsd).warnings, [], "{gsd}");
    }
}

#[test]
fn renns_own_stage_template_may_use_phase_too() {
    let c = ok(r#"{"stage_branch_template": "x/{phase}/{stage}"}"#);
    assert_eq!(c.stage_branch_template, "x/{stage}/{stage}");
    assert_eq!(
        "phase".parse::<BranchingStrategy>(),
        Ok(BranchingStrategy::Stage)
    );
    assert_eq!(
        BranchingStrategy::Stage.to_string(),
        "stage",
        "written as renn's"
    );
}

#[test]
fn renns_name_wins_and_a_disagreement_names_both_positions() {
    let text = "{\n  \"horsepower\": \"quality\",\n  \"model_profile\": \"budget\"\n}";
    let c = ok(text);
    assert_eq!(c.horsepower, Horsepower::Quality);
    let [w] = &c.warnings[..] else {
        panic!("{:?}", c.warnings)
    };
    assert_eq!(w.code, "config-key-conflict");
    assert_eq!(
        w.message,
        "`model_profile` is \"budget\" but `horsepower` (line 2, column 3) is \"quality\": renn uses `horsepower`"
    );
    assert_eq!((w.line, w.column), (Some(3), Some(3)));
    assert_eq!(w.file.as_deref(), Some(CONFIG_PATH));
}

#[test]
fn agreeing_spellings_are_no_conflict() {
    for text in [
        r#"{"horsepower": "budget", "model_profile": "budget"}"#,
        r#"{"auditor": false, "verifier": false, "workflow": {"verifier": false}}"#,
        r#"{"stage_branch_template": "s/{stage}", "git": {"phase_branch_template": "s/{phase}"}}"#,
        r#"{"model_overrides": {"renn-runner": "opus", "gsd-executor": "opus"}}"#,
    ] {
        assert_eq!(ok(text).warnings, [], "{text}");
    }
}

#[test]
fn every_conflict_keeps_the_first_spelling() {
    let cases = [
        (
            r#"{"auditor": true, "workflow": {"verifier": false}}"#,
            "`workflow.verifier` is false but `auditor` (line 1, column 2) is true",
        ),
        (
            r#"{"verifier": false, "workflow": {"verifier": true}}"#,
            "`workflow.verifier` is true but `verifier` (line 1, column 2) is false",
        ),
        (
            r#"{"branching_strategy": "none", "git": {"branching_strategy": "phase"}}"#,
            "`git.branching_strategy` is \"stage\" but `branching_strategy` (line 1, column 2) is \"none\"",
        ),
        (
            r#"{"phase_branch_template": "a/{phase}", "git": {"phase_branch_template": "b/{phase}"}}"#,
            "`git.phase_branch_template` is \"b/{stage}\" but `phase_branch_template` (line 1, column 2) is \"a/{stage}\"",
        ),
        (
            r#"{"isolation": "worktree", "workflow": {"use_worktrees": false}}"#,
            "`workflow.use_worktrees` is \"shared\" but `isolation` (line 1, column 2) is \"worktree\"",
        ),
        (
            r#"{"model_overrides": {"gsd-verifier": "haiku", "renn-auditor": "opus"}}"#,
            "`model_overrides.gsd-verifier` is \"haiku\" but `model_overrides.renn-auditor` (line 1, column 47) is \"opus\"",
        ),
    ];
    for (text, message) in cases {
        let [w] = &ok(text).warnings[..] else {
            panic!("{text}")
        };
        assert!(w.message.starts_with(message), "{text}: {}", w.message);
        assert!(w.line.is_some() && w.column.is_some(), "{text}");
    }
    let c = ok(cases[4].0);
    assert_eq!(c.isolation, Isolation::Worktree);
    assert!(
        c.parallelization.enabled,
        "the ignored GSD key changes nothing"
    );
    let m = resolve(&ok(cases[5].0));
    assert_eq!(m.get(Agent::Auditor), Some("opus"));
}

#[test]
fn bad_gsd_values_name_their_dotted_key_and_where() {
    let workflow =
        "{\n  \"workflow\": {\n    \"research\": true,\n    \"verifier\": \"no\"\n  }\n}";
    let cases: &[(&str, &str, u32, u32)] = &[
        (
            workflow,
            "`workflow.verifier` must be true or false; found \"no\"",
            4,
            20,
        ),
        (
            r#"{"model_profile": "fast"}"#,
            "`model_profile` must be one of quality, balanced, budget, adaptive, inherit; found \"fast\"",
            1,
            24,
        ),
        (
            r#"{"git": {"branching_strategy": "phases"}}"#,
            "`git.branching_strategy` must be one of none, stage, milestone, or \"phase\" for stage; found \"phases\"",
            1,
            39,
        ),
        (
            r#"{"git": {"phase_branch_template": ""}}"#,
            "`git.phase_branch_template` must be a branch name template such as \"gsd/phase-{phase}-{slug}\"; found \"\"",
            1,
            36,
        ),
        (
            r#"{"planning": {"commit_docs": "false"}}"#,
            "`planning.commit_docs` must be true or false; found \"false\"",
            1,
            36,
        ),
        (
            r#"{"workflow": {"use_worktrees": 0}}"#,
            "`workflow.use_worktrees` must be true or false; found `0`",
            1,
            32,
        ),
        (
            r#"{"git": ["phase"]}"#,
            "`git` must be an object such as {\"branching_strategy\": \"phase\"}; found a list",
            1,
            9,
        ),
        (
            r#"{"verifier": null}"#,
            "`verifier` must be true or false; found null",
            1,
            17,
        ),
    ];
    for (text, message, line, column) in cases {
        let d = Config::parse(text, false).expect_err(text);
        assert_eq!(d.code, "config-invalid", "{text}");
        assert_eq!(d.message, *message, "{text}");
        assert_eq!(d.file.as_deref(), Some(CONFIG_PATH));
        assert_eq!((d.line, d.column), (Some(*line), Some(*column)), "{text}");
    }
}

#[test]
fn gsds_other_keys_are_accepted_silently_but_typos_are_not() {
    // Any value: renn reads nothing under a key it ignores.
    for key in crate::config::gsd::top_level_keys() {
        if GSD_KEYS
            .iter()
            .any(|k| k.key == key && matches!(k.renn, Use::Read(_)))
        {
            continue;
        }
        if ["git", "workflow", "planning", "parallelization"].contains(&key) {
            continue;
        }
        let text = format!(r#"{{"{key}": {{"x": [1, null]}}}}"#);
        assert_eq!(ok(&text).warnings, [], "{key}");
    }
    let c = ok(r#"{"modle_profile": "quality", "workflow": {"reserch": true}}"#);
    let [typo] = &c.warnings[..] else {
        panic!("{:?}", c.warnings)
    };
    assert_eq!(typo.code, "config-unknown-key");
    assert_eq!(
        typo.hint.as_deref(),
        Some("did you mean \"model_profile\"?")
    );
}

#[test]
fn gsd_profiles_pick_models_for_every_agent_profile() {
    for profile in ["claude", "codex", "gemini"] {
        let with = |hp: &str| {
            let text =
                format!(r#"{{"model_profile": "{hp}", "agent": {{"profile": "{profile}"}}}}"#);
            resolve(&ok(&text))
        };
        let (adaptive, balanced, inherit) = (with("adaptive"), with("balanced"), with("inherit"));
        for agent in Agent::ALL {
            assert_eq!(
                adaptive.get(agent),
                balanced.get(agent),
                "{profile} {agent}"
            );
            assert_eq!(inherit.get(agent), None, "{profile} {agent}");
        }
        assert_eq!(adaptive.horsepower, Horsepower::Adaptive);
    }
}

#[test]
fn gsd_agent_overrides_map_to_renns_agents_and_the_rest_are_kept_quietly() {
    let c = ok(
        r#"{"model_overrides": {"gsd-executor": "o3", "gsd-verifier": "inherit",
        "gsd-planner": "opus", "gsd-executr": "x"}}"#,
    );
    let m = resolve(&c);
    assert_eq!(m.get(Agent::Runner), Some("o3"));
    assert_eq!(m.get(Agent::Auditor), None, "inherit: the CLI's default");
    assert_eq!(c.model_overrides["gsd-planner"], "opus", "kept as written");
    let names: Vec<&str> = m.entries.iter().map(|e| e.agent.as_str()).collect();
    assert_eq!(
        names,
        [
            "renn-runner",
            "renn-auditor",
            "general-purpose",
            "gsd-executr"
        ]
    );
    let [typo] = &m.warnings[..] else {
        panic!("{:?}", m.warnings)
    };
    assert_eq!(typo.code, "unknown-agent-override");
    assert!(m
        .render_markdown()
        .contains("| renn-auditor | — (override) |"));
}
