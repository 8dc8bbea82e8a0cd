//! `renn parse-return FILE`: what renn makes of an agent's output — the same parser
//! the stage execution uses, so a transcript can be checked by hand.

use super::emit;
use crate::Cli;
use renn_core::returns;
use renn_host::{Error, Result};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

pub fn run(cli: &Cli, file: &Path) -> Result<ExitCode> {
    let shown = file.display().to_string();
    let io = |source| Error::Io {
        path: shown.clone(),
        source,
    };
    let bytes = if shown == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(io)?;
        buf
    } else {
        std::fs::read(file).map_err(io)?
    };
    let output = String::from_utf8_lossy(&bytes);
    let parsed = returns::parse_file(&shown, &output).map_err(renn_core::Error::from)?;
    emit(cli, &parsed, || human(&parsed))
}

fn human(r: &returns::AgentReturn) -> String {
    match r {
        returns::AgentReturn::Complete(c) => format!(
            "RUN COMPLETE: run {}, {}/{} tasks, recap {}, {} commit(s) listed\n",
            c.run,
            c.tasks_done,
            c.tasks_total,
            c.recap.as_deref().unwrap_or("(not named)"),
            c.tasks.iter().map(|t| t.commit.hashes().len()).sum::<usize>()
        ),
        returns::AgentReturn::Gate(g) => format!(
            "GATE REACHED: run {}, {} gate at task {} ({}), {}/{} tasks done\n\n### Gate Details\n{}\n\n### Awaiting\n{}\n",
            g.run,
            g.gate.as_str(),
            g.current_task,
            g.current_task_name,
            g.tasks_done,
            g.tasks_total,
            g.details,
            g.awaiting
        ),
    }
}
