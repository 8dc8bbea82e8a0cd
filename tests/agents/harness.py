"""What every real-agent test needs, written once and vendor-neutral: the pinned CLIs on
PATH, renn's binary, a running stand-in, a git copy of examples/demo, and a renn call.

A vendor is described by a `Vendor` (how its CLI is pointed at a stand-in, which profile
renn uses); conftest.py turns these into fixtures, and a test module picks its vendor by
overriding the `vendor` fixture (test_claude.py: CLAUDE).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "demo"
STAGE_DIR = ".renn/stages/02-accounts"


@dataclass
class Vendor:
    name: str  # the CLI's name: claude | codex | gemini
    standin: str  # the adapter module under tests/agents/standin/
    env: Callable[[str], dict]  # base URL of the stand-in → the environment a user sets
    agent: dict = field(default_factory=dict)  # renn's `agent` config ({} = renn's defaults)


def claude_env(url: str) -> dict:
    """Exactly what a claude user sets: the endpoint, a key, no side traffic; as root the
    sandbox flag bypassPermissions needs."""
    env = {
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_API_KEY": "sk-ant-standin",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
    }
    if os.geteuid() == 0:
        env["IS_SANDBOX"] = "1"
    return env


CLAUDE = Vendor("claude", "anthropic", claude_env)

PINS = {
    "claude": "@anthropic-ai/claude-code@2.1.332",
    "codex": "@openai/codex@0.171.0",
    "gemini": "@google/gemini-cli@0.61.0",
}


def agent_bin_path() -> str:
    """The cached CLIs' bin directories. scripts/agents.sh exports them; run directly,
    pytest installs what is missing through the same script (never skips)."""
    if os.environ.get("RENN_AGENT_BIN_PATH"):
        return os.environ["RENN_AGENT_BIN_PATH"]
    out = subprocess.run(["bash", str(REPO / "scripts/agents.sh"), "--install-only"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def renn_bin() -> str:
    if os.environ.get("RENN_BIN"):
        return os.environ["RENN_BIN"]
    subprocess.run(["cargo", "build", "--quiet", "-p", "renn-cli"], cwd=REPO, check=True)
    return str(REPO / "target/debug/renn")


class Standin:
    """A stand-in server in its own process (as in production the CLI talks to another
    process), with a faults file the test can rewrite between renn calls and a request log."""

    def __init__(self, vendor: str, workdir: Path):
        self.vendor = vendor
        self.log = workdir / f"standin-{vendor}.jsonl"
        self.faults_file = workdir / "faults.json"
        self.set_faults({})
        ready = workdir / f"standin-{vendor}.port"
        env = {**os.environ, "RENN_STANDIN_FAULTS": str(self.faults_file)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.agents.standin.server", "--vendor", vendor,
             "--port", "0", "--ready-file", str(ready), "--log", str(self.log)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "standin.err", "w"))
        deadline = time.monotonic() + 20
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"stand-in {vendor} did not start: {(workdir / 'standin.err').read_text()}")
            time.sleep(0.05)
        self.port = int(ready.read_text())
        self.url = f"http://127.0.0.1:{self.port}"

    def set_faults(self, faults: dict) -> None:
        self.faults_file.write_text(json.dumps(faults))

    def requests(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def demo_project(dest: Path, agent: dict | None = None, **config) -> Path:
    """A git repository holding a copy of examples/demo, committed, with a local identity
    (the agents commit too). `agent`/config entries are merged into .renn/config.json;
    an empty `agent` leaves renn's defaults in force, as a new user would."""
    shutil.copytree(DEMO, dest)
    cfg_path = dest / ".renn/config.json"
    cfg = json.loads(cfg_path.read_text())
    if agent:
        cfg["agent"] = {**cfg.get("agent", {}), **agent}
    cfg.update(config)
    if agent or config:
        cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.name", "Renn Test")
    git(dest, "config", "user.email", "renn-test@example.invalid")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "demo project")
    return dest


@dataclass
class Result:
    code: int
    out: str  # stdout and stderr interleaved, as a user sees them
    seconds: float
    events: list[dict]  # with --json: every event (each with "at", seconds since start)

    def runs(self) -> dict[str, float]:
        """Per-run agent wall time (run_exited's own figure), summed over attempts."""
        per: dict[str, float] = {}
        for e in self.events:
            if e.get("event") == "run_exited" and e.get("run"):
                per[e["run"]] = per.get(e["run"], 0.0) + float(e.get("seconds", 0))
        return per


    def agent_busy(self) -> float:
        """Seconds during which at least one agent was running (the union of their
        intervals): wall time minus this is renn's own share."""
        spans = sorted((e["at"] - float(e.get("seconds", 0)), e["at"])
                       for e in self.events if e.get("event") == "run_exited")
        busy, end = 0.0, float("-inf")
        for a, b in spans:
            if b > end:
                busy += b - max(a, end)
                end = b
        return busy


class Renn:
    """renn in a project, with the vendor's environment and the cached CLIs on PATH."""

    def __init__(self, binary: str, project: Path, env: dict, home: Path):
        self.binary, self.project = binary, project
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("ANTHROPIC_", "OPENAI_", "GEMINI_", "GOOGLE_", "CLAUDE_", "RENN_STANDIN"))}
        # A private HOME: the CLIs write settings, sessions and caches there.
        self.env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), **env})

    def __call__(self, *args: str, json_events: bool = False, timeout: float = 900) -> Result:
        cmd = [self.binary, *(["--json"] if json_events else []), *args]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=self.project, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        lines, events = [], []
        # A watchdog, since a silent renn never returns from readline: SIGINT first (renn
        # then stops its agents, which live in their own process groups), SIGKILL after.
        timer = threading.Timer(timeout, _interrupt, (proc,))
        timer.start()
        assert proc.stdout
        for line in proc.stdout:  # read as it comes: event times are when renn said them
            lines.append(line)
            if json_events and line.startswith("{"):
                try:
                    events.append({**json.loads(line), "at": round(time.monotonic() - start, 2)})
                except json.JSONDecodeError:
                    pass
        timer.cancel()
        code = proc.wait()
        out = "".join(lines)
        if json_events:  # the markdown a person would see, for failure messages
            out += "\n".join(e.get("markdown", "") for e in events if e.get("event") == "report")
        return Result(code, out, time.monotonic() - start, events)


def _interrupt(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def log_tail(project: Path, run: str, lines: int = 30) -> str:
    """The newest agent log of a run, for assertion messages."""
    logs = sorted((project / STAGE_DIR / "logs").glob(f"{run}-*.log"))
    return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:]) if logs else "(no log)"


def new_tmp(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
