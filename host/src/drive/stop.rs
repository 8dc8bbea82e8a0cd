//! How a host is asked to stop: Ctrl-C / SIGTERM for the CLI, a handle's `stop()` for
//! the bindings. A library must not take the signals of the process it is loaded in
//! (Node's, Python's), so only [`Stop::on_signals`] installs a handler.

use crate::agent::Interrupt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A stop request shared between the host's loop and whoever may ask for it.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    asked: Arc<AtomicBool>,
    signals: Option<Interrupt>,
}

impl Stop {
    /// Stops only when [`Stop::request`] is called.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Also stops on SIGINT / SIGTERM (the handler is installed once per process).
    pub fn on_signals() -> Stop {
        Stop {
            asked: Arc::default(),
            signals: Some(Interrupt::install()),
        }
    }

    pub fn request(&self) {
        self.asked.store(true, Ordering::SeqCst);
    }

    pub fn requested(&self) -> bool {
        self.asked.load(Ordering::SeqCst) || self.signals.as_ref().is_some_and(Interrupt::requested)
    }
}
