use super::*;
use renn_host::drive::Question;
use serde_json::json;

/// A terminal in memory: the bytes the view writes, read back as a screen.
#[derive(Clone)]
struct Screen {
    bytes: Arc<Mutex<Vec<u8>>>,
    size: Arc<Mutex<(u16, u16)>>,
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Screen {
    fn new(cols: u16, rows: u16) -> Screen {
        Screen {
            bytes: Arc::default(),
            size: Arc::new(Mutex::new((cols, rows))),
        }
    }

    fn terminal(&self, colour: bool) -> Terminal {
        let size = self.size.clone();
        Terminal {
            out: Box::new(self.clone()),
            size: Box::new(move || *size.lock().unwrap()),
            colour,
        }
    }

    /// The screen's rows, trailing blanks trimmed (with scrollback enough for a test).
    fn contents(&self) -> String {
        let (cols, rows) = *self.size.lock().unwrap();
        let mut p = vt100::Parser::new(rows, cols, 0);
        p.process(&self.bytes.lock().unwrap());
        let text = p.screen().contents();
        text.trim_end().to_string()
    }
}

fn spawned(ui: &mut LiveUi, run: &str, attempt: u32) {
    ui.event(
        "run_spawned",
        json!({"run": run, "agent": "renn-runner", "model": "sonnet", "attempt": attempt,
               "log": format!(".renn/stages/02-accounts/logs/{run}-{attempt}.log")}),
    );
}

/// `exit`: `ok`, `failed N` or `timed out…`, as the event's `reason` and `exit`.
fn exited_after(ui: &mut LiveUi, run: &str, exit: &str, seconds: f64) {
    let (reason, code) = match exit.strip_prefix("failed ") {
        Some(code) => ("failed", json!(code.parse::<i32>().ok())),
        None if exit == "ok" => ("ok", json!(0)),
        None => ("timed_out", json!(null)),
    };
    ui.event(
        "run_exited",
        json!({"run": run, "exit": code, "reason": reason, "seconds": seconds, "log": format!("logs/{run}-1.log")}),
    );
}

fn exited(ui: &mut LiveUi, run: &str, exit: &str) {
    exited_after(ui, run, exit, 0.5);
}

#[test]
fn tracks_each_run_through_a_stage() {
    let mut ui = LiveUi::with_terminal(None, false, false);
    ui.event("plan", json!({"stage": {"number": "02"}}));
    ui.event(
        "batch_started",
        json!({"notice": "batch_started", "batch": 2, "runs": ["02-03", "02-04"]}),
    );
    assert_eq!(
        ui.status_of("02-03"),
        None,
        "a line appears when an agent starts"
    );
    assert_eq!(ui.live_lines(), 0);

    spawned(&mut ui, "02-03", 1);
    spawned(&mut ui, "02-04", 1);
    assert_eq!(ui.status_of("02-03"), Some(WORKING));
    assert_eq!(ui.status_of("02-04"), Some(WORKING));
    assert_eq!(ui.live_lines(), 2);

    // 02-04 stops at a gate; 02-03 finishes and is checked.
    exited(&mut ui, "02-04", "ok");
    assert_eq!(ui.status_of("02-04"), Some(CHECKING));
    ui.event(
        "gate_reached",
        json!({"run": "02-04", "gate": "human-verify"}),
    );
    assert_eq!(ui.status_of("02-04"), Some(AT_GATE));
    exited(&mut ui, "02-03", "ok");
    assert_eq!(ui.status_of("02-03"), Some(CHECKING));
    ui.event("run_completed", json!({"run": "02-03"}));
    assert_eq!(ui.status_of("02-03"), Some(DONE));
    assert_eq!(ui.live_lines(), 1, "a settled run leaves the live lines");

    // The answered gate: the continuation works on the same line.
    ui.event(
        "gate_resolved",
        json!({"run": "02-04", "response": "approved"}),
    );
    assert_eq!(ui.status_of("02-04"), Some(QUEUED));
    spawned(&mut ui, "02-04", 2);
    assert_eq!(ui.status_of("02-04"), Some(WORKING));
    assert_eq!(ui.live_lines(), 1, "a continuation reuses its run's line");
    assert_eq!(
        ui.view().lines[0].log.as_deref(),
        Some(".renn/stages/02-accounts/logs/02-04-2.log")
    );

    // The continuation dies: failed at once, and run_failed keeps it failed.
    exited(&mut ui, "02-04", "failed 1");
    assert_eq!(ui.status_of("02-04"), Some(FAILED));
    assert_eq!(ui.live_lines(), 0);
    ui.event(
        "run_failed",
        json!({"run": "02-04", "reason": "the agent exited with status 1"}),
    );
    assert_eq!(ui.status_of("02-04"), Some(FAILED));

    // A run skipped at its gate, and one that fails its evidence check.
    spawned(&mut ui, "02-05", 1);
    exited(&mut ui, "02-05", "ok");
    ui.event("gate_reached", json!({"run": "02-05", "gate": "decision"}));
    ui.event("run_skipped", json!({"run": "02-05"}));
    assert_eq!(ui.status_of("02-05"), Some(SKIPPED));
    spawned(&mut ui, "02-06", 1);
    exited(&mut ui, "02-06", "ok");
    ui.event("run_failed", json!({"run": "02-06", "reason": "no recap"}));
    assert_eq!(ui.status_of("02-06"), Some(FAILED));

    // The auditor: checked once it exits, done when its proof is routed.
    spawned(&mut ui, AUDITOR, 1);
    exited(&mut ui, AUDITOR, "ok");
    assert_eq!(ui.status_of(AUDITOR), Some(CHECKING));
    assert_eq!(ui.live_lines(), 1);
    ui.event("proof_routed", json!({"proof": {"status": "passed"}}));
    assert_eq!(ui.status_of(AUDITOR), Some(DONE));
    assert_eq!(ui.live_lines(), 0);
    assert_eq!(ui.status_of("02-99"), None);
}

#[test]
fn the_end_of_the_stage_settles_every_line_working_ones_as_stopped() {
    let mut ui = LiveUi::with_terminal(None, false, false);
    spawned(&mut ui, AUDITOR, 1);
    exited(&mut ui, AUDITOR, "timed out after 3600s");
    assert_eq!(ui.status_of(AUDITOR), Some(FAILED));

    spawned(&mut ui, "02-01", 1);
    spawned(&mut ui, "02-02", 1);
    exited(&mut ui, "02-02", "ok");
    ui.event(
        "gate_reached",
        json!({"run": "02-02", "gate": "human-action"}),
    );
    ui.event("stage_completed", json!({"outcome": "stopped"}));
    assert_eq!(ui.live_lines(), 0);
    assert_eq!(ui.status_of("02-01"), Some(STOPPED));
    assert_eq!(ui.status_of("02-02"), Some(AT_GATE));
}

#[test]
fn without_a_terminal_to_ask_on_nothing_is_read() {
    let mut ui = LiveUi::with_terminal(None, false, false);
    assert!(!ui.ask_begin(&Question::Pulse {
        text: "Your answer for 02-04:".into()
    }));
    assert_eq!(
        ui.ask(&Question::Pulse {
            text: "Your answer for 02-04:".into()
        }),
        None
    );
}

fn plan(ui: &mut LiveUi) {
    ui.event(
        "plan",
        json!({"runs": [
            {"id": "02-01", "batch": 1, "complete": true},
            {"id": "02-03", "batch": 2, "complete": false},
            {"id": "02-04", "batch": 2, "complete": false},
            {"id": "02-05", "batch": 3, "complete": false},
        ]}),
    );
}

/// Clock values change from run to run: `4m05s` → `XmXXs`.
fn masked(screen: &str) -> String {
    let mut out = String::new();
    for word in screen.split_inclusive([' ', '\n']) {
        let core = word.trim_end();
        let is_clock = core.ends_with('s')
            && core.len() > 1
            && core[..core.len() - 1]
                .split(['m', 'h'])
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if is_clock {
            let masked: String = core
                .chars()
                .map(|c| if c.is_ascii_digit() { 'X' } else { c })
                .collect();
            out.push_str(&masked);
            out.push_str(&word[core.len()..]);
        } else {
            out.push_str(word);
        }
    }
    out
}

/// The footer's elapsed time masked.
fn masked_footer(screen: &str) -> String {
    let rows: Vec<String> = (screen.lines())
        .map(|r| match r.starts_with("batch ") {
            true => masked(r),
            false => r.to_string(),
        })
        .collect();
    rows.join("\n")
}

/// What a terminal shows: reports and settled runs above, live lines and the footer
/// below; a run's time is its agent's own.
#[test]
fn reports_print_above_the_live_lines_and_the_footer() {
    let screen = Screen::new(72, 24);
    let mut ui = LiveUi::with_terminal(Some(screen.terminal(false)), false, false);
    plan(&mut ui);
    ui.text("## Batch 2\n\nSignup and **login**\n");
    ui.event(
        "batch_started",
        json!({"batch": 2, "runs": ["02-03", "02-04"]}),
    );
    spawned(&mut ui, "02-03", 1);
    spawned(&mut ui, "02-04", 1);
    let shown = screen.contents();
    let rows: Vec<&str> = shown.lines().collect();
    assert!(rows[rows.len() - 3].contains("02-03    working"), "{shown}");
    assert!(rows[rows.len() - 2].contains("02-04    working"), "{shown}");
    assert!(
        rows[rows.len() - 1].starts_with("batch 2/3 · runs 1/4 done · "),
        "{shown}"
    );
    ui.text("## Gate: Human Verify\n\n**Run:** 02-04");
    exited_after(&mut ui, "02-04", "ok", 3.0);
    ui.event(
        "gate_reached",
        json!({"run": "02-04", "gate": "human-verify"}),
    );
    exited_after(&mut ui, "02-03", "ok", 245.2);
    ui.event("run_completed", json!({"run": "02-03"}));
    insta::assert_snapshot!(masked_footer(&screen.contents()), @r"
    Batch 2

    Signup and login

    Gate: Human Verify

    Run: 02-04

      02-03    done ✓     4m05s
    ? 02-04    at gate    3s
    batch 2/3 · runs 2/4 done · Xs
    ");
    drop(ui);
    let shown = screen.contents();
    let rows: Vec<&str> = shown.lines().collect();
    assert!(
        rows[rows.len() - 2].starts_with("  02-04    at gate    3s"),
        "on exit the live line stays as a permanent one:\n{shown}"
    );
    assert!(rows[rows.len() - 1].starts_with("batch 2/3"), "{shown}");
}

#[test]
fn a_resize_redraws_the_live_rows_to_the_new_width() {
    let screen = Screen::new(100, 30);
    let mut ui = LiveUi::with_terminal(Some(screen.terminal(false)), true, false);
    plan(&mut ui);
    spawned(&mut ui, "02-03", 1);
    ui.view().question = Some((
        "Your answer for 02-04 (\"approved\", \"done\", a choice, the issues; or skip / abort):"
            .into(),
        "approved, and the issues are these".into(),
    ));
    ui.view().draw();
    *screen.size.lock().unwrap() = (30, 20);
    ui.view().draw();
    let rows = ui.rows(30, 20);
    assert!(
        rows.iter().all(|r| style::visible_width(r) < 30),
        "{rows:?}"
    );
    insta::assert_snapshot!(masked(&rows.join("\n")), @r#"
    ⠋ 02-03    working    Xs
    batch –/3 · runs 1/4 done · 0
    Your answer for 02-04
    ("approved", "done", a
    choice, the issues; or skip /
    abort):
    › d, and the issues are these
    "#);
}

#[test]
fn colour_marks_statuses_and_no_colour_means_no_escapes() {
    for colour in [true, false] {
        let screen = Screen::new(72, 24);
        let mut ui = LiveUi::with_terminal(Some(screen.terminal(colour)), false, false);
        spawned(&mut ui, "02-03", 1);
        exited(&mut ui, "02-03", "failed 1");
        ui.text("✗ Run 02-03 failed: the agent exited with status 1");
        let bytes = String::from_utf8(screen.bytes.lock().unwrap().clone()).unwrap();
        assert_eq!(bytes.contains("\x1b[31mfailed ✗"), colour, "{bytes:?}");
        assert_eq!(bytes.contains("\x1b[31m✗ Run 02-03"), colour, "{bytes:?}");
        assert_eq!(bytes.contains("\x1b[3"), colour, "{bytes:?}");
    }
}

#[test]
fn many_agents_fit_the_terminal() {
    let mut ui = LiveUi::with_terminal(None, false, false);
    plan(&mut ui);
    for n in 1..=30 {
        spawned(&mut ui, &format!("02-{n:02}"), 1);
    }
    let rows = ui.rows(60, 10);
    assert_eq!(rows.len(), 9, "{rows:?}");
    assert_eq!(rows[7], "  … 23 more");
}

#[test]
fn clock_reads_like_a_stopwatch() {
    assert_eq!(clock(Duration::from_millis(900)), "0s");
    assert_eq!(clock(Duration::from_secs(59)), "59s");
    assert_eq!(clock(Duration::from_secs(245)), "4m05s");
    assert_eq!(clock(Duration::from_secs(3720)), "1h02m");
}
