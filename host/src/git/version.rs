//! The git renn needs: merges of parallel runs use `git merge-tree --write-tree
//! --merge-base=<commit>`, which git has only since 2.40. An older git would fail the
//! first parallel merge after all of its agents had worked, so a stage with a parallel
//! batch in worktrees is refused before any agent starts. Runs in the shared tree
//! (`"isolation": "shared"`, or one run per batch) merge nothing and need no more.

use super::Git;
use crate::Result;
use renn_core::Code;
use renn_core::Diagnostic;

/// The oldest git renn runs with.
pub const MIN_GIT: (u32, u32) = (2, 40);

impl Git {
    /// `git --version`, refused clearly when it is older than [`MIN_GIT`]; `batch` is
    /// the first batch whose runs would be merged from worktrees.
    pub fn check_version(&self, batch: u32) -> Result<()> {
        let out = self.ok(["--version"])?;
        let found = out.trim();
        match parse_version(found) {
            Some(v) if v >= MIN_GIT => Ok(()),
            _ => Err(Diagnostic::error(
                Code::Git,
                format!(
                    "{found} is too old: batch {batch} runs in parallel worktrees, and merging them back needs git {}.{} or later (`git merge-tree --write-tree --merge-base`)",
                    MIN_GIT.0, MIN_GIT.1
                ),
            )
            .with_hint("install a newer git (or put one earlier on PATH), or set \"isolation\": \"shared\" in .renn/config.json to run parallel runs in one tree")
            .into()),
        }
    }
}

/// The `git` on PATH: what `git --version` prints and the (major, minor) read from it.
/// An error when git cannot be started.
pub fn installed() -> std::io::Result<(String, Option<(u32, u32)>)> {
    let out = std::process::Command::new("git")
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let version = parse_version(&text);
    Ok((text, version))
}

/// `git version 2.39.5` (or `git version 2.45.1.windows.1`, `… (Apple Git-154)`) →
/// (major, minor).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let v = text.strip_prefix("git version ")?;
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn reads_the_versions_git_prints() {
        assert_eq!(parse_version("git version 2.39.0"), Some((2, 39)));
        assert_eq!(parse_version("git version 2.47.3"), Some((2, 47)));
        assert_eq!(parse_version("git version 2.45.1.windows.1"), Some((2, 45)));
        assert_eq!(
            parse_version("git version 2.39.5 (Apple Git-154)"),
            Some((2, 39))
        );
        assert_eq!(parse_version("git version 3.0"), Some((3, 0)));
        assert_eq!(parse_version("hub version 2.14"), None);
        assert!((2, 39) < super::MIN_GIT && (2, 40) >= super::MIN_GIT && (3, 0) > super::MIN_GIT);
    }
}
