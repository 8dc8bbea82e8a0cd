//! Whether the agent's program starts: `<program> --version`, bounded in time, since
//! a program that hangs (waiting for a login, a terminal…) must not hang `doctor`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// How long `--version` may take.
const LIMIT: Duration = Duration::from_secs(15);

/// `<program> --version`'s first line (`started` when it prints none), within 15 s.
/// The error says why it did not start or succeed.
pub(super) fn first_line(path: &Path) -> Result<String, String> {
    let text = output(path.as_os_str(), &["--version"])
        .map_err(|e| e.replace("the command", "`--version`"))?;
    let first = text.lines().next().unwrap_or("").trim().to_string();
    Ok(if first.is_empty() {
        "started".into()
    } else {
        first
    })
}

/// A command's stdout when it succeeds within 15 s; a command still running then is
/// killed (std's `Child::kill`: SIGKILL on Unix, `TerminateProcess` on Windows). The
/// error says why it did not start or succeed (its stderr's first line).
pub(super) fn output(program: &std::ffi::OsStr, args: &[&str]) -> Result<String, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    // Both pipes drained on threads of their own (a full pipe would block the child).
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let until = Instant::now() + LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the command did not finish within 15 s".into());
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    // What it wrote, unless something it started keeps the pipes open past the limit.
    let left = |rx: Receiver<Vec<u8>>| {
        let wait = until.saturating_duration_since(Instant::now());
        String::from_utf8_lossy(&rx.recv_timeout(wait).unwrap_or_default()).into_owned()
    };
    let (text, err) = (left(stdout), left(stderr));
    if status.success() {
        return Ok(text);
    }
    let why = err.lines().next().unwrap_or("").trim();
    Err(format!(
        "the command exited with {status}{}",
        if why.is_empty() {
            String::new()
        } else {
            format!(": {why}")
        }
    ))
}

/// Reads `pipe` to its end on a thread; the bytes arrive on the receiver.
fn drain(pipe: Option<Box<dyn Read + Send>>) -> Receiver<Vec<u8>> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = tx.send(bytes);
    });
    rx
}
