#!/usr/bin/env bash
# Round trip through GSD's own tools: the demo in GSD's layout (scripts/gsd/demo.sh) is
# executed by renn (`renn run-stage 2` with the built-in demo agent, its checkpoint
# answered), then GSD 1.42.3 itself (scripts/gsd/install.sh) is asked about the result
# with the commands its execute-phase workflow uses — the SDK (`gsd-sdk query …`) and,
# where it counts files differently, the legacy gsd-tools.cjs:
#   roadmap.analyze, progress json, phase-plan-index 2, find-phase 2, verify phase-completeness
# It fails unless GSD reports phase 2 complete with every plan summarised, and phase 1
# exactly as it reported it before renn ran.
#   scripts/gsd/roundtrip.sh           build renn (debug), install GSD when missing, test
#   RENN_BIN=path scripts/gsd/roundtrip.sh   with that renn
#   KEEP=1 …                           keep the project (its path is printed)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

PKG=$(bash scripts/gsd/install.sh | tail -n 1)
if [[ -z ${RENN_BIN:-} ]]; then
  cargo build --quiet -p renn-cli
  RENN_BIN=$root/target/debug/renn
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/renn-gsd-roundtrip.XXXXXX")
if [[ -z ${KEEP:-} ]]; then
  trap 'rm -rf "$work"' EXIT
fi
proj=$work/proj
bash scripts/gsd/demo.sh "$proj"
cd "$proj"
python3 - <<'PY'
import json
path = ".planning/config.json"
cfg = json.load(open(path))
cfg["agent"] = {"command": ["{renn}", "demo-agent", "{agent}", "{run_id}"], "timeout_secs": 120}
json.dump(cfg, open(path, "w"), indent=2)
PY
git init -q -b main
git config user.name "renn gsd roundtrip"
git config user.email gsd@example.com
git add -A
git commit -q -m "docs(02): plan phase 2"

sdk() { node "$PKG/sdk/dist/cli.js" query "$@" --project-dir "$proj"; }
cjs() { node "$PKG/get-shit-done/bin/gsd-tools.cjs" "$@" --cwd "$proj"; }
# GSD's CLIs warn about renn's `agent` key in config.json on stderr; stdout is the JSON.
gsd_json() { "$@" 2>"$work/gsd.stderr" || { cat "$work/gsd.stderr" >&2; return 1; }; }

mkdir -p "$work/before" "$work/after"
snapshot() {
  local out=$1
  gsd_json sdk roadmap.analyze >"$out/roadmap-analyze.json"
  gsd_json cjs roadmap analyze >"$out/roadmap-analyze-cjs.json"
  gsd_json sdk progress json >"$out/progress.json"
  gsd_json sdk phase-plan-index 1 >"$out/phase-plan-index-1.json"
  gsd_json sdk phase-plan-index 2 >"$out/phase-plan-index-2.json"
  gsd_json sdk find-phase 2 >"$out/find-phase-2.json"
  gsd_json cjs verify phase-completeness 1 >"$out/completeness-1.json"
  gsd_json cjs verify phase-completeness 2 >"$out/completeness-2.json"
}
snapshot "$work/before"

echo "gsd roundtrip: renn run-stage 2 in $proj"
export RENN_TRUST=1
set +e
"$RENN_BIN" --json run-stage 2 >"$work/run-1.jsonl" 2>"$work/run-1.err" </dev/null
code=$?
set -e
if [[ $code != 4 ]]; then
  echo "gsd roundtrip: run-stage 2 should stop at 02-04's checkpoint (exit 4), got $code" >&2
  tail -n 20 "$work/run-1.jsonl" "$work/run-1.err" >&2
  exit 1
fi
if ! "$RENN_BIN" --json run-stage 2 --respond 02-04 approved >"$work/run-2.jsonl" 2>"$work/run-2.err" </dev/null; then
  echo "gsd roundtrip: run-stage 2 --respond 02-04 approved failed" >&2
  tail -n 20 "$work/run-2.jsonl" "$work/run-2.err" >&2
  exit 1
fi
snapshot "$work/after"

python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
def load(when, name):
    with open(os.path.join(work, when, name + ".json")) as f:
        return json.load(f)
failures = []
def check(cond, what, value=None):
    if not cond:
        failures.append(what + ("" if value is None else f": {json.dumps(value)}"))

def phase(analyze, number):
    return next((p for p in analyze["phases"] if p["number"] == number), None)

# Before: phase 1 complete, phase 2 partial (02-01 summarised), as GSD sees the demo.
b = phase(load("before", "roadmap-analyze"), "2")
check(b and b["disk_status"] == "partial" and b["summary_count"] == 1, "before: phase 2 partial", b)

for tool in ("roadmap-analyze", "roadmap-analyze-cjs"):
    after = load("after", tool)
    p2 = phase(after, "2")
    check(p2 is not None, f"{tool}: phase 2 listed", after)
    if p2:
        check(p2["plan_count"] == 6, f"{tool}: phase 2 has 6 plans", p2)
        check(p2["summary_count"] == 6, f"{tool}: phase 2 has 6 summaries", p2)
        check(p2["disk_status"] == "complete", f"{tool}: phase 2 disk_status complete", p2)
        check(p2["roadmap_complete"] is True, f"{tool}: phase 2 checked in ROADMAP.md", p2)
    check(after["completed_phases"] == 2, f"{tool}: 2 completed phases", after["completed_phases"])
    check(after.get("next_phase") == "3", f"{tool}: next phase 3", after.get("next_phase"))
    check(phase(after, "1") == phase(load("before", tool), "1"), f"{tool}: phase 1 as before",
          phase(after, "1"))

prog = load("after", "progress")
p2 = next((p for p in prog["phases"] if p["number"] == "02"), None)
check(p2 is not None and p2["plans"] == 6 and p2["summaries"] == 6, "progress: 02 6/6", p2)
# "Complete" needs a *-VERIFICATION.md with status: passed (GSD's determinePhaseStatus).
check(p2 is not None and p2["status"] == "Complete", "progress: 02 Complete", p2)
before_p1 = next(p for p in load("before", "progress")["phases"] if p["number"] == "01")
after_p1 = next((p for p in prog["phases"] if p["number"] == "01"), None)
check(after_p1 == before_p1, "progress: phase 01 as before", after_p1)
check(prog["total_plans"] == 9 and prog["total_summaries"] == 9, "progress: 9/9 plans",
      [prog["total_plans"], prog["total_summaries"]])

idx = load("after", "phase-plan-index-2")
check(idx["incomplete"] == [], "phase-plan-index 2: nothing incomplete", idx["incomplete"])
check(len(idx["plans"]) == 6 and all(p["has_summary"] for p in idx["plans"]),
      "phase-plan-index 2: 6 plans, each summarised", [(p["id"], p["has_summary"]) for p in idx["plans"]])
check(not any("noncanonical" in w or "plan-shaped" in w for w in idx.get("warnings", [])),
      "phase-plan-index 2: no plan-shaped extra files", idx.get("warnings"))
check(load("after", "phase-plan-index-1") == load("before", "phase-plan-index-1"),
      "phase-plan-index 1: as before", load("after", "phase-plan-index-1"))

found = load("after", "find-phase-2")
check(found.get("incomplete_plans") == [], "find-phase 2: no incomplete plans", found)
check(found.get("has_verification") is True, "find-phase 2: has a VERIFICATION", found)

c2 = load("after", "completeness-2")
check(c2["complete"] is True and c2["orphan_summaries"] == [], "verify phase-completeness 2", c2)
check(load("after", "completeness-1") == load("before", "completeness-1"),
      "verify phase-completeness 1: as before", load("after", "completeness-1"))

if failures:
    print("gsd roundtrip: GSD 1.42.3 disagrees with what renn wrote:", file=sys.stderr)
    for f in failures:
        print("  - " + f, file=sys.stderr)
    sys.exit(1)
print("gsd roundtrip: GSD 1.42.3 reports phase 2 complete (6/6 plans summarised, VERIFICATION passed), phase 1 unchanged")
PY
git -C "$proj" log --format=%s -1 | grep -qx 'docs(phase-02): complete phase execution' \
  || { echo "gsd roundtrip: the last commit is not docs(phase-02): complete phase execution" >&2; exit 1; }
[[ ! -e $proj/.renn ]] || { echo "gsd roundtrip: renn created .renn/ in a GSD project" >&2; exit 1; }
