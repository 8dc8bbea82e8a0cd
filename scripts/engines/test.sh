#!/usr/bin/env bash
# The runtime tests on real engines (docs/spec.md#runtimes): podman containers, a
# one-node Slurm and an sshd on 127.0.0.1, set up here (installed from Debian when
# missing, configured under ~/.cache/renn-tools/engines), and Kubernetes through a
# kubectl stand-in (Debian's kubectl checks each manifest); then
# cli/tests/run_stage/{engines,kubernetes,ssh}.rs run with --ignored.
# Slurm's daemons and the sshd are stopped again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
bash scripts/engines/podman.sh setup
eval "$(bash scripts/engines/podman.sh env)"
eval "$(bash scripts/engines/slurm.sh env)"
bash scripts/engines/kubectl.sh setup
eval "$(bash scripts/engines/kubectl.sh env)"
bash scripts/engines/sshd.sh setup
eval "$(bash scripts/engines/sshd.sh env)"
trap 'bash scripts/engines/slurm.sh stop || true; bash scripts/engines/sshd.sh stop || true' EXIT
bash scripts/engines/slurm.sh start
bash scripts/engines/sshd.sh start
echo "engines: ready in $(( $(date +%s) - start )) s"
cargo test --quiet -p renn-cli --test run_stage -- --ignored --test-threads 1 engines:: kubernetes:: ssh::
echo "engines: done in $(( $(date +%s) - start )) s"
