//! The actions that touch the world: agents, files, git, questions.

use super::*;

impl Host<'_> {
    /// Performs `actions` in order. The worktrees of the runners among them start being
    /// prepared together when the first is about to be spawned; each runner waits only
    /// for its own.
    pub(super) fn perform_all(
        &mut self,
        actions: Vec<Action>,
        state: &StageRun,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        let spawns: Vec<RunId> = actions
            .iter()
            .filter_map(|a| match a {
                Action::SpawnRunner { run, .. } => Some(run.clone()),
                _ => None,
            })
            .collect();
        for action in actions {
            if matches!(action, Action::SpawnRunner { .. }) {
                self.prepare_for(&spawns)?;
            }
            self.perform(action, state, queue)?;
        }
        Ok(())
    }

    fn perform(
        &mut self,
        action: Action,
        state: &StageRun,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        match action {
            Action::Notify(n) => {
                if let execute::Notice::RunCompleted { run } | execute::Notice::RunSkipped { run } =
                    &n
                {
                    self.forget_gate(run);
                }
                if let Some(text) = render::notice_text(&n, state, &self.plan) {
                    self.ui.text(&text);
                }
                let (name, data) = notice_event(&n);
                self.ui.event(name, data);
            }
            Action::SpawnRunner {
                run,
                prompt,
                after_secs,
            } if after_secs > 0 => {
                let due = Instant::now() + Duration::from_secs(after_secs);
                self.delayed.push((due, run, prompt));
            }
            Action::SpawnRunner { run, prompt, .. } => match self.recover(&run)? {
                Some(exited) => queue.push_back(exited),
                None => self.spawn_runner(&run, &prompt)?,
            },
            Action::CheckEvidence {
                run,
                recap_path,
                commits,
            } if self.iso.worktrees.contains_key(&run) => {
                self.iso.held.push(isolate::Held {
                    run,
                    recap_path,
                    commits,
                });
            }
            Action::CheckEvidence {
                run,
                recap_path,
                commits,
            } => queue.push_back(self.evidence(run, &recap_path, &commits)?),
            Action::MergeBack { run, .. } => self.iso.merging.push(run),
            Action::SetAside {
                run,
                recap_path,
                rejected_path,
            } => self.set_aside(&run, &recap_path, &rejected_path)?,
            Action::AskGate { run, gate } => self.ask_gate(&run, &gate, queue)?,
            Action::AskFailure { failed } => self.ask_failure(&failed, queue),
            Action::SpawnAuditor => self.spawn_auditor()?,
            Action::ReadProof => {
                let exact = proof::path(self.vocab(), &self.plan.stage);
                let proof =
                    match crate::disk::locate_proof(self.vocab(), &self.root, &self.plan.stage) {
                        Err(why) => Err(why),
                        Ok(None) => Err(format!("the auditor did not write {exact}")),
                        Ok(Some(path)) => match self.try_read(&path) {
                            Ok(None) => Err(format!("the auditor did not write {exact}")),
                            Ok(Some(text)) => proof::parse(&path, &text).map_err(|d| d.one_line()),
                            Err(e) => Err(e.to_string()),
                        },
                    };
                queue.push_back(Event::ProofRead { proof });
            }
            Action::AskVerification { checklist } => self.ask_verification(&checklist, queue),
            Action::RecordProgress(_) => self.record(state)?,
            Action::UpdateTrack => self.update_track(state)?,
            Action::Commit {
                files,
                if_changed,
                message,
            } => self.commit(&files, &if_changed, &message)?,
            Action::OfferNext => {
                if let Some(track) = self.read(self.vocab().track) {
                    let planned = |n: &_| crate::disk::is_planned(&self.root, n);
                    let next =
                        next::offer_with(self.vocab(), &track, &self.plan.stage.number, planned);
                    self.ui.text(&next.render_markdown());
                    self.ui.emit(&event::NextEvent(&next));
                }
            }
            Action::Finish(outcome) => {
                if let Some(text) = render::stop_text(&outcome) {
                    self.ui.stop(&text);
                }
                self.ui.emit(&event::StageCompleted {
                    outcome: outcome.clone(),
                });
                self.outcome = Some(outcome);
            }
        }
        Ok(())
    }

    /// A project file's text; `None` when it is missing or cannot be read.
    pub(super) fn read(&self, rel: &str) -> Option<String> {
        self.try_read(rel).ok().flatten()
    }

    /// A project file's text, `None` when it is missing: a regular file inside the
    /// project, at most [`MAX_FILE_BYTES`], read without blocking (see [`crate::fsio`]).
    pub(super) fn try_read(&self, rel: &str) -> Result<Option<String>> {
        crate::fsio::read_text(&self.root, rel, MAX_FILE_BYTES)
    }

    /// Never through a symlink, never outside the project (see [`crate::fsio`]).
    pub(super) fn write(&self, rel: &str, text: &str) -> Result<()> {
        write_atomic(&self.root, rel, text.as_bytes())?;
        self.guard_wrote(rel, text);
        Ok(())
    }

    /// Starts one agent. `plan_text` is what its allowlist is read from (the run file,
    /// or every run file for the auditor) when `agent.permissions` is `allowlist`.
    fn start_agent(
        &mut self,
        label: &str,
        agent_kind: Agent,
        run_id: &str,
        (prompt, plan_text): (String, &str),
        cwd: PathBuf,
    ) -> Result<()> {
        let stage_dir = self.root.join(&self.plan.stage.dir);
        // Attempts go on from the logs of earlier executions: a resumed gate's
        // continuation gets its own log, not the first runner's.
        let attempt = self
            .attempts
            .entry(label.to_string())
            .or_insert_with(|| earlier_attempts(&stage_dir, label));
        *attempt += 1;
        // A log (or its directory) committed as a symlink would be written through:
        // refused before anything is created there.
        let log_rel = format!("{}/logs/{label}-{}.log", self.plan.stage.dir, *attempt);
        crate::fsio::safe_path(&self.root, &log_rel)?;
        let log_path = agent::log_path(&stage_dir, label, *attempt);
        let config = self.config();
        let model = self.project.models().get(agent_kind).map(str::to_string);
        let renn = super::super::renn_program(self.opts.renn.as_deref());
        let programs = permissions::verify_programs(plan_text);
        let allowed_tools = permissions::allowed_tools(config.agent.profile, &programs);
        let argv = config.agent.argv_for(&ArgvVars {
            model: model.as_deref(),
            agent: agent_kind.name(),
            run_id,
            renn: &renn,
            allowed_tools: &allowed_tools,
            git_dir: &self.git_dir,
        });
        let mut env = config.agent.environment(|k| std::env::var_os(k).is_some());
        env.extend(agent_env());
        let mut prompt_mode = config.agent.prompt;
        let (argv, prompt, cwd) = match RunId::parse(label).filter(|_| self.travels(label)) {
            Some(run) => {
                // The job gets the prompt in its directory; renn's child is the engine's command.
                let attempt = self.attempts[label];
                let (command, dir) = self.travel_job(&run, attempt, &argv, &prompt)?;
                prompt_mode = renn_core::config::PromptMode::Stdin;
                (command, String::new(), dir)
            }
            None => (argv, prompt, cwd),
        };
        let config = self.config();
        let job = AgentJob {
            label: label.to_string(),
            argv,
            prompt,
            prompt_mode,
            cwd,
            log_path: log_path.clone(),
            timeout: Duration::from_secs(config.agent.timeout_secs),
            env,
            token: agent::new_token(label),
        };
        self.intend_agent(label, &job.token)?;
        let running = agent::start(job, self.tx.clone())?;
        self.remember_agent(label, running.pid())?;
        self.running.insert(label.to_string(), running);
        self.ui.emit(&event::RunSpawned {
            run: label.to_string(),
            agent: agent_kind.name().to_string(),
            model: model.clone(),
            attempt: self.attempts[label],
            log: rel(&self.root, &log_path),
        });
        Ok(())
    }

    pub(super) fn spawn_runner(&mut self, run: &RunId, spec: &PromptSpec) -> Result<()> {
        let earlier = match spec {
            PromptSpec::Runner => self.earlier_commits(run)?,
            PromptSpec::Continuation { .. } => Vec::new(),
        };
        let snap = self.project.snapshot();
        let r = self
            .plan
            .runs
            .iter()
            .find(|r| &r.id == run)
            .ok_or_else(|| internal("spawned run not in plan"))?;
        let run_text = snap.text(&r.path)?.unwrap_or_default().to_string();
        let pulse = self.read(self.vocab().pulse);
        let config = snap.text(self.vocab().config)?.map(str::to_string);
        let ctx = RunnerContext {
            vocab: self.vocab(),
            stage: &self.plan.stage,
            run: r,
            run_text: &run_text,
            pulse: pulse.as_deref(),
            config: config.as_deref(),
            earlier: &earlier,
        };
        let prompt = match spec {
            PromptSpec::Runner => self.templates.runner(&ctx),
            PromptSpec::Continuation { gate, response } => {
                self.templates.continuation(&ContinuationContext {
                    runner: ctx,
                    gate,
                    response,
                })
            }
        };
        let cwd = self.workdir(run)?;
        // In the shared tree an interrupted runner's commits are the run's own work: the
        // run started before the first of them.
        if let (Some(first), false) = (earlier.first(), self.iso.worktrees.contains_key(run)) {
            if !self.starts.contains_key(run) {
                let start = self.git.commit_of(&format!("{}^", first.hash))?;
                self.starts.insert(run.clone(), start);
            }
        }
        self.record_start(run)?;
        self.start_agent(
            &run.to_string(),
            Agent::Runner,
            &run.to_string(),
            (prompt, &run_text),
            cwd,
        )
    }

    /// What an interrupted runner of `run` committed before renn stopped: on its branch
    /// and not yet merged (worktree isolation), or on HEAD with the run's id in the
    /// subject (`feat(03-02): …`; the shared tree). A run without a recap has no
    /// commits of a finished attempt, so these are an interrupted one's.
    fn earlier_commits(&mut self, run: &RunId) -> Result<Vec<EarlierCommit>> {
        let branch = isolate::branch_of(run);
        // A branch renn made in this execution holds no earlier attempt's work.
        let made_now = self
            .iso
            .worktrees
            .get(run)
            .is_some_and(|w| w.fork.is_some());
        let found = match (self.iso.branches.contains(&branch), made_now) {
            (true, false) => self.git.commits(&format!("HEAD..{branch}"), 100)?,
            (true, true) => Vec::new(),
            (false, _) => {
                let tag = format!("({run})");
                let recent = self.recent_commits()?;
                recent
                    .iter()
                    .filter(|(_, s)| s.contains(&tag))
                    .cloned()
                    .collect()
            }
        };
        Ok(found
            .into_iter()
            .rev()
            .map(|(hash, subject)| EarlierCommit { hash, subject })
            .collect())
    }

    /// HEAD's last commits as the execution started, read once: a run spawned for the
    /// first time in this execution can only find an earlier attempt's commits there.
    fn recent_commits(&mut self) -> Result<&[(String, String)]> {
        if self.recent.is_none() {
            self.recent = Some(self.git.commits("HEAD", 300)?);
        }
        Ok(self.recent.as_deref().unwrap_or_default())
    }

    pub(super) fn spawn_auditor(&mut self) -> Result<()> {
        let track = self.read(self.vocab().track);
        let goal = track.as_deref().and_then(|t| {
            track::stages(t)
                .into_iter()
                .find(|s| s.number == self.plan.stage.number)
                .and_then(|s| s.goal)
        });
        let must_haves = prompt::must_haves(self.project.snapshot(), &self.plan.runs)
            .map_err(renn_core::Error::from)?;
        let prompt = self.templates.auditor(&AuditorContext {
            vocab: self.vocab(),
            stage: &self.plan.stage,
            goal: goal.as_deref(),
            must_haves: &must_haves,
        });
        let snap = self.project.snapshot();
        let plan_text: String = self
            .plan
            .runs
            .iter()
            .filter_map(|r| snap.text(&r.path).ok().flatten())
            .collect::<Vec<_>>()
            .join("\n");
        let cwd = self.root.clone();
        self.start_agent(AUDITOR, Agent::Auditor, "", (prompt, &plan_text), cwd)
    }

    /// pulse.md belongs to renn while runs execute: only its owned lines change.
    pub(super) fn record(&mut self, state: &StageRun) -> Result<()> {
        let Some(text) = self.try_read(self.vocab().pulse)? else {
            return Ok(());
        };
        let track = self.read(self.vocab().track);
        let updated = state.pulse_text(&text, track.as_deref(), &self.opts.today);
        if updated != text {
            self.write(self.vocab().pulse, &updated)?;
        }
        Ok(())
    }

    pub(super) fn update_track(&mut self, state: &StageRun) -> Result<()> {
        let Some(text) = self.try_read(self.vocab().track)? else {
            return Ok(());
        };
        let updated =
            (state.track_text(&text, &self.opts.today)).map_err(renn_core::Error::from)?;
        self.write(self.vocab().track, &updated)
    }

    pub(super) fn commit(
        &mut self,
        files: &[String],
        if_changed: &[String],
        message: &str,
    ) -> Result<()> {
        let mut add: Vec<&str> = files
            .iter()
            .map(String::as_str)
            .filter(|f| self.root.join(f).exists())
            .collect();
        for f in if_changed {
            if self.git.is_changed(f)? {
                add.push(f);
            }
        }
        self.git.add(&add)?;
        let hash = self.git.commit(message)?;
        self.head_may_move();
        self.ui.text(&format!("Committed {hash}: {message}"));
        self.ui.emit(&event::Committed {
            commit: hash,
            message: message.to_string(),
            files: add.iter().map(|f| f.to_string()).collect(),
        });
        Ok(())
    }
}

pub(super) fn earlier_attempts(stage_dir: &Path, label: &str) -> u32 {
    (1..)
        .take_while(|n| {
            stage_dir
                .join("logs")
                .join(format!("{label}-{n}.log"))
                .exists()
        })
        .count() as u32
}

/// Git's auto-maintenance detaches from `git commit` into the agent's process group;
/// renn stops what an agent leaves behind, so it would kill that maintenance (and
/// wait for it). Agents' git runs maintenance in the foreground instead.
fn agent_env() -> Vec<(String, String)> {
    [
        ("GIT_CONFIG_COUNT", "1"),
        ("GIT_CONFIG_KEY_0", "maintenance.autoDetach"),
        ("GIT_CONFIG_VALUE_0", "false"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}
