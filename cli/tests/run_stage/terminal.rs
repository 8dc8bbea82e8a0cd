//! On a terminal renn asks: gates and failures are answered at its prompt. A real
//! pseudo-terminal comes from util-linux `script` (the answers typed into it at once),
//! or from [`super::pty`] (keys typed and the terminal resized when the screen is ready,
//! the screen read through a terminal emulator): the live view's frames.

use super::pty::{masked, Pty};
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
        ("human-verify", "approved", "Gate: Human Verify"),
        ("decision", "postgres", "Gate: Decision"),
        ("human-action", "done", "Gate: Human Action"),
    ] {
        let p = Project::new(&[gated(1, 1)], json!({ "auditor": false }));
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

/// Prints a frame for people (`--nocapture`) and pins it, clocks and spinners masked.
fn frame(name: &str, screen: &str) {
    println!("── {name} ──\n{screen}\n──");
    insta::assert_snapshot!(name, masked(screen));
}

/// 03-01 stops at a gate, 03-02 works until the test lets it finish.
fn gate_and_worker() -> Project {
    let p = Project::new(&[gated(1, 1), spec(2, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "gate:human-verify");
    p.scenario("03-02", "until:go");
    p
}

#[test]
fn a_gate_question_keeps_the_lines_and_shows_a_run_finishing_meanwhile() {
    let p = gate_and_worker();
    let mut t = Pty::run_stage(&p, 100, 30, &[]);
    let asked = t.wait_for("the gate question, 03-02 working", |s| {
        prompt_last(s) && s.contains("03-02    working")
    });
    assert!(asked.contains("? 03-01    at gate"), "{asked}");
    assert!(asked.contains("batch 1/1 · runs 0/2 done · "), "{asked}");
    frame("gate_question_asked_while_another_run_works_100x30", &asked);
    // 03-02 finishes while the question waits: its line settles, done, with its time.
    p.write(".fake-agent/go", "");
    let screen = t.wait_for("03-02 done while the question is open", |s| {
        s.contains("  03-02    done ✓") && s.contains("batch 1/1 · runs 1/2 done") && prompt_last(s)
    });
    assert!(screen.contains("? 03-01    at gate"), "{screen}");
    assert!(screen.contains("Your answer for 03-01"), "{screen}");
    frame("gate_question_while_another_run_finishes_100x30", &screen);

    t.type_keys("approved");
    t.wait_for("the answer typed", |s| s.contains("› approved"));
    t.type_keys("\r");
    let code = t.finish();
    assert_eq!(code, 0, "{}", t.screen());
    let shown = plain(&t.raw());
    assert!(shown.contains("  03-01    done ✓"), "{shown}");
    assert!(
        shown.contains("Your answer for 03-01 (\"approved\", \"done\", a choice, the issues; or skip / abort): approved"),
        "the question and its answer stay in the scrollback: {shown}"
    );
    assert!(p
        .path()
        .join(".renn/stages/03-auth/03-01-recap.md")
        .exists());
}

#[test]
fn two_gates_at_once_are_asked_one_after_the_other() {
    let gate = |n| Spec {
        n,
        batch: 1,
        gate: true,
    };
    let p = Project::new(&[gate(1), gate(2)], json!({ "auditor": false }));
    p.scenario("03-01", "gate:human-verify");
    p.scenario("03-02", "gate:decision");
    let mut t = Pty::run_stage(&p, 100, 30, &[]);
    let first = t.wait_for("a first gate question, both runs at their gates", |s| {
        prompt_last(s) && s.contains("? 03-01    at gate") && s.contains("? 03-02    at gate")
    });
    let (asked, then) = match first.contains("Your answer for 03-01") {
        true => ("03-01", "03-02"),
        false => ("03-02", "03-01"),
    };
    t.type_keys("approved\r");
    t.wait_for("the second gate question", |s| {
        prompt_last(s) && s.contains(&format!("Your answer for {then}"))
    });
    t.type_keys("postgres\r");
    let code = t.finish();
    let shown = plain(&t.raw());
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains(&format!("Your answer for {asked} ")),
        "{shown}"
    );
    for run in ["03-01", "03-02"] {
        assert!(shown.contains(&format!("  {run}    done ✓")), "{shown}");
        let recap = format!(".renn/stages/03-auth/{run}-recap.md");
        assert!(p.path().join(recap).exists(), "{run}");
    }
}

#[test]
fn a_resize_redraws_the_view_without_ghost_lines() {
    let p = gate_and_worker();
    let mut t = Pty::run_stage(&p, 100, 30, &[]);
    t.wait_for("the gate question, 03-02 working", |s| {
        prompt_last(s) && s.contains("03-02    working")
    });
    t.type_keys("approved");
    t.wait_for("the answer typed", |s| s.contains("› approved"));
    t.resize(60, 20);
    // The next tick draws at the new size: every row fits, nothing is left twice.
    let screen = t.wait_for("the view redrawn at 60 columns", |s| {
        prompt_last(s)
            && s.lines().all(|r| r.chars().count() <= 60)
            && [
                "03-01    at gate",
                "03-02    working",
                "batch 1/1",
                "› approved",
                "Your answer",
            ]
            .iter()
            .all(|once| s.matches(once).count() == 1)
    });
    let rows: Vec<&str> = screen.lines().collect();
    assert_eq!(rows.len(), 20, "{screen}");
    assert!(
        rows[rows.len() - 7].starts_with("? 03-01    at gate"),
        "{screen}"
    );
    frame("gate_question_after_a_resize_to_60x20", &screen);
    // Narrower than the live rows: they are cut and the question wraps again.
    t.resize(30, 12);
    t.wait_for("the view redrawn at 30 columns", |s| {
        prompt_last(s)
            && s.lines().all(|r| r.chars().count() <= 30)
            && s.contains("\nabort):\n")
            && [
                "03-01    at gate",
                "03-02    working",
                "batch 1/1",
                "› approved",
            ]
            .iter()
            .all(|once| s.matches(once).count() == 1)
    });

    p.write(".fake-agent/go", "");
    t.wait_for("03-02 done", |s| s.contains("  03-02    done ✓"));
    t.type_keys("\r");
    let (code, screen) = t.wait();
    assert_eq!(code, 0, "{screen}");
}

#[test]
fn ctrl_c_leaves_the_lines_stopped_not_working() {
    let p = Project::new(&[spec(1, 1), spec(2, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "hang");
    p.scenario("03-02", "hang");
    let mut t = Pty::run_stage(&p, 100, 30, &[]);
    t.wait_for("both agents working", |s| {
        s.contains("03-01    working") && s.contains("03-02    working")
    });
    t.interrupt();
    let (_, screen) = t.wait();
    assert!(screen.contains("  03-01    stopped"), "{screen}");
    assert!(screen.contains("  03-02    stopped"), "{screen}");
    assert!(!screen.contains("working"), "{screen}");
    assert!(screen.contains("Interrupted: agents stopped"), "{screen}");
}

#[test]
fn ctrl_c_at_a_gate_question_stops_the_agents_and_gives_the_terminal_back() {
    let p = gate_and_worker();
    let mut t = Pty::run_stage(&p, 100, 30, &[]);
    t.wait_for("the gate question, 03-02 working", |s| {
        prompt_last(s) && s.contains("03-02    working")
    });
    t.wait_for("the terminal in key-by-key mode", |_| !t.line_mode());
    t.type_keys("appr\x03");
    let code = t.finish();
    assert!(t.line_mode(), "the terminal's modes are restored");
    let screen = t.screen();
    assert_eq!(code, 6, "stopped by an interrupt:\n{screen}");
    assert!(screen.contains("  03-02    stopped"), "{screen}");
    assert!(screen.contains("  03-01    at gate"), "{screen}");
    assert!(!screen.contains("working"), "{screen}");
    assert!(!prompt_last(&screen), "the question is put away:\n{screen}");
}

#[test]
fn reports_are_rendered_and_no_color_means_no_colour() {
    for no_color in [false, true] {
        let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
        let env: &[(&str, &str)] = match no_color {
            true => &[("NO_COLOR", "1")],
            false => &[],
        };
        let mut t = Pty::run_stage(&p, 60, 20, env);
        let code = t.finish();
        let (screen, raw) = (t.screen(), t.raw());
        // SGR colour codes: red, green, yellow, cyan, bold, dim.
        let coloured = ["\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[2m"]
            .iter()
            .any(|c| raw.contains(c));
        assert_eq!(coloured, !no_color, "NO_COLOR={no_color}: {raw:?}");
        assert_eq!(code, 0, "{screen}");
        assert!(!screen.contains("**"), "no markdown markup:\n{screen}");
        assert!(!screen.contains("## "), "no markdown markup:\n{screen}");
        assert!(plain(&raw).contains("  03-01    done ✓"), "{raw:?}");
        if no_color {
            frame("a_finished_stage_60x20", &screen);
        }
    }
}

/// The view is drawn whole: its last row is the question's prompt.
fn prompt_last(screen: &str) -> bool {
    (screen.lines().rev())
        .find(|r| !r.is_empty())
        .is_some_and(|r| r.starts_with('›'))
}

/// What renn wrote without its escape sequences.
fn plain(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
