//! `agent.runtime`: where a run's agent executes. `local` is a child process of renn;
//! the others hand the run to an engine that already places jobs on machines
//! (containers, Slurm, Kubernetes, a pool of ssh hosts). renn only renders the engine's
//! own command, names the job (its identity after a crash) and cancels it; placement,
//! queuing and resources are the engine's (docs/spec.md#runtimes).

use super::Named;
use serde::{Deserialize, Serialize};

/// The engine a run's agent is handed to.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum RuntimeKind {
    /// A child process of renn on this machine (the default).
    #[default]
    Local,
    /// `podman run` of `image`.
    Podman,
    /// `docker run` of `image`.
    Docker,
    /// `srun` in `partition`, with `args` (resources) appended.
    Slurm,
    /// A Job rendered from `template` (or renn's own), applied with `kubectl`.
    Kubernetes,
    /// `ssh` to one of `hosts`, in turn.
    Ssh,
}

impl RuntimeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Podman => "podman",
            Self::Docker => "docker",
            Self::Slurm => "slurm",
            Self::Kubernetes => "kubernetes",
            Self::Ssh => "ssh",
        }
    }

    /// Whether the agent runs away from the project's checkout, so its workspace must
    /// travel by git (isolation `clone`).
    pub fn is_remote(self) -> bool {
        self != Self::Local
    }

    /// Whether the worker sees the job's directory at the same absolute path (a bind
    /// mount, a shared filesystem); otherwise the job's script carries the prompt.
    pub fn shares_paths(self) -> bool {
        !matches!(self, Self::Kubernetes | Self::Ssh)
    }
}

/// How a Slurm job is submitted.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Submit {
    /// `srun`, attached: the output streams back as the agent writes it; the job ends
    /// with the client.
    #[default]
    Srun,
    /// `sbatch --wait`: the job outlives its client (a killed renn cancels it on the
    /// next start); the output is read from the job's files when it ends.
    Sbatch,
}

/// `agent.runtime` as written: `{"kind": "podman", "image": "…"}`; every key optional.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(default, deny_unknown_fields)]
pub struct Runtime {
    pub kind: RuntimeKind,
    /// The container image (podman, docker, kubernetes).
    pub image: Option<String>,
    /// Names of environment variables passed to the job (the agent's credentials):
    /// nothing else of renn's environment, and nothing of the host mounted.
    pub pass_env: Vec<String>,
    /// Extra arguments for the engine's command (`--cpus=1`, `--mem=2G`, `-p gpu`).
    pub args: Vec<String>,
    /// Slurm's partition.
    pub partition: Option<String>,
    /// Slurm: `srun` (default) or `sbatch --wait`.
    pub submit: Submit,
    /// ssh: the hosts, used in turn.
    pub hosts: Vec<String>,
    /// kubernetes: a Job manifest template (project-relative path); renn's own if none.
    pub template: Option<String>,
    /// kubernetes: the namespace.
    pub namespace: Option<String>,
    /// kubernetes: the Secret the `pass_env` variables are read from (one key each);
    /// default `renn-agent`.
    pub secret: Option<String>,
    /// The git remote jobs clone from and push to: a path or URL the workers reach.
    /// Default: a bare repository renn keeps in the planning directory (`remote.git`),
    /// reachable by path for local containers and shared filesystems.
    pub remote: Option<String>,
}

impl Runtime {
    /// What the engine lacks to start a job, if anything: checked when the config is
    /// read, so a stage never starts with a runtime that cannot run its first job.
    pub fn missing(&self, isolation: super::Isolation) -> Option<String> {
        let kind = self.kind.as_str();
        if self.kind.is_remote() && isolation != super::Isolation::Clone {
            return Some(format!(
                "agent.runtime `{kind}` runs agents away from this checkout: it needs \"isolation\": \"clone\", found `{}`",
                isolation.as_str()
            ));
        }
        let needs_image = matches!(
            self.kind,
            RuntimeKind::Podman | RuntimeKind::Docker | RuntimeKind::Kubernetes
        );
        if needs_image && self.image.as_deref().is_none_or(str::is_empty) {
            return Some(format!("agent.runtime `{kind}` needs an `image` to run"));
        }
        if self.kind == RuntimeKind::Ssh && self.hosts.is_empty() {
            return Some("agent.runtime `ssh` needs `hosts`, at least one".into());
        }
        None
    }
}
