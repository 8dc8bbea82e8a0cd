//! The demo runner: executes a run's tasks in order, one commit per task, stops at a
//! gate, resumes after one from a continuation prompt, and writes the recap.

use super::output::{self, Gate, RecapInput};
use super::prompt::{self, Resume, TaskText};
use super::{repo, unusable};
use renn_core::gate::GateResponse;
use renn_core::recap;
use renn_core::returns::{CompletedTask, TaskCommit};
use renn_core::run::{self, RunFile, RunId, Task};
use renn_core::Code;
use renn_host::{Error, Result};
use std::path::PathBuf;

/// One runner invocation: the run as renn's own parser reads it, and the repository.
pub struct Runner {
    root: PathBuf,
    id: RunId,
    run: RunFile,
    run_text: String,
    recap_path: String,
    stage_dir_name: String,
    summary: String,
    objective: String,
    commit_docs: bool,
    /// The project's words: its commits, recap and return block say what the prompt says.
    vocab: &'static renn_core::Vocabulary,
    date: String,
}

impl Runner {
    pub fn load(root: PathBuf, id: RunId) -> Result<Self> {
        // Fail before touching anything: a runner outside a repository cannot commit.
        repo::git(&root, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            let at = root.display();
            let msg = format!("{at} is not inside a git repository: the runner commits each task");
            unusable(Code::DemoNotARepo, msg)
        })?;
        let stage = id.stage.to_string();
        let project = renn_host::open_project(Some(&root), Some(&stage))?;
        let inventory = project.inventory(&stage)?;
        let entry = inventory.runs.iter().find(|r| r.id == id).ok_or_else(|| {
            let dir = &inventory.stage.dir;
            let msg = format!("no run file for {id} in {dir} (expected {id}-run.md)");
            unusable(Code::DemoNoRunFile, msg)
        })?;
        let snap = project.snapshot();
        let text = snap.text(&entry.path).map_err(|d| Error::Core(d.into()))?;
        let run_text = text.unwrap_or_default().to_string();
        let parsed = run::parse(&entry.path, &run_text);
        let Some(run) = parsed.run else {
            return Err(Error::Core(renn_core::Error::InvalidPlan(
                parsed.diagnostics,
            )));
        };
        let pulse = snap.text(project.vocab().pulse).ok().flatten();
        Ok(Self {
            recap_path: recap::path_for_run(&entry.path),
            stage_dir_name: inventory.stage.dir_name().to_string(),
            summary: entry.summary.clone(),
            objective: entry.objective.clone(),
            commit_docs: project.config().commit_docs,
            vocab: project.vocab(),
            date: prompt::demo_date(pulse),
            root,
            id,
            run,
            run_text,
        })
    }

    /// Runs the tasks from the start, or from the gate a continuation prompt names,
    /// until the next gate or the end of the run; returns what the agent prints.
    pub fn execute(&self, prompt_text: &str) -> Result<String> {
        let total = self.total();
        let mut done: Vec<CompletedTask> = Vec::new();
        let mut decisions = Vec::new();
        let mut first = 1;
        let resume =
            prompt::continuation(prompt_text).map_err(|m| unusable(Code::DemoBadPrompt, m))?;
        if let Some(resume) = resume {
            let task = self.task(resume.task)?;
            let text = self.task_text(task);
            // As the continuation prompt demands: no silent redo of vanished work.
            let missing: Vec<String> = (resume.done.iter())
                .flat_map(|t| t.commit.hashes().to_vec())
                .filter(|c| !repo::commit_exists(&self.root, c))
                .collect();
            if !missing.is_empty() {
                let name = self.name(task);
                return Ok(output::missing_commits(
                    self.vocab, &self.id, total, &resume, &name, &missing,
                ));
            }
            match GateResponse::interpret(resume.kind, &resume.response) {
                Some(GateResponse::Issues(issues)) => {
                    return self.fix(&resume, task, &text, &issues)
                }
                Some(GateResponse::Choice(choice)) => {
                    decisions.push(format!("{}: {choice}", self.name(task)))
                }
                _ => {}
            }
            // The gate task is done once answered; its commit is the last fix, if any.
            let fix = repo::find_subject(&self.root, &fix_subject(&self.id, task.number))?;
            done = resume.done;
            done.push(CompletedTask {
                task: task.number,
                name: self.name(task),
                files: fix.as_ref().map_or_else(Vec::new, |_| self.files(&text)),
                // The gate task itself needs no evidence: the user answered it.
                commit: fix.map_or(TaskCommit::Blank, TaskCommit::hash),
            });
            first = task.number + 1;
        }
        for task in self.run.tasks.iter().filter(|t| t.number >= first) {
            let text = self.task_text(task);
            if let Some(kind) = task.kind.gate() {
                let gate = self.gate(kind, task, text.details.clone(), &text);
                let prose = "Stopped at a gate: a person has to answer it before the run goes on.";
                return Ok(output::gate_reached(
                    self.vocab, &self.id, total, &done, &gate, prose,
                ));
            }
            let files = self.files(&text);
            let note = format!("{} task {}: {}", self.id, task.number, self.name(task));
            let subject = format!("feat({}): {}", self.id, self.name(task));
            let commit = repo::commit_files(&self.root, &files, &note, &subject, None)?;
            done.push(CompletedTask {
                task: task.number,
                name: self.name(task),
                commit: TaskCommit::hash(commit),
                files,
            });
        }
        self.finish(&done, &decisions)
    }

    /// The user described issues at the gate: fix, commit, and ask them to look again.
    fn fix(&self, resume: &Resume, task: &Task, text: &TaskText, issues: &str) -> Result<String> {
        let first_line = (issues.lines().map(str::trim))
            .find(|l| !l.is_empty())
            .unwrap_or(issues);
        let files = self.files(text);
        let note = format!("{} task {} fix: {first_line}", self.id, task.number);
        let subject = fix_subject(&self.id, task.number);
        let commit = repo::commit_files(&self.root, &files, &note, &subject, Some(issues))?;
        let details = format!(
            "Fixed the reported issue in `{commit}`: {first_line}\n\nPlease check again.\n\n{}",
            text.details
        );
        let gate = self.gate(resume.kind, task, details, text);
        let prose = format!(
            "Fixed the issue reported at task {} and committed it as {commit}; the gate needs another look.",
            task.number
        );
        Ok(output::gate_reached(
            self.vocab,
            &self.id,
            self.total(),
            &resume.done,
            &gate,
            &prose,
        ))
    }

    /// Writes the recap, commits it (unless docs are not committed), and returns the
    /// RUN COMPLETE block.
    fn finish(&self, done: &[CompletedTask], decisions: &[String]) -> Result<String> {
        let base = done
            .iter()
            .find_map(|t| t.commit.first_hash().map(str::to_string));
        let (mut created, mut modified) = (Vec::new(), Vec::new());
        for file in done.iter().flat_map(|t| &t.files) {
            if created.contains(file) || modified.contains(file) {
                continue;
            }
            // In the tree before the run's first commit → modified; else created by the run.
            let before =
                (base.as_deref()).is_some_and(|b| repo::existed_before(&self.root, b, file));
            if before { &mut modified } else { &mut created }.push(file.clone());
        }
        let fixes: Vec<String> = (done.iter())
            .filter(|t| self.task(t.task).is_ok_and(|k| k.kind.gate().is_some()))
            .filter_map(|t| {
                let c = t.commit.first_hash()?;
                Some(format!(
                    "- The user reported issues at the task {} gate; fixed in `{c}`",
                    t.task
                ))
            })
            .collect();
        let text = output::recap(&RecapInput {
            vocab: self.vocab,
            stage: &self.stage_dir_name,
            id: &self.id,
            summary: &self.summary,
            objective: &self.objective,
            date: &self.date,
            created: &created,
            modified: &modified,
            decisions,
            tasks: done,
            issues: &fixes,
        });
        let io = |source| Error::Io {
            path: self.recap_path.clone(),
            source,
        };
        std::fs::write(self.root.join(&self.recap_path), text).map_err(io)?;
        // As the seed's runner does: with commit_docs off, renn's documents stay uncommitted.
        if self.commit_docs {
            let subject = format!("docs({}): complete {}", self.id, self.vocab.run_lower());
            repo::commit_doc(&self.root, &self.recap_path, &subject)?;
        }
        Ok(output::run_complete(
            self.vocab,
            &self.id,
            self.total(),
            &self.recap_path,
            done,
        ))
    }

    fn gate(&self, kind: run::GateKind, task: &Task, details: String, text: &TaskText) -> Gate {
        Gate {
            kind,
            task: task.number,
            name: self.name(task),
            details,
            awaiting: text.awaiting.clone(),
            blocked_by: text.blocked_by.clone(),
        }
    }

    fn total(&self) -> u32 {
        self.run.tasks.len() as u32
    }

    fn task(&self, number: u32) -> Result<&Task> {
        self.run
            .tasks
            .iter()
            .find(|t| t.number == number)
            .ok_or_else(|| {
                let (id, n) = (&self.id, self.run.tasks.len());
                let msg =
                    format!("the prompt resumes at task {number}, but run {id} has {n} task(s)");
                unusable(Code::DemoBadPrompt, msg)
            })
    }

    fn task_text(&self, task: &Task) -> TaskText {
        prompt::task_text(&self.run_text, task)
    }

    /// `Task 1: Session store` → `Session store`: the table already numbers tasks.
    fn name(&self, task: &Task) -> String {
        let name = task.name.as_deref().unwrap_or("").trim();
        let bare = (name.strip_prefix("Task ").and_then(|r| r.split_once(':')))
            .filter(|(n, _)| n.trim().parse::<u32>().is_ok())
            .map_or(name, |(_, rest)| rest.trim());
        if bare.is_empty() {
            format!("Task {}", task.number)
        } else {
            bare.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    }

    /// The task's `<files>`, else the run's `files_modified`, keeping only paths the
    /// agent may write.
    fn files(&self, text: &TaskText) -> Vec<String> {
        let planned = if text.files.is_empty() {
            &self.run.files_modified
        } else {
            &text.files
        };
        planned
            .iter()
            .filter(|f| repo::safe_path(f))
            .cloned()
            .collect()
    }
}

/// The subject of a fix commit made at a gate; the next continuation finds it by it.
fn fix_subject(id: &RunId, task: u32) -> String {
    format!("fix({id}): task {task} gate feedback")
}
