# expect: TypedDict "StageStatus" has no key "stat"
from renn import Project

states = [s["stat"] for s in Project.load(".").status()["stages"]]
