//! `agent.runtime`: where a run's agent executes. `local` is a child process of renn;
//! the others hand the run to an engine that already places jobs on machines
//! (containers, Slurm, Kubernetes, a pool of ssh hosts). renn only renders the engine's
//! own command, names the job (its identity after a crash) and cancels it; placement,
//! queuing and resources are the engine's (docs/spec.md#runtimes).

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
    /// ssh: the hosts, used in turn.
    pub hosts: Vec<String>,
    /// kubernetes: a Job manifest template (project-relative path); renn's own if none.
    pub template: Option<String>,
    /// kubernetes: the namespace.
    pub namespace: Option<String>,
    /// The git remote jobs clone from and push to: a path or URL the workers reach.
    /// Default: a bare repository renn keeps in the planning directory (`remote.git`),
    /// reachable by path for local containers and shared filesystems.
    pub remote: Option<String>,
}
