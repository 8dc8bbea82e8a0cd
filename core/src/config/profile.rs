//! Agent profiles: what renn knows about each agent CLI it can drive — the command line
//! of a headless run, how the prompt reaches it, the vendor's models for each
//! horsepower, the environment it needs, and how it says "let me run anything" or "only
//! these commands". `agent.command` in config.json wins over the profile's command line;
//! the model table and the environment still come from the profile.

use super::{de, Horsepower, Named, PromptMode};
use crate::models::Agent;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

named_enum!(
    /// Which agent CLI renn drives (`agent.profile`).
    Profile, "agent.profile", {
        /// Anthropic's Claude Code (`claude`, npm `@anthropic-ai/claude-code`).
        #[default]
        Claude = "claude",
        /// OpenAI's Codex CLI (`codex`, npm `@openai/codex`).
        Codex = "codex",
        /// Google's Gemini CLI (`gemini`, npm `@google/gemini-cli`).
        Gemini = "gemini",
    }
);

named_enum!(
    /// What a runner may do without asking (`agent.permissions`). Nobody is there to
    /// answer a headless agent's permission prompt: a refused command is a failed task.
    Permissions, "agent.permissions", {
        /// Everything: the agent works on its own branch in its own worktree, and renn
        /// checks its commits before merging anything.
        #[default]
        Bypass = "bypass",
        /// File edits, git's commit commands and the programs the run's `<verify>`
        /// commands name ([`crate::permissions`]); anything else is refused.
        Allowlist = "allowlist",
    }
);

impl Profile {
    /// The program the profile starts.
    pub fn program(self) -> &'static str {
        match self {
            Profile::Claude => "claude",
            Profile::Codex => "codex",
            Profile::Gemini => "gemini",
        }
    }

    /// How to install the program, for the message when it is missing.
    pub fn install(self) -> &'static str {
        match self {
            Profile::Claude => "npm install -g @anthropic-ai/claude-code",
            Profile::Codex => "npm install -g @openai/codex",
            Profile::Gemini => "npm install -g @google/gemini-cli",
        }
    }

    /// The headless command line. `{model}` is dropped with its flag when the agent
    /// runs on its own default model; `{allowed_tools}` is filled per run
    /// ([`crate::permissions::allowed_tools`]).
    pub fn command(self, permissions: Permissions) -> Vec<String> {
        let args: &[&str] = match (self, permissions) {
            // `-p`: print mode, one prompt from stdin, only the final answer on stdout.
            (Profile::Claude, Permissions::Bypass) => &[
                "claude",
                "-p",
                "--model",
                "{model}",
                "--output-format",
                "text",
                "--permission-mode",
                "bypassPermissions",
            ],
            // The comma form of --allowedTools: the variadic form would swallow what follows.
            (Profile::Claude, Permissions::Allowlist) => &[
                "claude",
                "-p",
                "--model",
                "{model}",
                "--output-format",
                "text",
                "--permission-mode",
                "acceptEdits",
                "--allowedTools={allowed_tools}",
            ],
            // `exec` reads the prompt from stdin and prints only the final message.
            (Profile::Codex, Permissions::Bypass) => &[
                "codex",
                "exec",
                "--model",
                "{model}",
                "--skip-git-repo-check",
                "--dangerously-bypass-approvals-and-sandbox",
            ],
            // The workspace-write sandbox, which also lets git write the repository's
            // metadata (`{git_dir}`: a worktree's lives in the main checkout's .git).
            (Profile::Codex, Permissions::Allowlist) => &[
                "codex",
                "exec",
                "--model",
                "{model}",
                "--skip-git-repo-check",
                "--sandbox",
                "workspace-write",
                "--config",
                "sandbox_workspace_write.writable_roots=[\"{git_dir}\"]",
            ],
            // --skip-trust: headless, an untrusted folder is an exit (55), not a question.
            (Profile::Gemini, Permissions::Bypass) => &[
                "gemini",
                "--model",
                "{model}",
                "--skip-trust",
                "--approval-mode",
                "yolo",
            ],
            (Profile::Gemini, Permissions::Allowlist) => &[
                "gemini",
                "--model",
                "{model}",
                "--skip-trust",
                "--approval-mode",
                "auto_edit",
                "--allowed-tools={allowed_tools}",
            ],
        };
        args.iter().map(|a| a.to_string()).collect()
    }

    /// How the prompt is passed: every profile reads it on stdin (prompts reach tens of
    /// kilobytes; one argument is limited to 128 KiB on Linux).
    pub fn prompt_mode(self) -> PromptMode {
        PromptMode::Stdin
    }

    /// The vendor's model for one of renn's agents; `None`: the CLI's own default.
    pub fn model(self, agent: Agent, horsepower: Horsepower) -> Option<&'static str> {
        use Horsepower::*;
        // The columns are GSD's for its executor and verifier (renn's runner and
        // auditor). GSD's `adaptive` gives both their "standard" tier, balanced's
        // models; its `inherit` passes no model, so the CLI's own default.
        let (runner, auditor) = match (self, horsepower) {
            (_, Inherit) => return None,
            (Profile::Claude, Quality) => ("opus", "sonnet"),
            (Profile::Claude, Balanced | Adaptive) => ("sonnet", "sonnet"),
            (Profile::Claude, Budget) => ("sonnet", "haiku"),
            // Codex 0.171's catalog: astra (most capable), sol (its default), luna.
            (Profile::Codex, Quality) => ("gpt-6.2-astra", "gpt-6.2-sol"),
            (Profile::Codex, Balanced | Adaptive) => ("gpt-6.2-sol", "gpt-6.2-sol"),
            (Profile::Codex, Budget) => ("gpt-6.2-sol", "gpt-6-luna"),
            // Gemini CLI's aliases: it resolves them to the newest ids the account may use.
            (Profile::Gemini, Quality) => ("pro", "flash"),
            (Profile::Gemini, Balanced | Adaptive) => ("flash", "flash"),
            (Profile::Gemini, Budget) => ("flash", "flash-lite"),
        };
        match agent {
            Agent::Runner => Some(runner),
            Agent::Auditor => Some(auditor),
            Agent::GeneralPurpose => None,
        }
    }

    /// Environment the profile sets unless the user's environment or `agent.env`
    /// already does. Each CLI's own retries on overload are bounded so that renn's
    /// (`agent.retries`, with backoff across the whole run) decide, and a bad key is
    /// reported in seconds rather than minutes; an auto-updater must not rewrite the
    /// CLI while ten copies of it run.
    pub fn env(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Profile::Claude => &[
                ("CLAUDE_CODE_MAX_RETRIES", "2"),
                ("DISABLE_AUTOUPDATER", "1"),
            ],
            Profile::Codex => &[],
            Profile::Gemini => &[("GEMINI_CLI_TRUST_WORKSPACE", "true")],
        }
    }

    /// Environment variables that show the CLI has credentials, for the check before
    /// any run starts (a login stored by the CLI itself is found by the host).
    pub fn credential_vars(self) -> &'static [&'static str] {
        match self {
            Profile::Claude => &[
                "ANTHROPIC_API_KEY",
                "ANTHROPIC_AUTH_TOKEN",
                "CLAUDE_CODE_OAUTH_TOKEN",
                "CLAUDE_CODE_USE_BEDROCK",
                "CLAUDE_CODE_USE_VERTEX",
            ],
            Profile::Codex => &["OPENAI_API_KEY", "CODEX_API_KEY"],
            Profile::Gemini => &[
                "GEMINI_API_KEY",
                "GOOGLE_API_KEY",
                "GOOGLE_GENAI_USE_VERTEXAI",
            ],
        }
    }

    /// Where the CLI keeps a login of its own, relative to the home directory.
    pub fn credential_files(self) -> &'static [&'static str] {
        match self {
            Profile::Claude => &[".claude/.credentials.json", ".claude.json"],
            Profile::Codex => &[".codex/auth.json"],
            Profile::Gemini => &[".gemini/oauth_creds.json", ".gemini/settings.json"],
        }
    }

    /// How to log in, for the message when no credentials are found.
    pub fn login(self) -> &'static str {
        match self {
            Profile::Claude => "run `claude` once and log in, or set ANTHROPIC_API_KEY",
            Profile::Codex => "run `codex login`, or set OPENAI_API_KEY",
            Profile::Gemini => "run `gemini` once and log in, or set GEMINI_API_KEY",
        }
    }
}
