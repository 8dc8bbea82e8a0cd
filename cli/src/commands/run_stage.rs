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
        today: today(),
        only_run: None,
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
        today: today(),
        only_run: Some(retry.run),
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

/// Today's date (UTC) as YYYY-MM-DD; `RENN_TODAY` pins it (tests, reproducible runs).
fn today() -> String {
    if let Ok(d) = std::env::var("RENN_TODAY") {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 → proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(20_416), "2025-11-24");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
    }
}
