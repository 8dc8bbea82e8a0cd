"""The real `codex` CLI (@openai/codex, pinned, from npm) against the OpenAI Responses stand-in
(standin/openai.py): first alone — the facts renn's codex profile relies on —, then driven by
renn through stage 2 of examples/demo, then through the failures issue 9 lists.

codex ignores OPENAI_BASE_URL: a user reaches a local endpoint with a provider of their own,
`-c model_providers.local={…base_url…}` `-c model_provider=local`, which is what `agent.args`
carries here; the key is read from the variable the provider's `env_key` names.

Every scenario is a plain test: the profile, a custom `agent.command`, and each failure.
"""
from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

from tests.agents.harness import STAGE_DIR, Vendor, git, log_tail

RUNS = ["02-02", "02-03", "02-04", "02-05", "02-06"]
KEY = {"OPENAI_API_KEY": "sk-standin"}
# The pinned codex's bundled catalog (`codex debug models`): quality / balanced / budget
# are gpt-6.2-astra / gpt-6.2-sol (its default) / gpt-6-luna.
MODELS = {"renn-runner": "gpt-6.2-sol", "renn-auditor": "gpt-6.2-astra"}
# What renn's codex profile is expected to run (`--dangerously-bypass-approvals-and-sandbox`:
# the workspace-write sandbox makes .git read-only, and every run has a worktree of its own).
COMMAND = ["codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "-m", "{model}"]


def provider_args(url: str, retries: int | None = None) -> list[str]:
    """What a user adds to codex's command line to reach `url` (a Responses API endpoint).
    `retries` bounds codex's own retries (request_max_retries / stream_max_retries, default 5)."""
    extra = f",request_max_retries={retries},stream_max_retries={retries}" if retries is not None else ""
    table = (f'{{name="local",base_url="{url}/v1",wire_api="responses",'
             f'env_key="OPENAI_API_KEY"{extra}}}')
    return ["-c", f"model_providers.local={table}", "-c", "model_provider=local"]


def profile_agent(url: str, codex_retries: int | None = None, **more) -> dict:
    """`.renn/config.json` "agent" for the codex profile reaching `url`; `more` is renn's own
    agent settings (timeout_secs, retries…)."""
    return {"profile": "codex", "args": provider_args(url, codex_retries), "env": KEY, **more}


def command_agent(url: str, codex_retries: int | None = None, **more) -> dict:
    """The same through a custom `agent.command` (works without profiles)."""
    return {"command": COMMAND + provider_args(url, codex_retries), **more}


# The process environment holds no endpoint: everything a user adds is in the config.
CODEX = Vendor("codex", "openai", lambda url: dict(KEY), {})


@pytest.fixture
def vendor():
    return CODEX


@pytest.fixture
def project(make_project, standin):
    """Wrapper of conftest's `project`: codex's agent config holds the stand-in's URL, which
    the shared fixture cannot know."""
    return make_project(agent=profile_agent(standin.url), model_overrides=MODELS)


# --- codex alone: the facts renn's profile is built on ---------------------------------------


def _codex(url: str, repo, tmp_path, prompt: str, *, bin_path: str, model=MODELS["renn-runner"], retries=None, timeout=120):
    """codex exec as renn's codex profile runs it, in `repo`, with a private HOME/CODEX_HOME."""
    env = {**os.environ, **KEY, "HOME": str(tmp_path), "CODEX_HOME": str(tmp_path / ".codex"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t.invalid",
           "PATH": f"{bin_path}:{os.environ['PATH']}"}
    (tmp_path / ".codex").mkdir(exist_ok=True)
    # (codex refuses a second -m: "the argument '--model <MODEL>' cannot be used multiple times")
    cmd = [c.replace("{model}", model) for c in COMMAND] + provider_args(url, retries)
    start = time.monotonic()
    out = subprocess.run(cmd, input=prompt, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout)
    return out, time.monotonic() - start


def _repo(tmp_path):
    repo = tmp_path / "alone"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "--allow-empty", "-m", "init")
    (repo / ".renn/stages/09-probe").mkdir(parents=True)
    return repo


PROBE = ("Execute run 01 of stage 09-probe.\n**Run:** 09-01\n"
         '<task type="auto"><name>Task 1: Hello</name><files>hello.txt</files></task>\n'
         "Create the recap at .renn/stages/09-probe/09-01-recap.md\n")


@pytest.mark.parametrize("model", ["gpt-6.2-sol", "sonnet"])
def test_codex_alone_writes_and_commits_through_the_standin(model, standin, bin_path, tmp_path):
    """`codex exec` with the prompt on stdin: apply_patch (catalog models' code mode) or a
    heredoc (an unknown slug's fallback tools) and git through exec_command; stdout is the
    final message only."""
    repo = _repo(tmp_path)
    out, _ = _codex(standin.url, repo, tmp_path, PROBE, model=model, bin_path=bin_path)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert out.stdout.lstrip().startswith("Run 09-01 complete.") and "## RUN COMPLETE" in out.stdout
    assert (repo / "hello.txt").read_text().startswith("# 09-01 task 1")
    subjects = git(repo, "log", "--format=%s")
    assert "feat(09-01): Hello" in subjects and "docs(09-01): complete run" in subjects
    steps = [r.get("step", "") for r in standin.requests()]
    assert any(s.startswith("Write(") for s in steps) and any(s.startswith("Shell(") for s in steps)
    assert {r.get("model") for r in standin.requests()} == {model}


def test_codex_shell_commands_run_in_a_session_of_their_own(standin, bin_path, tmp_path):
    """Why renn cannot stop codex's commands with killpg: exec_command starts each in a new
    session. The brain's `git commit` runs a post-commit hook that records its session."""
    repo = _repo(tmp_path)
    sids = tmp_path / "sids"
    hook = repo / ".git/hooks/post-commit"
    hook.write_text(f"#!/bin/sh\nps -o sid= -p $$ >> {sids}\n")
    hook.chmod(0o755)
    out, _ = _codex(standin.url, repo, tmp_path, PROBE, bin_path=bin_path)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = {int(x) for x in sids.read_text().split()}
    assert seen and os.getsid(0) not in seen, f"hook sessions {seen}, codex's (ours) {os.getsid(0)}"


@pytest.mark.parametrize("fault,words", [
    ("unauthorized", r"401 Unauthorized: Incorrect API key"),
    ("rate_limited", r"429 Too Many Requests"),
    ("overloaded", r"at capacity"),
])
def test_codex_api_errors_exit_1_with_the_reason_on_stderr(fault, words, standin, bin_path, tmp_path):
    """The exit code and stderr renn sees for each API failure, retries bounded to 0."""
    standin.set_faults({"*": fault})
    out, secs = _codex(standin.url, _repo(tmp_path), tmp_path, PROBE, bin_path=bin_path, retries=0)
    assert out.returncode == 1, out.stdout
    assert re.search(words, out.stderr), out.stderr[-2000:]
    assert out.stdout.strip() == ""
    assert len([r for r in standin.requests() if r.get("status")]) == 1, "request_max_retries=0 not honoured"
    assert secs < 60


# --- renn drives codex through stage 2 -------------------------------------------------------


def assert_stage_2_done(project, first, second) -> None:
    """Exit 4 at 02-04's gate, then 0: a commit per task, every recap, the proof, the track."""
    assert first.code == 4, f"expected the 02-04 gate (exit 4):\n{first.out[-3000:]}\n{log_tail(project, '02-02')}"
    assert second.code == 0, f"{second.out[-3000:]}\n{log_tail(project, '02-04')}"
    subjects = git(project, "log", "--format=%s").splitlines()
    for run in RUNS:
        text = (project / STAGE_DIR / f"{run}-run.md").read_text()
        for name in re.findall(r'<task type="auto">\s*<name>Task \d+: (.*?)</name>', text):
            assert f"feat({run}): {name}" in subjects, f"no commit for {run} {name!r}"
        assert (project / STAGE_DIR / f"{run}-recap.md").exists(), run
    assert "status: passed" in (project / STAGE_DIR / "02-proof.md").read_text()
    assert re.search(r"- \[x\] \*\*Stage 2: Accounts\*\*", (project / ".renn/track.md").read_text())
    assert "docs(stage-02): complete stage execution" in subjects


def report_time(capsys, label: str, first, second) -> None:
    per_run: dict[str, float] = {}
    for res in (first, second):
        for run, secs in res.runs().items():
            per_run[run] = per_run.get(run, 0) + secs
    with capsys.disabled():
        print(f"\n[{label}] stage 2 wall time: {first.seconds + second.seconds:.1f} s "
              f"(to the gate {first.seconds:.1f} s, after it {second.seconds:.1f} s); per run: "
              + ", ".join(f"{r} {s:.1f} s" for r, s in sorted(per_run.items())))


@pytest.mark.parametrize("config", ["profile", "command"])
def test_stage_2_end_to_end(config, make_project, make_renn, standin, capsys):
    agent = profile_agent(standin.url) if config == "profile" else command_agent(standin.url)
    project = make_project(agent=agent, model_overrides=MODELS)
    renn = make_renn(project, standin.url)
    first = renn("run-stage", "2", json_events=True)
    second = renn("run-stage", "2", "--respond", "02-04", "approved", json_events=True)
    assert_stage_2_done(project, first, second)
    models = {(r.get("kind"), r.get("model")) for r in standin.requests() if r.get("kind") != "other"}
    assert models <= {("runner", MODELS["renn-runner"]), ("continuation", MODELS["renn-runner"]),
                      ("auditor", MODELS["renn-auditor"])}, models
    report_time(capsys, f"codex/{config}", first, second)


def test_the_profile_picks_codex_models_by_horsepower(make_project, make_renn, standin):
    """Without model_overrides the codex profile's own table applies (never Claude's names)."""
    project = make_project(agent=profile_agent(standin.url), horsepower="budget")
    renn = make_renn(project, standin.url)
    res = renn("run-stage", "2")
    assert res.code == 4, f"{res.out[-2000:]}\n{log_tail(project, '02-02')}"
    models = {r.get("model") for r in standin.requests() if r.get("kind") == "runner"}
    assert models and not models & {"sonnet", "opus", "haiku"}, models
    assert models <= {"gpt-6-luna", "gpt-6.2-sol", "gpt-6.2-astra"}, models


# --- failures through renn ---------------------------------------------------------------------


def test_unauthorized_stops_the_stage_once(project, renn, standin):
    standin.set_faults({"*": "unauthorized"})
    res = renn("run-stage", "2", "--on-failure", "continue", timeout=300)
    assert res.code == 6, res.out
    assert re.search(r"401|Incorrect API key|invalid_api_key|authenticat", res.out, re.I), res.out
    assert len(re.findall(r"✗ Run \S+ failed", res.out)) <= 1, f"one message, not one per run:\n{res.out}"
    runs = {r["run"] for r in standin.requests() if r.get("run")}
    assert runs <= {"02-02"}, f"later runs burned time: {runs}"


@pytest.mark.parametrize("fault", ["overloaded", "rate_limited"])
def test_a_transient_api_error_is_retried_then_the_stage_goes_on(fault, project, renn, standin):
    """codex retries 503/429 itself (5 times by default); the stage must not notice one."""
    standin.set_faults({"02-02": f"once:{fault}", "02-03": f"once:{fault}"})
    res = renn("run-stage", "2", timeout=300)
    assert res.code == 4, f"{res.out[-3000:]}\n{log_tail(project, '02-02')}"
    assert (project / STAGE_DIR / "02-03-recap.md").exists()
    statuses = [r.get("status") for r in standin.requests()]
    assert statuses.count(503 if fault == "overloaded" else 429) == 2, statuses


# The words a person understands, from codex's own last error line.
@pytest.mark.parametrize("fault,words", [
    ("overloaded", r"at capacity"),
    ("rate_limited", r"429 Too Many Requests"),
])
def test_a_persistent_api_error_fails_the_run_clearly(fault, words, make_project, make_renn, standin):
    project = make_project(agent=profile_agent(standin.url, codex_retries=0, retries={"attempts": 1, "backoff_secs": 1}),
                           model_overrides=MODELS)
    standin.set_faults({"02-02": fault})
    res = make_renn(project, standin.url)("run-stage", "2", timeout=300)
    assert res.code in (3, 6), res.out
    line = failure_line(res.out, "02-02")
    assert re.search(words, line, re.I), f"the failure line should say why: {line!r}\n{res.out[-2000:]}"
    assert re.search(r"↻ Run 02-02", res.out), f"renn's own retry (agent.retries) never came:\n{res.out[-2000:]}"
    assert res.seconds < 120, f"took {res.seconds:.0f} s"


def test_connection_refused_says_why(make_project, make_renn):
    """codex never gives up on a refused connection ("Reconnecting... waiting for network"):
    only renn's timeout ends it, and the reason must still reach the user."""
    import socket
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    project = make_project(agent=profile_agent(url, timeout_secs=20), model_overrides=MODELS)
    res = make_renn(project, url)("run-stage", "2", timeout=400)
    assert res.code in (3, 6), res.out
    line = failure_line(res.out, "02-02")
    # "timed out" alone does not say why: the agent's own last line does.
    assert re.search(r"waiting for network|connect|refused", line, re.I), f"{line!r}\n{res.out[-2000:]}"


def failure_line(out: str, run: str) -> str:
    """renn's final word on a failed run ("✗ Run 02-02 failed: <reason>"), not the
    "← 02-02 exited (failed 1, log)" line before it."""
    return next((l for l in out.splitlines() if re.search(rf"Run {run} failed", l)), "")


def _sleepers() -> set[int]:
    out = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True)
    return {int(p) for p in out.stdout.split()}


def test_a_hung_agent_times_out_and_leaves_no_process(make_project, make_renn, standin):
    before = _sleepers()
    project = make_project(agent=profile_agent(standin.url, timeout_secs=20), model_overrides=MODELS)
    standin.set_faults({"02-02": "hang"})
    try:
        res = make_renn(project, standin.url)("run-stage", "2", timeout=300)
        assert res.code in (3, 6), res.out
        assert any("setsid sleep" in r.get("step", "") for r in standin.requests()), "the grandchild never started"
        assert re.search(r"timed out|time-?out", res.out, re.I), res.out[-2000:]
        time.sleep(1)
        assert _sleepers() - before == set(), "the agent's `setsid sleep 1000` outlived it"
    finally:
        for pid in _sleepers() - before:  # only what this test's agent started
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
