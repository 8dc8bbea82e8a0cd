//! `renn prompt <run-id>`: the prompt renn gives a run's agent, to read it, to check
//! a project's template, or to drive an agent by hand. With a gate (`--return FILE
//! --response TEXT`) it is the continuation prompt for the fresh runner.

use super::{emit, open};
use crate::Cli;
use renn_core::run::RunId;
use renn_core::Code;
use renn_host::json::{PromptKind, PromptOutput};
use renn_host::{Error, Result};
use std::path::Path;
use std::process::ExitCode;

/// Prints the runner prompt for `run_arg`, or the continuation prompt when `gate` gives
/// the user's response and the file holding the agent's GATE REACHED output.
pub fn print(cli: &Cli, run_arg: &str, gate: Option<(&str, &Path)>) -> Result<ExitCode> {
    // The stage comes from the run id; a bad id is reported by the core below.
    let id = RunId::parse(run_arg);
    let stage_arg = id.as_ref().map(|id| id.stage.to_string());
    let project = open(cli, stage_arg.as_deref())?;
    let (kind, prompt) = match gate {
        None => (PromptKind::Runner, project.runner_prompt(run_arg)?),
        Some((answer, file)) => {
            let shown = file.display().to_string();
            let output = std::fs::read_to_string(file).map_err(|source| Error::Io {
                path: shown.clone(),
                source,
            })?;
            let text = project.continuation_prompt(run_arg, &output, &shown, answer)?;
            (PromptKind::Continuation, text)
        }
    };
    let Some(run) = id else {
        return Err(renn_core::Error::from(renn_core::Diagnostic::error(
            Code::Internal,
            "renn bug: a prompt for a run id that does not parse",
        ))
        .into());
    };
    let json = PromptOutput {
        run,
        prompt: kind,
        text: prompt,
    };
    emit(cli, &json, || json.text.clone())
}
