//! `renn_host::git` against real git in temporary repositories.

mod basics;
mod merge;
mod refs;
mod worktree;

use renn_host::git::Git;
use std::fs;
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

/// Runs git directly (not through the code under test) and returns its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A repository on `main` with one commit of `README.md`.
pub fn repo() -> (TempDir, Git) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["config", "user.name", "Renn Test"]);
    git(d, &["config", "user.email", "renn@example.com"]);
    git(d, &["config", "commit.gpgsign", "false"]);
    fs::write(d.join("README.md"), "hello\n").unwrap();
    git(d, &["add", "README.md"]);
    git(d, &["commit", "-q", "-m", "initial"]);
    let g = Git::open(d).unwrap();
    (dir, g)
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

pub fn commit_file(g: &Git, rel: &str, text: &str, message: &str) -> String {
    write(g.root(), rel, text);
    g.add(&[rel]).unwrap();
    g.commit(message).unwrap()
}
