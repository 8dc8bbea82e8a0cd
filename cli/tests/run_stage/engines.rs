//! Runs on real engines (docs/spec.md#runtimes): the demo's stage 2 with isolation
//! `clone`, each run a podman container (or a Slurm job) that clones the run's branch
//! from the bare remote renn keeps, runs the demo agent and pushes back.
//!
//! They need the engine installed and set up, so they are `#[ignore]`d here and run by
//! scripts/test.sh's `engines` step, which sets podman and a one-node Slurm up first
//! (scripts/engines/{podman,slurm}.sh) and runs them with `--ignored`: in CI they run.

use super::*;
use serde_json::json;
use std::time::{Duration, Instant};

/// The demo, a git repository, its runs travelling to `runtime`.
pub(super) fn demo_on(runtime: Value) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
    let out = Command::new("cp")
        .arg("-r")
        .arg(format!("{}/.", demo.display()))
        .arg(p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let config_path = p.join(".renn/config.json");
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    config["isolation"] = json!("clone");
    config["agent"] = json!({
        // The test's own renn, mounted read-only at its path: `{renn}` is that path.
        "command": ["bash", "-c", "echo \"slurm job ${SLURM_JOB_ID:-none}\" >&2; sleep \"${RENN_TEST_SLEEP:-0}\"; exec \"$0\" demo-agent \"$@\"", "{renn}", "{agent}", "{run_id}"],
        "timeout_secs": 300,
        "runtime": runtime,
    });
    std::fs::write(&config_path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["config", "user.name", "Engine Test"]);
    git(p, &["config", "user.email", "engine@example.com"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "the demo"]);
    tmp
}

fn podman_runtime() -> Value {
    let renn = env!("CARGO_BIN_EXE_renn");
    json!({
        "kind": "podman",
        "image": std::env::var("RENN_AGENT_IMAGE").unwrap_or_else(|_| "localhost/renn-agent:1".into()),
        "pass_env": ["RENN_TEST_SLEEP"],
        "args": ["--network", "none", "--volume", format!("{renn}:{renn}:ro")],
    })
}

fn podman(args: &[&str]) -> String {
    let out = Command::new("podman")
        .args(args)
        .output()
        .expect("podman is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// renn's containers for the project in `dir` (a benchmark or another test may run
/// containers of their own meanwhile), running or not.
fn renn_containers(dir: &Path, running_only: bool) -> Vec<String> {
    let mut args = vec!["ps", "--all", "--filter", "label=renn=job"];
    if running_only {
        args.extend(["--filter", "status=running"]);
    }
    args.extend(["--format", "{{.Names}} {{.Mounts}}"]);
    let mine = dir.display().to_string();
    podman(&args)
        .lines()
        .filter(|l| l.contains(&mine))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

pub(super) fn run_stage_2(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--json", "run-stage", "2"];
    args.extend_from_slice(extra);
    renn_in(dir, &args)
}

/// The stage's work arrived from the containers: every run's commits on main, the
/// proof passed, nothing of renn's left on the engine.
pub(super) fn assert_completed(dir: &Path) {
    let log = git(dir, &["log", "--format=%s"]);
    for n in 2..=6 {
        assert!(
            log.contains(&format!("docs(02-0{n}): complete run")),
            "02-0{n} missing:\n{log}"
        );
    }
    assert!(
        log.starts_with("docs(stage-02): complete stage execution"),
        "{log}"
    );
    let proof = std::fs::read_to_string(dir.join(".renn/stages/02-accounts/02-proof.md")).unwrap();
    assert!(proof.contains("status: passed"), "{proof}");
    assert_eq!(
        git(dir, &["status", "--porcelain"]),
        "",
        "the tree is clean"
    );
}

#[test]
#[ignore = "needs podman: run by scripts/test.sh's engines step"]
fn a_stage_runs_in_podman_containers_with_the_repository_travelling_by_git() {
    let tmp = demo_on(podman_runtime());
    let dir = tmp.path();
    let (code, out, err) = run_stage_2(dir, &[]);
    assert_eq!(code, 4, "stops at 02-04's gate:\n{out}\n{err}");
    // The runs' branches went through renn's bare remote, in its private namespace, and
    // left it once fetched home.
    let remote = dir.join(".renn/remote.git");
    assert!(remote.join("HEAD").is_file(), "renn's bare remote");
    let refs = git(
        &remote,
        &["for-each-ref", "--format=%(refname)", "refs/renn"],
    );
    assert_eq!(refs.trim(), "", "no run's ref left on the remote");
    let script = std::fs::read_to_string(dir.join(".renn/jobs/02-03-1/job.sh")).unwrap();
    assert!(script.contains("ref=refs/renn/runs/02-03/1"), "{script}");
    let (code, out, err) = run_stage_2(dir, &["--respond", "02-04", "approved"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);
    // A commit made inside a container carries the user's identity, as a local run's.
    let author = git(
        dir,
        &["log", "-1", "--format=%an <%ae>", "--grep=^docs(02-05)"],
    );
    assert_eq!(author.trim(), "Engine Test <engine@example.com>");
    let prefix_left: Vec<String> = renn_containers(dir, false);
    assert!(prefix_left.is_empty(), "containers left: {prefix_left:?}");
}

#[test]
#[ignore = "needs podman: run by scripts/test.sh's engines step"]
fn a_renn_killed_mid_batch_cancels_its_containers_when_run_again() {
    let tmp = demo_on(podman_runtime());
    let dir = tmp.path();
    // The agents sleep in their containers: renn is killed while they work.
    let mut child = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TEST_SLEEP", "60")
        .args(["--json", "run-stage", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // Killed once the agent sleeps: a container still writing when its `podman run`
    // client loses renn's pipe goes down with the client (as an ssh job does).
    let log = dir.join(".renn/stages/02-accounts/logs/02-02-1.log");
    let running = loop {
        let asleep = std::fs::read_to_string(&log).is_ok_and(|l| l.contains("slurm job "));
        let names = renn_containers(dir, true);
        if (asleep && !names.is_empty()) || start.elapsed() > Duration::from_secs(60) {
            break names;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(!running.is_empty(), "a container runs: {running:?}");
    // The machine renn ran on goes: renn and its `podman run` clients are killed at
    // once, nothing of theirs can stop a container.
    child.kill().unwrap();
    child.wait().unwrap();
    kill_drivers(dir);
    std::thread::sleep(Duration::from_millis(500));
    let survivors = renn_containers(dir, false);
    assert!(
        running.iter().all(|n| survivors.contains(n)),
        "the containers outlive renn: {survivors:?}"
    );

    // Run again (no sleep now): the leftovers are cancelled, the runs start afresh.
    let (code, out, err) = run_stage_2(dir, &[]);
    assert_eq!(code, 4, "{out}\n{err}");
    let cancelled: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("Cancelled job renn-"))
        .collect();
    assert!(
        !cancelled.is_empty() || err.contains("Cancelled job renn-"),
        "{out}\n{err}"
    );
    let after = renn_containers(dir, false);
    assert!(
        running.iter().all(|n| !after.contains(n)),
        "killed renn's containers are gone: {after:?}"
    );
    let (code, out, err) = run_stage_2(dir, &["--respond", "02-04", "approved"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);
}

#[test]
#[ignore = "needs a one-node Slurm: run by scripts/test.sh's engines step"]
fn a_stage_runs_as_slurm_jobs_on_a_shared_path_remote() {
    let partition = std::env::var("RENN_SLURM_PARTITION").unwrap_or_else(|_| "renn".into());
    let tmp = demo_on(json!({
        "kind": "slurm",
        "partition": partition,
        "args": ["--cpus-per-task=1"],
    }));
    let dir = tmp.path();
    // The remote on a path every node shares (here: the one node's filesystem).
    let (code, out, err) = run_stage_2(dir, &[]);
    assert_eq!(code, 4, "stops at 02-04's gate:\n{out}\n{err}");
    let (code, out, err) = run_stage_2(dir, &["--respond", "02-04", "approved"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);
    // Slurm ran them: each agent saw its job id (printed to the run's log).
    let log =
        std::fs::read_to_string(dir.join(".renn/stages/02-accounts/logs/02-05-1.log")).unwrap();
    let id = log
        .split("slurm job ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next());
    assert!(
        id.is_some_and(|id| id.parse::<u64>().is_ok()),
        "no Slurm job id in the log:\n{log}"
    );
    assert!(log.contains("RUN COMPLETE"), "{log}");
}

fn squeue() -> Vec<String> {
    let out = Command::new("squeue")
        .args(["--noheader", "--format=%j", "--me"])
        .output()
        .expect("slurm is set up");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| l.starts_with("renn-"))
        .collect()
}

#[test]
#[ignore = "needs a one-node Slurm: run by scripts/test.sh's engines step"]
fn sbatch_jobs_outlive_a_killed_renn_and_are_cancelled_when_it_runs_again() {
    let partition = std::env::var("RENN_SLURM_PARTITION").unwrap_or_else(|_| "renn".into());
    let tmp = demo_on(json!({
        "kind": "slurm",
        "submit": "sbatch",
        "partition": partition,
        "args": ["--cpus-per-task=1"],
    }));
    let dir = tmp.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TEST_SLEEP", "60")
        .args(["--json", "run-stage", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let queued = loop {
        let names = squeue();
        if !names.is_empty() || start.elapsed() > Duration::from_secs(60) {
            break names;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(!queued.is_empty(), "a job is queued or running");
    // The machine renn ran on goes: renn and its drivers (`sbatch --wait` clients) are
    // killed at once, nothing of theirs can cancel anything. Slurm keeps the jobs.
    child.kill().unwrap();
    child.wait().unwrap();
    kill_drivers(dir);
    std::thread::sleep(Duration::from_millis(500));
    let survivors = squeue();
    assert!(
        queued.iter().all(|n| survivors.contains(n)),
        "sbatch jobs outlive renn: {survivors:?}"
    );
    let (code, out, err) = run_stage_2(dir, &[]);
    assert_eq!(code, 4, "{out}\n{err}");
    assert!(
        out.contains("Cancelled job renn-") || err.contains("Cancelled job renn-"),
        "{out}\n{err}"
    );
    let after = squeue();
    assert!(
        queued.iter().all(|n| !after.contains(n)),
        "killed renn's jobs are gone: {after:?}"
    );
    let (code, out, err) = run_stage_2(dir, &["--respond", "02-04", "approved"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);
    // The job's output came back from its file: the demo agent's return block.
    let log = std::fs::read_to_string(dir.join(".renn/stages/02-accounts/logs/02-05-2.log"))
        .or_else(|_| std::fs::read_to_string(dir.join(".renn/stages/02-accounts/logs/02-05-1.log")))
        .unwrap();
    assert!(log.contains("RUN COMPLETE"), "{log}");
}

/// SIGKILLs what renn started for `dir`'s jobs on this machine — drivers (`bash
/// …/.renn/jobs/<run>/submit.sh`), `podman run` and `sbatch --wait` clients — as if the machine renn ran
/// on were gone; the jobs themselves (containers, Slurm jobs, pods) are left to their engine.
pub(super) fn kill_drivers(dir: &Path) {
    let jobs = format!("{}/.renn/jobs/", dir.display());
    for pattern in [
        format!("{jobs}.*/submit.sh"),
        format!("^podman run .*{jobs}"),
        format!("sbatch --wait .*{jobs}"),
    ] {
        let _ = Command::new("pkill")
            .args(["-KILL", "-f", &pattern])
            .status();
    }
}

#[test]
#[ignore = "needs podman: run by scripts/test.sh's engines step"]
fn a_container_past_the_time_limit_is_stopped_and_removed() {
    let tmp = demo_on(podman_runtime());
    let dir = tmp.path();
    let path = dir.join(".renn/config.json");
    let mut config: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["agent"]["timeout_secs"] = json!(4);
    config["agent"]["retries"] = json!({"attempts": 1});
    std::fs::write(&path, config.to_string()).unwrap();
    git(dir, &["commit", "-q", "-am", "a short time limit"]);
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TEST_SLEEP", "120")
        .args(["--json", "run-stage", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{stdout}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "stopped at its limit, not at the agent's end"
    );
    let exited: Vec<Value> = (stdout.lines())
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["event"] == "run_exited")
        .collect();
    assert_eq!(exited[0]["reason"], "timed_out", "{exited:?}");
    assert!(
        renn_containers(dir, false).is_empty(),
        "the container is gone"
    );
}

/// `renn doctor --json`'s check named `name`: (status, message).
fn doctor_check(dir: &Path, name: &str) -> (String, String) {
    let (_, out, err) = renn_in(dir, &["--json", "doctor"]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let checks = report["checks"].as_array().unwrap();
    let c = (checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name}: {checks:#?}"));
    (
        c["status"].as_str().unwrap().into(),
        c["message"].as_str().unwrap().into(),
    )
}

#[test]
#[ignore = "needs podman and a one-node Slurm: run by scripts/test.sh's engines step"]
fn doctor_asks_the_real_engines() {
    let tmp = demo_on(podman_runtime());
    let (status, message) = doctor_check(tmp.path(), "runtime (podman)");
    assert_eq!(status, "ok", "{message}");
    assert!(
        message.contains("image localhost/renn-agent:1 present"),
        "{message}"
    );
    let mut missing = podman_runtime();
    missing["image"] = json!("localhost/renn-no-such-image:9");
    let tmp = demo_on(missing);
    let (status, message) = doctor_check(tmp.path(), "runtime (podman)");
    assert_eq!(status, "fail", "{message}");
    assert!(message.contains("is not present"), "{message}");

    let partition = std::env::var("RENN_SLURM_PARTITION").unwrap_or_else(|_| "renn".into());
    let tmp = demo_on(json!({"kind": "slurm", "partition": partition}));
    let (status, message) = doctor_check(tmp.path(), "runtime (slurm)");
    assert_eq!(status, "ok", "{message}");
    let tmp = demo_on(json!({"kind": "slurm", "partition": "gpu-nowhere"}));
    let (status, message) = doctor_check(tmp.path(), "runtime (slurm)");
    assert_eq!(status, "fail", "{message}");
    assert!(
        message.contains("partition `gpu-nowhere` is not among Slurm's"),
        "{message}"
    );
}
