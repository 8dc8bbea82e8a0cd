//! The host of one stage execution: performs the state machine's actions with real
//! IO and feeds back what happened. Everything it decides is decided in the core.

use super::event;
use super::ui::{notice_event, Ui};
use super::{FailedRun, Question};
use super::{Options, StageExit};
use crate::agent::{self, AgentDone, AgentJob, Running};
use crate::disk::{self, ProjectDir};
use crate::fsio::write_atomic;
use crate::git::Git;
use crate::lock::ProjectLock;
use crate::{Error, Result};
use renn_core::config::{ArgvVars, Config};
use renn_core::execute::{
    self, render, Action, Event, FileOnDisk, Outcome, PromptSpec, Settings, StageOnDisk, StageRun,
};
use renn_core::gate::{Answer, GateRecord};
use renn_core::models::Agent;
use renn_core::plan::{Plan, PlanOptions};
use renn_core::project::StageOptions;
use renn_core::prompt::{
    self, AuditorContext, ContinuationContext, EarlierCommit, RunnerContext, Templates,
};
use renn_core::run::RunId;
use renn_core::snapshot::MAX_FILE_BYTES;
use renn_core::Code;
use renn_core::Vocabulary;
use renn_core::{next, permissions, proof, pulse, returns, track, Diagnostic, Project};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

mod act;
mod answers;
mod ask;
mod evidence;
mod guard;
mod isolate;
mod leftovers;
mod preflight;
mod stale;
mod travel;

const AUDITOR: &str = "auditor";

pub struct Host<'u> {
    ui: &'u mut dyn Ui,
    opts: Options,
    root: PathBuf,
    project: Project,
    plan: Plan,
    templates: Templates,
    git: Git,
    /// The repository's shared git directory, for `{git_dir}` in agent command lines.
    git_dir: String,
    tx: Sender<AgentDone>,
    rx: Receiver<AgentDone>,
    running: HashMap<String, Running>,
    /// HEAD's recent commits as the execution started (`act.rs`, earlier attempts).
    recent: Option<Vec<(String, String)>>,
    /// Runners to start again once their backoff is over (a retry).
    delayed: Vec<(Instant, RunId, PromptSpec)>,
    /// The commit each run started from: its work is what was committed after it.
    starts: HashMap<RunId, String>,
    attempts: HashMap<String, u32>,
    outputs: HashMap<String, String>,
    respond: Option<(String, String)>,
    /// Worktrees and branches of isolated runs.
    iso: isolate::Isolation,
    parked: bool,
    /// The gate question open on the terminal while agents go on, and the gates
    /// waiting to be asked after it.
    open_gate: Option<(RunId, returns::GateReached)>,
    waiting_gates: VecDeque<(RunId, returns::GateReached)>,
    outcome: Option<Outcome>,
    /// One renn per project, held until the host is dropped.
    _lock: Option<ProjectLock>,
    /// What agents in the main tree must leave as renn left it.
    guard: std::cell::RefCell<guard::Guard>,
}

impl<'u> Host<'u> {
    /// The seed's steps before execution: project, state, config, branch, plan.
    pub fn prepare(dir: Option<&Path>, opts: &Options, ui: &'u mut dyn Ui) -> Result<Self> {
        opts.stage.parse::<renn_core::StageNumber>()?;
        let pd = match dir {
            Some(d) => ProjectDir::at(d)?,
            None => disk::find_root(&std::env::current_dir().map_err(|source| Error::Io {
                path: ".".into(),
                source,
            })?)?,
        };
        let root = pd.root.clone();
        // Before anything else: a second renn must not take the first one's agents for
        // leftovers of a crash. A dry run only reads.
        let lock = match opts.dry_run {
            true => None,
            false => Some(ProjectLock::acquire(&root, &opts.stage)?),
        };
        let git = Git::open(&root)?;
        let (project, plan, templates) = load(&root, &git, opts)?;
        let git_dir = git.common_dir()?.display().to_string();
        let (tx, rx) = channel();
        let mut host = Host {
            ui,
            opts: opts.clone(),
            root,
            project,
            plan,
            templates,
            git,
            git_dir,
            tx,
            rx,
            running: HashMap::new(),
            delayed: Vec::new(),
            recent: None,
            starts: HashMap::new(),
            attempts: HashMap::new(),
            outputs: HashMap::new(),
            respond: opts.respond.clone(),
            iso: isolate::Isolation::default(),
            parked: false,
            open_gate: None,
            waiting_gates: VecDeque::new(),
            outcome: None,
            _lock: lock,
            guard: Default::default(),
        };
        // Agents a killed renn left running may still change their runs: stop them,
        // then plan from what is on disk now.
        if !opts.dry_run {
            let interrupted = host.stop_stale_agents()?;
            host.clean_leftovers(&interrupted)?;
            if !interrupted.is_empty() {
                let (project, plan, templates) = load(&host.root, &host.git, opts)?;
                (host.project, host.plan, host.templates) = (project, plan, templates);
            }
        }
        host.check_pulse()?;
        host.ui.text(&host.plan.render_markdown());
        host.ui.emit(&event::PlanEvent(&host.plan));
        Ok(host)
    }

    fn config(&self) -> &Config {
        self.project.config()
    }

    /// The project's layout: where its files are and what they are called.
    fn vocab(&self) -> &'static Vocabulary {
        self.project.vocab()
    }

    /// The seed: a missing pulse.md with `.renn/` present offers to reconstruct it.
    fn check_pulse(&mut self) -> Result<()> {
        if self.root.join(self.vocab().pulse).exists() {
            return Ok(());
        }
        let rebuild = self.opts.yes
            || self
                .ui
                .ask(&Question::Pulse { text: "pulse.md is missing. 1) Reconstruct it from the track and stages  2) Continue without project state [1/2]:".into() })
                .is_some_and(|a| a.trim() != "2");
        if rebuild {
            let track = self.read(self.vocab().track);
            let name = self
                .root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = pulse::reconstruct(
                self.vocab(),
                &name,
                track.as_deref(),
                None,
                &self.opts.today,
            );
            self.write(self.vocab().pulse, &text)?;
            self.ui
                .text("pulse.md was missing: reconstructed from track.md and the stages.");
        } else {
            self.ui.text(
                "pulse.md is missing: continuing without project state (--yes reconstructs it).",
            );
        }
        Ok(())
    }

    /// Executes the stage until it finishes, pauses at a gate, or is interrupted.
    pub fn execute(mut self) -> Result<StageExit> {
        let exit = self.drive();
        // An error must not leave agents working for nobody.
        self.stop_agents();
        // Whatever happened: spare worktrees go, the others get their run's name.
        let tidied = self.tidy_worktrees();
        let exit = exit?;
        tidied.map(|()| exit)
    }

    fn drive(&mut self) -> Result<StageExit> {
        if self.opts.dry_run {
            return Ok(StageExit::Done);
        }
        // Where the stage stands is the core's to decide, from what is on disk.
        // Misuse is refused before anything runs.
        if let Some(batch) = self.opts.only_batch {
            self.plan
                .check_batch(batch)
                .map_err(renn_core::Error::from)?;
        }
        let on_disk = self.on_disk()?;
        let state = execute::resume(&self.plan, self.settings(), &on_disk);
        if let Some((target, _)) = &self.respond {
            (state.check_answer_for(target)).map_err(renn_core::Error::from)?;
        }
        // The seed: nothing left to run is reported (by the plan) and not an error.
        if !state.has_work() {
            return Ok(StageExit::Done);
        }
        // Once, before any agent starts: an old git would fail the first merge after
        // the agents of its batch had done their work.
        let parallel = (self.plan.batches.iter())
            .find(|b| b.runs.iter().any(|r| self.isolates(r)))
            .map(|b| b.batch);
        if let Some(batch) = parallel {
            self.git.check_version(batch)?;
        }
        if state.starts_agents() {
            self.check_trust()?;
            self.preflight()?;
        }
        let v = self.vocab();
        self.git.exclude(&[
            &format!("/{}/", v.worktrees),
            &format!("/{}/*/logs/", v.stages),
            &format!("/{}", v.lock),
            &format!("/{}/jobs/", v.dir),
            &format!("/{}/remote.git/", v.dir),
        ])?;
        self.check_clean_tree()?;
        self.branch()?;
        self.guard_start()?;
        self.scan_worktrees()?;
        self.cancel_leftover_jobs()?;
        let mut state = state;
        let mut queue = VecDeque::from([Event::Start]);
        loop {
            while let Some(event) = queue.pop_front() {
                let (next, actions) =
                    execute::next(state, event).map_err(|r| internal(&r.to_string()))?;
                state = next;
                self.perform_all(actions, &state, &mut queue)?;
            }
            self.merge_finished(&state, &mut queue)?;
            if !queue.is_empty() {
                continue;
            }
            if let Some(outcome) = &self.outcome {
                let exit = exit_for(outcome);
                // The stage stopped while other agents worked (an agent that cannot
                // authenticate): they would only fail the same way.
                self.stop_agents();
                return Ok(exit);
            }
            self.spawn_due()?;
            // A question open on the terminal: agents go on while the human answers.
            self.poll_gate_answer(&mut queue)?;
            if !queue.is_empty() {
                continue;
            }
            // Asked to stop: checked before waiting, as agents that finish back to back
            // would otherwise never leave the channel idle.
            if self.opts.stop.requested() {
                return Ok(self.interrupted(&state));
            }
            let asking = self.open_gate.is_some();
            if self.running.is_empty() && self.delayed.is_empty() && !asking {
                return if self.parked {
                    Ok(StageExit::AwaitingResponse)
                } else {
                    Err(internal("nothing left to wait for"))
                };
            }
            match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(done) => {
                    let event = self.finished(done)?;
                    queue.push_back(event);
                }
                Err(RecvTimeoutError::Timeout) if self.opts.stop.requested() => {
                    return Ok(self.interrupted(&state))
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(internal("agent channel closed"))
                }
            }
        }
    }

    fn settings(&self) -> Settings {
        self.project.settings(&StageOptions {
            gaps_only: self.opts.gaps_only,
            only_batch: self.opts.only_batch,
            on_failure: Some(self.opts.on_failure),
            unattended: !self.opts.interactive,
        })
    }

    /// Runners commit their work: uncommitted changes would be swept into their commits.
    fn check_clean_tree(&self) -> Result<()> {
        let dirty = self.git.dirty_outside(&format!("{}/", self.vocab().dir))?;
        if dirty.is_empty() {
            return Ok(());
        }
        let list = dirty
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        Err(renn_core::Error::from(
            Diagnostic::error(Code::DirtyTree, format!("the working tree has uncommitted changes: {list}"))
                .with_hint("commit or stash them first (`git stash -u`): runners commit their own work and would sweep these in; after an interrupted run they may be its half-done edits"),
        )
        .into())
    }

    fn branch(&mut self) -> Result<()> {
        let Some(name) = self.project.branch(&self.opts.stage)? else {
            return Ok(());
        };
        let switched = self.git.switch_or_create(&name)?;
        let strategy = self.config().branching_strategy;
        let how = if switched.created {
            "created"
        } else {
            "switched to"
        };
        self.ui
            .text(&format!("Branching: {strategy} → {name} ({how})"));
        self.ui.emit(&event::Branch {
            strategy,
            branch: name.clone(),
            created: switched.created,
        });
        Ok(())
    }

    /// What the core needs to know to decide where the execution picks up: the gate
    /// records, the proof and the track as they are now, and two facts from git and
    /// the clock.
    fn on_disk(&mut self) -> Result<StageOnDisk> {
        let mut gates = Vec::new();
        for run in self.plan.runs.iter().filter(|r| !r.complete) {
            let path = GateRecord::path(&self.plan.stage.dir, &run.id);
            if let Some(text) = self.try_read(&path)? {
                if let Some(start) = GateRecord::parse(&text).start {
                    self.starts.insert(run.id.clone(), start);
                }
                gates.push(FileOnDisk { path, text });
            }
        }
        // Two files that could be the proof are no proof: the auditor writes NN-proof.md.
        let located = disk::locate_proof(self.vocab(), &self.root, &self.plan.stage)
            .ok()
            .flatten();
        let path = located.unwrap_or_else(|| proof::path(self.vocab(), &self.plan.stage));
        let proof = self.try_read(&path)?.map(|text| FileOnDisk {
            path: path.clone(),
            text,
        });
        let mut docs_dirty = false;
        if self.config().commit_docs {
            for f in [self.vocab().track, self.vocab().pulse, path.as_str()] {
                docs_dirty |= self.root.join(f).exists() && self.git.is_changed(f)?;
            }
        }
        let modified = |rel: &str| {
            std::fs::metadata(self.root.join(rel))
                .and_then(|m| m.modified())
                .ok()
        };
        let proof_time = modified(&path);
        let proof_predates_a_recap = self.plan.runs.iter().any(|r| {
            let recap = renn_core::recap::path_for_run(&r.path);
            matches!((modified(&recap), proof_time), (Some(r), Some(p)) if r > p)
        });
        Ok(StageOnDisk {
            gates,
            proof,
            track: self.try_read(self.vocab().track)?,
            proof_predates_a_recap,
            docs_dirty,
        })
    }

    fn finished(&mut self, done: AgentDone) -> Result<Event> {
        self.running.remove(&done.label);
        if let Some(run) = RunId::parse(&done.label).filter(|_| self.travels(&done.label)) {
            self.cancel_job(&done.label);
            if let Err(e) = self.travel_back(&run) {
                // Its evidence then fails on the branch as published: the run is retried.
                self.ui.text(&format!(
                    "warning: {run}: its job's branch could not be fetched: {e}"
                ));
            }
        }
        let in_main_tree =
            RunId::parse(&done.label).is_none_or(|r| !self.iso.worktrees.contains_key(&r));
        let breach = match in_main_tree {
            true => self.guard_check(&done.label)?,
            false => None,
        };
        self.runner_exited(&done.label);
        let _ = self.forget_agent(&done.label);
        self.ui.emit(&event::RunExited::new(
            done.label.clone(),
            &done.exit,
            done.duration.as_secs_f64(),
            rel(&self.root, &done.log_path),
        ));
        if done.label == AUDITOR {
            return Ok(Event::AuditorExited {
                output: done.output,
                exit: done.exit,
                stderr: done.stderr,
            });
        }
        self.outputs.insert(done.label.clone(), done.output.clone());
        let run = RunId::parse(&done.label).expect("runner labels are run ids");
        if let Some(guard::Breach::Run(reason)) = breach {
            return Ok(Event::RunnerOverstepped { run, reason });
        }
        Ok(Event::RunnerExited {
            run,
            output: done.output,
            exit: done.exit,
            stderr: done.stderr,
        })
    }

    /// Starts the retried runners whose backoff is over.
    fn spawn_due(&mut self) -> Result<()> {
        let now = Instant::now();
        let (due, later) = std::mem::take(&mut self.delayed)
            .into_iter()
            .partition(|(at, _, _)| *at <= now);
        self.delayed = later;
        for (_, run, prompt) in due {
            self.spawn_runner(&run, &prompt)?;
        }
        Ok(())
    }

    fn stop_agents(&mut self) {
        let running: Vec<(String, Running)> = self.running.drain().collect();
        for (label, r) in running {
            r.kill();
            if self.travels(&label) {
                self.cancel_job(&label);
            }
        }
        self.delayed.clear();
    }

    fn interrupted(&mut self, state: &StageRun) -> StageExit {
        self.stop_agents();
        let _ = self.record(state);
        self.ui
            .text("Interrupted: agents stopped. Run the same command again to resume.");
        StageExit::Stopped
    }
}

/// The project as it is on disk, the stage's plan and the prompt templates.
fn load(root: &Path, git: &Git, opts: &Options) -> Result<(Project, Plan, Templates)> {
    let mut project = disk::open_project(Some(root), Some(&opts.stage))?;
    if git.is_ignored(project.vocab().dir)? {
        let mut snap = project.snapshot().clone();
        snap.renn_gitignored = true;
        project = Project::new(snap)?;
    }
    let plan = project.plan(
        &opts.stage,
        PlanOptions {
            gaps_only: opts.gaps_only,
        },
    )?;
    let plan = match &opts.only_run {
        Some(run) => plan.only_run(run),
        None => plan,
    };
    let templates = Templates::load(project.snapshot()).map_err(renn_core::Error::from)?;
    Ok((project, plan, templates))
}

fn exit_for(outcome: &Outcome) -> StageExit {
    match outcome {
        Outcome::Completed | Outcome::NothingToRun | Outcome::BatchDone { .. } => StageExit::Done,
        Outcome::GapsFound => StageExit::GapsFound,
        Outcome::Incomplete => StageExit::Incomplete,
        Outcome::Systemic { .. } | Outcome::Stopped { .. } => StageExit::Stopped,
    }
}

fn internal(msg: &str) -> Error {
    renn_core::Error::from(Diagnostic::error(
        Code::Internal,
        format!("renn bug: {msg}"),
    ))
    .into()
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}
