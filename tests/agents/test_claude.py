"""The real `claude` CLI (pinned, from npm) against the Anthropic stand-in: first alone, then
driven by renn through stage 2 of examples/demo, then through every failure issue 9 lists.

Every scenario passes against main as merged on 2026-12-01 (no xfail left here).
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
import time

import pytest

from tests.agents.harness import CLAUDE, STAGE_DIR, git, log_tail

RUNS = ["02-02", "02-03", "02-04", "02-05", "02-06"]
BYPASS = ["claude", "-p", "--model", "{model}", "--output-format", "text",
          "--permission-mode", "bypassPermissions"]


def failure_line(out: str, run: str) -> str:
    """renn's one line saying why a run failed."""
    return next((l for l in out.splitlines() if re.search(rf"Run {run} failed", l)), "")


@pytest.fixture
def vendor():
    return CLAUDE


def test_claude_alone_writes_and_commits_through_the_standin(standin, bin_path, tmp_path):
    """Before renn is in the loop: `claude -p` does a Write and a Bash call for the script."""
    repo = tmp_path / "alone"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "--allow-empty", "-m", "init")
    prompt = ("Execute run 01 of stage 09-probe.\n**Run:** 09-01\n"
              '<task type="auto"><name>Task 1: Hello</name><files>hello.txt</files></task>\n'
              "Create the recap at .renn/stages/09-probe/09-01-recap.md\n")
    (repo / ".renn/stages/09-probe").mkdir(parents=True)
    env = {**os.environ, **CLAUDE.env(standin.url), "HOME": str(tmp_path),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t.invalid",
           "PATH": f"{bin_path}:{os.environ['PATH']}"}
    out = subprocess.run(["claude", "-p", "--output-format", "text", "--permission-mode", "bypassPermissions"],
                         input=prompt, cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "## RUN COMPLETE" in out.stdout
    assert (repo / "hello.txt").read_text().startswith("# 09-01 task 1")
    subjects = git(repo, "log", "--format=%s")
    assert "feat(09-01): Hello" in subjects and "docs(09-01): complete run" in subjects
    tools = [r.get("step", "") for r in standin.requests()]
    assert any(s.startswith("Write(") for s in tools) and any(s.startswith("Shell(") for s in tools)


CONFIGS = {
    "default": None,  # examples/demo untouched: the claude profile, bypassPermissions
    "allowlist": {"permissions": "allowlist"},  # acceptEdits + git and the verify programs
    "explicit-command": {"command": BYPASS},  # a custom agent.command still works
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_stage_2_end_to_end(config, make_project, make_renn, standin, capsys):
    project = make_project(agent=CONFIGS[config])
    renn = make_renn(project, standin.url)
    first = renn("run-stage", "2", json_events=True)
    assert first.code == 4, f"expected the 02-04 gate (exit 4):\n{first.out[-3000:]}\n{log_tail(project, '02-02')}"
    second = renn("run-stage", "2", "--respond", "02-04", "approved", json_events=True)
    assert second.code == 0, second.out[-3000:]

    subjects = git(project, "log", "--format=%s").splitlines()
    for run in RUNS:
        text = (project / STAGE_DIR / f"{run}-run.md").read_text()
        names = re.findall(r'<task type="auto">\s*<name>Task \d+: (.*?)</name>', text)
        for name in names:  # one commit per task, as the stand-in's script names them
            assert f"feat({run}): {name}" in subjects, f"no commit for {run} {name!r}"
        assert (project / STAGE_DIR / f"{run}-recap.md").exists(), run
    proof = (project / STAGE_DIR / "02-proof.md").read_text()
    assert "status: passed" in proof
    assert re.search(r"- \[x\] \*\*Stage 2: Accounts\*\*", (project / ".renn/track.md").read_text())
    assert "docs(stage-02): complete stage execution" in subjects
    # Worktrees (.renn/worktrees) and agent logs are git-excluded: nothing is left over.
    assert git(project, "status", "--porcelain") == ""

    per_run = {**first.runs()}
    for run, secs in second.runs().items():
        per_run[run] = per_run.get(run, 0) + secs
    wall = first.seconds + second.seconds
    own = wall - first.agent_busy() - second.agent_busy()
    with capsys.disabled():
        print(f"\n[claude/{config}] stage 2 wall time: {wall:.1f} s "
              f"(to the gate {first.seconds:.1f} s, after it {second.seconds:.1f} s); renn's own share "
              f"{own:.1f} s over {len(per_run)} agent runs; per run: "
              + ", ".join(f"{r} {s:.1f} s" for r, s in sorted(per_run.items())))


# --- API failures -------------------------------------------------------------------------


def test_unauthorized_stops_the_stage_once(project, renn, standin):
    standin.set_faults({"*": "unauthorized"})
    res = renn("run-stage", "2", "--on-failure", "continue", timeout=120)
    assert res.code == 6, res.out
    assert re.search(r"api key|authenticat|unauthori[sz]ed|401", res.out, re.I), res.out
    failed = re.findall(r"✗ Run \S+ failed", res.out)
    assert len(failed) <= 1, f"one message, not one per run:\n{res.out}"
    runs = {r["run"] for r in standin.requests() if r.get("run")}
    assert runs <= {"02-02"}, f"later runs burned time: {runs}"
    assert res.seconds < 60, f"took {res.seconds:.0f} s (claude's own retries?)"


@pytest.mark.parametrize("fault", ["overloaded", "rate_limited"])
def test_a_transient_api_error_is_retried_then_the_stage_goes_on(fault, project, renn, standin):
    standin.set_faults({"02-02": f"once:{fault}", "02-03": f"once:{fault}"})
    res = renn("run-stage", "2", timeout=300)
    assert res.code == 4, f"{res.out[-3000:]}\n{log_tail(project, '02-02')}"
    assert (project / STAGE_DIR / "02-03-recap.md").exists()
    statuses = [r.get("status") for r in standin.requests()]
    assert statuses.count(529 if fault == "overloaded" else 429) == 2, statuses


@pytest.mark.parametrize("fault,words", [("overloaded", r"529|overloaded"), ("rate_limited", r"429|rate limit")])
def test_a_persistent_api_error_fails_the_run_clearly(fault, words, make_project, make_renn, standin):
    project = make_project(agent={"retries": {"attempts": 2, "backoff_secs": 1}})
    standin.set_faults({"02-02": fault})
    res = make_renn(project, standin.url)("run-stage", "2", timeout=150)
    assert res.code in (3, 6), res.out
    attempts = sorted((project / STAGE_DIR / "logs").glob("02-02-*.log"))
    assert len(attempts) == 3, f"renn should start the run 1 + 2 times: {attempts}"
    line = failure_line(res.out, "02-02")
    assert re.search(words, line, re.I), f"the failure line should say why: {line!r}\n{res.out[-2000:]}"
    assert res.seconds < 120, f"took {res.seconds:.0f} s"


def test_connection_refused_says_why(make_project, make_renn):
    project = make_project(agent={"retries": {"attempts": 1, "backoff_secs": 1}})
    import socket
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = make_renn(project, f"http://127.0.0.1:{port}")("run-stage", "2", timeout=200)
    assert res.code in (3, 6), res.out
    line = failure_line(res.out, "02-02")
    assert re.search(r"connect|refused|ECONNREFUSED|unreachable", line, re.I), f"{line!r}\n{res.out[-2000:]}"


def _sleepers() -> set[int]:
    out = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True)
    return {int(p) for p in out.stdout.split()}


def test_a_hung_agent_times_out_and_leaves_no_process(make_project, make_renn, standin):
    before = _sleepers()
    project = make_project(agent={"timeout_secs": 15})
    standin.set_faults({"02-02": "hang"})
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:  # proves the grandchild existed, so its absence later means something
        while not done.wait(0.3):
            seen.update(_sleepers() - before)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        res = make_renn(project, standin.url)("run-stage", "2", timeout=300)
        done.set()
        watcher.join()
        assert res.code in (3, 6), res.out
        assert re.search(r"timed out|time-?out", res.out, re.I), res.out[-2000:]
        assert seen, "the agent never started its `setsid sleep 1000`"
        assert any(r.get("hang") for r in standin.requests()), "the stand-in never went silent"
        time.sleep(1)
        assert _sleepers() - before == set(), "the agent's `setsid sleep 1000` outlived it"
    finally:
        done.set()
        for pid in _sleepers() - before:  # only what this test's agent started
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


# --- evidence -----------------------------------------------------------------------------


@pytest.mark.parametrize("fault,words", [
    ("zero_commits", r"commit"),
    ("missing_row", r"task 3|missing|row"),
])
def test_a_claim_without_evidence_fails_the_run(fault, words, project, renn, standin):
    standin.set_faults({"02-03": fault})  # batch 2: 02-03 runs in its own worktree
    res = renn("run-stage", "2", "--on-failure", "continue", timeout=300)
    assert res.code in (3, 4, 6), res.out
    line = failure_line(res.out, "02-03")
    assert line and re.search(words, line, re.I), f"{line!r}\n{res.out[-2500:]}"


def test_an_uncommitted_recap_in_a_worktree_is_committed_by_renn(project, renn, standin):
    standin.set_faults({"02-03": "uncommitted_recap"})
    res = renn("run-stage", "2", timeout=300)
    assert res.code == 4, res.out[-3000:]
    recap = f"{STAGE_DIR}/02-03-recap.md"
    assert (project / recap).exists(), res.out[-2000:]
    assert git(project, "log", "--format=%s", "--", recap).strip(), "the recap was never committed"
    assert "02-03" in res.out and re.search(r"recap", res.out, re.I)
