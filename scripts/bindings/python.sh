#!/usr/bin/env bash
# The Python package (bindings-python/), from a fresh clone: a venv at .venv/ with
# maturin, pytest and mypy (each installed only when missing), the extension built
# into it, then stubtest (the .pyi matches the module), mypy --strict on the example,
# the pytest suite, and `pip install ./bindings-python` in a fresh venv.
#   scripts/bindings/python.sh         build and test
#   scripts/bindings/python.sh bench   build, then print the plan benchmark
#   scripts/bindings/python.sh --no-test   build only
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=$ROOT/.venv
PY=$VENV/bin/python
# Caches stay inside the git-ignored venv, not in the work tree.
export MYPY_CACHE_DIR=$VENV/.mypy_cache
export PIP_DISABLE_PIP_VERSION_CHECK=1

setup_venv() {
  if [ ! -x "$PY" ]; then
    echo "python: creating $VENV"
    python3 -m venv "$VENV"
  fi
  local missing=()
  [ -x "$VENV/bin/maturin" ] || missing+=(maturin)
  "$PY" -c "import pytest" 2>/dev/null || missing+=(pytest)
  "$PY" -c "import mypy" 2>/dev/null || missing+=(mypy)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "python: installing ${missing[*]}"
    "$PY" -m pip install --quiet "${missing[@]}"
  fi
}

build() {
  echo "== python: maturin develop --release"
  VIRTUAL_ENV=$VENV "$VENV/bin/maturin" develop --release --quiet \
    --manifest-path bindings-python/Cargo.toml
}

check_types() {
  echo "== python: renn/types.py is what schema/api.json generates"
  "$PY" scripts/bindings/typeddicts.py --check
  echo "== python: stubtest (the .pyi matches the built module)"
  "$PY" -m mypy.stubtest renn --allowlist bindings-python/stubtest-allowlist.txt
  echo "== python: mypy --strict on the example, the tests and the benchmark"
  "$PY" -m mypy --strict examples/python/plan.py examples/python/run_stage.py
  "$PY" -m mypy --strict bindings-python/tests bindings-python/bench/plan.py
  echo "== python: a typo'd key fails mypy (bindings-python/typecheck/)"
  "$PY" -m mypy --strict bindings-python/typecheck/ok.py
  local typo out
  for typo in bindings-python/typecheck/typo_*.py; do
    if out=$("$PY" -m mypy --strict "$typo"); then
      echo "python: mypy accepted $typo"; return 1
    fi
    # The file's first line names the error mypy must report.
    local want
    want=$(sed -n '1s/^# expect: //p' "$typo")
    if ! grep -qF -- "$want" <<<"$out"; then
      echo "python: mypy on $typo did not say: $want"; echo "$out"; return 1
    fi
  done
  echo "python: every typo in bindings-python/typecheck/ fails mypy"
}

run_tests() {
  echo "== python: pytest bindings-python/tests"
  local rc=0
  "$PY" -m pytest -p no:cacheprovider -q bindings-python/tests || rc=$?
  # pytest exits 5 when it collects no test: a failure like any other.
  if [ "$rc" -eq 5 ]; then echo "python: pytest collected no test"; fi
  return "$rc"
}

fresh_install() {
  echo "== python: pip install ./bindings-python in a fresh venv"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  python3 -m venv "$tmp/venv"
  "$tmp/venv/bin/pip" install --quiet ./bindings-python
  local out
  # From the temporary directory, so `import renn` finds the installed package only.
  out=$(cd "$tmp" && "$tmp/venv/bin/python" "$ROOT/examples/python/plan.py" "$ROOT/examples/demo" 2)
  if ! grep -qx "batch 2: 02-03, 02-04" <<<"$out"; then
    echo "python: the fresh install printed an unexpected plan:"
    echo "$out"
    return 1
  fi
  echo "python: the fresh install plans examples/demo"
}

setup_venv
build
[ "${1:-}" = --no-test ] && exit 0
if [ "${1:-}" = bench ]; then
  "$PY" bindings-python/bench/plan.py
  exit 0
fi
check_types
run_tests
fresh_install
