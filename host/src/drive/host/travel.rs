//! Isolation `clone`: the repository travels by git (docs/spec.md#runtimes). A run's
//! worktree branch is published to a git remote the workers reach, the job clones it
//! there, runs the agent and pushes the branch back; renn fetches it into the run's
//! worktree, and from then on every rule of a worktree run applies unchanged — the
//! evidence is read from the fetched branch, the merge goes in run order, a branch
//! the job reset or rewrote fails its evidence. Only git's own transports are used.

use super::Host;
use crate::runtime::{self, shell_quote, Job};
use crate::{Error, Result};
use renn_core::config::Isolation;
use renn_core::run::RunId;
use std::path::{Path, PathBuf};

/// Where a travelling run's branch lives on the remote: a private namespace, so a
/// user's own remote is never given branches; one ref per attempt, so a job an
/// interrupted renn could not cancel never overwrites its successor's work.
pub(super) fn remote_ref(run: &RunId, attempt: u32) -> String {
    format!("refs/renn/runs/{run}/{attempt}")
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
    /// runtime: publishes the run's branch, writes `job.sh` (and the prompt, or the
    /// engine's files) into the job's directory, and returns what renn starts.
    pub(super) fn travel_job(
        &mut self,
        run: &RunId,
        attempt: u32,
        argv: &[String],
        prompt: &str,
    ) -> Result<TravelJob> {
        let rt = self.config().agent.runtime.clone();
        let remote = self.remote()?;
        let branch = super::isolate::branch_of(run);
        self.git.push_ref(
            &remote,
            &format!("refs/heads/{branch}"),
            &remote_ref(run, attempt),
        )?;
        let rel = format!("{}/jobs/{run}-{attempt}", self.vocab().dir);
        let dir = crate::fsio::safe_path(&self.root, &rel)?;
        crate::fsio::create_dir_all(&self.root, &rel)?;
        let name = self.job_name(&run.to_string(), attempt);
        let prompt = if rt.kind.shares_paths() {
            crate::fsio::write_atomic(&self.root, format!("{rel}/prompt.md"), prompt.as_bytes())?;
            PromptAt::File(dir.join("prompt.md").display().to_string())
        } else {
            PromptAt::Inline(prompt)
        };
        let mut env: Vec<(String, String)> = (self.config().agent.env.iter())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        env.extend(self.identity());
        let script = job_script(&JobScript {
            run,
            attempt,
            remote: &remote,
            branch: &branch,
            argv,
            prompt,
            prompt_as_argument: self.config().agent.prompt
                == renn_core::config::PromptMode::Argument,
            env: &env,
            pid_file: (rt.kind == renn_core::config::RuntimeKind::Ssh).then_some(name.as_str()),
        });
        crate::fsio::write_atomic(&self.root, format!("{rel}/job.sh"), script.as_bytes())?;
        let template = match &rt.template {
            Some(t) => Some(self.job_template(t)?),
            None => None,
        };
        let remote_dir = Path::new(&remote);
        let mounts: Vec<&Path> = remote_dir
            .is_absolute()
            .then_some(remote_dir)
            .into_iter()
            .collect();
        let job = Job {
            name: &name,
            dir: &dir,
            script: &script,
            mounts: &mounts,
            env: &rt.pass_env,
            slot: self.attempts.values().sum::<u32>().saturating_sub(1) as usize,
            template: template.as_deref(),
            runtime: &rt,
        };
        let rendered = runtime::command(&job).map_err(|why| Error::Runtime { why })?;
        for (file, text) in &rendered.files {
            crate::fsio::write_atomic(&self.root, format!("{rel}/{file}"), text.as_bytes())?;
        }
        Ok((rendered.argv, dir))
    }

    /// The project's Kubernetes Job template (`agent.runtime.template`).
    fn job_template(&self, rel: &str) -> Result<String> {
        crate::fsio::read_text(&self.root, rel, 1 << 20)?.ok_or_else(|| Error::Runtime {
            why: format!("agent.runtime.template `{rel}` does not exist"),
        })
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
                let value = if k.ends_with("NAME") { &name } else { &email };
                (k.to_string(), value.clone())
            })
            .collect()
    }

    /// The engine's name for an attempt: renn's handle on it after a crash.
    pub(super) fn job_name(&self, label: &str, attempt: u32) -> String {
        // Every engine's rules at once (a Kubernetes name is the strictest): lowercase
        // letters, digits and `-`; a gap run's `02.1-01` becomes `02-1-01`.
        let label: String = (label.chars())
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '-' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => '-',
            })
            .collect();
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

    /// After a travelling run's job ended: its pushed branch becomes the worktree's,
    /// and the remote's copy goes (the worktree now holds it; a retry publishes again).
    /// A job that pushed nothing leaves the branch where it was published.
    pub(super) fn travel_back(&mut self, run: &RunId) -> Result<()> {
        let Some(tree) = self.iso.worktrees.get(run).map(|w| w.path.clone()) else {
            return Ok(());
        };
        let remote = self.remote()?;
        let at = remote_ref(
            run,
            self.attempts.get(&run.to_string()).copied().unwrap_or(1),
        );
        self.git.in_tree(&tree).fetch_reset(&remote, &at)?;
        self.git.delete_remote_ref(&remote, &at)
    }

    /// Cancels the engine's job of `label` (a stopped `podman run` client or `srun`
    /// does not always take its job with it).
    pub(super) fn cancel_job(&self, label: &str) {
        let rt = &self.config().agent.runtime;
        let attempt = self.attempts.get(label).copied().unwrap_or(0);
        for argv in runtime::cancel(rt, &self.job_name(label, attempt)) {
            let _ = output_of(&argv);
        }
    }

    /// Jobs an earlier renn of this project left on the engine (killed before it could
    /// cancel them) are cancelled: their runs start again, as any interrupted run does.
    /// An engine that cannot be asked is not an error here: the first job says why.
    pub(super) fn cancel_leftover_jobs(&mut self) -> Result<()> {
        if self.config().isolation != Isolation::Clone {
            return Ok(());
        }
        let rt = self.config().agent.runtime.clone();
        let prefix = self.job_prefix();
        // A set: two ssh hosts may be one machine (or share /tmp), listing a job twice;
        // cancelling already reaches every host.
        let listed: std::collections::BTreeSet<String> = (runtime::list(&rt).iter())
            .filter_map(|argv| output_of(argv))
            .flat_map(|out| runtime::parse_list(&out, &prefix))
            .collect();
        for name in listed {
            for cancel in runtime::cancel(&rt, &name) {
                let _ = output_of(&cancel);
            }
            self.ui.text(&format!(
                "Cancelled job {name}, left by an interrupted renn."
            ));
        }
        Ok(())
    }
}

/// A command's stdout, when it ran and succeeded.
fn output_of(argv: &[String]) -> Option<String> {
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A travelling run's job: what renn starts, and the job's directory.
pub(super) type TravelJob = (Vec<String>, PathBuf);

/// The git identity a job commits with (exported by its script: the worker has no git
/// config of renn's user).
pub(super) const IDENTITY: [&str; 4] = [
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
];

/// Where the job's script finds the prompt.
enum PromptAt<'a> {
    /// A file at the same path on the worker.
    File(String),
    /// Nowhere but in the script, which writes it out on the worker.
    Inline(&'a str),
}

struct JobScript<'a> {
    run: &'a RunId,
    attempt: u32,
    remote: &'a str,
    branch: &'a str,
    argv: &'a [String],
    prompt: PromptAt<'a>,
    prompt_as_argument: bool,
    /// `agent.env` and the git identity: not secret, written into the script.
    env: &'a [(String, String)],
    /// ssh: the job's name, for its pid file on the host.
    pid_file: Option<&'a str>,
}

/// The one script every runtime runs. Git's chatter goes to stderr (the log): stdout
/// is the agent's, which renn reads for its return block.
fn job_script(j: &JobScript<'_>) -> String {
    let q = shell_quote;
    let (prompt_setup, prompt) = match &j.prompt {
        PromptAt::File(path) => (String::new(), q(path)),
        PromptAt::Inline(text) => {
            let mut end = String::from("RENN_PROMPT_END");
            while text.lines().any(|l| l == end) {
                end.push('_');
            }
            let setup = format!(
                "cat > \"$ws.prompt\" <<'{end}'\n{text}{nl}{end}\n",
                nl = if text.ends_with('\n') || text.is_empty() {
                    ""
                } else {
                    "\n"
                }
            );
            (setup, "\"$ws.prompt\"".to_string())
        }
    };
    let agent: Vec<String> = j.argv.iter().map(|a| q(a)).collect();
    let run_agent = if j.prompt_as_argument {
        format!("{} \"$(cat {prompt})\" </dev/null", agent.join(" "))
    } else {
        format!("{} < {prompt}", agent.join(" "))
    };
    let exports: String = (j.env.iter())
        .map(|(k, v)| format!("export {k}={}\n", q(v)))
        .collect();
    // The clone and the prompt go whatever ends the job (a cancel's SIGTERM too): a
    // host or a node is kept, unlike a container; on ssh, the job's pid file with them.
    let (pid_file, trap_extra) = match j.pid_file.map(runtime::ssh_pid_file) {
        Some(f) => (
            format!("mkdir -p {} && echo $$ > {f}\n", runtime::SSH_JOBS_DIR),
            format!("{f} "),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        r#"#!/usr/bin/env bash
# renn's job for run {run}: generated by renn (docs/spec.md#runtimes); do not edit.
set -uo pipefail
remote={remote}
ref={reference}
ws="${{TMPDIR:-/tmp}}/renn-ws-{run}-$$"
trap 'rm -rf {trap_extra}"$ws" "$ws.prompt"' EXIT
{pid_file}{exports}{prompt_setup}rm -rf "$ws" && git init --quiet "$ws" >&2 && cd "$ws" || exit 90
git fetch --quiet "$remote" "$ref" >&2 && git checkout --quiet -B {branch} FETCH_HEAD >&2 \
  || {{ echo "renn job: cannot fetch $ref from $remote" >&2; exit 91; }}
{run_agent}
code=$?
git push --quiet --force "$remote" "HEAD:$ref" >&2 \
  || {{ echo "renn job: cannot push $ref to $remote" >&2; [ "$code" -eq 0 ] && code=92; }}
cd /
exit "$code"
"#,
        run = j.run,
        remote = q(j.remote),
        reference = q(&remote_ref(j.run, j.attempt)),
        branch = q(j.branch),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(prompt: PromptAt<'_>, pid_file: Option<&str>) -> String {
        let run = RunId::parse("03-01").unwrap();
        let argv = ["agent".to_string(), "--flag".into(), "two words".into()];
        let env = [("MODE".to_string(), "a b".to_string())];
        job_script(&JobScript {
            run: &run,
            attempt: 2,
            remote: "/p/.renn/remote.git",
            branch: "renn/run-03-01",
            argv: &argv,
            prompt,
            prompt_as_argument: false,
            env: &env,
            pid_file,
        })
    }

    #[test]
    fn the_script_fetches_runs_and_pushes_the_runs_ref() {
        let s = script(
            PromptAt::File("/p/.renn/jobs/03-01-1/prompt.md".into()),
            None,
        );
        assert!(s.contains("ref=refs/renn/runs/03-01/2\n"), "{s}");
        assert!(s.contains("export MODE='a b'\n"), "{s}");
        assert!(
            s.contains("agent --flag 'two words' < /p/.renn/jobs/03-01-1/prompt.md\n"),
            "{s}"
        );
        assert!(
            s.contains(r#"git push --quiet --force "$remote" "HEAD:$ref""#),
            "{s}"
        );
        assert!(!s.contains("renn-jobs"), "{s}");
    }

    #[test]
    fn an_inline_prompt_is_written_out_whole_whatever_it_holds() {
        let prompt = "line $HOME `x`\nRENN_PROMPT_END\nlast";
        let s = script(PromptAt::Inline(prompt), Some("renn-p-03-01-1"));
        assert!(s.contains("<<'RENN_PROMPT_END_'\n"), "{s}");
        assert!(
            s.contains("agent --flag 'two words' < \"$ws.prompt\"\n"),
            "{s}"
        );
        assert!(
            s.contains("echo $$ > /tmp/renn-jobs/renn-p-03-01-1.pid\n"),
            "{s}"
        );
        assert!(
            s.contains(
                "trap 'rm -rf /tmp/renn-jobs/renn-p-03-01-1.pid \"$ws\" \"$ws.prompt\"' EXIT\n"
            ),
            "{s}"
        );
        // bash reads the heredoc back byte for byte.
        let head: String = s
            .lines()
            .take_while(|l| !l.starts_with("rm -rf"))
            .collect::<Vec<_>>()
            .join("\n");
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{head}\ncat \"$ws.prompt\"; rm -f \"$ws.prompt\""))
            .env("TMPDIR", dir.path())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{prompt}\n"));
    }
}
