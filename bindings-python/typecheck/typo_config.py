# expect: TypedDict "AgentConfig" has no key "comand"
from renn import Project

command = Project.load(".").config()["agent"]["comand"]
