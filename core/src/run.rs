//! One run file (`03-02-run.md`): YAML frontmatter plus the XML-ish body sections.
//! Parsing collects every problem of the file at once, so `renn validate` can list
//! them all instead of stopping at the first.

mod body;
mod fields;
#[cfg(test)]
mod tests;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use crate::frontmatter;
use crate::layout::{self, Layout};
use crate::stage::StageNumber;
use serde::{Serialize, Serializer};
use std::fmt;

pub use body::{GateKind, Task, TaskKind};

/// `03-02`: a stage number and the run's number within it. Some projects prefix the
/// run number with letters (`12-P01`, a run of a sub-plan): the letters are upper-cased
/// and kept. Order: by stage, then runs without letters before runs with them, then by
/// letters, then by number (`12-01` < `12-02` < `12-P01` < `12-P02` < `12-Q01`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub struct RunId {
    pub stage: StageNumber,
    /// Letters before the run number (`P` of `P01`); empty for ordinary runs.
    pub prefix: String,
    pub run: u32,
}

impl RunId {
    /// Parses `03-02`, `3-2`, `02.1-01`, `12A-03`, `12-P01`.
    pub fn parse(s: &str) -> Option<Self> {
        let (stage, run) = s.rsplit_once('-')?;
        let (prefix, run) = Self::split_number(run)?;
        Some(Self {
            stage: StageNumber::parse(stage)?,
            prefix,
            run,
        })
    }

    /// `P01` → `("P", 1)`, `01` → `("", 1)`: at most three letters, then digits.
    pub fn split_number(run: &str) -> Option<(String, u32)> {
        let letters = run.bytes().take_while(u8::is_ascii_alphabetic).count();
        let digits = &run[letters..];
        if letters > 3
            || digits.is_empty()
            || digits.len() > 6
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Some((run[..letters].to_ascii_uppercase(), digits.parse().ok()?))
    }

    /// The id a run file's name gives it, in either layout: `03-02-run.md` and
    /// `03-02-PLAN.md` → `03-02`.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let vocab = layout::by_suffix(name, |v| v.run_suffix)?;
        Self::parse(name.strip_suffix(vocab.run_suffix)?)
    }

    /// The run's own part of the id, as its frontmatter writes it: `02`, `P01`.
    pub fn run_number(&self) -> String {
        format!("{}{:02}", self.prefix, self.run)
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}{:02}", self.stage, self.prefix, self.run)
    }
}

impl Serialize for RunId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Bindings hand run ids back as strings (events of the state machine).
impl<'de> serde::Deserialize<'de> for RunId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RunId::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "'{s}' is not a run id (expected <stage>-<run>, such as 03-02)"
            ))
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "lowercase")]
pub enum RunType {
    Execute,
    Tdd,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MustHaves {
    pub truths: Vec<String>,
    pub artifacts: Vec<Artifact>,
    pub key_links: Vec<KeyLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    pub path: String,
    pub provides: Option<String>,
}

impl Artifact {
    /// An entry written as a string: `src/auth.rs: JWT helpers` (or ` — `, ` - `) is a
    /// path and what it provides when the part before the separator looks like a path
    /// (no spaces); anything else is kept whole as the path.
    pub fn from_text(text: &str) -> Self {
        let text = text.trim();
        let cut = [": ", " — ", " – ", " - "]
            .iter()
            .filter_map(|sep| text.find(sep).map(|i| (i, sep.len())))
            .min()
            .filter(|&(i, _)| i > 0 && !text[..i].contains(char::is_whitespace));
        match cut {
            Some((i, len)) if !text[i + len..].trim().is_empty() => Self {
                path: text[..i].trim_matches('`').to_string(),
                provides: Some(text[i + len..].trim().to_string()),
            },
            _ => Self {
                path: text.to_string(),
                provides: None,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyLink {
    pub from: String,
    /// Empty for a link written as one sentence that names no `→`.
    pub to: String,
    pub via: Option<String>,
}

impl KeyLink {
    /// An entry written as a string: `LoginForm → /api/login via fetch` (or `->`) is
    /// split into from, to and via; a sentence without an arrow is kept whole in `from`.
    pub fn from_text(text: &str) -> Self {
        let text = text.trim();
        let arrow = ["→", "->"]
            .iter()
            .find_map(|a| text.split_once(a))
            .filter(|(from, to)| !from.trim().is_empty() && !to.trim().is_empty());
        let Some((from, to)) = arrow else {
            return Self {
                from: text.to_string(),
                to: String::new(),
                via: None,
            };
        };
        let (to, via) = match to.split_once(" via ") {
            Some((to, via)) => (to, Some(via.trim().to_string())),
            None => (to, None),
        };
        Self {
            from: from.trim().to_string(),
            to: to.trim().to_string(),
            via,
        }
    }
}

/// A `depends_on` entry as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub id: RunId,
    pub pos: Position,
}

/// A parsed run file. Positions point into the file for later validation messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFile {
    pub id: RunId,
    pub path: String,
    pub run_type: RunType,
    pub batch: Option<u32>,
    pub batch_pos: Option<Position>,
    pub depends_on: Vec<Dependency>,
    pub files_modified: Vec<String>,
    pub files_pos: Option<Position>,
    /// As written, or derived from the tasks when the key is absent.
    pub autonomous: bool,
    pub autonomous_pos: Option<Position>,
    pub gap_closure: bool,
    pub must_haves: MustHaves,
    pub objective: Option<String>,
    pub tasks: Vec<Task>,
}

impl RunFile {
    pub fn gates(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.kind.gate().is_some())
    }
}

/// What parsing one file produced: the run when it is usable, and every finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub run: Option<RunFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the run file at `path` (project-relative; its file name gives the run id).
pub fn parse(path: &str, text: &str) -> Parsed {
    let mut out = Parsed {
        run: None,
        diagnostics: Vec::new(),
    };
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let vocab = layout::by_suffix(file_name, |v| v.run_suffix).unwrap_or(Layout::Renn.vocab());
    let Some(id) = RunId::from_file_name(file_name) else {
        let suffix = vocab.run_suffix;
        out.diagnostics.push(
            Diagnostic::error(
                Code::RunFileName,
                format!(
                    "`{file_name}` is not a {} file name: expected <{}>-<{}>{suffix}",
                    vocab.run_lower(),
                    vocab.stage_lower(),
                    vocab.run_lower(),
                ),
            )
            .in_file(path)
            .with_hint(format!(
                "name {} files like 03-02{suffix} ({} 03, {} 02)",
                vocab.run_lower(),
                vocab.stage_lower(),
                vocab.run_lower()
            )),
        );
        return out;
    };
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(d) => {
            out.diagnostics.push(d.in_file(path));
            return out;
        }
    };
    let root = match frontmatter::parse_yaml(split.yaml, split.yaml_line) {
        Ok(root) => root,
        Err(d) => {
            out.diagnostics.push(d.in_file(path));
            return out;
        }
    };
    let body = body::parse(split.body, split.body_line);
    let mut fields = fields::Reader::new(vocab, &root, split.yaml_line);
    let run = fields.run_file(id, path, body);
    out.diagnostics = fields.into_diagnostics(path);
    out.diagnostics.extend(consistency(&run, path));
    out.diagnostics
        .sort_by_key(|d| (d.line.unwrap_or(u32::MAX), d.column));
    if !out.diagnostics.iter().any(Diagnostic::is_error) {
        out.run = Some(run);
    }
    out
}

/// Warnings about a run that parsed: it contradicts itself but can still be planned.
fn consistency(run: &RunFile, path: &str) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    let gates = run.gates().count();
    if let Some(pos) = run.autonomous_pos {
        let (msg, hint) = match (run.autonomous, gates) {
            (true, n) if n > 0 => (
                format!("run is marked `autonomous: true` but has {n} gate task(s)"),
                "set `autonomous: false` so renn expects the run to stop at its gate",
            ),
            (false, 0) => (
                "run is marked `autonomous: false` but has no gate task".to_string(),
                "add the checkpoint task, or set `autonomous: true`",
            ),
            _ => return ds,
        };
        ds.push(
            Diagnostic::warning(Code::AutonomousMismatch, msg)
                .in_file(path)
                .at(Some(pos))
                .with_hint(hint),
        );
    }
    if run.objective.is_none() {
        ds.push(
            Diagnostic::warning(Code::ObjectiveMissing, "run has no <objective> section")
                .in_file(path)
                .with_hint("the plan and the runner prompt describe the run from its objective"),
        );
    }
    if run.tasks.is_empty() {
        ds.push(
            Diagnostic::warning(Code::NoTasks, "run has no <task> in a <tasks> section")
                .in_file(path),
        );
    }
    ds
}
