//! `bash scripts/engines/bench.sh` (or, with the engines already set up,
//! `cargo bench -p renn-cli --bench engines`): a scale benchmark of renn's runtimes
//! (docs/spec.md#runtimes) that prints figures, never asserts them.
//!
//! Each measurement generates, in a temporary directory, a fresh git repository holding
//! stage 03 of N runs, all in batch 1, no gates, `files_modified` disjoint, whose agent is
//! `tests/fixtures/agents/cpu.sh`: it burns `RENN_BENCH_WORK` seconds of its own CPU time
//! (a busy loop; the same amount of work whatever the load or the container's quota),
//! writes its recap, commits it and says RUN COMPLETE, and prints its own start, end of
//! work and end (`BENCH-TIMES`), read back from the run's log. The auditor is off
//! (`"auditor": false`): it always runs here, never on the runtime, so it says nothing
//! about the runtimes and is the same stage-end cost for all of them. git's
//! `maintenance.auto` is off in the project and, through `agent.env`, in every job (a
//! detached `git maintenance` holds renn up to its grace period: see orchestration.rs).
//! Then it times `renn --json run-stage 3` end to end, reading its event stream line by
//! line as it arrives, for
//! - (a) `isolation: worktree`, agents as local processes, the whole batch at once (the
//!   default, the baseline);
//! - (b) `isolation: clone`, runtime `local`, the whole batch at once: the git travel
//!   alone (publish to the bare remote, the job's clone and push, renn's fetch back);
//! - (c) runtime `podman`: `parallelization.max_concurrent_agents` 4, each container
//!   `--cpus 0.5` (this machine's 2 cores shared by 4), the agent script mounted
//!   read-only at its own path;
//! - (d) runtime `slurm` (`srun --cpus-per-task=1`, partition `RENN_SLURM_PARTITION` or
//!   `renn`), renn keeping as many jobs in Slurm as the partition has CPUs
//!   (`max_concurrent_agents`), so a run's time measures Slurm starting a job, not its
//!   queue of renn's other jobs;
//!
//! each with N = 10 and 40, and with 2 s of work per run and 0 s (renn's and the engine's
//! own cost per run alone), once each (about 6 minutes on 2 cores, most of it the 2 s
//! runs). An engine that is not there (not on PATH, no image, no partition) is printed as
//! `skipped: <why>`; a stage that fails is printed as `FAILED`, with its details after
//! the table. For a shorter look: `RENN_BENCH_SIZES=3,6` (N, the growth is first to
//! last), `RENN_BENCH_WORK_SECS=0.5` (the work of the working runs), `RENN_BENCH_ONLY=a,c`
//! (those configurations).
//!
//! The figures, per configuration and N:
//! - wall: `renn run-stage` start to exit;
//! - Σ work: the CPU seconds the agents burnt (their own count);
//! - ideal: Σ work over the CPUs the configuration can use at once (the machine's cores,
//!   bounded by the concurrency times each job's CPU share), at least one run's work at
//!   its share;
//! - (wall − ideal)/N: renn's and the engine's cost per run, amortised over the
//!   parallelism;
//! - overhead per run, median and p90: for each run, `run_spawned` → `run_exited` minus
//!   the agent's own time (its first line to its last: engine start, the job's clone and
//!   push, renn's fetch back, and any time the ended job waited for renn's one thread),
//!   plus the time renn spent preparing it (from its previous event to its
//!   `run_spawned`: worktree, publish, job files, spawn), plus its share of the batch's
//!   end (last `run_exited` → `batch_completed`: evidence and merges, divided by N). Not
//!   `run_spawned` → `run_completed`: an isolated run is completed only when its whole
//!   batch has been merged, so that span measures the batch, not the run;
//! - the parts of that overhead (medians): prepare; start (`run_spawned` → the agent's
//!   first line: engine start, the job's clone; below 0 when the agent was running
//!   before renn reported the spawn); end (the agent's last line →
//!   `run_exited`: the job's push and exit, renn noticing it and fetching the branch
//!   back); merge (the batch's end share);
//! - the agent's own time, median (its work stretched by contention, plus its commit);
//! - the growth of the overhead per run from N = 10 to N = 40.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

/// N, unless `RENN_BENCH_SIZES` says otherwise (`10,40`); the growth is first to last.
const SIZES: [usize; 2] = [10, 40];
const STAGE_DIR: &str = ".renn/stages/03-auth";
/// The containers of configuration (c): how many at once, and each one's CPU share.
const CONTAINERS: usize = 4;
const CONTAINER_CPUS: f64 = 0.5;

fn cpu_script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/agents/cpu.sh")
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One way of running the stage's agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Worktree,
    CloneLocal,
    Podman,
    Slurm,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Worktree => "(a) worktree, local",
            Kind::CloneLocal => "(b) clone, local",
            Kind::Podman => "(c) clone, podman 4×0.5",
            Kind::Slurm => "(d) clone, slurm srun",
        }
    }
}

/// A configuration whose engine is there: what goes into the project's config, and
/// what bounds its parallelism.
#[derive(Debug, Clone)]
struct Engine {
    isolation: &'static str,
    runtime: Option<Value>,
    /// `parallelization.max_concurrent_agents`; `None`: the whole batch at once.
    max_concurrent: Option<usize>,
    /// The CPUs one job may use.
    share: f64,
    /// The CPUs all jobs together may use (the machine's, the partition's).
    cpus: f64,
}

impl Engine {
    /// The CPUs the configuration uses at once with `n` runs.
    fn effective_cpus(&self, n: usize) -> f64 {
        let jobs = self.max_concurrent.unwrap_or(n).min(n) as f64;
        self.cpus.min(jobs * self.share)
    }
}

fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("`{program}` cannot be run ({e})"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.lines().next().unwrap_or("").trim();
        return Err(format!(
            "`{program} {}` exited {} {err}",
            args.join(" "),
            out.status
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn podman_image() -> String {
    std::env::var("RENN_AGENT_IMAGE").unwrap_or_else(|_| "localhost/renn-agent:1".into())
}

fn slurm_partition() -> String {
    std::env::var("RENN_SLURM_PARTITION").unwrap_or_else(|_| "renn".into())
}

/// The configuration, or why its engine is not available here.
fn engine(kind: Kind) -> Result<Engine, String> {
    let cores = cores() as f64;
    let script = cpu_script();
    match kind {
        Kind::Worktree => Ok(Engine {
            isolation: "worktree",
            runtime: None,
            max_concurrent: None,
            share: 1.0,
            cpus: cores,
        }),
        Kind::CloneLocal => Ok(Engine {
            isolation: "clone",
            runtime: Some(json!({"kind": "local"})),
            max_concurrent: None,
            share: 1.0,
            cpus: cores,
        }),
        Kind::Podman => {
            let image = podman_image();
            let setup = "bash scripts/engines/podman.sh setup; eval \"$(bash scripts/engines/podman.sh env)\"";
            output("podman", &["--version"])
                .map_err(|e| format!("{e}: podman not installed ({setup})"))?;
            output("podman", &["image", "exists", &image])
                .map_err(|_| format!("no image {image} ({setup})"))?;
            let cpus = CONTAINER_CPUS.to_string();
            output(
                "podman",
                &[
                    "run",
                    "--rm",
                    "--network",
                    "none",
                    "--cpus",
                    &cpus,
                    &image,
                    "true",
                ],
            )
            .map_err(|e| format!("a container does not start: {e}"))?;
            Ok(Engine {
                isolation: "clone",
                runtime: Some(json!({
                    "kind": "podman",
                    "image": image,
                    "args": ["--network", "none", "--cpus", cpus,
                             "--volume", format!("{script}:{script}:ro")],
                })),
                max_concurrent: Some(CONTAINERS),
                share: CONTAINER_CPUS,
                cpus: cores,
            })
        }
        Kind::Slurm => {
            let partition = slurm_partition();
            let start = "eval \"$(bash scripts/engines/slurm.sh env)\"; bash scripts/engines/slurm.sh start";
            output("srun", &["--version"])
                .map_err(|e| format!("{e}: Slurm not installed ({start})"))?;
            let info = output("sinfo", &["-h", "-p", &partition, "-o", "%D %c %a %t"])
                .map_err(|e| format!("{e} ({start})"))?;
            let fields: Vec<&str> = info.split_whitespace().collect();
            let [nodes, cpus, avail, state, ..] = fields[..] else {
                return Err(format!("no partition `{partition}` ({start})"));
            };
            if avail != "up" || !["idle", "mix", "alloc"].contains(&state) {
                return Err(format!(
                    "partition `{partition}` is {avail}, its node {state} ({start})"
                ));
            }
            let cpus = nodes.parse::<usize>().unwrap_or(1) * cpus.parse::<usize>().unwrap_or(1);
            Ok(Engine {
                isolation: "clone",
                runtime: Some(json!({
                    "kind": "slurm",
                    "partition": partition,
                    "args": ["--cpus-per-task=1"],
                })),
                max_concurrent: Some(cpus),
                share: 1.0,
                cpus: cpus as f64,
            })
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A git repository at `root` holding stage 03: `n` runs in batch 1, run files like the
/// end-to-end tests' (cli/tests/run_stage/main.rs), the CPU-bound agent.
fn generate(root: &Path, engine: &Engine, n: usize, work: &str) {
    let mut agent = json!({
        "command": ["bash", cpu_script(), "{agent}", "{run_id}"],
        "timeout_secs": 900,
        "env": {
            "RENN_BENCH_WORK": work,
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "maintenance.auto",
            "GIT_CONFIG_VALUE_0": "false",
        },
    });
    if let Some(rt) = &engine.runtime {
        agent["runtime"] = rt.clone();
    }
    let mut config = json!({
        "agent": agent,
        "isolation": engine.isolation,
        "auditor": false,
    });
    if let Some(k) = engine.max_concurrent {
        config["parallelization"] = json!({"enabled": true, "max_concurrent_agents": k});
    }
    write(
        root,
        ".renn/config.json",
        &serde_json::to_string_pretty(&config).unwrap(),
    );
    write(
        root,
        ".renn/track.md",
        &format!("# Track: Bench\n\n## Stages\n\n- [ ] **Stage 3: Auth** - Users can log in\n- [ ] **Stage 4: Sharing** - Share notes\n\n## Progress\n\n| Stage | Runs Complete | Status | Completed |\n|-------|---------------|--------|-----------|\n| 3. Auth | 0/{n} | Not started | - |\n"),
    );
    write(
        root,
        ".renn/pulse.md",
        &format!("# Project Pulse\n\n## Current Position\n\nStage: 3 of 4 (Auth)\nRun: 0 of {n}\nStatus: Ready\n\n## Accumulated Context\n\n### Decisions\n\n- keep this line\n\n## Session Continuity\n\nLast session: yesterday\n"),
    );
    for i in 1..=n {
        let text = format!(
            "---\nstage: 03-auth\nrun: {i:02}\nbatch: 1\nautonomous: true\nfiles_modified: [work-03-{i:02}.txt]\nmust_haves:\n  artifacts: [{{path: work-03-{i:02}.txt, provides: work}}]\n---\n<objective>Part {i} of auth</objective>\n<tasks>\n<task type=\"auto\"><name>First</name></task>\n</tasks>\n"
        );
        write(root, &format!("{STAGE_DIR}/03-{i:02}-run.md"), &text);
    }
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.name", "Bench"]);
    git(root, &["config", "user.email", "bench@example.com"]);
    git(root, &["config", "maintenance.auto", "false"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "plan"]);
}

/// One run's times, seconds since renn was started.
#[derive(Default, Debug, Clone)]
struct RunTimes {
    /// renn's event before it started preparing the run.
    prepare_from: Option<f64>,
    spawned: Option<f64>,
    exited: Option<f64>,
    completed: Option<f64>,
    log: Option<String>,
    /// The agent's first line, end of work and last line (its BENCH-TIMES record).
    own: Option<(f64, f64, f64)>,
    /// CPU seconds the agent burnt.
    cpu: f64,
}

/// One `renn --json run-stage 3`.
struct Sample {
    wall: f64,
    runs: BTreeMap<String, RunTimes>,
    last_exited: f64,
    batch_completed: f64,
}

/// Runs the stage; `Err` says what went wrong (and keeps the details).
fn run_stage(engine: &Engine, n: usize, work: &str) -> Result<Sample, String> {
    let tmp: TempDir = tempfile::tempdir().unwrap();
    let root: PathBuf = tmp.path().join("project");
    std::fs::create_dir(&root).unwrap();
    generate(&root, engine, n, work);

    let epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(&root)
        .env("RENN_TODAY", "2026-11-24")
        .env("RENN_TRUST", "1")
        .args(["--json", "run-stage", "3"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut lines: Vec<(f64, Value)> = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let at = t0.elapsed().as_secs_f64();
        let Ok(line) = line else { break };
        let event = serde_json::from_str(&line).unwrap_or_else(|_| json!({"text": line}));
        lines.push((at, event));
    }
    let status = child.wait().unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let stderr = stderr.join().unwrap();

    let mut s = Sample {
        wall,
        runs: BTreeMap::new(),
        last_exited: 0.0,
        batch_completed: 0.0,
    };
    let mut previous = 0.0;
    for (at, e) in &lines {
        let run = e["run"].as_str().unwrap_or_default().to_string();
        match e["event"].as_str().unwrap_or_default() {
            "worktree_created" => {
                let r = s.runs.entry(run).or_default();
                r.prepare_from.get_or_insert(previous);
            }
            "run_spawned" => {
                let r = s.runs.entry(run).or_default();
                r.prepare_from.get_or_insert(previous);
                r.spawned = Some(*at);
                r.log = e["log"].as_str().map(str::to_string);
            }
            "run_exited" => {
                s.runs.entry(run).or_default().exited = Some(*at);
                s.last_exited = *at;
            }
            "run_completed" => s.runs.entry(run).or_default().completed = Some(*at),
            "batch_completed" => s.batch_completed = *at,
            _ => {}
        }
        previous = *at;
    }
    let since_start = |epoch_secs: f64| epoch_secs - epoch.as_secs_f64();
    for (id, r) in s.runs.iter_mut() {
        let Some(log) = &r.log else { continue };
        let text = std::fs::read_to_string(root.join(log)).unwrap_or_default();
        let Some(line) = text.lines().find(|l| l.starts_with("BENCH-TIMES ")) else {
            continue;
        };
        let f: Vec<f64> = line
            .split(' ')
            .skip(2)
            .map(|x| x.replace(',', ".").parse().unwrap_or(f64::NAN))
            .collect();
        if f.len() == 5 && line.split(' ').nth(1) == Some(id.as_str()) {
            r.own = Some((since_start(f[0]), since_start(f[1]), since_start(f[2])));
            r.cpu = f[3] / f[4];
        }
    }

    let completed = s.runs.values().filter(|r| r.completed.is_some()).count();
    let timed = s.runs.values().filter(|r| r.own.is_some()).count();
    let recaps = git(
        &root,
        &["ls-tree", "-r", "--name-only", "HEAD", "--", STAGE_DIR],
    )
    .lines()
    .filter(|l| l.ends_with("-recap.md"))
    .count();
    if status.success() && completed == n && timed == n && recaps == n {
        return Ok(s);
    }
    let last: Vec<String> = lines
        .iter()
        .rev()
        .take(6)
        .map(|(_, e)| e.to_string().chars().take(400).collect())
        .collect();
    let failed_log = s
        .runs
        .values()
        .filter(|r| r.own.is_none())
        .find_map(|r| r.log.as_ref())
        .map(|log| std::fs::read_to_string(root.join(log)).unwrap_or_default())
        .unwrap_or_default();
    let tail = |t: &str, k: usize| -> String {
        let v: Vec<&str> = t.lines().collect();
        v[v.len().saturating_sub(k)..].join("\n")
    };
    Err(format!(
        "renn exited {status}; {completed}/{n} runs completed, {timed} timed, {recaps} recaps in HEAD\n  stderr (tail):\n{}\n  a run's log (tail):\n{}\n  last events, newest first:\n{}",
        tail(&stderr, 15),
        tail(&failed_log, 20),
        last.join("\n")
    ))
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 50)
}

/// Nearest rank; NaN for no values.
fn percentile(v: &[f64], p: usize) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = (v.len() * p).div_ceil(100).max(1);
    v[rank - 1]
}

/// A row's figures.
struct Figures {
    wall: f64,
    work: f64,
    ideal: f64,
    amortised: f64,
    overhead_median: f64,
    overhead_p90: f64,
    prepare: f64,
    /// `run_spawned` → the agent's first line: engine start, the job's clone.
    start: f64,
    /// The agent's last line → `run_exited`: the job's push, its exit, renn's fetch.
    end: f64,
    merge: f64,
    /// The agents' own time, median (longer than the work under contention).
    own: f64,
}

fn figures(engine: &Engine, n: usize, s: &Sample) -> Figures {
    let runs: Vec<&RunTimes> = s.runs.values().collect();
    let work: f64 = runs.iter().map(|r| r.cpu).sum();
    let longest = runs.iter().map(|r| r.cpu).fold(0.0, f64::max);
    let ideal = (work / engine.effective_cpus(n)).max(longest / engine.share);
    let merge = (s.batch_completed - s.last_exited).max(0.0) / n as f64;
    let prepare: Vec<f64> = runs
        .iter()
        .filter_map(|r| Some(r.spawned? - r.prepare_from?))
        .collect();
    let start: Vec<f64> = runs
        .iter()
        .filter_map(|r| Some(r.own?.0 - r.spawned?))
        .collect();
    let end: Vec<f64> = runs
        .iter()
        .filter_map(|r| Some(r.exited? - r.own?.2))
        .collect();
    let overhead: Vec<f64> = runs
        .iter()
        .filter_map(|r| {
            let own = r.own?;
            Some(r.exited? - r.prepare_from? - (own.2 - own.0) + merge)
        })
        .collect();
    let own: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.own.map(|o| o.2 - o.0))
        .collect();
    Figures {
        wall: s.wall,
        work,
        ideal,
        amortised: (s.wall - ideal) / n as f64,
        overhead_median: median(&overhead),
        overhead_p90: percentile(&overhead, 90),
        prepare: median(&prepare),
        start: median(&start),
        end: median(&end),
        merge,
        own: median(&own),
    }
}

fn secs(x: f64) -> String {
    format!("{x:7.2} s")
}

fn ms(x: f64) -> String {
    format!("{:6.0} ms", x * 1e3)
}

/// What one configuration, N and work gave.
enum Outcome {
    Skipped(String),
    Failed(String),
    Done(Figures),
}

fn main() {
    let work_secs = std::env::var("RENN_BENCH_WORK_SECS").unwrap_or_else(|_| "2".into());
    let works = [work_secs.as_str(), "0"];
    let sizes: Vec<usize> = std::env::var("RENN_BENCH_SIZES").map_or(SIZES.to_vec(), |v| {
        v.split(',').filter_map(|x| x.trim().parse().ok()).collect()
    });
    // `RENN_BENCH_ONLY=a,c`: those configurations only.
    let only = std::env::var("RENN_BENCH_ONLY").unwrap_or_default();
    println!(
        "renn engines benchmark: stage of N runs in one batch, CPU-bound agent (tests/fixtures/agents/cpu.sh), auditor off, {} CPUs here\n",
        cores()
    );
    let kinds = [Kind::Worktree, Kind::CloneLocal, Kind::Podman, Kind::Slurm];
    let start = Instant::now();
    // (configuration, work, n) → outcome
    let mut results: Vec<(Kind, String, usize, Outcome)> = Vec::new();
    for kind in kinds {
        let letter = &kind.name()[1..2];
        if !only.is_empty() && !only.split(',').any(|o| o.trim() == letter) {
            continue;
        }
        let engine = engine(kind);
        if let Ok(e) = &engine {
            let limit = e
                .max_concurrent
                .map_or("the whole batch".to_string(), |k| k.to_string());
            println!(
                "{}: isolation {}, runtime {}, agents at once: {limit}",
                kind.name(),
                e.isolation,
                e.runtime
                    .as_ref()
                    .map_or("none (local processes)".into(), |r| r.to_string()),
            );
        }
        for work in works {
            for &n in &sizes {
                let outcome = match &engine {
                    Err(why) => Outcome::Skipped(why.clone()),
                    Ok(e) => {
                        let t = Instant::now();
                        let outcome = match run_stage(e, n, work) {
                            Ok(sample) => Outcome::Done(figures(e, n, &sample)),
                            Err(why) => Outcome::Failed(why),
                        };
                        eprintln!(
                            "engines: {} N={n} work={work} s: {:.1} s{}",
                            kind.name(),
                            t.elapsed().as_secs_f64(),
                            if matches!(outcome, Outcome::Failed(_)) {
                                " FAILED"
                            } else {
                                ""
                            }
                        );
                        outcome
                    }
                };
                results.push((kind, work.to_string(), n, outcome));
            }
        }
    }
    println!();
    print_tables(&results, &works, &sizes);
    println!(
        "\nbenchmark wall time (all stages, this process): {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn print_tables(results: &[(Kind, String, usize, Outcome)], works: &[&str], sizes: &[usize]) {
    println!(
        "{:<24} {:>3} {:>5}  {:>9} {:>9} {:>9} {:>14}  {:>9} {:>9}  {:>9} {:>9} {:>9} {:>9}  {:>9}",
        "configuration",
        "N",
        "work",
        "wall",
        "Σ work",
        "ideal",
        "(wall−ideal)/N",
        "ovh/run",
        "p90",
        "prepare",
        "start",
        "end",
        "merge",
        "agent own"
    );
    println!(
        "{:<24} {:>3} {:>5}  {:>9} {:>9} {:>9} {:>14}  {:>9} {:>9}  {:>9} {:>9} {:>9} {:>9}  {:>9}",
        "",
        "",
        "s/run",
        "",
        "CPU",
        "",
        "",
        "median",
        "",
        "median",
        "median",
        "median",
        "per run",
        "median"
    );
    let mut failures = Vec::new();
    for (kind, work, n, outcome) in results {
        let head = format!("{:<24} {n:>3} {work:>5}", kind.name());
        match outcome {
            Outcome::Skipped(why) => println!("{head}  skipped: {why}"),
            Outcome::Failed(why) => {
                println!("{head}  FAILED (details below)");
                failures.push(format!("{head}:\n{why}"));
            }
            Outcome::Done(f) => println!(
                "{head}  {} {} {} {:>14}  {} {}  {} {} {} {}  {}",
                secs(f.wall),
                secs(f.work),
                secs(f.ideal),
                ms(f.amortised),
                ms(f.overhead_median),
                ms(f.overhead_p90),
                ms(f.prepare),
                ms(f.start),
                ms(f.end),
                ms(f.merge),
                secs(f.own),
            ),
        }
    }

    println!(
        "\nideal: Σ work over the CPUs usable at once (the cores, at most the agents at once × each one's CPU share).\n\
         ovh/run: per run, renn preparing it + (run_spawned → run_exited − the agent's own time) + its share of the batch's end.\n\
         prepare: renn's previous event → run_spawned (worktree, publish to the remote, job files, spawn).\n\
         start: run_spawned → the agent's first line (engine start, the job's clone; < 0: the agent was running before renn reported it).\n\
         end: the agent's last line → run_exited (the job's push and exit, renn noticing it and fetching the branch back, and\n\
         \x20    waiting while renn's one thread spawns or handles other runs). merge: (last run_exited → batch_completed) / N."
    );
    let (first, last) = (sizes[0], sizes[sizes.len() - 1]);
    println!("\ngrowth of the overhead per run from N = {first} to N = {last}:");
    println!(
        "{:<24} {:>5}  {:>29}  {:>29}",
        "configuration", "work", "ovh/run median", "(wall−ideal)/N"
    );
    let mut kinds: Vec<Kind> = Vec::new();
    for (k, ..) in results {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
    for kind in kinds {
        for work in works {
            let get = |n: usize| {
                results.iter().find_map(|(k, w, m, o)| match o {
                    Outcome::Done(f) if *k == kind && w == work && *m == n => Some(f),
                    _ => None,
                })
            };
            let head = format!("{:<24} {work:>5}", kind.name());
            match (get(first), get(last)) {
                (Some(a), Some(b)) => {
                    let growth = |x: f64, y: f64| {
                        format!("{} → {} {:>7}", ms(x), ms(y), format!("×{:.2}", y / x))
                    };
                    println!(
                        "{head}  {:>29}  {:>29}",
                        growth(a.overhead_median, b.overhead_median),
                        growth(a.amortised, b.amortised)
                    );
                }
                _ => println!("{head}  (not measured)"),
            }
        }
    }
    for f in failures {
        println!("\n{f}");
    }
}
