"""renn's exceptions: one class per error kind, all RennError, with the report's
code, message, diagnostics and the first file position."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import renn
from conftest import FIXTURES, read_tree

SUBCLASSES = [
    renn.NotInitializedError,
    renn.StageError,
    renn.PlanError,
    renn.InvalidFileError,
    renn.RennIoError,
]


@pytest.mark.parametrize("cls", SUBCLASSES, ids=lambda c: c.__name__)
def test_every_error_class_is_a_renn_error(cls: type[renn.RennError]) -> None:
    assert issubclass(cls, renn.RennError)
    assert issubclass(renn.RennError, Exception)
    assert cls.__module__ == "renn"
    with pytest.raises(renn.RennError):
        raise cls("raised by hand")


def test_invalid_utf8_is_a_plan_error_at_line_3() -> None:
    case = FIXTURES / "bad-invalid-utf8"
    for project in (renn.Project.load(case), renn.Project.from_files(read_tree(case))):
        with pytest.raises(renn.PlanError) as e:
            project.plan("3")
        err = e.value
        assert err.code == "invalid-plan"
        assert (err.path, err.line, err.column) == (
            ".renn/stages/03-authentication/03-02-run.md",
            3,
            15,
        )
        assert err.diagnostics[0]["code"] == "invalid-utf8"
        assert str(err) == err.message
        assert err.message.startswith("the plan has 1 error(s):\nerror[invalid-utf8]")


def test_config_syntax_is_an_invalid_file_error_with_position() -> None:
    with pytest.raises(renn.InvalidFileError) as e:
        renn.Project.load(FIXTURES / "bad-config-syntax")
    assert e.value.path == ".renn/config.json"
    assert isinstance(e.value.line, int) and isinstance(e.value.column, int)
    assert str(e.value).startswith(f".renn/config.json:{e.value.line}:{e.value.column}: ")


def test_no_renn_dir_is_not_initialized(tmp_path: Path) -> None:
    with pytest.raises(renn.NotInitializedError) as e:
        renn.Project.load(tmp_path)
    assert e.value.code == "not-initialized"
    assert (e.value.path, e.value.line, e.value.column) == (None, None, None)
    with pytest.raises(renn.NotInitializedError):
        renn.Project.from_files({"README.md": "hello"})


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda p: p.plan("../../etc"), "bad-stage-argument"),
        (lambda p: p.plan("7"), "no-stage-directory"),
        (lambda p: p.runner_prompt("nonsense"), "bad-run-id"),
        (lambda p: p.runner_prompt("02-09"), "no-such-run"),
        (lambda p: p.start_stage("9"), "no-stage-directory"),
    ],
    ids=["bad-stage-argument", "no-stage-directory", "bad-run-id", "no-such-run", "start"],
)
def test_stage_errors(demo: renn.Project, call, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(renn.StageError) as e:
        call(demo)
    assert e.value.code == code
    assert e.value.diagnostics[0]["code"] == code


def test_a_proof_that_is_missing_names_its_path() -> None:
    with pytest.raises(renn.InvalidFileError) as e:
        renn.Project.load(FIXTURES / "proof-missing").proof("3")
    assert e.value.code == "proof-missing"
    assert e.value.path is not None and e.value.path.endswith("-proof.md")


def test_an_unreadable_file_is_an_io_error(tmp_path: Path) -> None:
    stage = tmp_path / ".renn" / "stages" / "03-auth"
    stage.mkdir(parents=True)
    os.symlink(tmp_path / "nowhere.md", stage / "03-01-run.md")
    with pytest.raises(renn.RennIoError) as e:
        renn.Project.load(tmp_path)
    assert e.value.code == "io"
    assert e.value.path == ".renn/stages/03-auth/03-01-run.md"
