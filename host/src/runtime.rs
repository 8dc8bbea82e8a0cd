//! Runtimes as thin adapters (docs/spec.md#runtimes): each renders its engine's own
//! commands for one job, names the job (renn's handle on it after a crash), and cancels
//! or lists it. Nothing here places, queues or sizes a job: that is the engine's.
//!
//! Every job runs the same script, `job.sh` (see `drive::host::travel`): it fetches the
//! run's branch from the remote, runs the agent and pushes the branch back. Where the
//! worker shares paths with renn (a bind mount, a shared filesystem) the script and the
//! prompt are read there; elsewhere (Kubernetes, ssh) the script carries the prompt and
//! travels inside the engine's request. An engine that cannot be attached to (sbatch,
//! Kubernetes, ssh) gets a small driver, `submit.sh`, that renn starts instead: it
//! submits, waits, prints the job's output and exits with its status.

use renn_core::config::{Runtime, RuntimeKind, Submit};
use std::path::Path;

mod kubernetes;
mod slurm;
mod ssh;
#[cfg(test)]
mod tests;

pub use kubernetes::{manifest as kubernetes_manifest, DEFAULT_TEMPLATE};

/// One job to hand to an engine.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The engine's name for the job: `renn-<project>-<run>-<attempt>`, unique per
    /// attempt and valid everywhere (lowercase letters, digits, `-`), so a renn started
    /// after a crash finds (and cancels) what is left.
    pub name: &'a str,
    /// The job's directory: `job.sh`, the prompt and any driver are in it.
    pub dir: &'a Path,
    /// `job.sh`'s text, for engines the script travels to.
    pub script: &'a str,
    /// Directories the job needs at the same absolute path (the remote, when a path).
    pub mounts: &'a [&'a Path],
    /// Variables the job gets, by name: their values are in the environment of the
    /// command renn starts (or, on Kubernetes, in a Secret), never on a command line.
    pub env: &'a [String],
    /// The number of jobs started before this one: picks the ssh host, in turn.
    pub slot: usize,
    /// The Kubernetes Job template's text (`runtime.template`), else renn's own.
    pub template: Option<&'a str>,
    pub runtime: &'a Runtime,
}

impl Job<'_> {
    fn script_path(&self) -> String {
        self.dir.join("job.sh").display().to_string()
    }

    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

/// What renn starts for a job: `argv`, attached (its stdout is the agent's output and
/// its exit status the job's), after writing `files` into the job's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub argv: Vec<String>,
    pub files: Vec<(&'static str, String)>,
}

impl Rendered {
    fn attached(argv: Vec<String>) -> Self {
        Self {
            argv,
            files: Vec::new(),
        }
    }

    /// A driver script renn starts instead of the engine's command.
    fn driver(job: &Job<'_>, text: String) -> Self {
        Self {
            argv: vec!["bash".into(), job.file("submit.sh")],
            files: vec![("submit.sh", text)],
        }
    }
}

/// What renn starts for `job`. `Err` says what the config lacks.
pub fn command(job: &Job<'_>) -> Result<Rendered, String> {
    let rt = job.runtime;
    match rt.kind {
        RuntimeKind::Local => Ok(Rendered::attached(vec!["bash".into(), job.script_path()])),
        RuntimeKind::Podman | RuntimeKind::Docker => container(job).map(Rendered::attached),
        RuntimeKind::Slurm if rt.submit == Submit::Sbatch => Ok(slurm::sbatch(job)),
        RuntimeKind::Slurm => Ok(Rendered::attached(slurm::srun(job))),
        RuntimeKind::Kubernetes => kubernetes::render(job),
        RuntimeKind::Ssh => ssh::render(job),
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
    argv.extend([image, "bash".into(), job.script_path()]);
    Ok(argv)
}

/// The commands that cancel the job named `name` (one per ssh host); none when
/// stopping renn's child process is enough (local).
pub fn cancel(rt: &Runtime, name: &str) -> Vec<Vec<String>> {
    let argv = |a: &[&str]| vec![a.iter().map(|s| s.to_string()).collect()];
    match rt.kind {
        RuntimeKind::Local => Vec::new(),
        RuntimeKind::Podman | RuntimeKind::Docker => {
            argv(&[rt.kind.as_str(), "rm", "--force", "--ignore", name])
        }
        RuntimeKind::Slurm => argv(&["scancel", "--name", name]),
        RuntimeKind::Kubernetes => vec![kubernetes::delete(rt, name)],
        RuntimeKind::Ssh => ssh::cancel(rt, name),
    }
}

/// The commands listing the engine's jobs, one name per line (one command per ssh
/// host); none for local. [`parse_list`] keeps those of a project.
pub fn list(rt: &Runtime) -> Vec<Vec<String>> {
    let argv = |a: &[&str]| vec![a.iter().map(|s| s.to_string()).collect()];
    match rt.kind {
        RuntimeKind::Local => Vec::new(),
        RuntimeKind::Podman | RuntimeKind::Docker => argv(&[
            rt.kind.as_str(),
            "ps",
            "--all",
            "--filter",
            "label=renn=job",
            "--format",
            "{{.Names}}",
        ]),
        RuntimeKind::Slurm => argv(&["squeue", "--noheader", "--format=%j", "--me"]),
        RuntimeKind::Kubernetes => vec![kubernetes::list(rt)],
        RuntimeKind::Ssh => ssh::list(rt),
    }
}

/// The job names in a [`list`] output that belong to `prefix` (an ssh host lists pid
/// files, `<name>.pid`).
pub fn parse_list(output: &str, prefix: &str) -> Vec<String> {
    (output.lines().map(str::trim))
        .map(|l| l.strip_suffix(".pid").unwrap_or(l))
        .map(|l| l.strip_prefix("job.batch/").unwrap_or(l))
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

/// `it's` → `'it'\''s'`: one word for a POSIX shell, whatever it holds.
pub(crate) fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Words joined for a shell line, each quoted as needed.
fn shell_words<S: AsRef<str>>(words: &[S]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| shell_quote(w.as_ref())).collect();
    quoted.join(" ")
}

/// Fills `@KEY@` markers in a driver template (shell text full of `{}` and `$`, which
/// `format!` would need escaped).
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("@{key}@"), value)
        })
}

pub(crate) use ssh::{pid_file as ssh_pid_file, JOBS_DIR as SSH_JOBS_DIR};
