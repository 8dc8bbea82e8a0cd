//! On a terminal renn asks: gates and failures are answered at its prompt. A real
//! pseudo-terminal comes from util-linux `script`; the answers are typed into it.

use super::*;
use serde_json::json;
use std::io::Write;
use std::process::Stdio;

/// Runs `renn run-stage 3` on a pseudo-terminal with `typed` as the keyboard.
fn on_terminal(p: &Project, typed: &str) -> (i32, String) {
    let cmd = format!("{} run-stage 3", env!("CARGO_BIN_EXE_renn"));
    let mut child = Command::new("script")
        .args(["-qefc", &cmd, "/dev/null"])
        .current_dir(p.path())
        .env("RENN_TODAY", "2026-11-24")
        .env("RENN_TRUST", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux script is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!screen.contains("panicked"), "{screen}");
    (out.status.code().unwrap_or(-1), screen)
}

#[test]
fn gates_are_shown_and_answered_on_the_terminal() {
    for (kind, answer, title) in [
        ("human-verify", "approved", "## Gate: Human Verify"),
        ("decision", "postgres", "## Gate: Decision"),
        ("human-action", "done", "## Gate: Human Action"),
    ] {
        let p = Project::new(
            &[Spec {
                n: 1,
                batch: 1,
                gate: true,
            }],
            json!({ "auditor": false }),
        );
        p.scenario("03-01", &format!("gate:{kind}"));
        let (code, screen) = on_terminal(&p, &format!("{answer}\n"));
        assert_eq!(code, 0, "{kind}: {screen}");
        assert!(screen.contains(title), "{kind}: {screen}");
        assert!(
            screen.contains("Look at work-03-01.txt"),
            "the agent's Gate Details are shown: {screen}"
        );
        assert!(p
            .path()
            .join(".renn/stages/03-auth/03-01-recap.md")
            .exists());
    }
}

#[test]
fn a_failure_asks_continue_or_stop_on_the_terminal() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "auditor": false }),
    );
    p.scenario("03-01", "fail");
    // First the log, then "continue".
    let (code, screen) = on_terminal(&p, "l\nc\n");
    assert!(
        screen.contains("[r]etry them, [c]ontinue with the remaining batches"),
        "{screen}"
    );
    assert!(screen.contains("03-01-1.log (last 30 lines)"), "{screen}");
    assert_eq!(code, 3, "continued, but 03-01 failed: {screen}");
    assert!(
        p.path()
            .join(".renn/stages/03-auth/03-03-recap.md")
            .exists(),
        "the next batch ran"
    );
}
