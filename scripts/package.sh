#!/usr/bin/env bash
# renn's release artifacts for the platforms this machine can build, into target/dist/:
#   npm/   the `renn` package (loader, types, error classes, the `renn` launcher) and one
#          package per platform, @renn/renn-<platform>: the napi addon renn.<platform>.node
#          and the `renn` command line binary (npm pack tarballs, ready to publish)
#   wheel  renn-<version>-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl: the
#          Python extension (abi3, CPython >= 3.9) and the `renn` command
# Platforms: linux-x64-gnu, linux-arm64-gnu (glibc >= 2.17) and linux-x64-musl, all
# cross-built with zig (cargo-zigbuild, maturin --zig), so the host's glibc does not leak
# in. macOS and Windows are built by .github/workflows/release.yml on their own runners.
# scripts/bindings/artifacts.sh tests what this builds.
#
# Tools, each installed only when missing or at another version, cached outside the
# clone in ${RENN_TOOLS:-~/.cache/renn-tools}: a venv with zig (PyPI `ziglang`) and
# maturin, cargo-zigbuild (crates.io, into ~/.cargo/bin), the rustup targets. The cross
# builds' cargo target directory is there too ($RENN_TOOLS/target, or
# RENN_PACKAGE_TARGET_DIR): a fresh clone then recompiles only renn's own crates.
#   scripts/package.sh              every platform
#   scripts/package.sh --tools      the tools only
#   RENN_TARGETS="x86_64-unknown-linux-gnu" scripts/package.sh   some of them
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools=${RENN_TOOLS:-$HOME/.cache/renn-tools}
ZIGLANG_VERSION=0.17.1
MATURIN_VERSION=1.16.0
ZIGBUILD_VERSION=0.24.1
target_dir=${RENN_PACKAGE_TARGET_DIR:-$tools/target}
targets=(${RENN_TARGETS:-x86_64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-gnu})
export PIP_DISABLE_PIP_VERSION_CHECK=1

# --- tools ------------------------------------------------------------------------------
py=$tools/venv/bin/python
[[ -x $py ]] || { echo "package: creating the tools venv $tools/venv"; python3 -m venv "$tools/venv"; }
want=()
[[ $("$py" -m ziglang version 2>/dev/null) == "$ZIGLANG_VERSION" ]] || want+=("ziglang==$ZIGLANG_VERSION")
[[ $("$tools/venv/bin/maturin" --version 2>/dev/null) == "maturin $MATURIN_VERSION" ]] || want+=("maturin==$MATURIN_VERSION")
if ((${#want[@]})); then
  echo "package: pip install ${want[*]} (into $tools/venv)"
  "$py" -m pip install --quiet "${want[@]}"
fi
# `zig` on PATH for cargo-zigbuild and maturin: the binary the ziglang wheel ships.
mkdir -p "$tools/bin"
ln -sf "$("$py" -c 'import ziglang, os; print(os.path.dirname(ziglang.__file__))')/zig" "$tools/bin/zig"
export PATH=$tools/bin:$PATH
if ! grep -qx "cargo-zigbuild v$ZIGBUILD_VERSION:" <<<"$(cargo install --list)"; then
  echo "package: cargo install cargo-zigbuild $ZIGBUILD_VERSION"
  cargo install --quiet cargo-zigbuild --version "$ZIGBUILD_VERSION"
fi
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || { echo "package: rustup target add $t"; rustup target add "$t"; }
done
stamp=bindings-node/node_modules/.package-lock.json
if [[ ! -f $stamp || bindings-node/package-lock.json -nt $stamp ]]; then
  echo "package: installing the npm tools of bindings-node"
  (cd bindings-node && npm ci --no-audit --no-fund)
fi
[[ ${1:-} == --tools ]] && exit 0

# --- builds -----------------------------------------------------------------------------
napi=$root/bindings-node/node_modules/.bin/napi
export CARGO_TARGET_DIR=$target_dir
dist=$root/target/dist
rm -rf "$dist" && mkdir -p "$dist/npm" "$dist/napi"
# glibc targets are built against glibc 2.17 (manylinux2014's floor, and napi-rs's).
zig_target() { [[ $1 == *-gnu ]] && echo "$1.2.17" || echo "$1"; }
# The napi-rs platform name of a Rust target (npm/<name>, renn.<name>.node).
platform() {
  case $1 in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    *) echo "package: no npm platform for $1" >&2; return 1 ;;
  esac
}

for t in "${targets[@]}"; do
  p=$(platform "$t")
  echo "== package: $p: the napi addon (napi build --cross-compile, cargo zigbuild)"
  # The loader (native.js) and declarations come from one build, the same for every
  # platform; bindings-node/ is left alone (its own build is the dev build).
  (cd bindings-node && "$napi" build --platform --release --cross-compile \
    --target "$(zig_target "$t")" --output-dir "$dist/napi/$p" \
    --js native.js --dts native.d.ts)
  echo "== package: $p: the renn command line (cargo zigbuild)"
  cargo zigbuild --release --quiet -p renn-cli --target "$(zig_target "$t")"
  cp "$target_dir/$t/release/renn" "$dist/napi/$p/renn"
done

echo "== package: npm packages"
(cd bindings-node && npm run --silent build:errors)
node scripts/package/npm.mjs pack "$dist/napi" "$dist/npm"

if [[ " ${targets[*]} " == *" x86_64-unknown-linux-gnu "* ]]; then
  echo "== package: the Python wheel (maturin --zig, manylinux2014) with the renn command"
  # maturin puts <module-name>.data/scripts/* into the wheel's scripts: pip installs them on PATH.
  data=bindings-python/renn._renn.data
  rm -rf "$data" && mkdir -p "$data/scripts"
  cp "$target_dir/x86_64-unknown-linux-gnu/release/renn" "$data/scripts/renn"
  "$tools/venv/bin/maturin" build --release --quiet --zig --compatibility manylinux2014 \
    --target x86_64-unknown-linux-gnu --manifest-path bindings-python/Cargo.toml --out "$dist"
  rm -rf "$data"
fi

echo "== package: artifacts"
(cd "$dist" && find . -maxdepth 2 -type f \( -name '*.tgz' -o -name '*.whl' \) -printf '%-70P %10s bytes\n' | sort)
