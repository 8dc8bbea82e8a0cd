#!/usr/bin/env bash
# The WASM build: the crate renn-wasm (bindings-wasm/src/, renn-core's exports) for
# wasm32, finished by wasm-bindgen into one npm package, bindings-wasm/pkg/ (`renn-wasm`:
# nodejs/ for node, web/ for browsers, chosen by its `exports` conditions), packed with
# `npm pack`; sets up what is missing, prints sizes, and tests the builds, the package
# installed from its tarball, and the shared Node suite. Safe to run again; each tool is
# installed only when missing or at the wrong version. `--no-test` stops after the pack.
set -euo pipefail
cd "$(dirname "$0")/../.."
run_tests=1
[[ "${1:-}" == "--no-test" ]] && run_tests=0

# The CLI must be the exact version of the crate the module is linked with.
pin=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' Cargo.toml)
[[ -n "$pin" ]] || { echo "wasm.sh: no exact wasm-bindgen pin in Cargo.toml's workspace dependencies" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

# --- setup -------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "wasm: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $pin" ]]; then
  echo "wasm: installing wasm-bindgen-cli $pin (a few minutes)"
  # No --locked: a version its lock file names is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$pin"
fi
tools=bindings-wasm/node_modules
if [[ ! -x "$tools/.bin/wasm-opt" || ! -x "$tools/.bin/tsc" \
      || bindings-wasm/package-lock.json -nt "$tools/.package-lock.json" ]]; then
  echo "wasm: installing binaryen (wasm-opt) and typescript from npm"
  (cd bindings-wasm && npm ci --no-audit --no-fund --loglevel=error)
fi

# Headless Chromium for the browser test (Debian's package, ~15 s); without it that
# one test is skipped and says so.
if ! command -v chromium-headless-shell >/dev/null && ! command -v chromium >/dev/null \
   && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "wasm: installing chromium-headless-shell (apt) for the browser test"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; } \
    >/dev/null || echo "wasm: could not install Chromium; the browser test will be skipped"
fi

# --- build -------------------------------------------------------------------
# The settings apply to this build only (measured with bench/plan.mjs): size-optimised,
# but the YAML scanner, the hot loop, at full speed (-7 %, no size cost; the core at -O3
# would be 20 % faster but 70 KB bigger gzipped), and SIMD for memchr (-7 %; every
# current browser and node has it).
echo "== wasm build"
cargo build --quiet -p renn-wasm --release --target wasm32-unknown-unknown \
  --config 'profile.release.opt-level="s"' --config 'profile.release.lto=true' \
  --config 'profile.release.codegen-units=1' \
  --config 'profile.release.package.yaml-rust2.opt-level=3' \
  --config 'target.wasm32-unknown-unknown.rustflags=["-Ctarget-feature=+simd128"]'
wasm=target/wasm32-unknown-unknown/release/renn_wasm.wasm

size() { # raw and gzipped KB of a file
  awk -v raw="$(stat -c %s "$1")" -v gz="$(gzip -9c "$1" | wc -c)" \
    'BEGIN { printf "%7.1f KB raw %7.1f KB gzipped", raw / 1024, gz / 1024 }'
}
# Features node 20 accepts (binaryen's --all-features output is refused by it).
opt_flags=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
           --enable-reference-types --enable-multivalue --enable-simd)
pkg=bindings-wasm/pkg
rm -rf "$pkg"
optimized=""
for target in nodejs web; do
  out=$pkg/$target
  wasm-bindgen --target "$target" --out-dir "$out" --out-name renn_wasm "$wasm"
  # The value types the declarations import (generated from the Rust types).
  cp bindings-node/types.d.ts "$out/types.d.ts"
  echo "  $target: wasm-bindgen $(size "$out/renn_wasm_bg.wasm")"
  # The targets differ in their glue only; optimise the module once (~20 s).
  if [[ -n "$optimized" ]] && cmp -s "$out/renn_wasm_bg.wasm" "$optimized.in"; then
    cp "$optimized" "$out/renn_wasm_bg.wasm"
  else
    optimized=$(mktemp -d)/renn_wasm_bg.wasm
    cp "$out/renn_wasm_bg.wasm" "$optimized.in"
    "$tools/.bin/wasm-opt" "${opt_flags[@]}" "$optimized.in" -o "$optimized"
    cp "$optimized" "$out/renn_wasm_bg.wasm"
  fi
  echo "  $target: wasm-opt     $(size "$out/renn_wasm_bg.wasm")"
done
rm -rf "$(dirname "$optimized")"

# --- the npm package ---------------------------------------------------------
# One package, two builds: `node` (CommonJS glue that reads the .wasm beside it; `import`
# works too, node sees its `exports.X =` names) and `browser`/`import`/`default` (the ES
# module for browsers, web workers and bundlers: `await init()` or `initSync`). The glue
# of nodejs/ is CommonJS; js/errors.js stays an ES module there (node >= 20.19 requires
# it), so each directory says what its files are.
echo '{ "type": "commonjs" }' > "$pkg/nodejs/package.json"
for snippets in "$pkg"/nodejs/snippets/*/; do
  echo '{ "type": "module" }' > "$snippets/package.json"
done
echo '{ "type": "module", "sideEffects": ["./snippets/**"] }' > "$pkg/web/package.json"
cat > "$pkg/package.json" <<JSON
{
  "name": "renn-wasm",
  "version": "$version",
  "description": "renn's core in WebAssembly: plan, validate and drive .renn/ stages from files handed in (browsers, VS Code web extensions, node).",
  "license": "MIT",
  "repository": { "type": "git", "url": "git+https://github.com/renn-dev/renn.git", "directory": "bindings-wasm" },
  "keywords": ["renn", "wasm", "agents", "planning"],
  "type": "module",
  "exports": {
    ".": {
      "node": { "types": "./nodejs/renn_wasm.d.ts", "default": "./nodejs/renn_wasm.js" },
      "browser": { "types": "./web/renn_wasm.d.ts", "default": "./web/renn_wasm.js" },
      "import": { "types": "./web/renn_wasm.d.ts", "default": "./web/renn_wasm.js" },
      "default": { "types": "./web/renn_wasm.d.ts", "default": "./web/renn_wasm.js" }
    },
    "./renn_wasm_bg.wasm": "./web/renn_wasm_bg.wasm",
    "./package.json": "./package.json"
  },
  "main": "./nodejs/renn_wasm.js",
  "module": "./web/renn_wasm.js",
  "browser": "./web/renn_wasm.js",
  "types": "./web/renn_wasm.d.ts",
  "files": ["nodejs/", "web/"],
  "sideEffects": ["./nodejs/**", "./web/snippets/**"],
  "engines": { "node": ">=20.19" }
}
JSON
cp bindings-wasm/README.md "$pkg/README.md"
tarball=$(cd "$pkg" && npm pack --silent --pack-destination .. | tail -n1)
tarball=bindings-wasm/$tarball
echo "  npm pack: $tarball $(size "$tarball" | sed 's/ *[0-9.]* KB gzipped//')"

[[ $run_tests == 1 ]] || exit 0

# --- test --------------------------------------------------------------------
echo "== wasm: generated TypeScript (tsc --strict)"
"$tools/.bin/tsc" -p bindings-wasm/test/tsconfig.json
echo "== wasm: node tests (the package: its tarball installed into an empty project)"
RENN_WASM_TARBALL=$PWD/$tarball node --test --test-reporter=spec bindings-wasm/test/*.test.mjs
echo "== wasm: the shared node suite (tests/node/, as for the napi addon)"
RENN_IMPLS=wasm node --test --test-reporter=spec tests/node/
