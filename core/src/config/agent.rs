//! renn's own `agent` settings: which CLI runs the agents and how it is started. The
//! profile ([`Profile`]) supplies a working command line for each vendor; a custom
//! `agent.command` wins over it, `agent.args` are appended to either.

use super::{de, Permissions, Profile, PromptMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The resolved `agent` object: `command` and `prompt` are what renn will run, whether
/// they came from the profile or from config.json.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct AgentConfig {
    pub profile: Profile,
    pub permissions: Permissions,
    /// The command line, never run through a shell; `{model}`, `{agent}`, `{run_id}`,
    /// `{renn}`, `{allowed_tools}` and `{git_dir}` are filled by [`AgentConfig::argv_for`].
    pub command: Vec<String>,
    /// Whether `command` was written in config.json (otherwise: the profile's).
    pub custom_command: bool,
    pub prompt: PromptMode,
    /// Set for every agent on top of renn's environment and the profile's defaults.
    pub env: BTreeMap<String, String>,
    pub timeout_secs: u64,
    /// At most this many agents at once; `None` = a whole batch at once.
    pub max_parallel: Option<u32>,
    pub retries: Retries,
    /// Where the agents execute (`local` by default).
    pub runtime: super::Runtime,
}

/// `agent.retries`: a run whose agent failed because the API was rate-limited,
/// overloaded or unreachable is started again after a backoff that doubles each time.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct Retries {
    /// Starts after the first, at most; 0 turns retrying off.
    pub attempts: u32,
    /// The wait before the first retry.
    pub backoff_secs: u64,
    /// No wait is longer than this.
    pub max_backoff_secs: u64,
}

impl Default for Retries {
    fn default() -> Self {
        Retries {
            attempts: 3,
            backoff_secs: 20,
            max_backoff_secs: 300,
        }
    }
}

impl Retries {
    /// The wait before retry number `n` (1-based): `backoff_secs × 2^(n-1)`, capped.
    pub fn backoff(&self, n: u32) -> u64 {
        let doubled = self
            .backoff_secs
            .saturating_mul(1u64 << n.saturating_sub(1).min(32));
        doubled.min(self.max_backoff_secs)
    }
}

/// `agent` as written: every key optional, resolved against the profile. An unknown
/// key is an error: a typo'd `command` must never silently run the default agent.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(super) struct AgentFields {
    profile: Profile,
    permissions: Permissions,
    #[serde(deserialize_with = "de::optional_command")]
    command: Option<Vec<String>>,
    args: Vec<String>,
    prompt: Option<PromptMode>,
    env: BTreeMap<String, String>,
    #[serde(deserialize_with = "de::timeout_secs")]
    timeout_secs: Option<u64>,
    #[serde(deserialize_with = "de::max_parallel")]
    max_parallel: Option<u32>,
    retries: Retries,
    runtime: super::Runtime,
}

impl From<AgentFields> for AgentConfig {
    fn from(f: AgentFields) -> Self {
        let custom_command = f.command.is_some();
        let mut command = f
            .command
            .unwrap_or_else(|| f.profile.command(f.permissions));
        command.extend(f.args);
        AgentConfig {
            profile: f.profile,
            permissions: f.permissions,
            command,
            custom_command,
            prompt: f.prompt.unwrap_or(f.profile.prompt_mode()),
            env: f.env,
            timeout_secs: f.timeout_secs.unwrap_or(3600),
            max_parallel: f.max_parallel,
            retries: f.retries,
            runtime: f.runtime,
        }
    }
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentFields::default().into()
    }
}

/// The values an agent's command line is filled with (see [`AgentConfig::argv_for`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArgvVars<'a> {
    /// `{model}`; `None` runs the agent on its own default model.
    pub model: Option<&'a str>,
    /// `{agent}`: renn's agent name, e.g. `renn-runner`.
    pub agent: &'a str,
    /// `{run_id}`: e.g. `03-02`; empty for the auditor, which has no run.
    pub run_id: &'a str,
    /// `{renn}`: the running renn executable, so `["{renn}", "demo-agent", …]` works
    /// without renn on PATH.
    pub renn: &'a str,
    /// `{allowed_tools}`: what the allowlist permits, in the profile's syntax.
    pub allowed_tools: &'a str,
    /// `{git_dir}`: the repository's common git directory.
    pub git_dir: &'a str,
}

impl AgentConfig {
    /// The command line with only `{model}` filled (other placeholders kept as written).
    pub fn argv(&self, model: Option<&str>) -> Vec<String> {
        self.expand(model, |_| None)
    }

    /// The command line for one agent: `{model}`, `{agent}`, `{run_id}`, `{renn}`,
    /// `{allowed_tools}` and `{git_dir}` are replaced; any other `{name}` is left as
    /// written (it may be meant for the agent). Without a model (the agent's own
    /// default) an argument holding `{model}` is dropped, together with the flag right
    /// before it when it stands alone (`--model {model}`), so no empty model is passed.
    pub fn argv_for(&self, vars: &ArgvVars<'_>) -> Vec<String> {
        self.expand(vars.model, |name| match name {
            "agent" => Some(vars.agent),
            "run_id" => Some(vars.run_id),
            "renn" => Some(vars.renn),
            "allowed_tools" => Some(vars.allowed_tools),
            "git_dir" => Some(vars.git_dir),
            _ => None,
        })
    }

    /// What the user must trust before renn runs it, when the repository chose it: the
    /// command line and environment, as canonical JSON. `None` when they are renn's own
    /// defaults (the claude profile as it ships): renn's own command needs no trust.
    pub fn trust_subject(&self) -> Option<String> {
        let default = AgentConfig::default();
        if self.command == default.command && self.env.is_empty() {
            return None;
        }
        let subject = serde_json::json!({ "command": self.command, "env": self.env });
        Some(subject.to_string())
    }

    /// The program renn starts: the command's first word.
    pub fn program(&self) -> &str {
        self.command.first().map_or("", String::as_str)
    }

    /// The environment an agent gets on top of the host's own: the profile's defaults
    /// where `inherited` (the host's environment) does not set them, then `agent.env`.
    pub fn environment(&self, inherited: impl Fn(&str) -> bool) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .profile
            .env()
            .iter()
            .filter(|(k, _)| !inherited(k) && !self.env.contains_key(*k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        out.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    fn expand<'v>(
        &self,
        model: Option<&'v str>,
        var: impl Fn(&str) -> Option<&'v str>,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(self.command.len());
        for arg in &self.command {
            match model {
                None if arg == "{model}" => {
                    if out.len() > 1 && out.last().is_some_and(|a| a.starts_with('-')) {
                        out.pop();
                    }
                }
                None if arg.contains("{model}") => {}
                _ => out.push(substitute(arg, |name| match name {
                    "model" => model,
                    other => var(other),
                })),
            }
        }
        out
    }
}

/// Replaces each `{name}` that `var` knows in one left-to-right pass, so a value that
/// itself contains braces (a path, a model name) is never substituted again.
fn substitute<'v>(arg: &str, var: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after
            .find('}')
            .and_then(|close| Some((close, var(&after[..close])?)));
        match known {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
