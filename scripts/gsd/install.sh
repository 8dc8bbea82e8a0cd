#!/usr/bin/env bash
# Installs GSD (the npm package get-shit-done-cc, pinned) into a cache OUTSIDE the
# repository, only when it is missing or at another version, and prints the package's
# directory (the last line of stdout). Only the npm registry is used; no install script
# runs (--ignore-scripts), and GSD's own installer (bin/install.js, which copies files
# into ~/.claude) is never run: renn's tests call its two CLIs directly,
#   node "$PKG/sdk/dist/cli.js" query <command>        (gsd-sdk, what GSD's workflows call)
#   node "$PKG/get-shit-done/bin/gsd-tools.cjs" <cmd>  (the legacy CJS tools)
#   scripts/gsd/install.sh            → …/node_modules/get-shit-done-cc
# RENN_TOOLS moves the cache (default ~/.cache/renn-tools).
set -euo pipefail
VERSION=1.42.3
dir="${RENN_TOOLS:-$HOME/.cache/renn-tools}/gsd/$VERSION"
pkg="$dir/node_modules/get-shit-done-cc"
have=$(node -p "require('$pkg/package.json').version" 2>/dev/null || true)
if [[ $have != "$VERSION" || ! -f $pkg/sdk/dist/cli.js ]]; then
  echo "gsd: installing get-shit-done-cc@$VERSION into $dir${have:+ (found $have)}" >&2
  start=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir"
  # GSD declares engines.node >= 22; its CLIs run on Node 20 too (only a warning).
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "get-shit-done-cc@$VERSION" >&2
  echo "gsd: installed in $((SECONDS - start)) s" >&2
fi
echo "$pkg"
