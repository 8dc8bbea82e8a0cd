//! `renn clean`: lists what `renn_host::lifecycle::clean_plan` found, asks on a
//! terminal (unless `--yes`), and prints what went and what stays.

use super::emit;
use crate::Cli;
use renn_core::{Code, Diagnostic};
use renn_host::lifecycle::{clean_plan, CleanItem, CleanReport};
use renn_host::Result;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

pub fn run(cli: &Cli, yes: bool, dry_run: bool) -> Result<ExitCode> {
    let plan = clean_plan(cli.dir.as_deref(), dry_run)?;
    if plan.is_empty() || dry_run || yes || confirm(cli, &plan.report.removed)? {
        let report = plan.apply()?;
        return show(cli, &report);
    }
    plan.decline();
    if !cli.json {
        println!("Nothing removed.");
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks on a terminal; with no one to ask (`--json`, no terminal) that is an error
/// naming `--yes`, never a silent removal.
fn confirm(cli: &Cli, items: &[CleanItem]) -> Result<bool> {
    if cli.json || !std::io::stdin().is_terminal() {
        return Err(Diagnostic::error(
            Code::CleanNeedsYes,
            format!(
                "renn clean would remove {} item(s) and cannot ask here",
                items.len()
            ),
        )
        .with_hint("`renn clean --dry-run` lists them; `renn clean --yes` removes them")
        .into());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "renn clean will remove:");
    for i in items {
        let _ = writeln!(out, "  {} {} — {}", i.kind.as_str(), i.name, i.why);
    }
    let _ = write!(out, "Remove them? [y/N]: ");
    let _ = out.flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn show(cli: &Cli, report: &CleanReport) -> Result<ExitCode> {
    emit(cli, report, || {
        let mut s = String::new();
        let verb = if report.dry_run {
            "would remove"
        } else {
            "removed"
        };
        if report.removed.is_empty() {
            s.push_str("Nothing to clean.\n");
        }
        for i in &report.removed {
            s.push_str(&format!(
                "{verb} {} {} — {}\n",
                i.kind.as_str(),
                i.name,
                i.why
            ));
        }
        for i in &report.kept {
            s.push_str(&format!(
                "kept {} {} — {}\n",
                i.kind.as_str(),
                i.name,
                i.why
            ));
        }
        s
    })
}
