//! A crafted repository cannot make renn write outside it, hang, or exhaust memory;
//! an old git is refused before any agent works; every stop says why in plain text.
//! Each test fails (writes outside, hangs, or says nothing) without the rule it checks.

use super::*;
use serde_json::json;
use std::os::unix::fs::symlink;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// What a bounded run of `renn` did: `code` is `None` when it had to be killed.
struct Bounded {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `renn ARGS` in the project without a terminal and without `--json`, with `env`
/// on top, killed after `secs` (so a regression hangs no test run).
fn renn_within(p: &Project, args: &[&str], env: &[(&str, &str)], secs: u64) -> Bounded {
    // A memory cap, so that a regression cannot take the machine down.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2097152 || exit 99; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_renn"))
        .args(args)
        .env("RENN_TRUST", "1")
        .envs(env.iter().copied())
        .env("RENN_TODAY", "2026-11-24")
        .current_dir(p.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(secs);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let b = Bounded {
        code,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    assert_ne!(b.code, Some(99), "could not limit memory");
    assert!(!b.stderr.contains("panicked"), "{}", b.stderr);
    b
}

/// A file outside every project, with the user's own text.
fn victim(name: &str) -> (tempfile::TempDir, PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    let path = outside.path().join(name);
    std::fs::write(&path, "the user's own text\n").unwrap();
    (outside, path)
}

fn commit_all(p: &Project, message: &str) {
    git(p.path(), &["add", "-A"]);
    git(p.path(), &["commit", "-qm", message]);
}

#[test]
fn pulse_md_linked_outside_the_repository_is_refused_and_left_alone() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let (_outside, bashrc) = victim("bashrc");
    std::fs::remove_file(p.path().join(".renn/pulse.md")).unwrap();
    symlink(&bashrc, p.path().join(".renn/pulse.md")).unwrap();
    commit_all(&p, "a crafted pulse.md");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(r.stderr.contains(".renn/pulse.md"), "{}", r.stderr);
    assert!(r.stderr.contains("outside the project"), "{}", r.stderr);
    assert!(r.spawned().is_empty());
    assert_eq!(
        std::fs::read_to_string(&bashrc).unwrap(),
        "the user's own text\n"
    );
}

/// A link that stays inside the repository is read, but renn does not write through
/// it: it stops with the reason rather than replace the link or edit its target.
#[test]
fn pulse_md_linked_inside_the_repository_is_not_written_through() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let text = p.read(".renn/pulse.md");
    p.write("notes/pulse.md", &text);
    std::fs::remove_file(p.path().join(".renn/pulse.md")).unwrap();
    symlink("../notes/pulse.md", p.path().join(".renn/pulse.md")).unwrap();
    commit_all(&p, "pulse.md kept elsewhere");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(
        r.stderr.contains("renn will not write through a symlink"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(".renn/pulse.md"), "{}", r.stderr);
    assert_eq!(p.read("notes/pulse.md"), text);
    assert!(std::fs::symlink_metadata(p.path().join(".renn/pulse.md"))
        .unwrap()
        .is_symlink());
}

#[test]
fn a_gate_file_planted_as_a_symlink_is_never_written_through() {
    // Outside the repository: refused when renn looks for an earlier gate.
    let p = Project::new(&[gated(1, 1)], json!({}));
    p.scenario("03-01", "gate:human-verify");
    let (_outside, profile) = victim("profile");
    symlink(
        &profile,
        p.path().join(".renn/stages/03-auth/03-01-gate.md"),
    )
    .unwrap();
    commit_all(&p, "a crafted gate file");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(r.stderr.contains("03-01-gate.md"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&profile).unwrap(),
        "the user's own text\n"
    );

    // Inside it: the runner's gate is not recorded through the link.
    let p = Project::new(&[gated(1, 1)], json!({}));
    p.scenario("03-01", "gate:human-verify");
    p.write("notes/gate.md", "mine\n");
    symlink(
        "../../../notes/gate.md",
        p.path().join(".renn/stages/03-auth/03-01-gate.md"),
    )
    .unwrap();
    commit_all(&p, "a gate file linked in the repository");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(
        r.stderr.contains("03-01-gate.md") && r.stderr.contains("will not write through"),
        "{}",
        r.stderr
    );
    assert_eq!(p.read("notes/gate.md"), "mine\n");
}

#[test]
fn a_dangling_log_link_creates_nothing_outside() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("planted.log");
    std::fs::create_dir_all(p.path().join(".renn/stages/03-auth/logs")).unwrap();
    symlink(
        &target,
        p.path().join(".renn/stages/03-auth/logs/03-01-1.log"),
    )
    .unwrap();
    commit_all(&p, "a crafted log");
    let r = p.run_stage(&[]);
    r.expect(1);
    assert!(r.stderr.contains("03-01-1.log"), "{}", r.stderr);
    assert!(r.stderr.contains("symlink"), "{}", r.stderr);
    assert!(
        !target.exists(),
        "renn created a file outside the repository"
    );
    assert!(r.spawned().is_empty());
}

/// `/dev/zero` claims 0 bytes and never ends. Without the rule renn reads it until
/// memory runs out (under the test's cap: "out of memory").
#[test]
fn config_json_linked_to_dev_zero_is_an_error_in_bounded_time_and_memory() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let config = p.path().join(".renn/config.json");
    std::fs::remove_file(&config).unwrap();
    symlink("/dev/zero", &config).unwrap();
    for args in [&["plan", "3"][..], &["run-stage", "3"]] {
        let started = Instant::now();
        let b = renn_within(&p, args, &[], 20);
        assert_eq!(b.code, Some(1), "{args:?}: {}", b.stderr);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            b.stderr.contains(".renn/config.json")
                && b.stderr.contains("/dev/zero, outside the project"),
            "{}",
            b.stderr
        );
    }
    // The device itself in the project (only root can make one): not a regular file.
    std::fs::remove_file(&config).unwrap();
    let made = Command::new("mknod")
        .arg(&config)
        .args(["c", "1", "5"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let b = renn_within(&p, &["plan", "3"], &[], 20);
        assert_eq!(b.code, Some(1), "{}", b.stderr);
        assert!(
            b.stderr.contains("not a regular file (a device)"),
            "{}",
            b.stderr
        );
    }
}

#[test]
fn pulse_md_as_a_fifo_is_an_error_not_a_hang() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let pulse = p.path().join(".renn/pulse.md");
    std::fs::remove_file(&pulse).unwrap();
    let made = Command::new("mkfifo").arg(&pulse).status().unwrap();
    assert!(made.success());
    for args in [&["plan", "3"][..], &["run-stage", "3"]] {
        let b = renn_within(&p, args, &[], 20);
        assert_eq!(
            b.code,
            Some(1),
            "{args:?} hung or did not fail: {}",
            b.stderr
        );
        assert!(
            b.stderr.contains(".renn/pulse.md") && b.stderr.contains("not a regular file"),
            "{}",
            b.stderr
        );
    }
}

/// The real git's path, for a wrapper that pretends to be an older one.
fn real_git() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("git"))
        .find(|g| g.is_file())
        .unwrap()
}

#[test]
fn a_git_older_than_2_40_is_refused_before_any_agent_works() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1)],
        json!({ "isolation": "worktree" }),
    );
    let bin = p.path().join(".fake-agent/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("git"),
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --version ] && {{ echo 'git version 2.39.0'; exit 0; }}; done\nexec '{}' \"$@\"\n",
            real_git().display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(bin.join("git"))
        .status()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let r = p.run_stage_with(&[], &[("PATH", Some(&path))]);
    r.expect(1);
    assert!(
        r.stderr.contains("git version 2.39.0 is too old") && r.stderr.contains("2.40"),
        "{}",
        r.stderr
    );
    assert!(r.spawned().is_empty());
    assert!(p.read(".fake-agent/times").is_empty(), "an agent worked");
}

#[test]
fn every_stop_says_why_in_plain_text() {
    // The auditor's proof cannot be read.
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.scenario("auditor", "bogus");
    let b = renn_within(&p, &["run-stage", "3"], &[], 60);
    assert_eq!(b.code, Some(6), "{}\n{}", b.stdout, b.stderr);
    assert!(
        b.stdout.contains("Stopped: the proof cannot be read"),
        "{}",
        b.stdout
    );

    // Every run of a batch failed.
    let p = Project::new(&[spec(1, 1), spec(2, 1)], json!({}));
    p.scenario("03-01", "fail");
    p.scenario("03-02", "fail");
    let b = renn_within(&p, &["run-stage", "3", "--on-failure", "continue"], &[], 60);
    assert_eq!(b.code, Some(6), "{}\n{}", b.stdout, b.stderr);
    assert!(
        b.stdout.contains("Stopped: every run of batch 1 failed"),
        "{}",
        b.stdout
    );
}
