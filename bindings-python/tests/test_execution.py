"""renn.StageExecution: stage 2 of examples/demo driven by hand, as a host would,
asserting the actions the core asks for after every event."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest

import renn
from conftest import DEMO, complete_output, gate_output
from renn.types import Action, Event, Exit, FileOnDisk


def kinds(actions: list[Action]) -> list[str]:
    return [a["action"] for a in actions]


def spawned(actions: list[Action]) -> list[str]:
    return [a["run"] for a in actions if a["action"] == "spawn_runner"]


# A commit for each of three tasks; renn asks about those of the run's tasks that are
# not gates (02-03 has three, the others two).
COMMITS = ("abc1234", "bcd2345", "cde3456")
WORK_TASKS = {"02-03": 3}


def finish_run(ex: renn.StageExecution, run: str) -> list[Action]:
    exited = ex.next(
        {
            "event": "runner_exited",
            "run": run,
            "output": complete_output(run, COMMITS),
            "exit": {"exit": "success"},
        }
    )
    assert exited == [
        {
            "action": "check_evidence",
            "run": run,
            "recap_path": f".renn/stages/02-accounts/{run}-recap.md",
            "commits": list(COMMITS[: WORK_TASKS.get(run, 2)]),
        }
    ]
    return ex.next(
        {
            "event": "evidence",
            "run": run,
            "recap": "**ok**",
            "missing_commits": [],
            "outside_run": [],
        }
    )


def test_a_claim_without_a_commit_for_every_task_fails(execution: renn.StageExecution) -> None:
    execution.next({"event": "start"})
    actions = execution.next(
        {
            "event": "runner_exited",
            "run": "02-02",
            "output": complete_output("02-02", ("abc1234",)),
            "exit": {"exit": "success"},
        }
    )
    assert actions[0] == {
        "action": "notify",
        "notice": "run_failed",
        "run": "02-02",
        "reason": 'the runner said RUN COMPLETE but no row for task 2 "Session store tests"',
    }


@pytest.fixture
def execution(demo: renn.Project) -> renn.StageExecution:
    return demo.start_stage("2")


def test_starting_state(execution: renn.StageExecution) -> None:
    state = execution.state()
    assert state["phase"] == {"phase": "ready"}
    assert state["batches"] == [1, 2, 3]
    assert state["already_complete"] == ["02-01"]
    assert [r["status"] for r in state["runs"]] == ["pending"] * 5
    assert state["settings"]["on_failure"] == "ask"


def test_start_spawns_the_first_batch(execution: renn.StageExecution) -> None:
    actions = execution.next({"event": "start"})
    assert kinds(actions) == ["notify", "record_progress", "spawn_runner"]
    assert actions[0] == {
        "action": "notify",
        "notice": "batch_started",
        "batch": 1,
        "runs": ["02-02"],
    }
    assert actions[2] == {"action": "spawn_runner", "run": "02-02", "prompt": {"prompt": "runner"}}


def test_a_completed_batch_starts_the_next(execution: renn.StageExecution) -> None:
    execution.next({"event": "start"})
    actions = finish_run(execution, "02-02")
    assert {"action": "notify", "notice": "run_completed", "run": "02-02"} in actions
    assert {"action": "notify", "notice": "batch_completed", "batch": 1} in actions
    assert spawned(actions) == ["02-03", "02-04"]
    assert execution.progress() == {
        "current_batch": 2,
        "last_completed_run": "02-02",
        "runs_done": 2,
        "runs_total": 6,
        "pending_gates": [],
        "status": "Executing batch 2",
    }


def test_a_gate_is_asked_and_answered(execution: renn.StageExecution) -> None:
    execution.next({"event": "start"})
    finish_run(execution, "02-02")
    exited: Exit = {"exit": "success"}
    actions = execution.next(
        {"event": "runner_exited", "run": "02-04", "output": gate_output("02-04"), "exit": exited}
    )
    ask = [a for a in actions if a["action"] == "ask_gate"]
    assert len(ask) == 1 and ask[0]["gate"]["gate"] == "human-verify"
    # (run, gate) pairs are Rust tuples: they arrive as lists, as in the JSON.
    pending = execution.progress()["pending_gates"]
    assert isinstance(pending[0], list) and pending[0][0] == "02-04"
    answered = execution.next(
        {"event": "gate_answered", "run": "02-04", "response": {"kind": "approved"}}
    )
    resume = [a for a in answered if a["action"] == "spawn_runner"]
    assert resume[0]["run"] == "02-04"
    assert resume[0]["prompt"]["prompt"] == "continuation"
    assert resume[0]["prompt"]["response"] == {"kind": "approved"}


def test_the_whole_stage_to_the_auditor(execution: renn.StageExecution) -> None:
    execution.next({"event": "start"})
    actions: list[Action] = []
    for run in ["02-02", "02-03", "02-04", "02-05", "02-06"]:
        actions = finish_run(execution, run)
    assert {"action": "spawn_auditor"} in actions
    assert execution.state()["phase"] == {"phase": "auditing"}
    assert execution.progress()["runs_done"] == 6


def test_a_saved_state_restores_and_goes_on_the_same_way(
    execution: renn.StageExecution,
) -> None:
    execution.next({"event": "start"})
    finish_run(execution, "02-02")
    exited: Exit = {"exit": "success"}
    execution.next(
        {"event": "runner_exited", "run": "02-04", "output": gate_output("02-04"), "exit": exited}
    )
    # What a script keeps between two invocations: plain JSON.
    saved = json.loads(json.dumps(execution.state()))
    restored = renn.StageExecution.restore(saved)
    assert restored.state() == execution.state()
    answer: Event = {"event": "gate_answered", "run": "02-04", "response": {"kind": "approved"}}
    assert restored.next(answer) == execution.next(answer)
    assert restored.state() == execution.state()
    with pytest.raises(renn.InvalidFileError) as bad:
        renn.StageExecution.restore({**saved, "runs": "no"})
    assert bad.value.code == "bad-state"


def test_resume_stage_continues_a_gate_answered_before_the_host_stopped(
    demo: renn.Project,
) -> None:
    record: FileOnDisk = {
        "path": ".renn/stages/02-accounts/02-02-gate.md",
        "text": gate_output("02-02") + "\n<!-- renn: the user's answer -->\napproved\n",
    }
    execution = demo.resume_stage("2", {"gates": [record]})
    actions = execution.next({"event": "start"})
    assert {
        "action": "notify",
        "notice": "continuation_resumed",
        "run": "02-02",
        "response": {"kind": "approved"},
    } in actions
    spawn = [a for a in actions if a["action"] == "spawn_runner"]
    assert spawn[0]["prompt"]["prompt"] == "continuation"
    with pytest.raises(renn.InvalidFileError) as bad:
        demo.resume_stage("2", cast(Any, {"gates": "none"}))
    assert bad.value.code == "bad-on-disk"


def test_only_batch_and_on_failure_options(demo: renn.Project) -> None:
    execution = demo.start_stage("2", only_batch=2, on_failure="stop")
    state = execution.state()
    assert state["batches"] == [2]
    assert [r["id"] for r in state["runs"]] == ["02-03", "02-04"]
    assert state["settings"]["on_failure"] == "stop"
    gaps = demo.start_stage("2", gaps_only=True).state()
    assert [r["id"] for r in gaps["runs"]] == ["02-06"]


def test_a_bad_on_failure_is_a_value_error(demo: renn.Project) -> None:
    with pytest.raises(ValueError, match="on_failure"):
        demo.start_stage("2", on_failure="sometimes")  # type: ignore[arg-type]


def test_a_rejected_event_changes_nothing(execution: renn.StageExecution) -> None:
    execution.next({"event": "start"})
    before = execution.state()
    with pytest.raises(renn.InvalidFileError) as e:
        execution.next({"event": "start"})
    assert e.value.code == "rejected-event"
    assert "does not apply now" in e.value.message
    assert execution.state() == before


def test_an_unknown_event_is_a_bad_event(execution: renn.StageExecution) -> None:
    for event in ({"event": "bogus"}, {"no": "tag"}, {"event": "runner_exited", "run": "02-02"}):
        with pytest.raises(renn.InvalidFileError) as e:
            execution.next(cast(Any, event))
        assert e.value.code == "bad-event"
        assert str(e.value.diagnostics[0].get("hint")).startswith("events are objects tagged by")


def test_an_event_that_is_not_data_is_a_type_error(execution: renn.StageExecution) -> None:
    with pytest.raises(TypeError, match="not plain data"):
        execution.next(cast(Any, {"event": object()}))


def test_pulse_text_records_the_position(demo: renn.Project, execution: renn.StageExecution) -> None:
    pulse = (DEMO / ".renn/pulse.md").read_text()
    track = (DEMO / ".renn/track.md").read_text()
    execution.next({"event": "start"})
    finish_run(execution, "02-02")
    text = execution.pulse_text(pulse, track, "2026-12-01")
    assert "Run: 2 of 6" in text
    assert "Status: Executing batch 2" in text
    assert "Last activity: 2026-12-01" in text
    assert "## Accumulated Context" in text  # everything else is kept
    assert execution.pulse_text(text, track, "2026-12-01") == text
    assert execution.pulse_text(pulse, None, "2026-12-01").startswith("# Project Pulse")


def test_track_text_marks_the_stage_complete(execution: renn.StageExecution) -> None:
    track = (DEMO / ".renn/track.md").read_text()
    text = execution.track_text(track, "2026-12-01")
    assert "- [x] **Stage 2: Accounts**" in text
    assert "| 2. Accounts | 6/6 | Complete | 2026-12-01 |" in text
    with pytest.raises(renn.InvalidFileError) as e:
        execution.track_text("# no stages here\n", "2026-12-01")
    assert e.value.code == "track-stage-missing"
