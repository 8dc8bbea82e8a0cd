//! Before any run starts: will the agent CLI accept the configuration? A refusal found
//! here is said once, with its fix, instead of once per run after minutes of work. The
//! host gathers the facts (PATH, user id, environment, files in the home directory);
//! the rules are here.

use crate::code::Code;
use crate::config::{AgentConfig, Permissions, Profile};
use crate::diagnostic::Diagnostic;

/// What the host found out about the machine.
pub struct Facts<'a> {
    /// The agent program can be started (found on PATH, or the path exists).
    pub program_found: bool,
    /// renn runs as root (agents inherit it).
    pub root: bool,
    /// Whether an environment variable is set for the agents (renn's environment or
    /// `agent.env`).
    pub env: &'a dyn Fn(&str) -> bool,
    /// Whether a file exists, relative to the home directory.
    pub home_file: &'a dyn Fn(&str) -> bool,
}

/// Errors stop the stage before it starts; warnings are shown and it goes on.
/// `file` is the config file the agent settings came from (`Config::file`).
pub fn check(agent: &AgentConfig, file: &str, facts: &Facts<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let program = agent.program();
    let is_profiles = !agent.custom_command;
    if !facts.program_found {
        let hint = if is_profiles {
            format!(
                "install it ({}), or choose another `agent.profile`",
                agent.profile.install()
            )
        } else {
            "install it, or correct `agent.command`".to_string()
        };
        out.push(
            Diagnostic::error(
                Code::AgentMissing,
                format!("the agent program `{program}` is not on PATH"),
            )
            .in_file(file)
            .with_hint(hint),
        );
        return out;
    }
    let bypass = agent.command.iter().any(|a| {
        a == "bypassPermissions"
            || a.ends_with("=bypassPermissions")
            || a == "--dangerously-skip-permissions"
    });
    let is_claude = program.rsplit('/').next() == Some("claude");
    if is_claude && bypass && facts.root && !(facts.env)("IS_SANDBOX") {
        out.push(
            Diagnostic::error(
                Code::AgentRefusesRoot,
                "claude refuses to bypass permissions when run as root (it exits at once)",
            )
            .in_file(file)
            .with_hint(
                "run renn as an ordinary user; or, on a disposable machine or container, set \
                 IS_SANDBOX=1 (\"agent\": {\"env\": {\"IS_SANDBOX\": \"1\"}}); or use \
                 \"agent\": {\"permissions\": \"allowlist\"}",
            ),
        );
    }
    if is_profiles && !logged_in(agent.profile, facts) {
        out.push(
            Diagnostic::warning(
                Code::AgentNotLoggedIn,
                format!(
                    "{program} shows no login: none of {} is set and no stored login was found",
                    agent.profile.credential_vars().join(", ")
                ),
            )
            .with_hint(format!(
                "{}; a run that cannot authenticate stops the stage",
                agent.profile.login()
            )),
        );
    }
    if agent.permissions == Permissions::Allowlist && agent.profile == Profile::Codex {
        out.push(Diagnostic::warning(
            Code::AllowlistSandbox,
            "codex has no per-command allow list: with \"allowlist\" it runs in its workspace-write sandbox, where commands that need the network fail",
        ));
    }
    out
}

fn logged_in(profile: Profile, facts: &Facts<'_>) -> bool {
    profile.credential_vars().iter().any(|v| (facts.env)(v))
        || profile
            .credential_files()
            .iter()
            .any(|f| (facts.home_file)(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn agent(json: &str) -> AgentConfig {
        Config::parse(json, false).unwrap().agent
    }

    fn codes(
        agent: &AgentConfig,
        found: bool,
        root: bool,
        vars: &[&str],
        files: &[&str],
    ) -> Vec<String> {
        let env = |k: &str| vars.contains(&k);
        let home = |f: &str| files.contains(&f);
        let facts = Facts {
            program_found: found,
            root,
            env: &env,
            home_file: &home,
        };
        check(agent, ".renn/config.json", &facts)
            .into_iter()
            .map(|d| d.code.to_string())
            .collect()
    }

    #[test]
    fn a_missing_program_is_the_only_error_said() {
        let a = agent("{}");
        assert_eq!(codes(&a, false, true, &[], &[]), ["agent-missing"]);
    }

    #[test]
    fn root_with_bypass_needs_is_sandbox() {
        let a = agent("{}");
        let key = ["ANTHROPIC_API_KEY"];
        assert_eq!(codes(&a, true, true, &key, &[]), ["agent-refuses-root"]);
        assert!(codes(&a, true, true, &["ANTHROPIC_API_KEY", "IS_SANDBOX"], &[]).is_empty());
        assert!(codes(&a, true, false, &key, &[]).is_empty());
        let allow = agent(r#"{"agent": {"permissions": "allowlist"}}"#);
        assert!(codes(&allow, true, true, &key, &[]).is_empty());
    }

    #[test]
    fn a_login_is_an_env_var_or_a_stored_login_and_custom_commands_are_not_judged() {
        let a = agent("{}");
        assert_eq!(codes(&a, true, false, &[], &[]), ["agent-not-logged-in"]);
        assert!(codes(&a, true, false, &[], &[".claude/.credentials.json"]).is_empty());
        let g = agent(r#"{"agent": {"profile": "gemini"}}"#);
        assert!(codes(&g, true, false, &["GEMINI_API_KEY"], &[]).is_empty());
        let custom = agent(r#"{"agent": {"command": ["my-agent"]}}"#);
        assert!(codes(&custom, true, true, &[], &[]).is_empty());
    }
}
