//! `renn init`: writes the core's `.renn/` skeleton (`renn_core::init::skeleton`) into
//! a git repository, refusing to overwrite anything: a project that exists is the
//! user's, and half of a skeleton over it would mix two projects.

use crate::{fsio, git::Git, Error, Result};
use renn_core::{Code, Diagnostic};
use schemars::JsonSchema;
use serde::Serialize;
use std::path::Path;

/// What `init` wrote (`renn init --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InitReport {
    /// The project root, absolute.
    pub root: String,
    /// Project-relative paths created, in the order written (`.renn/stages/` first).
    pub created: Vec<String>,
    /// What to do next, in words.
    pub next: String,
}

/// The step after `init`; planning is the wider workflow's, not a renn command.
const NEXT: &str = "edit .renn/track.md (your stages), plan stage 1 with your planning workflow (`/renn.plan-stage 1`, not a renn command), then `renn run-stage 1`";

/// Writes `.renn/` into `dir` (the current directory when `None`): config.json with
/// every default, track.md (its project called `name`, by default the directory's
/// name), pulse.md, `stages/` and, with `templates`, the prompt templates.
///
/// Refused, writing nothing: `dir` not a directory (`init-no-directory`), not inside
/// a git repository (`init-not-git`), or any file of the skeleton already there
/// (`init-exists`, naming them all).
pub fn init(dir: Option<&Path>, templates: bool, name: Option<&str>) -> Result<InitReport> {
    let root = match dir {
        Some(d) => d.to_path_buf(),
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
    let name = name.map_or_else(|| dir_name(&root), str::to_string);
    let files = renn_core::init::skeleton(&name, templates);
    // Any existing entry counts, a dangling symlink too: writing would replace it.
    let existing: Vec<&str> = files
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|p| root.join(p).symlink_metadata().is_ok())
        .collect();
    if let Some(first) = existing.first() {
        return Err(Diagnostic::error(
            Code::InitExists,
            format!(
                "not overwriting what exists: {} (renn init writes only into a project without these files)",
                existing.join(", ")
            ),
        )
        .in_file(first.to_string())
        .with_hint("move the file(s) away to start over, or keep the project as it is: `renn status` shows it")
        .into());
    }
    let mut created = Vec::new();
    fsio::create_dir_all(&root, renn_core::init::STAGES_DIR)?;
    created.push(format!("{}/", renn_core::init::STAGES_DIR));
    for (path, text) in &files {
        fsio::write_atomic(&root, path, text.as_bytes())?;
        created.push(path.clone());
    }
    Ok(InitReport {
        root: root.display().to_string(),
        created,
        next: NEXT.into(),
    })
}

/// The directory's own name, for track.md's title; `project` for a root (`/`).
fn dir_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "project".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_outside_git_and_over_existing_files() {
        let tmp = tempfile::tempdir().unwrap();
        let err = init(Some(tmp.path()), false, None).unwrap_err();
        assert_eq!(err.code(), Code::InitNotGit);
        let missing = tmp.path().join("nowhere");
        let err = init(Some(&missing), false, None).unwrap_err();
        assert_eq!(err.code(), Code::InitNoDirectory);
    }

    #[test]
    fn writes_the_skeleton_once() {
        let tmp = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(tmp.path())
            .env_remove("GIT_DIR")
            .status()
            .unwrap();
        assert!(ok.success());
        let report = init(Some(tmp.path()), false, Some("Acme")).unwrap();
        assert_eq!(report.created[0], ".renn/stages/");
        assert!(report.created.iter().any(|c| c == ".renn/config.json"));
        let track = std::fs::read_to_string(tmp.path().join(".renn/track.md")).unwrap();
        assert!(track.contains("Acme"), "{track}");
        let err = init(Some(tmp.path()), false, None).unwrap_err();
        assert_eq!(err.code(), Code::InitExists);
    }
}
