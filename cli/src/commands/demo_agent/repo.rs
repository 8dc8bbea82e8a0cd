//! The demo agent's git: the `git` binary through std::process (never a shell), as a
//! real coding agent drives it. Kept here rather than in `renn_host::git`, which is
//! renn's own orchestration git; an agent is a separate program that happens to ship
//! in the same binary.

use super::output;
use renn_host::{Error, Result};
use std::path::{Component, Path};
use std::process::{Command, Stdio};

/// `git -C ROOT ARGS`, no prompts; stdout trimmed, or the error with git's message.
pub fn git(root: &Path, args: &[&str]) -> Result<String> {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(root)
        .args(args)
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0");
    // Set inside git hooks; they would point git at another repository than ROOT.
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| Error::Git {
        args: args.join(" "),
        code: None,
        stderr: format!("cannot run git: {e}"),
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let text = if out.stderr.is_empty() {
        &out.stdout
    } else {
        &out.stderr
    };
    Err(Error::Git {
        args: args.join(" "),
        code: out.status.code(),
        stderr: String::from_utf8_lossy(text).into_owned(),
    })
}

/// Runs sharing one working tree (`isolation: shared`) race for `.git/index.lock`; a
/// real agent would wait and retry, and so does this one, a few times.
fn git_retry(root: &Path, args: &[&str]) -> Result<String> {
    let mut attempt = 0;
    loop {
        match git(root, args) {
            Err(Error::Git { stderr, .. }) if stderr.contains("index.lock") && attempt < 20 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(50 * attempt));
            }
            other => return other,
        }
    }
}

/// Appends `note` as a comment line to each file (creating it and its directories),
/// then stages and commits exactly those files; returns the short hash.
pub fn commit_files(
    root: &Path,
    files: &[String],
    note: &str,
    subject: &str,
    body: Option<&str>,
) -> Result<String> {
    for file in files {
        let io = |source| Error::Io {
            path: file.clone(),
            source,
        };
        let path = root.join(file);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&output::comment(file, note));
        text.push('\n');
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(&path, text).map_err(io)?;
    }
    let mut args = vec!["commit", "-q", "-m", subject];
    if let Some(b) = body {
        args.extend(["-m", b]);
    }
    if files.is_empty() {
        // Nothing planned to touch: the task still gets its own commit as evidence.
        args.push("--allow-empty");
    } else {
        let paths = files.iter().map(String::as_str);
        let add: Vec<&str> = ["add", "--"].into_iter().chain(paths.clone()).collect();
        git_retry(root, &add)?;
        // Paths after `--`: only these files, never what a parallel run has staged.
        args.push("--");
        args.extend(paths);
    }
    git_retry(root, &args)?;
    git(root, &["rev-parse", "--short", "HEAD"])
}

/// Commits a document (the recap) unless git ignores it; `false` when ignored.
pub fn commit_doc(root: &Path, path: &str, subject: &str) -> Result<bool> {
    if git(root, &["check-ignore", "-q", "--", path]).is_ok() {
        return Ok(false);
    }
    git_retry(root, &["add", "--", path])?;
    git_retry(root, &["commit", "-q", "-m", subject, "--", path])?;
    Ok(true)
}

pub fn commit_exists(root: &Path, hash: &str) -> bool {
    git(root, &["cat-file", "-e", &format!("{hash}^{{commit}}")]).is_ok()
}

/// Whether `path` existed in the parent of commit `base` (the tree before the run).
pub fn existed_before(root: &Path, base: &str, path: &str) -> bool {
    git(root, &["cat-file", "-e", &format!("{base}^:{path}")]).is_ok()
}

/// The newest commit (of the last 200) whose subject is exactly `subject`.
pub fn find_subject(root: &Path, subject: &str) -> Result<Option<String>> {
    let log = git(root, &["log", "--format=%h %s", "-n", "200"])?;
    Ok(log.lines().find_map(|l| {
        l.split_once(' ')
            .filter(|(_, s)| *s == subject)
            .map(|(h, _)| h.to_string())
    }))
}

/// A planned path the agent may write: inside the project, not in `.git`, and never
/// renn's own state files (the runner prompt forbids editing them).
pub fn safe_path(file: &str) -> bool {
    let p = Path::new(file);
    let own: Vec<&str> = (renn_core::Layout::ALL.iter())
        .flat_map(|l| [l.vocab().pulse, l.vocab().track])
        .collect();
    !file.is_empty()
        && p.is_relative()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && !p.starts_with(".git")
        && !own.contains(&file.trim_start_matches("./"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_project_files_are_written() {
        assert!(super::safe_path("src/x.py"));
        for bad in [
            "/etc/passwd",
            "../x",
            "src/../../x",
            ".git/config",
            ".renn/pulse.md",
            "",
        ] {
            assert!(!super::safe_path(bad), "{bad}");
        }
    }
}
