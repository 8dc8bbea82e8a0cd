//! Runtimes as thin adapters (docs/spec.md#runtimes): each renders its engine's own
//! command for one job, names the job (renn's handle on it after a crash), and cancels
//! or lists it. Nothing here places, queues or sizes a job: that is the engine's.
//!
//! Every job is the same script, `job.sh` (see `drive::host::travel`): it fetches the
//! run's branch from the remote, runs the agent with the prompt beside it, and pushes
//! the branch back. The script and the remote are reached at the same absolute paths
//! on the worker — bind-mounted into a container, on a shared filesystem for Slurm.

use renn_core::config::{Runtime, RuntimeKind};
use std::path::Path;

/// One job to hand to an engine.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The engine's name for the job: `renn-<project>-<run>-<attempt>`, unique per
    /// attempt, so a renn started after a crash finds (and cancels) what is left.
    pub name: &'a str,
    /// The job's directory: `job.sh` and the prompt are in it.
    pub dir: &'a Path,
    /// Directories the job needs at the same absolute path (the remote, when a path).
    pub mounts: &'a [&'a Path],
    /// Variables the job gets, by name: their values are in the environment of the
    /// command renn starts, never on a command line (`ps` would show them).
    pub env: &'a [String],
    pub runtime: &'a Runtime,
}

impl Job<'_> {
    fn script(&self) -> String {
        self.dir.join("job.sh").display().to_string()
    }
}

/// The command line renn starts for `job`, attached: its stdout is the agent's output
/// and its exit status the job's. `Err` says what the config lacks.
pub fn command(job: &Job<'_>) -> Result<Vec<String>, String> {
    let rt = job.runtime;
    match rt.kind {
        RuntimeKind::Local => Ok(vec!["bash".into(), job.script()]),
        RuntimeKind::Podman | RuntimeKind::Docker => container(job),
        RuntimeKind::Slurm => Ok(slurm(job)),
        RuntimeKind::Kubernetes | RuntimeKind::Ssh => Err(format!(
            "agent.runtime `{}` is rendered but not yet started by renn",
            rt.kind.as_str()
        )),
    }
}

/// `podman run` / `docker run`: the image the user names, the job's variables by
/// name, the job directory and the remote mounted at their own paths — nothing else
/// of the host.
fn container(job: &Job<'_>) -> Result<Vec<String>, String> {
    let rt = job.runtime;
    let image = (rt.image.clone()).ok_or("agent.runtime needs an `image` for a container")?;
    let mut argv: Vec<String> = vec![
        rt.kind.as_str().into(),
        "run".into(),
        "--rm".into(),
        "--name".into(),
        job.name.into(),
        "--label".into(),
        "renn=job".into(),
    ];
    let dir = job.dir.display().to_string();
    let mounts = job.mounts.iter().map(|p| p.display().to_string());
    for m in std::iter::once(dir).chain(mounts) {
        argv.extend(["--volume".into(), format!("{m}:{m}")]);
    }
    for name in job.env {
        argv.extend(["--env".into(), name.clone()]);
    }
    argv.extend(rt.args.iter().cloned());
    argv.extend([image, "bash".into(), job.script()]);
    Ok(argv)
}

/// `srun`, attached, so the output streams back as the agent writes it; the
/// environment goes with the job (srun's default `--export=ALL`).
fn slurm(job: &Job<'_>) -> Vec<String> {
    let rt = job.runtime;
    let mut argv: Vec<String> = vec![
        "srun".into(),
        "--job-name".into(),
        job.name.into(),
        "--nodes=1".into(),
        "--ntasks=1".into(),
        "--quiet".into(),
    ];
    if let Some(p) = &rt.partition {
        argv.push(format!("--partition={p}"));
    }
    argv.extend(rt.args.iter().cloned());
    argv.extend(["bash".into(), job.script()]);
    argv
}

/// The command that cancels the job named `name`; `None` when stopping renn's child
/// process is enough (local).
pub fn cancel(rt: &Runtime, name: &str) -> Option<Vec<String>> {
    let argv = |a: &[&str]| Some(a.iter().map(|s| s.to_string()).collect());
    match rt.kind {
        RuntimeKind::Local | RuntimeKind::Ssh => None,
        RuntimeKind::Podman | RuntimeKind::Docker => {
            argv(&[rt.kind.as_str(), "rm", "--force", "--ignore", name])
        }
        RuntimeKind::Slurm => argv(&["scancel", "--name", name]),
        RuntimeKind::Kubernetes => argv(&["kubectl", "delete", "job", name, "--ignore-not-found"]),
    }
}

/// The command listing the engine's jobs whose name starts with `prefix`, one name per
/// line; `None` for local.
pub fn list(rt: &Runtime, prefix: &str) -> Option<Vec<String>> {
    let argv = |a: &[&str]| Some(a.iter().map(|s| s.to_string()).collect());
    match rt.kind {
        RuntimeKind::Local | RuntimeKind::Ssh | RuntimeKind::Kubernetes => None,
        RuntimeKind::Podman | RuntimeKind::Docker => argv(&[
            rt.kind.as_str(),
            "ps",
            "--all",
            "--filter",
            &format!("name=^{prefix}"),
            "--format",
            "{{.Names}}",
        ]),
        RuntimeKind::Slurm => argv(&["squeue", "--noheader", "--format=%j", "--me"]),
    }
}

/// The job names in a [`list`] output that belong to `prefix`.
pub fn parse_list(output: &str, prefix: &str) -> Vec<String> {
    (output.lines().map(str::trim))
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn job<'a>(
        rt: &'a Runtime,
        dir: &'a Path,
        mounts: &'a [&'a Path],
        env: &'a [String],
    ) -> Job<'a> {
        Job {
            name: "renn-p-03-01-1",
            dir,
            mounts,
            env,
            runtime: rt,
        }
    }

    #[test]
    fn a_container_gets_the_job_dir_the_remote_and_named_variables_only() {
        let rt = Runtime {
            kind: RuntimeKind::Podman,
            image: Some("localhost/agent:1".into()),
            args: vec!["--network".into(), "none".into()],
            ..Runtime::default()
        };
        let (dir, remote) = (
            PathBuf::from("/p/.renn/jobs/03-01-1"),
            PathBuf::from("/p/.renn/remote.git"),
        );
        let env = ["ANTHROPIC_API_KEY".to_string()];
        let argv = command(&job(&rt, &dir, &[&remote], &env)).unwrap();
        assert_eq!(
            argv.join(" "),
            "podman run --rm --name renn-p-03-01-1 --label renn=job \
             --volume /p/.renn/jobs/03-01-1:/p/.renn/jobs/03-01-1 \
             --volume /p/.renn/remote.git:/p/.renn/remote.git --env ANTHROPIC_API_KEY \
             --network none localhost/agent:1 bash /p/.renn/jobs/03-01-1/job.sh"
        );
        let no_image = Runtime {
            image: None,
            ..rt.clone()
        };
        assert!(command(&job(&no_image, &dir, &[], &[]))
            .unwrap_err()
            .contains("image"));
        assert_eq!(
            cancel(&rt, "renn-p-03-01-1").unwrap().join(" "),
            "podman rm --force --ignore renn-p-03-01-1"
        );
    }

    #[test]
    fn slurm_runs_the_script_attached_in_the_partition() {
        let rt = Runtime {
            kind: RuntimeKind::Slurm,
            partition: Some("debug".into()),
            args: vec!["--cpus-per-task=1".into()],
            ..Runtime::default()
        };
        let dir = PathBuf::from("/shared/p/.renn/jobs/03-01-1");
        let argv = command(&job(&rt, &dir, &[], &[])).unwrap();
        assert_eq!(
            argv.join(" "),
            "srun --job-name renn-p-03-01-1 --nodes=1 --ntasks=1 --quiet --partition=debug \
             --cpus-per-task=1 bash /shared/p/.renn/jobs/03-01-1/job.sh"
        );
        assert_eq!(
            cancel(&rt, "renn-p-03-01-1").unwrap().join(" "),
            "scancel --name renn-p-03-01-1"
        );
        assert_eq!(
            parse_list("renn-p-03-01-1\nother\n", "renn-p-"),
            ["renn-p-03-01-1"]
        );
    }
}
