"""renn for Python: plan, validate and execute the stages of a ``.renn/`` project.

The API of renn-core (docs/api.md) with Python names. Results are plain dicts and
lists with exactly the JSON shapes ``renn --json`` prints; failures raise
``RennError`` subclasses.
"""

from ._renn import (
    InvalidFileError,
    NotInitializedError,
    PlanError,
    Project,
    RennError,
    RennIoError,
    StageError,
    StageExecution,
    StageRun,
    __version__,
    parse_return,
    route_proof,
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
