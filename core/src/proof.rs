//! The auditor's verdict (`NN-proof.md`) and where it sends the stage next. The
//! safety rule: a `passed` proof that still lists human verification items (in its
//! frontmatter or its body) is `human_needed` — the data wins over the label.
//! Proofs are read the way auditors write them (see docs/spec.md, "Proof and routing").

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use crate::frontmatter::{self, Node, Value};
use crate::layout::Vocabulary;
use crate::stage::StageNumber;
use serde::{Deserialize, Serialize};

mod human;
mod lines;
mod render;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "snake_case")]
pub enum ProofStatus {
    Passed,
    GapsFound,
    HumanNeeded,
}

impl ProofStatus {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "passed" => Some(Self::Passed),
            "gaps_found" => Some(Self::GapsFound),
            "human_needed" => Some(Self::HumanNeeded),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Gap {
    pub truth: String,
    /// `failed` or `partial`.
    pub status: String,
    pub reason: Option<String>,
    pub artifacts: Vec<GapArtifact>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct GapArtifact {
    pub path: String,
    pub issue: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HumanCheck {
    pub test: String,
    pub expected: Option<String>,
    pub why_human: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Proof {
    pub path: String,
    /// The status the auditor wrote.
    pub declared_status: ProofStatus,
    /// The status renn acts on (after the safety rule).
    pub status: ProofStatus,
    pub overridden: bool,
    /// `score: 5/7 must-haves verified` → (5, 7).
    pub score: Option<(u32, u32)>,
    pub verified: Option<String>,
    pub gaps: Vec<Gap>,
    /// The frontmatter's `human_verification` list.
    pub human_verification: Vec<HumanCheck>,
    /// The checks of the body's "Human Verification" section (list items, numbered
    /// lines, numbered subsections) that the frontmatter list does not already name.
    pub body_checklist: Vec<String>,
    /// What did not stop the proof from being read (frontmatter that is not valid
    /// YAML, read by its `status:` line), each with file, line and column.
    #[serde(default, skip_deserializing)]
    pub warnings: Vec<Diagnostic>,
}

/// Where the auditor writes a stage's proof: `.renn/stages/03-auth/03-proof.md`.
pub fn path(vocab: &Vocabulary, stage: &crate::plan::StageInfo) -> String {
    format!("{}/{}", stage.dir, exact_name(vocab, &stage.number))
}

fn exact_name(vocab: &Vocabulary, number: &StageNumber) -> String {
    format!("{number}{}", vocab.proof_suffix)
}

/// The stage's proof as the workflow finds it, from the names of the files in its
/// directory: `NN-proof.md` when it exists, else the one `*-proof.md`; `None` when
/// there is none, an error naming both when two (or more) could be it.
pub fn locate<'a>(
    vocab: &Vocabulary,
    dir: &str,
    number: &StageNumber,
    files: impl IntoIterator<Item = &'a str>,
) -> Result<Option<String>, Diagnostic> {
    let exact = exact_name(vocab, number);
    let mut candidates: Vec<&str> = files
        .into_iter()
        .filter(|n| n.ends_with(vocab.proof_suffix))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    if candidates.contains(&exact.as_str()) {
        return Ok(Some(format!("{dir}/{exact}")));
    }
    match candidates.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(format!("{dir}/{one}"))),
        many => Err(Diagnostic::error(
            Code::ProofAmbiguous,
            format!(
                "the stage has {} proofs and none is named {exact}: {}",
                many.len(),
                many.join(", ")
            ),
        )
        .in_file(dir)
        .with_hint(format!(
            "keep one `*{}` in the stage directory, or name the current one {exact}",
            vocab.proof_suffix
        ))),
    }
}

/// What the frontmatter says, from the YAML or (when that is malformed) its lines.
struct Fields {
    declared: ProofStatus,
    score: Option<(u32, u32)>,
    verified: Option<String>,
    gaps: Vec<Gap>,
    human_verification: Vec<HumanCheck>,
    warnings: Vec<Diagnostic>,
}

/// Reads proof.md; a problem that keeps it from being routed is a diagnostic naming
/// the file, line and column.
pub fn parse(path: &str, text: &str) -> Result<Proof, Diagnostic> {
    let split = frontmatter::split(text).map_err(|d| match d.code {
        Code::FrontmatterMissing => d.in_file(path).with_hint(
            "a proof starts with `---`, its YAML fields (`status:` at least), and another `---`",
        ),
        _ => d.in_file(path),
    })?;
    let fields = match frontmatter::parse_yaml(split.yaml, split.yaml_line) {
        Ok(root) => from_yaml(path, &root, split.yaml_line)?,
        Err(bad) => from_lines(path, &split, bad)?,
    };
    let mut body_checks = human::body_checks(split.body);
    body_checks.retain(|c| !fields.human_verification.iter().any(|h| c.same_as(h)));
    let body_checklist: Vec<String> = body_checks.iter().map(|c| c.text()).collect();
    let declared = fields.declared;
    let overridden = declared == ProofStatus::Passed
        && !(fields.human_verification.is_empty() && body_checklist.is_empty());
    Ok(Proof {
        path: path.to_string(),
        declared_status: declared,
        status: if overridden {
            ProofStatus::HumanNeeded
        } else {
            declared
        },
        overridden,
        score: fields.score,
        verified: fields.verified,
        gaps: fields.gaps,
        human_verification: fields.human_verification,
        body_checklist,
        warnings: fields.warnings,
    })
}

fn from_yaml(path: &str, root: &Node, yaml_line: u32) -> Result<Fields, Diagnostic> {
    let status_node = root.get("status").ok_or_else(|| {
        invalid(
            path,
            "proof has no `status` (expected passed, gaps_found or human_needed)",
            Some(Position::new(yaml_line, 1)),
        )
    })?;
    let declared = status_node
        .scalar_text()
        .and_then(|s| ProofStatus::parse(s.trim()))
        .ok_or_else(|| {
            invalid(
                path,
                &format!(
                    "`status` must be passed, gaps_found or human_needed; found {}",
                    status_node.describe()
                ),
                Some(status_node.pos),
            )
        })?;
    Ok(Fields {
        declared,
        score: root.get("score").and_then(|n| score(&n.scalar_text()?)),
        verified: root.get("verified").and_then(Node::scalar_text),
        gaps: items(root.get("gaps")).map(gap).collect(),
        human_verification: items(root.get("human_verification"))
            .filter_map(human_check)
            .collect(),
        warnings: Vec::new(),
    })
}

/// Frontmatter that is not valid YAML: the `status:` line decides, with a warning.
/// Without a readable `status:` line the YAML error stands.
fn from_lines(
    path: &str,
    split: &frontmatter::Split<'_>,
    bad: Diagnostic,
) -> Result<Fields, Diagnostic> {
    let line = |key| lines::value(split.yaml, split.yaml_line, key);
    let Some((status, pos)) = line("status") else {
        return Err(bad.in_file(path).with_hint(
            "renn reads a proof whose frontmatter is not valid YAML by its `status:` line, and there is none",
        ));
    };
    let declared = ProofStatus::parse(status).ok_or_else(|| {
        invalid(
            path,
            &format!("`status` must be passed, gaps_found or human_needed; found \"{status}\""),
            Some(pos),
        )
    })?;
    let mut warning = Diagnostic::warning(
        Code::ProofYaml,
        format!(
            "the frontmatter is not valid YAML ({}): renn read only its `status:`, `score:` and `verified:` lines",
            bad.message.trim_start_matches("invalid YAML in frontmatter: ")
        ),
    )
    .in_file(path)
    .with_hint("quote values that contain `: ` and check the indentation; the frontmatter's gaps and human_verification lists were not read");
    warning.line = bad.line;
    warning.column = bad.column;
    Ok(Fields {
        declared,
        score: line("score").and_then(|(v, _)| score(v)),
        verified: line("verified")
            .map(|(v, _)| v.to_string())
            .filter(|v| !v.is_empty()),
        gaps: Vec::new(),
        human_verification: Vec::new(),
        warnings: vec![warning],
    })
}

fn invalid(path: &str, msg: &str, pos: Option<Position>) -> Diagnostic {
    Diagnostic::error(Code::ProofInvalid, msg)
        .in_file(path)
        .at(pos)
}

fn score(text: &str) -> Option<(u32, u32)> {
    let first = text.split_whitespace().next()?;
    let (a, b) = first.split_once('/')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn items(n: Option<&Node>) -> impl Iterator<Item = &Node> {
    let list: &[Node] = match n.map(|n| &n.value) {
        Some(Value::Seq(v)) => v,
        _ => &[],
    };
    list.iter()
}

fn text(n: &Node, key: &str) -> Option<String> {
    n.get(key).and_then(Node::scalar_text)
}

fn gap(n: &Node) -> Gap {
    Gap {
        truth: text(n, "truth")
            .or_else(|| n.scalar_text())
            .unwrap_or_default(),
        status: text(n, "status").unwrap_or_else(|| "failed".into()),
        reason: text(n, "reason"),
        artifacts: items(n.get("artifacts"))
            .filter_map(|a| {
                Some(GapArtifact {
                    path: text(a, "path").or_else(|| a.scalar_text())?,
                    issue: text(a, "issue"),
                })
            })
            .collect(),
        missing: items(n.get("missing"))
            .filter_map(Node::scalar_text)
            .collect(),
    }
}

fn human_check(n: &Node) -> Option<HumanCheck> {
    Some(HumanCheck {
        test: text(n, "test")
            .or_else(|| n.scalar_text())
            .filter(|t| !t.trim().is_empty() && !human::is_none_text(t))?,
        expected: text(n, "expected"),
        why_human: text(n, "why_human"),
    })
}

/// Where the stage goes after the proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// Update the track and pulse, commit, offer next.
    UpdateTrack,
    /// Present the checklist; "approved" → update the track, issues → gaps.
    AskHuman { checklist: Vec<String> },
    /// Present the gaps and offer gap-closure planning.
    PlanGaps { next_command: String },
}

impl Proof {
    /// The layout the proof's file name is in (`03-VERIFICATION.md`: GSD's), for the
    /// words of its report and the planning command it offers.
    pub fn vocab(&self) -> &'static Vocabulary {
        crate::layout::by_suffix(&self.path, |v| v.proof_suffix)
            .unwrap_or(crate::layout::Layout::Renn.vocab())
    }

    pub fn route(&self, stage_arg: &str) -> Route {
        match self.status {
            ProofStatus::Passed => Route::UpdateTrack,
            ProofStatus::HumanNeeded => Route::AskHuman {
                checklist: self.checklist(),
            },
            ProofStatus::GapsFound => Route::PlanGaps {
                next_command: format!("{} {stage_arg} --gaps", self.vocab().plan_command),
            },
        }
    }

    /// The human checks: the frontmatter's (`test — expected: …`), then those of the
    /// body the frontmatter does not already name.
    pub fn checklist(&self) -> Vec<String> {
        self.human_verification
            .iter()
            .map(|h| match &h.expected {
                Some(e) => format!("{} — expected: {e}", h.test),
                None => h.test.clone(),
            })
            .chain(self.body_checklist.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests;
