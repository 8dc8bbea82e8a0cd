"""Project.run_stage: whole stages of examples/demo executed on renn-host, the CLI's
own host, with renn's demo agent — a gate answered from here, a failure answered, a
stop and a resume — and the events compared with the CLI's for the same project."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import time
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import Any, Optional

import pytest

import renn

from conftest import ROOT
from renn.types import StageEvent

TODAY = "2026-11-24"
PROOF = ".renn/stages/02-accounts/02-proof.md"


def renn_bin() -> Path:
    """The renn binary `{renn}` names: RENN_BIN, else the workspace's build."""
    candidates = [os.environ.get("RENN_BIN"), ROOT / "target/debug/renn", ROOT / "target/release/renn"]
    for c in candidates:
        if c and Path(c).exists():
            return Path(c)
    raise RuntimeError("no renn binary: `cargo build -p renn-cli` first, or set RENN_BIN")


@pytest.fixture(autouse=True)
def _own_trust_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENN_CONFIG_DIR", str(tmp_path / "config"))


def demo(tmp_path: Path, name: str, *extra: str) -> Path:
    """A fresh git copy of examples/demo (tests/support/demo-project.sh)."""
    path = tmp_path / name
    subprocess.run(["bash", str(ROOT / "tests/support/demo-project.sh"), str(path), *extra], check=True)
    return path


def run(path: Path, **options: Any) -> renn.StageRun:
    return renn.Project.load(path).run_stage("2", trust=True, renn=renn_bin(), today=TODAY, **options)


def shape(events: Sequence[Mapping[str, Any]]) -> list[str]:
    """What two executions share: event names with their run, kind and outcome, sorted
    (runs of a batch finish in any order)."""
    keys = []
    for e in events:
        outcome: Optional[str] = (e.get("outcome") or {}).get("outcome") if isinstance(e.get("outcome"), dict) else None
        keys.append(" ".join(str(x) for x in (e["event"], e.get("run"), e.get("kind"), outcome) if x is not None))
    return sorted(keys)


def test_a_gate_answered_from_python_completes_the_stage(tmp_path: Path) -> None:
    stage = run(demo(tmp_path, "demo"))
    assert stage.result is None
    events = []
    for event in stage:
        events.append(event)
        if event["event"] == "question":
            question = {k: v for k, v in event.items() if k not in ("event", "schema", "time")}
            assert stage.question == question
            assert event["kind"] == "gate"
            assert (event["run"], event["gate"]) == ("02-04", "human-verify")
            stage.respond("approved")
    assert stage.result == {"exit": "done", "code": 0}
    assert repr(stage) == "StageRun(stage='2', exit='done')"
    assert all(e["schema"] == 1 for e in events)
    spawned = sorted(e["run"] for e in events if e["event"] == "run_spawned")
    assert spawned == ["02-02", "02-03", "02-04", "02-04", "02-05", "02-06", "auditor"]
    assert [e["event"] for e in events][-2:] == ["next", "stage_completed"]
    assert "status: passed" in (tmp_path / "demo" / PROOF).read_text()


def test_without_questions_it_pauses_and_resumes_event_for_event_as_the_cli(tmp_path: Path) -> None:
    binding = demo(tmp_path, "binding")
    first = run(binding, interactive=False)
    first_events = list(first)
    assert first.result == {"exit": "awaiting_response", "code": 4}
    second = run(binding, interactive=False, respond=("02-04", "approved"))
    second_events: list[StageEvent] = []
    assert second.wait(second_events.append) == {"exit": "done", "code": 0}

    cli = demo(tmp_path, "cli")
    env = {**os.environ, "RENN_TODAY": TODAY}

    def renn_cli(*args: str) -> tuple[int, list[dict[str, Any]]]:
        p = subprocess.run([str(renn_bin()), "--json", "run-stage", "2", "--trust", *args], cwd=cli, env=env, capture_output=True, text=True)
        return p.returncode, [json.loads(line) for line in p.stdout.splitlines()]

    code, cli_first = renn_cli()
    assert code == 4
    code, cli_second = renn_cli("--respond", "02-04", "approved")
    assert code == 0
    assert shape(first_events) == shape(cli_first)
    assert shape(second_events) == shape(cli_second)
    for f in (".renn/pulse.md", ".renn/track.md", PROOF):
        assert (binding / f).read_text() == (cli / f).read_text(), f


def test_a_failure_answered_with_retry(tmp_path: Path) -> None:
    stage = run(demo(tmp_path, "demo", "fail-once", "02-02"), on_failure="ask")
    asked = []
    for event in stage:
        if event["event"] == "question":
            asked.append(event["kind"])
            if event["kind"] == "failure":
                assert [f["run"] for f in event["failed"]] == ["02-02"]
            stage.respond("retry" if event["kind"] == "failure" else "approved")
    assert asked == ["failure", "gate"]
    assert stage.result == {"exit": "done", "code": 0}


def test_stop_then_a_later_run_stage_resumes(tmp_path: Path) -> None:
    path = demo(tmp_path, "demo")
    stage = run(path)
    for event in stage:
        if event["event"] == "run_spawned":
            stage.stop()
    assert stage.result == {"exit": "stopped", "code": 6}
    again = run(path)

    def answer(event: StageEvent) -> None:
        if event["event"] == "question":
            again.respond("approved")

    assert again.wait(answer) == {"exit": "done", "code": 0}
    assert "status: passed" in (path / PROOF).read_text()


def test_misuse_is_refused(tmp_path: Path) -> None:
    path = demo(tmp_path, "demo")
    stage = run(path, dry_run=True)
    with pytest.raises(renn.RennError) as e:
        stage.respond("approved")
    assert e.value.code == "respond-not-waiting"
    assert stage.wait() == {"exit": "done", "code": 0}
    with pytest.raises(renn.RennError) as e:
        renn.Project.from_files({".renn/config.json": "{}"}).run_stage("2")
    assert e.value.code == "no-project-dir"
    with pytest.raises(ValueError, match="on_failure"):
        renn.Project.load(path).run_stage("2", on_failure="later")  # type: ignore[arg-type]
    with pytest.raises(renn.StageError, match="No stage directory matching '9'"):
        renn.Project.load(path).run_stage("9", trust=True, renn=renn_bin()).wait()


def test_a_run_no_one_holds_stops_and_frees_the_project(tmp_path: Path) -> None:
    path = demo(tmp_path, "demo")
    stage = run(path)
    for event in stage:
        if event["event"] == "run_spawned":
            break
    del stage  # nobody could answer its questions: it stops, agents and all
    gc.collect()
    deadline = time.monotonic() + 60
    while True:
        try:
            again = run(path)
            result = again.wait(lambda e: again.respond("approved") if e["event"] == "question" else None)
            break
        except renn.RennError as e:
            # Until the dropped run has stopped, the project is busy.
            if e.code != "busy" or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert result == {"exit": "done", "code": 0}
