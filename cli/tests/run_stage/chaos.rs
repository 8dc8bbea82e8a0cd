//! Chaos: `kill -9` renn at random moments while its agents work, again and again, then
//! let it finish — and check that nothing was lost or done twice. Three projects (shared
//! isolation, worktree isolation, a gate answered with `--respond`), ten kills each.
//!
//! Seeded and bounded: the kill delays come from a xorshift generator seeded with
//! `RENN_CHAOS_SEED` (a fixed default otherwise); the seed is printed with the figures,
//! and on failure. Only renn is killed (`Child::kill`): the agents it leaves running are
//! for the next renn to stop.

use super::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::Child;
use std::time::{Duration, Instant};

const KILLS: usize = 10;
const DEFAULT_SEED: u64 = 0x5eed_0c4a_05c4_a05e;

/// xorshift64*: small, deterministic, good enough for kill times.
struct Rng(u64);

impl Rng {
    /// Seeded through splitmix64, so that nearby seeds give unrelated sequences.
    fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)).max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A delay in [lo, hi] milliseconds.
    fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.next() % (hi - lo + 1))
    }
}

fn base_seed() -> u64 {
    match std::env::var("RENN_CHAOS_SEED") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("RENN_CHAOS_SEED is not a u64: {s:?}")),
        Err(_) => DEFAULT_SEED,
    }
}

struct Figures {
    kills: usize,
    resumes: usize,
    early_exits: Vec<i32>,
    /// What each start did: `k1.3` killed after 1.3 s, `e4` exited 4 by itself.
    log: Vec<String>,
    /// `dirty-tree` refusals: a killed agent's half edits in the shared tree (known, see
    /// [`stash_half_edits`]).
    dirty: usize,
    anomalies: Vec<String>,
}

const TRACK_RENN_LINES: [&str; 2] = ["**Stage 3: Auth**", "| 3. Auth |"];

/// Kills renn `KILLS` times at random moments, then runs the stage to completion and
/// checks what is left. `gate` is the run whose gate is answered with `--respond`.
fn chaos(name: &str, salt: u64, runs: &[Spec], extra: serde_json::Value, gate: Option<&str>) {
    let seed = base_seed().wrapping_add(salt);
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let p = Project::new(runs, extra);
    for r in runs {
        let run = format!("03-{:02}", r.n);
        if Some(run.as_str()) == gate {
            p.scenario(&run, "gate:human-verify");
        } else {
            // Each run takes 1–2.2 s: most kills land while agents work.
            let secs = rng.millis(1000, 2200).as_millis() as f64 / 1000.0;
            p.scenario(&run, &format!("slow:{secs:.1}"));
        }
    }
    let track_before = p.read(".renn/track.md");
    let mut fig = Figures {
        kills: 0,
        resumes: 0,
        early_exits: Vec::new(),
        log: Vec::new(),
        dirty: 0,
        anomalies: Vec::new(),
    };
    // Every agent commit ever seen on a ref or in a reflog: none may be lost.
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut respond = false;
    let respond_args = |gate: Option<&str>| -> Vec<String> {
        vec!["--respond".into(), gate.unwrap().into(), "approved".into()]
    };

    // Phase 1: start, kill -9 after a random delay, again.
    let mut finished = false;
    let mut starts = 0;
    while fig.kills < KILLS && !finished {
        let delay = rng.millis(100, 2500);
        let args = if respond { respond_args(gate) } else { vec![] };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut renn = p.spawn_run_stage_with(&args);
        starts += 1;
        match wait_or_kill(&mut renn, delay) {
            None => {
                fig.log.push(format!("k{:.1}", delay.as_secs_f64()));
                fig.kills += 1;
                respond = false;
            }
            Some(code) => {
                let mut stderr = String::new();
                if let Some(mut e) = renn.stderr.take() {
                    e.read_to_string(&mut stderr).ok();
                }
                fig.early_exits.push(code);
                fig.log.push(format!("e{code}"));
                match code {
                    0 => finished = true,
                    4 if gate.is_some() => respond = true,
                    1 if stderr.contains("dirty-tree") => stash_half_edits(&p, &mut fig),
                    _ => fig.anomalies.push(format!(
                        "start {starts} exited {code} before its kill: {}",
                        stderr.split_whitespace().collect::<Vec<_>>().join(" ")
                    )),
                }
            }
        }
        collect_agent_commits(&p, &mut seen);
        // A runaway loop (renn exiting at once every time) must not hang the test.
        if starts > 3 * KILLS {
            fig.anomalies
                .push(format!("{starts} starts for {} kills", fig.kills));
            break;
        }
    }
    fig.resumes = starts - 1;

    // Phase 2: run to completion, answering the gate when renn waits for it.
    let mut last = None;
    for _ in 0..6 {
        if finished {
            break;
        }
        let args = if respond { respond_args(gate) } else { vec![] };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = p.run_stage(&args);
        fig.resumes += 1;
        collect_agent_commits(&p, &mut seen);
        match r.code {
            0 => finished = true,
            4 if gate.is_some() && !respond => respond = true,
            1 if r.stderr.contains("dirty-tree") => stash_half_edits(&p, &mut fig),
            code => {
                fig.anomalies.push(format!(
                    "run to completion exited {code}: {}\nevents: {:?}",
                    r.stderr.trim(),
                    r.names()
                ));
                last = Some(r);
                break;
            }
        }
    }
    if !finished && last.is_none() {
        fig.anomalies
            .push("the stage did not finish in 6 runs".to_string());
    }

    check(&p, runs, gate, &track_before, &seen, &mut fig.anomalies);

    let wall = started.elapsed();
    let report = format!(
        "chaos[{name}] seed={seed} (RENN_CHAOS_SEED={}) kills={} resumes={} early exits={:?} dirty-tree={} anomalies={} wall={:.1}s",
        base_seed(),
        fig.kills,
        fig.resumes,
        fig.early_exits,
        fig.dirty,
        fig.anomalies.len(),
        wall.as_secs_f64()
    );
    eprintln!("{report}\n  starts: {}", fig.log.join(" "));
    if std::env::var_os("RENN_CHAOS_DEBUG").is_some() {
        eprintln!("{}", p.read(".fake-agent/times"));
    }
    for a in &fig.anomalies {
        eprintln!("  anomaly: {a}");
    }
    assert!(
        fig.anomalies.is_empty(),
        "{report}\n{}\nproject kept at {}",
        fig.anomalies.join("\n"),
        keep(p).display()
    );
}

/// Known limit (issue 10, "a killed agent's half edits"): a renn killed while an agent
/// in the shared tree had edited or staged a file but not committed it leaves that change;
/// the next renn stops the agent and then refuses the tree (`dirty-tree`, exit 1, its
/// hint naming the interrupted run). The user's way out, as the hint says: stash it. The
/// task was not committed, so the resumed run does it again — nothing is lost or doubled.
fn stash_half_edits(p: &Project, fig: &mut Figures) {
    fig.dirty += 1;
    fig.log.push("stash".into());
    git(
        p.path(),
        &[
            "stash",
            "push",
            "-q",
            "--include-untracked",
            "--",
            ".",
            ":(exclude).renn",
        ],
    );
}

/// Waits up to `delay` for renn to exit by itself (its code), else kills it (`None`).
fn wait_or_kill(renn: &mut Child, delay: Duration) -> Option<i32> {
    let deadline = Instant::now() + delay;
    loop {
        if let Some(status) = renn.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if Instant::now() >= deadline {
            renn.kill().unwrap();
            renn.wait().unwrap();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn is_agent_subject(s: &str) -> bool {
    s.starts_with("feat(03-") || (s.starts_with("docs(03-") && s.ends_with("): recap"))
}

fn collect_agent_commits(p: &Project, seen: &mut BTreeSet<(String, String)>) {
    let out = git(p.path(), &["log", "--all", "--reflog", "--format=%H %s"]);
    for line in out.lines() {
        if let Some((hash, subject)) = line.split_once(' ') {
            if is_agent_subject(subject) {
                seen.insert((hash.to_string(), subject.to_string()));
            }
        }
    }
}

fn check(
    p: &Project,
    runs: &[Spec],
    gate: Option<&str>,
    track_before: &str,
    seen: &BTreeSet<(String, String)>,
    anomalies: &mut Vec<String>,
) {
    let mut bad = |a: String| anomalies.push(a);
    let subjects = p.subjects();
    let count = |s: &str| subjects.iter().filter(|x| x.as_str() == s).count();
    let stage = p.path().join(".renn/stages/03-auth");

    // Each task committed exactly once, each run's recap once.
    for r in runs {
        let run = format!("03-{:02}", r.n);
        let tasks: &[u32] = if Some(run.as_str()) == gate || r.gate {
            &[1, 3]
        } else {
            &[1, 2]
        };
        for t in tasks {
            let n = count(&format!("feat({run}): task {t}"));
            if n != 1 {
                bad(format!("feat({run}): task {t} committed {n} times"));
            }
        }
        let extra: Vec<&String> = subjects
            .iter()
            .filter(|s| s.starts_with(&format!("feat({run}): task ")))
            .filter(|s| {
                !tasks
                    .iter()
                    .any(|t| **s == format!("feat({run}): task {t}"))
            })
            .collect();
        if !extra.is_empty() {
            bad(format!("{run}: unexpected commits {extra:?}"));
        }
        let recaps: Vec<String> = std::fs::read_dir(&stage)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.starts_with(&format!("{run}-recap")))
            .collect();
        if recaps != [format!("{run}-recap.md")] {
            bad(format!("{run}: recap files {recaps:?}"));
        }
        let rel = format!("HEAD:.renn/stages/03-auth/{run}-recap.md");
        let committed = Command::new("git")
            .current_dir(p.path())
            .args(["cat-file", "-e", &rel])
            .status()
            .unwrap()
            .success();
        if !committed {
            bad(format!("{run}: recap not committed"));
        }
        let n = count(&format!("docs({run}): recap"));
        if n > 1 {
            bad(format!("{run}: recap committed {n} times"));
        }
    }

    // Every agent commit ever seen is reachable from HEAD.
    for (hash, subject) in seen {
        let reachable = Command::new("git")
            .current_dir(p.path())
            .args(["merge-base", "--is-ancestor", hash, "HEAD"])
            .status()
            .unwrap()
            .success();
        if !reachable {
            bad(format!(
                "agent commit {hash} {subject:?} is not reachable from HEAD"
            ));
        }
    }

    // The user's text.
    let pulse = p.read(".renn/pulse.md");
    if pulse.matches("- keep this line").count() != 1 {
        bad(format!("pulse.md lost the user's line:\n{pulse}"));
    }
    let track = p.read(".renn/track.md");
    let mine = |l: &str| TRACK_RENN_LINES.iter().any(|m| l.contains(m));
    let outside =
        |t: &str| -> Vec<String> { t.lines().filter(|l| !mine(l)).map(str::to_string).collect() };
    if outside(&track) != outside(track_before) {
        bad(format!("track.md changed outside renn's lines:\n{track}"));
    }
    if !track.contains("- [x] **Stage 3: Auth**") {
        bad(format!("track.md does not mark stage 3 complete:\n{track}"));
    }
    let n = count("docs(stage-03): complete stage execution");
    if n != 1 {
        bad(format!("docs commit present {n} times"));
    }

    // No leftovers.
    let branches = git(
        p.path(),
        &["branch", "--list", "--format=%(refname:short)", "renn/*"],
    );
    if !branches.trim().is_empty() {
        bad(format!("branches left: {}", branches.trim()));
    }
    let worktrees = git(p.path(), &["worktree", "list", "--porcelain"]);
    if worktrees.matches("worktree ").count() != 1 {
        bad(format!("worktrees left:\n{worktrees}"));
    }
    if let Ok(dir) = std::fs::read_dir(p.path().join(".renn/worktrees")) {
        let left: Vec<String> = dir
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !left.is_empty() {
            bad(format!(".renn/worktrees/ still holds {left:?}"));
        }
    }
    let mut temps = Vec::new();
    temp_files(&p.path().join(".renn"), &mut temps);
    if !temps.is_empty() {
        bad(format!("temp files left: {temps:?}"));
    }
    let status = git(p.path(), &["status", "--porcelain"]);
    if !status.trim().is_empty() {
        bad(format!("tree not clean:\n{status}"));
    }
}

fn temp_files(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if e.file_name().to_string_lossy().contains(".renn-tmp-") {
            out.push(path.display().to_string());
        }
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            temp_files(&path, out);
        }
    }
}

/// Keeps a failed project's directory for a look.
fn keep(p: Project) -> PathBuf {
    p.dir.keep()
}

#[test]
fn chaos_kill_9_shared_isolation() {
    chaos(
        "shared",
        1,
        &[spec(1, 1), spec(2, 1), spec(3, 2), spec(4, 2), spec(5, 3)],
        json!({ "isolation": "shared" }),
        None,
    );
}

#[test]
fn chaos_kill_9_worktree_isolation() {
    chaos(
        "worktree",
        2,
        &[spec(1, 1), spec(2, 1), spec(3, 2), spec(4, 2), spec(5, 3)],
        json!({ "isolation": "worktree" }),
        None,
    );
}

#[test]
fn chaos_kill_9_with_a_gate_answered_by_respond() {
    chaos(
        "gate",
        3,
        &[spec(1, 1), gated(2, 1), spec(3, 2), spec(4, 2), spec(5, 3)],
        json!({ "isolation": "worktree" }),
        Some("03-02"),
    );
}
