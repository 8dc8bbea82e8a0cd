//! `renn`: runs a planned stage of a project. This file is argument parsing and
//! output only; everything it reports comes from renn-core via the `renn_host` IO layer.

mod commands;
mod live;
mod ui;

use clap::{Parser, Subcommand};
use renn_core::Code;
use std::path::PathBuf;
use std::process::ExitCode;

/// renn — run a planned stage of a software project (.renn/ plans).
#[derive(Debug, Parser)]
#[command(name = "renn", version, propagate_version = true)]
pub struct Cli {
    /// Project root (the directory holding .renn/). Default: the nearest one at or
    /// above the current directory.
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Machine-readable output: JSON on stdout, errors as JSON on stderr.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Execute the stage: every batch's runs by AI agents, gates, the auditor, the
    /// track and pulse updates and the commit. Exit codes: 0 done, 1 error,
    /// 3 runs failed or skipped, 4 waiting for --respond, 5 gaps found, 6 stopped.
    RunStage {
        /// Stage number: 3, 03, 2.1, 12A…
        stage: String,
        /// Only runs with `gap_closure: true`.
        #[arg(long)]
        gaps_only: bool,
        /// Execute this batch only.
        #[arg(long, value_name = "N")]
        batch: Option<u32>,
        /// Show the plan and stop.
        #[arg(long)]
        dry_run: bool,
        /// Accept renn's defaults where it would ask (reconstruct a missing pulse.md).
        #[arg(long, short)]
        yes: bool,
        /// What to do when a run fails: ask (on a terminal), continue, or stop.
        #[arg(long, value_enum, default_value = "ask")]
        on_failure: FailurePolicy,
        /// Answer a waiting gate (RUN TEXT, e.g. 03-02 approved) or the proof's human
        /// verification (verification TEXT). TEXT may be @FILE.
        #[arg(long, num_args = 2, value_names = ["RUN", "TEXT"])]
        respond: Option<Vec<String>>,
        /// Run the agent command this project's config.json sets, and remember that for
        /// this repository (RENN_TRUST=1 trusts for one execution).
        #[arg(long)]
        trust: bool,
    },
    /// Show the stage's Execution Plan: its runs grouped into batches.
    Plan {
        /// Stage number: 3, 03, 2.1, 12A…
        stage: String,
        /// Only runs with `gap_closure: true`.
        #[arg(long)]
        gaps_only: bool,
    },
    /// Check the stage's plan; exits 1 when it has errors.
    Validate {
        /// Stage number: 3, 03, 2.1, 12A…
        stage: String,
    },
    /// Show the model each agent runs with (horsepower table and overrides).
    Models,
    /// Say what comes next: the stage after the last one checked in track.md, or
    /// MILESTONE COMPLETE.
    Next,
    /// Show the stage's proof: its status (after the safety rule), score, gaps, and
    /// where it routes the stage next.
    Proof {
        /// Stage number: 3, 03, 2.1, 12A…
        stage: String,
    },
    /// Parse an agent's output (a file, or - for stdin): its RUN COMPLETE or GATE
    /// REACHED block, or why there is none. Exits 1 when the output is unusable.
    ParseReturn {
        /// The file holding the agent's output.
        file: PathBuf,
    },
    /// Print the git branch the stage runs on (nothing for strategy `none`).
    Branch {
        /// Stage number: 3, 03, 2.1, 12A…
        stage: String,
    },
    /// Print the prompt a run's agent gets: the runner's, or with --continuation the
    /// fresh runner's that resumes after a gate.
    Prompt {
        /// Run id: 03-02, 3-2, 02.1-01…
        run: String,
        /// The continuation prompt after a gate (needs --response and --return).
        #[arg(long, requires_all = ["response", "return_file"])]
        continuation: bool,
        /// The user's answer at the gate: "approved", "done", the chosen option, or the issues.
        #[arg(long, value_name = "TEXT", requires = "continuation")]
        response: Option<String>,
        /// A file with the agent's output ending in its GATE REACHED block.
        #[arg(long = "return", value_name = "FILE", requires = "continuation")]
        return_file: Option<PathBuf>,
    },
    /// Create a `.renn/` skeleton here (or in --dir): config.json with every default,
    /// track.md, pulse.md and the prompt templates. Refuses to overwrite any file, and
    /// outside a git repository.
    Init {
        /// Leave out `.renn/templates/` (renn then uses its built-in prompts, and
        /// follows their changes when it is upgraded).
        #[arg(long)]
        no_templates: bool,
        /// The project's name in track.md (default: the directory's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Every stage: runs done/total, gates waiting, proof, and what to do next.
    Status,
    /// Show a run's agent log (`.renn/stages/<stage>/logs/`), the latest attempt by
    /// default; a stage number (3) shows the auditor's. -f follows it while renn runs.
    Logs {
        /// Run id (03-02), or a stage number for the stage's auditor.
        run: String,
        /// Keep printing what the agent writes until it is done (Ctrl-C ends it).
        #[arg(long, short)]
        follow: bool,
        /// That attempt's log instead of the latest (1 is the first).
        #[arg(long, value_name = "N")]
        attempt: Option<u32>,
    },
    /// Execute one run again (a failed or unfinished one): `run-stage` restricted to
    /// it. Refused for a complete run and for a run whose dependencies are not done.
    Retry {
        /// Run id: 03-02, 3-2…
        run: String,
        /// What to do when the run fails again: ask (on a terminal), continue, or stop.
        #[arg(long, value_enum, default_value = "ask")]
        on_failure: FailurePolicy,
        /// As for run-stage: run the agent command this project's config.json sets.
        #[arg(long)]
        trust: bool,
        /// Accept renn's defaults where it would ask.
        #[arg(long, short)]
        yes: bool,
    },
    /// Remove what runs leave behind: stray worktrees under .renn/worktrees/, merged
    /// renn/run-* branches, renn/failed/* branches, a stale lock, renn's temp files.
    /// Unmerged work of a run still to execute is kept (and named).
    Clean {
        /// Remove without asking.
        #[arg(long, short)]
        yes: bool,
        /// List what would go, remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the setup: git, the agent CLI, the worktree location, config and plans.
    /// One line per check; exits 1 when a check fails.
    Doctor,
    /// Print a shell completion script: `renn completions bash > ~/.local/share/bash-completion/completions/renn`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print renn's man page (roff): `renn man > renn.1 && man ./renn.1`.
    Man,
    /// The built-in demo agent (`agent.command`: ["{renn}", "demo-agent", "{agent}",
    /// "{run_id}"]): acts like a runner or the auditor on the example project, so a stage
    /// runs end to end with no AI agent installed. Works in the current directory.
    #[command(hide = true)]
    DemoAgent {
        /// renn-runner or renn-auditor.
        agent: String,
        /// The run to execute (the auditor gets none, or an empty one).
        run_id: Option<String>,
        /// The prompt, for `agent.prompt: "argument"`; otherwise it is read from stdin.
        prompt: Option<String>,
        /// The auditor's stage, when its prompt names no stage directory.
        #[arg(long, value_name = "N")]
        stage: Option<String>,
        /// Accepted and ignored, so an agent command line with `--model {model}` works.
        #[arg(long)]
        model: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailurePolicy {
    Ask,
    Continue,
    Stop,
}

/// Exit codes: 0 success; 1 the project, the plan or an argument is wrong (the
/// message says which file and line); 2 the command line itself is malformed; 7
/// another renn is running on the project.
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match commands::run(&cli) {
        Ok(code) => code,
        Err(e) => {
            commands::report_error(&e, cli.json);
            ExitCode::from(e.exit_code())
        }
    }
}

/// A malformed command line exits 2 with clap's message. With `--json` in it, a script
/// reads the error object every other error is (`{"schema": 1, "error": {"code":
/// "usage", …}}`, one line);
/// `--help` and `--version` are answers, not errors, and stay as they are.
fn usage_error(e: clap::Error) -> ExitCode {
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if !json || !e.use_stderr() {
        e.exit()
    }
    // clap's text: "error: WHAT" (maybe continued on indented lines), then tips, the
    // usage line and "For more information, try '--help'." in paragraphs of their own.
    let text = e.to_string();
    let mut paragraphs = text.split("\n\n").map(str::trim);
    let what = paragraphs.next().unwrap_or_default();
    let message = match e.kind() {
        clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a command is required".to_string()
        }
        _ => what
            .trim_start_matches("error:")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    };
    let mut hint: Vec<String> = paragraphs
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| l.starts_with("tip:") || l.starts_with("Usage:"))
        .map(|l| l.replacen("Usage:", "usage:", 1))
        .collect();
    hint.push("`renn --help` lists the commands and options".into());
    let hint = hint.join("; ");
    let diagnostic = renn_core::Diagnostic::error(Code::Usage, message.clone()).with_hint(hint);
    let report = renn_core::error::ErrorReport::new(Code::Usage, message, vec![diagnostic]);
    let body = renn_host::json::error_value(&report);
    eprintln!("{}", serde_json::to_string(&body).unwrap_or_default());
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}
