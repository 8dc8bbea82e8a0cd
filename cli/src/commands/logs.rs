//! `renn logs <run> [-f]`: a run's agent log, `.renn/stages/<stage>/logs/<run>-<n>.log`
//! (`auditor-<n>.log` for a stage's auditor); the latest attempt unless `--attempt`.
//! `-f` follows while renn runs: new bytes are printed as they come (a later attempt
//! is followed when it starts); it stops once the log has not grown for a while and no
//! renn holds the project's lock. Ctrl-C ends it.

use super::emit;
use crate::Cli;
use renn_core::run::RunId;
use renn_core::Code;
use renn_core::Diagnostic;
use renn_host::{disk, lock, Result};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(serde::Serialize)]
struct Shown {
    run: String,
    /// Project-relative path of the log shown.
    log: String,
    attempt: u32,
    /// Every attempt's log, first to last.
    attempts: Vec<String>,
    text: String,
}

/// Whose log: a run (`03-02`) or a stage's auditor (`3`).
struct Target {
    stage: String,
    label: String,
}

fn target(arg: &str) -> Result<Target> {
    if let Some(id) = RunId::parse(arg) {
        return Ok(Target {
            stage: id.stage.to_string(),
            label: id.to_string(),
        });
    }
    match arg.parse::<renn_core::StageNumber>() {
        Ok(n) => Ok(Target {
            stage: n.to_string(),
            label: "auditor".into(),
        }),
        Err(_) => Err(Diagnostic::error(
            Code::BadRunId,
            format!("'{arg}' is not a run id (03-02) or a stage number (3, for its auditor)"),
        )
        .into()),
    }
}

pub fn run(cli: &Cli, arg: &str, follow: bool, attempt: Option<u32>) -> Result<ExitCode> {
    let target = target(arg)?;
    let dir = disk::project_dir(cli.dir.as_deref())?;
    let project = disk::open_project(Some(&dir.root), Some(&target.stage))?;
    let stage = project.resolve_stage(&target.stage)?;
    let logs_rel = format!("{}/logs", stage.dir);
    let logs = dir.root.join(&logs_rel);
    let attempts = attempts(&logs, &target.label);
    let chosen = attempt.or(attempts.last().copied());
    let missing = || -> renn_host::Error {
        let what = match attempt {
            Some(n) => format!("{} has no log of attempt {n}", target.label),
            None => format!("{} has no log yet", target.label),
        };
        Diagnostic::error(Code::NoLog, format!("{what} in {logs_rel}/"))
            .in_file(logs_rel.clone())
            .with_hint(if attempts.is_empty() {
                "renn writes a run's log when its agent starts (`renn status` shows which runs executed)".to_string()
            } else {
                format!("attempts logged: {}", list(&attempts))
            })
            .into()
    };
    if follow && cli.json {
        return Err(Diagnostic::error(
            Code::LogsFollowJson,
            "`renn logs -f` streams the log as it is written; --json has no such stream",
        )
        .with_hint(format!(
            "`renn --json logs {arg}` gives the log once (with its path, to follow in a script)"
        ))
        .into());
    }
    if follow {
        return follow_log(
            &dir.root,
            &logs,
            &target.label,
            chosen,
            attempt.is_none(),
            missing,
        );
    }
    let Some(n) = chosen.filter(|n| attempts.contains(n)) else {
        return Err(missing());
    };
    let path = log_path(&logs, &target.label, n);
    let bytes = std::fs::read(&path).map_err(|source| renn_host::Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let shown = Shown {
        run: target.label.clone(),
        log: format!("{logs_rel}/{}-{n}.log", target.label),
        attempt: n,
        attempts: attempts
            .iter()
            .map(|a| format!("{logs_rel}/{}-{a}.log", target.label))
            .collect(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
    };
    emit(cli, &shown, || {
        let mut s = String::new();
        if attempts.len() > 1 && !cli.json {
            eprintln!(
                "{} (attempt {n} of {}; --attempt N shows another)",
                shown.log,
                attempts.len()
            );
        }
        s.push_str(&shown.text);
        s
    })
}

fn list(attempts: &[u32]) -> String {
    attempts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn log_path(logs: &Path, label: &str, n: u32) -> PathBuf {
    logs.join(format!("{label}-{n}.log"))
}

/// The attempts logged for `label`: 1, 2, … as long as the files go on.
fn attempts(logs: &Path, label: &str) -> Vec<u32> {
    (1..)
        .take_while(|n| log_path(logs, label, *n).is_file())
        .collect()
}

/// Prints the log and what is appended to it. `latest`: switch to a newer attempt
/// when one starts. Ends when the log is quiet and no renn holds the lock.
fn follow_log(
    root: &Path,
    logs: &Path,
    label: &str,
    chosen: Option<u32>,
    latest: bool,
    missing: impl Fn() -> renn_host::Error,
) -> Result<ExitCode> {
    const POLL: Duration = Duration::from_millis(200);
    const QUIET: Duration = Duration::from_secs(2);
    let mut out = std::io::stdout();
    let mut current = chosen;
    let mut offset = 0u64;
    let mut last_growth = Instant::now();
    let mut checked_lock = Instant::now();
    loop {
        if latest {
            let newest = attempts(logs, label).last().copied();
            if newest > current {
                if current.is_some() {
                    let _ = writeln!(out, "\n--- renn: attempt {} ---", newest.unwrap_or(1));
                }
                current = newest;
                offset = 0;
            }
        }
        let grew = match current {
            Some(n) => copy_new(&log_path(logs, label, n), &mut offset, &mut out)?,
            None => false,
        };
        if grew {
            last_growth = Instant::now();
        } else if last_growth.elapsed() >= QUIET && checked_lock.elapsed() >= QUIET {
            checked_lock = Instant::now();
            if lock::held_by(root).is_none() {
                if current.is_none() {
                    return Err(missing());
                }
                return Ok(ExitCode::SUCCESS);
            }
        }
        std::thread::sleep(POLL);
    }
}

/// Writes what `path` holds past `offset`; whether there was anything.
fn copy_new(path: &Path, offset: &mut u64, out: &mut impl Write) -> Result<bool> {
    let io = |source| renn_host::Error::Io {
        path: path.display().to_string(),
        source,
    };
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(false);
    };
    let len = file.metadata().map_err(io)?.len();
    if len < *offset {
        *offset = 0; // truncated: start over
    }
    if len == *offset {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(*offset)).map_err(io)?;
    let mut buf = Vec::new();
    Read::by_ref(&mut file)
        .take(len - *offset)
        .read_to_end(&mut buf)
        .map_err(io)?;
    *offset += buf.len() as u64;
    // A closed pipe (`renn logs -f 03-02 | head`) ends quietly.
    if out.write_all(&buf).and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
    Ok(!buf.is_empty())
}
