//! Running the `git` binary: one place decides how every git process is started, and how
//! its failure reads.

use super::Git;
use crate::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::process::{Command, Stdio};

/// One finished git process.
pub(super) struct Ran {
    args: String,
    pub(super) code: Option<i32>,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

impl Ran {
    pub(super) fn into_error(self) -> Error {
        // Some failures (`commit` with nothing staged) explain themselves on stdout only.
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        Error::Git {
            args: self.args,
            code: self.code,
            stderr: text.trim().to_string(),
        }
    }

    /// The error for this command with a message of renn's own.
    pub(super) fn error_saying(self, stderr: String) -> Error {
        Error::Git {
            args: self.args,
            code: self.code,
            stderr,
        }
    }

    /// Exit 0 → `true`, exit 1 → `false`: the answer of a yes/no command (`check-ignore -q`,
    /// `show-ref --verify`); anything else is a real failure.
    pub(super) fn yes_no(self) -> Result<bool> {
        match self.code {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(self.into_error()),
        }
    }
}

impl Git {
    /// Runs git and fails unless it exits 0; returns its stdout.
    pub(super) fn ok<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&self, args: I) -> Result<String> {
        self.ok_with_input(args, None)
    }

    pub(super) fn ok_with_input<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(
        &self,
        args: I,
        input: Option<&str>,
    ) -> Result<String> {
        let ran = self.run(args, input)?;
        if ran.code == Some(0) {
            Ok(ran.stdout)
        } else {
            Err(ran.into_error())
        }
    }

    /// Runs `git -C ROOT ARGS`. Never a shell; never waits for a prompt (no terminal input,
    /// `GIT_TERMINAL_PROMPT=0`); messages in English (`LC_ALL=C`) so they can be recognised.
    pub(super) fn run<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(
        &self,
        args: I,
        input: Option<&str>,
    ) -> Result<Ran> {
        let args: Vec<OsString> = args
            .into_iter()
            .map(|a| a.as_ref().to_os_string())
            .collect();
        let shown = show_args(&args);
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.root).args(&args);
        cmd.env("LC_ALL", "C").env("GIT_TERMINAL_PROMPT", "0");
        // Set inside a git hook; they would make git ignore `-C` and act on another repo.
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_COMMON_DIR",
        ] {
            cmd.env_remove(var);
        }
        cmd.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let failed = |e: std::io::Error| Error::Git {
            args: shown.clone(),
            code: None,
            stderr: format!("cannot run git: {e}"),
        };
        let mut child = cmd.spawn().map_err(failed)?;
        let output = std::thread::scope(|s| {
            // Written from a thread: git may fill its stdout pipe before reading all of stdin.
            if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
                s.spawn(move || stdin.write_all(input.as_bytes()));
            }
            child.wait_with_output()
        })
        .map_err(failed)?;
        Ok(Ran {
            args: shown,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

/// The arguments as a reader would type them: quoted when they hold spaces, a long or
/// multi-line value (a commit message) cut to its first 60 characters.
fn show_args(args: &[OsString]) -> String {
    let show = |a: &OsString| {
        let a = a.to_string_lossy();
        let first = a.lines().next().unwrap_or_default();
        let mut s: String = first.chars().take(60).collect();
        if s.len() < a.len() {
            s.push('…');
        }
        if s.is_empty() || s.contains(char::is_whitespace) {
            format!("'{s}'")
        } else {
            s
        }
    };
    args.iter().map(show).collect::<Vec<_>>().join(" ")
}

/// How git ended, for [`Error::Git`]'s message.
pub(crate) fn exit_text(code: &Option<i32>) -> String {
    match code {
        Some(c) => format!("exit {c}"),
        None => "no exit code".to_string(),
    }
}

/// The first lines of git's message: enough to act on, short enough to read in one error.
pub(crate) fn first_lines(stderr: &str) -> String {
    const MAX: usize = 5;
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut text = lines
        .iter()
        .take(MAX)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > MAX {
        text.push_str("\n…");
    }
    text
}
