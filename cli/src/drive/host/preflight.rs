//! The facts [`renn_core::preflight`] judges, read from this machine.

use super::*;
use renn_core::preflight::{self, Facts};
use std::path::Path;

impl Host<'_> {
    /// Says once, before any run starts, what the agent CLI will refuse; an error stops
    /// the stage here.
    pub(super) fn preflight(&mut self) -> Result<()> {
        let agent = &self.config().agent;
        let env = |k: &str| std::env::var_os(k).is_some() || agent.env.contains_key(k);
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let home_file = |f: &str| home.as_ref().is_some_and(|h| h.join(f).exists());
        let facts = Facts {
            program_found: program_found(agent.program()),
            // SAFETY: geteuid has no preconditions and cannot fail.
            root: unsafe { libc::geteuid() } == 0,
            env: &env,
            home_file: &home_file,
        };
        let found = preflight::check(agent, &facts);
        if let Some(error) = found.iter().find(|d| d.is_error()) {
            return Err(renn_core::Error::from(error.clone()).into());
        }
        for warning in found {
            self.ui.text(&format!("warning: {}", warning.one_line()));
            self.ui.event(
                "warning",
                serde_json::to_value(&warning).unwrap_or_default(),
            );
        }
        Ok(())
    }
}

/// Whether `program` can be started: a path that exists, `{renn}` (renn itself), or a
/// name found in a directory of PATH as an executable file.
fn program_found(program: &str) -> bool {
    if program == "{renn}" {
        return true;
    }
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| executable(&dir.join(program)))
}

fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
