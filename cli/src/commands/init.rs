//! `renn init`: writes the core's `.renn/` skeleton into a git repository, refusing to
//! overwrite anything.

use super::emit;
use crate::Cli;
use renn_core::Code;
use renn_core::Diagnostic;
use renn_host::{fsio, git::Git, Error, Result};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(serde::Serialize)]
struct Created {
    root: String,
    created: Vec<String>,
    next: String,
}

pub fn run(cli: &Cli, templates: bool, name: Option<&str>) -> Result<ExitCode> {
    let root = match &cli.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|source| Error::Io {
            path: ".".into(),
            source,
        })?,
    };
    let root = std::path::absolute(&root).unwrap_or(root);
    if !root.is_dir() {
        return Err(Diagnostic::error(
            Code::InitNoDirectory,
            format!("{} is not a directory", root.display()),
        )
        .into());
    }
    if Git::open(&root).is_err() {
        return Err(Diagnostic::error(
            Code::InitNotGit,
            format!("{} is not inside a git repository", root.display()),
        )
        .with_hint("renn runs stages on git (branches, commits, worktrees): `git init` first, then `renn init`")
        .into());
    }
    let name = name.map(str::to_string).unwrap_or_else(|| dir_name(&root));
    let files = renn_core::init::skeleton(&name, templates);
    let existing: Vec<&str> = files
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|p| root.join(p).symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        let first = existing[0].to_string();
        return Err(Diagnostic::error(
            Code::InitExists,
            format!(
                "not overwriting what exists: {} (renn init writes only into a project without these files)",
                existing.join(", ")
            ),
        )
        .in_file(first)
        .with_hint("move the file(s) away to start over, or keep the project as it is: `renn status` shows it")
        .into());
    }
    let mut created = Vec::new();
    fsio::create_dir_all(&root, renn_core::snapshot::STAGES_DIR)?;
    created.push(format!("{}/", renn_core::snapshot::STAGES_DIR));
    for (path, text) in &files {
        fsio::write_atomic(&root, path, text.as_bytes())?;
        created.push(path.clone());
    }
    let out = Created {
        root: root.display().to_string(),
        created,
        next: "edit .renn/track.md (your stages), plan stage 1 with your planning workflow (`/renn.plan-stage 1`, not a renn command), then `renn run-stage 1`".into(),
    };
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

fn dir_name(root: &std::path::Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| PathBuf::from("project").display().to_string())
}
