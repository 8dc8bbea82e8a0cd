# What the typo_*.py files get wrong, written right: mypy --strict must accept it
# (scripts/bindings/python.sh). Only type-checked, never run.
from renn import Project
from renn.types import Diagnostic, Plan, StageEvent

project = Project.load(".")
plan: Plan = project.plan("2")
batches: int = len(plan["batches"])
command: list[str] = project.config()["agent"]["command"]
diagnostics: list[Diagnostic] = project.validate("2")["diagnostics"]
columns = [d["column"] for d in diagnostics if "column" in d]
execution = project.start_stage("2")
for action in execution.next({"event": "start"}):
    if action["action"] == "spawn_runner":
        print(action["run"])


def describe(event: StageEvent) -> str:
    if event["event"] == "run_exited":
        return f"{event['run']} exited: {event['reason']}"
    return event["event"]
