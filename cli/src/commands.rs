//! One function per subcommand: load what it needs, ask the core, print.

mod next;
mod prompt;
mod returns;

use crate::{Cli, Command};
use renn_cli::{disk, Error, Result};
use renn_core::plan::PlanOptions;
use renn_core::{diagnostic, Project};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Plan { stage, gaps_only } => {
            let project = open(cli, Some(stage))?;
            let plan = project.plan(
                stage,
                PlanOptions {
                    gaps_only: *gaps_only,
                },
            )?;
            emit(cli, &plan, || plan.render_markdown())
        }
        Command::Validate { stage } => {
            let project = open(cli, Some(stage))?;
            let v = project.validate(stage)?;
            let code = if v.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            };
            emit(cli, &v, || {
                let mut s = diagnostic::render(&v.diagnostics);
                let verdict = if v.ok() { "is valid" } else { "has errors" };
                s.push_str(&format!(
                    "stage {} {verdict}: {} error(s), {} warning(s)\n",
                    v.stage.dir_name(),
                    v.errors,
                    v.warnings
                ));
                s
            })?;
            Ok(code)
        }
        Command::Next => next::run(cli),
        Command::Proof { stage } => {
            let view = open(cli, Some(stage))?.proof(stage)?;
            emit(cli, &view, || view.report.clone())
        }
        Command::ParseReturn { file } => returns::run(cli, file),
        Command::Models => {
            let project = open(cli, None)?;
            let models = project.models();
            if !cli.json && !models.warnings.is_empty() {
                eprint!("{}", diagnostic::render(&models.warnings));
            }
            emit(cli, &models, || models.render_markdown())
        }
        Command::Prompt {
            run,
            response,
            return_file,
            ..
        } => prompt::print(cli, run, response.as_deref().zip(return_file.as_deref())),
        Command::Branch { stage } => {
            let project = open(cli, Some(stage))?;
            let branch = project.branch(stage)?;
            let json = serde_json::json!({
                "strategy": project.config().branching_strategy,
                "branch": branch,
            });
            emit(cli, &json, || {
                branch.clone().map(|b| b + "\n").unwrap_or_default()
            })
        }
    }
}

fn open(cli: &Cli, stage: Option<&str>) -> Result<Project> {
    disk::open_project(cli.dir.as_deref(), stage)
}

fn emit<T: Serialize>(cli: &Cli, value: &T, human: impl FnOnce() -> String) -> Result<ExitCode> {
    let text = if cli.json {
        let mut s = serde_json::to_string_pretty(value).expect("plan values serialise");
        s.push('\n');
        s
    } else {
        human()
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`renn plan 3 | head -1`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    Ok(ExitCode::SUCCESS)
}

pub fn report_error(e: &Error, json: bool) {
    let mut err = std::io::stderr().lock();
    if json {
        let body = serde_json::json!({ "error": e.report() });
        let _ = writeln!(
            err,
            "{}",
            serde_json::to_string_pretty(&body).unwrap_or_default()
        );
    } else {
        let _ = err.write_all(diagnostic::render(&e.diagnostics()).as_bytes());
    }
}
