#!/usr/bin/env bash
# A git copy of examples/demo whose agent is renn's built-in demo agent, for the
# bindings' runStage tests (Node and Python use this one helper):
#   tests/support/demo-project.sh DIR [fail-once RUN]
# With `fail-once RUN`, RUN's first runner attempt fails (exit 3) before any work.
set -euo pipefail
dir=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
cp -R "$root/examples/demo/." "$dir"
cd "$dir"
command=('"{renn}"' '"demo-agent"' '"{agent}"' '"{run_id}"')
if [[ ${2:-} == fail-once ]]; then
  cat >fail-once.sh <<SH
#!/usr/bin/env bash
# Fails the first attempt of run $3 (a mark in the shared git directory), then plays
# the demo agent: "\$@" is renn's demo-agent command line, the run id its 4th word.
mark="\$(git rev-parse --git-common-dir)/renn-failed-once"
if [[ \${4:-} == "$3" && ! -e \$mark ]]; then
  touch "\$mark"; echo "simulated failure of $3" >&2; exit 3
fi
exec "\$@"
SH
  chmod +x fail-once.sh
  command=('"bash"' "\"$dir/fail-once.sh\"" "${command[@]}")
fi
python3 - "$(IFS=,; echo "${command[*]}")" <<'PY'
import json, sys
cfg = json.load(open(".renn/config.json"))
cfg["agent"] = {"command": json.loads("[" + sys.argv[1] + "]"), "timeout_secs": 120}
json.dump(cfg, open(".renn/config.json", "w"), indent=2)
PY
git init -q -b main
git -c user.name=demo -c user.email=demo@example.com add -A
git -c user.name=demo -c user.email=demo@example.com commit -q -m "Acme Notes: planned"
git config user.name "renn test"
git config user.email test@example.com
