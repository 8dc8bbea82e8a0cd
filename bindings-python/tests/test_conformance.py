"""The conformance cases of tests/fixtures/, through the Python front door: every
case must give exactly its expected.json, via Project.from_files (the files read
as bytes, as cli/tests/conformance.rs does) and via Project.load(dir)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

import renn
from conftest import FIXTURES, read_tree, typed

CASES = sorted(p.parent for p in FIXTURES.glob("*/case.json"))


def test_the_full_fixture_set_is_found() -> None:
    assert len(CASES) >= 20, CASES


def run_case(case_dir: Path, open_project: Callable[[], renn.Project]) -> Any:
    case = json.loads((case_dir / "case.json").read_text())
    try:
        if case["command"] == "parse-return":
            output = (case_dir / case["file"]).read_text()
            return renn.parse_return(output, file=case["file"])
        project = open_project()
        stage = case.get("stage")
        if case["command"] == "plan":
            return project.plan(stage, gaps_only=case.get("gaps_only", False))
        if case["command"] == "validate":
            return project.validate(stage)
        if case["command"] == "proof":
            return project.proof(stage)
        if case["command"] == "status":
            return project.status()
        raise AssertionError(f"unknown command {case['command']}")
    except renn.RennError as e:
        return {"error": {"code": e.code, "message": e.message, "diagnostics": e.diagnostics}}


def expected(case_dir: Path) -> Any:
    return json.loads((case_dir / "expected.json").read_text())


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_case_through_from_files(case_dir: Path) -> None:
    files = read_tree(case_dir, skip=("case.json", "expected.json"))
    got = run_case(case_dir, lambda: renn.Project.from_files(files))
    assert typed(got) == typed(expected(case_dir))


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_case_through_load(case_dir: Path) -> None:
    got = run_case(case_dir, lambda: renn.Project.load(case_dir))
    assert typed(got) == typed(expected(case_dir))


def test_the_comparison_tells_types_apart() -> None:
    assert typed({"a": [1, True]}) == typed({"a": [1, True]})
    assert typed([1]) != typed((1,))
    assert typed(True) != typed(1)
    assert typed(1) != typed(1.0)
