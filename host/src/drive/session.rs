//! A stage execution driven from a library: the CLI's own host on a thread of its
//! own, its events handed over as the values `renn --json run-stage` prints, its
//! questions answered through [`Session::respond`]. The bindings' `runStage` is this.

use super::{run_stage, Options, Question, StageExit, Stop, Ui};
use crate::{Error, Result};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How often a waiting question looks at the stop request.
const TICK: Duration = Duration::from_millis(100);

/// What a session hands over, in order; [`SessionEvent::Finished`] comes last.
#[derive(Debug)]
pub enum SessionEvent {
    /// An event as `renn --json run-stage` prints it (`{"event", "schema", "time", …}`),
    /// plus `question` events: a question waiting for [`Session::respond`].
    Event(Value),
    /// The execution ended: how, or why it could not go on.
    Finished(Result<StageExit>),
}

/// One stage execution running on its own thread.
pub struct Session {
    events: Mutex<Receiver<SessionEvent>>,
    answers: Sender<String>,
    asked: Arc<Mutex<Option<Question>>>,
    stop: Stop,
}

impl Session {
    /// Starts executing `opts.stage` of the project at `dir` (a project directory, or
    /// one inside it), exactly as `renn run-stage` would.
    pub fn start(dir: PathBuf, opts: Options) -> Result<Session> {
        let (events, rx) = channel();
        let (answers, answer_rx) = channel();
        let asked = Arc::new(Mutex::new(None));
        let stop = opts.stop.clone();
        let mut ui = SessionUi {
            events: events.clone(),
            answers: answer_rx,
            asked: asked.clone(),
            stop: stop.clone(),
            interactive: opts.interactive,
        };
        std::thread::Builder::new()
            .name(format!("renn stage {}", opts.stage))
            .spawn(move || {
                let result = run_stage(Some(&dir), &opts, &mut ui);
                let _ = events.send(SessionEvent::Finished(result));
            })
            .map_err(|source| Error::Io {
                path: "a thread for the stage".into(),
                source,
            })?;
        Ok(Session {
            events: Mutex::new(rx),
            answers,
            asked,
            stop,
        })
    }

    /// The next event, waiting at most `wait`; `None` when none came in time or the
    /// session has already handed over [`SessionEvent::Finished`].
    pub fn next_event(&self, wait: Duration) -> Option<SessionEvent> {
        lock(&self.events).recv_timeout(wait).ok()
    }

    /// Whether the session has ended and every event was taken.
    pub fn ended(&self) -> bool {
        matches!(
            lock(&self.events).try_recv(),
            Err(std::sync::mpsc::TryRecvError::Disconnected)
        )
    }

    /// The question waiting for an answer, if any.
    pub fn question(&self) -> Option<Question> {
        lock(&self.asked).clone()
    }

    /// Answers the waiting question (a gate, a failure, the human verification) with
    /// the words a person would type at the terminal.
    pub fn respond(&self, answer: &str) -> Result<()> {
        if lock(&self.asked).is_none() {
            return Err(renn_core::Diagnostic::error(
                renn_core::Code::RespondNotWaiting,
                "no question is waiting for an answer (wait for a `question` event)",
            )
            .into());
        }
        // The host is gone only after `Finished`; an answer then has no one to reach.
        let _ = self.answers.send(answer.to_string());
        Ok(())
    }

    /// Stops the execution as Ctrl-C stops the CLI: agents stopped, the state kept
    /// for a later `runStage` to resume.
    pub fn stop(&self) {
        self.stop.request();
    }
}

/// A session no one holds can have no question answered: it stops (agents stopped,
/// resumable) rather than wait forever holding the project's lock.
impl Drop for Session {
    fn drop(&mut self) {
        self.stop.request();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The host's view of a session: events into the channel, questions open until the
/// session's owner answers them.
struct SessionUi {
    events: Sender<SessionEvent>,
    answers: Receiver<String>,
    asked: Arc<Mutex<Option<Question>>>,
    stop: Stop,
    /// Questions are handed over; otherwise none is asked, as with `renn --json`.
    interactive: bool,
}

impl SessionUi {
    fn taken(&self, answer: String) -> Option<Option<String>> {
        *lock(&self.asked) = None;
        Some(Some(answer))
    }
}

impl Ui for SessionUi {
    fn text(&mut self, text: &str) {
        let report = super::event::Report {
            markdown: text.to_string(),
        };
        (self as &mut dyn Ui).emit(&report);
    }

    fn event(&mut self, name: &str, data: Value) {
        let value = crate::json::event_value(name, data, &crate::json::now_rfc3339());
        let _ = self.events.send(SessionEvent::Event(value));
    }

    fn ask(&mut self, question: &Question) -> Option<String> {
        if !self.ask_begin(question) {
            return None;
        }
        loop {
            if let Some(answer) = self.answer(TICK) {
                return answer;
            }
        }
    }

    fn ask_begin(&mut self, question: &Question) -> bool {
        if !self.interactive {
            return false;
        }
        *lock(&self.asked) = Some(question.clone());
        (self as &mut dyn Ui).emit(question);
        true
    }

    fn answer(&mut self, wait: Duration) -> Option<Option<String>> {
        if self.stop.requested() {
            *lock(&self.asked) = None;
            return Some(None);
        }
        match self.answers.recv_timeout(wait) {
            Ok(answer) => self.taken(answer),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(None),
        }
    }

    fn stop(&mut self, _text: &str) {}
}
