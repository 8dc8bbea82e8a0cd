#!/usr/bin/env bash
# Installs what renn's build and tests need, each only when missing or at the wrong
# version, and builds every front door: the CLI, the WASM build of the core
# (bindings-wasm/pkg), the napi addon (bindings-node) and the Python package (into
# .venv). Safe to run again; prints what it does.
#   scripts/setup.sh           tools + every build
#   scripts/setup.sh --tools   the Rust target only (the binding scripts set up their own tools)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target (renn-core must build for it)"
  rustup target add wasm32-unknown-unknown
fi
[[ ${1:-} == --tools ]] && exit 0

cargo build --release --quiet -p renn-cli
bash scripts/bindings/wasm.sh --no-test
bash scripts/bindings/node.sh --no-test
bash scripts/bindings/python.sh --no-test
