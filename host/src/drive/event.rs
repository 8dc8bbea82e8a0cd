//! The events of `renn --json run-stage`, typed: each is a struct whose name is its
//! `event` tag, so `schema/events.json` is generated from the same types the host
//! emits (`renn_host::json::events_schema`). The core's notices are events too
//! (`notice_event`); their payloads are `renn_core::execute::Notice`'s variants.

pub use super::question::Question;
use super::ui::Ui;
use renn_core::config::BranchingStrategy;
use renn_core::execute::{Exit, Outcome};
use renn_core::run::RunId;
use schemars::JsonSchema;
use serde::Serialize;

/// A host event: its payload and its name in the stream.
pub trait HostEvent: Serialize + JsonSchema {
    const NAME: &'static str;
}

impl dyn Ui + '_ {
    /// Shows a typed event (JSON: one line `{"event": NAME, …payload}`).
    pub fn emit<E: HostEvent>(&mut self, event: &E) {
        self.event(E::NAME, serde_json::to_value(event).unwrap_or_default());
    }
}

/// The stage's branch: created, or switched to.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Branch {
    pub strategy: BranchingStrategy,
    pub branch: String,
    pub created: bool,
}

/// An agent a killed renn left running was stopped; its run runs again.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StaleAgentStopped {
    /// A run id, or `auditor`.
    pub run: String,
    pub pid: Option<u32>,
}

/// A leftover of an interrupted renn or agent was removed: a temp file or index lock
/// (`path`), or a merged run branch (`branch`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct LeftoverRemoved {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// Half-done edits of an interrupted agent were stashed (`git stash list` shows
/// `message`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct EditsStashed {
    pub files: Vec<String>,
    pub message: String,
}

/// A recap that must not count was renamed to `rejected`; `commit` is the commit of
/// the rename, null when the recap was never committed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecapSetAside {
    pub run: String,
    pub path: String,
    pub rejected: String,
    pub commit: Option<String>,
}

/// A failed isolated run's work is kept on `branch`, in `worktree`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunSetAside {
    pub run: RunId,
    pub branch: String,
    pub worktree: String,
}

/// An agent changed pulse.md or track.md; renn put its version back.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StateRestored {
    pub run: String,
    pub path: String,
}

/// renn committed a recap the runner left uncommitted.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecapCommitted {
    pub run: RunId,
    pub commit: String,
    pub path: String,
}

/// A run whose branch already holds its committed recap is merged, not run again.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunRecovered {
    pub run: RunId,
    pub branch: String,
}

/// A run works in its own worktree at `path`, on `branch`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WorktreeCreated {
    pub run: RunId,
    pub path: String,
    pub branch: String,
}

/// An agent was started.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunSpawned {
    /// A run id, or `auditor`.
    pub run: String,
    pub agent: String,
    /// Null: the agent CLI's own default model.
    pub model: Option<String>,
    pub attempt: u32,
    /// The agent's log, relative to the project root.
    pub log: String,
}

/// How an agent process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    /// Exit code 0.
    Ok,
    /// A non-zero exit code.
    Failed,
    /// Killed by a signal (`exit` is null).
    Signal,
    /// Stopped by renn after `agent.timeout_secs` (`exit` is null).
    TimedOut,
}

/// An agent process ended.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RunExited {
    /// A run id, or `auditor`.
    pub run: String,
    /// The exit code; null when a signal ended the process (or renn did, at the
    /// timeout).
    pub exit: Option<i32>,
    pub reason: ExitReason,
    /// The timeout that stopped it, when `reason` is `timed_out`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    pub seconds: f64,
    /// The agent's log, relative to the project root.
    pub log: String,
}

impl RunExited {
    pub fn new(run: String, exit: &Exit, seconds: f64, log: String) -> Self {
        let (code, reason, timeout_secs) = match exit {
            Exit::Success => (Some(0), ExitReason::Ok, None),
            Exit::Failed { code: Some(c) } => (Some(*c), ExitReason::Failed, None),
            Exit::Failed { code: None } => (None, ExitReason::Signal, None),
            Exit::TimedOut { seconds } => (None, ExitReason::TimedOut, Some(*seconds)),
        };
        RunExited {
            run,
            exit: code,
            reason,
            timeout_secs,
            seconds,
            log,
        }
    }
}

/// renn committed the stage's documents.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Committed {
    pub commit: String,
    pub message: String,
    pub files: Vec<String>,
}

/// The execution ended: why (the exit code follows from it).
#[derive(Debug, Serialize, JsonSchema)]
pub struct StageCompleted {
    pub outcome: Outcome,
}

/// What a person would have read.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Report {
    pub markdown: String,
}

/// The Execution Plan, as `renn plan --json` prints it.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct PlanEvent<'a>(pub &'a renn_core::Plan);

/// A pre-flight diagnostic that does not stop the stage.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Warning<'a>(pub &'a renn_core::Diagnostic);

/// What comes next, as `renn next --json` prints it.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct NextEvent<'a>(pub &'a renn_core::next::Next);

macro_rules! host_events {
    ($($ty:ident => $name:literal),+ $(,)?) => {
        $(impl HostEvent for $ty<'_> { const NAME: &'static str = $name; })+
    };
}

macro_rules! owned_events {
    ($($ty:ident => $name:literal),+ $(,)?) => {
        $(impl HostEvent for $ty { const NAME: &'static str = $name; })+

        /// Every host event: its name and its payload's schema.
        pub fn host_event_schemas(
            generator: &mut schemars::SchemaGenerator,
        ) -> Vec<(&'static str, schemars::Schema)> {
            vec![
                ("plan", generator.subschema_for::<PlanEvent<'static>>()),
                ("warning", generator.subschema_for::<Warning<'static>>()),
                ("next", generator.subschema_for::<NextEvent<'static>>()),
                $(($name, generator.subschema_for::<$ty>())),+
            ]
        }
    };
}

host_events!(PlanEvent => "plan", Warning => "warning", NextEvent => "next");

owned_events!(
    Branch => "branch",
    StaleAgentStopped => "stale_agent_stopped",
    LeftoverRemoved => "leftover_removed",
    EditsStashed => "edits_stashed",
    RecapSetAside => "recap_set_aside",
    RunSetAside => "run_set_aside",
    StateRestored => "state_restored",
    RecapCommitted => "recap_committed",
    RunRecovered => "run_recovered",
    WorktreeCreated => "worktree_created",
    RunSpawned => "run_spawned",
    RunExited => "run_exited",
    Committed => "committed",
    StageCompleted => "stage_completed",
    Report => "report",
    Question => "question",
);
