//! Agents as real child processes: the scripted fake agents in tests/fixtures/agents/
//! are started through `renn_host::agent`, and what they saw and did is checked. No
//! assertion depends on how fast the machine is: waits are generous upper bounds.

use renn_core::config::PromptMode;
use renn_core::execute::Exit;
use renn_host::agent::{self, AgentDone, AgentJob, Interrupt, Running};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Far longer than any agent here needs; only a hang reaches it.
const PATIENCE: Duration = Duration::from_secs(60);

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/agents")
        .join(name);
    path.canonicalize().unwrap().display().to_string()
}

fn job(dir: &Path, label: &str, argv: &[&str]) -> AgentJob {
    AgentJob {
        label: label.into(),
        argv: argv.iter().map(|s| s.to_string()).collect(),
        prompt: String::new(),
        prompt_mode: PromptMode::Stdin,
        cwd: dir.to_path_buf(),
        log_path: agent::log_path(&dir.join("stage"), label, 1),
        timeout: PATIENCE,
        env: Vec::new(),
        token: agent::new_token(label),
    }
}

/// Starts one agent on its own channel.
fn start(job: AgentJob) -> (Running, Receiver<AgentDone>) {
    let (tx, rx) = mpsc::channel();
    let running = agent::start(job, tx).expect("the agent starts");
    (running, rx)
}

/// The one report of an agent; then the channel must close: exactly one is sent.
fn finish(rx: Receiver<AgentDone>) -> AgentDone {
    let done = rx
        .recv_timeout(PATIENCE)
        .expect("the agent reports within a minute");
    assert!(
        rx.recv_timeout(PATIENCE).is_err(),
        "a second report for {}",
        done.label
    );
    done
}

fn run(job: AgentJob) -> AgentDone {
    finish(start(job).1)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Whether the process has ended. A zombie counts as ended: it runs no code, and on a
/// machine whose init does not reap orphans (this sandbox) it stays a zombie.
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // "pid (comm) S ...": the state follows the last parenthesis.
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
    }
}

/// Waits for `path` to hold a pid (the script writes it right after starting).
fn pid_in(path: &Path) -> u32 {
    let until = Instant::now() + PATIENCE;
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            return pid;
        }
        assert!(Instant::now() < until, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_completing_agent_reports_success_its_stdout_and_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = job(
        dir.path(),
        "03-02",
        &[&fixture("complete.sh"), "renn-runner", "03-02"],
    );
    j.env = vec![("RENN_TEST_VAR".into(), "from renn".into())];
    let log_path = j.log_path.clone();
    let done = run(j);

    assert_eq!(done.exit, Exit::Success);
    assert_eq!(done.label, "03-02");
    assert_eq!(done.log_path, log_path);
    assert_eq!(
        done.output,
        "args: renn-runner 03-02\nenv: from renn\n## RUN COMPLETE\n"
    );
    let log = read(&log_path);
    assert!(log.contains("[stderr] working on it\n"), "{log}");
    assert!(log.contains("\nargs: renn-runner 03-02\n"), "{log}");
    assert!(log.contains("## RUN COMPLETE\n"), "{log}");
    assert!(log.starts_with("[renn] 03-02 starting: "), "{log}");
    assert!(
        log.trim_end().ends_with(" s") && log.contains("[renn] 03-02 exited with code 0"),
        "{log}"
    );
}

#[test]
fn log_path_is_per_label_and_attempt_and_logs_are_appended() {
    let dir = tempfile::tempdir().unwrap();
    let stage = dir.path().join("stage");
    let path = agent::log_path(&stage, "auditor", 2);
    assert_eq!(path, stage.join("logs").join("auditor-2.log"));
    assert!(stage.join("logs").is_dir());

    // A second agent with the same log (a resumed renn) adds to it.
    let mut j = job(dir.path(), "auditor", &[&fixture("fail.sh")]);
    j.log_path = path.clone();
    run(j.clone());
    run(j);
    assert_eq!(read(&path).matches("[stderr] something broke").count(), 2);
}

#[test]
fn the_prompt_reaches_stdin_and_stdin_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = job(dir.path(), "03-01", &[&fixture("echo-stdin.sh"), "a b"]);
    j.prompt = "line one\nline two with 'quotes' and $HOME\n".into();
    let done = run(j);
    assert_eq!(done.exit, Exit::Success);
    assert_eq!(
        done.output,
        "arg: a b\nstdin:\nline one\nline two with 'quotes' and $HOME\n"
    );
}

#[test]
fn argument_mode_appends_the_prompt_and_gives_an_empty_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = job(dir.path(), "03-01", &[&fixture("echo-stdin.sh"), "-p"]);
    j.prompt = "the whole prompt; not split, not interpreted: $(rm -rf /) *".into();
    j.prompt_mode = PromptMode::Argument;
    let (log_path, size) = (j.log_path.clone(), j.prompt.len());
    let done = run(j);
    assert_eq!(done.exit, Exit::Success);
    assert_eq!(
        done.output,
        "arg: -p\narg: the whole prompt; not split, not interpreted: $(rm -rf /) *\nstdin:\n"
    );
    // The log shows the command line, but not the (possibly huge) prompt.
    let log = read(&log_path);
    assert!(
        log.contains(&format!("\"-p\" <prompt, {size} bytes>")),
        "{log}"
    );
}

#[test]
fn a_failing_agent_reports_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let done = run(job(dir.path(), "03-03", &[&fixture("fail.sh")]));
    assert_eq!(done.exit, Exit::Failed { code: Some(3) });
    assert_eq!(done.output, "partial output\n");
    assert!(read(&done.log_path).contains("[renn] 03-03 failed with exit code 3"));
}

#[test]
fn a_time_out_stops_the_agent_and_everything_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild.pid");
    let mut j = job(
        dir.path(),
        "03-04",
        &[&fixture("spawns-child.sh"), pid_file.to_str().unwrap()],
    );
    j.timeout = Duration::from_secs(1);
    let (running, rx) = start(j);
    let grandchild = pid_in(&pid_file);
    let done = finish(rx);

    assert_eq!(done.exit, Exit::TimedOut { seconds: 1 });
    assert!(gone(running.pid()), "the agent survived its time-out");
    assert!(
        gone(grandchild),
        "grandchild {grandchild} survived the agent's time-out"
    );
    assert!(read(&done.log_path).contains("[renn] 03-04 timed out (1 s limit)"));
}

#[test]
fn what_an_agent_leaves_running_is_stopped_and_cannot_hold_up_its_report() {
    // The grandchild keeps the agent's stdout open: without stopping it, the output
    // would never end and the report would never come.
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild.pid");
    let argv = [
        &fixture("spawns-child.sh") as &str,
        pid_file.to_str().unwrap(),
        "exit",
    ];
    let done = run(job(dir.path(), "03-05", &argv));
    assert_eq!(done.exit, Exit::Success);
    let grandchild = pid_in(&pid_file);
    assert!(
        gone(grandchild),
        "grandchild {grandchild} outlived the agent"
    );
}

#[test]
fn megabytes_on_both_streams_and_an_unread_prompt_do_not_deadlock() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = job(dir.path(), "03-06", &[&fixture("noisy.sh")]);
    // Larger than any pipe buffer, and the script never reads it.
    j.prompt = "p".repeat(2 << 20);
    let done = run(j);
    assert_eq!(done.exit, Exit::Success);
    let line = "noisy stdout line, padded out to make the flood bigger......\n";
    assert_eq!(
        done.output.len(),
        20_000 * line.len() + "noisy done\n".len()
    );
    assert!(done.output.ends_with("......\nnoisy done\n"));
    let log = read(&done.log_path);
    assert_eq!(log.matches("[stderr] noisy stderr line").count(), 20_000);
    assert_eq!(log.matches("\nnoisy stdout line").count(), 20_000);
}

#[test]
fn two_agents_started_together_run_at_the_same_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let script = fixture("rendezvous.sh");
    let (tx, rx) = mpsc::channel();
    // Each waits for the other to start: run one after the other, both would fail.
    let _a = agent::start(
        job(dir.path(), "03-01", &[&script, d, "a", "b"]),
        tx.clone(),
    )
    .unwrap();
    let _b = agent::start(job(dir.path(), "03-02", &[&script, d, "b", "a"]), tx).unwrap();
    let mut labels = Vec::new();
    for _ in 0..2 {
        let done = rx.recv_timeout(PATIENCE).expect("both agents report");
        assert_eq!(done.exit, Exit::Success, "{}", read(&done.log_path));
        labels.push(done.label);
    }
    labels.sort();
    assert_eq!(labels, ["03-01", "03-02"]);

    let times = |name: &str| -> (u128, u128) {
        let text = read(&dir.path().join(format!("{name}.times")));
        let mut it = text.split_whitespace().map(|t| t.parse::<u128>().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    };
    let ((a_start, a_end), (b_start, b_end)) = (times("a"), times("b"));
    assert!(
        a_start < b_end && b_start < a_end,
        "a {a_start}..{a_end}, b {b_start}..{b_end}"
    );
}

#[test]
fn kill_stops_a_running_agent_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild.pid");
    let (running, rx) = start(job(
        dir.path(),
        "03-07",
        &[&fixture("spawns-child.sh"), pid_file.to_str().unwrap()],
    ));
    let grandchild = pid_in(&pid_file);
    running.kill();
    assert!(gone(running.pid()), "the agent survived kill()");
    assert!(gone(grandchild), "the grandchild survived kill()");
    running.kill();
    let done = finish(rx);
    // SIGTERM ended it: no exit code.
    assert_eq!(done.exit, Exit::Failed { code: None });
    assert!(read(&done.log_path).contains("[renn] 03-07 was ended by a signal"));
    running.kill();
}

#[test]
fn a_missing_program_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, rx) = mpsc::channel();
    let err =
        agent::start(job(dir.path(), "03-01", &["renn-no-such-agent", "-p"]), tx).unwrap_err();
    assert_eq!(err.code(), "agent-spawn");
    let message = err.to_string();
    assert!(message.contains("`renn-no-such-agent`"), "{message}");
    assert!(
        message.contains("agent.command") && message.contains(".renn/config.json"),
        "{message}"
    );
    let log = read(&dir.path().join("stage/logs/03-01-1.log"));
    assert!(log.contains("[renn] 03-01 could not start: "), "{log}");
    assert!(
        rx.recv_timeout(Duration::from_millis(100)).is_err(),
        "no report for an agent never started"
    );

    let (tx, _rx) = mpsc::channel();
    let err = agent::start(job(dir.path(), "03-01", &[]), tx).unwrap_err();
    assert_eq!(err.code(), "agent-spawn");
}

#[test]
fn a_missing_working_directory_is_not_blamed_on_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = job(dir.path(), "03-01", &[&fixture("complete.sh")]);
    j.cwd = dir.path().join("gone");
    let (tx, _rx) = mpsc::channel();
    let err = agent::start(j, tx).unwrap_err();
    assert_eq!(err.code(), "io");
    assert!(err.to_string().contains("gone"), "{err}");
}

#[test]
fn an_interrupt_signal_sets_the_flag_instead_of_killing_renn() {
    let interrupt = Interrupt::install();
    assert!(!interrupt.requested());
    Interrupt::install(); // a second install shares the first handler
                          // SAFETY: raising a signal this process now handles.
    assert_eq!(unsafe { libc::raise(libc::SIGINT) }, 0);
    let until = Instant::now() + PATIENCE;
    while !interrupt.requested() {
        assert!(Instant::now() < until, "the handler never ran");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_time_out_also_stops_what_the_agent_started_in_a_session_of_its_own() {
    // Agent CLIs run shell tools under `setsid`: out of the agent's process group,
    // out of reach of killpg. The mark in their environment still finds them.
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("session.pid");
    let script = format!(
        "setsid sh -c 'echo $$ > {}; exec sleep 1000' </dev/null >/dev/null 2>&1 & sleep 1000",
        pid_file.display()
    );
    let mut j = job(dir.path(), "03-06", &["sh", "-c", &script]);
    j.timeout = Duration::from_secs(1);
    let (_running, rx) = start(j);
    let escaped = pid_in(&pid_file);
    let sid = |pid: u32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .nth(3)
            .map(str::to_string)
    };
    assert_eq!(
        sid(escaped),
        Some(escaped.to_string()),
        "it leads its own session"
    );
    let done = finish(rx);
    assert_eq!(done.exit, Exit::TimedOut { seconds: 1 });
    assert!(
        gone(escaped),
        "{escaped}, in its own session, survived the time-out"
    );
}

#[test]
fn an_agent_that_exits_leaves_nothing_running_in_another_session() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("session.pid");
    let script = format!(
        "setsid sh -c 'echo $$ > {0}; exec sleep 1000' </dev/null >/dev/null 2>&1 & \
         while [ ! -s {0} ]; do sleep 0.05; done; echo started",
        pid_file.display()
    );
    let done = run(job(dir.path(), "03-07", &["sh", "-c", &script]));
    assert_eq!(done.exit, Exit::Success);
    let escaped = pid_in(&pid_file);
    assert!(
        gone(escaped),
        "{escaped} outlived the agent that started it"
    );
}

#[test]
fn an_agent_echoing_its_prompt_on_stderr_reports_only_its_own_error_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = job(
        dir.path(),
        "03-08",
        &[
            "sh",
            "-c",
            "cat >&2; echo 'ERROR: exceeded retry limit, last status: 429' >&2; exit 1",
        ],
    );
    j.prompt = "Stop at a gate when a CLI says `not logged in`, 401 or 403.\nshort\n".into();
    let done = run(j);
    assert_eq!(
        done.stderr.trim(),
        "short\nERROR: exceeded retry limit, last status: 429"
    );
}
