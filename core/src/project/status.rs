//! `renn status`: every stage of the project — from track.md and the stage
//! directories — with its runs done, gates waiting, proof and what to do next. A pure
//! function of the snapshot: the host loads every stage (run files, recaps, gate
//! records, proofs) and asks.

use super::Project;
use crate::gate::GateRecord;
use crate::inventory::{self, Inventory};
use crate::next::{self, Next};
use crate::proof::{self, ProofStatus};
use crate::run::RunId;
use crate::stage::{StageDir, StageNumber};
use crate::track;
use crate::Result;
use serde::Serialize;
use std::collections::BTreeMap;

/// The project's stages in stage order, and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Status {
    pub stages: Vec<StageStatus>,
    /// What `renn next` says; `None` when track.md is missing or lists no stages.
    pub next: Option<Next>,
}

/// Where one stage stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct StageStatus {
    pub number: StageNumber,
    pub title: String,
    /// The stage directory, when there is one.
    pub dir: Option<String>,
    /// Checked in track.md's checklist.
    pub checked: bool,
    pub state: StageState,
    /// Runs with a recap, and all runs of the stage's plan.
    pub runs_done: usize,
    pub runs_total: usize,
    /// Runs stopped at a gate (`NN-MM-gate.md`): `answered` once an answer is recorded
    /// and only the continuation is left.
    pub gates_waiting: Vec<GateWaiting>,
    /// Runs not complete whose earlier attempt failed (`NN-MM-recap.rejected.md`).
    pub failed: Vec<RunId>,
    /// The proof's status (`passed`, `gaps_found`, `human_needed`), `invalid` when
    /// it cannot be read, `None` when there is none.
    pub proof: Option<String>,
    /// Errors in the stage's plan (`renn validate` lists them).
    pub error_count: usize,
    /// What to do next, as a command: `renn run-stage 3`, or a planning command of
    /// the wider workflow (`/renn.plan-stage 3`), which `hint` says is not renn's.
    pub next: Option<String>,
    /// The next step in words.
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct GateWaiting {
    pub run: RunId,
    pub answered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    /// No stage directory, or no run files in it.
    NotPlanned,
    /// The plan has errors.
    Invalid,
    /// Planned, no run complete yet.
    Planned,
    /// Some runs complete.
    InProgress,
    /// A run stopped at a gate and waits for an answer (`--respond`).
    GateWaiting,
    /// Every run complete; the auditor has not written a proof yet.
    Auditing,
    /// The proof found gaps: gap-closure runs are to be planned.
    GapsFound,
    /// The proof asks for human verification.
    HumanNeeded,
    /// The proof passed; the track is not updated yet.
    Verified,
    /// Checked in track.md.
    Complete,
}

impl Project {
    /// Every stage — track.md's checklist and the stage directories — in stage order.
    /// Needs the snapshot to hold every stage's files (the CLI's `renn status` and
    /// `Project.load` read them all).
    pub fn status(&self) -> Result<Status> {
        let track_text = self.snapshot.text(self.vocab().track)?;
        let track_stages = track_text.map(track::stages).unwrap_or_default();
        let dirs: BTreeMap<StageNumber, StageDir> = self
            .stages()
            .into_iter()
            .map(|d| (d.number.clone(), d))
            .collect();
        let mut numbers: Vec<StageNumber> = track_stages.iter().map(|s| s.number.clone()).collect();
        numbers.extend(dirs.keys().cloned());
        numbers.sort();
        numbers.dedup();
        let mut stages = Vec::with_capacity(numbers.len());
        for number in numbers {
            let in_track = track_stages.iter().find(|s| s.number == number);
            let dir = dirs.get(&number);
            stages.push(self.stage_status(&number, in_track, dir)?);
        }
        let next = match track_text {
            Some(t) if !track_stages.is_empty() => {
                Some(next::current_with(self.vocab(), t, |n| self.is_planned(n))?)
            }
            _ => None,
        };
        Ok(Status { stages, next })
    }

    /// The stage's directory holds run files.
    pub(super) fn is_planned(&self, number: &StageNumber) -> bool {
        self.stages()
            .iter()
            .filter(|d| &d.number == number)
            .any(|d| {
                self.snapshot
                    .children(&d.dir)
                    .iter()
                    .any(|n| n.ends_with(self.vocab().run_suffix))
            })
    }

    fn stage_status(
        &self,
        number: &StageNumber,
        in_track: Option<&track::TrackStage>,
        dir: Option<&StageDir>,
    ) -> Result<StageStatus> {
        let n = number.unpadded();
        let checked = in_track.is_some_and(|s| s.complete);
        let title = match (in_track, dir) {
            (Some(s), _) => s.title.clone(),
            (None, Some(d)) => self.stage_title(d),
            (None, None) => String::new(),
        };
        let mut status = StageStatus {
            number: number.clone(),
            title,
            dir: dir.map(|d| d.dir.clone()),
            checked,
            state: StageState::NotPlanned,
            runs_done: 0,
            runs_total: 0,
            gates_waiting: Vec::new(),
            failed: Vec::new(),
            proof: None,
            error_count: 0,
            next: None,
            hint: String::new(),
        };
        let inventory = match dir {
            Some(d) => match inventory::take(&self.snapshot, d, self.concurrency()) {
                Ok(inv) => Some(inv),
                Err(crate::Error::NoRuns { .. }) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let Some(inv) = inventory else {
            status.state = if checked {
                StageState::Complete
            } else {
                StageState::NotPlanned
            };
            if !checked {
                let plan = format!("{} {n}", self.vocab().plan_command);
                status.hint = format!(
                    "plan it with your planning workflow (`{plan}`, not a renn command), then `renn run-stage {n}`"
                );
                status.next = Some(plan);
            } else {
                status.hint = "complete".into();
            }
            return Ok(status);
        };
        self.fill_runs(&mut status, &inv)?;
        self.decide(&mut status, &inv, &n)?;
        Ok(status)
    }

    fn fill_runs(&self, status: &mut StageStatus, inv: &Inventory) -> Result<()> {
        status.runs_total = inv.runs.len();
        status.runs_done = inv.runs.iter().filter(|r| r.complete).count();
        status.error_count = inv.diagnostics.iter().filter(|d| d.is_error()).count();
        for run in inv.runs.iter().filter(|r| !r.complete) {
            let record = GateRecord::path(&inv.stage.dir, &run.id);
            if self.snapshot.files.contains_key(&record) {
                let answered = self
                    .snapshot
                    .text(&record)
                    .ok()
                    .flatten()
                    .is_some_and(|t| GateRecord::parse(t).answer.is_some());
                status.gates_waiting.push(GateWaiting {
                    run: run.id.clone(),
                    answered,
                });
            }
            let rejected = crate::recap::rejected_path(&crate::recap::path_for_run(&run.path));
            if self.snapshot.files.contains_key(&rejected) {
                status.failed.push(run.id.clone());
            }
        }
        let info = self.stage_info(inv);
        let path = proof::path(self.vocab(), &info);
        status.proof = match self.snapshot.text(&path) {
            Ok(Some(text)) => Some(match proof::parse(&path, text) {
                Ok(p) => match p.status {
                    ProofStatus::Passed => "passed",
                    ProofStatus::GapsFound => "gaps_found",
                    ProofStatus::HumanNeeded => "human_needed",
                }
                .to_string(),
                Err(_) => "invalid".to_string(),
            }),
            Ok(None) => None,
            Err(_) => Some("invalid".to_string()),
        };
        // The safety rule: a passed proof that lists human checks needs a human.
        if status.proof.as_deref() == Some("passed") {
            if let Ok(Some(text)) = self.snapshot.text(&path) {
                if let Ok(p) = proof::parse(&path, text) {
                    if matches!(p.route(""), proof::Route::AskHuman { .. }) {
                        status.proof = Some("human_needed".into());
                    }
                }
            }
        }
        Ok(())
    }

    fn decide(&self, status: &mut StageStatus, inv: &Inventory, n: &str) -> Result<()> {
        let run = format!("renn run-stage {n}");
        let (state, next, hint) = if status.checked {
            (StageState::Complete, None, "complete".to_string())
        } else if status.error_count > 0 {
            (
                StageState::Invalid,
                Some(format!("renn validate {n}")),
                format!(
                    "the plan has {} error(s): fix them (`renn validate {n}` lists them)",
                    status.error_count
                ),
            )
        } else if let Some(g) = status.gates_waiting.first() {
            if g.answered {
                (
                    StageState::GateWaiting,
                    Some(run.clone()),
                    format!("{}'s gate is answered: `{run}` continues it", g.run),
                )
            } else {
                let cmd = format!("{run} --respond {} <answer>", g.run);
                (
                    StageState::GateWaiting,
                    Some(cmd.clone()),
                    format!(
                        "{} waits at a gate: answer it with `{cmd}` (or `{run}` on a terminal)",
                        g.run
                    ),
                )
            }
        } else if status.runs_done < status.runs_total {
            let gaps_left = inv
                .runs
                .iter()
                .filter(|r| !r.complete)
                .all(|r| r.gap_closure);
            let cmd = if gaps_left && status.proof.is_some() {
                format!("{run} --gaps-only")
            } else {
                run.clone()
            };
            let state = if status.runs_done == 0 {
                StageState::Planned
            } else {
                StageState::InProgress
            };
            let left = status.runs_total - status.runs_done;
            let mut hint = format!("{left} {}(s) to execute: `{cmd}`", self.vocab().run_lower());
            if let Some(f) = status.failed.first() {
                hint.push_str(&format!(
                    "; {f} failed before: `renn retry {f}` runs it alone"
                ));
            }
            (state, Some(cmd), hint)
        } else {
            match status.proof.as_deref() {
                None if !self.config.auditor => (
                    StageState::Auditing,
                    Some(run.clone()),
                    format!("every run is complete (no auditor: `auditor` is off): `{run}` updates the track and commits"),
                ),
                None => (
                    StageState::Auditing,
                    Some(run.clone()),
                    format!("every run is complete: `{run}` runs the auditor"),
                ),
                Some("gaps_found") => {
                    let plan = format!("{} {n} --gaps", self.vocab().plan_command);
                    (
                        StageState::GapsFound,
                        Some(plan.clone()),
                        format!("the proof found gaps (`renn proof {n}`): plan gap closure with your planning workflow (`{plan}`, not a renn command), then `{run} --gaps-only`"),
                    )
                }
                Some("human_needed") => {
                    let cmd = format!("{run} --respond verification approved");
                    (
                        StageState::HumanNeeded,
                        Some(cmd.clone()),
                        format!("the proof asks for human verification (`renn proof {n}`): check, then `{cmd}` (or report the issues instead of \"approved\")"),
                    )
                }
                Some("passed") => (
                    StageState::Verified,
                    Some(run.clone()),
                    format!("the proof passed: `{run}` updates the track and pulse and commits"),
                ),
                _ => (
                    StageState::Auditing,
                    Some(format!("renn proof {n}")),
                    format!("the proof cannot be read: `renn proof {n}` says why; `{run}` runs the auditor again once it is removed"),
                ),
            }
        };
        status.state = state;
        status.next = next;
        status.hint = hint;
        Ok(())
    }
}

impl Status {
    /// A table for the terminal: one line per stage, then what comes next.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if self.stages.is_empty() {
            out.push_str("no stages yet: list them in .renn/track.md (`- [ ] **Stage 1: <title>** - <goal>`)\n");
        }
        for s in &self.stages {
            let mut line = format!(
                "{:<5} {:<28} {:<13} runs {}/{}",
                s.number.unpadded(),
                truncate(&s.title, 28),
                state_word(s.state),
                s.runs_done,
                s.runs_total
            );
            if !s.gates_waiting.is_empty() {
                let runs: Vec<String> = s.gates_waiting.iter().map(|g| g.run.to_string()).collect();
                line.push_str(&format!("  gates: {}", runs.join(", ")));
            }
            if !s.failed.is_empty() {
                let runs: Vec<String> = s.failed.iter().map(ToString::to_string).collect();
                line.push_str(&format!("  failed before: {}", runs.join(", ")));
            }
            if let Some(p) = &s.proof {
                line.push_str(&format!("  proof: {p}"));
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if s.state != StageState::Complete {
                out.push_str(&format!("      → {}\n", s.hint));
            }
        }
        if let Some(next) = &self.next {
            match next {
                Next::Stage {
                    number,
                    command,
                    planned,
                    ..
                } => {
                    let how = if *planned {
                        ""
                    } else {
                        " (planning workflow, not a renn command)"
                    };
                    out.push_str(&format!(
                        "\nnext: stage {} — `{command}`{how}\n",
                        number.unpadded()
                    ));
                }
                Next::MilestoneComplete { .. } => out.push_str("\nnext: MILESTONE COMPLETE\n"),
            }
        }
        out
    }
}

fn state_word(s: StageState) -> &'static str {
    match s {
        StageState::NotPlanned => "not planned",
        StageState::Invalid => "invalid plan",
        StageState::Planned => "planned",
        StageState::InProgress => "in progress",
        StageState::GateWaiting => "gate waiting",
        StageState::Auditing => "auditing",
        StageState::GapsFound => "gaps found",
        StageState::HumanNeeded => "human check",
        StageState::Verified => "verified",
        StageState::Complete => "complete",
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;

    const RUN: &str = "---\nstage: 02-b\nrun: 01\nbatch: 1\nfiles_modified: [x]\n---\n<objective>x</objective>\n<tasks>\n<task type=\"auto\"><name>x</name></task>\n</tasks>\n";

    fn project(config: &str, extra: &[(&str, &str)]) -> Project {
        let mut snap = Snapshot::new()
            .with_file(".renn/config.json", config)
            .with_file(
                ".renn/track.md",
                "## Stages\n\n- [x] **Stage 1: A** - a\n- [ ] **Stage 2: B** - b\n",
            )
            .with_file(".renn/stages/02-b/02-01-run.md", RUN);
        for (path, text) in extra {
            snap = snap.with_file(*path, *text);
        }
        Project::new(snap).unwrap()
    }

    #[test]
    fn a_checked_stage_without_a_directory_is_complete_and_stages_come_in_order() {
        let status = project("{}", &[]).status().unwrap();
        let states: Vec<_> = status
            .stages
            .iter()
            .map(|s| (s.number.unpadded(), s.state))
            .collect();
        assert_eq!(
            states,
            [
                ("1".into(), StageState::Complete),
                ("2".into(), StageState::Planned)
            ]
        );
        assert_eq!(status.stages[1].next.as_deref(), Some("renn run-stage 2"));
        assert!(status
            .render_text()
            .contains("next: stage 2 — `renn run-stage 2`"));
    }

    #[test]
    fn every_run_done_waits_for_the_auditor_or_not() {
        let recap = [(".renn/stages/02-b/02-01-recap.md", "# done\n")];
        let on = project("{}", &recap).status().unwrap();
        assert_eq!(on.stages[1].state, StageState::Auditing);
        assert!(on.stages[1].hint.contains("runs the auditor"));
        let off = project(r#"{"auditor": false}"#, &recap).status().unwrap();
        assert!(
            off.stages[1].hint.contains("updates the track"),
            "{}",
            off.stages[1].hint
        );
    }

    #[test]
    fn an_answered_gate_is_continued_by_run_stage() {
        let record = "out\n\n## GATE REACHED\n\n**Type:** decision\n**Run:** 02-01\n\n<!-- renn: the user's answer -->\nA\n";
        let status = project("{}", &[(".renn/stages/02-b/02-01-gate.md", record)])
            .status()
            .unwrap();
        let s = &status.stages[1];
        assert_eq!(s.state, StageState::GateWaiting);
        assert!(s.gates_waiting[0].answered);
        assert_eq!(s.next.as_deref(), Some("renn run-stage 2"));
    }
}
