# expect: TypedDict "Diagnostic" has no key "colum"
from renn import Project

columns = [d["colum"] for d in Project.load(".").validate("2")["diagnostics"]]
