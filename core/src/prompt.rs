//! The prompts renn gives its agents: a runner, a continuation runner after a gate,
//! and the auditor. The texts are templates (`core/templates/*.md`, embedded), which
//! a project may replace with `.renn/templates/runner.md` etc.
//!
//! Everything a prompt refers to is inlined — the run, pulse.md, config.json, and how
//! to execute a run, the gate protocol, TDD and the recap format — because the `@`
//! syntax does not cross agent boundaries, and a file nothing installs is silently
//! dropped: the agent would never see the recap format renn's reports read. Those
//! instructions are partial templates (`core/templates/partials/*.md`), placed by the
//! runner and continuation templates with a placeholder each, and overridable like
//! the templates (`.renn/templates/execute.md`, `gates.md`, `tdd.md`, `recap.md`).

mod partial;
mod template;
#[cfg(test)]
mod tests;

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::gate::GateResponse;
use crate::inventory::Run;
use crate::layout::Vocabulary;
use crate::plan::StageInfo;
use crate::recap;
use crate::returns::{CompletedTask, GateReached};
use crate::run::{self, MustHaves, RunId};
use crate::snapshot::Snapshot;
use partial::PARTIALS;
use std::fmt::Write as _;
use template::Template;

/// What a runner needs: the run, its file's text, and the project state to inline.
#[derive(Debug, Clone, Copy)]
pub struct RunnerContext<'a> {
    /// The project's words: file names and what a stage and a run are called.
    pub vocab: &'static Vocabulary,
    pub stage: &'a StageInfo,
    pub run: &'a Run,
    pub run_text: &'a str,
    /// `.renn/pulse.md`, when it exists.
    pub pulse: Option<&'a str>,
    /// `.renn/config.json`, when it exists.
    pub config: Option<&'a str>,
    /// Commits an earlier, interrupted runner of this run made: the new runner goes on
    /// from them instead of doing their tasks again.
    pub earlier: &'a [EarlierCommit],
}

/// A commit an interrupted runner of the run made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierCommit {
    pub hash: String,
    pub subject: String,
}

/// A fresh runner resuming `runner.run` after the user answered its gate.
#[derive(Debug, Clone, Copy)]
pub struct ContinuationContext<'a> {
    pub runner: RunnerContext<'a>,
    pub gate: &'a GateReached,
    pub response: &'a GateResponse,
}

#[derive(Debug, Clone, Copy)]
pub struct AuditorContext<'a> {
    pub vocab: &'static Vocabulary,
    pub stage: &'a StageInfo,
    /// The stage's goal from track.md.
    pub goal: Option<&'a str>,
    /// Every run's must-haves, in run order.
    pub must_haves: &'a [(RunId, MustHaves)],
}

/// A placeholder and how a context fills it. One table per template: the name a
/// template may use and its value cannot drift apart.
type RunnerSlot = (&'static str, fn(&RunnerContext<'_>) -> String);
type ContinuationSlot = (&'static str, fn(&ContinuationContext<'_>) -> String);
type AuditorSlot = (&'static str, fn(&AuditorContext<'_>) -> String);

const RUNNER: &[RunnerSlot] = &[
    ("run_id", |c| c.run.id.to_string()),
    ("run_number", |c| c.run.id.run_number()),
    ("run_path", |c| c.run.path.clone()),
    ("stage_number", |c| c.stage.number.to_string()),
    ("stage_name", |c| c.stage.name.clone()),
    ("stage_title", |c| c.stage.title.clone()),
    ("stage_dir", |c| c.stage.dir.clone()),
    ("stage_dir_name", |c| {
        c.stage.dir.rsplit('/').next().unwrap_or("").into()
    }),
    ("recap_path", recap_path),
    ("run", |c| c.run_text.trim_end().to_string()),
    ("pulse", |c| {
        c.pulse.map_or_else(
            || format!("({} does not exist)", c.vocab.pulse),
            |p| p.trim_end().into(),
        )
    }),
    ("config", |c| {
        c.config.map_or_else(
            || format!("(no {}: defaults apply)", c.vocab.config),
            |p| p.trim_end().into(),
        )
    }),
    ("return_contract", return_contract),
    ("earlier_work", earlier_work),
];

/// The project's words, which every template and partial may use, so one template set
/// speaks renn's vocabulary in a `.renn/` project and GSD's in a `.planning/` one. A
/// capital first letter is the word as a heading writes it.
type WordSlot = (&'static str, fn(&Vocabulary) -> String);

const WORDS: &[WordSlot] = &[
    ("stage_word", |v| v.stage_lower().into()),
    ("Stage_word", |v| v.stage_word.into()),
    ("run_word", |v| v.run_lower().into()),
    ("Run_word", |v| v.run_word.into()),
    ("recap_word", Vocabulary::recap_lower),
    ("Recap_word", |v| v.recap_word.into()),
    ("Recaps_word", |v| v.recaps_word.into()),
    ("proof_word", Vocabulary::proof_lower),
    ("batch_word", |v| v.batch_word.to_lowercase()),
    ("pulse_path", |v| v.pulse.into()),
    ("track_path", |v| v.track.into()),
    ("config_path", |v| v.config.into()),
    ("complete_block", |v| v.complete_block.into()),
    ("gate_block", |v| v.gate_block.into()),
    ("stage_key", |v| v.stage_key.into()),
    ("run_key", |v| v.run_key.into()),
    ("recap_suffix", |v| v.recap_suffix.into()),
];

/// A runner placeholder's value: its own slot, else a word.
fn runner_value(i: usize, ctx: &RunnerContext<'_>) -> String {
    match i.checked_sub(RUNNER.len()) {
        None => (RUNNER[i].1)(ctx),
        Some(w) => (WORDS[w].1)(ctx.vocab),
    }
}

/// How many placeholders the runner's own and the word slots take, in that order.
const RUNNER_NAMES: usize = RUNNER.len() + WORDS.len();

/// The continuation template knows every runner placeholder, plus these.
const CONTINUATION: &[ContinuationSlot] = &[
    ("gate_type", |c| c.gate.gate.as_str().into()),
    ("tasks_done", |c| c.gate.tasks_done.to_string()),
    ("tasks_total", |c| c.gate.tasks_total.to_string()),
    ("completed_tasks_table", |c| {
        tasks_table(c.runner.vocab, &c.gate.completed)
    }),
    ("resume_task_number", |c| c.gate.current_task.to_string()),
    ("resume_task_name", |c| c.gate.current_task_name.clone()),
    ("gate_details", |c| or_none(&c.gate.details)),
    ("user_response", |c| c.response.text().to_string()),
    ("resume_instructions", |c| {
        c.response.resume_instructions(c.gate.gate)
    }),
];

const AUDITOR: &[AuditorSlot] = &[
    ("stage_number", |c| c.stage.number.to_string()),
    ("stage_name", |c| c.stage.name.clone()),
    ("stage_title", |c| c.stage.title.clone()),
    ("stage_dir", |c| c.stage.dir.clone()),
    ("stage_dir_name", |c| {
        c.stage.dir.rsplit('/').next().unwrap_or("").into()
    }),
    ("stage_goal", |c| {
        c.goal.map_or_else(
            || {
                let v = c.vocab;
                format!(
                    "({} states no goal for this {})",
                    v.track_name(),
                    v.stage_lower()
                )
            },
            str::to_string,
        )
    }),
    ("must_haves", |c| must_haves_text(c.vocab, c.must_haves)),
    ("proof_path", |c| crate::proof::path(c.vocab, c.stage)),
];

/// The three templates and the partials the runner's two use, checked. Render with
/// the context structs; rendering cannot fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    runner: Template,
    continuation: Template,
    auditor: Template,
    /// In the order of [`PARTIALS`]; each knows the runner placeholders.
    partials: Vec<Template>,
}

struct Spec {
    file: &'static str,
    what: &'static str,
    embedded: &'static str,
}

const SPECS: [Spec; 3] = [
    Spec {
        file: "runner.md",
        what: "runner",
        embedded: include_str!("../templates/runner.md"),
    },
    Spec {
        file: "continuation.md",
        what: "continuation",
        embedded: include_str!("../templates/continuation.md"),
    },
    Spec {
        file: "auditor.md",
        what: "auditor",
        embedded: include_str!("../templates/auditor.md"),
    },
];

/// The built-in templates as `(file name, text)`: what `.renn/templates/<file>`
/// overrides (`renn init` writes them there).
pub fn embedded_files() -> Vec<(&'static str, &'static str)> {
    SPECS
        .iter()
        .chain(PARTIALS.iter().map(|p| &p.spec))
        .map(|s| (s.file, s.embedded))
        .collect()
}

impl Templates {
    /// The project's templates (`.renn/templates/<name>.md`, GSD's
    /// `.planning/templates/`) where present, the
    /// embedded ones elsewhere. A template with an unknown placeholder is an error.
    pub fn load(snapshot: &Snapshot) -> Result<Self, Diagnostic> {
        let load = |spec: &Spec, names: &[&str]| -> Result<Template, Diagnostic> {
            let path = format!("{}/{}", snapshot.vocab().templates, spec.file);
            let text = snapshot.text(&path)?.unwrap_or(spec.embedded);
            Template::compile(&path, spec.what, text, names)
        };
        let partial_slots: Vec<&str> = PARTIALS.iter().map(|p| p.slot).collect();
        let runner = [names_of(RUNNER), names_of(WORDS)].concat();
        Ok(Self {
            runner: load(&SPECS[0], &[runner.clone(), partial_slots.clone()].concat())?,
            continuation: load(
                &SPECS[1],
                &[runner.clone(), names_of(CONTINUATION), partial_slots].concat(),
            )?,
            auditor: load(&SPECS[2], &[names_of(AUDITOR), names_of(WORDS)].concat())?,
            // A partial is not placed inside another: only the runner placeholders.
            partials: PARTIALS
                .iter()
                .map(|p| load(&p.spec, &runner))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The embedded templates, without looking at a project.
    pub fn embedded() -> Self {
        Self::load(&Snapshot::new()).expect("the embedded templates are checked by the tests")
    }

    pub fn runner(&self, ctx: &RunnerContext<'_>) -> String {
        self.runner.render(|i| match i.checked_sub(RUNNER_NAMES) {
            None => runner_value(i, ctx),
            Some(j) => self.partial(j, ctx),
        })
    }

    pub fn continuation(&self, ctx: &ContinuationContext<'_>) -> String {
        let own = RUNNER_NAMES + CONTINUATION.len();
        self.continuation.render(|i| {
            if i < RUNNER_NAMES {
                runner_value(i, &ctx.runner)
            } else if i < own {
                (CONTINUATION[i - RUNNER_NAMES].1)(ctx)
            } else {
                self.partial(i - own, &ctx.runner)
            }
        })
    }

    pub fn auditor(&self, ctx: &AuditorContext<'_>) -> String {
        self.auditor.render(|i| match i.checked_sub(AUDITOR.len()) {
            None => (AUDITOR[i].1)(ctx),
            Some(w) => (WORDS[w].1)(ctx.vocab),
        })
    }
}

fn names_of<F>(slots: &[(&'static str, F)]) -> Vec<&'static str> {
    slots.iter().map(|s| s.0).collect()
}

/// Every run's must-haves, read from the run files in the snapshot. The inventory
/// does not keep them; only the auditor needs them.
pub fn must_haves(
    snapshot: &Snapshot,
    runs: &[Run],
) -> Result<Vec<(RunId, MustHaves)>, Diagnostic> {
    runs.iter()
        .map(|r| {
            let text = snapshot.text(&r.path)?.unwrap_or_default();
            let parsed = run::parse(&r.path, text);
            match parsed.run {
                Some(file) => Ok((r.id.clone(), file.must_haves)),
                None => Err(parsed
                    .diagnostics
                    .into_iter()
                    .find(Diagnostic::is_error)
                    .unwrap_or_else(|| {
                        Diagnostic::error(Code::RunUnreadable, "the run file could not be read")
                            .in_file(&r.path)
                    })),
            }
        })
        .collect()
}

/// Where the runner writes its recap: next to the run file, named in the project's
/// words (`03-02-recap.md`, GSD's `03-02-SUMMARY.md`).
fn recap_path(c: &RunnerContext<'_>) -> String {
    recap::path_for_run(&c.run.path)
}

/// The return blocks `returns::parse` reads, filled in for this run, titled in the
/// project's words (GSD's executor returns `## PLAN COMPLETE` with `**SUMMARY:**`).
fn return_contract(c: &RunnerContext<'_>) -> String {
    let (id, n, recap) = (&c.run.id, c.run.tasks, recap_path(c));
    let v = c.vocab;
    let (complete, gate, run, field) = (v.complete_block, v.gate_block, v.run_word, v.recap_field);
    let (run_lower, recap_lower, details) = (v.run_lower(), v.recap_lower(), v.gate_details);
    format!(
        "End your output with exactly one of these two blocks, as plain markdown (not inside a code \
         fence): renn reads it to know what happened.\n\n\
         When every task is done and the {recap_lower} exists:\n\n\
         ## {complete}\n\
         **{run}:** {id}   **Tasks:** {n}/{n}   **{field}:** {recap}\n\n\
         | Task | Name | Commit | Files |\n\
         |------|------|--------|-------|\n\
         | 1 | <task name> | <commit hash> | <files, comma-separated> |\n\n\
         (one row per task of the {run_lower}, including tasks completed before a gate; a task \
         that changed nothing says `no changes: <reason>` in its Commit cell, never `—`)\n\n\
         When you reach a gate task — or an authentication gate, when a tool you need asks for \
         a login (type human-action) — stop there and end with:\n\n\
         ## {gate}\n\
         **Type:** human-verify | decision | human-action\n\
         **{run}:** {id}\n\
         **Progress:** <tasks done>/{n} tasks complete\n\n\
         ### Completed Tasks\n\
         | Task | Name | Commit | Files |\n\
         |------|------|--------|-------|\n\
         | 1 | <task name> | <commit hash> | <files, comma-separated> |\n\n\
         ### Current Task\n\
         **Task <number>:** <task name>\n\
         **Status:** awaiting verification | awaiting decision | blocked\n\
         **Blocked by:** <what is needed from the user>\n\n\
         ### {details}\n\
         <what was built and exactly how to check it, or the options to choose from>\n\n\
         ### Awaiting\n\
         <what the user should reply>"
    )
}

/// `GateReached.completed` as the markdown table the runner returned it in.
fn tasks_table(vocab: &Vocabulary, tasks: &[CompletedTask]) -> String {
    if tasks.is_empty() {
        return format!("(none: the gate is the {}'s first task)", vocab.run_lower());
    }
    let mut out =
        String::from("| Task | Name | Commit | Files |\n|------|------|--------|-------|");
    for t in tasks {
        let _ = write!(
            out,
            "\n| {} | {} | {} | {} |",
            t.task,
            cell(&t.name),
            cell(&t.commit.cell()),
            if t.files.is_empty() {
                "—".into()
            } else {
                cell(&t.files.join(", "))
            }
        );
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        "(the runner gave no details)".into()
    } else {
        s.trim().to_string()
    }
}

/// Truths, artifacts and key links of every run, each tagged with its run.
fn must_haves_text(vocab: &Vocabulary, all: &[(RunId, MustHaves)]) -> String {
    let mut truths = String::new();
    let mut artifacts = String::new();
    let mut links = String::new();
    for (id, m) in all {
        for t in &m.truths {
            let _ = writeln!(truths, "- {t} ({id})");
        }
        for a in &m.artifacts {
            let provides = a
                .provides
                .as_deref()
                .map(|p| format!(": {p}"))
                .unwrap_or_default();
            let _ = writeln!(artifacts, "- {}{provides} ({id})", a.path);
        }
        for l in &m.key_links {
            let via = l
                .via
                .as_deref()
                .map(|v| format!(" via {v}"))
                .unwrap_or_default();
            if l.to.is_empty() {
                let _ = writeln!(links, "- {}{via} ({id})", l.from);
            } else {
                let _ = writeln!(links, "- {} → {}{via} ({id})", l.from, l.to);
            }
        }
    }
    let sections = [
        ("Truths (behaviour that must hold for a user)", truths),
        (
            "Artifacts (files that must exist and do what they say)",
            artifacts,
        ),
        ("Key links (connections that must be wired)", links),
    ];
    let out: Vec<String> = sections
        .into_iter()
        .filter(|(_, body)| !body.is_empty())
        .map(|(title, body)| format!("{title}:\n{}", body.trim_end()))
        .collect();
    if out.is_empty() {
        let (run, stage) = (vocab.run_lower(), vocab.stage_lower());
        format!("(no {run} of this {stage} declares must_haves: verify the {stage} goal itself)")
    } else {
        out.join("\n\n")
    }
}

/// What an interrupted runner of the run already committed, for the one that takes over;
/// empty when there was none.
fn earlier_work(c: &RunnerContext<'_>) -> String {
    if c.earlier.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n<earlier_attempt>\nAn earlier runner of this {} was stopped before it finished. It had already committed:\n\n| Commit | Subject |\n|---|---|\n",
        c.vocab.run_lower()
    );
    for e in c.earlier {
        out.push_str(&format!(
            "| {} | {} |\n",
            e.hash,
            e.subject.replace('|', "\\|")
        ));
    }
    out.push_str(
        "\nCheck each with `git show --stat <commit>`. Do not redo a task whose work is committed there: list that commit in your task table for the task, and go on with the first task that has none.\n</earlier_attempt>\n",
    );
    out
}
