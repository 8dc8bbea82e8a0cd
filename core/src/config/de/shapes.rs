//! The settings with more than one shape or a list or map inside: checked element
//! by element, so an error points into the list or map.

use super::{boolean, limit, must, text, Found, Scalar};
use crate::config::Parallelization;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// `parallelization`: a bool, or `{"enabled": bool, "max_concurrent_agents": N}`.
struct ParallelizationVisitor;

impl ParallelizationVisitor {
    const EXPECTED: &'static str =
        "true, false or an object {\"enabled\": true, \"max_concurrent_agents\": 4}";
    fn reject<E: de::Error>(&self, found: Found) -> E {
        must("parallelization", Self::EXPECTED, &found)
    }
}

impl<'de> Visitor<'de> for ParallelizationVisitor {
    type Value = Parallelization;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::EXPECTED)
    }
    fn visit_bool<E: de::Error>(self, enabled: bool) -> Result<Parallelization, E> {
        Ok(Parallelization {
            enabled,
            max_concurrent_agents: None,
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parallelization, A::Error> {
        let mut p = Parallelization::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "enabled" => p.enabled = map.next_value_seed(boolean("parallelization.enabled"))?,
                "max_concurrent_agents" => {
                    let key = "parallelization.max_concurrent_agents";
                    p.max_concurrent_agents = map.next_value_seed(limit(key))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(p)
    }
    reject!(u64, i64, f64, str, unit, seq);
}

pub(super) fn parallelization<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Parallelization, D::Error> {
    d.deserialize_any(ParallelizationVisitor)
}

/// `agent.command`: a non-empty list of strings.
struct CommandVisitor;

impl CommandVisitor {
    const EXPECTED: &'static str = "a non-empty list of strings such as [\"claude\", \"-p\"]";
    fn reject<E: de::Error>(&self, found: Found) -> E {
        must("agent.command", Self::EXPECTED, &found)
    }
}

impl<'de> Visitor<'de> for CommandVisitor {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::EXPECTED)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut args: Vec<String> = Vec::new();
        loop {
            let key = format!("agent.command[{}]", args.len());
            let accept = |f: &Found| match f {
                Found::Str(s) => Some(s.to_string()),
                _ => None,
            };
            let expected = if args.is_empty() {
                "the program to run"
            } else {
                "a string"
            };
            let element = Scalar {
                key: &key,
                expected,
                accept,
            };
            match seq.next_element_seed(element)? {
                Some(arg) if args.is_empty() && arg.trim().is_empty() => {
                    return Err(must(&key, expected, &Found::Str(&arg)));
                }
                Some(arg) => args.push(arg),
                None if args.is_empty() => {
                    let message = format!("`agent.command` must be {}; found []", Self::EXPECTED);
                    return Err(de::Error::custom(message));
                }
                None => return Ok(args),
            }
        }
    }
    reject!(bool, u64, i64, f64, str, unit, map);
}

pub(in crate::config) fn command<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    d.deserialize_any(CommandVisitor)
}

/// `model_overrides`: agent name → model name.
struct OverridesVisitor;

impl OverridesVisitor {
    const EXPECTED: &'static str =
        "an object of agent → model, such as {\"renn-runner\": \"opus\"}";
    fn reject<E: de::Error>(&self, found: Found) -> E {
        must("model_overrides", Self::EXPECTED, &found)
    }
}

impl<'de> Visitor<'de> for OverridesVisitor {
    type Value = BTreeMap<String, String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::EXPECTED)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(agent) = map.next_key::<String>()? {
            let key = format!("model_overrides.{agent}");
            let model = map.next_value_seed(text(&key, "a model name such as \"opus\""))?;
            out.insert(agent, model);
        }
        Ok(out)
    }
    /// GSD writes `null` for "no overrides".
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }
    reject!(bool, u64, i64, f64, str, seq);
}

pub(super) fn model_overrides<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    d.deserialize_any(OverridesVisitor)
}
