//! One function per subcommand: load what it needs, ask the core, print.

mod clean;
mod demo_agent;
mod doctor;
mod init;
mod logs;
mod next;
mod prompt;
mod returns;
mod run_stage;

use crate::{Cli, Command};
use renn_core::plan::PlanOptions;
use renn_core::{diagnostic, Project};
use renn_host::{disk, Error, Result};
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
                    v.error_count,
                    v.warning_count
                ));
                s
            })?;
            Ok(code)
        }
        Command::Next => next::run(cli),
        Command::Init { no_templates, name } => init::run(cli, !*no_templates, name.as_deref()),
        Command::Status => {
            let status = renn_host::disk::open_project_all(cli.dir.as_deref())?.status()?;
            emit(cli, &status, || status.render_text())
        }
        Command::Logs {
            run,
            follow,
            attempt,
        } => logs::run(cli, run, *follow, *attempt),
        Command::Retry {
            run,
            on_failure,
            trust,
            yes,
        } => run_stage::retry(cli, run, policy(*on_failure), *trust, *yes),
        Command::Clean { yes, dry_run } => clean::run(cli, *yes, *dry_run),
        Command::Doctor => doctor::run(cli),
        Command::Completions { shell } => {
            let mut cmd = <crate::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "renn", &mut out);
            write_out(&out);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <crate::Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|source| Error::Io {
                    path: "<stdout>".into(),
                    source,
                })?;
            write_out(&out);
            Ok(ExitCode::SUCCESS)
        }
        Command::DemoAgent {
            agent,
            run_id,
            stage,
            prompt,
            ..
        } => {
            let args = demo_agent::Args {
                agent,
                run_id: run_id.as_deref(),
                stage: stage.as_deref(),
                prompt: prompt.as_deref(),
            };
            demo_agent::run(cli, &args)
        }
        Command::RunStage {
            stage,
            gaps_only,
            batch,
            dry_run,
            yes,
            on_failure,
            respond,
            trust,
        } => {
            let respond = match respond.as_deref() {
                Some([run, text]) => Some((run.clone(), response_text(text)?)),
                _ => None,
            };
            let on_failure = policy(*on_failure);
            run_stage::run(
                cli,
                run_stage::Args {
                    stage,
                    gaps_only: *gaps_only,
                    batch: *batch,
                    dry_run: *dry_run,
                    yes: *yes,
                    on_failure,
                    respond,
                    trust: *trust,
                },
            )
        }
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
            let json = renn_host::json::BranchOutput {
                strategy: project.config().branching_strategy,
                branch: branch.clone(),
            };
            emit(cli, &json, || {
                branch.clone().map(|b| b + "\n").unwrap_or_default()
            })
        }
    }
}

fn policy(p: crate::FailurePolicy) -> renn_core::execute::OnFailure {
    match p {
        crate::FailurePolicy::Ask => renn_core::execute::OnFailure::Ask,
        crate::FailurePolicy::Continue => renn_core::execute::OnFailure::Continue,
        crate::FailurePolicy::Stop => renn_core::execute::OnFailure::Stop,
    }
}

/// Bytes to stdout; a closed pipe is not an error worth a message.
fn write_out(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|_| out.flush());
}

/// `--respond RUN @FILE` reads the answer from a file.
fn response_text(text: &str) -> Result<String> {
    match text.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_string(),
            source,
        }),
        None => Ok(text.to_string()),
    }
}

fn open(cli: &Cli, stage: Option<&str>) -> Result<Project> {
    disk::open_project(cli.dir.as_deref(), stage)
}

/// Prints a command's answer: `human()` for people, or with `--json` the value with
/// its `"schema"` version, pretty-printed (one JSON value; the `run-stage` stream is
/// the one place that prints JSON lines).
fn emit<T: Serialize>(cli: &Cli, value: &T, human: impl FnOnce() -> String) -> Result<ExitCode> {
    let text = if cli.json {
        let value = serde_json::to_value(value).expect("plan values serialise");
        let mut s = serde_json::to_string_pretty(&renn_host::json::stamp(value))
            .expect("plan values serialise");
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

/// An error: its diagnostics for people, or with `--json` one line
/// `{"schema": 1, "error": {…}}` on stderr (one line, so it never breaks the
/// line-per-event stream of `run-stage`).
pub fn report_error(e: &Error, json: bool) {
    let mut err = std::io::stderr().lock();
    if json {
        let body = renn_host::json::error_value(&e.report());
        let _ = writeln!(err, "{}", serde_json::to_string(&body).unwrap_or_default());
    } else {
        let text = diagnostic::render(&e.diagnostics());
        let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let text = if colour { coloured(&text) } else { text };
        let _ = err.write_all(text.as_bytes());
    }
}

/// Diagnostics for a terminal: each `error…` line in bold red, `warning…` in yellow.
fn coloured(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            match () {
                _ if body.starts_with("error") => format!("\x1b[1;31m{body}\x1b[0m{end}"),
                _ if body.starts_with("warning") => format!("\x1b[33m{body}\x1b[0m{end}"),
                _ => line.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_are_red_and_warnings_yellow_on_a_terminal() {
        let text = "error[x]: bad\n  --> a.md:1:2\nwarning[y]: meh\n";
        assert_eq!(
            super::coloured(text),
            "\x1b[1;31merror[x]: bad\x1b[0m\n  --> a.md:1:2\n\x1b[33mwarning[y]: meh\x1b[0m\n"
        );
    }
}
