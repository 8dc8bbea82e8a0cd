//! The live view on a terminal: one line per running agent (run id, status, the agent's
//! own time), a footer pinned below them (batch k/n, runs done/total, elapsed), and the
//! reports printed above as they come, rendered for the terminal (headings, bold,
//! tables; colour unless `NO_COLOR`). Chosen only when stdout is a terminal; scripts and
//! logs get [`super::PlainUi`], editors [`super::JsonUi`].
//!
//! A line lives while its agent's run is unsettled: `working` → `checking` (renn checks
//! the recap and commits, or holds an isolated run until its batch merges) → `done ✓` /
//! `failed ✗`, or `at gate` → `queued` → `working` again for the continuation. When the
//! run settles its line is replaced by a permanent one above the live ones
//! (`  02-03    done ✓     4m05s`), so the scrollback keeps how every run ended. The
//! time is the agent's own: the seconds its processes ran (`run_exited`), never the
//! time renn spent checking, merging or waiting for a human.
//!
//! A question is asked inside the view (its text and a `›` prompt below the footer):
//! the lines keep drawing and runs that finish meanwhile settle as usual. The view is
//! redrawn from scratch on every tick; no live row is wider than the terminal or than
//! 40 columns, so a resize leaves no ghost lines, also where the terminal re-wraps. What is still live when renn stops
//! (Ctrl-C, an error) settles as `stopped`; a run waiting at its gate stays `at gate`.

mod markdown;
mod question;
mod style;

use renn_host::drive::{Question, Ui};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use style::{Color, Style};

pub const WORKING: &str = "working";
pub const CHECKING: &str = "checking";
pub const AT_GATE: &str = "at gate";
/// A gate was answered; the continuation waits for a free slot.
pub const QUEUED: &str = "queued";
pub const DONE: &str = "done ✓";
pub const FAILED: &str = "failed ✗";
pub const SKIPPED: &str = "skipped –";
/// renn stopped (Ctrl-C, an error, the stage stopped) while the agent worked.
pub const STOPPED: &str = "stopped";

/// The auditor's label in the host's events.
const AUDITOR: &str = "auditor";
const TICK: Duration = Duration::from_millis(100);
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/// The widest a live row is drawn. A terminal that re-wraps its lines when it narrows
/// (tmux, most of today's emulators) would turn a wider row into two, and the redraw
/// would leave one behind: rows this short stay one row down to 40 columns.
const LIVE_WIDTH: usize = 40;

/// Where the view draws, and how big that terminal is.
pub struct Terminal {
    pub out: Box<dyn Write + Send>,
    /// Columns and rows, asked before every draw (a resize shows at the next tick).
    pub size: Box<dyn Fn() -> (u16, u16) + Send>,
    pub colour: bool,
}

impl Terminal {
    /// The process's stdout.
    pub fn stdout() -> Terminal {
        Terminal {
            out: Box::new(std::io::stdout()),
            size: Box::new(stdout_size),
            colour: style::colour_from_env(),
        }
    }
}

/// One agent's line on screen.
struct Line {
    run: String,
    /// The agent's log, named on the permanent line of a failure.
    log: Option<String>,
    /// The agent's own time so far: its finished attempts, and the one running now.
    ran: Duration,
    running_since: Option<Instant>,
}

impl Line {
    fn time(&self) -> Duration {
        self.ran + self.running_since.map_or(Duration::ZERO, |t| t.elapsed())
    }
}

/// Batch k/n, runs done/total, elapsed.
struct Footer {
    started: Instant,
    batches: Vec<u32>,
    batch: Option<u32>,
    done: usize,
    total: usize,
}

/// What is on screen; shared with the ticking and the key-reading threads.
pub struct View {
    term: Option<Terminal>,
    lines: Vec<Line>,
    /// The latest status of every run seen in this execution, settled ones included.
    status: HashMap<String, &'static str>,
    footer: Option<Footer>,
    /// The open question and what is typed so far.
    question: Option<(String, String)>,
    /// Rows of the live part drawn last; the cursor is at the end of the last one.
    drawn: usize,
    frame: usize,
    /// The last thing printed was a settled run's line: a report starts after a gap.
    after_settled: bool,
}

impl View {
    fn colour(&self) -> bool {
        self.term.as_ref().is_some_and(|t| t.colour)
    }

    fn status(&self, run: &str) -> &'static str {
        self.status.get(run).copied().unwrap_or(WORKING)
    }

    /// The live part: agent lines, the footer, the question; each row fits the width.
    fn rows(&self, width: usize, height: usize) -> Vec<String> {
        let colour = self.colour();
        let max = width.saturating_sub(1).clamp(1, LIVE_WIDTH);
        let mut bottom = Vec::new();
        if let Some(f) = &self.footer {
            bottom.push(footer_row(f, colour));
        }
        if let Some((question, typed)) = &self.question {
            let style = question_style(question);
            for row in wrap(question, max) {
                bottom.push(style.paint(&row, colour));
            }
            let room = max.saturating_sub(2);
            let shown: String = {
                let chars: Vec<char> = typed.chars().collect();
                chars[chars.len().saturating_sub(room)..].iter().collect()
            };
            bottom.push(format!(
                "{} {shown}",
                Style::fg(Color::Cyan).paint("›", colour)
            ));
        }
        // The agent lines that fit above; the rest counted.
        let room = height.saturating_sub(1 + bottom.len()).max(1);
        let mut rows: Vec<String> = Vec::new();
        let fits = match self.lines.len() > room {
            true => room.saturating_sub(1),
            false => self.lines.len(),
        };
        for line in &self.lines[..fits] {
            rows.push(self.line_row(line, colour));
        }
        if fits < self.lines.len() {
            rows.push(format!("  … {} more", self.lines.len() - fits));
        }
        rows.extend(bottom);
        rows.iter().map(|r| style::truncate(r, max)).collect()
    }

    fn line_row(&self, line: &Line, colour: bool) -> String {
        let status = self.status(&line.run);
        let glyph = match status {
            WORKING | CHECKING => Style::fg(Color::Cyan).paint(SPINNER[self.frame % 10], colour),
            AT_GATE => Style::fg(Color::Yellow).paint("?", colour),
            _ => " ".to_string(),
        };
        format!(
            "{glyph} {:<8} {} {}",
            line.run,
            status_style(status).paint(&format!("{status:<10}"), colour),
            clock(line.time())
        )
    }

    /// Moves to the first row of the live part and clears from there down.
    fn clear(&mut self, buf: &mut String) {
        if self.drawn > 0 {
            buf.push('\r');
            if self.drawn > 1 {
                buf.push_str(&format!("\x1b[{}A", self.drawn - 1));
            }
            buf.push_str("\x1b[J");
        }
        self.drawn = 0;
    }

    /// Draws the live part again (the spinners turn, the clocks move, a resize shows).
    fn draw(&mut self) {
        self.show(None);
    }

    /// `text` (lines) printed above the live part, which is drawn again below it.
    fn show(&mut self, text: Option<&str>) {
        let Some(term) = &self.term else {
            if let Some(text) = text {
                println!("{text}");
            }
            return;
        };
        let (width, height) = (term.size)();
        let rows = self.rows(usize::from(width), usize::from(height));
        let mut buf = String::new();
        self.clear(&mut buf);
        if let Some(text) = text {
            for line in text.split('\n') {
                buf.push_str(line);
                buf.push_str("\x1b[K\r\n");
            }
        }
        buf.push_str(&rows.join("\x1b[K\r\n"));
        buf.push_str("\x1b[K");
        self.drawn = rows.len();
        if let Some(term) = &mut self.term {
            let _ = term.out.write_all(buf.as_bytes());
            let _ = term.out.flush();
        }
    }

    /// What is typed at the open question changed.
    fn typed(&mut self, typed: &str) {
        if let Some((_, t)) = &mut self.question {
            *t = typed.to_string();
        }
        self.draw();
    }

    fn gap(&mut self) -> &'static str {
        match std::mem::take(&mut self.after_settled) {
            true => "\n",
            false => "",
        }
    }

    fn spawned(&mut self, run: &str, log: Option<String>) {
        self.status.insert(run.to_string(), WORKING);
        let now = Some(Instant::now());
        if let Some(line) = self.lines.iter_mut().find(|l| l.run == run) {
            // A continuation after a gate, or a retry: the same line works on.
            line.log = log.or(line.log.take());
            line.running_since = now;
        } else {
            self.lines.push(Line {
                run: run.to_string(),
                log,
                ran: Duration::ZERO,
                running_since: now,
            });
        }
        self.draw();
    }

    /// The agent's processes ended after `seconds`: its clock stops there.
    fn exited(&mut self, run: &str, seconds: Option<f64>) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.run == run) {
            let since = line.running_since.take();
            line.ran += match (seconds, since) {
                (Some(s), _) if s.is_finite() && s >= 0.0 => Duration::from_secs_f64(s),
                (_, Some(t)) => t.elapsed(),
                _ => Duration::ZERO,
            };
        }
    }

    /// A new status for a run still in progress.
    fn set(&mut self, run: &str, status: &'static str) {
        self.status.insert(run.to_string(), status);
        self.draw();
    }

    /// The run has ended (for this execution): its line becomes a permanent line above
    /// the live ones.
    fn settle(&mut self, run: &str, status: &'static str) {
        self.status.insert(run.to_string(), status);
        let Some(i) = self.lines.iter().position(|l| l.run == run) else {
            self.draw();
            return;
        };
        let line = self.lines.remove(i);
        let colour = self.colour();
        let mut text = format!(
            "  {:<8} {} {}",
            line.run,
            status_style(status).paint(&format!("{status:<10}"), colour),
            clock(line.time())
        );
        if status == FAILED {
            if let Some(log) = &line.log {
                text.push_str(&format!("  log: {log}"));
            }
        }
        self.show(Some(text.trim_end()));
        self.after_settled = true;
    }

    /// Every line still live settles: a run at its gate stays at its gate, an agent
    /// still working was stopped.
    fn settle_all(&mut self) {
        let left: Vec<(String, &'static str)> = (self.lines.iter())
            .map(|l| match self.status(&l.run) {
                AT_GATE => (l.run.clone(), AT_GATE),
                _ => (l.run.clone(), STOPPED),
            })
            .collect();
        for (run, status) in left {
            self.settle(&run, status);
        }
    }

    /// The view is put away: a final footer line, the cursor on a fresh line.
    fn close(&mut self) {
        self.settle_all();
        self.question = None;
        // Where the stage got to stays on screen once a batch has started.
        let footer = self.footer.take().filter(|f| f.batch.is_some());
        let colour = self.colour();
        match footer {
            Some(f) => self.show(Some(&footer_row(&f, colour))),
            None => self.draw(),
        }
    }

    fn plan(&mut self, plan: &Value) {
        let runs = plan["runs"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut batches: Vec<u32> = (runs.iter())
            .filter_map(|r| r["batch"].as_u64().and_then(|b| u32::try_from(b).ok()))
            .collect();
        batches.sort_unstable();
        batches.dedup();
        self.footer = Some(Footer {
            started: Instant::now(),
            batches,
            batch: None,
            done: runs.iter().filter(|r| r["complete"] == true).count(),
            total: runs.len(),
        });
        self.draw();
    }
}

fn footer_row(f: &Footer, colour: bool) -> String {
    let k = f
        .batch
        .and_then(|b| f.batches.iter().position(|x| *x == b))
        .map_or("–".to_string(), |i| (i + 1).to_string());
    let text = format!(
        "batch {k}/{} · runs {}/{} done · {}",
        f.batches.len(),
        f.done,
        f.total,
        clock(f.started.elapsed())
    );
    Style::PLAIN.dim().paint(&text, colour)
}

/// Questions are bold; after a failure, red.
fn question_style(question: &str) -> Style {
    match question.starts_with("Failed") {
        true => Style::fg(Color::Red).bold(),
        false => Style::PLAIN.bold(),
    }
}

fn status_style(status: &str) -> Style {
    match status {
        DONE => Style::fg(Color::Green),
        FAILED => Style::fg(Color::Red),
        AT_GATE | SKIPPED | STOPPED => Style::fg(Color::Yellow),
        _ => Style::PLAIN,
    }
}

/// Words wrapped to `width` columns (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split_whitespace() {
        let (rw, ww) = (row.chars().count(), word.chars().count());
        if rw > 0 && rw + 1 + ww > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

pub struct LiveUi {
    view: Arc<Mutex<View>>,
    interactive: bool,
    question: Option<question::Pending>,
    ticker: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl LiveUi {
    /// The live view on stdout; `interactive`: questions can be read from stdin.
    pub fn new(interactive: bool) -> Self {
        #[cfg(windows)]
        enable_escapes();
        Self::with_terminal(Some(Terminal::stdout()), interactive, true)
    }

    /// The live view drawn on `term` (`None`: nothing drawn, reports printed plainly),
    /// redrawn every 100 ms when `ticking` (tests draw on events only).
    pub fn with_terminal(term: Option<Terminal>, interactive: bool, ticking: bool) -> Self {
        let drawn = term.is_some();
        let view = Arc::new(Mutex::new(View {
            term,
            lines: Vec::new(),
            status: HashMap::new(),
            footer: None,
            question: None,
            drawn: 0,
            frame: 0,
            after_settled: false,
        }));
        let ticker = (ticking && drawn).then(|| {
            let stop = Arc::new(AtomicBool::new(false));
            let (v, s) = (view.clone(), stop.clone());
            let handle = std::thread::spawn(move || {
                while !s.load(Ordering::SeqCst) {
                    std::thread::sleep(TICK);
                    if let Ok(mut v) = v.lock() {
                        v.frame += 1;
                        v.draw();
                    }
                }
            });
            (stop, handle)
        });
        LiveUi {
            view,
            interactive,
            question: None,
            ticker,
        }
    }

    fn view(&self) -> MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(test)]
    /// The status last shown for `run` (`working`, `at gate`, `done ✓`…), also after
    /// its line has settled; `None` for a run no agent was spawned or noticed for.
    pub fn status_of(&self, run: &str) -> Option<&'static str> {
        self.view().status.get(run).copied()
    }

    #[cfg(test)]
    /// How many agent lines are live on screen.
    pub fn live_lines(&self) -> usize {
        self.view().lines.len()
    }

    #[cfg(test)]
    /// The view as it would be drawn now, `width` × `height` (tests).
    pub fn rows(&self, width: usize, height: usize) -> Vec<String> {
        self.view().rows(width, height)
    }

    fn report(&mut self, text: &str, base: Style) {
        let mut v = self.view();
        let colour = v.colour();
        let gap = v.gap();
        // An agent's log (`── path (last 30 lines) ──`) is not markdown: shown as it is.
        let markdown = v.term.is_some() && !text.starts_with("── ");
        let shown = match markdown {
            true => markdown::render(text, base, colour),
            false => text.trim_end().replace('\r', ""),
        };
        // Like PlainUi: the report, then one empty line.
        v.show(Some(&format!("{gap}{shown}\n")));
    }
}

/// The colour of a whole report, from how it starts: failures and errors red,
/// retries, skips and warnings yellow.
fn tone(text: &str) -> Style {
    let t = text.trim_start();
    let lower = t.to_lowercase();
    if t.starts_with('✗') || lower.starts_with("error") || lower.starts_with("stopped") {
        Style::fg(Color::Red)
    } else if t.starts_with('↻')
        || t.starts_with('–')
        || lower.starts_with("warning")
        || lower.starts_with("gate waiting")
        || lower.starts_with("human verification waiting")
        || lower.starts_with("interrupted")
    {
        Style::fg(Color::Yellow)
    } else {
        Style::PLAIN
    }
}

impl Ui for LiveUi {
    fn text(&mut self, text: &str) {
        self.report(text, tone(text));
    }

    fn stop(&mut self, text: &str) {
        self.report(text, Style::fg(Color::Red));
    }

    fn event(&mut self, name: &str, data: Value) {
        let run = data["run"].as_str().unwrap_or_default().to_string();
        let mut v = self.view();
        match name {
            "plan" => v.plan(&data),
            "batch_started" => {
                let batch = data["batch"].as_u64().and_then(|b| u32::try_from(b).ok());
                if let Some(f) = &mut v.footer {
                    f.batch = batch;
                }
                v.draw();
            }
            "run_spawned" if !run.is_empty() => {
                let log = data["log"].as_str().map(str::to_string);
                v.spawned(&run, log);
            }
            "run_exited" => {
                v.exited(&run, data["seconds"].as_f64());
                // A runner that did not exit cleanly has failed (run_failed follows);
                // the auditor has no other event that would say so.
                match data["reason"] == "ok" {
                    true => v.set(&run, CHECKING),
                    false => v.settle(&run, FAILED),
                }
            }
            "gate_reached" => v.set(&run, AT_GATE),
            "gate_resolved" => v.set(&run, QUEUED),
            "run_completed" => {
                if let Some(f) = &mut v.footer {
                    f.done += 1;
                }
                v.settle(&run, DONE);
            }
            "run_failed" => v.settle(&run, FAILED),
            "run_skipped" => v.settle(&run, SKIPPED),
            "proof_routed" => v.settle(AUDITOR, DONE),
            "stage_completed" => v.settle_all(),
            _ => {}
        }
    }

    fn ask(&mut self, question: &Question) -> Option<String> {
        if !self.ask_begin(question) {
            return None;
        }
        let interrupt = renn_host::agent::Interrupt::install();
        loop {
            if let Some(answer) = self.answer(TICK) {
                return answer;
            }
            if interrupt.requested() {
                self.question = None;
                self.view().question = None;
                return None;
            }
        }
    }

    fn ask_begin(&mut self, question: &Question) -> bool {
        let question = question.text();
        if !self.interactive || self.question.is_some() {
            return false;
        }
        {
            let mut v = self.view();
            v.question = Some((question.to_string(), String::new()));
            v.draw();
        }
        self.question = Some(question::Pending::start(self.view.clone()));
        true
    }

    fn answer(&mut self, wait: Duration) -> Option<Option<String>> {
        let answer = self.question.as_mut()?.poll(wait)?;
        self.question = None;
        let mut v = self.view();
        // The question and its answer stay in the scrollback.
        if let Some((q, _)) = v.question.take() {
            let gap = v.gap();
            let colour = v.colour();
            let said = answer.as_deref().unwrap_or("");
            let text = format!("{gap}{} {}\n", question_style(&q).paint(&q, colour), said);
            v.show(Some(&text));
        }
        Some(answer)
    }
}

impl Drop for LiveUi {
    /// renn stops (paused at a gate, interrupted, an error): what was live stays on
    /// screen as permanent lines, and nothing is left drawing.
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            stop.store(true, Ordering::SeqCst);
            let _ = handle.join();
        }
        self.question = None;
        self.view().close();
    }
}

/// The terminal's columns and rows (80 × 24 when it cannot tell).
fn stdout_size() -> (u16, u16) {
    match terminal_size() {
        Some((cols, rows)) if cols > 0 && rows > 0 => (cols, rows),
        _ => (80, 24),
    }
}

#[cfg(unix)]
fn terminal_size() -> Option<(u16, u16)> {
    // SAFETY: TIOCGWINSZ fills a winsize struct; a failure leaves it zeroed.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) } == 0;
    ok.then_some((ws.ws_col, ws.ws_row))
}

/// Turns on the console's escape sequences (`ENABLE_VIRTUAL_TERMINAL_PROCESSING`; on by
/// default in Windows Terminal, off in the older console). Where the console refuses,
/// the view's escape sequences show as text (Windows 10 before 1511). Not run: no
/// Windows here.
#[cfg(windows)]
fn enable_escapes() {
    use windows_sys::Win32::System::Console::{
        GetConsoleMode, GetStdHandle, SetConsoleMode, ENABLE_VIRTUAL_TERMINAL_PROCESSING,
        STD_OUTPUT_HANDLE,
    };
    // SAFETY: console mode calls on the process's own stdout handle.
    unsafe {
        let out = GetStdHandle(STD_OUTPUT_HANDLE);
        let mut mode = 0;
        if GetConsoleMode(out, &mut mode) != 0 {
            SetConsoleMode(out, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
        }
    }
}

/// The console window's visible columns and rows.
#[cfg(windows)]
fn terminal_size() -> Option<(u16, u16)> {
    use windows_sys::Win32::System::Console::{
        GetConsoleScreenBufferInfo, GetStdHandle, CONSOLE_SCREEN_BUFFER_INFO, STD_OUTPUT_HANDLE,
    };
    // SAFETY: the info struct is filled by the call; a failure leaves it unused.
    let mut info: CONSOLE_SCREEN_BUFFER_INFO = unsafe { std::mem::zeroed() };
    let ok = unsafe { GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &mut info) };
    let w = info.srWindow;
    let size = |from: i16, to: i16| u16::try_from(i32::from(to) - i32::from(from) + 1).ok();
    (ok != 0).then(|| Some((size(w.Left, w.Right)?, size(w.Top, w.Bottom)?)))?
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
mod tests;
