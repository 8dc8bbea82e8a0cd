//! Which model each agent runs on: the agent profile's horsepower table
//! ([`crate::config::Profile::model`]), then `model_overrides`.

use crate::code::Code;
use crate::config::gsd::GSD_AGENTS;
use crate::config::{Config, Horsepower};
use crate::diagnostic::Diagnostic;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The agents renn spawns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Agent {
    #[serde(rename = "renn-runner")]
    Runner,
    #[serde(rename = "renn-auditor")]
    Auditor,
    #[serde(rename = "general-purpose")]
    GeneralPurpose,
}

impl Agent {
    pub const ALL: [Agent; 3] = [Agent::Runner, Agent::Auditor, Agent::GeneralPurpose];

    pub fn name(self) -> &'static str {
        match self {
            Agent::Runner => "renn-runner",
            Agent::Auditor => "renn-auditor",
            Agent::GeneralPurpose => "general-purpose",
        }
    }

    /// The GSD agent that does this one's work, whose `model_overrides` entry renn
    /// reads too (after its own name's).
    pub fn gsd_name(self) -> Option<&'static str> {
        match self {
            Agent::Runner => Some("gsd-executor"),
            Agent::Auditor => Some("gsd-verifier"),
            Agent::GeneralPurpose => None,
        }
    }
}

impl fmt::Display for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown agent {0:?}; renn's agents are renn-runner, renn-auditor and general-purpose")]
pub struct UnknownAgent(pub String);

impl FromStr for Agent {
    type Err = UnknownAgent;
    fn from_str(s: &str) -> Result<Self, UnknownAgent> {
        Agent::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownAgent(s.to_string()))
    }
}

/// One row of the resolved table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentModel {
    /// An [`Agent`] name, or another name found in `model_overrides`.
    pub agent: String,
    /// `None`: the agent's own default, no model flag.
    pub model: Option<String>,
    /// Whether `model_overrides` set it.
    pub overridden: bool,
}

/// The resolved models: renn's agents in [`Agent::ALL`] order, then any other agent
/// named in `model_overrides` (kept for custom agents, with a warning each).
#[derive(Debug, Clone, PartialEq, Eq)]
// The TypeScript of the hand-written `Serialize` below.
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(
        type = "{ horsepower: Horsepower; models: Record<string, string | null>; warnings?: Diagnostic[] }"
    )
)]
pub struct Models {
    pub horsepower: Horsepower,
    pub entries: Vec<AgentModel>,
    /// One `unknown-agent-override` per override naming no known agent.
    pub warnings: Vec<Diagnostic>,
}

impl Models {
    /// The model for one of renn's agents; `None` = no model flag.
    pub fn get(&self, agent: Agent) -> Option<&str> {
        self.get_named(agent.name())
    }

    pub fn get_named(&self, agent: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.agent == agent)
            .and_then(|e| e.model.as_deref())
    }

    /// The table `renn models` prints; "—" where the agent keeps its own default.
    pub fn render_markdown(&self) -> String {
        let mut out = String::from("| Agent | Model |\n|-------|-------|\n");
        for e in &self.entries {
            let model = e.model.as_deref().unwrap_or("—");
            let note = if e.overridden { " (override)" } else { "" };
            out.push_str(&format!("| {} | {model}{note} |\n", e.agent));
        }
        out
    }
}

/// `{"horsepower": "balanced", "models": {"renn-runner": "sonnet", …}}`, plus
/// `"warnings"` when there are any.
impl Serialize for Models {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Table<'a>(&'a [AgentModel]);
        impl Serialize for Table<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for e in self.0 {
                    map.serialize_entry(&e.agent, &e.model)?;
                }
                map.end()
            }
        }
        let len = if self.warnings.is_empty() { 2 } else { 3 };
        let mut map = s.serialize_map(Some(len))?;
        map.serialize_entry("horsepower", &self.horsepower)?;
        map.serialize_entry("models", &Table(&self.entries))?;
        if !self.warnings.is_empty() {
            map.serialize_entry("warnings", &self.warnings)?;
        }
        map.end()
    }
}

/// An override's model; GSD's `inherit` is the session's model, so no model flag.
fn overriding(model: &str) -> Option<String> {
    (model != "inherit").then(|| model.to_string())
}

/// Looks every agent up in the horsepower table; `model_overrides` wins, under the
/// agent's own name, else its GSD name.
pub fn resolve(config: &Config) -> Models {
    let overrides = &config.model_overrides;
    let profile = config.agent.profile;
    let mut entries: Vec<AgentModel> = Agent::ALL
        .into_iter()
        .map(|agent| {
            let over = (overrides.get(agent.name()))
                .or_else(|| agent.gsd_name().and_then(|gsd| overrides.get(gsd)));
            AgentModel {
                agent: agent.name().to_string(),
                model: match over {
                    Some(model) => overriding(model),
                    None => profile.model(agent, config.horsepower).map(String::from),
                },
                overridden: over.is_some(),
            }
        })
        .collect();
    let mut warnings = Vec::new();
    // GSD's agents are kept without a word: two are renn's, the others never run.
    let custom = overrides
        .iter()
        .filter(|(name, _)| !GSD_AGENTS.contains(&name.as_str()));
    for (name, model) in custom {
        if let Err(unknown) = name.parse::<Agent>() {
            warnings.push(
                Diagnostic::warning(
                    Code::UnknownAgentOverride,
                    format!("`model_overrides` sets a model for an {unknown}"),
                )
                .in_file(config.file)
                .with_hint("check the spelling; the override is kept for a custom agent"),
            );
            entries.push(AgentModel {
                agent: name.clone(),
                model: overriding(model),
                overridden: true,
            });
        }
    }
    Models {
        horsepower: config.horsepower,
        entries,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(text: &str) -> Config {
        Config::parse(text, false).unwrap()
    }

    #[test]
    fn the_horsepower_table() {
        let table = [
            ("quality", [Some("opus"), Some("sonnet"), None]),
            ("balanced", [Some("sonnet"), Some("sonnet"), None]),
            ("budget", [Some("sonnet"), Some("haiku"), None]),
        ];
        for (hp, want) in table {
            let m = resolve(&config(&format!(r#"{{"horsepower": "{hp}"}}"#)));
            let got: Vec<Option<&str>> = Agent::ALL.iter().map(|a| m.get(*a)).collect();
            assert_eq!(got, want, "{hp}");
            assert!(m.warnings.is_empty());
        }
    }

    #[test]
    fn serialises_as_the_documented_json() {
        let m = resolve(&Config::default());
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"horsepower": "balanced", "models": {
                "renn-runner": "sonnet", "renn-auditor": "sonnet", "general-purpose": null}})
        );
        let text = serde_json::to_string(&m).unwrap();
        let order = ["renn-runner", "renn-auditor", "general-purpose"].map(|a| text.find(a));
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn overrides_win_and_unknown_agents_are_kept_with_a_warning() {
        let c = config(
            r#"{"horsepower": "budget", "model_overrides":
                {"renn-auditor": "opus", "general-purpose": "haiku", "renn-runer": "opus"}}"#,
        );
        let m = resolve(&c);
        assert_eq!(m.get(Agent::Runner), Some("sonnet"));
        assert_eq!(m.get(Agent::Auditor), Some("opus"));
        assert_eq!(m.get(Agent::GeneralPurpose), Some("haiku"));
        assert_eq!(m.get_named("renn-runer"), Some("opus"));
        assert_eq!(m.warnings.len(), 1);
        let w = &m.warnings[0];
        assert_eq!(w.code, "unknown-agent-override");
        assert!(!w.is_error());
        assert!(w.message.contains("\"renn-runer\""), "{}", w.message);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["models"]["renn-runer"], "opus");
        assert_eq!(json["warnings"][0]["code"], "unknown-agent-override");
    }

    #[test]
    fn markdown_table() {
        let c = config(r#"{"model_overrides": {"renn-runner": "opus"}}"#);
        assert_eq!(
            resolve(&c).render_markdown(),
            "| Agent | Model |\n|-------|-------|\n\
             | renn-runner | opus (override) |\n\
             | renn-auditor | sonnet |\n\
             | general-purpose | — |\n"
        );
    }

    #[test]
    fn agent_names_round_trip() {
        for a in Agent::ALL {
            assert_eq!(a.to_string().parse::<Agent>(), Ok(a));
            assert_eq!(serde_json::to_value(a).unwrap(), json!(a.name()));
            assert_eq!(serde_json::from_value::<Agent>(json!(a.name())).unwrap(), a);
        }
        assert_eq!(
            "runner".parse::<Agent>(),
            Err(UnknownAgent("runner".into()))
        );
    }
}
