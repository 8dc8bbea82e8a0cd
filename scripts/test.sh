#!/usr/bin/env bash
# Every test of renn, from a fresh clone: formatting, lints, the wasm32 build of the
# pure core and of its WASM exports (renn-wasm), the Windows type-check and lints of
# the host and the CLI (compiled, not run), the Rust test suite (unit, snapshot,
# property, conformance, CLI, run-stage scenarios), then each binding built and
# tested: WASM (its own tests, the browser
# build, the shared Node suite), the napi addon (the shared Node suite over napi and
# WASM, declarations), a GSD project executed by renn and read back by GSD 1.42.3's own
# tools (scripts/gsd/roundtrip.sh), the runtimes on real engines — podman containers, a
# one-node Slurm, an sshd on 127.0.0.1, Kubernetes through a kubectl stand-in
# (scripts/engines/test.sh) — and Python (stubtest, mypy, pytest, pip install); then the release
# artifacts — the npm packages per platform and the manylinux wheel — built with zig for
# linux x64 (glibc, musl) and arm64, installed and used (scripts/bindings/artifacts.sh).
# The same fixtures (tests/fixtures/) run through every front door.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tools
echo "== format";  cargo fmt --all -- --check
echo "== lint";    cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== wasm32";  cargo build --quiet -p renn-core --target wasm32-unknown-unknown
cargo build --quiet -p renn-wasm --target wasm32-unknown-unknown
cargo clippy --quiet -p renn-core -p renn-wasm --target wasm32-unknown-unknown -- -D warnings
echo "== windows"  # the host and the CLI type-check for Windows (not run: no Windows here)
if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
  echo "test: adding the x86_64-pc-windows-gnu target (the host must compile for Windows)"
  rustup target add x86_64-pc-windows-gnu
fi
cargo check --quiet --target x86_64-pc-windows-gnu -p renn-host -p renn-cli
cargo clippy --quiet --target x86_64-pc-windows-gnu -p renn-host -p renn-cli -- -D warnings
echo "== tests";   cargo test --workspace
echo "== wasm";    bash scripts/bindings/wasm.sh
echo "== node";    bash scripts/bindings/node.sh
echo "== gsd";     bash scripts/gsd/roundtrip.sh  # GSD 1.42.3's own tools read what renn wrote
echo "== engines"; bash scripts/engines/test.sh    # podman, a one-node Slurm, sshd on 127.0.0.1, kubectl stand-in
echo "== python";  bash scripts/bindings/python.sh
echo "== artifacts"; bash scripts/bindings/artifacts.sh
echo "== agents";  bash scripts/agents.sh
