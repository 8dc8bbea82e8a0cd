"""The real `gemini` CLI (@google/gemini-cli, pinned, from npm) against the Gemini API stand-in
(standin/gemini.py): first alone — the facts renn's gemini profile relies on —, then driven by
renn through stage 2 of examples/demo, then through the failures issue 9 lists.

What a user needs besides the profile: `GOOGLE_GEMINI_BASE_URL` (the endpoint), `GEMINI_API_KEY`,
and a logged-in CLI, i.e. `~/.gemini/settings.json` selecting API-key auth (without it gemini
exits 41 "Invalid auth method selected."). `login()` writes that file into the test's HOME, as
choosing "Use Gemini API key" in the CLI once would.

Every scenario is a plain test: the profile, a custom `agent.command`, and each failure.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.agents.harness import STAGE_DIR, Vendor, git, log_tail
from tests.agents.test_codex import PROBE, _repo, _sleepers, assert_stage_2_done, failure_line, report_time

KEY = {"GEMINI_API_KEY": "standin-key"}
# The CLI's own aliases, resolved by the pinned CLI against the account (API key here):
# pro → gemini-3.1-pro-preview, flash → gemini-3.8-flash, flash-lite → gemini-3.5-flash-lite.
# An explicit -m also skips the auto-router's classifier call.
MODELS = {"renn-runner": "flash", "renn-auditor": "pro"}
RESOLVED = {"flash": "gemini-3.8-flash", "pro": "gemini-3.1-pro-preview", "flash-lite": "gemini-3.5-flash-lite"}
# What renn's gemini profile is expected to run: headless needs --skip-trust (else exit 55),
# tools need yolo; the prompt comes on stdin (headless when stdin is not a terminal).
COMMAND = ["gemini", "--skip-trust", "--approval-mode", "yolo", "-m", "{model}"]


def endpoint(url: str) -> dict:
    return {"GOOGLE_GEMINI_BASE_URL": url, **KEY}


def profile_agent(url: str, **more) -> dict:
    """`.renn/config.json` "agent" for the gemini profile reaching `url`."""
    return {"profile": "gemini", "env": endpoint(url), **more}


def command_agent(**more) -> dict:
    """The same through a custom `agent.command` (works without profiles; the endpoint then
    comes from the environment renn runs in)."""
    return {"command": COMMAND, **more}


GEMINI = Vendor("gemini", "gemini", endpoint, {})


def login(home: Path, max_attempts: int | None = None) -> None:
    """What `gemini` → "Use Gemini API key" leaves behind; `max_attempts` bounds the CLI's own
    retries (settings only: general.maxAttempts, default 10 ≈ 4 min of backoff; network errors
    also need general.retryFetchErrors false)."""
    settings: dict = {"security": {"auth": {"selectedType": "gemini-api-key"}}}
    if max_attempts is not None:
        settings["general"] = {"maxAttempts": max_attempts, "retryFetchErrors": False}
    (home / ".gemini").mkdir(parents=True, exist_ok=True)
    (home / ".gemini/settings.json").write_text(json.dumps(settings, indent=2))


@pytest.fixture
def vendor():
    return GEMINI


@pytest.fixture
def project(make_project, standin):
    """Wrapper of conftest's `project`: the gemini profile with the stand-in's URL in agent.env."""
    return make_project(agent=profile_agent(standin.url), model_overrides=MODELS)


@pytest.fixture
def renn(make_renn, project, standin):
    """Wrapper of conftest's `renn`: a logged-in gemini in renn's HOME, the endpoint only in
    the config (agent.env), not in renn's own environment."""
    r = make_renn(project, standin.url)
    for k in endpoint(""):
        r.env.pop(k, None)
    login(Path(r.env["HOME"]))
    return r


# --- gemini alone: the facts renn's profile is built on --------------------------------------


def _gemini(url: str, repo, tmp_path, prompt: str, *, bin_path: str, model="flash",
            max_attempts=None, logged_in=True, timeout=180):
    home = tmp_path / "home"
    if logged_in:
        login(home, max_attempts)
    home.mkdir(exist_ok=True)
    env = {**os.environ, **endpoint(url), "HOME": str(home),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t.invalid",
           "PATH": f"{bin_path}:{os.environ['PATH']}"}
    cmd = [c.replace("{model}", model) for c in COMMAND]
    start = time.monotonic()
    out = subprocess.run(cmd, input=prompt, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout)
    return out, time.monotonic() - start


def test_gemini_alone_writes_and_commits_through_the_standin(standin, bin_path, tmp_path):
    """write_file and run_shell_command (git) for the script; stdout is the final text only."""
    repo = _repo(tmp_path)
    out, _ = _gemini(standin.url, repo, tmp_path, PROBE, bin_path=bin_path)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert out.stdout.lstrip().startswith("Run 09-01 complete.") and "## RUN COMPLETE" in out.stdout
    assert (repo / "hello.txt").read_text().startswith("# 09-01 task 1")
    subjects = git(repo, "log", "--format=%s")
    assert "feat(09-01): Hello" in subjects and "docs(09-01): complete run" in subjects
    turns = [r for r in standin.requests() if not r.get("side")]
    assert any(r["step"].startswith("Write(") for r in turns) and any(r["step"].startswith("Shell(") for r in turns)
    assert {r["model"] for r in standin.requests()} == {RESOLVED["flash"]}, "-m must skip the router"


def test_gemini_without_login_exits_41(standin, bin_path, tmp_path):
    out, _ = _gemini(standin.url, _repo(tmp_path), tmp_path, PROBE, bin_path=bin_path, logged_in=False)
    assert out.returncode == 41, out.stderr[-2000:]
    assert "Invalid auth method selected." in out.stderr


def test_gemini_shell_commands_run_in_a_session_of_their_own(standin, bin_path, tmp_path):
    """Why renn cannot stop gemini's commands with killpg: run_shell_command starts each in a
    new session. Git hooks cannot tell (the shell tool runs git with core.hooksPath="" and
    GIT_CONFIG_GLOBAL/SYSTEM=/dev/null), so a `git` first on PATH records its session."""
    repo = _repo(tmp_path)
    sids, wrapper = tmp_path / "sids", tmp_path / "wrap"
    wrapper.mkdir()
    (wrapper / "git").write_text(f'#!/bin/sh\necho "$(ps -o sid= -p $$) $1" >> {sids}\n'
                                 f'exec {shutil.which("git")} "$@"\n')
    (wrapper / "git").chmod(0o755)
    out, _ = _gemini(standin.url, repo, tmp_path, PROBE, bin_path=f"{wrapper}:{bin_path}")
    assert out.returncode == 0, out.stderr[-2000:]
    commits = {int(line.split()[0]) for line in sids.read_text().splitlines() if line.endswith(" commit")}
    assert commits and os.getsid(0) not in commits, f"git commit sessions {commits}, gemini's (ours) {os.getsid(0)}"


@pytest.mark.parametrize("fault,words", [
    ("unauthorized", r"API key not valid"),
    ("rate_limited", r"exceeded your current quota"),
    ("overloaded", r"model is overloaded"),
])
def test_gemini_api_errors_exit_1_with_the_reason_on_stderr(fault, words, standin, bin_path, tmp_path):
    """The exit code and stderr renn sees for each API failure, retries bounded by settings."""
    standin.set_faults({"*": fault})
    out, secs = _gemini(standin.url, _repo(tmp_path), tmp_path, PROBE, bin_path=bin_path, max_attempts=1)
    assert out.returncode == 1, out.stdout
    assert re.search(words, out.stderr), out.stderr[-2000:]
    assert out.stdout.strip() == ""
    # maxAttempts 1 still makes 2 turn requests (one retry outside the bounded loop).
    assert len([r for r in standin.requests() if r.get("status")]) <= 2
    assert secs < 60


def test_gemini_connection_refused_fails_fast_when_bounded(bin_path, tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    out, secs = _gemini(url, _repo(tmp_path), tmp_path, PROBE, bin_path=bin_path, max_attempts=1)
    assert out.returncode == 1
    assert "fetch failed sending request" in out.stderr, out.stderr[-2000:]
    assert secs < 60


# --- renn drives gemini through stage 2 ------------------------------------------------------


@pytest.mark.parametrize("config", ["profile", "command"])
def test_stage_2_end_to_end(config, make_project, make_renn, standin, capsys):
    agent = profile_agent(standin.url) if config == "profile" else command_agent()
    project = make_project(agent=agent, model_overrides=MODELS)
    renn = make_renn(project, standin.url)  # the endpoint in renn's environment too (command)
    if config == "profile":
        for k in endpoint(""):
            renn.env.pop(k, None)  # agent.env alone must reach the stand-in
    login(Path(renn.env["HOME"]))
    first = renn("run-stage", "2", json_events=True)
    second = renn("run-stage", "2", "--respond", "02-04", "approved", json_events=True)
    assert_stage_2_done(project, first, second)
    models = {(r.get("kind"), r.get("model")) for r in standin.requests() if not r.get("side")}
    assert models <= {("runner", RESOLVED["flash"]), ("continuation", RESOLVED["flash"]),
                      ("auditor", RESOLVED["pro"])}, models
    report_time(capsys, f"gemini/{config}", first, second)


def test_the_profile_picks_gemini_models_by_horsepower(make_project, make_renn, standin):
    """Without model_overrides the gemini profile's own table applies (never Claude's names)."""
    project = make_project(agent=profile_agent(standin.url), horsepower="budget")
    renn = make_renn(project, standin.url)
    login(Path(renn.env["HOME"]))
    res = renn("run-stage", "2")
    assert res.code == 4, f"{res.out[-2000:]}\n{log_tail(project, '02-02')}"
    models = {r.get("model") for r in standin.requests() if r.get("kind") == "runner" and not r.get("side")}
    assert models and not models & {"sonnet", "opus", "haiku"}, models
    assert models <= set(RESOLVED.values()) | {"gemini-2.5-pro", "gemini-3.5-flash", "gemini-3.1-flash-lite"}, models


# --- failures through renn ---------------------------------------------------------------------


def test_unauthorized_stops_the_stage_once(project, renn, standin):
    """Google answers a bad key with 400 API_KEY_INVALID ("API key not valid"), not 401."""
    standin.set_faults({"*": "unauthorized"})
    res = renn("run-stage", "2", "--on-failure", "continue", timeout=300)
    assert res.code == 6, res.out
    assert re.search(r"API key not valid|API_KEY_INVALID|authenticat", res.out, re.I), res.out
    assert len(re.findall(r"✗ Run \S+ failed", res.out)) <= 1, f"one message, not one per run:\n{res.out}"
    runs = {r["run"] for r in standin.requests() if r.get("run")}
    assert runs <= {"02-02"}, f"later runs burned time: {runs}"


@pytest.mark.parametrize("fault", ["overloaded", "rate_limited"])
def test_a_transient_api_error_is_retried_then_the_stage_goes_on(fault, project, renn, standin):
    """gemini retries 503/429 itself (backoff from 5 s); the stage must not notice one."""
    standin.set_faults({"02-02": f"once:{fault}", "02-03": f"once:{fault}"})
    res = renn("run-stage", "2", timeout=400)
    assert res.code == 4, f"{res.out[-3000:]}\n{log_tail(project, '02-02')}"
    assert (project / STAGE_DIR / "02-03-recap.md").exists()
    statuses = [r.get("status") for r in standin.requests()]
    assert statuses.count(503 if fault == "overloaded" else 429) == 2, statuses


# The words a person understands, from gemini's own error (not "status: 503" of its stack dump).
@pytest.mark.parametrize("fault,words", [("overloaded", r"model is overloaded"),
                                         ("rate_limited", r"exceeded your current quota")])
def test_a_persistent_api_error_fails_the_run_clearly(fault, words, make_project, make_renn, standin):
    project = make_project(agent=profile_agent(standin.url, retries={"attempts": 1, "backoff_secs": 1}), model_overrides=MODELS)
    standin.set_faults({"02-02": fault})
    renn = make_renn(project, standin.url)
    login(Path(renn.env["HOME"]), max_attempts=1)  # gemini's own retries: settings only
    res = renn("run-stage", "2", timeout=300)
    assert res.code in (3, 6), res.out
    line = failure_line(res.out, "02-02")
    assert re.search(words, line, re.I), f"the failure line should say why: {line!r}\n{res.out[-2000:]}"
    assert re.search(r"↻ Run 02-02", res.out), f"renn's own retry (agent.retries) never came:\n{res.out[-2000:]}"
    assert res.seconds < 120, f"took {res.seconds:.0f} s"


def test_connection_refused_says_why(make_project, make_renn):
    import socket
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    project = make_project(agent=profile_agent(url), model_overrides=MODELS)
    renn = make_renn(project, url)
    login(Path(renn.env["HOME"]), max_attempts=1)
    res = renn("run-stage", "2", timeout=400)
    assert res.code in (3, 6), res.out
    line = failure_line(res.out, "02-02")
    assert re.search(r"fetch failed|ECONNREFUSED|refused", line, re.I), f"{line!r}\n{res.out[-2000:]}"


def test_a_hung_agent_times_out_and_leaves_no_process(make_project, make_renn, standin):
    before = _sleepers()
    project = make_project(agent=profile_agent(standin.url, timeout_secs=20), model_overrides=MODELS)
    standin.set_faults({"02-02": "hang"})
    renn = make_renn(project, standin.url)
    login(Path(renn.env["HOME"]))
    try:
        res = renn("run-stage", "2", timeout=300)
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
