//! The live view on a terminal: one spinner line per running agent (run id, status,
//! elapsed time), the reports printed above the lines as they come, questions asked
//! with the lines put away. Chosen only when stdout is a terminal; scripts and logs
//! get [`super::PlainUi`], editors [`super::JsonUi`].
//!
//! A line lives while its agent's run is unsettled: `working` → `checking` (renn
//! checks the recap and commits, or holds an isolated run until its batch merges) →
//! `done ✓` / `failed ✗`, or `at gate` → `queued` → `working` again for the
//! continuation. When the run settles its spinner line is cleared and replaced by a
//! permanent line above the live ones (`  02-03    done ✓     4m05s`), so the
//! scrollback keeps how every run ended and how long it took.

use super::ui::Ui;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::time::Duration;

pub const WORKING: &str = "working";
pub const CHECKING: &str = "checking";
pub const AT_GATE: &str = "at gate";
/// A gate was answered; the continuation waits for a free slot.
pub const QUEUED: &str = "queued";
pub const DONE: &str = "done ✓";
pub const FAILED: &str = "failed ✗";
pub const SKIPPED: &str = "skipped –";

/// The auditor's label in the host's events.
const AUDITOR: &str = "auditor";
const TICK: Duration = Duration::from_millis(100);

/// One agent's line on screen.
struct Line {
    run: String,
    bar: ProgressBar,
    /// The agent's log, named on the permanent line of a failure.
    log: Option<String>,
}

pub struct LiveUi {
    multi: MultiProgress,
    style: ProgressStyle,
    interactive: bool,
    /// Lines on screen, in spawn order.
    lines: Vec<Line>,
    /// The latest status of every run seen in this execution, settled ones included.
    status: HashMap<String, &'static str>,
    /// The last thing printed was a settled run's line: a report starts after a gap.
    after_settled: bool,
}

impl LiveUi {
    /// The live view on stdout; `interactive`: questions can be read from stdin.
    pub fn new(interactive: bool) -> Self {
        Self::with_target(ProgressDrawTarget::stdout(), interactive)
    }

    /// The live view drawn to `target` (tests use a hidden or in-memory one).
    pub fn with_target(target: ProgressDrawTarget, interactive: bool) -> Self {
        let style = ProgressStyle::with_template("{spinner:.cyan} {prefix:<8} {msg:<10} {t}")
            .expect("a valid template")
            .tick_strings(&["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", " "])
            .with_key("t", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&clock(s.elapsed()));
            });
        LiveUi {
            multi: MultiProgress::with_draw_target(target),
            style,
            interactive,
            lines: Vec::new(),
            status: HashMap::new(),
            after_settled: false,
        }
    }

    /// The status last shown for `run` (`working`, `at gate`, `done ✓`…), also after
    /// its line has settled; `None` for a run no agent was spawned or noticed for.
    pub fn status_of(&self, run: &str) -> Option<&str> {
        self.status.get(run).copied()
    }

    /// How many agent lines are live on screen.
    pub fn live_lines(&self) -> usize {
        self.lines.len()
    }

    fn line(&self, run: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.run == run)
    }

    fn spawned(&mut self, run: &str, log: Option<String>) {
        self.status.insert(run.to_string(), WORKING);
        if let Some(line) = self.lines.iter_mut().find(|l| l.run == run) {
            // A continuation after a gate, or a retry: the same line works on.
            line.log = log.or(line.log.take());
            line.bar.set_message(WORKING);
            return;
        }
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(self.style.clone());
        bar.set_prefix(run.to_string());
        bar.set_message(WORKING);
        bar.enable_steady_tick(TICK);
        self.lines.push(Line {
            run: run.to_string(),
            bar,
            log,
        });
    }

    /// A new status for a run still in progress.
    fn set(&mut self, run: &str, status: &'static str) {
        self.status.insert(run.to_string(), status);
        if let Some(line) = self.line(run) {
            line.bar.set_message(status);
        }
    }

    /// The run has ended (for this execution): its spinner line becomes a permanent
    /// line above the live ones.
    fn settle(&mut self, run: &str, status: &'static str) {
        self.status.insert(run.to_string(), status);
        let Some(i) = self.lines.iter().position(|l| l.run == run) else {
            return;
        };
        let line = self.lines.remove(i);
        let elapsed = line.bar.elapsed();
        line.bar.finish_and_clear();
        self.multi.remove(&line.bar);
        let mut text = format!("  {:<8} {:<10} {}", line.run, status, clock(elapsed));
        if status == FAILED {
            if let Some(log) = &line.log {
                let _ = write!(text, "  log: {log}");
            }
        }
        self.print(&text);
        self.after_settled = true;
    }

    /// Every line still live settles with the status it shows.
    fn settle_all(&mut self) {
        let left: Vec<(String, &'static str)> = self
            .lines
            .iter()
            .map(|l| {
                (
                    l.run.clone(),
                    self.status.get(&l.run).copied().unwrap_or(WORKING),
                )
            })
            .collect();
        for (run, status) in left {
            self.settle(&run, status);
        }
    }

    /// An empty line between settled runs' lines and what is printed next.
    fn gap(&mut self) -> &'static str {
        if std::mem::take(&mut self.after_settled) {
            "\n"
        } else {
            ""
        }
    }

    /// Lines above the live ones, without tearing them.
    fn print(&self, text: &str) {
        if self.multi.is_hidden() {
            // Never lose a report, whatever the draw target turned out to be; the
            // same lines MultiProgress::println would draw.
            if text.is_empty() {
                println!();
            }
            for line in text.lines() {
                println!("{line}");
            }
        } else {
            let _ = self.multi.println(text);
        }
    }
}

impl Ui for LiveUi {
    fn text(&mut self, text: &str) {
        // Like PlainUi: the report, then one empty line.
        let gap = self.gap();
        self.print(&format!("{gap}{}\n\n", text.trim_end()));
    }

    fn event(&mut self, name: &str, data: Value) {
        let run = data["run"].as_str().unwrap_or_default().to_string();
        let log = data["log"].as_str().map(str::to_string);
        match name {
            "run_spawned" if !run.is_empty() => self.spawned(&run, log),
            // A runner that did not exit cleanly has failed (run_failed follows); the
            // auditor has no other event that would say so.
            "run_exited" if data["reason"] != "ok" => self.settle(&run, FAILED),
            "run_exited" => self.set(&run, CHECKING),
            "gate_reached" => self.set(&run, AT_GATE),
            "gate_resolved" => self.set(&run, QUEUED),
            "run_completed" => self.settle(&run, DONE),
            "run_failed" => self.settle(&run, FAILED),
            "run_skipped" => self.settle(&run, SKIPPED),
            "proof_routed" => self.settle(AUDITOR, DONE),
            "stage_completed" => self.settle_all(),
            _ => {}
        }
    }

    fn ask(&mut self, question: &str) -> Option<String> {
        if !self.interactive {
            return None;
        }
        // The lines are put away while the question waits, so neither it nor the typed
        // answer is drawn over; they come back below the answer.
        let gap = self.gap();
        self.multi.suspend(|| {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{gap}{question} ");
            let _ = out.flush();
            let mut line = String::new();
            match std::io::stdin().lock().read_line(&mut line) {
                Ok(0) | Err(_) => None,
                Ok(_) => Some(line.trim().to_string()),
            }
        })
    }
}

impl Drop for LiveUi {
    /// renn stops (paused at a gate, interrupted, an error): what was live stays on
    /// screen as permanent lines, and nothing is left spinning.
    fn drop(&mut self) {
        self.settle_all();
    }
}

/// `12s`, `4m05s`, `1h02m`.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::InMemoryTerm;
    use serde_json::json;

    fn spawned(ui: &mut LiveUi, run: &str, attempt: u32) {
        ui.event(
            "run_spawned",
            json!({"run": run, "agent": "renn-runner", "model": "sonnet", "attempt": attempt,
                   "log": format!(".renn/stages/02-accounts/logs/{run}-{attempt}.log")}),
        );
    }

    /// `exit`: `ok`, `failed N` or `timed out…`, as the event's `reason` and `exit`.
    fn exited(ui: &mut LiveUi, run: &str, exit: &str) {
        let (reason, code) = match exit.strip_prefix("failed ") {
            Some(code) => ("failed", json!(code.parse::<i32>().ok())),
            None if exit == "ok" => ("ok", json!(0)),
            None => ("timed_out", json!(null)),
        };
        ui.event(
            "run_exited",
            json!({"run": run, "exit": code, "reason": reason, "seconds": 0.5, "log": format!("logs/{run}-1.log")}),
        );
    }

    #[test]
    fn tracks_each_run_through_a_stage() {
        let mut ui = LiveUi::with_target(ProgressDrawTarget::hidden(), false);
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
            ui.line("02-04").and_then(|l| l.log.as_deref()),
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
    fn a_failing_auditor_and_the_end_of_the_stage_settle_every_line() {
        let mut ui = LiveUi::with_target(ProgressDrawTarget::hidden(), false);
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
        assert_eq!(ui.status_of("02-01"), Some(WORKING));
        assert_eq!(ui.status_of("02-02"), Some(AT_GATE));
    }

    #[test]
    fn without_a_terminal_to_ask_on_nothing_is_read() {
        let mut ui = LiveUi::with_target(ProgressDrawTarget::hidden(), false);
        assert_eq!(ui.ask("Your answer for 02-04:"), None);
    }

    /// What a terminal shows: reports and settled runs above, live lines below.
    #[test]
    fn reports_print_above_the_live_lines() {
        let term = InMemoryTerm::new(24, 72);
        let mut ui =
            LiveUi::with_target(ProgressDrawTarget::term_like(Box::new(term.clone())), false);
        ui.text("## Batch 2\n\nSignup and login\n");
        spawned(&mut ui, "02-03", 1);
        spawned(&mut ui, "02-04", 1);
        let screen = term.contents();
        let rows: Vec<&str> = screen.lines().collect();
        assert!(
            rows[rows.len() - 2].contains("02-03    working"),
            "{screen}"
        );
        assert!(
            rows[rows.len() - 1].contains("02-04    working"),
            "{screen}"
        );
        ui.text("## Gate: Human Verify\n\n**Run:** 02-04");
        exited(&mut ui, "02-04", "ok");
        ui.event(
            "gate_reached",
            json!({"run": "02-04", "gate": "human-verify"}),
        );
        exited(&mut ui, "02-03", "ok");
        ui.event("run_completed", json!({"run": "02-03"}));
        // Let the remaining line redraw with its latest message.
        ui.line("02-04").unwrap().bar.tick();

        let screen = term.contents();
        let rows: Vec<&str> = screen.lines().collect();
        let at = |needle: &str| {
            rows.iter()
                .position(|r| r.contains(needle))
                .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{screen}"))
        };
        assert!(at("## Batch 2") < at("Signup and login"), "{screen}");
        assert!(
            at("Signup and login") < at("## Gate: Human Verify"),
            "{screen}"
        );
        assert!(at("**Run:** 02-04") < at("02-03    done ✓"), "{screen}");
        let live = at("02-04    at gate");
        assert_eq!(live, rows.len() - 1, "the live line is last:\n{screen}");
        assert_eq!(
            rows.iter().filter(|r| r.contains("02-03")).count(),
            1,
            "02-03's spinner line was replaced, not duplicated:\n{screen}"
        );
        assert!(rows[at("02-03    done ✓")].starts_with("  02-03    done ✓     0s"));

        drop(ui);
        let screen = term.contents();
        assert!(
            screen
                .lines()
                .last()
                .unwrap()
                .starts_with("  02-04    at gate"),
            "on exit the live line stays as a permanent one:\n{screen}"
        );
    }

    #[test]
    fn clock_reads_like_a_stopwatch() {
        assert_eq!(clock(Duration::from_millis(900)), "0s");
        assert_eq!(clock(Duration::from_secs(59)), "59s");
        assert_eq!(clock(Duration::from_secs(245)), "4m05s");
        assert_eq!(clock(Duration::from_secs(3720)), "1h02m");
    }
}
