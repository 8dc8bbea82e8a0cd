//! The prompts in a GSD project (`.planning/`): the same templates as renn's, filled
//! with GSD's words — phase, plan, SUMMARY, VERIFICATION, STATE.md, ROADMAP.md, and the
//! `## PLAN COMPLETE` / `## CHECKPOINT REACHED` blocks GSD's executor returns. The demo
//! project's stage 2, moved under `.planning/phases/`, gives the runs.

use renn_core::gate::GateResponse;
use renn_core::inventory::Run;
use renn_core::plan::{PlanOptions, StageInfo};
use renn_core::prompt::{AuditorContext, ContinuationContext, RunnerContext, Templates};
use renn_core::returns::{self, AgentReturn};
use renn_core::{Layout, Vocabulary};
use std::path::Path;

const G: &Vocabulary = Layout::Gsd.vocab();
const STATE: &str = include_str!("../../core/testdata/gsd/STATE.md");

/// GSD's executor stopping at a checkpoint, in its own words.
const CHECKPOINT: &str = "## CHECKPOINT REACHED
**Type:** human-verify
**Plan:** 02-04
**Progress:** 2/3 tasks complete

### Completed Tasks
| Task | Name | Commit | Files |
|------|------|--------|-------|
| 1 | Reset tokens and mailer | 4c1d9e2 | src/db.py, src/mailer.py |
| 2 | Reset endpoints | 9a7b3f0 | src/routes/password_reset.py |

### Current Task
**Task 3:** Password reset email
**Status:** awaiting verification

### Checkpoint Details
Open http://localhost:8025 and check the reset email arrives.

### Awaiting
Type \"approved\" or describe issues
";

/// Stage 2 of the demo and its runs, with GSD's paths.
fn gsd_stage() -> (StageInfo, Vec<(Run, String)>) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
    let project = renn_host::open_project(Some(&demo), Some("2")).unwrap();
    let plan = project.plan("2", PlanOptions::default()).unwrap();
    let dir = ".planning/phases/02-accounts".to_string();
    let runs = plan
        .runs
        .iter()
        .map(|r| {
            let text = project
                .snapshot()
                .text(&r.path)
                .unwrap()
                .unwrap()
                .to_string();
            let path = G.run_file(&dir, &r.id.to_string());
            (Run { path, ..r.clone() }, text)
        })
        .collect();
    (StageInfo { dir, ..plan.stage }, runs)
}

fn runner<'a>(stage: &'a StageInfo, run: &'a (Run, String)) -> RunnerContext<'a> {
    RunnerContext {
        vocab: G,
        stage,
        run: &run.0,
        run_text: &run.1,
        pulse: Some(STATE),
        config: None,
        earlier: &[],
    }
}

/// The prompt without its `<context>`: the inlined project files are the user's own text
/// (the demo's run names `.renn/` files), the rest is renn's and must speak GSD.
fn instructions(prompt: &str) -> String {
    let (head, rest) = prompt.split_once("<context>").unwrap();
    format!("{head}{}", rest.rsplit_once("</context>").unwrap().1)
}

fn find<'a>(runs: &'a [(Run, String)], id: &str) -> &'a (Run, String) {
    runs.iter().find(|r| r.0.id.to_string() == id).unwrap()
}

#[test]
fn gsd_runner_prompt() {
    let (stage, runs) = gsd_stage();
    let out = Templates::embedded().runner(&runner(&stage, find(&runs, "02-03")));
    insta::assert_snapshot!("gsd_runner_02_03", out);
    assert!(out.starts_with("<objective>\nExecute plan 03 of phase 02-accounts."));
    assert!(out.contains("Create the summary at .planning/phases/02-accounts/02-03-SUMMARY.md."));
    assert!(out.contains("## PLAN COMPLETE\n**Plan:** 02-03"));
    assert!(out.contains("**SUMMARY:** .planning/phases/02-accounts/02-03-SUMMARY.md"));
    assert!(out.contains("\nphase: 02-accounts\nplan: \"03\"\n"));
    let own = instructions(&out);
    for renn_word in [
        ".renn/",
        "RUN COMPLETE",
        "GATE REACHED",
        "recap",
        "Recap",
        "stage",
    ] {
        assert!(!own.contains(renn_word), "{renn_word} in a GSD prompt");
    }
}

#[test]
fn gsd_continuation_prompt() {
    let (stage, runs) = gsd_stage();
    let AgentReturn::Gate(gate) = returns::parse(CHECKPOINT).unwrap() else {
        panic!("a checkpoint is a gate")
    };
    let ctx = ContinuationContext {
        runner: runner(&stage, find(&runs, "02-04")),
        gate: &gate,
        response: &GateResponse::Approved,
    };
    let out = Templates::embedded().continuation(&ctx);
    insta::assert_snapshot!("gsd_continuation_02_04_approved", out);
    assert!(out.contains("Continue plan 04 of phase 02-accounts after its human-verify gate."));
    assert!(out.contains("Open http://localhost:8025 and check the reset email arrives."));
    assert!(out.contains("## CHECKPOINT REACHED\n**Type:**"));
    let own = instructions(&out);
    for renn_word in [
        ".renn/",
        "RUN COMPLETE",
        "GATE REACHED",
        "recap",
        "Recap",
        "stage",
    ] {
        assert!(!own.contains(renn_word), "{renn_word} in a GSD prompt");
    }
}

#[test]
fn gsd_auditor_prompt() {
    let (stage, _) = gsd_stage();
    let ctx = AuditorContext {
        vocab: G,
        stage: &stage,
        goal: Some("Users can sign up, log in, log out and reset their password"),
        must_haves: &[],
    };
    let out = Templates::embedded().auditor(&ctx);
    insta::assert_snapshot!("gsd_auditor_phase_2", out);
    assert!(out.contains("Create .planning/phases/02-accounts/02-VERIFICATION.md."));
    assert!(out.contains("\nphase: 02-accounts\nverified:"));
    assert!(out.contains("4. Summaries (`*-SUMMARY.md` in the phase directory)"));
    assert!(!out.contains(".renn/") && !out.contains("recap"));
}
