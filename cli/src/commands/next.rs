//! `renn next`: what to do after the last completed stage — the seed's offer_next,
//! answered from track.md's checkboxes.

use super::{emit, open};
use crate::Cli;
use renn_cli::Result;
use std::process::ExitCode;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    let next = open(cli, None)?.next()?;
    emit(cli, &next, || next.render_markdown())
}
