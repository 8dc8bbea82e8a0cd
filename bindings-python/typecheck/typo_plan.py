# expect: TypedDict "Plan" has no key "batchez"
from renn import Project

batches = len(Project.load(".").plan("2")["batchez"])
