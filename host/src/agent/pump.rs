//! Copies an agent's output streams into its log file, and keeps its stdout.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Lines from stderr carry this prefix in the log; stdout lines are as written.
pub(super) const STDERR_PREFIX: &str = "[stderr] ";
/// renn's own lines in the log (start, exit).
const NOTE_PREFIX: &str = "[renn] ";
/// A "line" this long without a newline is logged in pieces, so an agent printing one
/// endless line cannot make renn buffer it all.
const MAX_LINE: usize = 64 * 1024;

/// The log file, shared by both streams. Whole lines are written under the lock, so
/// stdout and stderr interleave line by line in arrival order, never mid-line.
#[derive(Debug, Clone)]
pub(super) struct Log(Arc<Mutex<LogFile>>);

#[derive(Debug)]
struct LogFile {
    file: File,
    /// A write failed (disk full): logging stops, draining goes on — an agent whose
    /// output is not read blocks forever.
    broken: bool,
}

impl Log {
    pub(super) fn open(path: &Path) -> io::Result<Log> {
        // A log planted as a symlink is refused, never written through.
        let file = crate::fsio::open_no_follow(OpenOptions::new().create(true).append(true), path)?;
        Ok(Log(Arc::new(Mutex::new(LogFile {
            file,
            broken: false,
        }))))
    }

    pub(super) fn note(&self, text: &str) {
        self.line(NOTE_PREFIX, text.as_bytes());
    }

    fn line(&self, prefix: &str, bytes: &[u8]) {
        let mut buf = Vec::with_capacity(prefix.len() + bytes.len() + 1);
        buf.extend_from_slice(prefix.as_bytes());
        buf.extend_from_slice(bytes);
        if buf.last() != Some(&b'\n') {
            buf.push(b'\n');
        }
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !log.broken && log.file.write_all(&buf).is_err() {
            log.broken = true;
        }
    }
}

/// How much of an agent's stderr is kept besides the log: enough for its last error
/// lines (a CLI may print its whole transcript there).
pub(super) const STDERR_TAIL: usize = 16 * 1024;

/// What of a stream is kept in memory besides the log.
#[derive(Clone, Copy)]
pub(super) enum Keep<'a> {
    All(&'a Mutex<Vec<u8>>),
    /// The last bytes, about this many.
    Tail(&'a Mutex<Vec<u8>>, usize),
}

/// Reads `src` to its end, logging each line with `prefix` and keeping what `keep`
/// says. Returns at EOF or on a read error.
pub(super) fn pump(src: impl Read, log: &Log, prefix: &str, keep: Keep<'_>) {
    let mut reader = BufReader::with_capacity(64 * 1024, src);
    let mut line = Vec::new();
    loop {
        let chunk = match reader.fill_buf() {
            Ok([]) => break,
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let (n, complete) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        line.extend_from_slice(&chunk[..n]);
        match keep {
            Keep::All(buf) => buf
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(&chunk[..n]),
            Keep::Tail(buf, limit) => {
                let mut buf = buf.lock().unwrap_or_else(|e| e.into_inner());
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > 2 * limit {
                    let cut = buf.len() - limit;
                    buf.drain(..cut);
                }
            }
        }
        reader.consume(n);
        if complete || line.len() >= MAX_LINE {
            log.line(prefix, &line);
            line.clear();
        }
    }
    if !line.is_empty() {
        log.line(prefix, &line);
    }
}
