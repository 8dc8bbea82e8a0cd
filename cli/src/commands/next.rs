//! `renn next`: what to do after the last completed stage — the seed's offer_next,
//! answered from track.md's checkboxes.

use super::{emit, open};
use crate::Cli;
use renn_cli::Result;
use renn_core::snapshot::TRACK_PATH;
use renn_core::{next, Diagnostic};
use std::process::ExitCode;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    let project = open(cli, None)?;
    let track = project
        .snapshot()
        .text(TRACK_PATH)
        .map_err(renn_core::Error::from)?
        .ok_or_else(|| {
            renn_core::Error::from(
                Diagnostic::error("track-missing", "track.md is missing, so renn cannot tell what comes next")
                    .in_file(TRACK_PATH)
                    .with_hint("create .renn/track.md with the stage checklist (`- [ ] **Stage 1: <title>** - <goal>`)"),
            )
        })?;
    let next = next::current(track).map_err(renn_core::Error::from)?;
    emit(cli, &next, || next.render_markdown())
}
