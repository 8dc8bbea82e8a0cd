//! The visitors behind config.json. Each knows the key it reads, so a bad value
//! says "`commit_docs` must be true or false; found \"yes\"" rather than serde's
//! "invalid type: string, expected a boolean". Every check runs *inside* the visit
//! of its value: serde_json stamps an error with its position only there (an error
//! raised after the value returns is placed wherever the enclosing object ends).

use super::agent::AgentFields;
use super::spellings::{self, Conflict};
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
    let aliases: Vec<String> = (T::ALIASES.iter())
        .map(|(alias, v)| format!(", or {alias:?} for {}", v.as_str()))
        .collect();
    format!("one of {}{}", names.join(", "), aliases.concat())
}

pub(super) fn named_from_str<T: Named>(s: &str) -> Result<T, String> {
    let alias = T::ALIASES.iter().find(|(a, _)| *a == s).map(|(_, v)| *v);
    (T::ALL.iter().copied().find(|v| v.as_str() == s))
        .or(alias)
        .ok_or_else(|| format!("`{}` must be {}; found {s:?}", T::KEY, one_of::<T>()))
}

pub(super) fn named<'de, T: Named, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    named_at(d, T::KEY)
}

/// A named value written under `key` (a GSD spelling of `T`'s setting, say).
fn named_at<'de, T: Named, D: Deserializer<'de>>(d: D, key: &str) -> Result<T, D::Error> {
    let expected = one_of::<T>();
    d.deserialize_any(Scalar {
        key,
        expected: &expected,
        accept: |f| match f {
            Found::Str(s) => named_from_str(s).ok(),
            _ => None,
        },
    })
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

/// `fn name(d) -> Option<T>`: a setting under one of its names, `Some` when written
/// (absent keys take the struct's default, `None`; a `null` is refused like any
/// other wrong value, which `Option`'s own `Deserialize` would not do).
macro_rules! written {
    ($($name:ident: $ty:ty = |$d:ident| $read:expr;)+) => {$(
        pub(super) fn $name<'de, D: Deserializer<'de>>($d: D) -> Result<Option<$ty>, D::Error> {
            $read.map(Some)
        }
    )+};
}

written! {
    horsepower: Horsepower = |d| named(d);
    model_profile: Horsepower = |d| named_at(d, "model_profile");
    commit_docs: bool = |d| d.deserialize_any(boolean("commit_docs"));
    branching_strategy: BranchingStrategy = |d| named(d);
    stage_branch_template: String = |d| d.deserialize_any(text("stage_branch_template", TEMPLATE));
    phase_branch_template: String = |d| d.deserialize_any(text("phase_branch_template", TEMPLATE));
    milestone_branch_template: String =
        |d| d.deserialize_any(text("milestone_branch_template", TEMPLATE));
    auditor: bool = |d| d.deserialize_any(boolean("auditor"));
    verifier: bool = |d| d.deserialize_any(boolean("verifier"));
    isolation: Isolation = |d| named(d);
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

/// The whole file: a JSON object of settings, and the disagreements between the
/// names a setting was written under.
pub(super) struct Settings(pub Config, pub Vec<Conflict>);

impl<'de> Deserialize<'de> for Settings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f: Fields = d.deserialize_any(ObjectOf {
            key: "config.json",
            expected: "a JSON object of settings such as {\"horsepower\": \"balanced\"}",
            of: PhantomData,
        })?;
        let (config, conflicts) = spellings::resolve(f);
        Ok(Settings(config, conflicts))
    }
}

/// The keys renn reads, each as written (`None`: absent), under renn's names and
/// GSD's. Unknown keys are skipped here (serde's default) and collected by the
/// caller's second parse; [`spellings::resolve`] picks each setting's value.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Fields {
    #[serde(deserialize_with = "horsepower")]
    pub horsepower: Option<Horsepower>,
    #[serde(deserialize_with = "commit_docs")]
    pub commit_docs: Option<bool>,
    #[serde(deserialize_with = "parallelization")]
    pub parallelization: Parallelization,
    #[serde(deserialize_with = "branching_strategy")]
    pub branching_strategy: Option<BranchingStrategy>,
    #[serde(deserialize_with = "stage_branch_template")]
    pub stage_branch_template: Option<String>,
    #[serde(deserialize_with = "milestone_branch_template")]
    pub milestone_branch_template: Option<String>,
    #[serde(deserialize_with = "model_overrides")]
    pub model_overrides: BTreeMap<String, String>,
    #[serde(deserialize_with = "agent")]
    pub agent: AgentConfig,
    #[serde(deserialize_with = "auditor")]
    pub auditor: Option<bool>,
    #[serde(deserialize_with = "isolation")]
    pub isolation: Option<Isolation>,
    // GSD's spellings ([`super::gsd`]): flat ones, then its sections.
    #[serde(deserialize_with = "model_profile")]
    pub model_profile: Option<Horsepower>,
    #[serde(deserialize_with = "phase_branch_template")]
    pub phase_branch_template: Option<String>,
    #[serde(deserialize_with = "verifier")]
    pub verifier: Option<bool>,
    #[serde(deserialize_with = "gsd::git")]
    pub git: gsd::Git,
    #[serde(deserialize_with = "gsd::planning")]
    pub planning: gsd::Planning,
    #[serde(deserialize_with = "gsd::workflow")]
    pub workflow: gsd::Workflow,
}

// Declared after `reject!` and `written!`, which they use.
pub(super) mod gsd;
mod shapes;
pub(super) use shapes::command;
use shapes::{model_overrides, parallelization};
