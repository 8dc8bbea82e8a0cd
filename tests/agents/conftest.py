"""Fixtures of the real-agent suite, shared by every vendor's test module.

A module chooses its CLI by overriding `vendor` (default: claude), e.g.

    @pytest.fixture
    def vendor():
        return Vendor("codex", "openai", codex_env, {"profile": "codex"})

and then uses `standin` (its stand-in, running), `project` (a git copy of examples/demo with
the vendor's `agent` config) and `renn` (renn in that project with the vendor's environment).
`make_project` and `make_renn` build more when one test needs another configuration.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `tests.agents.*` imports

from tests.agents.harness import CLAUDE, Renn, Standin, agent_bin_path, demo_project, renn_bin  # noqa: E402


@pytest.fixture(scope="session")
def bin_path() -> str:
    return agent_bin_path()


@pytest.fixture(scope="session")
def renn_binary() -> str:
    return renn_bin()


@pytest.fixture
def vendor():
    return CLAUDE


@pytest.fixture
def standin(vendor, tmp_path):
    s = Standin(vendor.standin, tmp_path)
    yield s
    s.stop()


@pytest.fixture
def make_project(vendor, tmp_path):
    """make_project(name="demo", agent={...}, **config): the vendor's agent config merged
    with the test's."""
    def make(name: str = "demo", agent: dict | None = None, **config) -> Path:
        return demo_project(tmp_path / name, {**vendor.agent, **(agent or {})}, **config)
    return make


@pytest.fixture
def project(make_project) -> Path:
    return make_project()


@pytest.fixture
def make_renn(vendor, renn_binary, bin_path, tmp_path):
    """make_renn(project, url): renn in `project` with the vendor's environment pointed at
    `url` (a stand-in's, or one nothing listens on)."""
    def make(project: Path, url: str) -> Renn:
        env = {**vendor.env(url), "PATH": f"{bin_path}{os.pathsep}{os.environ.get('PATH', '')}"}
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        return Renn(renn_binary, project, env, home)
    return make


@pytest.fixture
def renn(make_renn, project, standin) -> Renn:
    return make_renn(project, standin.url)
