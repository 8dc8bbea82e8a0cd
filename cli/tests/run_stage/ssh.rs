//! ssh (docs/spec.md#runtimes) against a real sshd: scripts/engines/sshd.sh runs
//! Debian's OpenSSH daemon on 127.0.0.1 with its own keys and configs, reached as two
//! host names (`127.0.0.1`, `localhost`) so the pool is used in turn. The job's script
//! (the prompt in it) and the `pass_env` exports go over the connection's stdin to
//! `bash -s`; the branch travels through renn's bare remote, which the "host" reaches
//! by path (a shared filesystem: here, the same machine). Pid files in /tmp/renn-jobs
//! are renn's handle on a job after a crash.
//!
//! `#[ignore]`d here; run by scripts/test.sh's `engines` step (scripts/engines/test.sh),
//! which starts the daemon and exports `RENN_SSH_CONFIG`, the client's config.

use super::engines::{assert_completed, demo_on};
use super::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

/// The demo on the ssh runtime; its agent says, in the run's log, which connection it
/// came through and what `RENN_TEST_MARK` it was given.
fn ssh_demo() -> tempfile::TempDir {
    let config = std::env::var("RENN_SSH_CONFIG").expect(
        "RENN_SSH_CONFIG: run by scripts/engines/test.sh (eval \"$(scripts/engines/sshd.sh env)\")",
    );
    let tmp = demo_on(json!({
        "kind": "ssh",
        "hosts": HOSTS,
        "args": ["-F", config],
        "pass_env": ["RENN_TEST_SLEEP", "RENN_TEST_MARK"],
    }));
    let dir = tmp.path();
    let path = dir.join(".renn/config.json");
    let mut config: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["agent"]["command"][2] = json!(
        "echo \"ssh job mark=${RENN_TEST_MARK:-unset} via ${SSH_CONNECTION:-no connection}\" >&2; sleep \"${RENN_TEST_SLEEP:-0}\"; exec \"$0\" demo-agent \"$@\""
    );
    std::fs::write(&path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    git(dir, &["commit", "-q", "-a", "--amend", "--no-edit"]);
    tmp
}

/// `renn --json run-stage 2 EXTRA` with `env` on top of the test's environment.
fn run_stage_2_with(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renn"));
    cmd.current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TODAY", "2026-11-24")
        .envs(env.iter().copied())
        .args(["--json", "run-stage", "2"])
        .args(extra)
        .stdin(std::process::Stdio::null());
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err,
    )
}

/// A driver renn wrote: its job's directory (`<run>-<attempt>`, also its log's name),
/// the job's name and host, from its header line.
#[derive(Debug)]
struct Driver {
    attempt: String,
    name: String,
    host: String,
}

fn drivers(dir: &Path) -> Vec<Driver> {
    let Ok(jobs) = std::fs::read_dir(dir.join(".renn/jobs")) else {
        return Vec::new();
    };
    let mut found: Vec<Driver> = jobs
        .filter_map(|e| {
            let e = e.ok()?;
            let text = std::fs::read_to_string(e.path().join("submit.sh")).ok()?;
            let head = text.lines().nth(1)?;
            let rest = head.strip_prefix("# renn's driver for job ")?;
            let (name, rest) = rest.split_once(" on ")?;
            Some(Driver {
                attempt: e.file_name().into_string().ok()?,
                name: name.to_string(),
                host: rest.split_once(':')?.0.to_string(),
            })
        })
        .collect();
    found.sort_by(|a, b| a.attempt.cmp(&b.attempt));
    found
}

/// The run's log for a job's attempt, as renn writes it while the job runs.
fn log_of(dir: &Path, d: &Driver) -> String {
    let log = format!(".renn/stages/02-accounts/logs/{}.log", d.attempt);
    std::fs::read_to_string(dir.join(log)).unwrap_or_default()
}

fn pid_file(name: &str) -> PathBuf {
    Path::new("/tmp/renn-jobs").join(format!("{name}.pid"))
}

/// The pid in a job's pid file, when that process runs.
fn running_pid(name: &str) -> Option<u32> {
    let pid = std::fs::read_to_string(pid_file(name)).ok()?;
    let pid: u32 = pid.trim().parse().ok()?;
    alive(pid).then_some(pid)
}

/// Whether `pid` runs (a zombie, exited but not yet reaped, does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| Some(!s.rsplit_once(") ")?.1.starts_with('Z')))
        .unwrap_or(false)
}

/// A job's workspace on the host (and its prompt's copy): `/tmp/renn-ws-<run>-<pid>`.
fn workspaces_of(pid: u32) -> Vec<String> {
    (std::fs::read_dir("/tmp").into_iter().flatten())
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("renn-ws-"))
        .filter(|n| n.trim_end_matches(".prompt").ends_with(&format!("-{pid}")))
        .collect()
}

/// `pid` and its descendants, through /proc's lists of children.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        let children = std::fs::read_dir(format!("/proc/{}/task", all[i]))
            .into_iter()
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("children")).ok())
            .flat_map(|c| {
                c.split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect::<Vec<u32>>()
            });
        all.extend(children);
        i += 1;
    }
    all
}

/// SIGKILLs renn's drivers for `dir` (`bash …/.renn/jobs/<run>/submit.sh`) and what
/// they started — the ssh clients: the connections go with the machine renn ran on.
fn kill_drivers_and_clients(dir: &Path) -> usize {
    let pattern = format!("{}/.renn/jobs/.*/submit.sh", dir.display());
    let out = Command::new("pgrep")
        .args(["-f", &pattern])
        .output()
        .unwrap();
    let pids: Vec<u32> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .flat_map(process_tree)
        .collect();
    for pid in &pids {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    pids.len()
}

#[test]
#[ignore = "needs sshd: run by scripts/test.sh's engines step"]
fn a_stage_runs_over_ssh_on_a_pool_of_hosts_in_turn() {
    let tmp = ssh_demo();
    let dir = tmp.path();
    let mark = format!("pass-env-{}", std::process::id());
    let env = [("RENN_TEST_MARK", mark.as_str())];
    let (code, out, err) = run_stage_2_with(dir, &[], &env);
    assert_eq!(code, 4, "stops at 02-04's gate:\n{out}\n{err}");
    let (code, out, err) = run_stage_2_with(dir, &["--respond", "02-04", "approved"], &env);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);

    // The pool was used in turn: both host names got jobs, each through the client
    // config the project gave (`args`).
    let drivers = drivers(dir);
    let used: BTreeSet<&str> = drivers.iter().map(|d| d.host.as_str()).collect();
    assert_eq!(used, BTreeSet::from(HOSTS), "{drivers:?}");
    let driver = std::fs::read_to_string(dir.join(".renn/jobs/02-05-1/submit.sh")).unwrap();
    let config = std::env::var("RENN_SSH_CONFIG").unwrap();
    assert!(
        driver.contains(&format!("ssh -o BatchMode=yes -F {config} ")),
        "{driver}"
    );
    // The script carries the prompt (the host shares no path with the job's directory)
    // and the job's pid file.
    let script = std::fs::read_to_string(dir.join(".renn/jobs/02-05-1/job.sh")).unwrap();
    assert!(script.contains("<<'RENN_PROMPT_END"), "{script}");
    assert!(script.contains("/tmp/renn-jobs/renn-"), "{script}");
    assert!(!dir.join(".renn/jobs/02-05-1/prompt.md").exists());
    // A `pass_env` variable reached the agent over the connection, and is in no file.
    let log =
        std::fs::read_to_string(dir.join(".renn/stages/02-accounts/logs/02-05-1.log")).unwrap();
    assert!(
        log.contains(&format!("ssh job mark={mark} via 127.0.0.1 ")),
        "{log}"
    );
    assert!(log.contains("RUN COMPLETE"), "{log}");
    for file in ["submit.sh", "job.sh"] {
        let text = std::fs::read_to_string(dir.join(".renn/jobs/02-05-1").join(file)).unwrap();
        assert!(!text.contains(&mark), "{file} holds the value:\n{text}");
    }
    // A commit made on the host carries the user's identity, as a local run's.
    let author = git(
        dir,
        &["log", "-1", "--format=%an <%ae>", "--grep=^docs(02-05)"],
    );
    assert_eq!(author.trim(), "Engine Test <engine@example.com>");
    // Nothing left: no run's ref on the remote, no job's pid file on the host.
    let refs = git(
        &dir.join(".renn/remote.git"),
        &["for-each-ref", "--format=%(refname)", "refs/renn"],
    );
    assert_eq!(refs.trim(), "", "no run's ref left on the remote");
    for Driver { name, .. } in &drivers {
        assert!(!pid_file(name).exists(), "{name}'s pid file is left");
    }
}

#[test]
#[ignore = "needs sshd: run by scripts/test.sh's engines step"]
fn ssh_jobs_outlive_a_killed_renn_and_are_cancelled_when_it_runs_again() {
    let tmp = ssh_demo();
    let dir = tmp.path();
    // The agents sleep on the host: renn is killed while they work.
    let mut child = Command::new(env!("CARGO_BIN_EXE_renn"))
        .current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TODAY", "2026-11-24")
        .env("RENN_TEST_SLEEP", "60")
        .args(["--json", "run-stage", "2"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // A job counts once its agent is asleep: its pid file is there and its first line
    // reached the run's log (an agent writing after its connection went would get
    // SIGPIPE: an ssh job outlives renn's machine only while it keeps quiet).
    let running: Vec<(String, u32)> = loop {
        let running: Vec<(String, u32)> = (drivers(dir).into_iter())
            .filter(|d| log_of(dir, d).contains("ssh job mark="))
            .filter_map(|d| Some((d.name.clone(), running_pid(&d.name)?)))
            .collect();
        if !running.is_empty() || start.elapsed() > Duration::from_secs(60) {
            break running;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(!running.is_empty(), "a job runs on a host");
    // The machine renn ran on goes: renn, its drivers and their ssh clients are killed
    // at once; nothing of theirs can cancel anything. The host keeps the jobs.
    child.kill().unwrap();
    child.wait().unwrap();
    let killed = kill_drivers_and_clients(dir);
    assert!(killed >= 2, "a driver and its ssh client: {killed}");
    std::thread::sleep(Duration::from_secs(1));
    for (name, pid) in &running {
        assert_eq!(
            running_pid(name),
            Some(*pid),
            "{name} outlives renn and its connection"
        );
    }

    // Run again (no sleep now): the leftovers are found on the hosts and cancelled.
    let (code, out, err) = run_stage_2_with(dir, &[], &[]);
    assert_eq!(code, 4, "{out}\n{err}");
    for (name, pid) in &running {
        // Once, though both host names list the same /tmp/renn-jobs.
        let said = format!("Cancelled job {name},");
        assert_eq!(
            out.matches(&said).count() + err.matches(&said).count(),
            1,
            "{name}:\n{out}\n{err}"
        );
        assert!(!pid_file(name).exists(), "{name}'s pid file is gone");
        assert!(!alive(*pid), "{name}'s process (pid {pid}) is gone");
        // Its workspace on the host went with it (the job's shell is named in it).
        let left = workspaces_of(*pid);
        assert!(left.is_empty(), "{name}'s workspace is left: {left:?}");
    }
    let (code, out, err) = run_stage_2_with(dir, &["--respond", "02-04", "approved"], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);
    for Driver { name, .. } in drivers(dir) {
        assert!(running_pid(&name).is_none(), "{name} still runs");
    }
}
