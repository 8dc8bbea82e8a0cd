//! A batch's worktrees, prepared in the background while its agents are being started:
//! the first agent starts as soon as its own worktree is ready, not after all of them.
//! Spares are cleaned in the background too, as soon as their run is merged, while renn
//! records the batch's results.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;

/// Results of background work, each with the index of its job.
type Results = Receiver<(usize, Result<()>)>;

/// Worktrees on their way.
#[derive(Default)]
pub(super) struct Preparing {
    /// Run → where its worktree will be and the commit its branch starts from.
    waiting: HashMap<RunId, (PathBuf, String)>,
    /// How each finished, until its run asks for it.
    ready: HashMap<RunId, Result<()>>,
    /// The runs being prepared, in the order of the workers' results' indexes.
    done: Option<(Vec<RunId>, Results)>,
}

/// One run's new worktree: a spare (`used` until cleaned) or one just added empty.
struct Job {
    run: RunId,
    path: PathBuf,
    used: bool,
}

/// A worktree whose run is merged, for a later run.
pub(super) struct Spare {
    pub path: PathBuf,
    /// Nothing git does not track is left in it.
    pub clean: bool,
}

/// Spares being cleaned in the background.
pub(super) struct Cleaning {
    paths: Vec<PathBuf>,
    done: Results,
}

impl Host<'_> {
    /// Starts preparing worktrees for the runners about to be spawned, all at once, so
    /// the git work of one overlaps the next's and the agents' start. Runs that have
    /// one, or work elsewhere, are left alone.
    pub(in crate::drive::host) fn prepare_for(&mut self, spawns: &[RunId]) -> Result<()> {
        let runs: Vec<RunId> = spawns
            .iter()
            .filter(|r| {
                self.isolates(r)
                    && !self.iso.worktrees.contains_key(r)
                    && !self.iso.preparing.waiting.contains_key(r)
                    && !self.iso.branches.contains(&branch_of(r))
                    && !self.iso.recovered.contains(r)
            })
            .cloned()
            .collect();
        self.prepare_worktrees(runs)
    }

    /// New worktrees on new branches for `runs`, from HEAD. Missing worktrees are added
    /// empty here, one after another (concurrent `git worktree add` races on
    /// `.git/config.lock`); every worktree, new or spare, is then filled in the
    /// background, side by side, each touching only its own files.
    pub(super) fn prepare_worktrees(&mut self, runs: Vec<RunId>) -> Result<()> {
        if runs.is_empty() {
            return Ok(());
        }
        self.finish_preparing();
        self.finish_cleaning();
        let base = self.base()?;
        let (mut jobs, mut added) = (Vec::new(), Ok(()));
        for run in runs {
            let own = match self.worktree_path(&run) {
                Ok(own) => own,
                Err(e) => {
                    added = Err(e);
                    break;
                }
            };
            let job = match self.take_spare(&own) {
                Some(spare) => Job {
                    run,
                    path: spare.path,
                    used: !spare.clean,
                },
                None => {
                    added = self.git.worktree_add_empty(&own, &base);
                    if added.is_err() {
                        break;
                    }
                    Job {
                        run,
                        path: own,
                        used: false,
                    }
                }
            };
            let waiting = (job.path.clone(), base.clone());
            self.iso.preparing.waiting.insert(job.run.clone(), waiting);
            jobs.push(job);
        }
        // Even after a failure: what was started is finished, so nothing is lost.
        if !jobs.is_empty() {
            self.iso.preparing.done = Some(fill(self.git.clone(), jobs, base));
        }
        added
    }

    /// Waits for `run`'s worktree, if it is on its way; `false` when it is not.
    pub(super) fn await_worktree(&mut self, run: &RunId) -> Result<bool> {
        if !self.iso.preparing.waiting.contains_key(run) {
            return Ok(false);
        }
        while !self.iso.preparing.ready.contains_key(run) && self.receive_one() {}
        self.take_ready(run).map(|()| true)
    }

    /// Waits for every worktree on its way, and takes them (before renn looks at
    /// them all, or stops).
    pub(super) fn finish_preparing(&mut self) {
        while self.receive_one() {}
        let mut runs: Vec<RunId> = self.iso.preparing.waiting.keys().cloned().collect();
        runs.sort();
        for run in runs {
            let _ = self.take_ready(&run);
        }
    }

    /// Waits for one more worktree: `false` when none is on its way any more.
    fn receive_one(&mut self) -> bool {
        let p = &mut self.iso.preparing;
        let received = p
            .done
            .as_ref()
            .and_then(|(runs, rx)| rx.recv().ok().map(|(i, r)| (runs[i].clone(), r)));
        match received {
            Some((run, result)) => {
                p.ready.insert(run, result);
                true
            }
            None => {
                p.done = None;
                false
            }
        }
    }

    /// `run`'s worktree is ready: from now on it works there. Its events come in the
    /// order the runs are spawned, whichever worktree was ready first.
    fn take_ready(&mut self, run: &RunId) -> Result<()> {
        let p = &mut self.iso.preparing;
        let (path, fork) = p
            .waiting
            .remove(run)
            .ok_or_else(|| internal("no worktree on its way"))?;
        // No result: the worker preparing it died.
        let result = p
            .ready
            .remove(run)
            .unwrap_or_else(|| Err(internal("a worktree was not prepared")));
        result.map(|()| self.adopt(run, path, Some(fork)))
    }

    /// A spare worktree, the one named after `own` when there is one.
    fn take_spare(&mut self, own: &Path) -> Option<Spare> {
        let spares = &mut self.iso.spares;
        let i = spares
            .iter()
            .position(|s| s.path == own)
            .or(spares.len().checked_sub(1))?;
        Some(spares.swap_remove(i))
    }

    /// Starts cleaning the worktrees of merged runs, which become spares.
    pub(super) fn clean_in_background(&mut self, paths: Vec<PathBuf>) {
        self.finish_cleaning();
        if paths.is_empty() {
            return;
        }
        let jobs = paths.clone();
        let done = in_background(self.git.clone(), jobs, |git, path| git.worktree_clean(path));
        self.iso.cleaning = Some(Cleaning { paths, done });
    }

    /// Waits for the spares being cleaned (before they are used, or removed).
    pub(super) fn finish_cleaning(&mut self) {
        let Some(Cleaning { paths, done }) = self.iso.cleaning.take() else {
            return;
        };
        let cleaned: HashSet<usize> = done
            .iter()
            .filter_map(|(i, result)| result.is_ok().then_some(i))
            .collect();
        let spares = paths.into_iter().enumerate().map(|(i, path)| Spare {
            path,
            clean: cleaned.contains(&i),
        });
        self.iso.spares.extend(spares);
    }
}

/// Fills the worktrees of `jobs` in the background: a used spare is cleaned first;
/// each gets its new branch at `base`. Every result is sent as soon as it is known.
fn fill(git: Git, jobs: Vec<Job>, base: String) -> (Vec<RunId>, Results) {
    let runs: Vec<RunId> = jobs.iter().map(|j| j.run.clone()).collect();
    let done = in_background(git, jobs, move |git, job| {
        if job.used {
            git.worktree_clean(&job.path)?;
        }
        git.worktree_branch_off(&job.path, &branch_of(&job.run), &base)
    });
    (runs, done)
}

/// `work` on every job, in order, on as many threads as there are cores; each result
/// (with the job's index) is sent as soon as it is known.
fn in_background<J, T>(
    git: Git,
    jobs: Vec<J>,
    work: impl Fn(&Git, &J) -> T + Send + Sync + 'static,
) -> Receiver<(usize, T)>
where
    J: Send + Sync + 'static,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let shared = Arc::new((git, jobs, work, AtomicUsize::new(0)));
    for _ in 0..workers.min(shared.1.len()) {
        let (shared, tx) = (Arc::clone(&shared), tx.clone());
        std::thread::spawn(move || {
            let (git, jobs, work, next) = &*shared;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { return };
                if tx.send((i, work(git, job))).is_err() {
                    return;
                }
            }
        });
    }
    rx
}
