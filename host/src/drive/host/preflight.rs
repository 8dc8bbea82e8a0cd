//! The facts [`renn_core::preflight`] judges, read from this machine.

use super::*;
use crate::trust::{TrustStore, TRUST_VAR};
use renn_core::preflight::{self, Facts};
use renn_core::Code;
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
            self.ui.emit(&event::Warning(&warning));
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

impl Host<'_> {
    /// A repository's own agent command runs only once the user trusts it
    /// ([`crate::trust`]); renn's defaults need no trust.
    pub(super) fn check_trust(&mut self) -> Result<()> {
        let agent = &self.config().agent;
        let Some(subject) = agent.trust_subject() else {
            return Ok(());
        };
        if std::env::var(TRUST_VAR).as_deref() == Ok("1") {
            return Ok(());
        }
        let store = TrustStore::user();
        if store.trusts(&self.root, &subject) {
            return Ok(());
        }
        let mut shown = format!("  {}", agent.command.join(" "));
        for (k, v) in &agent.env {
            shown.push_str(&format!("\n  {k}={v}"));
        }
        let trusted = self.opts.trust
            || self
                .ui
                .ask(&format!(
                    "This project's .renn/config.json runs its own agent:\n{shown}\nRun it, now and from now on for this repository? [y/N]:"
                ))
                .is_some_and(|a| matches!(a.trim(), "y" | "Y" | "yes"));
        if trusted {
            store.trust(&self.root, &subject)?;
            let at = store
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            self.ui
                .text(&format!("Trusted this project's agent command ({at})."));
            return Ok(());
        }
        let d = Diagnostic::error(
            Code::UntrustedAgent,
            format!("this project's config sets its own agent, which renn runs only once you trust it:\n{shown}"),
        )
        .in_file(CONFIG_PATH)
        .with_hint(format!(
            "review it; then run again with --trust (remembered for this repository), answer yes on a terminal, or set {TRUST_VAR}=1 for one execution (CI)"
        ));
        Err(renn_core::Error::from(d).into())
    }
}
