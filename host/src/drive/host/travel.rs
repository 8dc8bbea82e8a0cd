//! Isolation `clone`: the repository travels by git (docs/spec.md#runtimes). A run's
//! worktree branch is published to a git remote the workers reach, the job clones it
//! there, runs the agent and pushes the branch back; renn fetches it into the run's
//! worktree, and from then on every rule of a worktree run applies unchanged — the
//! evidence is read from the fetched branch, the merge goes in run order, a branch
//! the job reset or rewrote fails its evidence. Only git's own transports are used.

use super::Host;
use crate::runtime::{self, Job};
use crate::{Error, Result};
use renn_core::config::Isolation;
use renn_core::run::RunId;
use std::path::{Path, PathBuf};

/// Where a travelling run's branch lives on the remote: a private namespace, so a
/// user's own remote is never given branches.
pub(super) fn remote_ref(run: &RunId) -> String {
    format!("refs/renn/runs/{run}")
}

impl Host<'_> {
    /// Whether `label`'s agent runs away from this checkout (isolation `clone`); the
    /// auditor always runs here.
    pub(super) fn travels(&self, label: &str) -> bool {
        self.config().isolation == Isolation::Clone && RunId::parse(label).is_some()
    }

    /// The remote jobs clone from: `agent.runtime.remote`, else the bare repository
    /// renn keeps in the planning directory, created on first use.
    pub(super) fn remote(&self) -> Result<String> {
        if let Some(r) = &self.config().agent.runtime.remote {
            return Ok(r.clone());
        }
        let rel = format!("{}/remote.git", self.vocab().dir);
        let path = crate::fsio::safe_path(&self.root, &rel)?;
        if !path.join("HEAD").is_file() {
            self.git.init_bare(&path)?;
        }
        Ok(path.display().to_string())
    }

    /// Turns `argv` (the agent's own command line) into the job that runs it on the
    /// runtime: publishes the run's branch, writes `job.sh` and the prompt beside it,
    /// and returns the engine's command line, the job's directory and the git identity
    /// the job commits with (set in the engine command's environment).
    pub(super) fn travel_job(
        &mut self,
        run: &RunId,
        attempt: u32,
        argv: &[String],
        prompt: &str,
    ) -> Result<TravelJob> {
        let env: Vec<(String, String)> = (self.config().agent.env.iter())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let env = &env;
        let remote = self.remote()?;
        let branch = super::isolate::branch_of(run);
        self.git
            .push_ref(&remote, &format!("refs/heads/{branch}"), &remote_ref(run))?;
        let rel = format!("{}/jobs/{run}-{attempt}", self.vocab().dir);
        let dir = crate::fsio::safe_path(&self.root, &rel)?;
        crate::fsio::create_dir_all(&self.root, &rel)?;
        crate::fsio::write_atomic(&self.root, format!("{rel}/prompt.md"), prompt.as_bytes())?;
        let script = job_script(&JobScript {
            run,
            remote: &remote,
            branch: &branch,
            dir: &dir,
            argv,
            prompt_as_argument: self.config().agent.prompt
                == renn_core::config::PromptMode::Argument,
            env,
        });
        crate::fsio::write_atomic(&self.root, format!("{rel}/job.sh"), script.as_bytes())?;
        let rt = &self.config().agent.runtime;
        let names: Vec<String> = (rt.pass_env.iter().cloned())
            .chain(IDENTITY.iter().map(|s| s.to_string()))
            .collect();
        let remote_dir = Path::new(&remote);
        let mounts: Vec<&Path> = remote_dir
            .is_absolute()
            .then_some(remote_dir)
            .into_iter()
            .collect();
        let name = self.job_name(&run.to_string(), attempt);
        let job = Job {
            name: &name,
            dir: &dir,
            mounts: &mounts,
            env: &names,
            runtime: rt,
        };
        let command = runtime::command(&job).map_err(|why| Error::Runtime { why })?;
        Ok((command, dir, self.identity()))
    }

    /// The user's git identity, which the job's commits carry as a local run's would.
    fn identity(&self) -> Vec<(String, String)> {
        let (name, email) = self.git.user().unwrap_or_default();
        let name = Some(name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "renn".into());
        let email = Some(email)
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "renn@localhost".into());
        IDENTITY
            .iter()
            .map(|k| {
                (
                    k.to_string(),
                    if k.ends_with("NAME") {
                        name.clone()
                    } else {
                        email.clone()
                    },
                )
            })
            .collect()
    }

    /// The engine's name for an attempt: renn's handle on it after a crash.
    pub(super) fn job_name(&self, label: &str, attempt: u32) -> String {
        format!("{}{label}-{attempt}", self.job_prefix())
    }

    /// `renn-<project>-`: every job of this project, whatever the run.
    pub(super) fn job_prefix(&self) -> String {
        let digest = self
            .root
            .display()
            .to_string()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        format!("renn-{:08x}-", digest as u32)
    }

    /// After a travelling run's job ended: its pushed branch becomes the worktree's.
    /// A job that pushed nothing leaves the branch where it was published.
    pub(super) fn travel_back(&mut self, run: &RunId) -> Result<()> {
        let Some(tree) = self.iso.worktrees.get(run).map(|w| w.path.clone()) else {
            return Ok(());
        };
        let remote = self.remote()?;
        self.git
            .in_tree(&tree)
            .fetch_reset(&remote, &remote_ref(run))
    }

    /// Cancels the engine's job of `label` (a stopped `podman run` client or `srun`
    /// does not always take its job with it).
    pub(super) fn cancel_job(&self, label: &str) {
        let rt = &self.config().agent.runtime;
        let attempt = self.attempts.get(label).copied().unwrap_or(0);
        if let Some(argv) = runtime::cancel(rt, &self.job_name(label, attempt)) {
            let _ = std::process::Command::new(&argv[0])
                .args(&argv[1..])
                .output();
        }
    }

    /// Jobs an earlier renn of this project left on the engine (killed before it could
    /// cancel them) are cancelled: their runs start again, as any interrupted run does.
    pub(super) fn cancel_leftover_jobs(&mut self) -> Result<()> {
        if self.config().isolation != Isolation::Clone {
            return Ok(());
        }
        let rt = self.config().agent.runtime.clone();
        let prefix = self.job_prefix();
        let Some(argv) = runtime::list(&rt, &prefix) else {
            return Ok(());
        };
        let out = match std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .output()
        {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
            _ => return Ok(()),
        };
        for name in runtime::parse_list(&out, &prefix) {
            if let Some(cancel) = runtime::cancel(&rt, &name) {
                let _ = std::process::Command::new(&cancel[0])
                    .args(&cancel[1..])
                    .output();
                self.ui.text(&format!(
                    "Cancelled job {name}, left by an interrupted renn."
                ));
            }
        }
        Ok(())
    }
}

/// A travelling run's job: the engine's command line, the job's directory and the git
/// identity the job commits with (set in the command's environment).
pub(super) type TravelJob = (Vec<String>, PathBuf, Vec<(String, String)>);

/// The git identity a job commits with: the worker has no git config of renn's user.
pub(super) const IDENTITY: [&str; 4] = [
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
];

struct JobScript<'a> {
    run: &'a RunId,
    remote: &'a str,
    branch: &'a str,
    dir: &'a Path,
    argv: &'a [String],
    prompt_as_argument: bool,
    /// `agent.env`: not secret, written into the script.
    env: &'a [(String, String)],
}

/// The one script every runtime runs. Git's chatter goes to stderr (the log): stdout
/// is the agent's, which renn reads for its return block.
fn job_script(j: &JobScript<'_>) -> String {
    let q = shell_quote;
    let prompt = j.dir.join("prompt.md").display().to_string();
    let agent: Vec<String> = j.argv.iter().map(|a| q(a)).collect();
    let run_agent = if j.prompt_as_argument {
        format!("{} \"$(cat {})\" </dev/null", agent.join(" "), q(&prompt))
    } else {
        format!("{} < {}", agent.join(" "), q(&prompt))
    };
    let exports: String = (j.env.iter())
        .map(|(k, v)| format!("export {k}={}\n", q(v)))
        .collect();
    format!(
        r#"#!/usr/bin/env bash
# renn's job for run {run}: generated by renn (docs/spec.md#runtimes); do not edit.
set -uo pipefail
remote={remote}
ref={reference}
ws="${{TMPDIR:-/tmp}}/renn-ws-{run}-$$"
{exports}rm -rf "$ws" && git init --quiet "$ws" >&2 && cd "$ws" || exit 90
git fetch --quiet "$remote" "$ref" >&2 && git checkout --quiet -B {branch} FETCH_HEAD >&2 \
  || {{ echo "renn job: cannot fetch $ref from $remote" >&2; exit 91; }}
{run_agent}
code=$?
git push --quiet --force "$remote" "HEAD:$ref" >&2 \
  || {{ echo "renn job: cannot push $ref to $remote" >&2; [ "$code" -eq 0 ] && code=92; }}
cd / && rm -rf "$ws"
exit "$code"
"#,
        run = j.run,
        remote = q(j.remote),
        reference = q(&remote_ref(j.run)),
        branch = q(j.branch),
    )
}

/// `it's` → `'it'\''s'`: one word for bash, whatever it holds.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_every_argument_one_word() {
        assert_eq!(shell_quote("plain-arg_1.2"), "plain-arg_1.2");
        assert_eq!(shell_quote("it's $HOME"), r"'it'\''s $HOME'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn the_script_fetches_runs_and_pushes_the_runs_ref() {
        let run = RunId::parse("03-01").unwrap();
        let argv = ["agent".to_string(), "--flag".into(), "two words".into()];
        let env = [("MODE".to_string(), "a b".to_string())];
        let s = job_script(&JobScript {
            run: &run,
            remote: "/p/.renn/remote.git",
            branch: "renn/run-03-01",
            dir: Path::new("/p/.renn/jobs/03-01-1"),
            argv: &argv,
            prompt_as_argument: false,
            env: &env,
        });
        assert!(s.contains("ref=refs/renn/runs/03-01\n"), "{s}");
        assert!(s.contains("export MODE='a b'\n"), "{s}");
        assert!(
            s.contains("agent --flag 'two words' < /p/.renn/jobs/03-01-1/prompt.md\n"),
            "{s}"
        );
        assert!(
            s.contains(r#"git push --quiet --force "$remote" "HEAD:$ref""#),
            "{s}"
        );
    }
}
