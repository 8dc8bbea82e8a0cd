//! `.renn/config.json`: every setting optional, every default the seed's, and every
//! malformed value reported with its key, file, line and column.
//!
//! The typed struct is deserialised straight from the text (no `flatten`, no
//! `untagged`) because those serde features buffer the input and lose positions;
//! unknown keys are collected by a second, cheap parse into a map.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use crate::layout::{Layout, Vocabulary};
use crate::snapshot::Snapshot;

/// renn's own config path: what a diagnostic names until [`Config::in_file`] says
/// which layout's file it came from.
const CONFIG_PATH: &str = ".renn/config.json";
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

mod agent;
mod de;
pub mod gsd;
mod locate;
mod spellings;

/// An enum stored in config.json as a lowercase string; `KEY` names its setting so
/// a bad value can say where it came from.
pub trait Named: Copy + 'static {
    const KEY: &'static str;
    const ALL: &'static [Self];
    /// Other names read as a value (GSD's), never written.
    const ALIASES: &'static [(&'static str, Self)] = &[];
    fn as_str(self) -> &'static str;
}

macro_rules! named_enum {
    ($(#[$meta:meta])* $ty:ident, $key:literal, { $($(#[$vmeta:meta])* $variant:ident = $name:literal),+ $(,)? }
     $(, aliases { $($alias:literal => $aliased:ident),+ $(,)? })?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        // The `serde(rename)`s only feed tsify's TypeScript (a union of the names).
        #[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
        pub enum $ty { $($(#[$vmeta])* #[cfg_attr(feature = "tsify", serde(rename = $name))] $variant),+ }

        impl Named for $ty {
            const KEY: &'static str = $key;
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            $(const ALIASES: &'static [(&'static str, Self)] = &[$(($alias, $ty::$aliased)),+];)?
            fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                de::named_from_str(s)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                de::named(d)
            }
        }
    };
}

named_enum!(
    /// Which models the agents run on (see [`crate::models`]); GSD calls it `model_profile`.
    Horsepower, "horsepower", {
        Quality = "quality",
        #[default]
        Balanced = "balanced",
        Budget = "budget",
        /// GSD's profile by an agent's role: renn's runner and auditor are GSD's
        /// executor and verifier, both of its "standard" tier, so balanced's models.
        Adaptive = "adaptive",
        /// GSD's profile that follows the session's model: no model flag for any agent.
        Inherit = "inherit",
    }
);

named_enum!(
    /// Which branch a stage's commits go to.
    BranchingStrategy, "branching_strategy", {
        #[default]
        None = "none",
        Stage = "stage",
        Milestone = "milestone",
    },
    // GSD's name: its phases are renn's stages.
    aliases { "phase" => Stage }
);

named_enum!(
    /// How the prompt reaches the agent: on its standard input, or appended as the
    /// last argument (for agents that cannot read stdin).
    PromptMode, "agent.prompt", {
        #[default]
        Stdin = "stdin",
        Argument = "argument",
    }
);

named_enum!(
    /// Where parallel runners work: each in its own git worktree (merged back in run
    /// order), or all in the one checkout (the seed's behaviour; runs can collide).
    Isolation, "isolation", {
        #[default]
        Worktree = "worktree",
        Shared = "shared",
        /// Each run's workspace is a clone on the worker: the base commit travels to a
        /// git remote, the job clones it and pushes its branch back (docs/spec.md#runtimes).
        Clone = "clone",
    }
);

// Declared after `named_enum!`, which they use.
mod profile;
mod runtime;
pub use agent::{AgentConfig, ArgvVars, Retries};
pub use profile::{Permissions, Profile};
pub use runtime::{Runtime, RuntimeKind, Submit};

/// `parallelization`: `true`/`false`, or `{"enabled": bool, "max_concurrent_agents": N}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Parallelization {
    pub enabled: bool,
    pub max_concurrent_agents: Option<u32>,
}

impl Default for Parallelization {
    fn default() -> Self {
        Self {
            enabled: true,
            max_concurrent_agents: None,
        }
    }
}

/// The parsed config.json.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(missing_as_null, hashmap_as_object)
)]
pub struct Config {
    pub horsepower: Horsepower,
    /// Whether renn commits track.md, pulse.md and proofs: `commit_docs_configured`,
    /// forced to false when `.renn` is git-ignored.
    pub commit_docs: bool,
    pub commit_docs_configured: bool,
    pub parallelization: Parallelization,
    pub branching_strategy: BranchingStrategy,
    pub stage_branch_template: String,
    pub milestone_branch_template: String,
    /// Agent name → model; wins over the horsepower table.
    pub model_overrides: BTreeMap<String, String>,
    pub agent: AgentConfig,
    /// Whether the auditor checks the stage goal after the runs.
    pub auditor: bool,
    pub isolation: Isolation,
    /// Top-level keys that are not renn's own, kept as written: GSD's (those read as one
    /// of renn's settings too) and unknown ones.
    #[serde(skip_serializing_if = "Map::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "Record<string, unknown>"))]
    pub extra: Map<String, Value>,
    /// A warning for each unknown key (`config-unknown-key`), naming the closest known
    /// one, and for each setting written twice with different values (`config-key-conflict`).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
    /// The file it was read from (`.renn/config.json` or `.planning/config.json`),
    /// which later diagnostics about a setting name.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    #[cfg_attr(feature = "tsify", tsify(type = "never"))]
    pub file: &'static str,
}

pub const DEFAULT_STAGE_BRANCH_TEMPLATE: &str = Layout::Renn.vocab().stage_branch_template;
pub const DEFAULT_MILESTONE_BRANCH_TEMPLATE: &str = Layout::Renn.vocab().milestone_branch_template;

/// Every top-level key of renn's own; anything else lands in [`Config::extra`]
/// (GSD's keys, [`gsd::GSD_KEYS`], without a warning).
pub const KNOWN_KEYS: &[&str] = &[
    "horsepower",
    "commit_docs",
    "parallelization",
    "branching_strategy",
    "stage_branch_template",
    "milestone_branch_template",
    "model_overrides",
    "agent",
    "auditor",
    "isolation",
];

impl Default for Config {
    fn default() -> Self {
        Self {
            horsepower: Horsepower::default(),
            commit_docs: true,
            commit_docs_configured: true,
            parallelization: Parallelization::default(),
            branching_strategy: BranchingStrategy::default(),
            stage_branch_template: DEFAULT_STAGE_BRANCH_TEMPLATE.into(),
            milestone_branch_template: DEFAULT_MILESTONE_BRANCH_TEMPLATE.into(),
            model_overrides: BTreeMap::new(),
            agent: AgentConfig::default(),
            auditor: true,
            isolation: Isolation::default(),
            extra: Map::new(),
            warnings: Vec::new(),
            file: CONFIG_PATH,
        }
    }
}

impl Config {
    /// Parses config.json. `renn_gitignored` is the host's `git check-ignore .renn`.
    pub fn parse(text: &str, renn_gitignored: bool) -> Result<Config, Diagnostic> {
        let de::Settings(mut config, conflicts) =
            serde_json::from_str(text).map_err(|e| diagnose(text, &e))?;
        // The typed parse succeeded, so the text is a JSON object and this cannot fail.
        let all: Map<String, Value> = serde_json::from_str(text).unwrap_or_default();
        config.extra = all
            .into_iter()
            .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
            .collect();
        let known: Vec<&str> = KNOWN_KEYS
            .iter()
            .copied()
            .chain(gsd::top_level_keys())
            .collect();
        let unknown = (config.extra.keys())
            .filter(|k| !gsd::is_gsd_key(k))
            .map(|k| unknown_key(text, k, &known));
        config.warnings = conflicts
            .iter()
            .map(|c| conflict(text, c))
            .chain(unknown)
            .collect();
        if let Some(why) = config.agent.runtime.missing(config.isolation) {
            let at = locate::key_position(text, &["agent", "runtime"]);
            return Err(Diagnostic::error(Code::RuntimeConfig, why)
                .in_file(CONFIG_PATH)
                .at(at)
                .with_hint("docs/spec.md#runtimes has a config for each engine"));
        }
        Ok(config.gitignored(renn_gitignored))
    }

    /// `None` (no config.json) gives every default.
    pub fn load(text: Option<&str>, renn_gitignored: bool) -> Result<Config, Diagnostic> {
        match text {
            Some(t) => Config::parse(t, renn_gitignored),
            None => Ok(Config::default().gitignored(renn_gitignored)),
        }
    }

    /// The snapshot's config.json (or the defaults when it has none), in its layout.
    pub fn from_snapshot(snapshot: &Snapshot) -> Result<Config, Diagnostic> {
        let vocab = snapshot.vocab();
        let file = vocab.config;
        Config::load(snapshot.text(file)?, snapshot.renn_gitignored)
            .map(|c| c.in_file(file).with_defaults_of(vocab))
            .map_err(|d| d.in_file(file))
    }

    /// A template left at renn's default takes the layout's: a GSD project's stage
    /// branches are `gsd/phase-03-auth`, as GSD itself names them.
    fn with_defaults_of(mut self, vocab: &Vocabulary) -> Self {
        if self.stage_branch_template == DEFAULT_STAGE_BRANCH_TEMPLATE {
            self.stage_branch_template = vocab.stage_branch_template.into();
        }
        if self.milestone_branch_template == DEFAULT_MILESTONE_BRANCH_TEMPLATE {
            self.milestone_branch_template = vocab.milestone_branch_template.into();
        }
        self
    }

    /// Says which file this config came from, in its warnings and later diagnostics.
    pub fn in_file(mut self, file: &'static str) -> Self {
        self.file = file;
        self.warnings = std::mem::take(&mut self.warnings)
            .into_iter()
            .map(|w| w.in_file(file))
            .collect();
        self
    }

    fn gitignored(mut self, renn_gitignored: bool) -> Self {
        self.commit_docs = self.commit_docs_configured && !renn_gitignored;
        self
    }

    /// True when config.json asks for commits but `.renn` is git-ignored.
    pub fn commit_docs_overridden(&self) -> bool {
        self.commit_docs_configured && !self.commit_docs
    }

    /// How many agents may run at once: 1 when parallelization is off, else the
    /// smaller of `agent.max_parallel` and `parallelization.max_concurrent_agents`;
    /// `None` when neither limits it.
    pub fn max_concurrent(&self) -> Option<u32> {
        if !self.parallelization.enabled {
            return Some(1);
        }
        [
            self.agent.max_parallel,
            self.parallelization.max_concurrent_agents,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// The warning for a top-level key renn does not read: kept, but probably a typo.
fn unknown_key(text: &str, key: &str, known: &[&str]) -> Diagnostic {
    let d = Diagnostic::warning(
        Code::ConfigUnknownKey,
        format!("unknown key \"{key}\": renn ignores it"),
    )
    .in_file(CONFIG_PATH)
    .at(locate::key_position(text, &[key]));
    match closest(key, known) {
        Some(k) => d.with_hint(format!("did you mean \"{k}\"?")),
        None => d.with_hint("config.json keys are listed in the README (config.json)"),
    }
}

/// The known key most like `key`, if one is close enough to be a typo of it.
pub(crate) fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

/// The warning for a setting written under two names that disagree, placed at the
/// one renn ignores and naming where the one it uses is.
fn conflict(text: &str, c: &spellings::Conflict) -> Diagnostic {
    let ((kept, kept_value), (ignored, ignored_value)) = (&c.kept, &c.ignored);
    let at = |key: &str| locate::key_position(text, &key.split('.').collect::<Vec<_>>());
    let kept_at = at(kept).map_or(String::new(), |p| {
        format!(" (line {}, column {})", p.line, p.column)
    });
    Diagnostic::warning(
        Code::ConfigKeyConflict,
        format!(
            "`{ignored}` is {ignored_value} but `{kept}`{kept_at} is {kept_value}: renn uses `{kept}`"
        ),
    )
    .in_file(CONFIG_PATH)
    .at(at(ignored))
    .with_hint("remove one of them, or make them agree")
}

fn diagnose(text: &str, e: &serde_json::Error) -> Diagnostic {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let diagnostic = match e.classify() {
        serde_json::error::Category::Data => Diagnostic::error(Code::ConfigInvalid, message),
        _ => Diagnostic::error(Code::ConfigSyntax, format!("invalid JSON: {message}")),
    };
    let diagnostic = match unknown_field(message) {
        Some((field, expected)) => match closest(field, &expected) {
            Some(k) => diagnostic.with_hint(format!("did you mean \"{k}\"?")),
            None => diagnostic.with_hint(format!("known keys: {}", expected.join(", "))),
        },
        None => diagnostic,
    };
    let diagnostic = if text.trim().is_empty() {
        diagnostic.with_hint("an empty file is not valid JSON; write {} to use every default")
    } else {
        diagnostic
    };
    let line = e.line().max(1);
    let column = char_column(text, line, e.column());
    diagnostic
        .in_file(CONFIG_PATH)
        .at(Some(Position::new(line as u32, column)))
}

/// The field and the expected ones of serde's "unknown field `x`, expected one of `a`, `b`".
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((field, expected))
}

/// serde_json counts columns in bytes; diagnostics count characters.
fn char_column(text: &str, line: usize, byte_column: usize) -> u32 {
    let chars = text.split('\n').nth(line - 1).map_or(byte_column, |l| {
        l.char_indices()
            .take_while(|(i, _)| *i < byte_column)
            .count()
    });
    chars.max(1) as u32
}

#[cfg(test)]
mod tests;
