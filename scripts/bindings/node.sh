#!/usr/bin/env bash
# The npm package `renn` (bindings-node/, a napi-rs addon) from a fresh clone:
# install its npm tools when missing or stale, build it, and test it —
#   - the Node suite tests/node/ (RENN_IMPLS, default "napi,wasm"; every listed
#     implementation must be built, so run the WASM build first or set RENN_IMPLS=napi),
#   - the value types (types.d.ts) generated from schema/api.json, not stale,
#   - the generated declarations: test/usage.ts type-checked against them, then run
#     (tests/node/types.test.mjs: a typo fails tsc --strict, for napi and WASM),
#   - the `npm pack` tarball installed into an empty project and used.
# `--bench` runs bindings-node/bench/plan.mjs after the tests; `--no-test` only builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
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

echo "== npm pack: install the tarball into an empty project"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd $pkg && npm pack --silent --pack-destination "$tmp" >/dev/null)
mkdir "$tmp/app"
(
  cd "$tmp/app"
  echo '{"name": "app", "private": true}' >package.json
  npm install --silent --no-audit --no-fund "$tmp"/renn-*.tgz
  # The declarations import the generated value types: they ship too.
  test -f node_modules/renn/types.d.ts || { echo "node.sh: types.d.ts is not in the package"; exit 1; }
  node -e "
    const { Project } = require('renn')
    const plan = Project.load(process.argv[1]).plan('2')
    if (plan.batches.length !== 3) throw new Error('unexpected plan from the packed module')
    console.log('packed module plans', plan.stage.dir, 'in', plan.batches.length, 'batches')
  " "$root/examples/demo"
  node --input-type=module -e "
    import { Project, StageError } from 'renn'
    try { Project.load(process.argv[1]).plan('9') } catch (e) { if (!(e instanceof StageError)) throw e }
    console.log('ESM named imports work')
  " "$root/examples/demo"
)

if [[ ${1:-} == --bench ]]; then
  echo "== bench"
  node $pkg/bench/plan.mjs
fi
