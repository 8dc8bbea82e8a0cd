#!/usr/bin/env bash
# The real-agent suite: installs the pinned agent CLIs (claude, codex, gemini) from the npm
# registry into a cache OUTSIDE the repository, builds renn, and runs tests/agents/ — each
# real CLI against a loopback stand-in of its vendor's API (tests/agents/standin/). Nothing
# leaves 127.0.0.1: when `unshare -rn` works the suite runs in a private network namespace
# (only a loopback interface exists there), otherwise plainly on loopback.
#   scripts/agents.sh                 install (when needed), build, test
#   scripts/agents.sh --install-only  only the CLIs (prints their bin directories)
#   scripts/agents.sh -- -k claude    extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the stand-ins speak the wire format these versions speak.
PINS=("@anthropic-ai/claude-code@2.1.332" "@openai/codex@0.171.0" "@google/gemini-cli@0.61.0")
CACHE="${RENN_CACHE:-$HOME/.cache/renn}/agent-clis"

# One `npm install --prefix` directory per package@version; it is reused when the package
# installed there reports the pinned version (so a re-run is a no-op), else reinstalled.
install_cli() {
  local spec=$1 dir="$CACHE/$1"
  local name=${spec%@*} version=${spec##*@}
  local have
  have=$(node -p "require('$dir/node_modules/$name/package.json').version" 2>/dev/null || true)
  if [[ $have == "$version" ]]; then
    echo "agents: $spec cached in $dir"
    return
  fi
  echo "agents: installing $spec into $dir${have:+ (found $have)}"
  local start=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir"
  # --no-fund/--no-audit: no extra registry calls. claude-code's native binary comes as
  # an npm optional dependency, so --omit=optional must not be used.
  npm install --prefix "$dir" --no-fund --no-audit --loglevel=error "$spec" >&2
  echo "agents: installed $spec in $((SECONDS - start)) s"
}

BIN_PATH=""
for spec in "${PINS[@]}"; do
  install_cli "$spec"
  BIN_PATH="$CACHE/$spec/node_modules/.bin${BIN_PATH:+:$BIN_PATH}"
done
if [[ ${1:-} == --install-only ]]; then
  echo "$BIN_PATH"
  exit 0
fi
[[ ${1:-} == -- ]] && shift

cargo build --quiet -p renn-cli
export RENN_BIN="$PWD/target/debug/renn"
# The stand-ins' endpoints are set in each project's agent.env/args: trusted for the suite.
export RENN_TRUST=1
export RENN_AGENT_BIN_PATH="$BIN_PATH"

# pytest from the repository's venv (scripts/setup.sh makes it); created here when this
# script runs on its own from a fresh clone.
PY=.venv/bin/python
if ! "$PY" -c 'import pytest' 2>/dev/null; then
  echo "agents: installing pytest into .venv"
  [[ -x $PY ]] || python3 -m venv .venv
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$PY" -m pip install --quiet pytest
fi
# -rxX lists every xfail with its reason; --durations shows where the time goes.
# A path among the arguments (tests/agents/test_claude.py) replaces the whole suite.
TARGET=(tests/agents)
for a in "$@"; do [[ $a == tests/* ]] && TARGET=(); done
PYTEST=("$PY" -m pytest -q -rxX --durations=8 "${TARGET[@]}" "$@")

start=$SECONDS
rc=0
if unshare -rn true 2>/dev/null; then
  echo "agents: running in a private network namespace (loopback only)"
  # printf %q keeps the arguments intact through the inner shell.
  unshare -rn bash -c "ip link set lo up && $(printf '%q ' "${PYTEST[@]}")" || rc=$?
else
  echo "agents: unshare -rn is not permitted here; running on loopback (stand-ins bind 127.0.0.1 only)"
  "${PYTEST[@]}" || rc=$?
fi
echo "agents: suite took $((SECONDS - start)) s"
exit $rc
