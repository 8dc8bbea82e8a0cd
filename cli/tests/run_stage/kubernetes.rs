//! Kubernetes (docs/spec.md#runtimes): no cluster can run here, so renn's adapter is
//! driven against a stand-in `kubectl` (tests/engines/kubectl) that keeps each Job as a
//! local process — after the real kubectl (Debian's 1.20, set up by the engines step)
//! has checked the rendered manifest client-side. What is tested: the manifests renn
//! renders (from the project's own template), the command sequence of its driver
//! (apply, poll, logs, exit status, delete), cancelling and finding leftover Jobs. What
//! is not: scheduling, images, Secrets and networking on a real cluster.

use super::engines::{assert_completed, demo_on, kill_drivers};
use super::*;
use serde_json::json;
use std::time::{Duration, Instant};

/// The stand-in's directory first on PATH, its state in `state`.
fn with_standin(cmd: &mut Command, state: &Path) {
    let standin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/engines");
    let path = format!(
        "{}:{}",
        standin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("PATH", path).env("KUBE_STANDIN", state);
}

fn renn_k8s(dir: &Path, state: &Path, args: &[&str], sleep: &str) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renn"));
    cmd.current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TEST_SLEEP", sleep)
        .args(args)
        .stdin(std::process::Stdio::null());
    with_standin(&mut cmd, state);
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The demo with `runtime: kubernetes`, the Job template the project's own.
fn k8s_demo() -> tempfile::TempDir {
    let tmp = demo_on(json!({
        "kind": "kubernetes",
        "image": "registry.example.com/team/agent:7",
        "namespace": "agents",
        "secret": "agent-keys",
        "pass_env": ["ANTHROPIC_API_KEY"],
        "template": ".renn/k8s-job.yaml",
    }));
    let template = format!(
        "{}\n",
        renn_host::runtime::DEFAULT_TEMPLATE.replace(
            "          env: {{env}}",
            "          env: {{env}}\n          resources:\n            limits: {cpu: \"1\", memory: 2Gi}",
        )
    );
    std::fs::write(tmp.path().join(".renn/k8s-job.yaml"), template).unwrap();
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-q", "-m", "a Job template"]);
    tmp
}

fn calls(state: &Path) -> Vec<String> {
    std::fs::read_to_string(state.join("calls"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs Debian's kubectl: run by scripts/test.sh's engines step"]
fn a_stage_runs_as_kubernetes_jobs_through_kubectl() {
    assert!(
        std::env::var_os("RENN_REAL_KUBECTL").is_some(),
        "run by scripts/engines/test.sh"
    );
    let tmp = k8s_demo();
    let dir = tmp.path();
    let state = tempfile::tempdir().unwrap();
    let (code, out, err) = renn_k8s(dir, state.path(), &["--json", "run-stage", "2"], "0");
    assert_eq!(code, 4, "stops at 02-04's gate:\n{out}\n{err}");
    let (code, out, err) = renn_k8s(
        dir,
        state.path(),
        &["--json", "run-stage", "2", "--respond", "02-04", "approved"],
        "0",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);

    // Each run's Job went through the whole sequence, in the namespace, and was deleted.
    let calls = calls(state.path());
    let prefix = "--namespace agents ";
    for run in ["02-02", "02-03", "02-05", "02-06"] {
        let of_run: Vec<&String> = calls
            .iter()
            .filter(|c| c.contains(&format!("{run}-1")))
            .collect();
        let verbs: Vec<&str> = of_run
            .iter()
            .map(|c| {
                c.strip_prefix(prefix)
                    .unwrap_or_else(|| panic!("no namespace: {c}"))
            })
            .map(|c| c.split_whitespace().take(2).collect::<Vec<_>>())
            .map(|w| match w.as_slice() {
                ["apply", _] => "apply",
                ["get", "job"] => "get",
                ["logs", _] => "logs",
                ["get", "pods"] => "status",
                ["delete", "job"] => "delete",
                _ => "other",
            })
            .collect();
        let mut seen = verbs.clone();
        seen.dedup();
        assert_eq!(
            seen,
            ["apply", "get", "logs", "status", "delete"],
            "{run}: {of_run:#?}"
        );
    }
    // The manifests are the project's template, rendered: resources kept, the image,
    // the credentials named from the Secret, the job's script in the command.
    let manifest = std::fs::read_to_string(dir.join(".renn/jobs/02-05-1/job.yaml")).unwrap();
    assert!(
        manifest.contains("limits: {cpu: \"1\", memory: 2Gi}"),
        "{manifest}"
    );
    assert!(
        manifest.contains("image: \"registry.example.com/team/agent:7\""),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#""secretKeyRef":{"name":"agent-keys","key":"ANTHROPIC_API_KEY"}"#),
        "{manifest}"
    );
    assert!(manifest.contains("refs/renn/runs/02-05"), "{manifest}");
    assert!(
        !dir.join(".renn/jobs/02-05-1/prompt.md").exists(),
        "the prompt travels in the Job"
    );
    // No Job left, no run's ref left on the remote.
    assert_eq!(
        std::fs::read_dir(state.path().join("jobs"))
            .unwrap()
            .count(),
        0
    );
    let refs = git(
        &dir.join(".renn/remote.git"),
        &["for-each-ref", "refs/renn"],
    );
    assert_eq!(refs.trim(), "", "the runs' refs are removed once home");
}

#[test]
#[ignore = "needs Debian's kubectl: run by scripts/test.sh's engines step"]
fn jobs_left_by_a_killed_renn_are_deleted_when_it_runs_again() {
    let tmp = k8s_demo();
    let dir = tmp.path();
    let state = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renn"));
    cmd.current_dir(dir)
        .env("RENN_TRUST", "1")
        .env("RENN_TEST_SLEEP", "60")
        .args(["--json", "run-stage", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    with_standin(&mut cmd, state.path());
    let mut child = cmd.spawn().unwrap();
    let jobs = state.path().join("jobs");
    let start = Instant::now();
    let pids = loop {
        let pids: Vec<String> = std::fs::read_dir(&jobs)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".pid"))
                    .collect()
            })
            .unwrap_or_default();
        if !pids.is_empty() || start.elapsed() > Duration::from_secs(60) {
            break pids;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!pids.is_empty(), "a Job runs");
    // The machine renn ran on goes: renn and its drivers are killed at once, nothing of
    // theirs can delete anything. The cluster keeps the Jobs.
    child.kill().unwrap();
    child.wait().unwrap();
    kill_drivers(dir);
    let (code, out, err) = renn_k8s(dir, state.path(), &["--json", "run-stage", "2"], "0");
    assert_eq!(code, 4, "{out}\n{err}");
    let name = pids[0].trim_end_matches(".pid");
    assert!(
        out.contains(&format!("Cancelled job {name}"))
            || err.contains(&format!("Cancelled job {name}")),
        "{out}\n{err}"
    );
    assert!(
        calls(state.path()).iter().any(|c| c.ends_with(&format!(
            "delete job {name} --ignore-not-found --wait=false"
        ))),
        "deleted through kubectl"
    );
    let (code, out, err) = renn_k8s(
        dir,
        state.path(),
        &["--json", "run-stage", "2", "--respond", "02-04", "approved"],
        "0",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_completed(dir);
}
