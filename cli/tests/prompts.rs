//! The prompts renn gives its agents, for the demo project (examples/demo): pinned
//! with insta snapshots, through the `renn prompt` binary and through the API.

const R: &renn_core::Vocabulary = renn_core::Layout::Renn.vocab();
use renn_core::prompt::{self, AuditorContext, RunnerContext, Templates};
use renn_core::{plan::PlanOptions, track};
use std::path::{Path, PathBuf};
use std::process::Command;

const GATE_0204: &str = "Tasks 1 and 2 are done and committed; the reset email needs a person.

## GATE REACHED
**Type:** human-verify
**Run:** 02-04
**Progress:** 2/3 tasks complete

### Completed Tasks
| Task | Name | Commit | Files |
|------|------|--------|-------|
| 1 | Reset tokens and mailer | 4c1d9e2 | src/db.py, src/mailer.py |
| 2 | Reset endpoints | 9a7b3f0 | src/routes/password_reset.py, tests/test_password_reset.py |

### Current Task
**Task 3:** Password reset: request endpoint, SMTP mailer, one-time 30-minute links
**Status:** awaiting verification
**Blocked by:** a person checking a real mailbox

### Gate Details
1. Start MailHog and the app
2. Sign up as you@example.com, then POST /auth/reset/request with that email
3. Open http://localhost:8025 and check the reset email arrives
4. Use the link once, log in with the new password, then try the link again: it must fail

### Awaiting
Type \"approved\" or describe issues
";

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo")
}

/// `renn --dir <dir> <args>`: (exit code, stdout, stderr).
fn renn(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_renn"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("renn runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8");
    (out.status.code(), text(out.stdout), text(out.stderr))
}

fn prompt_ok(args: &[&str]) -> String {
    let (code, out, err) = renn(&demo(), args);
    assert_eq!(code, Some(0), "{err}");
    out
}

fn gate_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("agent-output.md");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn runner_prompt_for_02_03() {
    let out = prompt_ok(&["prompt", "02-03"]);
    insta::assert_snapshot!("runner_02_03", out);
    // The API gives the very same text.
    let project = renn_host::open_project(Some(&demo()), Some("2")).unwrap();
    let plan = project.plan("2", PlanOptions::default()).unwrap();
    let run = plan
        .runs
        .iter()
        .find(|r| r.id.to_string() == "02-03")
        .unwrap();
    let snap = project.snapshot();
    let ctx = RunnerContext {
        vocab: R,
        stage: &plan.stage,
        run,
        run_text: snap.text(&run.path).unwrap().unwrap(),
        pulse: snap.text(R.pulse).unwrap(),
        config: snap.text(R.config).unwrap(),
        earlier: &[],
    };
    assert_eq!(Templates::load(snap).unwrap().runner(&ctx), out);
    assert_eq!(prompt_ok(&["prompt", "2-3"]), out, "run ids are normalised");
}

#[test]
fn continuation_after_an_approved_human_verify_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let file = gate_file(&tmp, GATE_0204);
    let out = prompt_ok(&[
        "prompt",
        "02-04",
        "--continuation",
        "--response",
        "approved",
        "--return",
        &file,
    ]);
    insta::assert_snapshot!("continuation_02_04_approved", out);
    assert!(out.contains("| 2 | Reset endpoints | 9a7b3f0 | src/routes/password_reset.py, tests/test_password_reset.py |"));
    assert!(out.contains("The user approved. Continue with the next task."));
}

#[test]
fn continuation_after_a_human_verify_gate_with_issues() {
    let tmp = tempfile::tempdir().unwrap();
    let file = gate_file(&tmp, GATE_0204);
    let issues = "The email arrives, but the link points at localhost:8000 instead of PUBLIC_URL.";
    let out = prompt_ok(&[
        "prompt",
        "02-04",
        "--continuation",
        "--response",
        issues,
        "--return",
        &file,
    ]);
    insta::assert_snapshot!("continuation_02_04_issues", out);
    assert!(out.contains("Fix these issues first"));
    assert!(out.contains(&format!("The user's response:\n{issues}\n")));
}

#[test]
fn auditor_prompt_for_stage_2() {
    let project = renn_host::open_project(Some(&demo()), Some("2")).unwrap();
    let plan = project.plan("2", PlanOptions::default()).unwrap();
    let must_haves = prompt::must_haves(project.snapshot(), &plan.runs).unwrap();
    let track_text = project.snapshot().text(R.track).unwrap().unwrap();
    let goal = track::stages(track_text)
        .into_iter()
        .find(|s| s.number == plan.stage.number)
        .and_then(|s| s.goal);
    let ctx = AuditorContext {
        vocab: R,
        stage: &plan.stage,
        goal: goal.as_deref(),
        must_haves: &must_haves,
    };
    let out = Templates::load(project.snapshot()).unwrap().auditor(&ctx);
    insta::assert_snapshot!("auditor_stage_2", out);
    assert!(
        out.contains("Stage goal: Users can sign up, log in, log out and reset their password\n")
    );
    assert!(out.contains("Create .renn/stages/02-accounts/02-proof.md."));
}

#[test]
fn json_output_carries_the_prompt() {
    let (code, out, _) = renn(&demo(), &["--json", "prompt", "02-05"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["run"].as_str(), v["prompt"].as_str()),
        (Some("02-05"), Some("runner"))
    );
    assert!(v["text"]
        .as_str()
        .unwrap()
        .starts_with("<objective>\nExecute run 05 of stage 02-accounts."));
}

#[test]
fn continuation_errors_name_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let complete = "## RUN COMPLETE\n**Run:** 02-04   **Tasks:** 3/3\n";
    let cases = [
        (
            complete,
            "02-04",
            "error[no-gate]: the output ends with RUN COMPLETE for 02-04",
        ),
        (
            GATE_0204,
            "02-03",
            "error[gate-run-mismatch]: the gate in this output is for run 02-04, not 02-03",
        ),
        (
            "I could not finish.",
            "02-04",
            "error[bad-return]: no usable agent return",
        ),
        (
            GATE_0204,
            "02-09",
            "error[no-such-run]: stage 02-accounts has no run 02-09",
        ),
    ];
    for (output, run, expected) in cases {
        let file = gate_file(&tmp, output);
        let (code, out, err) = renn(
            &demo(),
            &[
                "prompt",
                run,
                "--continuation",
                "--response",
                "ok",
                "--return",
                &file,
            ],
        );
        assert_eq!(code, Some(1), "{err}");
        assert!(out.is_empty());
        assert!(err.starts_with(expected), "{err}");
    }
    let (code, _, err) = renn(&demo(), &["prompt", "02-04", "--continuation"]);
    assert_eq!(code, Some(2), "a missing --return is a usage error");
    assert!(err.contains("--return <FILE>"), "{err}");
}

#[test]
fn a_project_template_with_an_unknown_placeholder_is_an_error_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&demo().join(".renn"), &tmp.path().join(".renn"));
    let templates = tmp.path().join(".renn/templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("runner.md"),
        "Run {run_id}.\nRead {run_file}.\n",
    )
    .unwrap();
    let (code, out, err) = renn(tmp.path(), &["prompt", "02-03"]);
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    insta::assert_snapshot!("template_unknown_placeholder", err);

    std::fs::write(
        templates.join("runner.md"),
        "Run {run_id}; recap at {recap_path}.\n",
    )
    .unwrap();
    let (code, out, _) = renn(tmp.path(), &["prompt", "02-03"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "Run 02-03; recap at .renn/stages/02-accounts/02-03-recap.md.\n"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every prompt renn writes is self-contained: the instructions it gives (everything
/// outside the inlined project files of `<context>`, which are the user's) name no
/// `@~/` file and no path the agent cannot open — only files of the project, or the
/// recap and proof the agent is told to create.
#[test]
fn prompts_reference_only_files_that_exist() {
    let project = renn_host::open_project(Some(&demo()), Some("2")).unwrap();
    let plan = project.plan("2", PlanOptions::default()).unwrap();
    let snap = project.snapshot();
    let templates = Templates::load(snap).unwrap();
    let mut prompts = Vec::new();
    for run in &plan.runs {
        let ctx = RunnerContext {
            vocab: R,
            stage: &plan.stage,
            run,
            run_text: snap.text(&run.path).unwrap().unwrap(),
            pulse: snap.text(R.pulse).unwrap(),
            config: snap.text(R.config).unwrap(),
            earlier: &[],
        };
        prompts.push((run.id.to_string(), templates.runner(&ctx)));
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = gate_file(&tmp, GATE_0204);
    let args = [
        "prompt",
        "02-04",
        "--continuation",
        "--response",
        "approved",
        "--return",
        &file,
    ];
    prompts.push(("02-04 continuation".into(), prompt_ok(&args)));
    let must_haves = prompt::must_haves(snap, &plan.runs).unwrap();
    let auditor = templates.auditor(&AuditorContext {
        vocab: R,
        stage: &plan.stage,
        goal: None,
        must_haves: &must_haves,
    });
    prompts.push(("auditor".into(), auditor));

    let created: Vec<String> = plan
        .runs
        .iter()
        .map(|r| renn_core::recap::path_for_run(&r.path))
        .chain([renn_core::proof::path(R, &plan.stage)])
        .collect();
    for (name, text) in prompts {
        assert!(!text.contains("@~/"), "{name}");
        let own = match (text.find("\n<context>\n"), text.find("\n</context>\n")) {
            (Some(a), Some(b)) => format!("{}{}", &text[..a], &text[b..]),
            _ => text.clone(),
        };
        let paths = own
            .split(|c: char| c.is_whitespace() || "`(),\"'".contains(c))
            .map(|w| w.trim_start_matches('@').trim_end_matches(['.', ':', ';']))
            .filter(|w| w.contains('/') && (w.ends_with(".md") || w.ends_with(".json")));
        for path in paths {
            assert!(
                !path.starts_with('~') && !path.starts_with('/'),
                "{name}: {path} is outside the project"
            );
            assert!(
                demo().join(path).exists() || created.iter().any(|c| c == path),
                "{name}: {path} does not exist in the project"
            );
        }
    }
}
