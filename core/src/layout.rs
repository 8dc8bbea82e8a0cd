//! The two layouts renn reads and writes: its own `.renn/` tree and GSD's `.planning/`
//! tree (docs/spec.md#layouts). They are the same plan in two vocabularies, so every
//! difference is a row of one table, [`Vocabulary`], and every parser and writer takes
//! its words from there: no rule exists twice.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::snapshot::Snapshot;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which planning tree a project has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `.renn/`: `track.md`, `pulse.md`, `stages/NN-slug/NN-MM-run.md`.
    #[default]
    Renn,
    /// GSD's `.planning/`: `ROADMAP.md`, `STATE.md`, `phases/NN-slug/NN-MM-PLAN.md`.
    Gsd,
}

/// Every word in which the layouts differ. Paths are project-relative.
#[derive(Debug, PartialEq, Eq)]
pub struct Vocabulary {
    pub layout: Layout,
    /// The planning directory.
    pub dir: &'static str,
    pub config: &'static str,
    /// Project state (renn's pulse, GSD's STATE.md).
    pub pulse: &'static str,
    /// The roadmap (renn's track, GSD's ROADMAP.md).
    pub track: &'static str,
    /// Requirements, committed with the stage when they changed.
    pub specs: &'static str,
    /// Where the stage (phase) directories live.
    pub stages: &'static str,
    /// A project's own prompt templates.
    pub templates: &'static str,
    /// Where worktree runs are checked out (renn's own, git-ignored).
    pub worktrees: &'static str,
    /// The project lock (renn's own).
    pub lock: &'static str,
    /// File-name suffixes after `NN-MM` / `NN`.
    pub run_suffix: &'static str,
    pub recap_suffix: &'static str,
    pub proof_suffix: &'static str,
    /// renn's record of a gate and its answer (renn's own: GSD has none).
    pub gate_suffix: &'static str,
    /// Frontmatter keys of a run file.
    pub stage_key: &'static str,
    pub run_key: &'static str,
    pub batch_key: &'static str,
    /// Words in prose, headings and state lines, capitalised as in a heading.
    pub stage_word: &'static str,
    pub run_word: &'static str,
    pub recap_word: &'static str,
    /// Its plural, which English does not derive (`Summaries`).
    pub recaps_word: &'static str,
    pub proof_word: &'static str,
    pub batch_word: &'static str,
    /// `batches` / `waves`, in running prose.
    pub batches_lower: &'static str,
    /// The agent names of `model_overrides` and of the horsepower table.
    pub runner_agent: &'static str,
    pub auditor_agent: &'static str,
    /// The headings of a runner's return blocks.
    pub complete_block: &'static str,
    pub gate_block: &'static str,
    /// The default branch names of `branching_strategy` (each tool's own prefix).
    pub stage_branch_template: &'static str,
    pub milestone_branch_template: &'static str,
    /// The bold field of a complete block naming the recap (`**Recap:**`, GSD's
    /// executor writes `**SUMMARY:**`).
    pub recap_field: &'static str,
    /// The gate block's section showing what the user must check or decide.
    pub gate_details: &'static str,
    /// pulse.md's title when renn has to write the file from scratch.
    pub pulse_title: &'static str,
    /// What GSD appends to a phase's checklist line when it completes it:
    /// `(completed 2026-12-02)`. renn's track records the date in its Progress row only.
    pub completed_note: Option<&'static str>,
    /// What a user types next: plan a stage, close its gaps, complete a milestone.
    pub plan_command: &'static str,
    pub complete_milestone_command: &'static str,
    /// Manual testing of a stage before its gaps are planned.
    pub audit_command: &'static str,
}

const RENN: Vocabulary = Vocabulary {
    layout: Layout::Renn,
    dir: ".renn",
    config: ".renn/config.json",
    pulse: ".renn/pulse.md",
    track: ".renn/track.md",
    specs: ".renn/specs.md",
    stages: ".renn/stages",
    templates: ".renn/templates",
    worktrees: ".renn/worktrees",
    lock: ".renn/renn.lock",
    run_suffix: "-run.md",
    recap_suffix: "-recap.md",
    proof_suffix: "-proof.md",
    gate_suffix: "-gate.md",
    stage_key: "stage",
    run_key: "run",
    batch_key: "batch",
    stage_word: "Stage",
    run_word: "Run",
    recap_word: "Recap",
    recaps_word: "Recaps",
    proof_word: "Proof",
    batch_word: "Batch",
    batches_lower: "batches",
    runner_agent: "renn-runner",
    auditor_agent: "renn-auditor",
    complete_block: "RUN COMPLETE",
    gate_block: "GATE REACHED",
    stage_branch_template: "renn/stage-{stage}-{slug}",
    milestone_branch_template: "renn/{milestone}-{slug}",
    recap_field: "Recap",
    gate_details: "Gate Details",
    pulse_title: "Project Pulse",
    completed_note: None,
    plan_command: "/renn.plan-stage",
    complete_milestone_command: "/renn.complete-milestone",
    audit_command: "/renn.audit",
};

const GSD: Vocabulary = Vocabulary {
    layout: Layout::Gsd,
    dir: ".planning",
    config: ".planning/config.json",
    pulse: ".planning/STATE.md",
    track: ".planning/ROADMAP.md",
    specs: ".planning/REQUIREMENTS.md",
    stages: ".planning/phases",
    templates: ".planning/templates",
    worktrees: ".planning/worktrees",
    lock: ".planning/renn.lock",
    run_suffix: "-PLAN.md",
    recap_suffix: "-SUMMARY.md",
    proof_suffix: "-VERIFICATION.md",
    // renn's own record, named alike in both: GSD's tools ignore it.
    gate_suffix: "-gate.md",
    stage_key: "phase",
    run_key: "plan",
    batch_key: "wave",
    stage_word: "Phase",
    run_word: "Plan",
    recap_word: "Summary",
    recaps_word: "Summaries",
    proof_word: "Verification",
    batch_word: "Wave",
    batches_lower: "waves",
    runner_agent: "gsd-executor",
    auditor_agent: "gsd-verifier",
    complete_block: "PLAN COMPLETE",
    gate_block: "CHECKPOINT REACHED",
    stage_branch_template: "gsd/phase-{phase}-{slug}",
    milestone_branch_template: "gsd/{milestone}-{slug}",
    recap_field: "SUMMARY",
    gate_details: "Checkpoint Details",
    pulse_title: "Project State",
    completed_note: Some("completed"),
    plan_command: "/gsd:plan-phase",
    complete_milestone_command: "/gsd:complete-milestone",
    audit_command: "/gsd:verify-work",
};

impl Layout {
    pub const ALL: [Layout; 2] = [Layout::Renn, Layout::Gsd];

    pub const fn vocab(self) -> &'static Vocabulary {
        match self {
            Layout::Renn => &RENN,
            Layout::Gsd => &GSD,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Renn => "renn",
            Layout::Gsd => "gsd",
        }
    }

    /// The layout of a snapshot: the planning directory it has. With both, `.renn/`'s
    /// config must choose (`"layout": "gsd"` or `"renn"`), since renn cannot tell which
    /// plan the user means; with neither the project is not initialised (`None`).
    pub fn detect(snapshot: &Snapshot) -> Result<Option<Layout>, Diagnostic> {
        let has = |l: Layout| snapshot.dirs.contains(l.vocab().dir);
        match (has(Layout::Renn), has(Layout::Gsd)) {
            (false, false) => Ok(None),
            (true, false) => Ok(Some(Layout::Renn)),
            (false, true) => Ok(Some(Layout::Gsd)),
            (true, true) => chosen(snapshot).map(Some),
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Both trees exist: `.renn/config.json`'s `layout` key decides.
fn chosen(snapshot: &Snapshot) -> Result<Layout, Diagnostic> {
    let config = RENN.config;
    let value = snapshot
        .text(config)?
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| v.get("layout").and_then(|l| l.as_str()).map(str::to_string));
    match value.as_deref() {
        Some("renn") => Ok(Layout::Renn),
        Some("gsd") => Ok(Layout::Gsd),
        _ => Err(Diagnostic::error(
            Code::LayoutAmbiguous,
            "the project has both .renn/ and .planning/: renn cannot tell which plan to run",
        )
        .in_file(config)
        .with_hint("set \"layout\": \"renn\" or \"layout\": \"gsd\" in .renn/config.json, or remove the tree you no longer use")),
    }
}

/// The vocabulary whose file-name suffix (picked by `suffix`) ends `name`:
/// `03-01-PLAN.md` is GSD's run file, `03-01-run.md` renn's. A file's name says its
/// layout, so a reader handed only a path needs no other argument.
pub fn by_suffix(
    name: &str,
    suffix: impl Fn(&Vocabulary) -> &'static str,
) -> Option<&'static Vocabulary> {
    (Layout::ALL.iter())
        .map(|l| l.vocab())
        .find(|v| name.ends_with(suffix(v)))
}

/// The words of a run file's layout, from its path (renn's when it has no known suffix).
pub fn of_run_file(path: &str) -> &'static Vocabulary {
    by_suffix(path, |v| v.run_suffix).unwrap_or(Layout::Renn.vocab())
}

impl Vocabulary {
    /// `03-02` → `.../03-02-run.md` (or `-PLAN.md`).
    pub fn run_file(&self, stage_dir: &str, id: &str) -> String {
        format!("{stage_dir}/{id}{}", self.run_suffix)
    }

    pub fn recap_file(&self, stage_dir: &str, id: &str) -> String {
        format!("{stage_dir}/{id}{}", self.recap_suffix)
    }

    pub fn gate_file(&self, stage_dir: &str, id: &str) -> String {
        format!("{stage_dir}/{id}{}", self.gate_suffix)
    }

    /// `stage` and `run` in running prose (`stage 3`, `run 03-02`).
    pub fn stage_lower(&self) -> &'static str {
        match self.layout {
            Layout::Renn => "stage",
            Layout::Gsd => "phase",
        }
    }

    pub fn run_lower(&self) -> &'static str {
        match self.layout {
            Layout::Renn => "run",
            Layout::Gsd => "plan",
        }
    }

    /// `recap` and `proof` in running prose (`the recap`, `the verification`).
    pub fn recap_lower(&self) -> String {
        self.recap_word.to_lowercase()
    }

    pub fn proof_lower(&self) -> String {
        self.proof_word.to_lowercase()
    }

    /// The Progress table's column of run counts: `Runs Complete` / `Plans Complete`.
    pub fn runs_column(&self) -> String {
        format!("{}s Complete", self.run_word)
    }

    /// The file names of the pulse and the track, as prose names them (`pulse.md`, `STATE.md`).
    pub fn pulse_name(&self) -> &'static str {
        file_name(self.pulse)
    }

    pub fn track_name(&self) -> &'static str {
        file_name(self.track)
    }

    /// The scope of renn's docs commit: `docs(stage-3)` / `docs(phase-3)`.
    pub fn commit_scope(&self, stage: &str) -> String {
        format!("{}-{stage}", self.stage_lower())
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(dirs: &[&str], config: Option<&str>) -> Snapshot {
        let mut s = Snapshot::new();
        for d in dirs {
            s.dirs.insert((*d).to_string());
        }
        if let Some(c) = config {
            s = s.with_file(".renn/config.json", c);
        }
        s
    }

    #[test]
    fn detects_the_tree_that_exists() {
        assert_eq!(Layout::detect(&snap(&[], None)), Ok(None));
        assert_eq!(
            Layout::detect(&snap(&[".renn"], None)),
            Ok(Some(Layout::Renn))
        );
        assert_eq!(
            Layout::detect(&snap(&[".planning"], None)),
            Ok(Some(Layout::Gsd))
        );
    }

    #[test]
    fn both_trees_need_a_choice() {
        let both = [".renn", ".planning"];
        let err = Layout::detect(&snap(&both, None)).unwrap_err();
        assert_eq!(err.code, Code::LayoutAmbiguous);
        assert_eq!(err.file.as_deref(), Some(".renn/config.json"));
        let gsd = snap(&both, Some(r#"{"layout": "gsd"}"#));
        assert_eq!(Layout::detect(&gsd), Ok(Some(Layout::Gsd)));
        let renn = snap(&both, Some(r#"{"layout": "renn"}"#));
        assert_eq!(Layout::detect(&renn), Ok(Some(Layout::Renn)));
        assert!(Layout::detect(&snap(&both, Some(r#"{"layout": "x"}"#))).is_err());
    }

    #[test]
    fn every_path_lives_in_its_tree() {
        for layout in Layout::ALL {
            let v = layout.vocab();
            for path in [
                v.config,
                v.pulse,
                v.track,
                v.specs,
                v.stages,
                v.templates,
                v.worktrees,
                v.lock,
            ] {
                assert!(path.starts_with(&format!("{}/", v.dir)), "{path}");
            }
        }
    }
}
