#!/usr/bin/env bash
# Sets everything up, builds renn, and runs its main job on the bundled example
# project: `renn run-stage 2` on a fresh git copy of examples/demo, with renn's
# built-in demo agent standing in for `claude` (no API key, no network). The stage
# stops at 02-04's human-verify gate, is resumed with --respond, and ends verified,
# committed, with the next stage offered.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet -p renn-cli
renn="$PWD/target/release/renn"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R examples/demo/. "$work"
cd "$work"
# The example's config keeps renn's default agent (the claude CLI); the demo swaps in
# the built-in demo agent. {renn} is the running renn binary.
python3 - <<'PY'
import json
cfg = json.load(open(".renn/config.json"))
cfg["agent"] = {"command": ["{renn}", "demo-agent", "{agent}", "{run_id}"], "timeout_secs": 120}
json.dump(cfg, open(".renn/config.json", "w"), indent=2)
PY
git init -q -b main
git -c user.name=demo -c user.email=demo@example.com add -A
git -c user.name=demo -c user.email=demo@example.com commit -q -m "Acme Notes: planned"
git config user.name "renn demo"
git config user.email demo@example.com

echo "== renn run-stage 2   (without a terminal, the gate of 02-04 pauses the stage: exit 4)"
status=0
# --trust: the demo agent is this project's own command, which renn runs only once trusted.
"$renn" run-stage 2 --trust </dev/null || status=$?
[ "$status" -eq 4 ] || { echo "expected exit 4 (waiting at a gate), got $status"; exit 1; }
echo "== renn run-stage 2 --respond 02-04 approved"
"$renn" run-stage 2 --respond 02-04 approved </dev/null
echo "== git log"
git log --oneline -n 20
