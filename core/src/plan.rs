//! The Execution Plan: the inventory filtered (completed runs, `--gaps-only`) and
//! grouped into batches, as JSON for scripts and as the seed's markdown table.

use crate::batch::{self, Batch};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::inventory::{BatchSource, Inventory, Run};
use crate::stage::StageNumber;
use serde::Serialize;
use std::fmt::Write as _;

/// Filters of the seed's discover_runs step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Only runs with `gap_closure: true` (after a proof found gaps).
    pub gaps_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StageInfo {
    pub number: StageNumber,
    pub name: String,
    pub dir: String,
    /// The stage's title from track.md, or its name with words capitalised.
    pub title: String,
}

/// Why runs are not in `batches`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Skipped {
    pub complete: Vec<crate::run::RunId>,
    pub not_gap_closure: Vec<crate::run::RunId>,
    /// Left out by [`Plan::only_run`] (`renn retry`): absent from JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub not_selected: Vec<crate::run::RunId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Plan {
    pub stage: StageInfo,
    /// Every run of the stage, in id order.
    pub runs: Vec<Run>,
    /// Only the runs left to execute, by batch.
    pub batches: Vec<Batch>,
    /// The plan's warnings (a plan with errors is refused), in file and line order.
    pub diagnostics: Vec<Diagnostic>,
    pub batch_source: BatchSource,
    pub skipped: Skipped,
    /// "No matching incomplete runs" when the filters leave nothing to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The project's layout: the words of the markdown report.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    #[cfg_attr(feature = "tsify", tsify(type = "never"))]
    pub layout: crate::layout::Layout,
}

pub const NOTHING_TO_RUN: &str = "No matching incomplete runs";

/// Builds the plan from an inventory without errors.
pub fn build(inventory: Inventory, title: String, opts: PlanOptions) -> Plan {
    let mut skipped = Skipped::default();
    let pending: Vec<&Run> = inventory
        .runs
        .iter()
        .filter(|r| {
            if r.complete {
                skipped.complete.push(r.id.clone());
                false
            } else if opts.gaps_only && !r.gap_closure {
                skipped.not_gap_closure.push(r.id.clone());
                false
            } else {
                true
            }
        })
        .collect();
    // Overlaps matter only among the runs that will execute: recompute them for the
    // filters (the inventory already left out complete runs).
    let mut diagnostics = inventory.diagnostics;
    if opts.gaps_only {
        diagnostics.retain(|d| d.code != Code::FilesOverlap);
        batch::overlaps(
            pending.iter().copied(),
            inventory.concurrency,
            &mut diagnostics,
        );
        diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }
    let batches = batch::group(pending);
    let stage = inventory.stage;
    Plan {
        stage: StageInfo {
            number: stage.number,
            name: stage.name,
            dir: stage.dir,
            title,
        },
        message: batches.is_empty().then(|| NOTHING_TO_RUN.to_string()),
        batches,
        diagnostics,
        batch_source: inventory.batch_source,
        skipped,
        runs: inventory.runs,
        layout: Default::default(),
    }
}

impl Plan {
    /// The plan with only `run` left to execute (`renn retry`): the other pending runs
    /// move to `skipped.not_selected`, and batches left empty go.
    pub fn only_run(mut self, run: &crate::run::RunId) -> Plan {
        for batch in &mut self.batches {
            let (keep, drop): (Vec<_>, Vec<_>) = batch.runs.drain(..).partition(|r| r == run);
            self.skipped.not_selected.extend(drop);
            batch.runs = keep;
        }
        self.batches.retain(|b| !b.runs.is_empty());
        self.skipped.not_selected.sort();
        if self.batches.is_empty() {
            self.message = Some(NOTHING_TO_RUN.to_string());
        }
        self
    }
}

/// `user-auth` → `User Auth`, for stages the track does not name.
pub fn title_from_slug(slug: &str) -> String {
    slug.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Plan {
    fn run(&self, id: &crate::run::RunId) -> Option<&Run> {
        self.runs.iter().find(|r| &r.id == id)
    }

    /// The seed's "Execution Plan" report.
    pub fn render_markdown(&self) -> String {
        let v = self.layout.vocab();
        let mut out = String::from("## Execution Plan\n\n");
        let total: usize = self.batches.iter().map(|b| b.runs.len()).sum();
        if self.is_complete() {
            let _ = writeln!(
                out,
                "**{} {}: {}** — complete: every {} has its {} ({}).",
                v.stage_word,
                self.stage.number.unpadded(),
                self.stage.title,
                v.run_lower(),
                v.recap_word.to_lowercase(),
                plural(self.runs.len(), v.run_lower()),
            );
            self.render_warnings(&mut out);
            return out;
        }
        let _ = writeln!(
            out,
            "**{} {}: {}** — {} across {}\n",
            v.stage_word,
            self.stage.number.unpadded(),
            self.stage.title,
            plural(total, v.run_lower()),
            plural(self.batches.len(), &v.batch_word.to_lowercase()),
        );
        if let Some(msg) = &self.message {
            let _ = writeln!(out, "{msg}.");
        } else {
            let (b, r) = (v.batch_word, v.run_word);
            let _ = writeln!(out, "| {b} | {r}s | What it builds |");
            let _ = writeln!(
                out,
                "|{}|{}|----------------|",
                "-".repeat(b.len() + 2),
                "-".repeat(r.len() + 3)
            );
            for b in &self.batches {
                let runs: Vec<&Run> = b.runs.iter().filter_map(|id| self.run(id)).collect();
                let ids: Vec<String> = runs.iter().map(|r| run_label(r)).collect();
                let what: Vec<&str> = runs.iter().map(|r| r.summary.as_str()).collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    b.batch,
                    ids.join(", "),
                    cell(&what.join("; "))
                );
            }
        }
        self.render_skipped(&mut out);
        self.render_warnings(&mut out);
        out
    }

    /// Every run of the stage has its recap: nothing is left to execute.
    pub fn is_complete(&self) -> bool {
        !self.runs.is_empty() && self.runs.iter().all(|r| r.complete)
    }

    /// `--batch N` must name one of the stage's batches (complete or not).
    pub fn check_batch(&self, batch: u32) -> Result<(), Diagnostic> {
        let mut known: Vec<u32> = self.runs.iter().map(|r| r.batch).collect();
        known.sort_unstable();
        known.dedup();
        if known.contains(&batch) {
            return Ok(());
        }
        let list: Vec<String> = known.iter().map(u32::to_string).collect();
        Err(Diagnostic::error(
            Code::NoSuchBatch,
            format!(
                "stage {} has no batch {batch}",
                self.stage.number.unpadded()
            ),
        )
        .in_file(&self.stage.dir)
        .with_hint(format!("its batches: {}", list.join(", "))))
    }

    fn render_warnings(&self, out: &mut String) {
        if !self.diagnostics.is_empty() {
            out.push_str("\n**Warnings:**\n");
            for w in &self.diagnostics {
                let _ = writeln!(out, "- {}", w.one_line());
            }
        }
    }

    fn render_skipped(&self, out: &mut String) {
        let lists = [
            (&self.skipped.complete, "already complete"),
            (
                &self.skipped.not_gap_closure,
                "not gap closure (--gaps-only)",
            ),
        ];
        for (ids, why) in lists {
            if ids.is_empty() {
                continue;
            }
            let names: Vec<String> = ids.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "\nSkipped, {why}: {}", names.join(", "));
        }
    }
}

fn run_label(r: &Run) -> String {
    let mut s = r.id.to_string();
    if r.has_gate() {
        s.push_str(" [checkpoint]");
    }
    if r.gap_closure {
        s.push_str(" [gap closure]");
    }
    s
}

/// A markdown table cell cannot hold `|` or a line break.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "batch") => format!("{n} batches"),
        _ => format!("{n} {word}s"),
    }
}
