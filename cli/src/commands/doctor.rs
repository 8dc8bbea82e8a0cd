//! `renn doctor`: prints `renn_host::lifecycle::doctor`'s checks, one line each
//! (`ok`, `warn`, `FAIL`, and a hint line where there is something to do); exits 1
//! when a check fails.

use super::emit;
use crate::Cli;
use renn_host::lifecycle::{doctor, CheckStatus};
use renn_host::Result;
use std::process::ExitCode;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    let report = doctor(cli.dir.as_deref())?;
    emit(cli, &report, || {
        let mut s = String::new();
        for c in &report.checks {
            let word = match c.status {
                CheckStatus::Ok => "ok  ",
                CheckStatus::Warn => "warn",
                CheckStatus::Fail => "FAIL",
            };
            s.push_str(&format!("{word} {:<12} {}\n", c.name, c.message));
            if let Some(h) = &c.hint {
                s.push_str(&format!("     {:<12} hint: {h}\n", ""));
            }
        }
        s
    })?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
