"""Print a stage's Execution Plan with renn's Python package.

    pip install ./bindings-python
    python examples/python/plan.py examples/demo 2
"""

from __future__ import annotations

import sys

import renn


def main(root: str, stage: str) -> int:
    try:
        project = renn.Project.load(root)
        plan = project.plan(stage)
    except renn.StageError as e:
        print(f"no such stage: {e}", file=sys.stderr)
        return 2
    except renn.RennError as e:
        where = f"{e.path}:{e.line}" if e.path else "renn"
        print(f"{where}: {e.code}: {e.message}", file=sys.stderr)
        return 1
    for batch in plan["batches"]:
        print(f"batch {batch['batch']}: {', '.join(batch['runs'])}")
    print()
    print(project.plan_markdown(stage), end="")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plan.py PROJECT_DIR STAGE")
    sys.exit(main(sys.argv[1], sys.argv[2]))
