//! `renn logs <run> [-f]`: prints the agent log `renn_host::lifecycle::agent_logs`
//! finds; `-f` streams it as it grows (Ctrl-C ends it), which `--json` cannot.

use super::emit;
use crate::Cli;
use renn_core::{Code, Diagnostic};
use renn_host::lifecycle::{agent_logs, Followed};
use renn_host::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(cli: &Cli, arg: &str, follow: bool, attempt: Option<u32>) -> Result<ExitCode> {
    let logs = agent_logs(cli.dir.as_deref(), arg)?;
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
        let mut out = std::io::stdout();
        // A closed pipe (`renn logs -f 03-02 | head`) ends it quietly.
        logs.follow(attempt, |followed| match followed {
            Followed::Bytes(b) => out.write_all(b).and_then(|_| out.flush()).is_ok(),
            Followed::Attempt(n) => writeln!(out, "\n--- renn: attempt {n} ---").is_ok(),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let shown = logs.read(attempt)?;
    let count = logs.attempts.len();
    emit(cli, &shown, || {
        if count > 1 && !cli.json {
            eprintln!(
                "{} (attempt {} of {count}; --attempt N shows another)",
                shown.log, shown.attempt
            );
        }
        shown.text.clone()
    })
}
