//! The facts [`renn_core::preflight`] judges, read from this machine.

use super::*;
use crate::trust::{TrustStore, TRUST_VAR};
use renn_core::preflight::{self, Facts};
use renn_core::Code;

impl Host<'_> {
    /// Says once, before any run starts, what the agent CLI will refuse; an error stops
    /// the stage here.
    pub(super) fn preflight(&mut self) -> Result<()> {
        let agent = &self.config().agent;
        let env = |k: &str| std::env::var_os(k).is_some() || agent.env.contains_key(k);
        let home = std::env::var_os("HOME")
            .or_else(|| {
                cfg!(windows)
                    .then(|| std::env::var_os("USERPROFILE"))
                    .flatten()
            })
            .map(PathBuf::from);
        let home_file = |f: &str| home.as_ref().is_some_and(|h| h.join(f).exists());
        let facts = Facts {
            program_found: program_found(agent.program()),
            root: running_as_root(),
            env: &env,
            home_file: &home_file,
        };
        let found = preflight::check(agent, self.config().file, &facts);
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

/// Whether `program` can be started: `{renn}` (renn itself), or what
/// [`crate::agent::find_program`] finds.
fn program_found(program: &str) -> bool {
    program == "{renn}" || crate::agent::find_program(program).is_some()
}

/// Root on Unix (claude refuses to skip its permission checks as root). Windows has no
/// such refusal: an administrator is not "root" here.
fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    #[cfg(unix)]
    return unsafe { libc::geteuid() } == 0;
    #[cfg(not(unix))]
    return false;
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
                .ask(&Question::Trust {
                    command: agent.command.clone(),
                    text: format!(
                        "This project's .renn/config.json runs its own agent:\n{shown}\nRun it, now and from now on for this repository? [y/N]:"
                    ),
                })
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
        .in_file(self.vocab().config)
        .with_hint(format!(
            "review it; then run again with --trust (remembered for this repository), answer yes on a terminal, or set {TRUST_VAR}=1 for one execution (CI)"
        ));
        Err(renn_core::Error::from(d).into())
    }
}
