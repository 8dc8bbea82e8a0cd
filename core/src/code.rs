//! Every code renn reports, in one registry: a diagnostic's `code`, an error's `code`
//! in `--json` and in the bindings (`e.code`). Each [`Code`] knows its kebab-case name
//! (what the JSON carries, stable for scripts), the severity it is reported with, the
//! error class a binding raises when it is the code of a failure, the area it belongs
//! to, and why it exists. The README's table of codes is generated from this list
//! (core/tests/codes.rs fails when it is stale; `RENN_BLESS=1` rewrites it).

use crate::diagnostic::Severity;
use crate::error::ErrorKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a code is about: the README groups its table by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    /// A run file or the stage's plan as a whole (`renn plan`, `renn validate`).
    Plan,
    /// The proof the auditor writes.
    Proof,
    /// `.renn/config.json` and what it configures (models, branches, templates).
    Config,
    /// The other files renn reads: track.md, recaps, the snapshot a host hands in.
    File,
    /// An argument naming a stage, run, batch or answer.
    Argument,
    /// Driving a stage: the state machine's events and saved state, agents and their returns.
    Execution,
    /// The host's IO: disk, git, processes, the project lock.
    Host,
    /// The command line's own refusals.
    Cli,
}

impl Area {
    pub const ALL: &'static [Area] = &[
        Area::Plan,
        Area::Proof,
        Area::Config,
        Area::File,
        Area::Argument,
        Area::Execution,
        Area::Host,
        Area::Cli,
    ];

    /// The heading of the area's part of the README table.
    pub const fn title(self) -> &'static str {
        match self {
            Area::Plan => "run files and the plan (`renn plan`, `renn validate`)",
            Area::Proof => "the proof",
            Area::Config => "config.json, models, branches, templates",
            Area::File => "track, recaps and the files handed in",
            Area::Argument => "stages, runs, batches and answers asked for",
            Area::Execution => "driving a stage: events, state, agents",
            Area::Host => "the host: disk, git, processes",
            Area::Cli => "the command line",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $severity:ident, $class:ident, $area:ident, $why:literal; )+) => {
        /// A stable code: serialised as its kebab-case [`name`](Code::name), the string
        /// `--json` and the bindings have always carried.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
        pub enum Code {
            $( #[serde(rename = $name)] $variant, )+
        }

        impl Code {
            /// Every code, in the registry's order (the README's).
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The kebab-case name: `files-overlap`.
            pub const fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),+ }
            }

            /// The severity the code is reported with (some are a warning in a
            /// case [`description`](Code::description) names).
            pub const fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),+ }
            }

            /// The error class a binding raises when a failure has this code
            /// (`ErrorKind::class_name`: `StageError`, `PlanError`, …).
            pub const fn error_class(self) -> ErrorKind {
                match self { $(Code::$variant => ErrorKind::$class),+ }
            }

            /// The area the code belongs to (the README groups its table by it).
            pub const fn area(self) -> Area {
                match self { $(Code::$variant => Area::$area),+ }
            }

            /// Why the code exists, in a line.
            pub const fn description(self) -> &'static str {
                match self { $(Code::$variant => $why),+ }
            }
        }
    };
}

codes! {
    // Run files and the plan.
    FrontmatterMissing = "frontmatter-missing", Error, InvalidFile, Plan, "a run file (or proof) has no YAML frontmatter: without readable fields renn knows neither the run's batch nor its dependencies";
    FrontmatterUnterminated = "frontmatter-unterminated", Error, InvalidFile, Plan, "the frontmatter's closing `---` is missing";
    FrontmatterNotMapping = "frontmatter-not-mapping", Error, InvalidFile, Plan, "the frontmatter is YAML but not a mapping of keys to values";
    YamlSyntax = "yaml-syntax", Error, InvalidFile, Plan, "the frontmatter is not valid YAML";
    YamlDuplicateKey = "yaml-duplicate-key", Error, InvalidFile, Plan, "a key appears twice in the frontmatter: which value holds is unknown";
    YamlTooLarge = "yaml-too-large", Error, InvalidFile, Plan, "YAML aliases expand the frontmatter beyond the number of values renn reads";
    InvalidUtf8 = "invalid-utf8", Error, InvalidFile, Plan, "the file is not UTF-8: it cannot be read at all";
    FileTooLarge = "file-too-large", Error, InvalidFile, Plan, "the file is over renn's 4 MB bound: it cannot be read at all";
    RunFileName = "run-file-name", Error, InvalidFile, Plan, "a `*-run.md` whose name is no run id: renn cannot tell which run it is, and skipping it would leave work undone";
    RunIdMismatch = "run-id-mismatch", Error, InvalidFile, Plan, "the file name and `stage:`/`run:` name different runs, so recaps and dependencies could attach to the wrong one (`run: 01`, `run: 1` and `run: \"07-01\"` all agree with `07-01-run.md`)";
    RunWrongStage = "run-wrong-stage", Error, InvalidFile, Plan, "a run in another stage's directory: it would not execute with its stage";
    DuplicateRunId = "duplicate-run-id", Error, InvalidFile, Plan, "two files for one run: one of them would not execute, or one recap would complete both";
    BatchNotANumber = "batch-not-a-number", Error, InvalidFile, Plan, "`batch` is not a whole number of at least 1: the run's place in the order is unknown";
    BatchMissing = "batch-missing", Error, InvalidFile, Plan, "some runs have `batch`, this one not: renn will not guess its place in the order";
    DependsOnFormat = "depends-on-format", Error, InvalidFile, Plan, "a `depends_on` entry renn cannot read as a run id";
    DependsOnMissing = "depends-on-missing", Error, InvalidFile, Plan, "a dependency that exists nowhere (no run file and no recap): the run could start before what it needs";
    DependsOnLaterStage = "depends-on-later-stage", Error, InvalidFile, Plan, "a dependency in a later stage: it cannot be done first";
    DependencyCycle = "dependency-cycle", Error, InvalidFile, Plan, "runs that depend on each other in a circle: none of them can start";
    DependsOnBatch = "depends-on-batch", Error, InvalidFile, Plan, "a run in the same or an earlier batch than its dependency would start with it or before it (a warning when the dependency is complete: nothing waits)";
    UnknownGateType = "unknown-gate-type", Error, InvalidFile, Plan, "renn would not know what the human has to do at the gate";
    FilesOverlap = "files-overlap", Warning, InvalidFile, Plan, "two runs that will execute in one batch modify one file: in worktrees their merge may conflict, in a shared checkout they may overwrite each other's edits";
    BatchZero = "batch-zero", Warning, InvalidFile, Plan, "`batch: 0` (gap-closure runs of the reference tool) is read as batch 1, as the reference tool does";
    RunType = "run-type", Warning, InvalidFile, Plan, "only `tdd` changes how a run executes; any other `type` (`auto`, `fix`) runs as `execute`";
    FieldType = "field-type", Warning, InvalidFile, Plan, "a value renn can do without is of the wrong type: a bool takes its default, a list item that is not text is skipped, a `must_haves` map without `path`/`from`/`to` is left out";
    FieldMissing = "field-missing", Warning, InvalidFile, Plan, "a field renn can do without is missing: a missing `run:` is given by the file name";
    TaskHeadings = "task-headings", Warning, InvalidFile, Plan, "tasks written as `### Task N: name` headings count as `auto` tasks; the `<task>` form also says which tasks are gates";
    AutonomousMismatch = "autonomous-mismatch", Warning, InvalidFile, Plan, "`autonomous` disagrees with the run's gates: suspicious, but the run can be planned and executed";
    ObjectiveMissing = "objective-missing", Warning, InvalidFile, Plan, "the run has no `<objective>`: suspicious, but the run can be planned and executed";
    NoTasks = "no-tasks", Warning, InvalidFile, Plan, "the run has no tasks: suspicious, but the run can be planned and executed";
    UnknownTaskType = "unknown-task-type", Warning, InvalidFile, Plan, "a task's `type` renn does not know runs as `auto`";
    OrphanRecap = "orphan-recap", Warning, InvalidFile, Plan, "a recap without its run file marks nothing to plan; it still satisfies a `depends_on` (a plan deleted after it completed)";
    InvalidPlan = "invalid-plan", Error, Plan, Plan, "the stage's plan has errors: every one is in the error's diagnostics, and nothing is planned";
    // The proof.
    ProofMissing = "proof-missing", Error, InvalidFile, Proof, "the stage has no proof yet: there is no verdict to route";
    ProofAmbiguous = "proof-ambiguous", Error, InvalidFile, Proof, "two `*-proof.md` and no `NN-proof.md`: renn cannot tell which verdict to route";
    ProofInvalid = "proof-invalid", Error, InvalidFile, Proof, "the proof's `status` is missing or not `passed`, `gaps_found`, `human_needed` (`status: PASS`): it cannot be routed";
    ProofYaml = "proof-yaml", Warning, InvalidFile, Proof, "the proof's frontmatter is not valid YAML: its `status:` line is enough to route it; `score:` and `verified:` are read by line, its lists are not";
    // config.json and what it configures.
    ConfigSyntax = "config-syntax", Error, InvalidFile, Config, "config.json is not valid JSON: renn cannot know how to run agents";
    ConfigInvalid = "config-invalid", Error, InvalidFile, Config, "a config value is wrong; an unknown key inside `agent` is one too (with the closest known key), so a typo'd `command` never silently runs the default agent";
    ConfigUnknownKey = "config-unknown-key", Warning, InvalidFile, Config, "a top-level key neither renn nor GSD reads (kept, ignored); the hint names the closest known key";
    ConfigKeyConflict = "config-key-conflict", Warning, InvalidFile, Config, "a setting written under two of its names (renn's and GSD's, or GSD's flat and nested) with different values: renn uses the first and says where both are";
    UnknownAgentOverride = "unknown-agent-override", Warning, InvalidFile, Config, "`model_overrides` names an agent renn does not run (kept for custom agents)";
    BranchInvalidRef = "branch-invalid-ref", Error, InvalidFile, Config, "the branch name a template gives is not a valid git ref";
    BranchTemplatePlaceholder = "branch-template-placeholder", Error, InvalidFile, Config, "a branch template uses a placeholder it does not know";
    TemplatePlaceholder = "template-placeholder", Error, InvalidFile, Config, "a prompt template in `.renn/templates/` uses an unknown placeholder";
    // Other files.
    LayoutAmbiguous = "layout-ambiguous", Error, InvalidFile, File, "the project has both `.renn/` and `.planning/` and `.renn/config.json` does not say which to run (`\"layout\"`)";
    TrackMissing = "track-missing", Error, InvalidFile, File, "track.md is missing, so renn cannot tell what comes next";
    TrackNoStages = "track-no-stages", Error, InvalidFile, File, "the track has no stage checklist, so there is no next stage";
    TrackStageMissing = "track-stage-missing", Error, InvalidFile, File, "the stage is not in the track's checklist, so it cannot be marked complete";
    RecapFileName = "recap-file-name", Error, InvalidFile, File, "a recap whose file name is no run id and whose frontmatter names no run";
    RecapField = "recap-field", Error, InvalidFile, File, "a recap's frontmatter value is of the wrong type";
    RunUnreadable = "run-unreadable", Error, InvalidFile, File, "the run file could not be read, so there is no prompt for it";
    BadPath = "bad-path", Error, InvalidFile, File, "a file handed in is not a project-relative path (relative, `/`-separated, without `..`)";
    ContentNotLoaded = "content-not-loaded", Error, InvalidFile, File, "the host listed a file but did not load its content";
    NotInitialized = "not-initialized", Error, NotInitialized, File, "no `.renn/` directory: `renn init` creates one";
    // Stages, runs, batches and answers.
    BadStageArgument = "bad-stage-argument", Error, Stage, Argument, "not a stage number (3, 03, 2.1, 03.1.2, 12A): refused before any file is read";
    NoStageDirectory = "no-stage-directory", Error, Stage, Argument, "no stage directory matches the number";
    AmbiguousStage = "ambiguous-stage", Error, Stage, Argument, "the number matches more than one stage directory";
    NoRuns = "no-runs", Error, Stage, Argument, "the stage directory holds no run files: the stage is not planned";
    BadRunId = "bad-run-id", Error, Stage, Argument, "not a run id (`<stage>-<run>`, such as 03-02)";
    NoSuchRun = "no-such-run", Error, Stage, Argument, "the stage has no run of that id";
    RunComplete = "run-complete", Error, InvalidFile, Argument, "`renn retry` of a run that is complete (it has a recap): there is nothing to retry";
    RunBlocked = "run-blocked", Error, InvalidFile, Argument, "`renn retry` of a run whose dependencies are not complete: it would run without their work";
    NoSuchBatch = "no-such-batch", Error, InvalidFile, Argument, "`run-stage --batch N` names a batch the stage lacks: refused before anything runs";
    RespondNotWaiting = "respond-not-waiting", Error, InvalidFile, Argument, "`--respond` answers something that is not waiting (the hint lists what waits): refused before anything runs";
    NoProjectDir = "no-project-dir", Error, InvalidFile, Argument, "a binding's `runStage` on a project that is not on disk (`fromFiles`): it needs `Project.load(path)`";
    BadRespond = "bad-respond", Error, InvalidFile, Argument, "a `--respond` argument renn cannot read: refused before anything runs";
    EmptyResponse = "empty-response", Error, InvalidFile, Argument, "an empty answer to a gate or the proof's human verification";
    // Driving a stage.
    BadEvent = "bad-event", Error, InvalidFile, Execution, "not a stage event (events are objects tagged by `event`, docs/api.md)";
    RejectedEvent = "rejected-event", Error, InvalidFile, Execution, "an event that does not fit the execution's state: rejected, and nothing changes";
    BadState = "bad-state", Error, InvalidFile, Execution, "not a saved stage state: pass back exactly what `save` (or `state`) returned";
    BadOnDisk = "bad-on-disk", Error, InvalidFile, Execution, "not what a stage has on disk (the argument of `resumeStage`)";
    BadReturn = "bad-return", Error, InvalidFile, Execution, "the gate output handed in for a continuation has no usable agent return";
    NoGate = "no-gate", Error, InvalidFile, Execution, "the output handed in for a continuation ends with RUN COMPLETE: there is no gate to continue";
    GateRunMismatch = "gate-run-mismatch", Error, InvalidFile, Execution, "the gate in the output handed in is another run's";
    UnusableReturn = "unusable-return", Error, InvalidFile, Execution, "an agent's output ends with no usable `## RUN COMPLETE` or `## GATE REACHED` block";
    AgentMissing = "agent-missing", Error, InvalidFile, Execution, "pre-flight: the agent program is not on PATH";
    AgentRefusesRoot = "agent-refuses-root", Error, InvalidFile, Execution, "pre-flight: claude refuses to bypass permissions when run as root (unless `IS_SANDBOX=1`)";
    AgentNotLoggedIn = "agent-not-logged-in", Warning, InvalidFile, Execution, "pre-flight: the agent CLI shows no login (no credential variable, no stored login)";
    AllowlistSandbox = "allowlist-sandbox", Warning, InvalidFile, Execution, "pre-flight: codex has no per-command allow list; with `allowlist` it runs in its sandbox, where commands that need the network fail";
    UntrustedAgent = "untrusted-agent", Error, InvalidFile, Execution, "the project sets its own agent command line or environment, which renn runs only once trusted (`--trust`)";
    DirtyTree = "dirty-tree", Error, InvalidFile, Execution, "the working tree has uncommitted changes that runners would sweep into their commits";
    RennDirVanished = "renn-dir-vanished", Error, InvalidFile, Execution, "`.renn/` disappeared while an agent worked: renn stops";
    // The host.
    Io = "io", Error, Io, Host, "a file or directory could not be read or written";
    Git = "git", Error, Io, Host, "a git command failed (git's own message follows)";
    AgentSpawn = "agent-spawn", Error, Io, Host, "the agent's program could not be started (not found, not executable)";
    RuntimeConfig = "runtime-config", Error, InvalidFile, Host, "`agent.runtime` lacks what its engine needs to start a job (a container without an image)";
    Busy = "busy", Error, InvalidFile, Host, "another renn holds the project's lock (exit 7)";
    Internal = "internal", Error, InvalidFile, Host, "a bug in renn: please report it";
    // The command line.
    Usage = "usage", Error, InvalidFile, Cli, "the command line itself is malformed (exit 2)";
    InitExists = "init-exists", Error, InvalidFile, Cli, "`renn init` would overwrite files that exist";
    InitNoDirectory = "init-no-directory", Error, InvalidFile, Cli, "`renn init` in a path that is not a directory";
    InitNotGit = "init-not-git", Error, InvalidFile, Cli, "`renn init` outside a git repository";
    CleanNeedsYes = "clean-needs-yes", Error, InvalidFile, Cli, "`renn clean` would remove something and cannot ask: pass --yes (or --dry-run)";
    NoLog = "no-log", Error, InvalidFile, Cli, "`renn logs` of a run or attempt that has no log";
    LogsFollowJson = "logs-follow-json", Error, InvalidFile, Cli, "`renn logs -f` streams the log; --json has no such stream";
    DemoNoRun = "demo-no-run", Error, InvalidFile, Cli, "the built-in demo agent was given no run";
    DemoUnknownAgent = "demo-unknown-agent", Error, InvalidFile, Cli, "the built-in demo agent was asked to be an agent it does not know";
    DemoNotARepo = "demo-not-a-repo", Error, InvalidFile, Cli, "the built-in demo agent runs outside a git repository";
    DemoNoRunFile = "demo-no-run-file", Error, InvalidFile, Cli, "the built-in demo agent finds no run file for its run";
    DemoBadPrompt = "demo-bad-prompt", Error, InvalidFile, Cli, "the built-in demo agent cannot read its prompt";
    DemoNoStage = "demo-no-stage", Error, InvalidFile, Cli, "the built-in demo agent's auditor prompt names no stage";
}

impl Code {
    /// The name of the class a binding raises for a failure with this code
    /// (`"StageError"`, …): `error_class().class_name()`.
    pub fn class_name(self) -> &'static str {
        self.error_class().class_name()
    }

    /// The code named `name`, if renn has one.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Compares with the name, so `d.code == "files-overlap"` reads as the JSON does.
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.name() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// The README's table of codes, grouped by [`Area`], from the registry.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | severity | error class | why |\n|---|---|---|---|\n");
    for area in Area::ALL {
        out.push_str(&format!("| **{}** | | | |\n", area.title()));
        for code in Code::ALL.iter().filter(|c| c.area() == *area) {
            // A warning is never a failure's code: it has no class to show.
            let (severity, class) = match code.severity() {
                Severity::Error => ("error", format!("`{}`", code.error_class().class_name())),
                Severity::Warning => ("warning", "—".to_string()),
            };
            out.push_str(&format!(
                "| `{}` | {severity} | {class} | {} |\n",
                code.name(),
                code.description()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(*code));
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(name));
            let back: Code = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(back, *code);
            assert!(!code.description().is_empty());
        }
    }
}
