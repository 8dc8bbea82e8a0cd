"""renn.Project against examples/demo: every method, through the real module."""

from __future__ import annotations

from pathlib import Path

import pytest

import renn
from conftest import DEMO, Files, gate_output


def test_load_accepts_str_and_pathlike(demo: renn.Project) -> None:
    assert renn.Project.load(str(DEMO)).stages() == demo.stages()
    assert renn.Project.load(Path(DEMO)).config() == demo.config()


def test_from_files_equals_load(demo: renn.Project, demo_files: Files) -> None:
    project = renn.Project.from_files(demo_files)
    assert project.plan("2") == demo.plan("2")
    assert project.next() == demo.next()


def test_from_files_takes_text_and_declares_empty_stage_dirs() -> None:
    project = renn.Project.from_files(
        {".renn/track.md": "# Track\n", ".renn/stages/05-empty/": None}
    )
    assert project.stages() == [
        {"number": "05", "name": "empty", "dir": ".renn/stages/05-empty"}
    ]
    with pytest.raises(renn.StageError) as e:
        project.plan("5")
    assert e.value.code == "no-runs"
    assert e.value.path == ".renn/stages/05-empty"


def test_from_files_refuses_escaping_paths_and_wrong_types() -> None:
    with pytest.raises(renn.InvalidFileError) as e:
        renn.Project.from_files({"../secret.md": "x"})
    assert e.value.code == "bad-path"
    with pytest.raises(TypeError, match="expected str, bytes or None"):
        renn.Project.from_files({".renn/track.md": 42})  # type: ignore[dict-item]


def test_gitignored_forces_commit_docs_off(demo_files: Files) -> None:
    assert renn.Project.from_files(demo_files).config()["commit_docs"] is True
    config = renn.Project.from_files(demo_files, gitignored=True).config()
    assert config["commit_docs"] is False
    assert config["commit_docs_configured"] is True


def test_config_keeps_unknown_keys_and_defaults(demo: renn.Project) -> None:
    config = demo.config()
    assert config["horsepower"] == "balanced"
    assert config["parallelization"] == {"enabled": True, "max_concurrent_agents": None}
    assert config["extra"] == {"editor_theme": "dark"}


def test_models_of_balanced_horsepower(demo: renn.Project) -> None:
    assert demo.models() == {
        "horsepower": "balanced",
        "models": {
            "renn-runner": "sonnet",
            "renn-auditor": "sonnet",
            "general-purpose": None,
        },
    }


def test_stages_and_resolve_stage(demo: renn.Project) -> None:
    assert [s["dir"] for s in demo.stages()] == [
        ".renn/stages/01-foundation",
        ".renn/stages/02-accounts",
    ]
    assert demo.resolve_stage("2") == demo.stages()[1]
    assert demo.resolve_stage("01")["name"] == "foundation"


def test_inventory_lists_every_run_with_completion(demo: renn.Project) -> None:
    inventory = demo.inventory("2")
    runs = {r["id"]: r for r in inventory["runs"]}
    assert list(runs) == ["02-01", "02-02", "02-03", "02-04", "02-05", "02-06"]
    assert runs["02-01"]["complete"] is True
    assert runs["02-01"]["recap"] == ".renn/stages/02-accounts/02-01-recap.md"
    assert runs["02-06"]["gap_closure"] is True
    assert inventory["batch_source"] == "frontmatter"
    assert inventory["diagnostics"] == []


def test_plan_batches_and_skips_complete_runs(demo: renn.Project) -> None:
    plan = demo.plan("2")
    assert plan["stage"]["title"] == "Accounts"
    assert [b["runs"] for b in plan["batches"]] == [
        ["02-02"],
        ["02-03", "02-04"],
        ["02-05", "02-06"],
    ]
    assert plan["skipped"]["complete"] == ["02-01"]


def test_plan_gaps_only_keeps_gap_closure_runs(demo: renn.Project) -> None:
    plan = demo.plan("2", gaps_only=True)
    assert [b["runs"] for b in plan["batches"]] == [["02-06"]]


def test_plan_markdown_is_the_execution_plan(demo: renn.Project) -> None:
    text = demo.plan_markdown("2")
    assert text.startswith("## Execution Plan\n")
    assert "**Stage 2: Accounts** — 5 runs across 3 batches" in text
    assert "Skipped, already complete: 02-01" in text
    assert "02-06 [gap closure]" in demo.plan_markdown("2", gaps_only=True)


def test_validate_a_clean_stage_warns_of_the_demos_own_config_key(demo: renn.Project) -> None:
    validation = demo.validate("2")
    assert (validation["error_count"], validation["warning_count"]) == (0, 1)
    [unknown] = validation["diagnostics"]
    assert (unknown["code"], unknown["file"], unknown["line"], unknown["column"]) == (
        "config-unknown-key",
        ".renn/config.json",
        6,
        3,
    )
    assert '"editor_theme"' in unknown["message"]


def test_branch_is_none_for_strategy_none(demo: renn.Project, demo_files: Files) -> None:
    assert demo.branch("2") is None
    files = dict(demo_files)
    files[".renn/config.json"] = '{"branching_strategy": "stage"}'
    branch = renn.Project.from_files(files).branch("2")
    assert branch == "renn/stage-02-accounts"


def test_proof_routes_a_passed_stage(demo: renn.Project) -> None:
    proof = demo.proof("1")
    assert proof["status"] == "passed"
    assert proof["score"] == [5, 5]  # a Rust tuple arrives as a list, like the JSON
    assert proof["route"] == {"route": "update_track"}
    assert proof["report"].startswith("## ✓ Stage 1: Foundation — Goal Verified")
    assert proof["warnings"] == []
    assert demo.proof_path("1") == proof["path"]
    assert demo.proof_path("2") is None


def test_runner_prompt_inlines_the_run(demo: renn.Project) -> None:
    prompt = demo.runner_prompt("02-02")
    assert "Execute run 02 of stage 02-accounts." in prompt
    assert ".renn/stages/02-accounts/02-02-recap.md" in prompt
    assert "Server-side session store keyed by random tokens." in prompt


def test_auditor_prompt_names_the_goal(demo: renn.Project) -> None:
    prompt = demo.auditor_prompt("2")
    assert "Verify stage 02 goal achievement." in prompt
    assert "Users can sign up, log in, log out and reset their password" in prompt


def test_continuation_prompt_carries_the_answer(demo: renn.Project) -> None:
    prompt = demo.continuation_prompt("02-04", gate_output("02-04"), "approved")
    assert "Continue run 04 of stage 02-accounts after its human-verify gate." in prompt
    assert "Resume at Task 2: Check the reset email." in prompt
    assert "The user approved. Continue with the next task." in prompt


def test_continuation_prompt_without_a_gate_is_an_error(demo: renn.Project) -> None:
    with pytest.raises(renn.InvalidFileError) as e:
        demo.continuation_prompt("02-04", "no return block here", "approved")
    assert e.value.code == "bad-return"
    assert e.value.path == "gate_output"
    with pytest.raises(renn.InvalidFileError) as e:
        demo.continuation_prompt("02-04", gate_output("02-04"), "  ")
    assert e.value.code == "empty-response"
    with pytest.raises(renn.InvalidFileError) as e:
        demo.continuation_prompt("02-03", gate_output("02-04"), "approved")
    assert e.value.code == "gate-run-mismatch"


def test_next_offers_the_first_open_stage(demo: renn.Project) -> None:
    assert demo.next() == {
        "kind": "stage",
        "number": "02",
        "title": "Accounts",
        "goal": "Users can sign up, log in, log out and reset their password",
        "planned": True,
        "command": "renn run-stage 2",
    }


def test_status_lists_every_stage(demo: renn.Project) -> None:
    status = demo.status()
    states = [(s["number"], s["state"], s["runs_done"], s["runs_total"]) for s in status["stages"]]
    assert states == [("01", "complete", 3, 3), ("02", "in_progress", 1, 6), ("03", "not_planned", 0, 0)]
    next_step = status["next"]
    assert next_step is not None and next_step["command"] == "renn run-stage 2"


def test_next_without_track_is_an_error() -> None:
    project = renn.Project.from_files({".renn/": None})
    with pytest.raises(renn.InvalidFileError) as e:
        project.next()
    assert e.value.code == "track-missing"
    assert e.value.path == ".renn/track.md"
