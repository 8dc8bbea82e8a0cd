# expect: TypedDict "ActionSpawnRunner" has no key "runn"
from renn import Project

for action in Project.load(".").start_stage("2").next({"event": "start"}):
    if action["action"] == "spawn_runner":
        print(action["runn"])
