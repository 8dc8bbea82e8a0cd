//! Stage numbers (`3`, `03`, `12A`, `2.1`, `03.1.2`) and finding a stage's directory.
//!
//! Matching is by value, never by prefix: `2` never picks `02.1-hotfix`, `4` never
//! picks `14-x`, and an argument that is not a stage number is rejected before any
//! directory is looked at.

use crate::error::{Error, Result};
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A parsed stage number. Displays normalised: `3a.01` → `03A.1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub struct StageNumber {
    major: u32,
    letter: Option<char>,
    decimals: Vec<u32>,
}

impl StageNumber {
    pub fn major(&self) -> u32 {
        self.major
    }

    pub fn letter(&self) -> Option<char> {
        self.letter
    }

    pub fn decimals(&self) -> &[u32] {
        &self.decimals
    }

    /// Parses a stage number; `None` for anything else (including surrounding text).
    pub fn parse(s: &str) -> Option<Self> {
        let bytes = s.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let major = s[..digits].parse().ok()?;
        let mut rest = &s[digits..];
        let letter = match rest.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => {
                rest = &rest[1..];
                Some(c.to_ascii_uppercase())
            }
            _ => None,
        };
        let mut decimals = Vec::new();
        while let Some(tail) = rest.strip_prefix('.') {
            let n = tail.bytes().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return None;
            }
            decimals.push(tail[..n].parse().ok()?);
            rest = &tail[n..];
        }
        rest.is_empty().then_some(Self {
            major,
            letter,
            decimals,
        })
    }

    /// The integer part the way the seed's `printf "%02d"` pads it.
    pub fn padded(&self) -> String {
        self.to_string()
    }

    /// The number with its integer part unpadded: `03.1` → `3.1`.
    pub fn unpadded(&self) -> String {
        let mut s = self.major.to_string();
        self.push_suffix(&mut s);
        s
    }

    fn push_suffix(&self, s: &mut String) {
        if let Some(l) = self.letter {
            s.push(l);
        }
        for d in &self.decimals {
            s.push('.');
            s.push_str(&d.to_string());
        }
    }
}

impl fmt::Display for StageNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = format!("{:02}", self.major);
        self.push_suffix(&mut s);
        f.write_str(&s)
    }
}

impl FromStr for StageNumber {
    type Err = Error;

    fn from_str(arg: &str) -> Result<Self> {
        Self::parse(arg).ok_or_else(|| Error::BadStageArgument {
            arg: arg.to_string(),
        })
    }
}

impl Ord for StageNumber {
    /// By integer, then no letter before a letter, then decimals segment by segment
    /// (no decimals first): `12 < 12A < 12A.1 < 12A.1.2 < 12A.2 < 12B`.
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.letter.cmp(&other.letter))
            .then_with(|| self.decimals.cmp(&other.decimals))
    }
}

impl PartialOrd for StageNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for StageNumber {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A saved execution state names its stage as a string.
impl<'de> serde::Deserialize<'de> for StageNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A stage directory name split into its number and slug: `03-authentication`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StageDir {
    pub number: StageNumber,
    /// The part after the number: `authentication`.
    pub name: String,
    /// Project-relative path: `.renn/stages/03-authentication`.
    pub dir: String,
}

impl StageDir {
    /// Splits a directory name at its first `-`; `None` when the name is not `<number>-<slug>`.
    pub fn parse_name(dir_name: &str) -> Option<(StageNumber, &str)> {
        let (num, slug) = dir_name.split_once('-')?;
        if slug.is_empty() {
            return None;
        }
        Some((StageNumber::parse(num)?, slug))
    }

    /// The directory's own name: `03-authentication`.
    pub fn dir_name(&self) -> &str {
        self.dir.rsplit('/').next().unwrap_or(&self.dir)
    }
}

/// Finds the one stage directory for `arg` among `dir_names` (names under `.renn/stages/`).
pub fn resolve<'a>(
    arg: &str,
    dir_names: impl IntoIterator<Item = &'a str>,
    stages_root: &str,
) -> Result<StageDir> {
    let wanted: StageNumber = arg.parse()?;
    let mut found: Vec<(StageNumber, &str, &str)> = dir_names
        .into_iter()
        .filter_map(|name| {
            let (n, slug) = StageDir::parse_name(name)?;
            (n == wanted).then_some((n, name, slug))
        })
        .collect();
    found.sort_by(|a, b| a.1.cmp(b.1));
    match found.as_slice() {
        [] => Err(Error::NoStageDirectory {
            arg: arg.to_string(),
        }),
        [(number, name, slug)] => Ok(StageDir {
            number: number.clone(),
            name: slug.to_string(),
            dir: format!("{stages_root}/{name}"),
        }),
        many => Err(Error::AmbiguousStage {
            arg: arg.to_string(),
            dirs: many.iter().map(|(_, n, _)| n.to_string()).collect(),
        }),
    }
}

/// Every stage directory among `dir_names`, in stage order; other names are skipped.
pub fn list<'a>(dir_names: impl IntoIterator<Item = &'a str>, stages_root: &str) -> Vec<StageDir> {
    let mut stages: Vec<StageDir> = dir_names
        .into_iter()
        .filter_map(|name| {
            let (number, slug) = StageDir::parse_name(name)?;
            Some(StageDir {
                number,
                name: slug.to_string(),
                dir: format!("{stages_root}/{name}"),
            })
        })
        .collect();
    stages.sort_by(|a, b| a.number.cmp(&b.number).then_with(|| a.dir.cmp(&b.dir)));
    stages
}

#[cfg(test)]
mod tests;
