//! After a `kill -9`: a run whose agent finished in its worktree — its recap committed on
//! its branch — while renn died before merging it, is merged, not run again.

use super::*;
use renn_core::recap::path_for_run;

impl Host<'_> {
    /// The runs left to execute whose branch holds their recap, committed: one git
    /// process for all of them.
    pub(super) fn recoverable_runs(&self) -> Result<HashSet<RunId>> {
        let candidates: Vec<(RunId, String)> = self
            .plan
            .batches
            .iter()
            .flat_map(|b| &b.runs)
            .filter(|id| self.iso.branches.contains(&branch_of(id)))
            .filter_map(|id| self.plan.runs.iter().find(|r| &r.id == id))
            .map(|r| {
                // `./`: the recap's path is relative to the project, as git runs there.
                let recap = path_for_run(&r.path);
                (
                    r.id.clone(),
                    format!("refs/heads/{}:./{recap}", branch_of(&r.id)),
                )
            })
            .collect();
        let names: Vec<String> = candidates.iter().map(|(_, n)| n.clone()).collect();
        let types = self.git.object_types(&names)?;
        Ok(candidates
            .into_iter()
            .zip(types)
            .filter(|(_, kind)| kind.as_deref() == Some("blob"))
            .map(|((id, _), _)| id)
            .collect())
    }

    /// For a recoverable run about to be spawned: its worktree back and, instead of a
    /// new agent, the return of the one that finished, so its branch is merged and its
    /// evidence checked like any other run's. `None` for every other run.
    pub(in crate::drive::host) fn recover(&mut self, run: &RunId) -> Result<Option<Event>> {
        if !self.iso.recovered.remove(run) {
            return Ok(None);
        }
        self.workdir(run)?;
        let branch = branch_of(run);
        self.ui.text(&format!(
            "{run}: its branch {branch} already holds its committed recap (renn stopped before merging it): it is merged, not run again."
        ));
        self.ui.emit(&event::RunRecovered {
            run: run.clone(),
            branch: branch.clone(),
        });
        self.record_start(run)?;
        Ok(Some(Event::RunnerExited {
            run: run.clone(),
            output: self.last_return(run),
            exit: execute::Exit::Success,
            stderr: String::new(),
        }))
    }

    /// The RUN COMPLETE block of the run's last log. An agent whose renn died may have
    /// had no one left to print it to: then a block made of the task table its recap
    /// holds, so the evidence check rests on what the recap says was committed.
    fn last_return(&self, run: &RunId) -> String {
        let label = run.to_string();
        let stage_dir = self.root.join(&self.plan.stage.dir);
        let attempt = act::earlier_attempts(&stage_dir, &label);
        let log = format!("{}/logs/{label}-{attempt}.log", self.plan.stage.dir);
        // Bounded and regular files only: a log planted as a FIFO must not hang renn.
        let output = match crate::fsio::read_bounded(&self.root, &log, LOG_LIMIT) {
            Ok(Some(crate::fsio::Contents::Bytes(b))) => String::from_utf8_lossy(&b).into_owned(),
            _ => String::new(),
        };
        match returns::parse(&output) {
            Ok(returns::AgentReturn::Complete(c)) if &c.run == run => output,
            _ => {
                let tasks = self
                    .plan
                    .runs
                    .iter()
                    .find(|r| &r.id == run)
                    .map_or(0, |r| r.tasks);
                let recap = self.iso.worktrees.get(run).and_then(|w| {
                    let root = w.path.join(self.git.prefix());
                    let path = path_for_run(&self.plan.runs.iter().find(|r| &r.id == run)?.path);
                    crate::fsio::read_text(&root, path, MAX_FILE_BYTES)
                        .ok()
                        .flatten()
                });
                let table = recap.as_deref().map(task_table).unwrap_or_default();
                format!("## RUN COMPLETE\n\n**Run:** {run}\n**Tasks:** {tasks}/{tasks}\n\n{table}")
            }
        }
    }
}

/// The most of an agent's log renn reads back to find its last block.
const LOG_LIMIT: u64 = 64 << 20;

/// The recap's task table (`| Task | Name | Commit | Files |`), as its lines.
fn task_table(recap: &str) -> String {
    let lines: Vec<&str> = recap.lines().map(str::trim).collect();
    let Some(head) = lines
        .iter()
        .position(|l| l.starts_with('|') && l.contains("Task") && l.contains("Commit"))
    else {
        return String::new();
    };
    lines[head..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect()
}
