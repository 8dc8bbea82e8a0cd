//! `cargo bench -p renn-cli --bench orchestration`: prints what renn itself costs when it
//! runs a stage, with agents that take (almost) no time.
//!
//! Generates, in a temporary directory, a git repository with stage 03 of 100 runs in 10
//! batches of 10, whose agent is `tests/fixtures/agents/instant.sh`: a runner writes its
//! recap, commits it and says RUN COMPLETE; the auditor (on, as by default) writes a
//! passed proof. Then it times `renn --json run-stage 3` end to end, for `"isolation":
//! "shared"` and `"isolation": "worktree"`, each on a fresh repository, with git's default
//! configuration and again with `maintenance.auto false`. By default every `git commit`
//! starts a detached `git maintenance run --auto`; caught in the agent's process group
//! before it detaches, it is stopped by renn with the agent's leftovers (a live one holds
//! renn up to its 2 s grace period: "stalls" below; zombies an init reaps late no longer
//! count). The benchmark prints
//! - the wall time (median of the repetitions) against the goal, 100 runs in 10 batches
//!   in under 2 s;
//! - per run, from renn's JSON event stream read line by line as it arrives: the time from
//!   its `run_spawned` to its `run_completed` (spawn to recap detected), the agent's own
//!   run time (the script's first line to its last, which it records), and the difference,
//!   renn's overhead per run; medians and p90 over every run of every repetition;
//! - where the wall time goes: start-up, per batch spawning / agents working / evidence
//!   and merges, and the stage's end (auditor, track, pulse, docs commit);
//! - the pieces on their own: a bare `bash instant.sh` (spawn + git add + commit), and
//!   renn's git for one run of a worktree batch (a new or a used worktree, the merge
//!   recorded without a working tree), on a fresh repository and on one after a whole
//!   stage.
//!
//! Figures are printed, never asserted.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

const RUNS: usize = 100;
const BATCH_SIZE: usize = 10;
const REPETITIONS: usize = 3;
const GOAL: Duration = Duration::from_secs(2);
const STAGE_DIR: &str = ".renn/stages/03-auth";
/// An exit event this long after both the agent's last line and the last spawn of its
/// batch is a stall, not a busy renn.
const STALL: f64 = 0.5;

/// One way of running the stage.
#[derive(Debug, Clone, Copy)]
struct Setup {
    isolation: &'static str,
    /// git's `maintenance.auto` (on by default): each commit starts a detached
    /// `git maintenance run --auto`.
    maintenance: bool,
}

impl Setup {
    fn name(&self) -> String {
        let git = if self.maintenance {
            "git defaults"
        } else {
            "maintenance.auto false"
        };
        format!("isolation \"{}\", {git}", self.isolation)
    }
}

fn instant_script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/agents/instant.sh")
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
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

fn run_id(n: usize) -> String {
    format!("03-{n:02}")
}

/// A git repository at `root` holding stage 03: RUNS runs in batches of BATCH_SIZE, run
/// files like the end-to-end tests' (cli/tests/run_stage/main.rs), the instant agent.
fn generate(root: &Path, setup: Setup) {
    let config = json!({
        "agent": {"command": ["bash", instant_script(), "{agent}", "{run_id}"], "timeout_secs": 60},
        "isolation": setup.isolation,
        "auditor": true,
    });
    write(
        root,
        ".renn/config.json",
        &serde_json::to_string_pretty(&config).unwrap(),
    );
    write(
        root,
        ".renn/track.md",
        &format!("# Track: Bench\n\n## Stages\n\n- [ ] **Stage 3: Auth** - Users can log in\n- [ ] **Stage 4: Sharing** - Share notes\n\n## Progress\n\n| Stage | Runs Complete | Status | Completed |\n|-------|---------------|--------|-----------|\n| 3. Auth | 0/{RUNS} | Not started | - |\n"),
    );
    write(
        root,
        ".renn/pulse.md",
        &format!("# Project Pulse\n\n## Current Position\n\nStage: 3 of 4 (Auth)\nRun: 0 of {RUNS}\nStatus: Ready\n\n## Accumulated Context\n\n### Decisions\n\n- keep this line\n\n## Session Continuity\n\nLast session: yesterday\n"),
    );
    for n in 1..=RUNS {
        let batch = (n - 1) / BATCH_SIZE + 1;
        let text = format!(
            "---\nstage: 03-auth\nrun: {n:02}\nbatch: {batch}\nautonomous: true\nfiles_modified: [work-03-{n:02}.txt]\nmust_haves:\n  artifacts: [{{path: work-03-{n:02}.txt, provides: work}}]\n---\n<objective>Part {n} of auth</objective>\n<tasks>\n<task type=\"auto\"><name>First</name></task>\n</tasks>\n"
        );
        write(root, &format!("{STAGE_DIR}/{}-run.md", run_id(n)), &text);
    }
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.name", "Bench"]);
    git(root, &["config", "user.email", "bench@example.com"]);
    if !setup.maintenance {
        git(root, &["config", "maintenance.auto", "false"]);
    }
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "plan"]);
}

/// A fresh temporary directory with the project in `project/` (agent times go beside it).
fn project(setup: Setup) -> TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    std::fs::create_dir(&root).unwrap();
    generate(&root, setup);
    tmp
}

/// When each run's events arrived, since renn was started.
#[derive(Default, Clone, Copy)]
struct RunTimes {
    spawned: Option<f64>,
    exited: Option<f64>,
    completed: Option<f64>,
    /// The agent's own first and last line (its INSTANT_TIMES record), same clock.
    own: Option<(f64, f64)>,
    /// How many times the agent had to add and commit again (shared tree races).
    retries: u32,
    /// The last `run_spawned` of its batch: renn reports no exit before it has spawned
    /// the whole batch (one thread spawns, and waits for agents in between).
    batch_spawned: f64,
}

#[derive(Default)]
struct Batch {
    started: f64,
    last_spawned: f64,
    last_exited: f64,
    completed: f64,
}

/// One `renn --json run-stage 3`, seconds since renn was started.
struct Sample {
    wall: f64,
    runs: BTreeMap<String, RunTimes>,
    batches: Vec<Batch>,
    first_batch: f64,
    auditor_spawned: f64,
    stage_completed: f64,
    recaps_in_head: usize,
    staged: usize,
}

fn run_stage(setup: Setup) -> (Sample, TempDir) {
    let tmp = project(setup);
    let root = tmp.path().join("project");
    let times = tmp.path().join("agent-times");

    let epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(&root)
        .env("RENN_TODAY", "2026-11-24")
        .env("RENN_TRUST", "1")
        .env("INSTANT_TIMES", &times)
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
        let line = line.unwrap();
        let event =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        lines.push((at, event));
    }
    let status = child.wait().unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let stderr = stderr.join().unwrap();
    let completed = lines
        .iter()
        .filter(|(_, e)| e["event"] == "run_completed")
        .count();
    if !status.success() || completed != RUNS {
        let last: Vec<String> = lines
            .iter()
            .rev()
            .take(4)
            .map(|(_, e)| e.to_string())
            .collect();
        let logs: Vec<String> = lines
            .iter()
            .filter(|(_, e)| {
                e["event"] == "run_failed" || (e["event"] == "run_exited" && e["run"] == "auditor")
            })
            .filter_map(|(_, e)| e["run"].as_str())
            .map(|run| {
                let log = root.join(format!("{STAGE_DIR}/logs/{run}-1.log"));
                std::fs::read_to_string(log).unwrap_or_default()
            })
            .collect();
        panic!(
            "renn run-stage ({}) exited {status}, {completed} runs completed\nstderr: {stderr}\nlogs: {}\nlast events, newest first: {}",
            setup.name(),
            logs.join("\n"),
            last.join("\n")
        );
    }

    let mut s = Sample {
        wall,
        runs: BTreeMap::new(),
        batches: Vec::new(),
        first_batch: 0.0,
        auditor_spawned: 0.0,
        stage_completed: 0.0,
        recaps_in_head: 0,
        staged: 0,
    };
    for (at, e) in &lines {
        let run = e["run"].as_str().unwrap_or_default().to_string();
        match e["event"].as_str().unwrap_or_default() {
            "batch_started" => {
                if s.batches.is_empty() {
                    s.first_batch = *at;
                }
                s.batches.push(Batch {
                    started: *at,
                    ..Batch::default()
                });
            }
            "batch_completed" => s.batches.last_mut().unwrap().completed = *at,
            "run_spawned" if run == "auditor" => s.auditor_spawned = *at,
            "run_spawned" => {
                s.runs.entry(run).or_default().spawned = Some(*at);
                s.batches.last_mut().unwrap().last_spawned = *at;
            }
            "run_exited" if run != "auditor" => {
                s.runs.entry(run).or_default().exited = Some(*at);
                s.batches.last_mut().unwrap().last_exited = *at;
            }
            "run_completed" => s.runs.entry(run).or_default().completed = Some(*at),
            "stage_completed" => s.stage_completed = *at,
            _ => {}
        }
    }
    let since_start = |epoch_secs: f64| epoch_secs - epoch.as_secs_f64();
    for line in std::fs::read_to_string(&times).unwrap().lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        let (start, end): (f64, f64) = (parts[1].parse().unwrap(), parts[2].parse().unwrap());
        let r = s.runs.entry(parts[0].to_string()).or_default();
        r.own = Some((since_start(start), since_start(end)));
        r.retries = parts[3].parse().unwrap();
    }
    assert_eq!(s.batches.len(), RUNS / BATCH_SIZE, "batches");
    for (id, r) in s.runs.iter_mut() {
        let n: usize = id.rsplit('-').next().unwrap().parse().unwrap();
        r.batch_spawned = s.batches[(n - 1) / BATCH_SIZE].last_spawned;
    }
    // Every recap must be in the stage's final commit, and nothing staged left behind.
    let tree = git(
        &root,
        &["ls-tree", "-r", "--name-only", "HEAD", "--", STAGE_DIR],
    );
    s.recaps_in_head = tree.lines().filter(|l| l.ends_with("-recap.md")).count();
    s.staged = git(&root, &["diff", "--cached", "--name-only"])
        .lines()
        .count();
    (s, tmp)
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 50)
}

/// Nearest rank.
fn percentile(v: &[f64], p: usize) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = (v.len() * p).div_ceil(100).max(1);
    v[rank - 1]
}

fn ms(secs: f64) -> String {
    format!("{:7.1} ms", secs * 1e3)
}

/// Median and p90 of per-run figures.
fn dist(v: &[f64]) -> String {
    format!("median {}  p90 {}", ms(median(v)), ms(percentile(v, 90)))
}

/// Prints one setup's figures; returns its median wall time.
fn report(setup: Setup, samples: &[Sample]) -> f64 {
    let walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
    let wall = median(&walls);
    let each: Vec<String> = walls.iter().map(|w| format!("{w:.2}")).collect();
    println!(
        "{}: wall {wall:.2} s (median of {REPETITIONS}: {} s)",
        setup.name(),
        each.join(", ")
    );

    let runs: Vec<&RunTimes> = samples.iter().flat_map(|s| s.runs.values()).collect();
    let get = |f: &dyn Fn(&RunTimes) -> Option<f64>| -> Vec<f64> {
        runs.iter().filter_map(|r| f(r)).collect()
    };
    let total = get(&|r| Some(r.completed? - r.spawned?));
    let own = get(&|r| r.own.map(|(a, b)| b - a));
    let overhead = get(&|r| Some(r.completed? - r.spawned? - (r.own?.1 - r.own?.0)));
    let to_exit = get(&|r| Some(r.exited? - r.spawned?));
    let after_own = get(&|r| Some(r.exited? - r.own?.1));
    let to_done = get(&|r| Some(r.completed? - r.exited?));
    println!("  per run ({} runs):", total.len());
    println!("    spawned → completed (recap detected)  {}", dist(&total));
    println!("    agent's own run time                  {}", dist(&own));
    println!(
        "    overhead (spawned → completed − own)  {}",
        dist(&overhead)
    );
    println!(
        "      spawned → exited (as renn saw it)   {}",
        dist(&to_exit)
    );
    println!(
        "      agent's last line → exited event    {}",
        dist(&after_own)
    );
    println!(
        "      exited → completed                  {}",
        dist(&to_done)
    );
    let stalls = get(&|r| Some(r.exited? - r.own?.1.max(r.batch_spawned)))
        .iter()
        .filter(|&&d| d > STALL)
        .count();
    let retries: u32 = runs.iter().map(|r| r.retries).sum();
    let retried = runs.iter().filter(|r| r.retries > 0).count();
    println!(
        "    stalls (exit event > {:.0} ms after the agent's last line and its batch's last spawn): {stalls}",
        STALL * 1e3
    );
    println!("    runs that had to add + commit again: {retried} ({retries} retries of 10 ms)");
    for (i, s) in samples.iter().enumerate() {
        if s.recaps_in_head != RUNS || s.staged != 0 {
            println!(
                "    WARNING repetition {}: {} of {RUNS} recaps in HEAD after the stage, {} paths left staged",
                i + 1,
                s.recaps_in_head,
                s.staged
            );
        }
    }

    // Where the wall time goes: medians over the repetitions of each part's total.
    let part = |f: &dyn Fn(&Sample) -> f64| median(&samples.iter().map(f).collect::<Vec<_>>());
    let per_batch = |f: &dyn Fn(&Batch) -> f64| part(&|s| s.batches.iter().map(f).sum());
    let start = part(&|s| s.first_batch);
    let spawning = per_batch(&|b| b.last_spawned - b.started);
    let working = per_batch(&|b| b.last_exited - b.last_spawned);
    let settling = per_batch(&|b| b.completed - b.last_exited);
    let between = part(&|s| {
        s.batches
            .windows(2)
            .map(|w| w[1].started - w[0].completed)
            .sum()
    });
    let end = part(&|s| s.stage_completed - s.batches.last().unwrap().completed);
    let auditor = part(&|s| s.auditor_spawned - s.batches.last().unwrap().completed);
    let exit = part(&|s| s.wall - s.stage_completed);
    let batches = (RUNS / BATCH_SIZE) as f64;
    let settle = if setup.isolation == "worktree" {
        "evidence + merges"
    } else {
        "evidence"
    };
    println!("  where the wall time goes (medians of the repetitions; per batch in brackets):");
    println!("    start → first batch_started              {}", ms(start));
    println!(
        "    batches  spawning (→ last run_spawned)   {}  [{}]",
        ms(spawning),
        ms(spawning / batches)
    );
    println!(
        "             agents (→ last run_exited)      {}  [{}]",
        ms(working),
        ms(working / batches)
    );
    println!(
        "             {settle:<17} (→ completed)  {}  [{}]",
        ms(settling),
        ms(settling / batches)
    );
    println!(
        "    between batches                          {}",
        ms(between)
    );
    println!(
        "    stage end (auditor, track, pulse, commit) {} (auditor spawned after {})",
        ms(end),
        ms(auditor)
    );
    println!("    stage_completed → process exit           {}", ms(exit));
    wall
}

/// Runs `cmd` and returns how long it took; it must succeed.
fn timed(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    secs
}

fn git_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(dir).args(args);
    c
}

const PIECES: usize = 20;

/// The spawn and commit of an instant runner, one after another on an idle machine.
fn agent_pieces(root: &Path) {
    let bash: Vec<f64> = (0..PIECES)
        .map(|_| timed(Command::new("bash").args(["-c", ":"])))
        .collect();
    let script = instant_script();
    let runs: Vec<f64> = (1..=PIECES)
        .map(|n| {
            timed(Command::new("bash").current_dir(root).args([
                script.as_str(),
                "renn-runner",
                &run_id(n),
            ]))
        })
        .collect();
    let git_one: Vec<f64> = (0..PIECES)
        .map(|_| timed(&mut git_cmd(root, &["rev-parse", "--verify", "HEAD"])))
        .collect();
    println!(
        "  bash -c : (process spawn + bash start)          {}",
        dist(&bash)
    );
    println!(
        "  bash instant.sh (spawn + git add/commit/log)    {}",
        dist(&runs)
    );
    println!(
        "  git rev-parse (the floor of any git process)    {}",
        dist(&git_one)
    );
}

/// renn's git for one run of a worktree batch, with a one-file commit in the worktree
/// (untimed) so the merge has something to merge: a new worktree (first batch) or a
/// used one given a new branch (later batches), and the merge recorded without a
/// working tree. Per batch, not here: one `merge --ff-only`, one `update-ref`, one
/// `cat-file` for the evidence.
fn worktree_pieces(root: &Path) {
    let (mut add, mut reuse, mut merge) = (Vec::new(), Vec::new(), Vec::new());
    let base = git(root, &["rev-parse", "HEAD"]).trim().to_string();
    for n in 1..=PIECES {
        let path = root.join(".renn/worktrees").join(format!("bench-{n}"));
        let p = path.to_str().unwrap();
        let branch = format!("bench/wt-{n}");
        add.push(
            timed(&mut git_cmd(
                root,
                &["worktree", "add", "--no-checkout", "--detach", p, &base],
            )) + timed(&mut git_cmd(
                &path,
                &["checkout", "-q", "-f", "-b", &branch, &base, "--"],
            )),
        );
        let file = format!("bench-{n}.txt");
        std::fs::write(path.join(&file), "x\n").unwrap();
        timed(&mut git_cmd(&path, &["add", "--", &file]));
        timed(&mut git_cmd(
            &path,
            &["commit", "-q", "-m", "bench", "--", &file],
        ));
        let t = Instant::now();
        let tree = git(
            root,
            &[
                "merge-tree",
                "--write-tree",
                "-z",
                "--name-only",
                &base,
                &branch,
            ],
        );
        let tree = tree.trim_end_matches('\0');
        git(
            root,
            &[
                "commit-tree",
                "-m",
                "merge",
                "-p",
                &base,
                "-p",
                &branch,
                tree,
            ],
        );
        merge.push(t.elapsed().as_secs_f64());
        let again = format!("bench/again-{n}");
        reuse.push(
            timed(&mut git_cmd(&path, &["clean", "-ffdxq"]))
                + timed(&mut git_cmd(
                    &path,
                    &["checkout", "-q", "-f", "-b", &again, &base, "--"],
                )),
        );
    }
    let cycle: Vec<f64> = (0..PIECES).map(|i| reuse[i] + merge[i]).collect();
    println!(
        "  new worktree (add --no-checkout + checkout -b) {}",
        dist(&add)
    );
    println!(
        "  used worktree (clean + checkout -b)            {}",
        dist(&reuse)
    );
    println!(
        "  merge (merge-tree + commit-tree)               {}",
        dist(&merge)
    );
    println!(
        "  per run after the first batch (used + merge)   {}",
        dist(&cycle)
    );
    let _ = std::fs::remove_dir_all(root.join(".renn/worktrees"));
    git(root, &["worktree", "prune"]);
}

fn repo_size(root: &Path) -> String {
    let files = git(root, &["ls-files"]).lines().count();
    let objects = git(root, &["count-objects"]);
    format!("{files} files, {}", objects.trim())
}

fn main() {
    println!(
        "renn run-stage orchestration benchmark: {RUNS} runs in {} batches of {BATCH_SIZE}, instant agent (tests/fixtures/agents/instant.sh), fake auditor on, {} CPUs\n",
        RUNS / BATCH_SIZE,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let fresh = project(Setup {
        isolation: "shared",
        maintenance: false,
    });
    let root = fresh.path().join("project");
    println!(
        "the pieces, medians of {PIECES}, one after another, on a fresh repository ({}):",
        repo_size(&root)
    );
    agent_pieces(&root);
    worktree_pieces(&root);
    drop(fresh);
    println!();

    let setups = [
        Setup {
            isolation: "shared",
            maintenance: true,
        },
        Setup {
            isolation: "worktree",
            maintenance: true,
        },
        Setup {
            isolation: "shared",
            maintenance: false,
        },
        Setup {
            isolation: "worktree",
            maintenance: false,
        },
    ];
    let mut walls: Vec<(Setup, f64)> = Vec::new();
    let mut after: Option<TempDir> = None;
    for setup in setups {
        let mut samples = Vec::new();
        for _ in 0..REPETITIONS {
            let (sample, dir) = run_stage(setup);
            samples.push(sample);
            after = Some(dir);
        }
        walls.push((setup, report(setup, &samples)));
        println!();
    }
    let after = after.expect("at least one stage ran");
    let root = after.path().join("project");
    println!(
        "renn's git per worktree run on the repository after a whole stage ({}):",
        repo_size(&root)
    );
    worktree_pieces(&root);
    println!();

    println!(
        "goal: {RUNS} runs in {} batches < {} s wall",
        RUNS / BATCH_SIZE,
        GOAL.as_secs()
    );
    for (setup, wall) in walls {
        let verdict = if wall < GOAL.as_secs_f64() {
            "meets the goal"
        } else {
            "MISSES the goal"
        };
        println!("  {}: {wall:.2} s — {verdict}", setup.name());
    }
}
