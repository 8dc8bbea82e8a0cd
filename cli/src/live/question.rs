//! A question answered on the terminal while the live view keeps drawing: the keys are
//! read on a thread of their own with the terminal's echo off (renn draws what is typed
//! on the view's prompt row), and the host polls for the answer between agent events.
//! Ctrl-C still interrupts (signals stay on); the terminal's modes are restored as soon
//! as the answer is in, and when renn stops with the question open.
//!
//! Key by key on Unix only (termios). On Windows the console stays in its line mode:
//! it echoes what is typed itself and hands the line over at Enter (compiled and
//! type-checked there, not run).

use super::View;
use std::io::Read;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Pending {
    rx: Receiver<Option<String>>,
    /// The terminal's modes before the question, put back once it is answered.
    saved: Option<Modes>,
}

impl Pending {
    /// Starts reading the answer; what is typed is drawn by `view`.
    pub fn start(view: Arc<Mutex<View>>) -> Pending {
        let saved = keys_without_echo();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let answer = read_answer(|typed| {
                if let Ok(mut v) = view.lock() {
                    v.typed(typed);
                }
            });
            let _ = tx.send(answer);
        });
        Pending { rx, saved }
    }

    /// The answer if it came within `wait`: `Some(None)` when input ended without one.
    pub fn poll(&mut self, wait: Duration) -> Option<Option<String>> {
        let answer = match self.rx.recv_timeout(wait) {
            Ok(answer) => answer,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => None,
        };
        self.restore();
        Some(answer)
    }

    fn restore(&mut self) {
        if let Some(t) = self.saved.take() {
            restore_modes(t);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.restore();
    }
}

#[cfg(unix)]
type Modes = libc::termios;
/// Nothing is changed on Windows, so nothing is restored.
#[cfg(not(unix))]
type Modes = std::convert::Infallible;

#[cfg(unix)]
fn restore_modes(t: Modes) {
    // SAFETY: tcsetattr on stdin with a termios tcgetattr filled in.
    unsafe { libc::tcsetattr(0, libc::TCSANOW, &t) };
}

#[cfg(not(unix))]
fn restore_modes(t: Modes) {
    match t {}
}

/// The console's line mode is kept: keys arrive with Enter, echoed by the console.
#[cfg(not(unix))]
fn keys_without_echo() -> Option<Modes> {
    None
}

/// Keys one by one, unechoed, signals (Ctrl-C) kept; the modes before, to restore.
/// `None` when stdin is not a terminal (then nothing changes).
#[cfg(unix)]
fn keys_without_echo() -> Option<Modes> {
    // SAFETY: plain termios calls on fd 0 with a zeroed struct tcgetattr fills in.
    unsafe {
        if libc::isatty(0) != 1 {
            return None;
        }
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut t) != 0 {
            return None;
        }
        let saved = t;
        t.c_lflag &= !(libc::ICANON | libc::ECHO);
        t.c_cc[libc::VMIN] = 1;
        t.c_cc[libc::VTIME] = 0;
        if libc::tcsetattr(0, libc::TCSANOW, &t) != 0 {
            return None;
        }
        Some(saved)
    }
}

/// One line from stdin, edited with backspace and Ctrl-U; `shown` gets the text typed
/// so far after every key. Ctrl-D on an empty line, or the end of input, is no answer.
fn read_answer(mut shown: impl FnMut(&str)) -> Option<String> {
    let stdin = std::io::stdin();
    let mut bytes: Vec<u8> = Vec::new();
    let mut escape = Escape::None;
    loop {
        let mut b = [0u8; 1];
        let read = stdin.lock().read(&mut b);
        let byte = match read {
            Ok(1) => b[0],
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            _ if bytes.is_empty() => return None,
            _ => return Some(String::from_utf8_lossy(&bytes).trim().to_string()),
        };
        match (escape, byte) {
            // Arrow keys and the like: ESC [ … final byte, or ESC O x.
            (Escape::None, 0x1b) => escape = Escape::Start,
            (Escape::Start, b'[') => escape = Escape::Csi,
            (Escape::Start, b'O') => escape = Escape::Ss3,
            (Escape::Start | Escape::Ss3, _) => escape = Escape::None,
            (Escape::Csi, 0x40..=0x7e) => escape = Escape::None,
            (Escape::Csi, _) => {}
            (Escape::None, b'\r' | b'\n') => {
                return Some(String::from_utf8_lossy(&bytes).trim().to_string())
            }
            (Escape::None, 0x7f | 0x08) => {
                while let Some(last) = bytes.pop() {
                    if last & 0xC0 != 0x80 {
                        break;
                    }
                }
            }
            (Escape::None, 0x15) => bytes.clear(),
            (Escape::None, 0x04) if bytes.is_empty() => return None,
            (Escape::None, c) if c < 0x20 => {}
            (Escape::None, c) => bytes.push(c),
        }
        if escape == Escape::None {
            shown(&String::from_utf8_lossy(&bytes));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Start,
    Csi,
    Ss3,
}
