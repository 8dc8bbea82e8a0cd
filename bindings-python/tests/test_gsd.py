"""A GSD project (.planning/) through the Python front door: examples/demo in GSD's
layout (scripts/gsd/demo.sh), opened with Project.load and Project.from_files, must plan,
validate and report status exactly as `renn --json plan|validate|status` does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

import renn
from conftest import ROOT, read_tree
from test_run_stage import renn_bin

PHASE = ".planning/phases/02-accounts"


@pytest.fixture(scope="module")
def gsd_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gsd") / "demo"
    subprocess.run(["bash", str(ROOT / "scripts/gsd/demo.sh"), str(path)], check=True)
    return path


def cli(path: Path, *args: str) -> Any:
    """`renn --json ARGS` in the project, without the schema version the API's values lack."""
    p = subprocess.run([str(renn_bin()), "--json", *args], cwd=path, capture_output=True, text=True)
    # validate exits 1 when the plan has errors; its JSON is still the answer.
    assert p.returncode == 0 or args[0] == "validate", p.stderr
    value = json.loads(p.stdout)
    assert isinstance(value.pop("schema"), int)
    return value


OPENERS: dict[str, Callable[[Path], renn.Project]] = {
    "load": lambda path: renn.Project.load(path),
    "from_files": lambda path: renn.Project.from_files(read_tree(path)),
}


@pytest.mark.parametrize("way", OPENERS)
def test_a_gsd_project_plans_as_the_cli(gsd_demo: Path, way: str) -> None:
    project = OPENERS[way](gsd_demo)
    plan = project.plan("2")
    assert plan == cli(gsd_demo, "plan", "2")
    assert plan["stage"]["dir"] == PHASE
    assert [r["path"] for r in plan["runs"]] == [f"{PHASE}/02-0{n}-PLAN.md" for n in range(1, 7)]
    assert plan["runs"][0].get("recap") == f"{PHASE}/02-01-SUMMARY.md"
    assert plan["skipped"]["complete"] == ["02-01"]
    gaps = project.plan("2", gaps_only=True)
    assert gaps == cli(gsd_demo, "plan", "2", "--gaps-only")
    assert [r for b in gaps["batches"] for r in b["runs"]] == ["02-06"]


@pytest.mark.parametrize("way", OPENERS)
def test_a_gsd_project_validates_and_reports_status_as_the_cli(gsd_demo: Path, way: str) -> None:
    project = OPENERS[way](gsd_demo)
    assert project.validate("2") == cli(gsd_demo, "validate", "2")
    assert project.status() == cli(gsd_demo, "status")
