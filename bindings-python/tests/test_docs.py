"""What a person sees at the prompt: reprs, and docstrings in `help()`."""

from __future__ import annotations

import pydoc

import renn
from conftest import DEMO


def test_project_repr_names_the_root_and_the_stages(demo: renn.Project) -> None:
    assert repr(demo) == f"Project(root={str(DEMO)!r}, stages=2)"
    given = renn.Project.from_files({".renn/": None, ".renn/config.json": "{}"})
    assert repr(given) == "Project(root=None, stages=0)"


def test_stage_execution_repr(demo: renn.Project) -> None:
    execution = demo.start_stage("2")
    assert repr(execution).startswith("StageExecution(stage='02', runs='1/6', status=")


def test_every_method_has_a_docstring() -> None:
    for cls in (renn.Project, renn.StageExecution):
        assert cls.__doc__, cls
        for name, member in vars(cls).items():
            if callable(member) and not name.startswith("_"):
                assert getattr(member, "__doc__", None), f"{cls.__name__}.{name} has no docstring"
    for function in (renn.parse_return, renn.route_proof):
        assert function.__doc__
    text = pydoc.render_doc(renn.Project, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    assert "The stage's Execution Plan" in text
    assert "plan(self, /, stage, *, gaps_only=False)" in text
