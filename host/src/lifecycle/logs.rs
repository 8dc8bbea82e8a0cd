//! `renn logs <run> [-f]`: a run's agent log, `.renn/stages/<stage>/logs/<run>-<n>.log`
//! (`auditor-<n>.log` for a stage's auditor); the latest attempt unless one is asked
//! for. Following prints new bytes as they come (a later attempt is followed when it
//! starts) and stops once the log has not grown for a while and no renn holds the
//! project's lock.

use crate::{disk, lock, Error, Result};
use renn_core::run::RunId;
use renn_core::{Code, Diagnostic};
use schemars::JsonSchema;
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `renn logs --json`: one attempt's log, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LogShown {
    /// The run id (`03-02`), or `auditor`.
    pub run: String,
    /// Project-relative path of the log shown.
    pub log: String,
    pub attempt: u32,
    /// Every attempt's log, first to last.
    pub attempts: Vec<String>,
    /// The log's bytes, invalid UTF-8 replaced.
    pub text: String,
}

/// What [`AgentLogs::follow`] hands its sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followed<'a> {
    /// Bytes appended to the log followed.
    Bytes(&'a [u8]),
    /// A newer attempt started; its bytes follow (not sent for the first log).
    Attempt(u32),
}

/// The logs of one run (or of a stage's auditor): where they are and which attempts
/// exist.
#[derive(Debug, Clone)]
pub struct AgentLogs {
    root: PathBuf,
    /// The logs directory, project-relative (`.renn/stages/03-auth/logs`).
    logs_rel: String,
    logs: PathBuf,
    /// `03-02`, or `auditor`.
    pub label: String,
    /// The attempts logged, first to last (1, 2, …).
    pub attempts: Vec<u32>,
}

/// The logs `arg` names — a run id (`03-02`) or a stage number (`3`, its auditor) — in
/// the project at `dir` (or the nearest one above the current directory). The
/// argument is checked before anything touches the disk.
pub fn agent_logs(dir: Option<&Path>, arg: &str) -> Result<AgentLogs> {
    let (stage, label) = whose(arg)?;
    let root = disk::project_dir(dir)?.root;
    let project = disk::open_project(Some(&root), Some(&stage))?;
    let stage = project.resolve_stage(&stage)?;
    let logs_rel = format!("{}/logs", stage.dir);
    let logs = root.join(&logs_rel);
    let attempts = attempts(&logs, &label);
    Ok(AgentLogs {
        root,
        logs_rel,
        logs,
        label,
        attempts,
    })
}

/// Whose log: a run's (its stage, its id) or a stage's auditor's (the stage, `auditor`).
fn whose(arg: &str) -> Result<(String, String)> {
    if let Some(id) = RunId::parse(arg) {
        return Ok((id.stage.to_string(), id.to_string()));
    }
    match arg.parse::<renn_core::StageNumber>() {
        Ok(n) => Ok((n.to_string(), "auditor".into())),
        Err(_) => Err(Diagnostic::error(
            Code::BadRunId,
            format!("'{arg}' is not a run id (03-02) or a stage number (3, for its auditor)"),
        )
        .into()),
    }
}

impl AgentLogs {
    /// `attempt`'s log (the latest when `None`), read whole; `no-log` when there is none.
    pub fn read(&self, attempt: Option<u32>) -> Result<LogShown> {
        let Some(n) = attempt
            .or(self.attempts.last().copied())
            .filter(|n| self.attempts.contains(n))
        else {
            return Err(self.missing(attempt));
        };
        let path = self.path(n);
        let bytes = std::fs::read(&path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        Ok(LogShown {
            run: self.label.clone(),
            log: self.rel(n),
            attempt: n,
            attempts: self.attempts.iter().map(|a| self.rel(*a)).collect(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// Hands `sink` the log (`attempt`'s, or the latest, switching to a newer attempt
    /// when one starts) and what is appended to it, every 200 ms, until the log has
    /// not grown for 2 s and no renn holds the project's lock — or until `sink` says
    /// `false` (a closed pipe, Ctrl-C in a binding). `no-log` when no log appeared.
    pub fn follow(
        &self,
        attempt: Option<u32>,
        mut sink: impl FnMut(Followed<'_>) -> bool,
    ) -> Result<()> {
        const POLL: Duration = Duration::from_millis(200);
        const QUIET: Duration = Duration::from_secs(2);
        let latest = attempt.is_none();
        let mut current = attempt.or(self.attempts.last().copied());
        let mut offset = 0u64;
        let mut last_growth = Instant::now();
        let mut checked_lock = Instant::now();
        loop {
            if latest {
                let newest = attempts(&self.logs, &self.label).last().copied();
                if newest > current {
                    if current.is_some() && !sink(Followed::Attempt(newest.unwrap_or(1))) {
                        return Ok(());
                    }
                    current = newest;
                    offset = 0;
                }
            }
            let grew = match current {
                Some(n) => match copy_new(&self.path(n), &mut offset, &mut sink)? {
                    Some(grew) => grew,
                    None => return Ok(()),
                },
                None => false,
            };
            if grew {
                last_growth = Instant::now();
            } else if last_growth.elapsed() >= QUIET && checked_lock.elapsed() >= QUIET {
                checked_lock = Instant::now();
                if lock::held_by(&self.root).is_none() {
                    return match current {
                        None => Err(self.missing(attempt)),
                        Some(_) => Ok(()),
                    };
                }
            }
            std::thread::sleep(POLL);
        }
    }

    /// `no-log`: `attempt` (or any attempt) has no log; the hint lists those there are.
    fn missing(&self, attempt: Option<u32>) -> Error {
        let what = match attempt {
            Some(n) => format!("{} has no log of attempt {n}", self.label),
            None => format!("{} has no log yet", self.label),
        };
        let hint = if self.attempts.is_empty() {
            "renn writes a run's log when its agent starts (`renn status` shows which runs executed)".to_string()
        } else {
            let list: Vec<String> = self.attempts.iter().map(ToString::to_string).collect();
            format!("attempts logged: {}", list.join(", "))
        };
        Diagnostic::error(Code::NoLog, format!("{what} in {}/", self.logs_rel))
            .in_file(self.logs_rel.clone())
            .with_hint(hint)
            .into()
    }

    fn path(&self, n: u32) -> PathBuf {
        log_path(&self.logs, &self.label, n)
    }

    fn rel(&self, n: u32) -> String {
        format!("{}/{}-{n}.log", self.logs_rel, self.label)
    }
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

/// Hands `sink` what `path` holds past `offset`: whether there was anything, `None`
/// when the sink wants no more. A log not there yet has nothing.
fn copy_new(
    path: &Path,
    offset: &mut u64,
    sink: &mut impl FnMut(Followed<'_>) -> bool,
) -> Result<Option<bool>> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(Some(false));
    };
    let len = file.metadata().map_err(io)?.len();
    if len < *offset {
        *offset = 0; // truncated: start over
    }
    if len == *offset {
        return Ok(Some(false));
    }
    file.seek(SeekFrom::Start(*offset)).map_err(io)?;
    let mut buf = Vec::new();
    Read::by_ref(&mut file)
        .take(len - *offset)
        .read_to_end(&mut buf)
        .map_err(io)?;
    *offset += buf.len() as u64;
    if !sink(Followed::Bytes(&buf)) {
        return Ok(None);
    }
    Ok(Some(!buf.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_id_names_a_run_and_a_stage_number_its_auditor() {
        assert_eq!(whose("3-2").unwrap(), ("03".into(), "03-02".into()));
        assert_eq!(whose("3").unwrap(), ("03".into(), "auditor".into()));
        assert_eq!(whose("nonsense").unwrap_err().code(), Code::BadRunId);
    }

    #[test]
    fn attempts_go_on_as_long_as_the_files_do() {
        let tmp = tempfile::tempdir().unwrap();
        for n in [1, 2, 4] {
            std::fs::write(log_path(tmp.path(), "03-01", n), "x").unwrap();
        }
        assert_eq!(attempts(tmp.path(), "03-01"), [1, 2]);
        assert!(attempts(tmp.path(), "auditor").is_empty());
    }
}
