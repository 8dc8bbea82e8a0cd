#!/usr/bin/env bash
# Every test of renn, from a fresh clone: formatting, lints, the wasm32 build of the
# pure core, and the whole test suite (unit, snapshot, property, conformance, CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== format";  cargo fmt --all -- --check
echo "== lint";    cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== wasm32";  cargo build --quiet -p renn-core --target wasm32-unknown-unknown
echo "== tests";   cargo test --workspace
