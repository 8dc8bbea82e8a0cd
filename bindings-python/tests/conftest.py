"""Shared paths and helpers of the renn Python suite. Every test runs against the
built extension module (`maturin develop` or `pip install`), never a mock."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import pytest

import renn

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DEMO = ROOT / "examples" / "demo"

Files = dict[str, Union[str, bytes, None]]


def read_tree(root: Path, skip: tuple[str, ...] = ()) -> Files:
    """A directory as `Project.from_files` takes it, the way cli/tests/conformance.rs
    reads a case: every directory as a "path/" key, every file's content as bytes."""
    files: Files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_dir():
            files[rel + "/"] = None
        elif rel not in skip:
            files[rel] = path.read_bytes()
    return files


@pytest.fixture(scope="session")
def demo() -> renn.Project:
    return renn.Project.load(DEMO)


@pytest.fixture(scope="session")
def demo_files() -> Files:
    return read_tree(DEMO)


def complete_output(run: str, commits: tuple[str, ...] = ("abc1234",)) -> str:
    """A runner's output ending with RUN COMPLETE, one task per commit."""
    rows = "".join(f"| {i} | task {i} | {c} | a.py |\n" for i, c in enumerate(commits, 1))
    n = len(commits)
    return (
        f"Done.\n\n## RUN COMPLETE\n**Run:** {run} **Tasks:** {n}/{n}\n\n"
        f"| Task | Name | Commit | Files |\n|---|---|---|---|\n{rows}"
    )


def gate_output(run: str) -> str:
    """A runner's output stopping at a human-verify gate after its first task."""
    return (
        f"## GATE REACHED\n**Type:** human-verify\n**Run:** {run}\n"
        "**Progress:** 1/2 tasks complete\n### Completed Tasks\n"
        "| Task | Name | Commit | Files |\n|--|--|--|--|\n| 1 | a | abc1234 | a.py |\n"
        "### Current Task\n**Task 2:** Check the reset email\n"
        "**Status:** awaiting verification\n### Gate Details\nOpen MailHog.\n"
        "### Awaiting\nSay approved.\n"
    )


def typed(value: Any) -> Any:
    """`value` with every scalar and container tagged by its Python type, so that
    comparing two of them tells `True` from `1` and a tuple from a list, which
    plain `==` does not: results must be exactly what `json.load` gives."""
    if isinstance(value, dict):
        return ("dict", {k: typed(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    return (type(value).__name__, value)
