//! `renn prompt <run-id>`: the prompt renn gives a run's agent, to read it, to check
//! a project's template, or to drive an agent by hand. With a gate (`--return FILE
//! --response TEXT`) it is the continuation prompt for the fresh runner.

use super::{emit, open};
use crate::Cli;
use renn_cli::{Error, Result};
use renn_core::gate::GateResponse;
use renn_core::inventory::Inventory;
use renn_core::plan::{self, StageInfo};
use renn_core::prompt::{ContinuationContext, RunnerContext, Templates};
use renn_core::returns::{self, AgentReturn, GateReached};
use renn_core::run::RunId;
use renn_core::{snapshot, track, Diagnostic};
use std::path::Path;
use std::process::ExitCode;

/// Prints the runner prompt for `run_arg`, or the continuation prompt when `gate` gives
/// the user's response and the file holding the agent's GATE REACHED output.
pub fn print(cli: &Cli, run_arg: &str, gate: Option<(&str, &Path)>) -> Result<ExitCode> {
    let id = RunId::parse(run_arg).ok_or_else(|| {
        invalid(Diagnostic::error(
            "bad-run-id",
            format!("'{run_arg}' is not a run id (expected <stage>-<run>, such as 03-02)"),
        ))
    })?;
    let stage_arg = id.stage.to_string();
    let project = open(cli, Some(&stage_arg))?;
    let inventory = project.inventory(&stage_arg)?;
    let run = find_run(&inventory, &id)?;
    let snap = project.snapshot();
    let text = |path: &str| snap.text(path).map_err(invalid);
    let track = text(snapshot::TRACK_PATH)?;
    let stage = &inventory.stage;
    let info = StageInfo {
        number: stage.number.clone(),
        name: stage.name.clone(),
        dir: stage.dir.clone(),
        title: track
            .and_then(|t| track::stage_title(t, &stage.number))
            .unwrap_or_else(|| plan::title_from_slug(&stage.name)),
    };
    let runner = RunnerContext {
        stage: &info,
        run,
        run_text: text(&run.path)?.unwrap_or_default(),
        pulse: text(snapshot::PULSE_PATH)?,
        config: text(snapshot::CONFIG_PATH)?,
    };
    let templates = Templates::load(snap).map_err(invalid)?;
    let (kind, prompt) = match gate {
        None => ("runner", templates.runner(&runner)),
        Some((answer, file)) => {
            let gate = read_gate(file, &id)?;
            let response = GateResponse::interpret(gate.gate, answer).ok_or_else(|| {
                invalid(Diagnostic::error(
                    "empty-response",
                    "--response is empty: say \"approved\", \"done\", the option chosen, or the issues",
                ))
            })?;
            let ctx = ContinuationContext {
                runner,
                gate: &gate,
                response: &response,
            };
            ("continuation", templates.continuation(&ctx))
        }
    };
    let json = serde_json::json!({ "run": id, "prompt": kind, "text": prompt });
    emit(cli, &json, || prompt.clone())
}

/// The run from the inventory; a run whose file has errors is reported with them.
fn find_run<'a>(inventory: &'a Inventory, id: &RunId) -> Result<&'a renn_core::inventory::Run> {
    if let Some(run) = inventory.runs.iter().find(|r| &r.id == id) {
        return Ok(run);
    }
    let own: Vec<Diagnostic> = inventory
        .diagnostics
        .iter()
        .filter(|d| {
            let name = d.file.as_deref().and_then(|f| f.rsplit('/').next());
            name.and_then(RunId::from_file_name).as_ref() == Some(id)
        })
        .cloned()
        .collect();
    if own.iter().any(Diagnostic::is_error) {
        return Err(Error::Core(renn_core::Error::InvalidPlan(own)));
    }
    Err(invalid(
        Diagnostic::error(
            "no-such-run",
            format!("stage {} has no run {id}", inventory.stage.dir_name()),
        )
        .in_file(&inventory.stage.dir)
        .with_hint("run ids are <stage>-<run>, from the run file's name: 03-02-run.md is 03-02"),
    ))
}

/// The GATE REACHED block at the end of an agent's output, for this run.
fn read_gate(file: &Path, id: &RunId) -> Result<GateReached> {
    let shown = file.display().to_string();
    let output = std::fs::read_to_string(file).map_err(|source| Error::Io {
        path: shown.clone(),
        source,
    })?;
    let bad = |code, message: String| invalid(Diagnostic::error(code, message).in_file(&shown));
    match returns::parse(&output) {
        Err(failure) => Err(bad(
            "bad-return",
            format!("no usable agent return: {failure}"),
        )),
        Ok(AgentReturn::Complete(c)) => Err(bad(
            "no-gate",
            format!(
                "the output ends with RUN COMPLETE for {}: there is no gate to continue",
                c.run
            ),
        )),
        Ok(AgentReturn::Gate(g)) if &g.run != id => Err(bad(
            "gate-run-mismatch",
            format!("the gate in this output is for run {}, not {id}", g.run),
        )),
        Ok(AgentReturn::Gate(g)) => Ok(g),
    }
}

fn invalid(d: Diagnostic) -> Error {
    Error::Core(d.into())
}
