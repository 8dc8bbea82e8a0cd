"""Runs a whole stage from Python: progress from the events, questions answered on the
terminal. Ctrl-C stops the stage cleanly (a later run resumes it).

    python examples/python/run_stage.py PROJECT_DIR STAGE
"""

from __future__ import annotations

import sys

import renn


def main(directory: str, stage: str) -> int:
    run = renn.Project.load(directory).run_stage(stage, on_failure="ask")
    for event in run:
        if event["event"] == "question":
            run.respond(input(f"{event['text']} "))
        elif event["event"] != "report":
            print(event["event"], event.get("run", ""))
    result = run.result
    print(result)
    return int(result["code"]) if result else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
