use super::*;
use crate::gate::GateResponse;
use crate::plan::PlanOptions;
use crate::returns::{self, AgentReturn, TaskCommit};
use crate::run::GateKind;
use crate::{Project, Snapshot};

const STAGE: &str = ".renn/stages/03-cache";
const RUN: &str = "---
stage: 03-cache
run: 01
batch: 1
autonomous: false
must_haves:
  truths: [\"repeated reads are served from the cache\"]
  artifacts: [{path: src/cache.py, provides: \"get/set with TTL\"}]
  key_links: [{from: src/notes.py, to: src/cache.py}]
---
<objective>
Cache note reads.

Purpose: Listing notes is the hot path.
</objective>
<tasks>
<task type=\"checkpoint:decision\" gate=\"blocking\">
  <decision>Cache backend</decision>
  <options><option id=\"redis\"><name>Redis</name></option><option id=\"memory\"><name>In-process</name></option></options>
</task>
<task type=\"auto\"><name>Task 2: Cache layer</name><files>src/cache.py</files></task>
</tasks>
";

const GATE: &str = "Working...\n\n## GATE REACHED\n**Type:** decision\n**Run:** 03-01\n**Progress:** 0/2 tasks complete\n\n\
### Completed Tasks\n| Task | Name | Commit | Files |\n|---|---|---|---|\n\n\
### Current Task\n**Task 1:** Cache backend\n**Status:** awaiting decision\n**Blocked by:** a choice of backend\n\n\
### Gate Details\nRedis (shared, needs a server) or in-process (simple, per worker).\n\n### Awaiting\nredis or memory\n";

fn project(extra: &[(&str, &str)]) -> Project {
    let mut s = Snapshot::new()
        .with_file(
            ".renn/track.md",
            "- [ ] **Stage 3: Cache** - Note reads are fast\n",
        )
        .with_file(format!("{STAGE}/03-01-run.md"), RUN);
    for (path, text) in extra {
        s = s.with_file(*path, *text);
    }
    Project::new(s).unwrap()
}

fn gate() -> GateReached {
    match returns::parse(GATE).unwrap() {
        AgentReturn::Gate(g) => g,
        other => panic!("{other:?}"),
    }
}

#[test]
fn embedded_templates_are_valid() {
    let t = Templates::load(&Snapshot::new()).unwrap();
    assert_eq!(t, Templates::embedded());
}

#[test]
fn runner_prompt_inlines_run_pulse_and_config_and_forbids_state_edits() {
    let p = project(&[]);
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let ctx = RunnerContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        run: &plan.runs[0],
        run_text: RUN,
        pulse: None,
        config: Some("{\"horsepower\": \"quality\"}\n"),
        earlier: &[],
    };
    let text = Templates::embedded().runner(&ctx);
    assert!(text.starts_with("<objective>\nExecute run 01 of stage 03-cache.\n\nCommit each task atomically. Create the recap at .renn/stages/03-cache/03-01-recap.md.\n</objective>"));
    assert!(text.contains(&format!(
        "Run (.renn/stages/03-cache/03-01-run.md):\n{}\n",
        RUN.trim_end()
    )));
    assert!(text.contains("Project state (.renn/pulse.md):\n(.renn/pulse.md does not exist)\n"));
    assert!(text.contains("{\"horsepower\": \"quality\"}\n</context>"));
    assert!(text
        .contains("Do not edit .renn/pulse.md or .renn/track.md — renn records progress itself"));
    assert!(text.contains(
        "**Run:** 03-01   **Tasks:** 2/2   **Recap:** .renn/stages/03-cache/03-01-recap.md"
    ));
}

/// The blocks the prompt asks for are the blocks `returns::parse` reads.
#[test]
fn the_return_contract_parses_once_filled_in() {
    let p = project(&[]);
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let ctx = RunnerContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        run: &plan.runs[0],
        run_text: RUN,
        pulse: None,
        config: None,
        earlier: &[],
    };
    let contract = return_contract(&ctx);
    let fill = |s: &str| {
        s.replace("<task name>", "Cache layer")
            .replace("<commit hash>", "abc1234")
            .replace("<files, comma-separated>", "src/cache.py")
            .replace("human-verify | decision | human-action", "decision")
            .replace("<tasks done>", "1")
            .replace("<number>", "2")
    };
    let complete =
        &contract[contract.find("## RUN COMPLETE").unwrap()..contract.find("(one row").unwrap()];
    match returns::parse(&fill(complete)).unwrap() {
        AgentReturn::Complete(c) => {
            assert_eq!(
                (c.run.to_string(), c.tasks_done, c.tasks_total),
                ("03-01".into(), 2, 2)
            );
            assert_eq!(
                c.recap.as_deref(),
                Some(".renn/stages/03-cache/03-01-recap.md")
            );
            assert_eq!(c.tasks[0].commit.first_hash(), Some("abc1234"));
        }
        other => panic!("{other:?}"),
    }
    let gate = &contract[contract.find("## GATE REACHED").unwrap()..];
    match returns::parse(&fill(gate)).unwrap() {
        AgentReturn::Gate(g) => {
            assert_eq!(
                (g.gate, g.current_task, g.tasks_done),
                (GateKind::Decision, 2, 1)
            );
            assert_eq!(g.completed.len(), 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn decision_continuation() {
    let p = project(&[]);
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let gate = gate();
    let response = GateResponse::interpret(GateKind::Decision, "memory").unwrap();
    let ctx = ContinuationContext {
        runner: RunnerContext {
            vocab: crate::layout::Layout::Renn.vocab(),
            stage: &plan.stage,
            run: &plan.runs[0],
            run_text: RUN,
            pulse: Some("# Pulse\n"),
            config: None,
            earlier: &[],
        },
        gate: &gate,
        response: &response,
    };
    let text = Templates::embedded().continuation(&ctx);
    insta::assert_snapshot!("decision_continuation", text);
    assert!(text.contains("(none: the gate is the run's first task)"));
    assert!(text.contains("The user chose: memory"));
}

#[test]
fn completed_tasks_table_round_trips_through_the_return_parser() {
    let tasks = vec![
        CompletedTask {
            task: 1,
            name: "A | B".into(),
            commit: TaskCommit::hash("abc1234"),
            files: vec!["x.rs".into(), "y.rs".into()],
        },
        CompletedTask {
            task: 2,
            name: "No commit".into(),
            commit: TaskCommit::Blank,
            files: vec![],
        },
    ];
    let block = format!(
        "## GATE REACHED\n**Type:** human-verify\n**Run:** 03-01\n**Progress:** 2/3\n### Completed Tasks\n{}\n### Current Task\n**Task 3:** Check\n",
        tasks_table(crate::layout::Layout::Renn.vocab(), &tasks)
    );
    match returns::parse(&block).unwrap() {
        AgentReturn::Gate(g) => assert_eq!(g.completed, tasks),
        other => panic!("{other:?}"),
    }
}

#[test]
fn auditor_prompt_aggregates_must_haves() {
    let p = project(&[]);
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let must = must_haves(p.snapshot(), &plan.runs).unwrap();
    let goal = crate::track::stages(p.snapshot().text(".renn/track.md").unwrap().unwrap())[0]
        .goal
        .clone();
    let ctx = AuditorContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        goal: goal.as_deref(),
        must_haves: &must,
    };
    let text = Templates::embedded().auditor(&ctx);
    assert!(text.contains("Stage goal: Note reads are fast\n"));
    assert!(text.contains("- repeated reads are served from the cache (03-01)\n"));
    assert!(text.contains("- src/cache.py: get/set with TTL (03-01)\n"));
    assert!(text.contains("- src/notes.py → src/cache.py (03-01)\n"));
    assert!(text.contains("Create .renn/stages/03-cache/03-proof.md."));
    assert!(text.contains("stage: 03-cache\n"));
    assert!(text.contains("artifacts: [{path: <file>, issue: <what is wrong with it>}]"));
    let none = AuditorContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        goal: None,
        must_haves: &[],
    };
    let text = Templates::embedded().auditor(&none);
    assert!(text.contains("(no run of this stage declares must_haves"));
    assert!(text.contains("Stage goal: (track.md states no goal for this stage)"));
}

#[test]
fn must_haves_written_as_strings_reach_the_auditor() {
    let run = "---\nrun: 02\nbatch: 2\nmust_haves:\n  artifacts:\n    - \"src/ttl.py: expiry sweeper\"\n    - a README section on cache sizing\n  key_links:\n    - \"src/notes.py -> src/ttl.py via import\"\n    - the sweeper runs from the scheduler\n---\n<objective>TTL</objective><tasks><task><name>t</name></task></tasks>\n";
    let p = project(&[(&format!("{STAGE}/03-02-run.md"), run)]);
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let must = must_haves(p.snapshot(), &plan.runs).unwrap();
    let text = Templates::embedded().auditor(&AuditorContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        goal: None,
        must_haves: &must,
    });
    for line in [
        "- src/ttl.py: expiry sweeper (03-02)\n",
        "- a README section on cache sizing (03-02)\n",
        "- src/notes.py → src/ttl.py via import (03-02)\n",
        "- the sweeper runs from the scheduler (03-02)\n",
    ] {
        assert!(text.contains(line), "{line}{text}");
    }
}

#[test]
fn project_templates_override_the_embedded_ones() {
    let p = project(&[
        (
            ".renn/templates/runner.md",
            "Run {run_id}, recap at {recap_path}. {{literal}}",
        ),
        (
            ".renn/templates/continuation.md",
            "{run_id} resumes at {resume_task_number}: {user_response}",
        ),
    ]);
    let t = Templates::load(p.snapshot()).unwrap();
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let runner = RunnerContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        run: &plan.runs[0],
        run_text: RUN,
        pulse: None,
        config: None,
        earlier: &[],
    };
    assert_eq!(
        t.runner(&runner),
        "Run 03-01, recap at .renn/stages/03-cache/03-01-recap.md. {literal}"
    );
    let gate = gate();
    let response = GateResponse::Choice("redis".into());
    let ctx = ContinuationContext {
        runner,
        gate: &gate,
        response: &response,
    };
    assert_eq!(t.continuation(&ctx), "03-01 resumes at 1: redis");
    // The auditor template was not overridden.
    assert_eq!(t.auditor, Templates::embedded().auditor);
}

#[test]
fn an_unknown_placeholder_in_a_project_template_is_located() {
    let p = project(&[(
        ".renn/templates/auditor.md",
        "Stage {stage_number}\n\nGoal: {goal}\n",
    )]);
    let e = Templates::load(p.snapshot()).unwrap_err();
    assert_eq!(
        (e.code.name(), e.file.as_deref(), e.line, e.column),
        (
            "template-placeholder",
            Some(".renn/templates/auditor.md"),
            Some(3),
            Some(7)
        )
    );
    insta::assert_snapshot!(crate::diagnostic::render(&[e]));
    // A runner placeholder is not an auditor one, and vice versa.
    let p = project(&[(".renn/templates/runner.md", "{proof_path}")]);
    assert!(Templates::load(p.snapshot())
        .unwrap_err()
        .message
        .contains("{return_contract}"));
}

#[test]
fn partials_are_overridden_like_templates_and_placed_only_where_they_apply() {
    let p = project(&[
        (
            ".renn/templates/recap.md",
            "Write {recap_path} your own way.",
        ),
        (".renn/templates/runner.md", "{recap_format}\n{tdd_notes}|"),
    ]);
    let t = Templates::load(p.snapshot()).unwrap();
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let ctx = RunnerContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        run: &plan.runs[0],
        run_text: RUN,
        pulse: None,
        config: None,
        earlier: &[],
    };
    // Not a TDD run: no TDD notes.
    assert_eq!(
        t.runner(&ctx),
        "Write .renn/stages/03-cache/03-01-recap.md your own way.\n|"
    );
    // A partial knows the runner placeholders, not the other partials.
    let bad = project(&[(".renn/templates/gates.md", "see {recap_format}")]);
    let e = Templates::load(bad.snapshot()).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(".renn/templates/gates.md"));
    assert!(e
        .message
        .contains("unknown placeholder `{recap_format}` in the gates partial"));
}

#[test]
fn a_tdd_run_gets_the_tdd_notes() {
    let tdd = RUN.replace("batch: 1\n", "batch: 1\ntype: tdd\n");
    let p = project(&[(&format!("{STAGE}/03-01-run.md"), &tdd)]);
    let plan = p.plan("3", PlanOptions::default()).unwrap();
    let ctx = RunnerContext {
        vocab: crate::layout::Layout::Renn.vocab(),
        stage: &plan.stage,
        run: &plan.runs[0],
        run_text: &tdd,
        pulse: None,
        config: None,
        earlier: &[],
    };
    let text = Templates::embedded().runner(&ctx);
    assert!(text.contains("<tdd>\nThis is a TDD run"), "{text}");
    assert!(text.contains("`test(03-01): <behaviour>`"));
}
