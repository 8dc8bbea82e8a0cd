"""Diagnostic columns as Python counts them: characters (code points), which is what
the core counts, so `line[column - 1:]` starts at the value (docs/api.md). A run file
whose frontmatter line holds an accented letter, a curly quote and an astral emoji
before the erroneous value, read from memory and from disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import renn
from conftest import FIXTURES, read_tree

RUN = ".renn/stages/03-authentication/03-02-run.md"
LINE = (
    '{stage: 03-authentication, run: 02, type: execute, title: "Émile’s 🚀 signup", '
    'batch: two, depends_on: ["03-01"], autonomous: true}'
)
COLUMN = LINE.index("two") + 1


@pytest.fixture(params=["from_files", "load"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> renn.Project:
    shutil.copytree(FIXTURES / "bad-batch-not-number", tmp_path, dirs_exist_ok=True)
    path = tmp_path / RUN
    original = path.read_text(encoding="utf-8")
    body = original[original.index("\n---\n", 4) + len("\n---\n") :]
    path.write_text(f"---\n{LINE}\n---\n{body}", encoding="utf-8")
    if request.param == "load":
        return renn.Project.load(tmp_path)
    return renn.Project.from_files(read_tree(tmp_path, skip=("case.json", "expected.json")))


def test_the_line_is_not_ascii() -> None:
    # In UTF-16 (JavaScript) the emoji counts twice; in UTF-8 bytes é, ’ and 🚀 count more.
    assert len(LINE[: COLUMN - 1].encode("utf-16-le")) // 2 == COLUMN
    assert len(LINE[: COLUMN - 1].encode("utf-8")) > COLUMN


def test_validate_counts_code_points(project: renn.Project) -> None:
    [d] = project.validate("3")["diagnostics"]
    assert d["code"] == "batch-not-a-number"
    assert (d.get("line"), d.get("column")) == (2, COLUMN)
    assert LINE[COLUMN - 1 :].startswith("two")


def test_the_plan_error_counts_code_points(project: renn.Project) -> None:
    with pytest.raises(renn.PlanError) as e:
        project.plan("3")
    assert (e.value.path, e.value.line, e.value.column) == (RUN, 2, COLUMN)
    assert e.value.diagnostics[0].get("column") == COLUMN
