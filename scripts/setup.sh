#!/usr/bin/env bash
# Installs what renn's build and tests need, each only when missing or at the wrong
# version. Safe to run again; prints what it does.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target (renn-core must build for it)"
  rustup target add wasm32-unknown-unknown
fi
