//! The visitors behind config.json. Each knows the key it reads, so a bad value
//! says "`commit_docs` must be true or false; found \"yes\"" rather than serde's
//! "invalid type: string, expected a boolean". Every check runs *inside* the visit
//! of its value: serde_json stamps an error with its position only there (an error
//! raised after the value returns is placed wherever the enclosing object ends).

use super::agent::AgentFields;
use super::{
    AgentConfig, BranchingStrategy, Config, Horsepower, Isolation, Named, Parallelization,
};
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// What a JSON value was, for the "found …" half of a message.
enum Found<'a> {
    Null,
    Bool(bool),
    Uint(u64),
    Int(i64),
    Float(f64),
    Str(&'a str),
    List,
    Object,
}

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Null => f.write_str("null"),
            Found::Bool(b) => write!(f, "`{b}`"),
            Found::Uint(n) => write!(f, "`{n}`"),
            Found::Int(n) => write!(f, "`{n}`"),
            Found::Float(n) => write!(f, "`{n}`"),
            Found::Str(s) => write!(f, "{s:?}"),
            Found::List => f.write_str("a list"),
            Found::Object => f.write_str("an object"),
        }
    }
}

fn must<E: de::Error>(key: &str, expected: &str, found: &Found) -> E {
    E::custom(format_args!("`{key}` must be {expected}; found {found}"))
}

/// Visit methods for the shapes a visitor does not accept; each turns the value
/// into the visitor's own "must be …; found …" error.
macro_rules! reject {
    ($($kind:ident),*) => { $(reject!(@ $kind);)* };
    (@bool) => { fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> { Err(self.reject(Found::Bool(v))) } };
    (@u64) => { fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> { Err(self.reject(Found::Uint(v))) } };
    (@i64) => { fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> { Err(self.reject(Found::Int(v))) } };
    (@f64) => { fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> { Err(self.reject(Found::Float(v))) } };
    (@str) => { fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> { Err(self.reject(Found::Str(v))) } };
    (@unit) => { fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> { Err(self.reject(Found::Null)) } };
    (@seq) => { fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> { Err(self.reject(Found::List)) } };
    (@map) => { fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> { Err(self.reject(Found::Object)) } };
}

/// A scalar setting: `accept` turns the value into `T` or refuses it.
struct Scalar<'k, T> {
    key: &'k str,
    expected: &'k str,
    accept: fn(&Found) -> Option<T>,
}

impl<T> Scalar<'_, T> {
    fn check<E: de::Error>(self, found: Found) -> Result<T, E> {
        (self.accept)(&found).ok_or_else(|| self.reject(found))
    }
    fn reject<E: de::Error>(&self, found: Found) -> E {
        must(self.key, self.expected, &found)
    }
}

impl<'de, T> Visitor<'de> for Scalar<'_, T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.check(Found::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.check(Found::Uint(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.check(Found::Int(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.check(Found::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.check(Found::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.check(Found::Null)
    }
    reject!(seq, map);
}

impl<'de, T> DeserializeSeed<'de> for Scalar<'_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

fn boolean(key: &str) -> Scalar<'_, bool> {
    Scalar {
        key,
        expected: "true or false",
        accept: |f| match f {
            Found::Bool(b) => Some(*b),
            _ => None,
        },
    }
}

/// A limit on concurrent agents: a whole number of at least 1, or null for none.
fn limit(key: &str) -> Scalar<'_, Option<u32>> {
    Scalar {
        key,
        expected: "a whole number of at least 1, or null",
        accept: |f| match f {
            Found::Null => Some(None),
            Found::Uint(n) if *n >= 1 => u32::try_from(*n).ok().map(Some),
            _ => None,
        },
    }
}

fn text<'k>(key: &'k str, expected: &'k str) -> Scalar<'k, String> {
    Scalar {
        key,
        expected,
        accept: |f| match f {
            Found::Str(s) if !s.trim().is_empty() => Some(s.to_string()),
            _ => None,
        },
    }
}

fn one_of<T: Named>() -> String {
    let names: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
    format!("one of {}", names.join(", "))
}

pub(super) fn named_from_str<T: Named>(s: &str) -> Result<T, String> {
    T::ALL
        .iter()
        .copied()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| format!("`{}` must be {}; found {s:?}", T::KEY, one_of::<T>()))
}

pub(super) fn named<'de, T: Named, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let expected = one_of::<T>();
    d.deserialize_any(Scalar {
        key: T::KEY,
        expected: &expected,
        accept: |f| match f {
            Found::Str(s) => named_from_str(s).ok(),
            _ => None,
        },
    })
}

fn commit_docs<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(boolean("commit_docs"))
}

fn auditor<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(boolean("auditor"))
}

pub(super) fn timeout_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_any(Scalar {
        key: "agent.timeout_secs",
        expected: "a whole number of seconds, at least 1",
        accept: |f| match f {
            Found::Uint(n) if *n >= 1 => Some(Some(*n)),
            _ => None,
        },
    })
}

/// `agent.command`, when written: it replaces the profile's command line.
pub(super) fn optional_command<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    command(d).map(Some)
}

pub(super) fn max_parallel<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    d.deserialize_any(limit("agent.max_parallel"))
}

const TEMPLATE: &str = "a branch name template such as \"renn/stage-{stage}-{slug}\"";

fn stage_branch_template<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(text("stage_branch_template", TEMPLATE))
}

fn milestone_branch_template<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(text("milestone_branch_template", TEMPLATE))
}

/// An object of settings read by `T`'s derived `Deserialize`, or says what `key` must be.
struct ObjectOf<T> {
    key: &'static str,
    expected: &'static str,
    of: PhantomData<T>,
}

impl<T> ObjectOf<T> {
    fn reject<E: de::Error>(&self, found: Found) -> E {
        must(self.key, self.expected, &found)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOf<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
    reject!(bool, u64, i64, f64, str, unit, seq);
}

fn agent<'de, D: Deserializer<'de>>(d: D) -> Result<AgentConfig, D::Error> {
    let fields: AgentFields = d.deserialize_any(ObjectOf {
        key: "agent",
        expected: "an object such as {\"profile\": \"claude\", \"timeout_secs\": 3600}",
        of: PhantomData,
    })?;
    Ok(fields.into())
}

/// The whole file: a JSON object of settings.
pub(super) struct Settings(pub Config);

impl<'de> Deserialize<'de> for Settings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f: Fields = d.deserialize_any(ObjectOf {
            key: "config.json",
            expected: "a JSON object of settings such as {\"horsepower\": \"balanced\"}",
            of: PhantomData,
        })?;
        Ok(Settings(Config {
            file: super::CONFIG_PATH,
            horsepower: f.horsepower,
            commit_docs: f.commit_docs,
            commit_docs_configured: f.commit_docs,
            parallelization: f.parallelization,
            branching_strategy: f.branching_strategy,
            stage_branch_template: f.stage_branch_template,
            milestone_branch_template: f.milestone_branch_template,
            model_overrides: f.model_overrides,
            agent: f.agent,
            auditor: f.auditor,
            isolation: f.isolation,
            extra: Default::default(),
            warnings: Vec::new(),
        }))
    }
}

/// The keys renn reads. Unknown keys are skipped here (serde's default) and
/// collected by the caller's second parse.
#[derive(Deserialize)]
#[serde(default)]
struct Fields {
    horsepower: Horsepower,
    #[serde(deserialize_with = "commit_docs")]
    commit_docs: bool,
    #[serde(deserialize_with = "parallelization")]
    parallelization: Parallelization,
    branching_strategy: BranchingStrategy,
    #[serde(deserialize_with = "stage_branch_template")]
    stage_branch_template: String,
    #[serde(deserialize_with = "milestone_branch_template")]
    milestone_branch_template: String,
    #[serde(deserialize_with = "model_overrides")]
    model_overrides: BTreeMap<String, String>,
    #[serde(deserialize_with = "agent")]
    agent: AgentConfig,
    #[serde(deserialize_with = "auditor")]
    auditor: bool,
    isolation: Isolation,
}

impl Default for Fields {
    fn default() -> Self {
        let c = Config::default();
        Fields {
            horsepower: c.horsepower,
            commit_docs: c.commit_docs,
            parallelization: c.parallelization,
            branching_strategy: c.branching_strategy,
            stage_branch_template: c.stage_branch_template,
            milestone_branch_template: c.milestone_branch_template,
            model_overrides: c.model_overrides,
            agent: c.agent,
            auditor: c.auditor,
            isolation: c.isolation,
        }
    }
}

// Declared after `reject!`, which it uses.
mod shapes;
pub(super) use shapes::command;
use shapes::{model_overrides, parallelization};
