# expect: TypedDict "StageEventRunExited" has no key "exitt"
from renn.types import StageEvent


def describe(event: StageEvent) -> object:
    if event["event"] == "run_exited":
        return event["exitt"]
    return None
