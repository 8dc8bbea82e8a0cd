#!/usr/bin/env bash
# Sets everything up, builds renn, and shows its main job on the bundled example
# project (examples/demo): the plan of stage 2, its validation, models and branch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet -p renn-cli
renn=target/release/renn
demo=examples/demo
set -x
"$renn" --dir "$demo" models
"$renn" --dir "$demo" validate 2
"$renn" --dir "$demo" plan 2
"$renn" --dir "$demo" plan 2 --gaps-only
"$renn" --dir "$demo" branch 2
"$renn" --dir "$demo" plan 2 --json | head -30
