#!/usr/bin/env bash
# The engines scale benchmark (cli/benches/engines.rs): sets podman up (the agent image)
# and a one-node Slurm (scripts/engines/{podman,slurm}.sh: installed from Debian when
# missing, configured under ~/.cache/renn-tools/engines), then runs
# `cargo bench -p renn-cli --bench engines` and prints the total time. Slurm's daemons
# are stopped again whatever happens. Extra arguments go to `cargo bench`; RENN_BENCH_*
# variables (see the benchmark's doc comment) pass through.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
bash scripts/engines/podman.sh setup
eval "$(bash scripts/engines/podman.sh env)"
eval "$(bash scripts/engines/slurm.sh env)"
trap 'bash scripts/engines/slurm.sh stop || true' EXIT
bash scripts/engines/slurm.sh start
echo "bench: engines ready in $(( $(date +%s) - start )) s"
built=$(date +%s)
cargo bench -p renn-cli --bench engines --no-run "$@"
echo "bench: built in $(( $(date +%s) - built )) s"
ran=$(date +%s)
cargo bench -p renn-cli --bench engines "$@"
now=$(date +%s)
echo "bench: benchmark ran in $(( now - ran )) s; total $(( now - start )) s (setup, build, benchmark)"
