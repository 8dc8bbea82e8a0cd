//! `renn init`: prints what `renn_host::lifecycle::init` wrote.

use super::emit;
use crate::Cli;
use renn_host::Result;
use std::process::ExitCode;

pub fn run(cli: &Cli, templates: bool, name: Option<&str>) -> Result<ExitCode> {
    let out = renn_host::lifecycle::init(cli.dir.as_deref(), templates, name)?;
    emit(cli, &out, || {
        let mut s = format!("Initialized renn in {}:\n", out.root);
        for c in &out.created {
            s.push_str(&format!("  created {c}\n"));
        }
        s.push_str(&format!("\nNext: {}.\n", out.next));
        s.push_str("`renn doctor` checks the setup; `renn status` shows every stage.\n");
        s
    })
}
