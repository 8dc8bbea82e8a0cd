//! The auditor's verdict (`NN-proof.md`) and where it sends the stage next. The
//! safety rule: a `passed` proof whose body still lists human verification items is
//! `human_needed` — the data wins over the label.

use crate::diagnostic::{Diagnostic, Position};
use crate::frontmatter::{self, Node, Value};
use crate::markdown;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Gap {
    pub truth: String,
    /// `failed` or `partial`.
    pub status: String,
    pub reason: Option<String>,
    pub artifacts: Vec<GapArtifact>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct GapArtifact {
    pub path: String,
    pub issue: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct HumanCheck {
    pub test: String,
    pub expected: Option<String>,
    pub why_human: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
    pub human_verification: Vec<HumanCheck>,
    /// List items under the body's "Human Verification" heading.
    pub body_checklist: Vec<String>,
}

/// Where the auditor writes a stage's proof: `.renn/stages/03-auth/03-proof.md`.
pub fn path(stage: &crate::plan::StageInfo) -> String {
    format!("{}/{}-proof.md", stage.dir, stage.number)
}

/// Reads proof.md; every problem is a diagnostic naming the file and line.
pub fn parse(path: &str, text: &str) -> Result<Proof, Diagnostic> {
    let split = frontmatter::split(text).map_err(|d| d.in_file(path))?;
    let root = frontmatter::parse_yaml(split.yaml, split.yaml_line).map_err(|d| d.in_file(path))?;
    let status_node = root.get("status").ok_or_else(|| {
        invalid(
            path,
            "proof has no `status` (expected passed, gaps_found or human_needed)",
            Some(Position::new(split.yaml_line, 1)),
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
    let body_checklist = human_section_items(split.body);
    let overridden = declared == ProofStatus::Passed && !body_checklist.is_empty();
    Ok(Proof {
        path: path.to_string(),
        declared_status: declared,
        status: if overridden {
            ProofStatus::HumanNeeded
        } else {
            declared
        },
        overridden,
        score: root.get("score").and_then(|n| score(&n.scalar_text()?)),
        verified: root.get("verified").and_then(Node::scalar_text),
        gaps: items(root.get("gaps")).map(gap).collect(),
        human_verification: items(root.get("human_verification"))
            .filter_map(human_check)
            .collect(),
        body_checklist,
    })
}

fn invalid(path: &str, msg: &str, pos: Option<Position>) -> Diagnostic {
    Diagnostic::error("proof-invalid", msg)
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
        test: text(n, "test").or_else(|| n.scalar_text())?,
        expected: text(n, "expected"),
        why_human: text(n, "why_human"),
    })
}

/// List items (`-`, `*`, `1.`, `- [ ]`) under a heading that mentions Human Verification.
fn human_section_items(body: &str) -> Vec<String> {
    let Some(section) = markdown::sections(body)
        .into_iter()
        .find(|s| s.title.to_ascii_lowercase().contains("human verification"))
    else {
        return Vec::new();
    };
    section
        .body(body)
        .lines()
        .filter_map(list_item)
        .map(|item| {
            item.trim_start_matches("[ ]")
                .trim_start_matches("[x]")
                .trim()
                .to_string()
        })
        .filter(|item| !item.is_empty() && !item.eq_ignore_ascii_case("none"))
        .collect()
}

fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some(rest);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0)
        .then(|| t[digits..].strip_prefix(". "))
        .flatten()
}

/// Where the stage goes after the proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
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
    pub fn route(&self, stage_arg: &str) -> Route {
        match self.status {
            ProofStatus::Passed => Route::UpdateTrack,
            ProofStatus::HumanNeeded => Route::AskHuman {
                checklist: self.checklist(),
            },
            ProofStatus::GapsFound => Route::PlanGaps {
                next_command: format!("/renn.plan-stage {stage_arg} --gaps"),
            },
        }
    }

    /// The human checks: from the frontmatter, else from the body's section.
    pub fn checklist(&self) -> Vec<String> {
        if self.human_verification.is_empty() {
            return self.body_checklist.clone();
        }
        self.human_verification
            .iter()
            .map(|h| match &h.expected {
                Some(e) => format!("{} — expected: {e}", h.test),
                None => h.test.clone(),
            })
            .collect()
    }

    /// The seed's report for each route; `stage` is e.g. "3", `title` "Authentication".
    pub fn render_markdown(&self, stage: &str, title: &str) -> String {
        let mut out = String::new();
        match self.route(stage) {
            Route::UpdateTrack => {
                let _ = writeln!(out, "## ✓ Stage {stage}: {title} — Goal Verified\n");
                if let Some((a, b)) = self.score {
                    let _ = writeln!(out, "**Score:** {a}/{b} must-haves verified");
                }
            }
            Route::AskHuman { checklist } => {
                let _ = writeln!(
                    out,
                    "## ✓ Stage {stage}: {title} — Human Verification Required\n"
                );
                let _ = writeln!(
                    out,
                    "All automated checks passed. {} items need human testing:\n",
                    checklist.len()
                );
                out.push_str("### Human Verification Checklist\n\n");
                for (i, item) in checklist.iter().enumerate() {
                    let _ = writeln!(out, "{}. {item}", i + 1);
                }
                out.push_str("\n---\n\n**After testing:**\n- \"approved\" → continue to update_roadmap\n- Report issues → will route to gap closure planning\n");
                if self.overridden {
                    out.push_str("\n(The proof says `passed`, but its body lists human verification items: renn treats it as human_needed.)\n");
                }
            }
            Route::PlanGaps { next_command } => {
                self.render_gaps(&mut out, stage, title, &next_command)
            }
        }
        out
    }

    fn render_gaps(&self, out: &mut String, stage: &str, title: &str, next: &str) {
        let _ = writeln!(out, "## ⚠ Stage {stage}: {title} — Gaps Found\n");
        if let Some((a, b)) = self.score {
            let _ = writeln!(out, "**Score:** {a}/{b} must-haves verified");
        }
        let _ = writeln!(out, "**Report:** {}\n", self.path);
        out.push_str("### What's Missing\n\n");
        for g in &self.gaps {
            let _ = write!(out, "- **{}** ({})", g.truth, g.status);
            if let Some(r) = &g.reason {
                let _ = write!(out, ": {r}");
            }
            out.push('\n');
            for m in &g.missing {
                let _ = writeln!(out, "  - missing: {m}");
            }
            for a in &g.artifacts {
                let _ = writeln!(
                    out,
                    "  - {}{}",
                    a.path,
                    a.issue
                        .as_deref()
                        .map(|i| format!(": {i}"))
                        .unwrap_or_default()
                );
            }
        }
        let _ = writeln!(
            out,
            "\n---\n\n## ▶ Next Up\n\n**Plan gap closure** with your planning workflow (not a renn command) — create additional runs to complete the stage\n\n`{next}`\n\nthen run them: `renn run-stage {stage} --gaps-only`\n\n<sub>`/clear` first → fresh context window</sub>\n\n---\n\n**Also available:**\n- `cat {}` — see full report\n- `/renn.audit {stage}` (planning workflow) — manual testing before planning",
            self.path
        );
    }
}

#[cfg(test)]
mod tests;
