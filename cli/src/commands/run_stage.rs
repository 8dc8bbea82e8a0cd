//! `renn run-stage`: the whole job. Argument handling here; the work is in
//! `renn_host::drive`.

use crate::live::LiveUi;
use crate::ui::{JsonUi, PlainUi};
use crate::Cli;
use renn_core::execute::OnFailure;
use renn_host::drive::{self, Options, Ui};
use renn_host::Result;
use std::io::IsTerminal;
use std::process::ExitCode;

pub struct Args<'a> {
    pub stage: &'a str,
    pub gaps_only: bool,
    pub batch: Option<u32>,
    pub dry_run: bool,
    pub yes: bool,
    pub on_failure: OnFailure,
    pub respond: Option<(String, String)>,
    pub trust: bool,
}

pub fn run(cli: &Cli, a: Args<'_>) -> Result<ExitCode> {
    let interactive = !cli.json && std::io::stdin().is_terminal();
    let opts = Options {
        stage: a.stage.to_string(),
        gaps_only: a.gaps_only,
        only_batch: a.batch,
        dry_run: a.dry_run,
        on_failure: a.on_failure,
        respond: a.respond,
        trust: a.trust,
        interactive,
        yes: a.yes,
        today: drive::today(),
        only_run: None,
        stop: drive::Stop::on_signals(),
        renn: None,
    };
    execute(cli, &opts, interactive)
}

/// `renn retry RUN`: the run's stage, its batch only, that run only — through the
/// same path as `run-stage`. The core refuses a complete run and one whose
/// dependencies are not done.
pub fn retry(
    cli: &Cli,
    run: &str,
    on_failure: OnFailure,
    trust: bool,
    yes: bool,
) -> Result<ExitCode> {
    let id = renn_core::run::RunId::parse(run);
    let stage = id.as_ref().map(|i| i.stage.to_string());
    let project = renn_host::disk::open_project(cli.dir.as_deref(), stage.as_deref())?;
    let retry = project.retry(run)?;
    let interactive = !cli.json && std::io::stdin().is_terminal();
    if !cli.json {
        let before = if retry.failed_before {
            " (an earlier attempt failed; its recap is set aside)"
        } else {
            ""
        };
        println!(
            "Retrying {}{before}: stage {}, batch {}, this run only.",
            retry.run,
            retry.stage.unpadded(),
            retry.batch
        );
    }
    let opts = Options {
        stage: retry.stage.to_string(),
        gaps_only: false,
        only_batch: Some(retry.batch),
        dry_run: false,
        on_failure,
        respond: None,
        trust,
        interactive,
        yes,
        today: drive::today(),
        only_run: Some(retry.run),
        stop: drive::Stop::on_signals(),
        renn: None,
    };
    execute(cli, &opts, interactive)
}

fn execute(cli: &Cli, opts: &Options, interactive: bool) -> Result<ExitCode> {
    let mut plain = PlainUi { interactive };
    let mut json = JsonUi;
    let mut live;
    // A live view of the running agents only on a real terminal; plain lines elsewhere.
    let ui: &mut dyn Ui = if cli.json {
        &mut json
    } else if std::io::stdout().is_terminal() && std::env::var("TERM").as_deref() != Ok("dumb") {
        live = LiveUi::new(interactive);
        &mut live
    } else {
        &mut plain
    };
    let exit = drive::run_stage(cli.dir.as_deref(), opts, ui)?;
    Ok(ExitCode::from(exit.code()))
}
