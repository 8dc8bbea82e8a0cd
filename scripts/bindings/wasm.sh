#!/usr/bin/env bash
# The WASM build of renn-core (`--features wasm-api`, core/src/wasm/): sets up what is
# missing, builds bindings-wasm/pkg/nodejs and pkg/web, prints their sizes, and tests
# them in node. Safe to run again; each tool is installed only when missing or at the
# wrong version. `--no-test` stops after the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
run_tests=1
[[ "${1:-}" == "--no-test" ]] && run_tests=0

# The CLI must be the exact version of the crate the module is linked with.
pin=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' core/Cargo.toml)
[[ -n "$pin" ]] || { echo "wasm.sh: no exact wasm-bindgen pin in core/Cargo.toml" >&2; exit 1; }
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
# cdylib only here: a `crate-type` in core/Cargo.toml would make every native build
# link a useless shared library too. The settings apply to this build only (measured
# with bench/plan.mjs): size-optimised, but the YAML scanner, the hot loop, at full
# speed (-7 %, no size cost; the core at -O3 would be 20 % faster but 70 KB bigger
# gzipped), and SIMD for memchr (-7 %; every current browser and node has it).
echo "== wasm build"
cargo rustc --quiet -p renn-core --release --target wasm32-unknown-unknown \
  --features wasm-api --crate-type cdylib \
  --config 'profile.release.opt-level="s"' --config 'profile.release.lto=true' \
  --config 'profile.release.codegen-units=1' \
  --config 'profile.release.package.yaml-rust2.opt-level=3' \
  --config 'target.wasm32-unknown-unknown.rustflags=["-Ctarget-feature=+simd128"]'
wasm=target/wasm32-unknown-unknown/release/renn_core.wasm

size() { # raw and gzipped KB of a file
  awk -v raw="$(stat -c %s "$1")" -v gz="$(gzip -9c "$1" | wc -c)" \
    'BEGIN { printf "%7.1f KB raw %7.1f KB gzipped", raw / 1024, gz / 1024 }'
}
# Features node 20 accepts (binaryen's --all-features output is refused by it).
opt_flags=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
           --enable-reference-types --enable-multivalue --enable-simd)
optimized=""
for target in nodejs web; do
  out=bindings-wasm/pkg/$target
  rm -rf "$out"
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
# The glue of pkg/nodejs is CommonJS; js/errors.js stays an ES module there (node
# >= 20.19 requires it), so each directory says what its files are.
cat > bindings-wasm/pkg/nodejs/package.json <<JSON
{ "name": "renn-wasm", "version": "$version", "type": "commonjs",
  "main": "renn_wasm.js", "types": "renn_wasm.d.ts", "engines": { "node": ">=20.19" } }
JSON
for snippets in bindings-wasm/pkg/nodejs/snippets/*/; do
  echo '{ "type": "module" }' > "$snippets/package.json"
done
cat > bindings-wasm/pkg/web/package.json <<JSON
{ "name": "renn-wasm", "version": "$version", "type": "module",
  "module": "renn_wasm.js", "types": "renn_wasm.d.ts", "sideEffects": ["./snippets/*"] }
JSON

[[ $run_tests == 1 ]] || exit 0

# --- test --------------------------------------------------------------------
echo "== wasm: generated TypeScript (tsc --strict)"
"$tools/.bin/tsc" -p bindings-wasm/test/tsconfig.json
echo "== wasm: node tests"
node --test --test-reporter=spec bindings-wasm/test/*.test.mjs
echo "== wasm: the shared node suite (tests/node/, as for the napi addon)"
RENN_IMPLS=wasm node --test --test-reporter=spec tests/node/
