#!/usr/bin/env bash
# Every test of renn, from a fresh clone: formatting, lints, the wasm32 build of the
# pure core, the Rust test suite (unit, snapshot, property, conformance, CLI, run-stage
# scenarios), then each binding built and tested: WASM (its own tests, the browser
# build, the shared Node suite), the napi addon (the shared Node suite over napi and
# WASM, declarations) and Python (stubtest, mypy, pytest, pip install); then the release
# artifacts — the npm packages per platform and the manylinux wheel — built with zig for
# linux x64 (glibc, musl) and arm64, installed and used (scripts/bindings/artifacts.sh).
# The same fixtures (tests/fixtures/) run through every front door.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tools
echo "== format";  cargo fmt --all -- --check
echo "== lint";    cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== wasm32";  cargo build --quiet -p renn-core --target wasm32-unknown-unknown
cargo clippy --quiet -p renn-core --features wasm --target wasm32-unknown-unknown -- -D warnings
echo "== tests";   cargo test --workspace
echo "== wasm";    bash scripts/bindings/wasm.sh
echo "== node";    bash scripts/bindings/node.sh
echo "== python";  bash scripts/bindings/python.sh
echo "== artifacts"; bash scripts/bindings/artifacts.sh
echo "== agents";  bash scripts/agents.sh
