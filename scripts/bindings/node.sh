#!/usr/bin/env bash
# The npm package `renn` (bindings-node/, a napi-rs addon) from a fresh clone:
# install its npm tools when missing or stale, build it, and test it —
#   - the Node suite tests/node/ (RENN_IMPLS, default "napi,wasm"; every listed
#     implementation must be built, so run the WASM build first or set RENN_IMPLS=napi),
#   - the value types (types.d.ts) generated from schema/api.json, not stale,
#   - the generated declarations: test/usage.ts type-checked against them, then run
#     (tests/node/types.test.mjs: a typo fails tsc --strict, for napi and WASM).
# The published packages (`renn` and its per-platform packages, npm pack tarballs of the
# release builds) are built by scripts/package.sh and tested by scripts/bindings/artifacts.sh.
# `--bench` runs bindings-node/bench/plan.mjs after the tests; `--no-test` only builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=bindings-node

# npm ci when node_modules is missing or older than the lock file.
stamp=$pkg/node_modules/.package-lock.json
if [[ ! -f $stamp || $pkg/package-lock.json -nt $stamp ]]; then
  echo "node.sh: installing the npm tools of $pkg"
  (cd $pkg && npm ci --no-audit --no-fund)
fi

echo "== types: bindings-node/types.d.ts is what schema/api.json generates"
node scripts/bindings/types.mjs --check

echo "== napi build"
(cd $pkg && npm run --silent build)
[[ ${1:-} == --no-test ]] && exit 0

echo "== node tests (RENN_IMPLS=${RENN_IMPLS:-napi,wasm})"
RENN_IMPLS=${RENN_IMPLS:-napi,wasm} node --test tests/node/

echo "== declarations: tsc on test/usage.ts, then run it"
(cd $pkg && npm run --silent typecheck)

if [[ ${1:-} == --bench ]]; then
  echo "== bench"
  node $pkg/bench/plan.mjs
fi
