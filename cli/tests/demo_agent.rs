//! The built-in demo agent (`renn demo-agent`) on a real git repository made from the
//! example project: its output must be exactly what renn parses, and every piece of
//! evidence it claims (commits, recap, proof) must be real.

use renn_core::prompt::{self, AuditorContext, Templates};
use renn_core::returns::{self, AgentReturn, GateReached, RunComplete};
use renn_core::run::GateKind;
use renn_core::{plan::PlanOptions, proof, recap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RENN: &str = env!("CARGO_BIN_EXE_renn");
const STAGE_DIR: &str = ".renn/stages/02-accounts";

/// A temporary git repository holding a copy of examples/demo, all committed.
struct Repo {
    tmp: tempfile::TempDir,
    /// Outside the repository: agent outputs handed to `renn prompt --return`.
    scratch: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
        copy_dir(&demo, tmp.path());
        let repo = Self {
            tmp,
            scratch: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Demo Test"]);
        repo.git(&["config", "user.email", "demo@example.com"]);
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "init"]);
        repo
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn commit_exists(&self, hash: &str) -> bool {
        Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(["cat-file", "-e", &format!("{hash}^{{commit}}")])
            .status()
            .unwrap()
            .success()
    }

    /// `renn <args>` in the repository, with `stdin`: (exit code, stdout, stderr).
    fn renn(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let mut child = Command::new(RENN)
            .args(args)
            .current_dir(self.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (
            out.status.code().unwrap_or(-1),
            text(out.stdout),
            text(out.stderr),
        )
    }

    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let (code, out, err) = self.renn(args, stdin);
        assert_eq!(code, 0, "renn {args:?} failed: {err}\n{out}");
        out
    }

    /// The runner prompt, or the continuation prompt after `gate_output` with `response`.
    fn prompt(&self, run: &str, gate: Option<(&str, &str)>) -> String {
        match gate {
            None => self.ok(&["prompt", run], ""),
            Some((output, response)) => {
                let file = self.scratch.path().join(format!("{run}-gate.md"));
                let file = file.to_str().unwrap().to_string();
                std::fs::write(&file, output).unwrap();
                let args = [
                    "prompt",
                    run,
                    "--continuation",
                    "--response",
                    response,
                    "--return",
                    &file,
                ];
                self.ok(&args, "")
            }
        }
    }

    fn agent(&self, run: &str, prompt: &str) -> (String, AgentReturn) {
        let out = self.ok(&["demo-agent", "renn-runner", run], prompt);
        let parsed = returns::parse(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
        (out, parsed)
    }

    fn assert_clean(&self) {
        assert_eq!(
            self.git(&["status", "--porcelain"]),
            "",
            "the working tree is not clean"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn complete(r: AgentReturn) -> RunComplete {
    match r {
        AgentReturn::Complete(c) => c,
        other => panic!("expected RUN COMPLETE, got {other:?}"),
    }
}

fn gate(r: AgentReturn) -> GateReached {
    match r {
        AgentReturn::Gate(g) => g,
        other => panic!("expected GATE REACHED, got {other:?}"),
    }
}

/// The recap the run wrote, parsed by renn's own reader.
fn read_recap(repo: &Repo, run: &str) -> recap::Recap {
    let path = format!("{STAGE_DIR}/{run}-recap.md");
    let text = std::fs::read_to_string(repo.path().join(&path)).expect("the recap exists");
    recap::parse(&path, &text).unwrap()
}

#[test]
fn an_autonomous_run_completes_with_real_commits_and_a_recap() {
    let repo = Repo::new();
    let pulse_before = std::fs::read(repo.path().join(".renn/pulse.md")).unwrap();
    let (out, ret) = repo.agent("02-02", &repo.prompt("02-02", None));
    let c = complete(ret);
    assert_eq!(c.run.to_string(), "02-02");
    assert_eq!((c.tasks_done, c.tasks_total), (2, 2));
    assert_eq!(
        c.recap.as_deref(),
        Some(".renn/stages/02-accounts/02-02-recap.md")
    );
    assert_eq!(c.tasks.iter().map(|t| t.task).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(c.tasks[0].name, "Session store");
    assert_eq!(c.tasks[0].files, ["src/sessions.py"]);
    for t in &c.tasks {
        let hash = t.commit.first_hash().expect("every task has a commit");
        assert!(repo.commit_exists(hash), "{hash} does not exist:\n{out}");
    }
    let r = read_recap(&repo, "02-02");
    assert_eq!(
        r.one_liner.as_deref(),
        Some("Server-side session store keyed by random tokens")
    );
    assert_eq!(
        r.completed.as_deref(),
        Some("2026-11-20"),
        "the date comes from pulse.md"
    );
    assert!(r.deviations.is_none() && r.issues.is_none());
    assert_eq!(
        r.key_files_created,
        ["src/sessions.py", "tests/test_sessions.py"]
    );
    let log = repo.git(&["log", "--format=%s"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "docs(02-02): complete run",
            "feat(02-02): Session store tests",
            "feat(02-02): Session store",
            "init"
        ]
    );
    repo.assert_clean();
    // renn owns pulse.md and track.md: the runner never touches them.
    assert_eq!(
        std::fs::read(repo.path().join(".renn/pulse.md")).unwrap(),
        pulse_before
    );
    let touched = repo.git(&["log", "--format=", "--name-only", "HEAD~3..HEAD"]);
    assert!(
        !touched.contains("pulse.md") && !touched.contains("track.md"),
        "{touched}"
    );
}

#[test]
fn the_prompt_may_come_as_the_last_argument() {
    // `agent.prompt: "argument"`: the prompt follows the run id, stdin is empty.
    let repo = Repo::new();
    let prompt = repo.prompt("02-02", None);
    let out = repo.ok(&["demo-agent", "renn-runner", "02-02", &prompt], "");
    assert_eq!(complete(returns::parse(&out).unwrap()).tasks_done, 2);
    repo.assert_clean();
}

#[test]
fn a_gate_run_stops_then_a_continuation_completes_it() {
    let repo = Repo::new();
    let (gate_out, ret) = repo.agent("02-04", &repo.prompt("02-04", None));
    let g = gate(ret);
    assert_eq!(g.gate, GateKind::HumanVerify);
    assert_eq!((g.tasks_done, g.tasks_total, g.current_task), (2, 3, 3));
    assert_eq!(g.status.as_deref(), Some("awaiting verification"));
    assert!(
        g.details.contains("Verify reset email arrives"),
        "{}",
        g.details
    );
    assert_eq!(g.awaiting, "Type \"approved\" or describe issues");
    let before: Vec<String> = g
        .completed
        .iter()
        .map(|t| t.commit.first_hash().unwrap().to_string())
        .collect();
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|h| repo.commit_exists(h)));
    assert!(!repo.path().join(STAGE_DIR).join("02-04-recap.md").exists());
    repo.assert_clean();

    let prompt = repo.prompt("02-04", Some((&gate_out, "approved")));
    let (_, ret) = repo.agent("02-04", &prompt);
    let c = complete(ret);
    assert_eq!((c.tasks_done, c.tasks_total), (3, 3));
    let commits: Vec<Option<String>> = (c.tasks.iter())
        .map(|t| t.commit.first_hash().map(str::to_string))
        .collect();
    // The earlier runner's commits are reported as they were; the gate made none.
    assert_eq!(
        commits,
        [Some(before[0].clone()), Some(before[1].clone()), None]
    );
    let r = read_recap(&repo, "02-04");
    assert_eq!(r.key_files_modified, ["src/db.py"]);
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "4");
    repo.assert_clean();
}

#[test]
fn issues_at_a_gate_get_a_fix_commit_and_the_gate_again() {
    let repo = Repo::new();
    let (first, _) = repo.agent("02-04", &repo.prompt("02-04", None));
    let prompt = repo.prompt("02-04", Some((&first, "the email never arrived")));
    let (again, ret) = repo.agent("02-04", &prompt);
    let g = gate(ret);
    assert_eq!(
        (g.gate, g.current_task, g.tasks_done),
        (GateKind::HumanVerify, 3, 2)
    );
    assert!(
        g.details.contains("the email never arrived"),
        "{}",
        g.details
    );
    let fix = repo.git(&["log", "-1", "--format=%h %s"]);
    assert!(fix.contains("fix(02-04): task 3 gate feedback"), "{fix}");
    let fix_hash = fix.split_whitespace().next().unwrap().to_string();
    assert!(g.details.contains(&fix_hash));
    repo.assert_clean();

    // Approved the second time: the run completes, the gate task carrying the fix.
    let (_, ret) = repo.agent("02-04", &repo.prompt("02-04", Some((&again, "approved"))));
    let c = complete(ret);
    assert_eq!(c.tasks[2].commit.first_hash(), Some(fix_hash.as_str()));
    assert!(c
        .tasks
        .iter()
        .flat_map(|t| t.commit.hashes())
        .all(|h| repo.commit_exists(h)));
    let issues = read_recap(&repo, "02-04")
        .issues
        .expect("the fix is reported");
    assert!(issues.contains(&fix_hash), "{issues}");
    repo.assert_clean();
}

#[test]
fn a_continuation_whose_commits_are_missing_stops_at_a_human_action_gate() {
    let repo = Repo::new();
    let (real, _) = repo.agent("02-04", &repo.prompt("02-04", None));
    let fake = real.replace(
        gate(returns::parse(&real).unwrap()).completed[0]
            .commit
            .first_hash()
            .unwrap(),
        "deadbee",
    );
    let (_, ret) = repo.agent("02-04", &repo.prompt("02-04", Some((&fake, "approved"))));
    let g = gate(ret);
    assert_eq!(g.gate, GateKind::HumanAction);
    assert!(g.blocked_by.unwrap().contains("deadbee"));
}

#[test]
fn a_decision_gate_shows_the_options_and_records_the_choice() {
    let repo = Repo::new();
    let path = repo.path().join(STAGE_DIR).join("02-02-run.md");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "<task type=\"auto\">\n  <name>Task 2: Session store tests</name>",
        "<task type=\"checkpoint:decision\" gate=\"blocking\">\n  <decision>Where sessions live</decision>\n  <options>\n    <option id=\"memory\"><name>In process</name></option>\n    <option id=\"redis\"><name>Redis</name></option>\n  </options>\n  <resume-signal>Select: memory or redis</resume-signal>\n</task>\n\n<task type=\"auto\">\n  <name>Task 3: Session store tests</name>",
    ).replace("autonomous: true", "autonomous: false");
    std::fs::write(&path, text).unwrap();
    repo.git(&["commit", "-qam", "a decision gate"]);
    let (out, ret) = repo.agent("02-02", &repo.prompt("02-02", None));
    let g = gate(ret);
    assert_eq!(
        (g.gate, g.current_task, g.tasks_total),
        (GateKind::Decision, 2, 3)
    );
    assert!(g.details.contains("- redis: Redis"), "{}", g.details);
    assert_eq!(g.awaiting, "Select: memory or redis");
    let (_, ret) = repo.agent("02-02", &repo.prompt("02-02", Some((&out, "redis"))));
    assert_eq!(complete(ret).tasks_done, 3);
    assert_eq!(
        read_recap(&repo, "02-02").key_decisions,
        ["Where sessions live: redis"]
    );
    repo.assert_clean();
}

/// The auditor's prompt as renn renders it for stage 2.
fn auditor_prompt(repo: &Repo) -> String {
    let project = renn_host::open_project(Some(repo.path()), Some("2")).unwrap();
    let plan = project.plan("2", PlanOptions::default()).unwrap();
    let must_haves = prompt::must_haves(project.snapshot(), &plan.runs).unwrap();
    let ctx = AuditorContext {
        vocab: renn_core::Layout::Renn.vocab(),
        stage: &plan.stage,
        goal: None,
        must_haves: &must_haves,
    };
    Templates::load(project.snapshot()).unwrap().auditor(&ctx)
}

fn read_proof(repo: &Repo) -> proof::Proof {
    let path = format!("{STAGE_DIR}/02-proof.md");
    let text = std::fs::read_to_string(repo.path().join(&path)).expect("the proof exists");
    proof::parse(&path, &text).unwrap()
}

#[test]
fn the_auditor_passes_a_stage_whose_runs_all_ran() {
    let repo = Repo::new();
    for run in ["02-02", "02-03", "02-04", "02-05", "02-06"] {
        let (out, ret) = repo.agent(run, &repo.prompt(run, None));
        if let AgentReturn::Gate(_) = ret {
            complete(
                repo.agent(run, &repo.prompt(run, Some((&out, "approved"))))
                    .1,
            );
        }
    }
    let head = repo.git(&["rev-parse", "HEAD"]);
    let out = repo.ok(&["demo-agent", "renn-auditor", ""], &auditor_prompt(&repo));
    assert!(out.contains("passed"), "{out}");
    let p = read_proof(&repo);
    assert_eq!(p.status, proof::ProofStatus::Passed);
    assert_eq!(p.score, Some((10, 10)));
    assert_eq!(p.verified.as_deref(), Some("2026-11-20T00:00:00Z"));
    // renn commits the proof, not the auditor.
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(
        repo.git(&["status", "--porcelain"]).trim(),
        "?? .renn/stages/02-accounts/02-proof.md"
    );
}

#[test]
fn the_auditor_lists_missing_artifacts_as_gaps() {
    let repo = Repo::new();
    repo.ok(&["demo-agent", "renn-auditor", "--stage", "2"], "");
    let p = read_proof(&repo);
    assert_eq!(p.status, proof::ProofStatus::GapsFound);
    assert_eq!(p.score, Some((2, 10)));
    assert!(p.gaps.iter().any(|g| g.missing == ["src/ratelimit.py"]));
}

#[test]
fn unusable_input_is_a_clear_error() {
    let repo = Repo::new();
    let (code, _, err) = repo.renn(&["demo-agent", "renn-runner", "02-09"], "");
    assert_eq!(code, 1);
    assert!(err.contains("no run file for 02-09"), "{err}");
    let (code, _, err) = repo.renn(&["demo-agent", "renn-runner"], "");
    assert_eq!(code, 1);
    assert!(err.contains("needs a run id"), "{err}");
    std::fs::remove_dir_all(repo.path().join(".git")).unwrap();
    let (code, _, err) = repo.renn(&["demo-agent", "renn-runner", "02-02"], "");
    assert_eq!(code, 1);
    assert!(err.contains("not inside a git repository"), "{err}");
    let (_, help, _) = repo.renn(&["--help"], "");
    assert!(!help.contains("demo-agent"), "hidden from --help");
}
