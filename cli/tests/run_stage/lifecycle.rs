//! The lifecycle commands on real repositories: `init` → `plan` → `run-stage` with the
//! demo agent, `status` through a stage's life, `logs`, `retry`, `clean`, `doctor`.

use super::*;
use serde_json::json;

fn stage3(status: &Value) -> &Value {
    status["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["number"] == "03")
        .unwrap()
}

#[test]
fn init_plan_and_run_a_stage_with_the_demo_agent_in_an_empty_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["config", "user.name", "Test"]);
    git(root, &["config", "user.email", "t@example.com"]);
    let renn = |args: &[&str]| renn_in(root, args);
    let (code, out, err) = renn(&["init"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("created .renn/config.json"), "{out}");
    // The written config is every default, and renn reads it back as such.
    let config = std::fs::read_to_string(root.join(".renn/config.json")).unwrap();
    let mut value: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(value["agent"]["profile"], "claude");
    // A stage with two runs, the demo agent as the agent.
    value["agent"]["command"] = json!(["{renn}", "demo-agent", "{agent}", "{run_id}"]);
    std::fs::write(
        root.join(".renn/config.json"),
        serde_json::to_string_pretty(&value).unwrap(),
    )
    .unwrap();
    for n in 1..=2 {
        let text = format!(
            "---\nstage: 01-first-stage\nrun: {n:02}\nbatch: 1\nautonomous: true\nfiles_modified: [src/part{n}.txt]\nmust_haves:\n  truths: [\"part {n} exists\"]\n  artifacts: [{{path: src/part{n}.txt, provides: part {n}}}]\n---\n<objective>Part {n}</objective>\n<tasks>\n<task type=\"auto\"><name>Write part {n}</name><files>src/part{n}.txt</files><verify>test -f src/part{n}.txt</verify></task>\n</tasks>\n"
        );
        let path = root.join(format!(".renn/stages/01-first-stage/01-{n:02}-run.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "renn init and a plan"]);

    let (code, out, err) = renn(&["validate", "1"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = renn(&["plan", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("01-01") && out.contains("01-02"), "{out}");
    let (code, out, _) = renn(&["next"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("`renn run-stage 1`"),
        "a planned stage is run: {out}"
    );

    let (code, out, err) = renn(&["--json", "run-stage", "1"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(root
        .join(".renn/stages/01-first-stage/01-01-recap.md")
        .exists());
    let (code, out, _) = renn(&["--json", "status"]);
    assert_eq!(code, 0);
    let status: Value = serde_json::from_str(&out).unwrap();
    let s = &status["stages"][0];
    assert_eq!(s["state"], "complete", "{status:#}");
    assert_eq!(
        (s["runs_done"].as_u64(), s["runs_total"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(s["proof"], "passed");
    assert_eq!(status["next"]["kind"], "milestone_complete");

    // The agents' logs are there, and out of git's way by their own .gitignore.
    let logs = root.join(".renn/stages/01-first-stage/logs");
    assert_eq!(
        std::fs::read_to_string(logs.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert_eq!(git(root, &["status", "--porcelain", "--ignored=no"]), "");
    git(root, &["add", "-A"]);
    assert_eq!(
        git(root, &["status", "--porcelain"]),
        "",
        "git add -A sweeps in no log"
    );
    let (code, out, err) = renn(&["logs", "01-02"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("starting"), "{out}");
    let (code, out, _) = renn(&["logs", "1"]);
    assert_eq!(code, 0, "the auditor's log: {out}");
}

#[test]
fn status_through_a_stage_s_life() {
    let p = Project::new(&[spec(1, 1), gated(2, 1)], json!({ "auditor": false }));
    // Before: planned, nothing done; the next step is renn's.
    let (code, status) = p.renn_json(&["status"]);
    assert_eq!(code, 0);
    let s = stage3(&status);
    assert_eq!(s["state"], "planned");
    assert_eq!(
        (s["runs_done"].as_u64(), s["runs_total"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(s["next"], "renn run-stage 3");
    assert_eq!(status["next"]["command"], "renn run-stage 3");
    // Stage 4 of the track has no directory: the planning workflow's.
    let four = &status["stages"][1];
    assert_eq!(four["state"], "not_planned");
    assert_eq!(four["next"], "/renn.plan-stage 4");

    // A gate waits.
    p.scenario("03-02", "gate:human-verify");
    p.run_stage(&[]).expect(4);
    let (_, status) = p.renn_json(&["status"]);
    let s = stage3(&status);
    assert_eq!(s["state"], "gate_waiting", "{status:#}");
    assert_eq!(s["runs_done"], 1);
    assert_eq!(
        s["gates_waiting"],
        json!([{"run": "03-02", "answered": false}])
    );
    assert_eq!(s["next"], "renn run-stage 3 --respond 03-02 <answer>");
    let (_, text, _) = p.renn(&["status"]);
    assert!(
        text.contains("gate waiting") && text.contains("gates: 03-02"),
        "{text}"
    );

    // Done.
    p.run_stage(&["--respond", "03-02", "approved"]).expect(0);
    let (_, status) = p.renn_json(&["status"]);
    let s = stage3(&status);
    assert_eq!(s["state"], "complete", "{status:#}");
    assert_eq!(s["runs_done"], 2);
    assert_eq!(s["gates_waiting"], json!([]));
    assert_eq!(status["next"]["number"], "04");
    assert_eq!(status["next"]["planned"], false);
}

#[test]
fn retry_runs_a_failed_run_alone_and_refuses_a_complete_one() {
    let p = Project::new(
        &[spec(1, 1), spec(2, 1), spec(3, 2)],
        json!({ "auditor": false }),
    );
    p.scenario("03-02", "fail");
    p.run_stage(&["--on-failure", "continue"]).expect(3);
    let (_, status) = p.renn_json(&["status"]);
    let s = stage3(&status);
    assert_eq!(s["state"], "in_progress");
    assert!(
        s["hint"].as_str().unwrap().contains("renn run-stage 3"),
        "{s}"
    );

    let (code, err) = p.renn_json(&["retry", "03-01"]);
    assert_eq!(code, 1);
    assert_eq!(err["error"]["code"], "run-complete", "{err}");
    let (code, err) = p.renn_json(&["retry", "03-09"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("no-such-run"))
    );
    // 03-03 went on (--on-failure continue): complete too.
    let (code, err) = p.renn_json(&["retry", "03-03"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("run-complete"))
    );

    p.scenario("03-02", "complete");
    let (code, out, err) = p.renn(&["--json", "retry", "03-02"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let spawned: Vec<String> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["event"] == "run_spawned")
        .map(|e| e["run"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(spawned, ["03-02"], "only the retried run");
    assert!(p
        .path()
        .join(".renn/stages/03-auth/03-02-recap.md")
        .exists());
    let (_, status) = p.renn_json(&["status"]);
    assert_eq!(stage3(&status)["runs_done"], 3, "{status:#}");
}

#[test]
fn retry_refuses_a_run_whose_dependencies_are_not_done() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    p.write(
        ".renn/stages/03-auth/03-02-run.md",
        "---\nstage: 03-auth\nrun: 02\nbatch: 2\ndepends_on: [03-01]\nfiles_modified: [b.txt]\n---\n<objective>B</objective>\n<tasks>\n<task type=\"auto\"><name>B</name></task>\n</tasks>\n",
    );
    let (code, err) = p.renn_json(&["retry", "03-02"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("run-blocked")),
        "{err}"
    );
    assert!(err["error"]["message"].as_str().unwrap().contains("03-01"));
}

#[test]
fn clean_lists_removes_and_keeps_unmerged_work() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let root = p.path();
    let head = git(root, &["rev-parse", "HEAD"]).trim().to_string();
    git(root, &["branch", "renn/run-03-07", &head]); // merged: HEAD has it
    git(root, &["branch", "renn/failed/run-03-01-1", &head]);
    git(root, &["switch", "-q", "-c", "renn/run-03-08"]);
    p.write("unmerged.txt", "work\n");
    git(root, &["add", "unmerged.txt"]);
    git(root, &["commit", "-q", "-m", "unmerged work"]);
    git(root, &["switch", "-q", "main"]);
    git(
        root,
        &[
            "worktree",
            "add",
            "-q",
            "--detach",
            ".renn/worktrees/spare",
            "HEAD",
        ],
    );
    p.write(".renn/.pulse.md.renn-tmp-1-1", "half");
    p.write(".renn/renn.lock", "{}");

    let (code, report) = p.renn_json(&["clean", "--dry-run"]);
    assert_eq!(code, 0);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };
    let would = names(&report["removed"]);
    for item in [
        "renn/run-03-07",
        "renn/failed/run-03-01-1",
        ".renn/worktrees/spare",
        ".renn/renn.lock",
        ".renn/.pulse.md.renn-tmp-1-1",
    ] {
        assert!(would.contains(&item.to_string()), "{item} in {would:?}");
    }
    assert_eq!(names(&report["kept"]), ["renn/run-03-08"]);
    assert!(
        root.join(".renn/worktrees/spare").exists(),
        "a dry run removes nothing"
    );

    // No terminal to ask on: --yes is needed.
    let (code, err) = p.renn_json(&["clean"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("clean-needs-yes"))
    );

    let (code, out, err) = p.renn(&["clean", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("removed branch renn/run-03-07"), "{out}");
    assert!(out.contains("kept branch renn/run-03-08"), "{out}");
    let branches = git(root, &["branch", "--list", "renn/*"]);
    assert_eq!(branches.trim(), "renn/run-03-08", "unmerged work stays");
    assert!(!root.join(".renn/worktrees/spare").exists());
    assert!(!root.join(".renn/renn.lock").exists());
    assert!(!root.join(".renn/.pulse.md.renn-tmp-1-1").exists());
    let (_, out, _) = p.renn(&["clean", "--yes"]);
    assert!(
        out.starts_with("Nothing to clean.") && out.contains("kept branch renn/run-03-08"),
        "{out}"
    );
}

#[test]
fn clean_and_logs_follow_wait_for_a_running_renn() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.scenario("03-01", "slow:2");
    let mut renn = p.spawn_run_stage();
    let log = p.path().join(".renn/stages/03-auth/logs/03-01-1.log");
    wait_until("the agent's log", || log.exists());
    let (code, err) = p.renn_json(&["clean", "--yes"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (7, Some("busy")),
        "{err}"
    );
    // Follows until the agent is done and renn has let go of the project.
    let (code, out, err) = p.renn(&["logs", "03-01", "-f"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        renn.try_wait().unwrap().is_some(),
        "logs -f ended after renn"
    );
    assert!(out.contains("RUN COMPLETE"), "{out}");
    renn.wait().unwrap();
}

#[test]
fn doctor_checks_git_the_agent_and_every_plan() {
    let p = Project::new(&[spec(1, 1)], json!({}));
    let (code, report) = p.renn_json(&["doctor"]);
    assert_eq!(code, 0, "{report:#}");
    let checks = report["checks"].as_array().unwrap();
    let status = |name: &str| {
        checks
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with(name))
            .map(|c| c["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("git").as_deref(), Some("ok"));
    assert_eq!(
        status("agent").as_deref(),
        Some("ok"),
        "bash --version starts"
    );
    assert_eq!(status("worktrees").as_deref(), Some("ok"));
    assert_eq!(status("stage 03-auth").as_deref(), Some("ok"));

    // A broken plan and an agent that is not installed fail, with exit 1.
    p.write(".renn/stages/03-auth/03-02-run.md", "no frontmatter\n");
    p.write(
        ".renn/config.json",
        r#"{"agent": {"command": ["renn-no-such-agent-cli"]}}"#,
    );
    let (code, out, _) = p.renn(&["doctor"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL agent"), "{out}");
    assert!(out.contains("FAIL stage 03-auth"), "{out}");
    assert!(out.contains("hint: `renn validate 3` lists them"), "{out}");
}

#[test]
fn the_next_stage_offered_after_a_stage_is_run_by_renn_once_planned() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    p.write(
        ".renn/stages/04-sharing/04-01-run.md",
        "---\nstage: 04-sharing\nrun: 01\nbatch: 1\nfiles_modified: [s.txt]\n---\n<objective>S</objective>\n<tasks>\n<task type=\"auto\"><name>S</name></task>\n</tasks>\n",
    );
    git(p.path(), &["add", "."]);
    git(p.path(), &["commit", "-q", "-m", "plan stage 4"]);
    let r = p.run_stage(&[]);
    r.expect(0);
    let next = r.named("next");
    assert_eq!(next[0]["command"], "renn run-stage 4", "{next:?}");
    assert_eq!(next[0]["planned"], true);
}

#[test]
fn logs_say_what_is_missing() {
    let p = Project::new(&[spec(1, 1)], json!({ "auditor": false }));
    let (code, err) = p.renn_json(&["logs", "03-01"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("no-log")),
        "{err}"
    );
    let (code, err) = p.renn_json(&["logs", "03-01", "-f"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("logs-follow-json"))
    );
    let (code, err) = p.renn_json(&["logs", "nonsense"]);
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (1, Some("bad-run-id"))
    );
    p.run_stage(&[]).expect(0);
    let (code, shown) = p.renn_json(&["logs", "03-01"]);
    assert_eq!(code, 0);
    assert_eq!(shown["log"], ".renn/stages/03-auth/logs/03-01-1.log");
    assert_eq!(shown["attempt"], 1);
    assert!(shown["text"].as_str().unwrap().contains("RUN COMPLETE"));
    let (code, err) = p.renn_json(&["logs", "03-01", "--attempt", "2"]);
    assert_eq!((code, err["error"]["code"].as_str()), (1, Some("no-log")));
    assert!(err["error"]["diagnostics"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("attempts logged: 1"));
}

#[test]
fn doctor_asks_the_runtime_and_a_runtime_that_cannot_run_is_a_config_error() {
    // Without isolation `clone` a container runtime would be silently unused.
    let agent =
        json!({"command": ["bash", "-c", "true"], "runtime": {"kind": "podman", "image": "x:1"}});
    let p = Project::new(&[spec(1, 1)], json!({ "agent": agent }));
    let (code, _, out) = p.renn(&["validate", "3"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[runtime-config]"), "{out}");
    assert!(
        out.contains("it needs \"isolation\": \"clone\", found `shared`"),
        "{out}"
    );
    assert!(
        out.contains("--> .renn/config.json:"),
        "names the file: {out}"
    );

    // Kubernetes, through the kubectl stand-in: the cluster answers, a template with an
    // unknown placeholder fails, the default remote is renn's own.
    let agent = json!({"command": ["bash", "-c", "true"], "runtime": {
        "kind": "kubernetes", "image": "agent:1", "template": "job.yaml"}});
    let p = Project::new(
        &[spec(1, 1)],
        json!({ "agent": agent, "isolation": "clone" }),
    );
    p.write(
        "job.yaml",
        "kind: Job\ncommand: {{command}}\ncpu: {{cpu}}\n",
    );
    let state = tempfile::tempdir().unwrap();
    let standin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/engines");
    let doctor = || {
        let out = Command::new(env!("CARGO_BIN_EXE_renn"))
            .current_dir(p.path())
            .env("RENN_TRUST", "1")
            .env("KUBE_STANDIN", state.path())
            .env(
                "PATH",
                format!("{}:{}", standin.display(), std::env::var("PATH").unwrap()),
            )
            .args(["--json", "doctor"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let checks = report["checks"].as_array().unwrap().clone();
        move |name: &str| {
            let c = checks
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("no {name}: {checks:#?}"));
            (
                c["status"].as_str().unwrap().to_string(),
                c["message"].as_str().unwrap().to_string(),
            )
        }
    };
    let check = doctor();
    assert_eq!(check("runtime (kubernetes)").0, "ok");
    let (status, message) = check("job template");
    assert_eq!(status, "fail");
    assert!(
        message.contains("unknown placeholder `{{cpu}}`"),
        "{message}"
    );
    assert_eq!(
        check("remote"),
        ("ok".into(), ".renn/remote.git (renn's own, by path)".into())
    );
    let calls = std::fs::read_to_string(state.path().join("calls")).unwrap();
    assert_eq!(calls.trim(), "auth can-i create jobs");
}

#[test]
fn doctor_asks_a_configured_remote_for_write_access() {
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    let remote = remote.path().display().to_string();
    for (url, status) in [
        (remote.as_str(), "ok"),
        ("/nonexistent/renn-remote.git", "fail"),
    ] {
        let agent =
            json!({"command": ["bash", "-c", "true"], "runtime": {"kind": "local", "remote": url}});
        let p = Project::new(
            &[spec(1, 1)],
            json!({ "agent": agent, "isolation": "clone" }),
        );
        let (_, report) = p.renn_json(&["doctor"]);
        let check = (report["checks"].as_array().unwrap().iter())
            .find(|c| c["name"] == "remote")
            .unwrap_or_else(|| panic!("{report:#}"))
            .clone();
        assert_eq!(check["status"], status, "{check:#}");
        assert!(
            check["message"].as_str().unwrap().contains(url),
            "{check:#}"
        );
    }
}
