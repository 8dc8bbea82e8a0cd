# Type stubs of the native module. Hand-written, and proven to match the module by
# `python -m mypy.stubtest renn renn._renn` (scripts/bindings/python.sh). Results are
# the JSON shapes of `renn --json` (docs/api.md), typed with the TypedDicts of
# renn/types.py, which scripts/bindings/typeddicts.py generates from the Rust types
# (schema/api.json): a typo'd key fails under mypy.

import os
from collections.abc import Callable, Mapping
from typing import Any, Optional, Union, final

from .types import (
    Action,
    AgentReturn,
    Config,
    Diagnostic,
    Event,
    ExecutionState,
    Inventory,
    Models,
    Next,
    OnFailure,
    Plan,
    Progress,
    ProofView,
    StageDir,
    StageEvent,
    StageOnDisk,
    Status,
    Validation,
)

__all__ = [
    "InvalidFileError",
    "NotInitializedError",
    "PlanError",
    "Project",
    "RennError",
    "RennIoError",
    "StageError",
    "StageExecution",
    "StageRun",
    "__version__",
    "parse_return",
    "route_proof",
]

__version__: str

# What a running stage says besides its events: the open question, the result.
_JsonDict = dict[str, Any]

@final
class Project:
    """A `.renn/` project: `Project.load(path)` reads it from disk, `Project.from_files(files)`
    takes it from memory. Every method answers with the JSON shapes of `renn --json`
    (the TypedDicts of `renn.types`); failures raise a `RennError`. Diagnostic columns
    count characters (code points), as Python's `str` does."""

    def __repr__(self) -> str:
        """`Project(root='…', stages=N)`; `root=None` for `from_files`."""
    @classmethod
    def from_files(
        cls, files: Mapping[str, Union[str, bytes, None]], *, gitignored: bool = False
    ) -> Project:
        """A project from its files: project-relative paths to text, bytes or `None`."""
    @classmethod
    def load(cls, path: Union[str, os.PathLike[str]]) -> Project:
        """The project at `path` read from disk, every stage included."""
    def config(self) -> Config:
        """config.json as renn reads it, every default filled in."""
    def models(self) -> Models:
        """The model each agent runs with, as `renn models --json`."""
    def stages(self) -> list[StageDir]:
        """Every stage directory under `.renn/stages/`, in stage order."""
    def resolve_stage(self, stage: str) -> StageDir:
        """The stage directory a stage argument (`3`, `03`, `2.1`) names."""
    def inventory(self, stage: str) -> Inventory:
        """The stage's runs, recaps and duplicates, with what is wrong with them."""
    def plan(self, stage: str, *, gaps_only: bool = False) -> Plan:
        """The stage's Execution Plan; raises `PlanError` when the plan has errors."""
    def plan_markdown(self, stage: str, *, gaps_only: bool = False) -> str:
        """The Execution Plan as markdown, as `renn plan` prints it."""
    def validate(self, stage: str) -> Validation:
        """Every problem of the stage's plan at once (`renn validate --json`)."""
    def branch(self, stage: str) -> Optional[str]:
        """The git branch the stage runs on; `None` for branching strategy `none`."""
    def proof(self, stage: str) -> ProofView:
        """The stage's proof: read, checked against the safety rule, routed."""
    def proof_path(self, stage: str) -> Optional[str]:
        """Where the stage's proof is, or `None`."""
    def runner_prompt(self, run_id: str) -> str:
        """The prompt of the runner that executes run `run_id`."""
    def continuation_prompt(self, run_id: str, gate_output: str, response: str) -> str:
        """The prompt of the runner that resumes `run_id` after its gate."""
    def auditor_prompt(self, stage: str) -> str:
        """The prompt of the auditor that verifies the stage goal."""
    def status(self) -> Status:
        """Every stage's state, as `renn status --json`."""
    def next(self) -> Next:
        """What comes after the last completed stage of track.md."""
    def start_stage(
        self,
        stage: str,
        *,
        gaps_only: bool = False,
        only_batch: Optional[int] = None,
        on_failure: Optional[OnFailure] = None,
    ) -> StageExecution:
        """The stage's execution, ready for its `{"event": "start"}`."""
    def resume_stage(
        self,
        stage: str,
        on_disk: StageOnDisk,
        *,
        gaps_only: bool = False,
        only_batch: Optional[int] = None,
        on_failure: Optional[OnFailure] = None,
    ) -> StageExecution:
        """`start_stage` from what the host found on disk."""
    def run_stage(
        self,
        stage: str,
        *,
        gaps_only: bool = False,
        only_batch: Optional[int] = None,
        on_failure: Optional[OnFailure] = None,
        interactive: bool = True,
        respond: Optional[tuple[str, str]] = None,
        trust: bool = False,
        yes: bool = False,
        dry_run: bool = False,
        renn: Optional[Union[str, os.PathLike[str]]] = None,
        today: Optional[str] = None,
    ) -> StageRun: ...

@final
class StageRun:
    def __iter__(self) -> StageRun: ...
    def __next__(self) -> StageEvent: ...
    def respond(self, answer: str) -> None: ...
    def stop(self) -> None: ...
    @property
    def question(self) -> Optional[_JsonDict]: ...
    @property
    def result(self) -> Optional[_JsonDict]: ...
    def wait(
        self, on_event: Optional[Callable[[StageEvent], object]] = None
    ) -> Optional[_JsonDict]: ...

@final
class StageExecution:
    """A stage being executed: feed it events and perform the actions it returns."""

    def __repr__(self) -> str:
        """`StageExecution(stage='02', runs='1/6', status='…')`."""
    @staticmethod
    def restore(state: Union[ExecutionState, Mapping[str, Any]]) -> StageExecution:
        """An execution saved as its `state()` (by any front door)."""
    def next(self, event: Event) -> list[Action]:
        """Feeds one event and returns the actions to perform."""
    def state(self) -> ExecutionState:
        """The whole state: runs, phase, choices (save it, and `restore` it)."""
    def progress(self) -> Progress:
        """Where the execution is: current batch, runs done of total, gates waiting."""
    def pulse_text(self, pulse_md: str, track_md: Optional[str], today: str) -> str:
        """pulse.md with renn's lines set for the execution as it stands now."""
    def track_text(self, track_md: str, today: str) -> str:
        """track.md with this stage marked complete on `today`."""

def parse_return(output: str, file: Optional[str] = None) -> AgentReturn:
    """An agent's output: its RUN COMPLETE or GATE REACHED block."""

def route_proof(text: str, *, path: str, stage: str, title: str) -> ProofView:
    """A proof's text, checked against the safety rule and routed."""

class RennError(Exception):
    """Every failure of renn."""

    code: str
    message: str
    path: Optional[str]
    line: Optional[int]
    column: Optional[int]
    diagnostics: list[Diagnostic]

class NotInitializedError(RennError): ...
class StageError(RennError): ...
class PlanError(RennError): ...
class InvalidFileError(RennError): ...
class RennIoError(RennError): ...
