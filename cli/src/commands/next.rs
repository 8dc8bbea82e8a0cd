//! `renn next`: what to do after the last completed stage — the seed's offer_next,
//! answered from track.md's checkboxes (and the stage directories: a planned stage is
//! run with `renn run-stage N`).

use super::emit;
use crate::Cli;
use renn_host::Result;
use std::process::ExitCode;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    let next = renn_host::disk::open_project_all(cli.dir.as_deref())?.next()?;
    emit(cli, &next, || next.render_markdown())
}
