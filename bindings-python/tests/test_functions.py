"""The module-level functions: parse_return, route_proof and __version__."""

from __future__ import annotations

import json
import re

import pytest

import renn
from conftest import FIXTURES, ROOT, complete_output, gate_output


def test_version_is_the_crate_version() -> None:
    cargo = (ROOT / "Cargo.toml").read_text()
    match = re.search(r'^version = "([^"]+)"', cargo, re.MULTILINE)
    assert match is not None
    assert renn.__version__ == match.group(1)


def test_parse_return_of_a_complete_run() -> None:
    parsed = renn.parse_return(complete_output("03-02", ("abc1234", "def5678")))
    assert parsed["kind"] == "complete"
    assert parsed["run"] == "03-02"
    assert (parsed["tasks_done"], parsed["tasks_total"]) == (2, 2)
    assert [t["commit"] for t in parsed["tasks"]] == [
        {"kind": "hashes", "hashes": ["abc1234"]},
        {"kind": "hashes", "hashes": ["def5678"]},
    ]


def test_parse_return_of_a_gate() -> None:
    parsed = renn.parse_return(gate_output("03-01"), file="out.md")
    assert parsed["kind"] == "gate"
    assert parsed["gate"] == "human-verify"
    assert parsed["awaiting"] == "Say approved."


@pytest.mark.parametrize("case", sorted(p.name for p in FIXTURES.glob("return-*")))
def test_parse_return_without_a_file_name(case: str) -> None:
    """The fixtures' outputs with no file name: the same return, or the same
    diagnostic without its "file" (conformance checks the named form)."""
    output = (FIXTURES / case / "output.md").read_text()
    expected = json.loads((FIXTURES / case / "expected.json").read_text())
    if "error" not in expected:
        assert renn.parse_return(output) == expected
        return
    with pytest.raises(renn.InvalidFileError) as e:
        renn.parse_return(output)
    (want,) = expected["error"]["diagnostics"]
    del want["file"]
    assert e.value.diagnostics == [want]
    assert e.value.message == want["message"]


def test_parse_return_without_a_file_names_none() -> None:
    with pytest.raises(renn.InvalidFileError) as e:
        renn.parse_return("just prose")
    assert e.value.code == "unusable-return"
    assert e.value.path is None
    assert "file" not in e.value.diagnostics[0]


@pytest.mark.parametrize(
    "case",
    [
        "proof-gaps-found",
        "proof-human-needed",
        "proof-override",
        "proof-passed",
        "proof-style-subsections-h3",
        "proof-none-reasons",
        "proof-yaml-score-colon",
        "proof-other-name",
        "proof-no-runs",
    ],
)
def test_route_proof_equals_the_projects_proof(case: str) -> None:
    project = renn.Project.load(FIXTURES / case)
    view = project.proof("3")
    text = (FIXTURES / case / view["path"]).read_text()
    title = "Authentication"  # the track's (a stage without run files has no plan)
    assert renn.route_proof(text, path=view["path"], stage="3", title=title) == view


def test_route_proof_of_a_malformed_proof() -> None:
    with pytest.raises(renn.InvalidFileError) as e:
        renn.route_proof("---\nstatus: sortof\n---\n", path="p.md", stage="3", title="T")
    assert e.value.path == "p.md"
    assert e.value.line == 2
